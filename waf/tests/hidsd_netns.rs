//! End to end with real nftables in network namespaces: an attacker sending SQL injections
//! through the proxy (CRS v4, paranoia 1, blocking) gets 403s, rampart-hidsd reads the WAF's
//! block log and blocks the attacker's address at the firewall; a benign client through the same
//! proxy is never blocked. Needs root, `ip`, `nft` and CRS v4; skipped (with a message) otherwise.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

fn ip(args: &[&str]) {
    let st = Command::new("ip").args(args).status().expect("running ip (install iproute2)");
    assert!(st.success(), "ip {args:?}");
}

struct Namespaces(Vec<String>);

impl Drop for Namespaces {
    fn drop(&mut self) {
        for n in &self.0 {
            let _ = Command::new("ip").args(["netns", "del", n]).status();
        }
    }
}

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `f` on a thread inside network namespace `ns`.
fn in_netns<T: Send + 'static>(ns: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let path = format!("/run/netns/{ns}");
    std::thread::spawn(move || {
        let fd = std::fs::File::open(&path).expect("netns file");
        // SAFETY: setns on this thread only, with a valid namespace descriptor.
        let rc = unsafe { libc::setns(fd.as_raw_fd(), libc::CLONE_NEWNET) };
        assert_eq!(rc, 0, "setns {path}");
        f()
    })
    .join()
    .expect("netns thread")
}

/// GET `target` from inside `ns`; the status, or 0 when no answer came (connection dropped).
fn get(ns: &str, addr: &'static str, target: &str) -> u16 {
    let req = format!("GET {target} HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: Mozilla/5.0\r\nAccept: text/html\r\nConnection: close\r\n\r\n");
    in_netns(ns, move || {
        let Ok(mut s) = TcpStream::connect_timeout(&addr.parse().unwrap(), Duration::from_secs(2)) else { return 0 };
        s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        if s.write_all(req.as_bytes()).is_err() {
            return 0;
        }
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
    })
}

fn hidsd_binary() -> Option<PathBuf> {
    let bin = Path::new(env!("CARGO_BIN_EXE_rampart-waf")).with_file_name("rampart-hidsd");
    if !bin.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let _ = Command::new(cargo).args(["build", "-p", "rampart-hidsd"]).status();
    }
    bin.exists().then_some(bin)
}

#[test]
fn sql_injection_attacker_is_blocked_at_the_firewall_benign_client_never() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("SKIP: needs root for network namespaces and nftables");
        return;
    }
    let Some(crs) = common::crs_dir() else { return };
    let Some(hidsd) = hidsd_binary() else {
        eprintln!("SKIP: rampart-hidsd binary not built");
        return;
    };
    let id = std::process::id();
    let (srv, atk, ben) = (format!("rwaf-srv-{id}"), format!("rwaf-atk-{id}"), format!("rwaf-ben-{id}"));
    let _ns = Namespaces(vec![srv.clone(), atk.clone(), ben.clone()]);
    for n in [&srv, &atk, &ben] {
        ip(&["netns", "add", n]);
        ip(&["-n", n, "link", "set", "lo", "up"]);
    }
    for (client, net) in [(&atk, "1"), (&ben, "2")] {
        let (a, b) = (format!("rw{net}s{id}"), format!("rw{net}c{id}"));
        let (a, b) = (&a[..a.len().min(15)], &b[..b.len().min(15)]);
        ip(&["link", "add", a, "netns", &srv, "type", "veth", "peer", "name", b, "netns", client]);
        ip(&["-n", &srv, "addr", "add", &format!("10.77.{net}.1/24"), "dev", a]);
        ip(&["-n", client, "addr", "add", &format!("10.77.{net}.2/24"), "dev", b]);
        ip(&["-n", &srv, "link", "set", a, "up"]);
        ip(&["-n", client, "link", "set", b, "up"]);
        ip(&["-n", client, "route", "add", "default", "via", &format!("10.77.{net}.1")]);
    }

    // The application behind the proxy, inside the server namespace.
    let upstream = in_netns(&srv, || TcpListener::bind("127.0.0.1:9000").expect("upstream listen"));
    std::thread::spawn(move || {
        for mut s in upstream.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 11\r\n\r\n<p>shop</p>");
        }
    });

    let dir = std::env::temp_dir().join(format!("rampart-waf-netns-{id}"));
    std::fs::create_dir_all(dir.join("rules.d")).unwrap();
    std::fs::create_dir_all(dir.join("waf.d")).unwrap();
    let blocks = dir.join("waf-blocks.log");
    std::fs::write(&blocks, "").unwrap();
    let waf = Command::new("ip")
        .args(["netns", "exec", &srv, env!("CARGO_BIN_EXE_rampart-waf"), "run", "--listen", "0.0.0.0:8080"])
        .args(["--upstream", "http://127.0.0.1:9000", "--mode", "block", "--paranoia", "1", "--rules"])
        .arg(crs.join("crs-setup.conf.example"))
        .arg(crs.join("rules"))
        .arg("--local-rules")
        .arg(dir.join("waf.d"))
        .arg("--audit-log")
        .arg(dir.join("audit.json"))
        .arg("--block-log")
        .arg(&blocks)
        .spawn()
        .unwrap();
    let _waf = Kill(waf);
    let deadline = Instant::now() + Duration::from_secs(60);
    while get(&ben, "10.77.2.1:8080", "/") != 200 {
        assert!(Instant::now() < deadline, "the proxy did not come up");
        std::thread::sleep(Duration::from_millis(200));
    }

    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("dist/hidsd-waf.toml"), dir.join("rules.d/waf.toml"))
        .unwrap();
    let d = dir.display();
    let config = dir.join("hidsd.toml");
    std::fs::write(
        &config,
        format!(
            "log_files = [\"{d}/waf-blocks.log\"]\nstart_at = \"beginning\"\njournal = false\nkmsg = false\n\
             rampart_events = \"{d}/no-events\"\nrules_dir = \"{d}/rules.d\"\nstate_dir = \"{d}/state\"\n\
             alerts_file = \"{d}/alerts.json\"\nlearning_log = \"{d}/learning.jsonl\"\n\
             [response]\nblock_seconds = 120\nnetns = \"{srv}\"\n[trust.files]\n\"{d}/waf-blocks.log\" = [\"rampart-waf\"]\n"
        ),
    )
    .unwrap();
    let run_hidsd = || {
        let out =
            Command::new(&hidsd).arg("--config").arg(&config).args(["run", "--once", "--quiet"]).output().unwrap();
        assert!(out.status.success(), "hidsd: {}", String::from_utf8_lossy(&out.stderr));
    };
    let blocked = || {
        let out = Command::new("ip")
            .args(["netns", "exec", &srv, "nft", "list", "set", "inet", "rampart", "block4"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };

    // Benign browsing, interleaved with the attack; the attack gets 403s.
    let benign = ["/", "/products?category=shoes&page=2", "/search?q=red+running+shoes", "/cart?item=1234&qty=2"];
    let attacks = [
        "/products?id=1%27%20OR%20%271%27%3D%271",
        "/search?q=1%20UNION%20SELECT%20username,password%20FROM%20users--",
        "/products?id=1;DROP%20TABLE%20users",
        "/cart?item=1%27%20AND%20SLEEP(5)--",
        "/products?id=-1%20OR%201=1",
        "/search?q=%27%20or%20%27a%27%3D%27a",
    ];
    for (i, a) in attacks.iter().enumerate() {
        assert_eq!(get(&atk, "10.77.1.1:8080", a), 403, "attack {a} not blocked by the WAF");
        assert_eq!(get(&ben, "10.77.2.1:8080", benign[i % benign.len()]), 200, "benign request blocked");
    }
    run_hidsd();
    let set = blocked();
    assert!(set.contains("10.77.1.2"), "attacker not in the firewall's block set: {set}");
    assert!(!set.contains("10.77.2.2"), "benign client blocked: {set}");

    // The firewall now drops the attacker before the proxy; the benign client goes on.
    assert_eq!(get(&atk, "10.77.1.1:8080", "/"), 0, "attacker still reaches the proxy");
    for b in benign {
        assert_eq!(get(&ben, "10.77.2.1:8080", b), 200);
    }
    run_hidsd();
    assert!(!blocked().contains("10.77.2.2"));
    let alerts = std::fs::read_to_string(dir.join("alerts.json")).unwrap_or_default();
    assert!(alerts.contains("\"5802\"") && alerts.contains("10.77.1.2"), "{alerts}");
    let _ = std::fs::remove_dir_all(&dir);
}
