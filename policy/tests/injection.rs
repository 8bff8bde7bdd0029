//! Learning log -> generator injection: file names are attacker-chosen bytes (anyone can
//! create a file in a world-writable directory that a learning program then reads). No
//! name may add, change or hide a rule of the generated policy, or leave a comment.
//!
//! The events are encoded with the kernel's own encoder, so the log is byte for byte
//! what `learn collect` and rampart-hidsd write.

use rampart_kernel_logic::event::{encode, Decision, Event, Subject, RECORD_MAX};
use rampart_kernel_logic::rbac::access;
use rampart_policy::generate::{generate, render, GenerateConfig, LearningLog};
use rampart_policy::text::PolicyText;

const SVC: &[u8] = b"/usr/sbin/svc";

/// One learn event as the kernel writes it.
fn learn_event(exe: &[u8], object: &[u8], reason: &[u8]) -> String {
    let event = Event {
        seq: 1,
        time_ns: 1,
        module: b"rbac",
        decision: Decision::Learn,
        subject: Subject { uid: 1000, euid: 1000, gid: 1000, egid: 1000, pid: 7, comm: b"svc", exe, cgroup: 0 },
        object,
        reason,
        peers: b"",
    };
    let mut buf = [0u8; RECORD_MAX];
    let len = encode(&event, &mut buf);
    String::from_utf8(buf[..len].to_vec()).expect("the kernel writes ASCII JSON")
}

fn read_of(object: &[u8]) -> String {
    learn_event(SVC, object, b"subject=/usr/sbin/svc access=r")
}

/// Generates from `log` under a policy where the service learns; returns the written
/// text (or the refusal) and the parsed-back policy.
fn generate_text(log: &str) -> anyhow::Result<(String, PolicyText)> {
    let config = GenerateConfig::default();
    let base = PolicyText::parse("role default\n  subject /\n    / rx\n  subject /usr/sbin/svc learn\n").unwrap();
    let learned = LearningLog::read(log, &config);
    let policy = generate(&learned, Some(&base), &config)?;
    let text = render(&policy)?;
    let back = PolicyText::parse(&text).map_err(|e| anyhow::anyhow!("written policy does not parse: {e}\n{text}"))?;
    Ok((text, back))
}

/// The service's object rules in the parsed-back policy.
fn svc_objects(policy: &PolicyText) -> Vec<(String, u32)> {
    let svc = policy.roles[0].subjects.iter().find(|s| s.path == "/usr/sbin/svc").expect("svc subject");
    svc.objects.iter().map(|o| (o.path.clone(), o.modes)).collect()
}

/// No subject or object of `policy` is `path`.
fn assert_no_rule_named(policy: &PolicyText, text: &str, path: &str) {
    for role in &policy.roles {
        for s in &role.subjects {
            assert_ne!(s.path, path, "injected subject:\n{text}");
            assert!(s.objects.iter().all(|o| o.path != path), "injected rule for {path}:\n{text}");
        }
    }
}

#[test]
fn the_issue_name_does_not_grant_etc_shadow() {
    let name = b"/tmp/a\" r\n/etc/shadow r\n\"/z";
    let (text, back) = generate_text(&read_of(name)).unwrap();
    assert_no_rule_named(&back, &text, "/etc/shadow");
    let objects = svc_objects(&back);
    assert_eq!(objects, vec![(String::from_utf8(name.to_vec()).unwrap(), access::READ)], "{text}");
    assert_eq!(text.lines().filter(|l| l.contains("shadow")).count(), 1, "{text}");
}

#[test]
fn names_under_protected_paths_stay_inside_their_review_comment() {
    // /etc/ssh is protected: its use becomes a REVIEW comment, which must not end early.
    for name in [
        &b"/etc/ssh/x\n    /etc/shadow r"[..],
        b"/etc/ssh/x\r    /etc/shadow r",
        b"/etc/ssh/x\r\n/etc/shadow r",
        b"/etc/ssh/\xe2\x80\xa8/etc/shadow r",
        b"/etc/ssh/\xc2\x85/etc/shadow r",
    ] {
        let (text, back) = generate_text(&read_of(name)).unwrap();
        assert_no_rule_named(&back, &text, "/etc/shadow");
        assert!(svc_objects(&back).is_empty(), "{text}");
        let review: Vec<&str> = text.lines().filter(|l| l.contains("REVIEW")).collect();
        assert_eq!(review.len(), 1, "{text}");
        assert!(review[0].trim_start().starts_with("# REVIEW"), "{text}");
        assert!(text.is_ascii(), "{text}");
        assert!(!text.contains('\r'), "{text:?}");
    }
}

#[test]
fn hostile_names_round_trip_to_the_same_rule() {
    let long_component = vec![b'q'; 255];
    let mut long = b"/tmp/".to_vec();
    long.extend_from_slice(&long_component);
    let names: Vec<Vec<u8>> = vec![
        b"/tmp/a\" r".to_vec(),
        b"/tmp/cr\rinside".to_vec(),
        b"/tmp/crlf\r\n/etc/shadow r".to_vec(),
        b"/tmp/ctl\x01\x07\x08\x1b[2J\x7f".to_vec(),
        b"/tmp/tab\there".to_vec(),
        b"/tmp/back\\slash".to_vec(),
        b"/tmp/back\\\" r\n/etc/shadow r\n\"".to_vec(),
        b"/tmp/ends-with-backslash\\".to_vec(),
        b"/tmp/\\x2f".to_vec(),
        b"/tmp/\\\\\"\"".to_vec(),
        b"/tmp/hash#comment".to_vec(),
        b"/tmp/#".to_vec(),
        b"/tmp/sp ace".to_vec(),
        b"/tmp/trailing space ".to_vec(),
        b"/tmp/caf\xc3\xa9".to_vec(),
        b"/tmp/nbsp\xc2\xa0x".to_vec(),
        b"/tmp/rtl\xe2\x80\xaeexe.txt".to_vec(),
        b"/tmp/x\nrole admin user 0\n  subject /\n    / rwacdx".to_vec(),
        b"/tmp/x\n  subject /usr/sbin/svc\n    / rwx".to_vec(),
        b"/tmp/x\n    +CAP_ALL".to_vec(),
        b"/tmp/x\nlearn-all".to_vec(),
        b"/tmp/learn".to_vec(),
        b"/tmp/-CAP_ALL".to_vec(),
        b"/tmp/rwx r".to_vec(),
        long,
    ];
    for name in &names {
        let (text, back) = generate_text(&read_of(name)).unwrap();
        assert_no_rule_named(&back, &text, "/etc/shadow");
        let catch_all = &back.roles[0].subjects[0];
        assert_eq!(catch_all.path, "/", "{text}");
        assert_eq!(
            catch_all.objects.iter().map(|o| (o.path.as_str(), o.modes)).collect::<Vec<_>>(),
            [("/", access::READ | access::EXEC)],
            "{text}"
        );
        let want = String::from_utf8(name.clone()).unwrap();
        assert_eq!(svc_objects(&back), vec![(want, access::READ)], "{:?}:\n{text}", String::from_utf8_lossy(name));
        assert!(back.roles.len() == 1 && back.roles[0].subjects.len() == 2, "{text}");
        assert!(back.roles[0].subjects.iter().all(|s| !s.learn && s.caps.len() <= 1), "{text}");
        assert!(!back.learn_all, "{text}");
        assert!(text.is_ascii(), "{text}");
    }
}

#[test]
fn names_that_are_not_utf8_are_flagged_not_mangled() {
    // Neither a rule for a mis-decoded name (U+00FF for byte 0xff) nor a rule the kernel
    // policy cannot hold: a REVIEW comment with the exact bytes.
    for name in [&b"/tmp/\xff"[..], b"/tmp/\xc3", b"/tmp/\xc3(\n/etc/shadow r", b"/tmp/\xed\xa0\x80"] {
        let (text, back) = generate_text(&read_of(name)).unwrap();
        assert_no_rule_named(&back, &text, "/etc/shadow");
        assert!(svc_objects(&back).is_empty(), "{text}");
        assert_eq!(text.lines().filter(|l| l.contains("not UTF-8")).count(), 1, "{text}");
        assert!(text.contains("\\x"), "{text}");
        assert!(text.is_ascii(), "{text}");
    }
}

#[test]
fn hostile_program_names_under_full_learning() {
    // learn-all reports subject=/ and the executable: the program's own name is learned.
    let exe = b"/tmp/p\n  subject /bin/sh\n    / rwacdx";
    let log = learn_event(exe, b"/tmp/data", b"subject=/ access=r");
    let config = GenerateConfig::default();
    let learned = LearningLog::read(&log, &config);
    let policy = generate(&learned, None, &config).unwrap();
    let text = render(&policy).unwrap();
    let back = PolicyText::parse(&text).unwrap();
    let paths: Vec<&str> = back.roles[0].subjects.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(paths, ["/", std::str::from_utf8(exe).unwrap()], "{text}");
    // A program whose name is not UTF-8 is left out, with a note.
    let log = learn_event(b"/tmp/\xfe\n/bin/sh", b"/tmp/data", b"subject=/ access=r");
    let learned = LearningLog::read(&log, &config);
    let text = render(&generate(&learned, None, &config).unwrap()).unwrap();
    let back = PolicyText::parse(&text).unwrap();
    assert_eq!(back.roles[0].subjects.len(), 1, "{text}");
    assert!(text.contains("not UTF-8"), "{text}");
}

#[test]
fn truncated_events_are_not_learned() {
    // A path cut by the event's length budget is another (shorter) path: never a rule.
    let mut name = b"/tmp/".to_vec();
    name.extend(std::iter::repeat_n(b'\n', 200));
    let line = read_of(&name);
    assert!(line.contains("\"truncated\":true"), "{line}");
    let (text, back) = generate_text(&line).unwrap();
    assert!(svc_objects(&back).is_empty(), "{text}");
}

#[test]
fn a_policy_that_does_not_round_trip_is_refused() {
    // Rules built in memory (not from a log) that no text can express: refused, not written.
    let mut policy = PolicyText::parse("role default\n  subject /\n    / rx\n").unwrap();
    policy.roles[0].subjects[0].objects[0].path = "/a/../etc/shadow".into();
    let e = render(&policy).unwrap_err();
    assert!(format!("{e:#}").contains("does not read back"), "{e:#}");
    let mut policy = PolicyText::parse("role default\n  subject /\n    / rx\n").unwrap();
    policy.roles[0].subjects[0].notes.push("x\n/etc/shadow r".into());
    let text = render(&policy).unwrap();
    assert_eq!(text.lines().count(), 4, "{text}");
}
