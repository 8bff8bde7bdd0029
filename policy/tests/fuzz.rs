//! Property tests: no input makes the parser, the compiled-policy validator, the
//! lookups or the learning reducer panic, and generated policies always parse.

use proptest::prelude::*;
use rampart_kernel_logic::rbac::{Level, Policy};
use rampart_policy::generate::{generate, GenerateConfig, LearningLog};
use rampart_policy::text::PolicyText;

fn lookups(p: &Policy<'_>) {
    let walk = [
        Level { dev: 8, ino: Some(2), parent_ino: Some(1), name: b"x" },
        Level { dev: 8, ino: Some(1), parent_ino: None, name: b"" },
    ];
    for role in 0..4 {
        if let Some(s) = p.subject_for(role, walk) {
            let _ = p.learning(s);
            if let Some(subject) = p.subject(s) {
                let _ = p.match_walk(subject.objects_start, subject.objects_len, walk);
            }
        }
    }
    let _ = p.role_for(0, 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn text_parser_never_panics(text in "(role|subject|/|#|learn|inherits|user|group|-CAP_|\\+CAP_ALL|[a-z/ \"\\n]{0,8}){0,40}") {
        if let Ok(p) = PolicyText::parse(&text) {
            prop_assert_eq!(PolicyText::parse(&p.to_string()).map(|q| q.to_string()), Ok(p.to_string()));
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,300}") {
        let _ = PolicyText::parse(&text);
    }

    #[test]
    fn compiled_policy_validation_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut with_header = b"RBAC\x01\x00\x00\x00".to_vec();
        with_header.extend_from_slice(&bytes);
        for candidate in [&bytes[..], &with_header[..]] {
            if let Ok(p) = Policy::parse(candidate) {
                lookups(&p);
            }
            lookups(&Policy::trusted(candidate));
        }
    }

    #[test]
    fn learning_logs_never_panic_and_generate_parseable_policies(
        lines in proptest::collection::vec(
            ("(/[a-z]{1,3}){1,4}", "(/[a-z]{1,3}){1,4}", "[rwacdxh]{1,3}", prop_oneof![Just("/".to_string()), "(/[a-z]{1,3}){1,3}"]),
            0..40,
        ),
        junk in ".{0,80}",
    ) {
        let mut log: Vec<String> = lines
            .iter()
            .map(|(exe, object, access, subject)| format!(
                r#"{{"module":"rbac","decision":"learn","exe":"{exe}","object":"{object}","reason":"subject={subject} access={access}"}}"#
            ))
            .collect();
        log.push(junk);
        let config = GenerateConfig::default();
        let learned = LearningLog::read(&log.join("\n"), &config);
        let policy = generate(&learned, None, &config).unwrap();
        prop_assert!(PolicyText::parse(&policy.to_string()).is_ok(), "{}", policy);
    }
}
