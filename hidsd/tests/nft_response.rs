//! What an alert says about the response is what happened in the kernel (real nft in
//! a network namespace): an allowlisted address is reported as not blocked, a failing
//! nft call as failed; an address unbanned by the admin and attacking again is blocked
//! again; after `nft flush ruleset` (what restarting nftables does) the table is
//! recreated, the block happens and the alert says so. Needs root, ip and nft.

mod common;
use common::*;
use std::io::Write;

fn failures(ip: &str, first_port: u32) -> String {
    (first_port..first_port + 5)
        .map(|p| format!("Nov 28 02:00:00 web1 sshd[1]: Failed password for root from {ip} port {p} ssh2\n"))
        .collect()
}

fn append(log: &std::path::Path, text: &str) {
    std::fs::OpenOptions::new().append(true).open(log).unwrap().write_all(text.as_bytes()).unwrap();
}

/// The `rampart.response` of the brute-force alerts for `ip`.
fn responses(dir: &std::path::Path, ip: &str) -> Vec<serde_json::Value> {
    alerts(dir)
        .into_iter()
        .filter(|a| a["rule"]["id"] == "5720" && a["source"]["ip"] == ip)
        .map(|a| a["rampart"]["response"].clone())
        .collect()
}

#[test]
fn responses_report_what_happened() {
    if !is_root() {
        eprintln!("skipped: needs root for network namespaces");
        return;
    }
    let ns = Netns::create("response");
    let dir = scratch("nftresponse");
    let log = dir.join("auth.log");
    std::fs::write(&log, "").unwrap();
    // An nft that refuses to block 198.51.100.99 (a failing call), real otherwise.
    let nft = dir.join("nft");
    std::fs::write(
        &nft,
        "#!/bin/sh\nif [ \"$1\" = -f ]; then script=$(cat); case \"$script\" in *198.51.100.99*) echo 'Error: refused' >&2; exit 1;; esac; \
         printf '%s\\n' \"$script\" | nft -f -; exit $?; fi\nexec nft \"$@\"\n",
    )
    .unwrap();
    std::process::Command::new("chmod").arg("755").arg(&nft).status().unwrap();
    let config = write_config(
        &dir,
        "log_files = [\"{d}/auth.log\"]\nstart_at = \"beginning\"\nkmsg = false\nrampart_events = \"{d}/none\"",
        &format!(
            "[response]\nblock_seconds = 600\nallowlist = [\"10.9.0.0/16\"]\nnetns = \"{}\"\nnft = \"{{d}}/nft\"\n\
             [trust.files]\n\"{{d}}/auth.log\" = [\"sshd\"]",
            ns.0
        ),
    );
    let child = Running::start(&config);
    pause();
    append(&log, &(failures("10.9.1.1", 1) + &failures("198.51.100.99", 1) + &failures("203.0.113.20", 1)));
    pause();
    assert_eq!(responses(&dir, "10.9.1.1")[0]["outcome"], "allowlisted", "{:?}", responses(&dir, "10.9.1.1"));
    let failed = &responses(&dir, "198.51.100.99")[0];
    assert_eq!(failed["outcome"], "failed", "{failed}");
    assert!(failed["error"].as_str().unwrap_or("").contains("refused"), "{failed}");
    assert_eq!(responses(&dir, "203.0.113.20")[0]["outcome"], "blocked");
    assert!(ns.nft(&["list", "set", "inet", "rampart", "block4"]).contains("203.0.113.20"));

    // The admin unbans; the address attacks again and is blocked again.
    hidsd(&config, &["bans", "unban", "203.0.113.20"]);
    assert!(!ns.nft(&["list", "set", "inet", "rampart", "block4"]).contains("203.0.113.20"));
    append(&log, &failures("203.0.113.20", 10));
    pause();
    assert!(
        ns.nft(&["list", "set", "inet", "rampart", "block4"]).contains("203.0.113.20"),
        "not blocked again after unban: {:?}",
        responses(&dir, "203.0.113.20")
    );

    // nftables restarted: the table is gone; the next block recreates it.
    ns.nft(&["flush", "ruleset"]);
    append(&log, &failures("203.0.113.21", 1));
    pause();
    let set = ns.nft(&["list", "set", "inet", "rampart", "block4"]);
    assert!(
        set.contains("203.0.113.21"),
        "blocking stopped after nft flush ruleset: {set} {:?}",
        responses(&dir, "203.0.113.21")
    );
    let r = &responses(&dir, "203.0.113.21")[0];
    assert_eq!((r["outcome"].as_str(), r["recreated"].as_bool()), (Some("blocked"), Some(true)), "{r}");
    assert!(ns.nft(&["list", "chain", "inet", "rampart", "block_pre"]).contains("@block4 drop"));
    child.stop();
    std::fs::remove_dir_all(&dir).unwrap();
}
