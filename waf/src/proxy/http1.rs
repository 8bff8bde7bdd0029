//! The client side of the proxy: HTTP/1.x request heads and bodies read strictly, so that what
//! the rules inspect is exactly what the upstream gets. Ambiguous framing (request smuggling) is
//! refused: Content-Length with Transfer-Encoding, more than one Content-Length, a transfer coding
//! other than `chunked`, obs-fold, NUL or a bare CR anywhere in the head.

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt};

/// A parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Method.
    pub method: String,
    /// Request target as sent.
    pub target: String,
    /// `HTTP/1.1`.
    pub version: String,
    /// Headers, names as sent.
    pub headers: Vec<(String, Vec<u8>)>,
    /// How the body is framed.
    pub framing: Framing,
}

/// Body framing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// No body.
    None,
    /// `Content-Length`.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
}

/// Why a request is refused before any rule or upstream sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// 400, with the reason.
    Bad(&'static str),
    /// 413: the body is over the limit.
    TooLarge,
    /// The connection ended (or timed out) before a request.
    Closed,
}

impl Refusal {
    /// The status to answer with.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::TooLarge => 413,
            _ => 400,
        }
    }
}

fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

impl Head {
    /// A header value (first of that name).
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_slice())
    }

    /// Whether the client asked to keep the connection.
    pub fn keep_alive(&self) -> bool {
        let conn = self.header("connection").map(|v| v.to_ascii_lowercase()).unwrap_or_default();
        if self.version == "HTTP/1.0" {
            conn.windows(10).any(|w| w == b"keep-alive")
        } else {
            !conn.windows(5).any(|w| w == b"close")
        }
    }
}

/// Parses a complete head (up to and including the empty line).
pub fn parse_head(raw: &[u8]) -> Result<Head, Refusal> {
    if raw.contains(&0) {
        return Err(Refusal::Bad("NUL in the request head"));
    }
    let mut lines = Vec::new();
    let mut rest = raw;
    while let Some(p) = rest.iter().position(|&c| c == b'\n') {
        let line = &rest[..p];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.contains(&b'\r') {
            return Err(Refusal::Bad("bare CR in the request head"));
        }
        lines.push(line);
        rest = &rest[p + 1..];
    }
    let mut it = lines.into_iter();
    let request_line = it.next().ok_or(Refusal::Bad("empty request"))?;
    let parts: Vec<&[u8]> = request_line.split(|&c| c == b' ').collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
        return Err(Refusal::Bad("malformed request line"));
    }
    if !parts[0].iter().all(|&c| is_tchar(c)) {
        return Err(Refusal::Bad("malformed method"));
    }
    if parts[1].iter().any(|&c| c <= b' ' || c == 0x7f) {
        return Err(Refusal::Bad("malformed request target"));
    }
    let v = parts[2];
    if !(v.len() == 8 && v.starts_with(b"HTTP/") && v[5].is_ascii_digit() && v[6] == b'.' && v[7].is_ascii_digit()) {
        return Err(Refusal::Bad("malformed HTTP version"));
    }
    let mut headers = Vec::new();
    for line in it {
        if line.is_empty() {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            return Err(Refusal::Bad("obsolete line folding"));
        }
        let colon = line.iter().position(|&c| c == b':').ok_or(Refusal::Bad("header without a colon"))?;
        let name = &line[..colon];
        if name.is_empty() || !name.iter().all(|&c| is_tchar(c)) {
            return Err(Refusal::Bad("malformed header name"));
        }
        let value = line[colon + 1..].trim_ascii();
        headers.push((String::from_utf8_lossy(name).into_owned(), value.to_vec()));
    }
    let lens: Vec<&[u8]> =
        headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case("content-length")).map(|(_, v)| v.as_slice()).collect();
    let tes: Vec<&[u8]> = headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("transfer-encoding"))
        .map(|(_, v)| v.as_slice())
        .collect();
    let version = String::from_utf8_lossy(v).into_owned();
    let framing = match (lens.as_slice(), tes.as_slice()) {
        ([], []) => Framing::None,
        ([_, _, ..], _) => return Err(Refusal::Bad("more than one Content-Length")),
        ([_], [_, ..]) => return Err(Refusal::Bad("Content-Length with Transfer-Encoding")),
        ([l], []) => {
            if l.is_empty() || l.len() > 18 || !l.iter().all(u8::is_ascii_digit) {
                return Err(Refusal::Bad("malformed Content-Length"));
            }
            Framing::Length(
                std::str::from_utf8(l)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or(Refusal::Bad("malformed Content-Length"))?,
            )
        }
        ([], [te]) => {
            if !te.eq_ignore_ascii_case(b"chunked") || version == "HTTP/1.0" {
                return Err(Refusal::Bad("unsupported Transfer-Encoding"));
            }
            Framing::Chunked
        }
        ([], _) => return Err(Refusal::Bad("more than one Transfer-Encoding")),
    };
    Ok(Head {
        method: String::from_utf8_lossy(parts[0]).into_owned(),
        target: String::from_utf8_lossy(parts[1]).into_owned(),
        version,
        headers,
        framing,
    })
}

/// Reads a head of at most `max` bytes; `Ok(None)` when the connection closed cleanly first.
pub async fn read_head<R: AsyncBufRead + Unpin>(r: &mut R, max: usize) -> Result<Option<Head>, Refusal> {
    let mut buf = Vec::with_capacity(1024);
    loop {
        let room = (max + 1).saturating_sub(buf.len()) as u64;
        let n = (&mut *r).take(room).read_until(b'\n', &mut buf).await.map_err(|_| Refusal::Closed)?;
        if n == 0 {
            if buf.iter().all(|c| c.is_ascii_whitespace()) {
                return Ok(None);
            }
            return Err(Refusal::Bad("incomplete request head"));
        }
        if buf.len() > max {
            return Err(Refusal::Bad("request head too large"));
        }
        // Empty lines before the request line are ignored (RFC 9112, 2.2).
        if buf == b"\r\n" || buf == b"\n" {
            buf.clear();
            continue;
        }
        if buf.ends_with(b"\n\r\n") || buf.ends_with(b"\n\n") {
            return parse_head(&buf).map(Some);
        }
    }
}

/// Reads the body as framed, refusing more than `limit` bytes.
pub async fn read_body<R: AsyncBufRead + Unpin>(r: &mut R, framing: Framing, limit: usize) -> Result<Vec<u8>, Refusal> {
    match framing {
        Framing::None => Ok(Vec::new()),
        Framing::Length(n) => {
            if n > limit as u64 {
                return Err(Refusal::TooLarge);
            }
            let mut body = vec![0; n as usize];
            r.read_exact(&mut body).await.map_err(|_| Refusal::Bad("body shorter than Content-Length"))?;
            Ok(body)
        }
        Framing::Chunked => {
            let mut body = Vec::new();
            loop {
                let mut line = Vec::new();
                (&mut *r).take(1024).read_until(b'\n', &mut line).await.map_err(|_| Refusal::Closed)?;
                let size = parse_chunk_size(&line)?;
                if size == 0 {
                    // Trailers, up to the empty line.
                    loop {
                        let mut t = Vec::new();
                        let n = (&mut *r).take(8192).read_until(b'\n', &mut t).await.map_err(|_| Refusal::Closed)?;
                        if n == 0 || t == b"\r\n" || t == b"\n" {
                            return Ok(body);
                        }
                        if t.contains(&0) || !t.ends_with(b"\n") {
                            return Err(Refusal::Bad("malformed chunk trailer"));
                        }
                    }
                }
                if body.len() as u64 + size > limit as u64 {
                    return Err(Refusal::TooLarge);
                }
                let start = body.len();
                body.resize(start + size as usize, 0);
                r.read_exact(&mut body[start..]).await.map_err(|_| Refusal::Bad("truncated chunk"))?;
                let mut crlf = [0u8; 2];
                r.read_exact(&mut crlf).await.map_err(|_| Refusal::Bad("truncated chunk"))?;
                if &crlf != b"\r\n" {
                    return Err(Refusal::Bad("chunk not followed by CRLF"));
                }
            }
        }
    }
}

/// Parses a chunk-size line (`1a;ext=x\r\n`).
pub fn parse_chunk_size(line: &[u8]) -> Result<u64, Refusal> {
    let bad = Refusal::Bad("malformed chunk size");
    let line = line.strip_suffix(b"\n").ok_or(bad.clone())?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let hex = line.split(|&c| c == b';').next().unwrap_or(b"");
    if hex.is_empty() || hex.len() > 15 || !hex.iter().all(u8::is_ascii_hexdigit) {
        return Err(bad);
    }
    u64::from_str_radix(std::str::from_utf8(hex).map_err(|_| bad.clone())?, 16).map_err(|_| bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(s: &str) -> Result<Head, Refusal> {
        parse_head(s.as_bytes())
    }

    #[test]
    fn smuggling_is_refused() {
        assert!(head("GET / HTTP/1.1\r\nHost: a\r\n\r\n").is_ok());
        assert_eq!(
            head("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Err(Refusal::Bad("Content-Length with Transfer-Encoding"))
        );
        assert_eq!(
            head("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n"),
            Err(Refusal::Bad("more than one Content-Length"))
        );
        assert_eq!(head("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n"), Err(Refusal::Bad("obsolete line folding")));
        assert_eq!(head("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n"), Err(Refusal::Bad("NUL in the request head")));
        assert!(head("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").is_err());
        assert!(head("GET / HTTP/1.1\r\nX : a\r\n\r\n").is_err());
        assert!(head("     GET / HTTP/1.1\r\n\r\n").is_err());
    }

    #[test]
    fn chunk_sizes() {
        assert_eq!(parse_chunk_size(b"1a;x=y\r\n"), Ok(26));
        assert!(parse_chunk_size(b"-1\r\n").is_err());
        assert!(parse_chunk_size(b"ffffffffffffffffff\r\n").is_err());
    }
}
