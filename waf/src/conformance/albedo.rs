//! A test backend that answers as CRS's albedo does: 200 with a small body for any request, and
//! `/reflect`, which answers with the status, headers and body its JSON request body describes.

use crate::proxy::http1;
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Serves until the process ends.
pub async fn serve(listener: TcpListener) {
    loop {
        let Ok((sock, _)) = listener.accept().await else { continue };
        tokio::spawn(async move {
            let (r, mut w) = sock.into_split();
            let mut r = BufReader::new(r);
            while let Ok(Some(head)) = http1::read_head(&mut r, 1 << 20).await {
                let Ok(body) = http1::read_body(&mut r, head.framing, 64 << 20).await else { return };
                let (status, headers, out) = answer(&head, &body);
                let mut resp = format!("HTTP/1.1 {status} X\r\n").into_bytes();
                for (k, v) in headers {
                    if !crate::proxy::upstream::hop_by_hop(&k) {
                        resp.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
                    }
                }
                resp.extend_from_slice(format!("Content-Length: {}\r\n\r\n", out.len()).as_bytes());
                resp.extend_from_slice(&out);
                if w.write_all(&resp).await.is_err() {
                    return;
                }
            }
        });
    }
}

fn answer(head: &http1::Head, body: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let path = head.target.split('?').next().unwrap_or("");
    if path != "/reflect" {
        return (200, vec![("Content-Type".into(), "text/plain".into())], b"ok\n".to_vec());
    }
    let Ok(spec) = serde_json::from_slice::<serde_json::Value>(body) else {
        return (200, vec![("Content-Type".into(), "text/plain".into())], Vec::new());
    };
    let status = spec
        .get("status")
        .and_then(|s| s.as_u64())
        .and_then(|s| u16::try_from(s).ok())
        .filter(|s| (100..600).contains(s))
        .unwrap_or(200);
    let mut headers: Vec<(String, String)> = spec
        .get("headers")
        .and_then(|h| h.as_object())
        .map(|h| h.iter().map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_string))).collect())
        .unwrap_or_default();
    let out = match (spec.get("encodedBody").and_then(|b| b.as_str()), spec.get("body").and_then(|b| b.as_str())) {
        (Some(e), _) => crate::engine::transforms::Transform::Base64DecodeExt.apply(e.as_bytes()),
        (None, Some(b)) => b.as_bytes().to_vec(),
        _ => Vec::new(),
    };
    // Go's server (albedo's) sniffs a Content-Type when the handler sets none.
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
        let html = out.trim_ascii_start().starts_with(b"<");
        headers.push((
            "Content-Type".into(),
            if html { "text/html; charset=utf-8" } else { "text/plain; charset=utf-8" }.into(),
        ));
    }
    (status, headers, out)
}
