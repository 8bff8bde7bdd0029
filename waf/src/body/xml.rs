//! XML bodies: well-formedness checked, the text content kept for `XML:/*` (ModSecurity's XPath `/*`
//! is the root element, whose string value is all its text). Entities are not expanded.

use super::BodyError;

/// Text content and attribute values.
pub type XmlValues = (Vec<u8>, Vec<Vec<u8>>);

/// Character and predefined entity references decoded, as an XML parser reports text.
fn unescape(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if v[i] == b'&' {
            if let Some(end) = v[i..].iter().take(12).position(|&c| c == b';') {
                let name = &v[i + 1..i + end];
                let c = match name {
                    b"lt" => Some('<'),
                    b"gt" => Some('>'),
                    b"amp" => Some('&'),
                    b"quot" => Some('"'),
                    b"apos" => Some('\''),
                    _ => name.strip_prefix(b"#").and_then(|n| {
                        let (digits, radix) = match n.strip_prefix(b"x").or_else(|| n.strip_prefix(b"X")) {
                            Some(h) => (h, 16),
                            None => (n, 10),
                        };
                        std::str::from_utf8(digits)
                            .ok()
                            .and_then(|d| u32::from_str_radix(d, radix).ok())
                            .and_then(char::from_u32)
                    }),
                };
                if let Some(c) = c {
                    out.extend_from_slice(c.to_string().as_bytes());
                    i += end + 1;
                    continue;
                }
            }
        }
        out.push(v[i]);
        i += 1;
    }
    out
}

/// Attribute values of a start tag's inside (after the name).
fn attributes(mut s: &[u8], out: &mut Vec<Vec<u8>>) {
    while let Some(eq) = s.iter().position(|&c| c == b'=') {
        let rest = s[eq + 1..].trim_ascii_start();
        let Some(&q) = rest.first() else { return };
        if q != b'"' && q != b'\'' {
            return;
        }
        let Some(end) = rest[1..].iter().position(|&c| c == q) else { return };
        out.push(unescape(&rest[1..1 + end]));
        s = &rest[end + 2..];
    }
}

/// Checks the document and returns its text content and attribute values.
pub fn parse(data: &[u8]) -> Result<XmlValues, BodyError> {
    let mut attrs = Vec::new();
    let err = |m: &str| BodyError(format!("XML: {m}"));
    let mut text = Vec::new();
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut roots = 0;
    let mut i = 0;
    while i < data.len() {
        if data[i] != b'<' {
            let end = data[i..].iter().position(|&c| c == b'<').map_or(data.len(), |p| i + p);
            if !stack.is_empty() {
                text.extend_from_slice(&unescape(&data[i..end]));
            } else if data[i..end].iter().any(|c| !c.is_ascii_whitespace()) {
                return Err(err("text outside the root element"));
            }
            i = end;
            continue;
        }
        let rest = &data[i..];
        let close = |pat: &[u8], skip: usize| {
            rest[skip..].windows(pat.len()).position(|w| w == pat).map(|p| i + skip + p + pat.len())
        };
        if rest.starts_with(b"<!--") {
            i = close(b"-->", 4).ok_or_else(|| err("unterminated comment"))?;
        } else if rest.starts_with(b"<![CDATA[") {
            let end = close(b"]]>", 9).ok_or_else(|| err("unterminated CDATA"))?;
            text.extend_from_slice(&data[i + 9..end - 3]);
            i = end;
        } else if rest.starts_with(b"<?") {
            i = close(b"?>", 2).ok_or_else(|| err("unterminated processing instruction"))?;
        } else if rest.starts_with(b"<!") {
            i = close(b">", 2).ok_or_else(|| err("unterminated declaration"))?;
        } else {
            let end = close(b">", 1).ok_or_else(|| err("unterminated tag"))?;
            let tag = &data[i + 1..end - 1];
            if let Some(name) = tag.strip_prefix(b"/") {
                let name = name.trim_ascii();
                if stack.pop().as_deref() != Some(name) {
                    return Err(err("mismatched end tag"));
                }
            } else {
                let self_closing = tag.ends_with(b"/");
                let tag = if self_closing { &tag[..tag.len() - 1] } else { tag };
                let name_len = tag.iter().position(|c| c.is_ascii_whitespace()).unwrap_or(tag.len());
                if name_len == 0 {
                    return Err(err("empty tag name"));
                }
                if stack.is_empty() {
                    roots += 1;
                    if roots > 1 {
                        return Err(err("more than one root element"));
                    }
                }
                attributes(&tag[name_len..], &mut attrs);
                if !self_closing {
                    if stack.len() > 1024 {
                        return Err(err("nested too deeply"));
                    }
                    stack.push(tag[..name_len].to_vec());
                }
            }
            i = end;
        }
    }
    if !stack.is_empty() || roots == 0 {
        return Err(err("document not complete"));
    }
    Ok((text, attrs))
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_content() {
        let (text, attrs) =
            super::parse(b"<?xml version=\"1.0\"?><a x='1'><b y=\"2\">hi</b> <![CDATA[<x>]]></a>").unwrap();
        assert_eq!(text, b"hi <x>");
        assert_eq!(attrs, vec![b"1".to_vec(), b"2".to_vec()]);
        assert!(super::parse(b"<a><b></a>").is_err());
    }
}
