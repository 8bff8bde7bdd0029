//! Property tests: no input makes the parser, the compiled-policy validator, the
//! lookups or the learning reducer panic, generated policies always parse, and any file
//! name (any bytes) learned becomes exactly its own rule or none, never another.

use proptest::prelude::*;
use rampart_kernel_logic::rbac::{Ident, Level, Policy};
use rampart_policy::generate::{generate, render, GenerateConfig, LearningLog};
use rampart_policy::text::{quote, PolicyText};

/// Cases per property: `RAMPART_FUZZ_CASES` when set (for longer runs), else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("RAMPART_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn lookups(p: &Policy<'_>) {
    let walk = [
        Level { dev: 8, ino: Some(Ident::new(2, 0)), parent: Some(Ident::new(1, 0)), name: b"x" },
        Level { dev: 8, ino: Some(Ident { ino: 1, generation: None }), parent: None, name: b"" },
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
    #![proptest_config(ProptestConfig::with_cases(cases(2000)))]

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
        prop_assert!(render(&policy).is_ok(), "{}", policy);
    }
}

/// One learn event of `/usr/sbin/svc` reading `object`, as the kernel encodes it.
fn kernel_learn_event(object: &[u8]) -> String {
    use rampart_kernel_logic::event::{encode, Decision, Event, Subject, RECORD_MAX};
    let exe = b"/usr/sbin/svc";
    let event = Event {
        seq: 1,
        time_ns: 1,
        module: b"rbac",
        decision: Decision::Learn,
        subject: Subject { uid: 1000, euid: 1000, gid: 1000, egid: 1000, pid: 7, comm: b"svc", exe, cgroup: 0 },
        object,
        reason: b"subject=/usr/sbin/svc access=r",
        peers: b"",
    };
    let mut buf = [0u8; RECORD_MAX];
    let len = encode(&event, &mut buf);
    String::from_utf8_lossy(&buf[..len]).into_owned()
}

/// The rule a learned read of `/tmp/<name>` must become: exactly that path, or none when
/// the event was cut, the name is not UTF-8, or it is no policy path (`.`, `..`, NUL, too
/// long) — never anything else, and the generator never refuses (a file name must not be
/// able to stop policy generation either).
fn check_name_round_trips(name: &[u8]) -> Result<(), TestCaseError> {
    use rampart_kernel_logic::rbac::access;
    let mut object = b"/tmp/".to_vec();
    object.extend_from_slice(name);
    let line = kernel_learn_event(&object);
    let config = GenerateConfig::default();
    let base = PolicyText::parse("role default\n  subject /\n    / rx\n  subject /usr/sbin/svc learn\n").unwrap();
    let learned = LearningLog::read(&line, &config);
    let policy = generate(&learned, Some(&base), &config).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
    let text = render(&policy).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
    prop_assert!(text.is_ascii());
    let back = PolicyText::parse(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let expected: Vec<(String, u32)> = match std::str::from_utf8(&object) {
        Ok(path)
            if !line.contains("\"truncated\":true")
                && rampart_policy::text::check_path(path).is_ok()
                && !path.ends_with(" (deleted)") =>
        {
            vec![(path.to_string(), access::READ)]
        }
        _ => Vec::new(),
    };
    prop_assert_eq!(back.roles.len(), 1);
    let subjects: Vec<&str> = back.roles[0].subjects.iter().map(|s| s.path.as_str()).collect();
    prop_assert_eq!(subjects, ["/", "/usr/sbin/svc"]);
    let catch_all: Vec<(String, u32)> =
        back.roles[0].subjects[0].objects.iter().map(|o| (o.path.clone(), o.modes)).collect();
    prop_assert_eq!(catch_all, vec![("/".to_string(), access::READ | access::EXEC)]);
    let svc = &back.roles[0].subjects[1];
    let got: Vec<(String, u32)> = svc.objects.iter().map(|o| (o.path.clone(), o.modes)).collect();
    prop_assert_eq!(got, expected, "{}", text);
    prop_assert!(!svc.learn && !back.learn_all);
    // Every line is a role, subject, rule or one whole comment: role, subject /, its
    // rule, subject svc, svc's notes, objects and capability lines.
    prop_assert_eq!(
        text.lines().count(),
        4 + svc.objects.len() + svc.caps.len() + policy.roles[0].subjects[1].notes.len(),
        "{}",
        text
    );
    Ok(())
}

/// A name through [`quote`] and the parser: the same bytes, or (not UTF-8 / no policy
/// path) an error on its line.
fn check_quote_round_trips(name: &[u8]) -> Result<(), TestCaseError> {
    let mut path = b"/".to_vec();
    path.extend_from_slice(name);
    let text = format!("role default\n  subject /\n    {} rx\n", quote(&path));
    prop_assert!(text.is_ascii() && text.lines().count() == 3);
    match (PolicyText::parse(&text), std::str::from_utf8(&path)) {
        (Ok(p), Ok(want)) => prop_assert_eq!(&p.roles[0].subjects[0].objects[0].path, want),
        (Err(e), Ok(want)) => {
            prop_assert_eq!(e.line, 3);
            prop_assert!(rampart_policy::text::check_path(want).is_err(), "{}: {}", text, e);
        }
        (Err(e), Err(_)) => prop_assert!(e.line == 3 && e.message.contains("not UTF-8"), "{}", e),
        (Ok(_), Err(_)) => prop_assert!(false, "non-UTF-8 accepted: {}", text),
    }
    Ok(())
}

/// Bytes weighted towards those that break quoting.
fn name_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        4 => any::<u8>(),
        1 => prop::sample::select(b"\"\\\n\r\t #/x. ".to_vec()),
        1 => 0x80u8..=0xff,
    ]
}

/// Lines a policy might hold, as bytes, with hostile bytes mixed in.
fn policy_piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::sample::select(vec![
            &b"role default\n"[..],
            b"role a user 1\n",
            b"  subject /\n",
            b"  subject /bin/x inherits / learn\n",
            b"    / rx\n",
            b"    \"/a b\\\"\\\\\\x41\" r\n",
            b"\\x",
            b"\\",
            b"\"",
            b"#",
            b"\r",
            b"\n",
            b"-CAP_ALL\n",
            b"+CAP_",
            b"learn-all\n",
            b"\xc2\xa0",
            b"\xe2\x80\xa8",
            b"\xff",
        ])
        .prop_map(<[u8]>::to_vec),
        proptest::collection::vec(any::<u8>(), 0..12),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(5000)))]

    #[test]
    fn any_file_name_round_trips_through_generate(name in proptest::collection::vec(name_byte(), 0..100)) {
        check_name_round_trips(&name)?;
    }

    #[test]
    fn any_name_round_trips_through_quote(name in proptest::collection::vec(name_byte(), 0..300)) {
        check_quote_round_trips(&name)?;
    }

    #[test]
    fn the_parser_never_panics_on_arbitrary_bytes(
        pieces in proptest::collection::vec(policy_piece(), 0..40),
        raw in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        for bytes in [pieces.concat(), raw] {
            // A policy file must be UTF-8 (rampart-policy refuses it otherwise); both the
            // lossy text and, when valid, the exact bytes are parsed.
            let lossy = String::from_utf8_lossy(&bytes).into_owned();
            for text in [Some(lossy), String::from_utf8(bytes).ok()].into_iter().flatten() {
                if let Ok(p) = PolicyText::parse(&text) {
                    let again = PolicyText::parse(&p.to_string()).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert_eq!(again.to_string(), p.to_string());
                    prop_assert!(render(&p).is_ok());
                }
            }
        }
    }
}

/// Deterministic: every one- and two-byte name (65,792 names) through quote and the
/// parser, and every one-byte name plus every pair of the bytes that matter for quoting
/// through the whole generator.
#[test]
fn every_short_name_round_trips() {
    let mut quoted = 0usize;
    for a in 0..=255u8 {
        check_quote_round_trips(&[a]).unwrap();
        quoted += 1;
        for b in 0..=255u8 {
            check_quote_round_trips(&[a, b]).unwrap();
            quoted += 1;
        }
    }
    assert_eq!(quoted, 256 + 256 * 256);
    let mut generated = 0usize;
    let special: Vec<u8> = b"\"\\\n\r\t #/.x\x00\x01\x1b\x7f\x80\xc2\xa0\xe2\xff".to_vec();
    for a in 0..=255u8 {
        check_name_round_trips(&[a]).unwrap();
        generated += 1;
        for &b in &special {
            for &c in &special {
                check_name_round_trips(&[a, b, c]).unwrap();
                generated += 1;
            }
        }
    }
    assert_eq!(generated, 256 * (1 + special.len() * special.len()));
}
