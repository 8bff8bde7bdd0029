//! Property tests: no text makes the policy parser panic, a policy it accepts always
//! renders, and bad values anywhere reject the whole file with a `file:line`.

use crate::policy::parse::parse;
use crate::render::policy_script;
use proptest::prelude::*;

/// Cases per property: `RAMPART_FUZZ_CASES` when set (for longer runs), else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("RAMPART_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

const EXAMPLE: &str = include_str!("../dist/firewall.toml");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(2000)))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        if let Ok(p) = parse(&text, "f") {
            let _ = policy_script(&p, "rampart");
        }
    }

    #[test]
    fn policy_shaped_text_never_panics(text in "(\\[\\[service\\]\\]|\\[\\[egress\\]\\]|\\[zones\\]|\\[log\\]|\\n|name = \"[a-z_]{0,4}\"|port = [0-9]{1,6}|ports = \"[0-9-]{0,12}\"|from = \\[\"(all|admin|x)\"\\]|to = \\[\"all\"\\]|protocol = \"(tcp|udp|x)\"|limit = \"[0-9]{0,3}/(second|minute|x)\"|burst = [0-9]{1,8}|max_connections = [0-9]{1,3}|ingress_only = (true|false)|admin = \\[\"[0-9a-f:./]{0,20}\"\\]|prefix = \"[ -~]{0,70}\"|inbound = \"(drop|accept|x)\"){0,30}") {
        match parse(&text, "f") {
            Ok(p) => { let _ = policy_script(&p, "rampart"); }
            Err(e) => prop_assert!(format!("{e:#}").starts_with("f:"), "{e:#}"),
        }
    }

    #[test]
    fn a_mutated_example_is_accepted_or_rejected_with_a_line(at in 0usize..3000, junk in "[\\PC\\n]{1,8}") {
        let mut text = EXAMPLE.to_string();
        let mut at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.insert_str(at, &junk);
        match parse(&text, "f") {
            Ok(p) => { let _ = policy_script(&p, "rampart"); }
            Err(e) => prop_assert!(format!("{e:#}").starts_with("f:"), "{e:#}"),
        }
    }
}
