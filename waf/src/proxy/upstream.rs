//! The upstream side: a pooled hyper HTTP/1.1 client. The request is re-framed (one
//! Content-Length, no hop-by-hop headers), so the upstream never parses the client's framing.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;

/// An upstream response, body read.
#[derive(Debug)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers (hop-by-hop ones removed).
    pub headers: Vec<(String, Vec<u8>)>,
    /// Body.
    pub body: Vec<u8>,
}

/// An upstream response whose body is still to come.
#[derive(Debug)]
pub struct Streaming {
    /// Status code.
    pub status: u16,
    /// Headers (hop-by-hop ones removed).
    pub headers: Vec<(String, Vec<u8>)>,
    /// The upstream's `Content-Length`, if it sent one.
    pub length: Option<u64>,
    /// The body, as it arrives.
    pub body: hyper::body::Incoming,
}

impl Streaming {
    /// Reads the body, up to `limit` bytes.
    pub async fn read(self, limit: usize) -> Result<Response, String> {
        let body = Limited::new(self.body, limit)
            .collect()
            .await
            .map_err(|e| format!("upstream body: {e}"))?
            .to_bytes()
            .to_vec();
        Ok(Response { status: self.status, headers: self.headers, body })
    }
}

/// The upstream client.
#[derive(Clone)]
pub struct Upstream {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
    authority: String,
}

const HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
];

/// Whether a header is hop-by-hop (or framing, which the proxy sets itself).
pub fn hop_by_hop(name: &str) -> bool {
    HOP.iter().any(|h| h.eq_ignore_ascii_case(name))
}

impl Upstream {
    /// A client for `http://host:port` (a path prefix is kept).
    pub fn new(url: &str) -> Result<Upstream, String> {
        let base = url.trim_end_matches('/').to_string();
        let rest = base.strip_prefix("http://").ok_or("the upstream must be an http:// URL")?;
        let authority = rest.split('/').next().unwrap_or("").to_string();
        if authority.is_empty() {
            return Err("the upstream URL has no host".into());
        }
        let client = Client::builder(TokioExecutor::new()).build_http();
        Ok(Upstream { client, base, authority })
    }

    /// Sends a request; returns the response once its head has arrived.
    pub async fn start(
        &self,
        method: &str,
        target: &str,
        headers: &[(String, Vec<u8>)],
        body: Vec<u8>,
        client_ip: &str,
    ) -> Result<Streaming, String> {
        let path = if target.starts_with('/') { target.to_string() } else { format!("/{target}") };
        let mut b = hyper::Request::builder().method(method).uri(format!("{}{}", self.base, path));
        let mut xff = None;
        for (k, v) in headers {
            if hop_by_hop(k) {
                continue;
            }
            if k.eq_ignore_ascii_case("x-forwarded-for") {
                xff = Some(format!("{}, {client_ip}", String::from_utf8_lossy(v)));
                continue;
            }
            b = b.header(k.as_str(), v.as_slice());
        }
        b = b.header("x-forwarded-for", xff.unwrap_or_else(|| client_ip.to_string()));
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            b = b.header("host", self.authority.as_str());
        }
        if !body.is_empty() || method != "GET" && method != "HEAD" {
            b = b.header("content-length", body.len());
        }
        let req = b.body(Full::new(Bytes::from(body))).map_err(|e| format!("request: {e}"))?;
        let resp = self.client.request(req).await.map_err(|e| format!("upstream: {e}"))?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .filter(|(k, _)| !hop_by_hop(k.as_str()))
            .map(|(k, v)| (k.as_str().to_string(), v.as_bytes().to_vec()))
            .collect();
        let length = resp
            .headers()
            .get(hyper::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        Ok(Streaming { status, headers, length, body: resp.into_body() })
    }
}
