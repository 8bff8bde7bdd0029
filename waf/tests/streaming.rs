//! Response bodies no rule reads are passed on as the upstream sends them: the first
//! bytes of a slow download reach the client before the upstream has finished, a
//! download larger than the proxy would ever hold (80 MiB) arrives whole, with the
//! upstream's length or chunked; a response of a type the rules inspect
//! (`SecResponseBodyMimeType`) is still read and a phase 4 rule still blocks it.

use rampart_waf::proxy::audit::Sink;
use rampart_waf::proxy::upstream::Upstream;
use rampart_waf::proxy::{Mode, Proxy};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const RULES: &str = "SecRuleEngine On\nSecResponseBodyAccess On\nSecResponseBodyMimeType text/html\n\
SecRule RESPONSE_BODY \"@contains leaked-secret\" \"id:20001,phase:4,deny,status:403,log,msg:'leak'\"\n";

const BIG: usize = 80 << 20;

/// A backend with three answers: `/slow` (octet-stream, chunked, a pause after the
/// first chunk), `/big` (octet-stream, 80 MiB with a length), `/page` (HTML holding
/// what the rule looks for).
async fn backend() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            tokio::spawn(async move {
                let (r, mut w) = s.into_split();
                let mut r = BufReader::new(r);
                let mut line = String::new();
                r.read_line(&mut line).await.unwrap();
                loop {
                    let mut h = String::new();
                    if r.read_line(&mut h).await.unwrap() == 0 || h == "\r\n" {
                        break;
                    }
                }
                let path = line.split(' ').nth(1).unwrap_or("/").to_string();
                match path.as_str() {
                    "/slow" => {
                        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked\r\n\r\n";
                        w.write_all(head.as_bytes()).await.unwrap();
                        w.write_all(b"5\r\nfirst\r\n").await.unwrap();
                        w.flush().await.unwrap();
                        tokio::time::sleep(Duration::from_millis(1500)).await;
                        w.write_all(b"6\r\nsecond\r\n0\r\n\r\n").await.unwrap();
                    }
                    "/big" => {
                        let head = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {BIG}\r\n\r\n"
                        );
                        w.write_all(head.as_bytes()).await.unwrap();
                        let chunk = vec![b'x'; 1 << 20];
                        for _ in 0..BIG / chunk.len() {
                            if w.write_all(&chunk).await.is_err() {
                                return;
                            }
                        }
                    }
                    _ => {
                        let body = "<html>leaked-secret</html>";
                        let head = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\r\n",
                            body.len()
                        );
                        w.write_all(head.as_bytes()).await.unwrap();
                        w.write_all(body.as_bytes()).await.unwrap();
                    }
                }
                let _ = w.shutdown().await;
            });
        }
    });
    port
}

async fn proxy() -> u16 {
    let dir = std::env::temp_dir().join(format!("rampart-waf-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("rules.conf"), RULES).unwrap();
    let rules = rampart_waf::seclang::load_paths(&[dir.join("rules.conf")]).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let up = backend().await;
    let proxy = Arc::new(Proxy {
        rules: RwLock::new(Arc::new(rules)),
        upstream: Upstream::new(&format!("http://127.0.0.1:{up}")).unwrap(),
        mode: Mode::Block,
        paranoia: 1,
        audit: Sink::Memory(Arc::new(Mutex::new(Vec::new()))),
        max_head: 64 * 1024,
        tls: None,
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(proxy.serve(listener));
    port
}

/// Sends a GET; returns the response head and a reader positioned at the body.
async fn get(port: u16, path: &str) -> (String, BufReader<TcpStream>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").as_bytes()).await.unwrap();
    let mut r = BufReader::new(s);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        r.read_line(&mut line).await.unwrap();
        head.push_str(&line);
        if line == "\r\n" || line.is_empty() {
            return (head, r);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_no_rule_reads_are_streamed() {
    let port = proxy().await;

    let started = Instant::now();
    let (head, mut r) = get(port, "/slow").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.to_ascii_lowercase().contains("transfer-encoding: chunked"), "{head}");
    let mut first = String::new();
    r.read_line(&mut first).await.unwrap();
    let mut data = String::new();
    r.read_line(&mut data).await.unwrap();
    assert_eq!(data, "first\r\n");
    assert!(started.elapsed() < Duration::from_millis(1200), "the first chunk waited for the whole body");
    let mut rest = String::new();
    r.read_to_string(&mut rest).await.unwrap();
    assert!(rest.contains("second") && rest.ends_with("0\r\n\r\n"), "{rest:?}");

    let (head, mut r) = get(port, "/big").await;
    assert!(head.contains(&format!("content-length: {BIG}")), "{head}");
    let mut n = 0usize;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let k = r.read(&mut buf).await.unwrap();
        if k == 0 {
            break;
        }
        n += k;
    }
    assert_eq!(n, BIG, "the whole download arrived");

    let (head, _) = get(port, "/page").await;
    assert!(head.starts_with("HTTP/1.1 403"), "an inspected response was not blocked: {head}");
}
