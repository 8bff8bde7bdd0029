//! TLS and HTTP/2 from clients: a certificate made for the test, loaded from PEM files as
//! `run --tls-cert --tls-key` does; a client negotiating HTTP/2 by ALPN and one
//! negotiating HTTP/1.1, each sending a benign request (passed to the backend) and
//! attacks in the query and in the body (refused by a rule with 403, never reaching the
//! backend); an oversized body gets 413; the audit records say HTTP/2.0.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use rampart_waf::proxy::audit::Sink;
use rampart_waf::proxy::upstream::Upstream;
use rampart_waf::proxy::{tls, Mode, Proxy};
use rustls::pki_types::{CertificateDer, ServerName};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsConnector;

const RULES: &str =
    "SecRuleEngine On\nSecRequestBodyAccess On\nSecRequestBodyLimit 2000\nSecRequestBodyNoFilesLimit 2000\n\
SecRule ARGS \"@contains attack\" \"id:10001,phase:2,deny,status:403,log,msg:'attack in an argument'\"\n";

/// A backend answering 200 to everything, counting the requests it gets.
async fn backend(hits: Arc<AtomicUsize>) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            let hits = hits.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let hits = hits.clone();
                    async move {
                        let _ = req.into_body().collect().await;
                        hits.fetch_add(1, Ordering::SeqCst);
                        Ok::<_, std::convert::Infallible>(hyper::Response::new(Full::new(Bytes::from_static(b"ok\n"))))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(s), service).await;
            });
        }
    });
    port
}

struct Setup {
    port: u16,
    roots: rustls::RootCertStore,
    hits: Arc<AtomicUsize>,
    audit: Arc<Mutex<Vec<rampart_waf::proxy::audit::Record>>>,
}

async fn setup() -> Setup {
    static SETUPS: AtomicUsize = AtomicUsize::new(0);
    let n = SETUPS.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("rampart-waf-tls-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    std::fs::write(dir.join("cert.pem"), cert.cert.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), cert.key_pair.serialize_pem()).unwrap();
    std::fs::write(dir.join("rules.conf"), RULES).unwrap();
    let acceptor = tls::acceptor(&dir.join("cert.pem"), &dir.join("key.pem")).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(cert.cert.der().to_vec())).unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let up = backend(hits.clone()).await;
    let audit = Arc::new(Mutex::new(Vec::new()));
    let rules = rampart_waf::seclang::load_paths(&[dir.join("rules.conf")]).unwrap();
    let proxy = Arc::new(Proxy {
        rules: RwLock::new(Arc::new(rules)),
        upstream: Upstream::new(&format!("http://127.0.0.1:{up}")).unwrap(),
        mode: Mode::Block,
        paranoia: 1,
        audit: Sink::Memory(audit.clone()),
        max_head: 64 * 1024,
        tls: Some(acceptor),
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(proxy.serve(listener));
    std::fs::remove_dir_all(&dir).unwrap();
    Setup { port, roots, hits, audit }
}

async fn connect(s: &Setup, alpn: &[u8]) -> tokio_rustls::client::TlsStream<TcpStream> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(s.roots.clone())
        .with_no_client_auth();
    config.alpn_protocols = vec![alpn.to_vec()];
    let tcp = TcpStream::connect(("127.0.0.1", s.port)).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let stream = TlsConnector::from(Arc::new(config)).connect(name, tcp).await.unwrap();
    assert_eq!(stream.get_ref().1.alpn_protocol(), Some(alpn), "ALPN");
    stream
}

#[tokio::test]
async fn http2_over_tls_goes_through_the_rules() {
    let s = setup().await;
    let stream = connect(&s, b"h2").await;
    let (mut sender, conn) =
        hyper::client::conn::http2::handshake(hyper_util::rt::TokioExecutor::new(), TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(conn);
    let mut send = |method: &str, path: &str, body: Vec<u8>| {
        let req = hyper::Request::builder()
            .method(method)
            .uri(format!("https://localhost{path}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        let f = sender.send_request(req);
        async move { f.await.unwrap().status().as_u16() }
    };
    assert_eq!(send("GET", "/?q=hello", Vec::new()).await, 200);
    assert_eq!(s.hits.load(Ordering::SeqCst), 1);
    assert_eq!(send("GET", "/?q=an+attack", Vec::new()).await, 403);
    assert_eq!(send("POST", "/form", b"q=attack".to_vec()).await, 403);
    assert_eq!(send("POST", "/form", vec![b'a'; 5000]).await, 413);
    assert_eq!(send("POST", "/form", b"q=fine".to_vec()).await, 200);
    assert_eq!(s.hits.load(Ordering::SeqCst), 2, "a refused request reached the backend");
    let audit = s.audit.lock().unwrap();
    let blocked: Vec<_> = audit.iter().filter(|r| r.status == 403).collect();
    assert_eq!(blocked.len(), 2, "{audit:?}");
    assert!(blocked.iter().all(|r| r.request_line.ends_with("HTTP/2.0") && r.rules.iter().any(|m| m.id == 10001)));
}

#[tokio::test]
async fn http1_over_tls_goes_through_the_rules() {
    let s = setup().await;
    for (target, want) in [("/?q=hello", "200"), ("/?q=attack", "403")] {
        let mut stream = connect(&s, b"http/1.1").await;
        let req = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        stream.write_all(req.as_bytes()).await.unwrap();
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out).await;
        let text = String::from_utf8_lossy(&out);
        assert_eq!(text.split(' ').nth(1), Some(want), "{text}");
    }
    assert_eq!(s.hits.load(Ordering::SeqCst), 1);
}
