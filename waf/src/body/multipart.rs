//! `multipart/form-data`: fields become arguments, file parts `FILES`, every part header line
//! `MULTIPART_PART_HEADERS`; anything ModSecurity calls a strict error sets `strict_error`.

use super::{BodyError, Parsed};

/// The boundary from a Content-Type value.
pub fn boundary(content_type: &[u8]) -> Option<Vec<u8>> {
    let lower = content_type.to_ascii_lowercase();
    let p = lower.windows(9).position(|w| w == b"boundary=")?;
    let mut b = &content_type[p + 9..];
    if let Some(end) = b.iter().position(|&c| c == b';' || c == b',') {
        b = &b[..end];
    }
    let b = b.trim_ascii();
    let b = b.strip_prefix(b"\"").and_then(|b| b.strip_suffix(b"\"")).unwrap_or(b);
    (!b.is_empty()).then(|| b.to_vec())
}

fn param(header: &[u8], name: &[u8]) -> Option<Vec<u8>> {
    let lower = header.to_ascii_lowercase();
    let mut from = 0;
    while let Some(p) =
        lower[from..].windows(name.len() + 1).position(|w| &w[..name.len()] == name && w[name.len()] == b'=')
    {
        let at = from + p;
        let before_ok = at == 0 || matches!(lower[at - 1], b';' | b' ' | b'\t');
        let v = &header[at + name.len() + 1..];
        if before_ok {
            if let Some(q) = v.strip_prefix(b"\"") {
                let end = q.iter().position(|&c| c == b'"').unwrap_or(q.len());
                return Some(q[..end].to_vec());
            }
            let end = v.iter().position(|&c| c == b';').unwrap_or(v.len());
            return Some(v[..end].trim_ascii().to_vec());
        }
        from = at + 1;
    }
    None
}

/// Parses a multipart body with the given boundary.
pub fn parse(data: &[u8], boundary: &[u8]) -> Result<Parsed, BodyError> {
    let err = |m: &str| BodyError(format!("multipart: {m}"));
    let mut delim = b"--".to_vec();
    delim.extend_from_slice(boundary);
    let mut out = Parsed::default();
    let mut pos = crate::engine::operators::find(data, &delim).ok_or_else(|| err("no boundary"))?;
    if data[..pos].iter().any(|c| !c.is_ascii_whitespace()) {
        out.strict_error = true;
    }
    loop {
        let after = pos + delim.len();
        if data[after..].starts_with(b"--") {
            break;
        }
        let start = match data[after..].iter().position(|&c| c == b'\n') {
            Some(p) => after + p + 1,
            None => return Err(err("truncated part")),
        };
        let next = crate::engine::operators::find(&data[start..], &delim).map(|p| start + p);
        let Some(next) = next else {
            out.unmatched_boundary = true;
            return Err(err("no final boundary"));
        };
        let mut part = &data[start..next];
        part = part.strip_suffix(b"\n").unwrap_or(part);
        part = part.strip_suffix(b"\r").unwrap_or(part);
        let (head, body) = match crate::engine::operators::find(part, b"\r\n\r\n") {
            Some(p) => (&part[..p], &part[p + 4..]),
            None => match crate::engine::operators::find(part, b"\n\n") {
                Some(p) => (&part[..p], &part[p + 2..]),
                None => {
                    out.strict_error = true;
                    (part, &b""[..])
                }
            },
        };
        let mut name = None;
        let mut filename = None;
        let mut lines = Vec::new();
        for line in head.split(|&c| c == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            if line.len() > 8 && line[..20.min(line.len())].to_ascii_lowercase().starts_with(b"content-disposition:") {
                name = param(line, b"name");
                filename = param(line, b"filename");
                if name.is_none() {
                    out.strict_error = true;
                }
            }
            lines.push(line.to_vec());
        }
        let field = name.unwrap_or_default();
        for l in lines {
            out.part_headers.push((field.clone(), l));
        }
        match filename {
            Some(f) => out.files.push((field, f, body.len())),
            None => out.args.push((field, body.to_vec())),
        }
        pos = next;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_and_files() {
        let body = b"--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--xx\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.php\"\r\nContent-Type: text/plain\r\n\r\n<?php\r\n--xx--\r\n";
        let p = super::parse(body, b"xx").unwrap();
        assert_eq!(p.args, vec![(b"a".to_vec(), b"1".to_vec())]);
        assert_eq!(p.files, vec![(b"f".to_vec(), b"x.php".to_vec(), 5)]);
        assert_eq!(p.part_headers.len(), 3);
        assert_eq!(super::boundary(b"multipart/form-data; boundary=\"xx\""), Some(b"xx".to_vec()));
    }
}
