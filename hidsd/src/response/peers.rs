//! The remote addresses a crash names: the `peers` field of rampart_brute's crash
//! event (`["192.0.2.7:40112","[2001:db8::5]:51000"]`), or, for the kernel's own
//! `segfault at` line, the crashed process's connections found through sock_diag.

use crate::response::sockdiag;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Most addresses one crash blocks (the kernel bounds its list too).
pub const MAX_PEERS: usize = 64;

/// The addresses in a `peers` field (a JSON array of `ADDR:PORT` strings), canonical.
pub fn from_field(text: &str) -> Vec<IpAddr> {
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let mut out: Vec<IpAddr> =
        items.iter().filter_map(|v| v.as_str()).filter_map(rampart_fw::net::parse_peer).map(|(ip, _)| ip).collect();
    out.sort();
    out.dedup();
    out.truncate(MAX_PEERS);
    out
}

/// The addresses a crash event names: its `peers` field, else (a kernel segfault line
/// with `pid` and `comm`) the crashed process's peers from sock_diag.
pub fn of_crash(fields: &BTreeMap<String, String>) -> Vec<IpAddr> {
    if let Some(p) = fields.get("peers") {
        return from_field(p);
    }
    let (Some(pid), Some(comm)) = (fields.get("pid").and_then(|p| p.parse().ok()), fields.get("comm")) else {
        return Vec::new();
    };
    let mut out: Vec<IpAddr> =
        sockdiag::crash_peers(pid, comm, &sockdiag::dump()).into_iter().map(|(ip, _)| ip.to_canonical()).collect();
    out.sort();
    out.dedup();
    out.truncate(MAX_PEERS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_kernel_format() {
        let ips =
            from_field(r#"["192.0.2.7:40112","[2001:db8::5]:51000","[::ffff:192.0.2.8]:1","junk",7,"192.0.2.7:1"]"#);
        let want: Vec<IpAddr> = ["192.0.2.7", "192.0.2.8", "2001:db8::5"].iter().map(|s| s.parse().unwrap()).collect();
        assert_eq!(ips, want);
        assert!(from_field("not json").is_empty() && from_field("{}").is_empty());
    }
}
