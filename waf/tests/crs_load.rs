//! CRS v4 loads unmodified: every directive, operator, transformation and action understood.

mod common;

#[test]
fn crs_v4_loads_unmodified() {
    let Some(dir) = common::crs_dir() else { return };
    let set = rampart_waf::seclang::load_paths(&common::crs_files(&dir)).expect("CRS loads");
    assert!(set.rule_count() > 600, "{} rules", set.rule_count());
    assert!(set.markers.contains_key("END-REQUEST-942-APPLICATION-ATTACK-SQLI"));
}

#[test]
fn a_changed_crs_file_fails_with_its_line() {
    let Some(dir) = common::crs_dir() else { return };
    let text = std::fs::read_to_string(dir.join("rules/REQUEST-942-APPLICATION-ATTACK-SQLI.conf")).unwrap();
    let broken = text.replacen("@detectSQLi", "@detectSQLX", 1);
    let line = broken.lines().position(|l| l.contains("@detectSQLX")).unwrap() + 1;
    let mut l = rampart_waf::seclang::Loader::new();
    let e = l.load_text(&broken, "942.conf", &dir.join("rules")).unwrap_err();
    // The error names the directive's first line, which is the SecRule line holding the operator.
    assert_eq!(e.line, line, "{e}");
    assert!(e.to_string().starts_with(&format!("942.conf:{line}: unknown operator @detectSQLX")), "{e}");
}
