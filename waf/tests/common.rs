//! Where the CRS v4 files are (`../shared/waf/crs` from the workspace, or `$RAMPART_CRS_DIR`).

#![allow(dead_code)]

use std::path::PathBuf;

/// The CRS directory, or `None` (with a message) when it is absent: the test then skips.
pub fn crs_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("RAMPART_CRS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/waf/crs"));
    if dir.join("rules").is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIP: CRS v4 not found at {} (set RAMPART_CRS_DIR)", dir.display());
        None
    }
}

/// The secrules-language-tests directory, or `None` (with a message).
pub fn secrules_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("RAMPART_SECRULES_TESTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/waf/secrules-language-tests"));
    if dir.join("operators").is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIP: secrules-language-tests not found at {}", dir.display());
        None
    }
}

/// crs-setup.conf.example, then rules/*.conf in order.
pub fn crs_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("rules"))
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "conf")).collect()
        })
        .unwrap_or_default();
    v.sort();
    v.insert(0, dir.join("crs-setup.conf.example"));
    v
}
