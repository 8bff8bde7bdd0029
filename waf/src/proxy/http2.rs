//! HTTP/2 from clients (negotiated by ALPN over TLS), served by hyper: each stream is
//! turned into the same request head the HTTP/1.x reader makes (`:authority` as
//! `Host`, `HTTP/2.0` as the protocol), and goes through the same phases. hyper's
//! HTTP/2 framing leaves nothing to smuggle (lengths are frames, a `content-length`
//! that disagrees with the data is a stream error), and connection-specific headers
//! are refused by it.

use super::http1::{Framing, Head, Refusal};
use super::{Proxy, Reply, ReplyBody};
use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Empty, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};

/// Largest header list a client may send (as the HTTP/1.x head limit).
const MAX_HEADER_LIST: u32 = 64 * 1024;

/// Serves HTTP/2 on `io` until the client goes away.
pub async fn serve<S>(proxy: Arc<Proxy>, io: S, peer: SocketAddr, local_port: u16)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let proxy = proxy.clone();
        async move { Ok::<_, Infallible>(proxy.h2_exchange(req, peer, local_port).await) }
    });
    let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
        .max_header_list_size(MAX_HEADER_LIST)
        .serve_connection(TokioIo::new(io), service)
        .await;
}

/// The request head the rules see for an HTTP/2 request.
pub fn head_of(parts: &hyper::http::request::Parts) -> Head {
    let target = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
    let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    if !parts.headers.contains_key(hyper::header::HOST) {
        if let Some(authority) = parts.uri.authority() {
            headers.push(("host".into(), authority.as_str().as_bytes().to_vec()));
        }
    }
    for (k, v) in &parts.headers {
        headers.push((k.as_str().to_string(), v.as_bytes().to_vec()));
    }
    let framing = match parts.headers.get(hyper::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()) {
        Some(n) => n.trim().parse().map(Framing::Length).unwrap_or(Framing::Chunked),
        None => Framing::Chunked,
    };
    Head { method: parts.method.as_str().to_string(), target, version: "HTTP/2.0".into(), headers, framing }
}

/// A response body: whole, or the upstream's as it arrives.
type Body = BoxBody<Bytes, hyper::Error>;

fn whole(bytes: Bytes) -> Body {
    Full::new(bytes).map_err(|never| match never {}).boxed()
}

fn response(reply: Reply, head_only: bool) -> hyper::Response<Body> {
    let mut b = hyper::Response::builder().status(reply.status);
    for (k, v) in &reply.headers {
        if super::upstream::hop_by_hop(k) {
            continue;
        }
        b = b.header(k.as_str(), v.as_slice());
    }
    if let ReplyBody::Streamed { length: Some(n), .. } = &reply.body {
        b = b.header(hyper::header::CONTENT_LENGTH, *n);
    }
    let body = match reply.body {
        _ if head_only => Empty::new().map_err(|never| match never {}).boxed(),
        ReplyBody::Streamed { body, .. } => body.boxed(),
        ReplyBody::Whole(v) => whole(Bytes::from(v)),
    };
    b.body(body).unwrap_or_else(|_| {
        let mut r = hyper::Response::new(whole(Bytes::from_static(b"502 Bad Gateway\n")));
        *r.status_mut() = hyper::StatusCode::BAD_GATEWAY;
        r
    })
}

impl Proxy {
    async fn h2_exchange(
        &self,
        req: hyper::Request<Incoming>,
        peer: SocketAddr,
        local_port: u16,
    ) -> hyper::Response<Body> {
        let (parts, incoming) = req.into_parts();
        let head = head_of(&parts);
        let (mut tx, limit) = self.begin(&head, peer, local_port);
        let body = match Limited::new(incoming, limit).collect().await {
            Ok(b) => b.to_bytes().to_vec(),
            Err(e) => {
                let refusal = if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                    Refusal::TooLarge
                } else {
                    Refusal::Bad("request body")
                };
                let (status, why) = self.audit_refusal(peer, Some(&head), &refusal);
                let body = ReplyBody::Whole(format!("{why}\n").into_bytes());
                let reply = Reply { status, headers: Vec::new(), body, drop: false };
                return response(reply, false);
            }
        };
        let head_only = head.method == "HEAD";
        let reply = self.complete(&mut tx, &head, peer, body).await;
        let status = if reply.drop { 0 } else { reply.status };
        let out = if reply.drop {
            // No way to drop one stream's connection from here: a reset is the closest.
            response(Reply { status: 403, headers: Vec::new(), body: ReplyBody::Whole(Vec::new()), drop: false }, true)
        } else {
            response(reply, head_only)
        };
        self.finish(tx, &head, peer, status);
        out
    }
}
