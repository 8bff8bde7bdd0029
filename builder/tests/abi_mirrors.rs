//! The kernel modules' C and Rust halves mirror each other's numbers by hand: enums
//! (protections, rules, verdicts, decisions, outcomes), access bits and their
//! letters, and the layouts of the `repr(C)` structs they pass across. A mismatch
//! compiles on both sides and misbehaves at run time, so each mirror is checked
//! here against its one definition:
//!
//! - enums and constants: the C header's values must equal the Rust definition's;
//! - structs: both halves assert the size of each mirrored struct at compile time
//!   (`static_assert(sizeof(struct x) == N)` in C, `assert!(size_of::<RawX>() == N)`
//!   in Rust), and the two numbers must be the same.

use std::collections::BTreeMap;
use std::path::Path;

fn read(rel: &str) -> String {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `PREFIX_NAME = N,` enum entries or `#define PREFIX_NAME N` lines of a C header.
fn c_values(text: &str, prefix: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let t = line.trim().trim_start_matches("#define").trim();
        let Some(rest) = t.strip_prefix(prefix) else { continue };
        let (name, value) = match rest.split_once('=') {
            Some((n, v)) => (n.trim(), v.trim().trim_end_matches(',')),
            None => match rest.split_once(char::is_whitespace) {
                Some((n, v)) => (n.trim(), v.trim()),
                None => continue,
            },
        };
        let value = value.split_whitespace().next().unwrap_or("").trim_end_matches('u');
        if let Ok(v) = value.parse::<u64>() {
            out.insert(name.to_string(), v);
        }
    }
    out
}

/// `Name = N,` entries of the Rust enum `enum_name` (or, without `= N`, their order).
fn rust_enum(text: &str, enum_name: &str) -> Vec<(String, u64)> {
    let start = text.find(&format!("pub enum {enum_name} {{")).unwrap_or_else(|| panic!("no enum {enum_name}"));
    let body = &text[start..text[start..].find("\n}").map(|e| start + e).unwrap()];
    let mut out = Vec::new();
    for line in body.lines().skip(1) {
        let t = line.trim();
        if t.starts_with("//") || t.starts_with('#') || t.is_empty() {
            continue;
        }
        let t = t.trim_end_matches(',');
        let (name, value) = match t.split_once('=') {
            Some((n, v)) => (n.trim().to_string(), v.trim().parse().unwrap()),
            None => (t.to_string(), out.len() as u64),
        };
        out.push((name, value));
    }
    out
}

/// CamelCase -> UPPER_SNAKE (`ChrootUnix` -> `CHROOT_UNIX`).
fn upper_snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[test]
fn ns_protections_match() {
    let c = c_values(&read("kmod/rampart_ns/shim.h"), "NS_");
    let rust = read("kmod/common/src/ns.rs");
    let protections = rust_enum(&rust, "Protection");
    for (name, value) in &protections {
        // The C names follow the settings files (`userns`, `chroot_unix`).
        let settings = rust
            .split(&format!("Protection::{name} => \""))
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("no settings name for {name}"));
        assert_eq!(c.get(&settings.to_uppercase()), Some(value), "NS_{}", settings.to_uppercase());
    }
    assert_eq!(c.get("PROTECTIONS"), Some(&(protections.len() as u64)));
}

#[test]
fn wx_rules_match() {
    let c = c_values(&read("kmod/rampart_wx/shim.h"), "WX_");
    for (name, value) in rust_enum(&read("kmod/common/src/wx.rs"), "Rule") {
        assert_eq!(c.get(&upper_snake(&name)), Some(&value), "WX_{}", upper_snake(&name));
    }
}

#[test]
fn verdicts_match() {
    let rust = rust_enum(&read("kmod/common/src/mode.rs"), "Verdict");
    let names: Vec<&str> = rust.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Ignore", "Allowlisted", "Audit", "Deny"]);
    for (header, prefix, allow) in
        [("kmod/rampart_ns/shim.h", "NS_", "ALLOWLISTED"), ("kmod/rampart_wx/shim.h", "WX_", "EXEMPT")]
    {
        let c = c_values(&read(header), prefix);
        for (name, value) in &rust {
            let c_name = if name == "Allowlisted" { allow.to_string() } else { name.to_uppercase() };
            assert_eq!(c.get(&c_name), Some(value), "{header}: {prefix}{c_name}");
        }
    }
}

#[test]
fn decisions_match() {
    let c = c_values(&read("kmod/include/rampart/core.h"), "RAMPART_");
    for (name, value) in rust_enum(&read("kmod/common/src/event.rs"), "Decision") {
        assert_eq!(c.get(&name.to_uppercase()), Some(&value), "RAMPART_{}", name.to_uppercase());
    }
}

#[test]
fn rbac_access_bits_and_letters_match() {
    let c = c_values(&read("kmod/rampart_rbac/shim.h"), "RBAC_");
    let rust = read("kmod/common/src/rbac.rs");
    let module = &rust[rust.find("pub mod access {").unwrap()..];
    let module = &module[..module.find("\n}").unwrap()];
    let mut letters = Vec::new();
    for line in module.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("pub const ").filter(|r| r.contains(": u32 = ")) {
            let (name, value) = rest.split_once(": u32 = ").unwrap();
            let value: u64 = value.trim_end_matches(';').parse().unwrap();
            if name != "ALL" {
                assert_eq!(c.get(name), Some(&value), "RBAC_{name}");
            }
        }
        if let Some(rest) = t.strip_prefix('(').and_then(|r| r.strip_suffix("'),")) {
            letters.push(rest.rsplit('\'').next().unwrap().to_string());
        }
    }
    let hooks = read("kmod/rampart_rbac/hooks.c");
    let c_letters = hooks.split("letters[] = \"").nth(1).and_then(|s| s.split('"').next()).unwrap();
    assert_eq!(c_letters, letters.concat(), "the event letters in hooks.c");
}

#[test]
fn rbac_outcomes_match() {
    let c = c_values(&read("kmod/rampart_rbac/shim.h"), "RBAC_");
    let rust = read("kmod/rampart_rbac/rampart_rbac_rs.rs");
    let body = &rust[rust.find("fn outcome_code").unwrap()..];
    let body = &body[..body.find("\n}").unwrap()];
    let mut n = 0;
    for line in body.lines() {
        if let Some((name, value)) = line.trim().strip_prefix("Outcome::").and_then(|l| l.split_once(" => ")) {
            let value: u64 = value.trim_end_matches(',').parse().unwrap();
            assert_eq!(c.get(&upper_snake(name)), Some(&value), "RBAC_{}", upper_snake(name));
            n += 1;
        }
    }
    assert_eq!(n, 6);
}

/// `(struct name, size)` of every `static_assert(sizeof(struct NAME) == N` in `text`.
fn c_sizes(text: &str) -> BTreeMap<String, u64> {
    text.split("static_assert(sizeof(struct ")
        .skip(1)
        .filter_map(|s| {
            let (name, rest) = s.split_once(") == ")?;
            Some((name.to_string(), rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()?))
        })
        .collect()
}

/// `(type, size)` of every `assert!(core::mem::size_of::<T>() == N)` in `text`.
fn rust_sizes(text: &str) -> BTreeMap<String, u64> {
    text.split("size_of::<")
        .skip(1)
        .filter_map(|s| {
            let (name, rest) = s.split_once(">() == ")?;
            Some((name.to_string(), rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()?))
        })
        .collect()
}

#[test]
fn mirrored_struct_sizes_match() {
    let pairs = [
        ("kmod/rampart_core/shim.h", "rampart_raw_event", "kmod/rampart_core/rampart_core_rs.rs", "RawEvent"),
        ("kmod/rampart_core/shim.h", "rampart_channel_stats", "kmod/rampart_core/rampart_core_rs.rs", "RawStats"),
        ("kmod/rampart_rbac/shim.h", "rbac_level", "kmod/rampart_rbac/rampart_rbac_rs.rs", "RawLevel"),
        ("kmod/rampart_rbac/shim.h", "rbac_policy_view", "kmod/rampart_rbac/rampart_rbac_rs.rs", "RawPolicyView"),
        ("kmod/rampart_rbac/shim.h", "rbac_subject_info", "kmod/rampart_rbac/rampart_rbac_rs.rs", "RawSubjectInfo"),
        ("kmod/rampart_rbac/shim.h", "rbac_query", "kmod/rampart_rbac/rampart_rbac_rs.rs", "RawQuery"),
        ("kmod/rampart_brute/shim.h", "brute_crash_facts", "kmod/rampart_brute/rampart_brute_rs.rs", "RawCrashFacts"),
        ("kmod/include/rampart/core.h", "rampart_file_id", "kmod/common/src/allowlist.rs", "FileId"),
    ];
    for (header, c_name, rust_file, rust_name) in pairs {
        let c = c_sizes(&read(header));
        let r = rust_sizes(&read(rust_file));
        let c_size = c.get(c_name).unwrap_or_else(|| panic!("{header} asserts no size for struct {c_name}"));
        let r_size = r.get(rust_name).unwrap_or_else(|| panic!("{rust_file} asserts no size for {rust_name}"));
        assert_eq!(c_size, r_size, "struct {c_name} vs {rust_name}");
    }
}
