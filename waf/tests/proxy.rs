//! The proxy binary end to end (no CRS needed): bad HTTP and smuggling attempts get 400/413 and
//! never reach the upstream, a local virtual patch blocks, SIGHUP reloads local rules, a bad
//! local file is rejected with file:line and the running rules stay, the audit log is ECS JSON.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An upstream that counts requests and answers 200.
fn upstream() -> (u16, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            let h = h.clone();
            std::thread::spawn(move || {
                let mut r = BufReader::new(s.try_clone().unwrap());
                let mut s = s;
                loop {
                    let mut len = 0usize;
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    loop {
                        let mut l = String::new();
                        if r.read_line(&mut l).unwrap_or(0) == 0 {
                            return;
                        }
                        if let Some(v) = l.to_ascii_lowercase().strip_prefix("content-length:") {
                            len = v.trim().parse().unwrap_or(0);
                        }
                        if l == "\r\n" {
                            break;
                        }
                    }
                    let mut body = vec![0; len];
                    let _ = r.read_exact(&mut body);
                    h.fetch_add(1, Ordering::SeqCst);
                    let _ =
                        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n");
                }
            });
        }
    });
    (port, hits)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Proxy(Child);

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn send(port: u16, raw: &[u8]) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(raw).unwrap();
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out);
    text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

#[test]
fn refuses_bad_http_blocks_and_reloads() {
    let dir = std::env::temp_dir().join(format!("rampart-waf-proxy-{}", std::process::id()));
    let local = dir.join("waf.d");
    std::fs::create_dir_all(&local).unwrap();
    let base = dir.join("base.conf");
    std::fs::write(
        &base,
        "SecRuleEngine On\nSecRequestBodyAccess On\nSecRequestBodyLimit 1000\nSecRequestBodyNoFilesLimit 1000\n",
    )
    .unwrap();
    std::fs::write(
        local.join("10-patch.conf"),
        "SecRule ARGS:id \"@rx '\" \"id:10001,phase:2,deny,status:403,log,msg:'quote in id'\"\n",
    )
    .unwrap();
    let audit = dir.join("audit.json");
    let (up, hits) = upstream();
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_rampart-waf"))
        .args([
            "run",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--upstream",
            &format!("http://127.0.0.1:{up}"),
            "--mode",
            "block",
        ])
        .arg("--rules")
        .arg(&base)
        .arg("--local-rules")
        .arg(&local)
        .arg("--audit-log")
        .arg(&audit)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut proxy = Proxy(child);
    let mut stderr = BufReader::new(proxy.0.stderr.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "proxy did not start");
        std::thread::sleep(Duration::from_millis(50));
    }

    assert_eq!(send(port, b"GET /?id=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"), 200);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    let bad: &[(&[u8], u16)] = &[
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 9\r\n\r\nabcd", 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  folded\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\x002\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n", 413),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n", 413),
        (b"GET /?id=1' HTTP/1.1\r\nHost: a\r\n\r\n", 403),
    ];
    for (raw, want) in bad {
        assert_eq!(send(port, raw), *want, "{}", String::from_utf8_lossy(raw));
    }
    assert_eq!(hits.load(Ordering::SeqCst), 1, "a refused request reached the upstream");

    // A new local rule, then SIGHUP.
    std::fs::write(
        local.join("20-more.conf"),
        "SecRule REQUEST_HEADERS:X-Evil \"@streq 1\" \"id:10002,phase:1,deny,status:403\"\n",
    )
    .unwrap();
    let hup = |p: &Proxy| unsafe { libc::kill(p.0.id() as i32, libc::SIGHUP) };
    hup(&proxy);
    let mut line = String::new();
    while !line.contains("reload") {
        line.clear();
        stderr.read_line(&mut line).unwrap();
    }
    assert!(line.contains("reloaded"), "{line}");
    assert_eq!(send(port, b"GET / HTTP/1.1\r\nHost: a\r\nX-Evil: 1\r\n\r\n"), 403);

    // A bad local file: rejected with file:line, the running rules stay.
    std::fs::write(local.join("30-bad.conf"), "# ok\nSecRule ARGS \"@nosuchop x\" \"id:10003\"\n").unwrap();
    hup(&proxy);
    line.clear();
    while !line.contains("reload") {
        line.clear();
        stderr.read_line(&mut line).unwrap();
    }
    assert!(line.contains("rejected") && line.contains("30-bad.conf:2:"), "{line}");
    assert_eq!(send(port, b"GET / HTTP/1.1\r\nHost: a\r\nX-Evil: 1\r\n\r\n"), 403);
    assert_eq!(send(port, b"GET /?id=2 HTTP/1.1\r\nHost: a\r\n\r\n"), 200);

    let log = std::fs::read_to_string(&audit).unwrap();
    let blocked: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|v: &serde_json::Value| v["event"]["action"] == "blocked")
        .collect();
    assert!(
        blocked.iter().any(|v| v["rampart"]["waf"]["rule_ids"][0] == 10001
            && v["source"]["ip"] == "127.0.0.1"
            && v["rampart"]["waf"]["request_line"] == "GET /?id=1' HTTP/1.1"),
        "{log}"
    );
    assert!(log.lines().filter(|l| l.contains("\"refused\"")).count() >= 7, "{log}");
    let _ = std::fs::remove_dir_all(&dir);
}
