//! The shipped example configuration is exactly the built-in defaults and validates.

#[test]
fn shipped_config_checks() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/dist/hidsd.toml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rampart-hidsd"))
        .args(["--config", path, "check-config"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(": ok ("));
}
