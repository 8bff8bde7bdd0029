//! The reverse proxy: HTTP/1.x from clients (strict parsing, [`http1`]), HTTP/2 over TLS
//! ([`http2`], [`tls`]), the rules on each phase, the upstream through hyper
//! ([`upstream`]), an audit record per relevant transaction ([`audit`]).

pub mod audit;
pub mod http1;
pub mod http2;
pub mod rules;
pub mod tls;
pub mod upstream;

use crate::engine::transaction::Request;
use crate::engine::{EngineMode, Transaction};
use crate::seclang::RuleSet;
use audit::{Record, Sink};
use http1::{Head, Refusal};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use upstream::Upstream;

/// `--mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Rules log; nothing is blocked (bad HTTP still is).
    Detect,
    /// Disruptive rules act.
    Block,
}

/// What the proxy runs with.
pub struct Proxy {
    /// The rules in force (replaced whole on reload).
    pub rules: RwLock<Arc<RuleSet>>,
    /// The upstream.
    pub upstream: Upstream,
    /// Detect or block.
    pub mode: Mode,
    /// Paranoia level 1-4 (blocking and detection).
    pub paranoia: u8,
    /// Audit records.
    pub audit: Sink,
    /// Largest request head.
    pub max_head: usize,
    /// TLS on the listening side (None: plain HTTP/1.x).
    pub tls: Option<tokio_rustls::TlsAcceptor>,
}

/// What the rules and the upstream made of one request.
pub struct Reply {
    /// Status sent to the client.
    pub status: u16,
    /// Headers sent to the client (hop-by-hop ones are left out when written).
    pub headers: Vec<(String, Vec<u8>)>,
    /// Body sent to the client.
    pub body: ReplyBody,
    /// A rule asked to drop the connection: nothing is sent.
    pub drop: bool,
}

/// A reply's body: read whole (the proxy's own pages, and responses the rules inspect),
/// or passed on as the upstream sends it (responses no rule reads: their content type
/// is not one `SecResponseBodyMimeType` names, or response body access is off).
pub enum ReplyBody {
    /// All of it.
    Whole(Vec<u8>),
    /// The upstream's body as it arrives, and the length the upstream announced.
    Streamed {
        /// The body.
        body: hyper::body::Incoming,
        /// Its `Content-Length`, if the upstream sent one.
        length: Option<u64>,
    },
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

async fn write_response(
    w: &mut (impl AsyncWriteExt + Unpin),
    status: u16,
    headers: &[(String, Vec<u8>)],
    body: &[u8],
    keep_alive: bool,
    head_only: bool,
) -> std::io::Result<()> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status)).into_bytes();
    for (k, v) in headers {
        if upstream::hop_by_hop(k) {
            continue;
        }
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    out.extend_from_slice(if keep_alive { b"connection: keep-alive\r\n\r\n" } else { b"connection: close\r\n\r\n" });
    if !head_only {
        out.extend_from_slice(body);
    }
    w.write_all(&out).await?;
    w.flush().await
}

/// Responses the rules inspect are read whole up to this size (a larger one is a 502).
const MAX_INSPECTED_RESPONSE: usize = 64 << 20;

/// An HTTP/1.x response whose body is passed on as the upstream sends it.
struct Streamed<'a> {
    status: u16,
    headers: &'a [(String, Vec<u8>)],
    /// The upstream's length: sent as `Content-Length`, and held to.
    length: Option<u64>,
    keep_alive: bool,
    head_only: bool,
    /// Without a length: chunked (HTTP/1.1 clients), else the end is the close.
    chunked: bool,
}

impl Streamed<'_> {
    /// Writes it; returns whether the connection can stay open.
    async fn write(
        &self,
        w: &mut (impl AsyncWriteExt + Unpin),
        mut body: hyper::body::Incoming,
    ) -> std::io::Result<bool> {
        use http_body_util::BodyExt;
        let framing: Option<String> = match (self.length, self.chunked) {
            (Some(n), _) => Some(format!("content-length: {n}\r\n")),
            (None, true) => Some("transfer-encoding: chunked\r\n".into()),
            (None, false) => None,
        };
        let keep = self.keep_alive && framing.is_some();
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status)).into_bytes();
        for (k, v) in self.headers {
            if !upstream::hop_by_hop(k) {
                out.extend_from_slice(k.as_bytes());
                out.extend_from_slice(b": ");
                out.extend_from_slice(v);
                out.extend_from_slice(b"\r\n");
            }
        }
        out.extend_from_slice(framing.as_deref().unwrap_or("").as_bytes());
        out.extend_from_slice(if keep { b"connection: keep-alive\r\n\r\n" } else { b"connection: close\r\n\r\n" });
        w.write_all(&out).await?;
        if self.head_only {
            w.flush().await?;
            return Ok(keep);
        }
        let chunked = self.length.is_none() && self.chunked;
        let mut sent: u64 = 0;
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else {
                // The upstream broke off: so does this response.
                w.flush().await?;
                return Ok(false);
            };
            let Ok(data) = frame.into_data() else { continue };
            if data.is_empty() {
                continue;
            }
            sent += data.len() as u64;
            if self.length.is_some_and(|n| sent > n) {
                return Ok(false);
            }
            if chunked {
                w.write_all(format!("{:x}\r\n", data.len()).as_bytes()).await?;
                w.write_all(&data).await?;
                w.write_all(b"\r\n").await?;
            } else {
                w.write_all(&data).await?;
            }
            w.flush().await?;
        }
        if chunked {
            w.write_all(b"0\r\n\r\n").await?;
        }
        w.flush().await?;
        Ok(keep && self.length.is_none_or(|n| sent == n))
    }
}

fn error_page(_status: u16) -> Vec<(String, Vec<u8>)> {
    vec![("content-type".into(), b"text/plain".to_vec())]
}

impl Proxy {
    fn transaction(&self) -> Transaction {
        let rules = self.rules.read().map(|r| r.clone()).unwrap_or_default();
        let mode = match self.mode {
            Mode::Detect => EngineMode::DetectionOnly,
            Mode::Block => EngineMode::On,
        };
        let p = self.paranoia.to_string();
        Transaction::new(
            rules,
            Some(mode),
            &[("blocking_paranoia_level".into(), p.clone()), ("detection_paranoia_level".into(), p)],
        )
    }

    /// Accepts connections forever.
    pub async fn serve(self: Arc<Self>, listener: TcpListener) -> std::io::Result<()> {
        loop {
            let (sock, peer) = listener.accept().await?;
            let me = self.clone();
            tokio::spawn(async move {
                let _ = me.accepted(sock, peer).await;
            });
        }
    }

    /// A new client connection: TLS first when configured (ALPN chooses HTTP/2 or
    /// HTTP/1.1), else plain HTTP/1.x.
    async fn accepted(self: Arc<Self>, sock: TcpStream, peer: SocketAddr) -> std::io::Result<()> {
        let _ = sock.set_nodelay(true);
        let local_port = sock.local_addr().map(|a| a.port()).unwrap_or(0);
        let Some(acceptor) = self.tls.clone() else { return self.connection(sock, peer, local_port).await };
        let handshake = tokio::time::timeout(std::time::Duration::from_secs(30), acceptor.accept(sock)).await;
        let Ok(Ok(stream)) = handshake else { return Ok(()) };
        if stream.get_ref().1.alpn_protocol() == Some(b"h2") {
            http2::serve(self, stream, peer, local_port).await;
            return Ok(());
        }
        self.connection(stream, peer, local_port).await
    }

    /// HTTP/1.x requests on one connection, until either side closes it.
    async fn connection<S>(&self, sock: S, peer: SocketAddr, local_port: u16) -> std::io::Result<()>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        let (r, mut w) = tokio::io::split(sock);
        let mut r = BufReader::new(r);
        loop {
            let head =
                match tokio::time::timeout(std::time::Duration::from_secs(30), http1::read_head(&mut r, self.max_head))
                    .await
                {
                    Err(_) | Ok(Ok(None)) | Ok(Err(Refusal::Closed)) => return Ok(()),
                    Ok(Ok(Some(h))) => h,
                    Ok(Err(refusal)) => {
                        self.refuse(&mut w, peer, None, &refusal).await?;
                        return Ok(());
                    }
                };
            let keep = self.exchange(&mut r, &mut w, peer, local_port, head).await?;
            if !keep {
                return Ok(());
            }
        }
    }

    /// Logs a request refused before any rule ran; returns its status and why.
    pub(crate) fn audit_refusal(&self, peer: SocketAddr, head: Option<&Head>, refusal: &Refusal) -> (u16, String) {
        let status = refusal.status();
        let why = match refusal {
            Refusal::Bad(m) => m.to_string(),
            Refusal::TooLarge => "request body too large".into(),
            Refusal::Closed => "closed".into(),
        };
        self.audit.write(Record {
            client_ip: peer.ip().to_string(),
            client_port: peer.port(),
            request_line: head.map(|h| format!("{} {} {}", h.method, h.target, h.version)).unwrap_or_default(),
            method: head.map(|h| h.method.clone()).unwrap_or_default(),
            target: head.map(|h| h.target.clone()).unwrap_or_default(),
            status,
            action: "refused",
            rules: Vec::new(),
            inbound_score: 0,
            outbound_score: 0,
            reason: Some(why.clone()),
            test_marker: head.and_then(|h| h.header("x-crs-test")).map(|v| String::from_utf8_lossy(v).into_owned()),
        });
        (status, why)
    }

    async fn refuse(
        &self,
        w: &mut (impl AsyncWriteExt + Unpin),
        peer: SocketAddr,
        head: Option<&Head>,
        refusal: &Refusal,
    ) -> std::io::Result<()> {
        let (status, why) = self.audit_refusal(peer, head, refusal);
        write_response(w, status, &error_page(status), format!("{why}\n").as_bytes(), false, false).await
    }

    /// Phase 1 (request headers) of `head`: its transaction, and the body limit that
    /// applies to it.
    pub(crate) fn begin(&self, head: &Head, peer: SocketAddr, local_port: u16) -> (Transaction, usize) {
        let mut tx = self.transaction();
        let limits = tx.rules().settings.clone();
        let req = Request {
            method: head.method.clone(),
            uri: head.target.clone(),
            protocol: head.version.clone(),
            headers: head.headers.clone(),
            remote_addr: peer.ip().to_string(),
            remote_port: peer.port(),
            server_port: local_port,
        };
        tx.request_headers(&req);
        let multipart = head.header("content-type").is_some_and(|c| c.to_ascii_lowercase().starts_with(b"multipart/"));
        let limit = if multipart { limits.request_body_limit } else { limits.request_body_no_files_limit };
        (tx, limit)
    }

    /// Phases 2 to 4: the request body, the upstream (unless a rule intervened) and its
    /// response.
    pub(crate) async fn complete(&self, tx: &mut Transaction, head: &Head, peer: SocketAddr, body: Vec<u8>) -> Reply {
        let denied = |status: u16| Reply {
            status,
            headers: error_page(status),
            body: ReplyBody::Whole(format!("{status} {}\n", reason(status)).into_bytes()),
            drop: false,
        };
        let failed = |e: String| Reply {
            status: 502,
            headers: error_page(502),
            body: ReplyBody::Whole(format!("{e}\n").into_bytes()),
            drop: false,
        };
        if tx.intervention.is_none() {
            tx.request_body(&body);
        }
        if let Some(i) = tx.intervention.clone() {
            return if i.drop { Reply { drop: true, ..denied(i.status) } } else { denied(i.status) };
        }
        let limit = tx.rules().settings.response_body_limit;
        let resp =
            match self.upstream.start(&head.method, &head.target, &head.headers, body, &peer.ip().to_string()).await {
                Err(e) => return failed(e),
                Ok(resp) => resp,
            };
        tx.response_headers(resp.status, "HTTP/1.1", &resp.headers);
        if let Some(i) = tx.intervention.clone() {
            return denied(i.status);
        }
        if !tx.wants_response_body() {
            let (status, headers, length) = (resp.status, resp.headers, resp.length);
            return Reply { status, headers, body: ReplyBody::Streamed { body: resp.body, length }, drop: false };
        }
        let resp = match resp.read(MAX_INSPECTED_RESPONSE).await {
            Err(e) => return failed(e),
            Ok(resp) => resp,
        };
        tx.response_body(&resp.body[..resp.body.len().min(limit)]);
        match tx.intervention.clone() {
            Some(i) => denied(i.status),
            None => {
                Reply { status: resp.status, headers: resp.headers, body: ReplyBody::Whole(resp.body), drop: false }
            }
        }
    }

    /// One HTTP/1.x request and its response; returns whether the connection stays open.
    async fn exchange<R, W>(
        &self,
        r: &mut BufReader<R>,
        w: &mut W,
        peer: SocketAddr,
        local_port: u16,
        head: Head,
    ) -> std::io::Result<bool>
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        let (mut tx, limit) = self.begin(&head, peer, local_port);
        let body = match http1::read_body(r, head.framing, limit).await {
            Ok(b) => b,
            Err(refusal) => {
                self.refuse(w, peer, Some(&head), &refusal).await?;
                return Ok(false);
            }
        };
        let keep_alive = head.keep_alive();
        let head_only = head.method == "HEAD";
        let reply = self.complete(&mut tx, &head, peer, body).await;
        if reply.drop {
            self.finish(tx, &head, peer, 0);
            return Ok(false);
        }
        let keep = match reply.body {
            ReplyBody::Whole(body) => {
                write_response(w, reply.status, &reply.headers, &body, keep_alive, head_only).await?;
                keep_alive
            }
            ReplyBody::Streamed { body, length } => {
                let chunked = head.version != "HTTP/1.0";
                let out =
                    Streamed { status: reply.status, headers: &reply.headers, length, keep_alive, head_only, chunked };
                out.write(w, body).await?
            }
        };
        self.finish(tx, &head, peer, reply.status);
        Ok(keep)
    }

    /// Phase 5 and the audit record.
    pub(crate) fn finish(&self, mut tx: Transaction, head: &Head, peer: SocketAddr, status: u16) {
        tx.logging();
        let rules: Vec<_> = tx.matched.iter().filter(|m| m.logged).cloned().collect();
        let marker = head.header("x-crs-test").map(|v| String::from_utf8_lossy(v).into_owned());
        if rules.is_empty() && tx.intervention.is_none() && marker.is_none() && !self.audit.keeps_all() {
            return;
        }
        let score = |k: &str| tx.tx(k).map(crate::engine::operators::atoi).unwrap_or(0);
        let inbound = score("blocking_inbound_anomaly_score").max(score("detection_inbound_anomaly_score"));
        let outbound = score("blocking_outbound_anomaly_score").max(score("detection_outbound_anomaly_score"));
        self.audit.write(Record {
            client_ip: peer.ip().to_string(),
            client_port: peer.port(),
            request_line: format!("{} {} {}", head.method, head.target, head.version),
            method: head.method.clone(),
            target: head.target.clone(),
            status,
            action: if tx.intervention.is_some() { "blocked" } else { "detected" },
            rules,
            inbound_score: inbound,
            outbound_score: outbound,
            reason: None,
            test_marker: marker,
        });
    }
}
