//! CRS regression cases through the real proxy. By default a sample (ten rules' files: SQL injection, XSS,
//! RCE, LFI, RFI, Java, multipart, protocol, response); `--ignored` runs the whole corpus at paranoia 4 in
//! detection mode and requires 99%.

mod common;

use rampart_waf::conformance::{run_cases, Options};

fn opts(only: Option<&str>) -> Option<Options> {
    let crs = common::crs_dir()?;
    Some(Options {
        crs,
        paranoia: 4,
        block: false,
        only: only.map(str::to_string),
        fail_under: None,
        target: None,
        error_log: None,
    })
}

#[test]
fn sample_cases_pass() {
    let Some(o) = opts(Some("942100,941100,920200,932230,930100,950100,922110,944120,931130,920450")) else { return };
    let out = run_cases(&o).expect("corpus runs");
    assert!(out.len() > 100, "{} cases", out.len());
    let failed: Vec<_> =
        out.iter().filter(|o| o.failure.is_some()).map(|o| format!("{}: {:?}", o.id, o.failure)).collect();
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
#[ignore = "the whole corpus: about 15 s in release, minutes in debug"]
fn whole_corpus_reaches_99_percent() {
    let Some(o) = opts(None) else { return };
    let out = run_cases(&o).expect("corpus runs");
    let passed = out.iter().filter(|o| o.failure.is_none()).count();
    let rate = 100.0 * passed as f64 / out.len() as f64;
    for f in out.iter().filter(|o| o.failure.is_some()) {
        eprintln!("FAIL {}: {}", f.id, f.failure.as_deref().unwrap_or(""));
    }
    eprintln!("{passed} of {} ({rate:.2}%)", out.len());
    assert!(rate >= 99.0, "{rate:.2}%");
}
