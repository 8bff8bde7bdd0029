//! The engine runs CRS v4: an SQL injection scores and is denied at paranoia 1, a benign request is not.

mod common;

use rampart_waf::engine::{transaction::Request, Transaction};
use std::sync::Arc;

fn request(uri: &str) -> Request {
    Request {
        method: "GET".into(),
        uri: uri.into(),
        protocol: "HTTP/1.1".into(),
        headers: vec![
            ("Host".into(), b"localhost".to_vec()),
            ("User-Agent".into(), b"Mozilla/5.0".to_vec()),
            ("Accept".into(), b"text/html".to_vec()),
        ],
        remote_addr: "192.0.2.1".into(),
        remote_port: 40000,
        server_port: 80,
    }
}

#[test]
fn sqli_is_denied_benign_passes() {
    let Some(dir) = common::crs_dir() else { return };
    let rules = Arc::new(rampart_waf::seclang::load_paths(&common::crs_files(&dir)).unwrap());
    let mut tx = Transaction::new(rules.clone(), None, &[]);
    tx.request_headers(&request("/?id=1%27%20OR%20%271%27=%271"));
    tx.request_body(b"");
    let ids = tx.logged_ids();
    assert!(ids.contains(&942100), "{ids:?}");
    assert_eq!(tx.intervention.as_ref().map(|i| (i.status, i.rule_id)), Some((403, 949110)), "{ids:?}");

    let mut tx = Transaction::new(rules, None, &[]);
    tx.request_headers(&request("/search?q=hello+world&page=2"));
    tx.request_body(b"");
    assert!(tx.intervention.is_none(), "{:?}", tx.logged_ids());
}
