//! Transformations (`t:`), applied to each value before the operator, as ModSecurity v3 does.

use md5::Digest as _;

macro_rules! transforms {
    ($($variant:ident => $($name:literal)|+;)*) => {
        /// A transformation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Transform { $(#[doc = concat!($($name, " "),+)] $variant,)* }

        impl Transform {
            /// The transformation for a name (any case).
            pub fn from_name(name: &str) -> Option<Transform> {
                let lower = name.to_ascii_lowercase();
                $($(if lower.eq_ignore_ascii_case($name) { return Some(Transform::$variant); })+)*
                None
            }
        }
    };
}

transforms! {
    Lowercase => "lowercase";
    Uppercase => "uppercase";
    UrlDecode => "urlDecode";
    UrlDecodeUni => "urlDecodeUni";
    UrlEncode => "urlEncode";
    HtmlEntityDecode => "htmlEntityDecode";
    JsDecode => "jsDecode";
    CssDecode => "cssDecode";
    CmdLine => "cmdLine" | "cmd_line";
    CompressWhitespace => "compressWhitespace";
    RemoveWhitespace => "removeWhitespace";
    RemoveNulls => "removeNulls";
    ReplaceNulls => "replaceNulls";
    ReplaceComments => "replaceComments";
    RemoveComments => "removeComments";
    RemoveCommentsChar => "removeCommentsChar";
    NormalizePath => "normalizePath" | "normalisePath";
    NormalizePathWin => "normalizePathWin" | "normalisePathWin";
    HexEncode => "hexEncode";
    HexDecode => "hexDecode";
    Base64Encode => "base64Encode";
    Base64Decode => "base64Decode";
    Base64DecodeExt => "base64DecodeExt";
    SqlHexDecode => "sqlHexDecode";
    EscapeSeqDecode => "escapeSeqDecode";
    Utf8ToUnicode => "utf8toUnicode";
    Md5 => "md5";
    Sha1 => "sha1";
    Length => "length";
    Trim => "trim";
    TrimLeft => "trimLeft";
    TrimRight => "trimRight";
    ParityEven7bit => "parityEven7bit";
    ParityOdd7bit => "parityOdd7bit";
    ParityZero7bit => "parityZero7bit";
}

fn hexval(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

fn x2c(a: u8, b: u8) -> Option<u8> {
    Some(hexval(a)? << 4 | hexval(b)?)
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

impl Transform {
    /// Applies the transformation.
    pub fn apply(self, v: &[u8]) -> Vec<u8> {
        match self {
            Transform::Lowercase => v.to_ascii_lowercase(),
            Transform::Uppercase => v.to_ascii_uppercase(),
            Transform::UrlDecode => url_decode(v, false),
            Transform::UrlDecodeUni => url_decode(v, true),
            Transform::UrlEncode => url_encode(v),
            Transform::HtmlEntityDecode => html_entity_decode(v),
            Transform::JsDecode => js_decode(v),
            Transform::CssDecode => css_decode(v),
            Transform::CmdLine => cmd_line(v),
            Transform::CompressWhitespace => compress_whitespace(v),
            Transform::RemoveWhitespace => v.iter().copied().filter(|&c| !is_space(c) && c != 0xa0).collect(),
            Transform::RemoveNulls => v.iter().copied().filter(|&c| c != 0).collect(),
            Transform::ReplaceNulls => v.iter().map(|&c| if c == 0 { b' ' } else { c }).collect(),
            Transform::ReplaceComments => replace_comments(v),
            Transform::RemoveComments => remove_comments(v),
            Transform::RemoveCommentsChar => remove_comments_char(v),
            Transform::NormalizePath => normalize_path(v, false),
            Transform::NormalizePathWin => normalize_path(v, true),
            Transform::HexEncode => v.iter().flat_map(|c| format!("{c:02x}").into_bytes()).collect(),
            Transform::HexDecode => hex_decode(v),
            Transform::Base64Encode => base64_encode(v),
            Transform::Base64Decode => base64_decode(v, false),
            Transform::Base64DecodeExt => base64_decode(v, true),
            Transform::SqlHexDecode => sql_hex_decode(v),
            Transform::EscapeSeqDecode => escape_seq_decode(v),
            Transform::Utf8ToUnicode => utf8_to_unicode(v),
            Transform::Md5 => md5::Md5::digest(v).to_vec(),
            Transform::Sha1 => sha1::Sha1::digest(v).to_vec(),
            Transform::Length => v.len().to_string().into_bytes(),
            Transform::Trim => trim_right(trim_left(v)).to_vec(),
            Transform::TrimLeft => trim_left(v).to_vec(),
            Transform::TrimRight => trim_right(v).to_vec(),
            Transform::ParityEven7bit => v.iter().map(|&c| parity(c, true)).collect(),
            Transform::ParityOdd7bit => v.iter().map(|&c| parity(c, false)).collect(),
            Transform::ParityZero7bit => v.iter().map(|&c| c & 0x7f).collect(),
        }
    }
}

fn parity(c: u8, even: bool) -> u8 {
    let c = c & 0x7f;
    let odd_bits = c.count_ones() % 2 == 1;
    if odd_bits == even {
        c | 0x80
    } else {
        c
    }
}

fn trim_left(v: &[u8]) -> &[u8] {
    let p = v.iter().position(|&c| !is_space(c)).unwrap_or(v.len());
    &v[p..]
}

fn trim_right(v: &[u8]) -> &[u8] {
    let p = v.iter().rposition(|&c| !is_space(c)).map_or(0, |p| p + 1);
    &v[..p]
}

/// `%XX` and `+`; with `uni`, also `%uXXXX` (low byte, full-width ASCII folded).
pub fn url_decode(v: &[u8], uni: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        let c = v[i];
        if c == b'%' {
            if uni && i + 1 < v.len() && (v[i + 1] | 0x20) == b'u' {
                if i + 5 < v.len() && v[i + 2..i + 6].iter().all(|c| c.is_ascii_hexdigit()) {
                    let mut d = x2c(v[i + 4], v[i + 5]).unwrap_or(0);
                    if d > 0 && d < 0x5f && (v[i + 2] | 0x20) == b'f' && (v[i + 3] | 0x20) == b'f' {
                        d += 0x20;
                    }
                    out.push(d);
                    i += 6;
                } else {
                    out.extend_from_slice(&v[i..i + 2]);
                    i += 2;
                }
                continue;
            }
            if i + 2 < v.len() {
                if let Some(d) = x2c(v[i + 1], v[i + 2]) {
                    out.push(d);
                    i += 3;
                    continue;
                }
            }
            out.push(c);
        } else if c == b'+' {
            out.push(b' ');
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

fn url_encode(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &c in v {
        if c == b' ' {
            out.push(b'+');
        } else if c.is_ascii_alphanumeric() || c == b'*' {
            out.push(c);
        } else {
            out.extend_from_slice(format!("%{c:02x}").as_bytes());
        }
    }
    out
}

fn html_entity_decode(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if v[i] == b'&' {
            if let Some((bytes, used)) = entity(&v[i + 1..]) {
                out.extend_from_slice(&bytes);
                i += 1 + used;
                continue;
            }
        }
        out.push(v[i]);
        i += 1;
    }
    out
}

/// Decodes one entity after `&`: (decoded bytes, bytes used including an optional `;`).
fn entity(s: &[u8]) -> Option<(Vec<u8>, usize)> {
    if s.first() == Some(&b'#') {
        let (hex, start) = match s.get(1) {
            Some(b'x') | Some(b'X') => (true, 2),
            _ => (false, 1),
        };
        let digits =
            s[start..].iter().take_while(|c| if hex { c.is_ascii_hexdigit() } else { c.is_ascii_digit() }).count();
        if digits == 0 {
            return None;
        }
        let text = std::str::from_utf8(&s[start..start + digits]).ok()?;
        let n = u64::from_str_radix(&text[text.len().saturating_sub(8)..], if hex { 16 } else { 10 }).ok()?;
        let mut used = start + digits;
        if s.get(used) == Some(&b';') {
            used += 1;
        }
        return Some((vec![n as u8], used));
    }
    let names: [(&[u8], u8); 5] = [(b"quot", b'"'), (b"amp", b'&'), (b"lt", b'<'), (b"gt", b'>'), (b"nbsp", 0xa0)];
    for (name, c) in names {
        if s.len() >= name.len() && s[..name.len()].eq_ignore_ascii_case(name) {
            let mut used = name.len();
            if s.get(used) == Some(&b';') {
                used += 1;
            }
            return Some((vec![c], used));
        }
    }
    None
}

fn js_decode(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if v[i] != b'\\' || i + 1 >= v.len() {
            out.push(v[i]);
            i += 1;
            continue;
        }
        let n = v[i + 1];
        if (n | 0x20) == b'u' && i + 5 < v.len() && v[i + 2..i + 6].iter().all(|c| c.is_ascii_hexdigit()) {
            let mut d = x2c(v[i + 4], v[i + 5]).unwrap_or(0);
            if d > 0 && d < 0x5f && (v[i + 2] | 0x20) == b'f' && (v[i + 3] | 0x20) == b'f' {
                d += 0x20;
            }
            out.push(d);
            i += 6;
        } else if (n | 0x20) == b'x' && i + 3 < v.len() && x2c(v[i + 2], v[i + 3]).is_some() {
            out.push(x2c(v[i + 2], v[i + 3]).unwrap_or(0));
            i += 4;
        } else if (b'0'..=b'7').contains(&n) {
            let mut j = i + 1;
            let mut val: u32 = 0;
            while j < v.len() && j < i + 4 && (b'0'..=b'7').contains(&v[j]) {
                val = val * 8 + u32::from(v[j] - b'0');
                j += 1;
            }
            if val > 0o377 {
                j -= 1;
                val /= 8;
            }
            out.push(val as u8);
            i = j;
        } else {
            out.push(match n {
                b'a' => 7,
                b'b' => 8,
                b'f' => 0x0c,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'v' => 0x0b,
                c => c,
            });
            i += 2;
        }
    }
    out
}

fn css_decode(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if v[i] != b'\\' {
            out.push(v[i]);
            i += 1;
            continue;
        }
        if i + 1 >= v.len() {
            // A trailing backslash is dropped.
            i += 1;
            continue;
        }
        let digits = v[i + 1..].iter().take(6).take_while(|c| c.is_ascii_hexdigit()).count();
        if digits > 0 {
            let h = &v[i + 1..i + 1 + digits];
            let mut d = match digits {
                1 => hexval(h[0]).unwrap_or(0),
                _ => x2c(h[digits - 2], h[digits - 1]).unwrap_or(0),
            };
            // Full-width ASCII (U+FF01..U+FF5E).
            if digits >= 4 && d > 0 && d < 0x5f {
                let hi = &h[digits - 4..digits - 2];
                if hi.eq_ignore_ascii_case(b"ff") && (digits == 4 || h[..digits - 4].iter().all(|&c| c == b'0')) {
                    d += 0x20;
                }
            }
            out.push(d);
            i += 1 + digits;
            if i < v.len() && is_space(v[i]) {
                i += 1;
            }
        } else if v[i + 1] == b'\n' {
            i += 2;
        } else {
            out.push(v[i + 1]);
            i += 2;
        }
    }
    out
}

fn cmd_line(v: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(v.len());
    let mut space = false;
    for &c in v {
        match c {
            b'"' | b'\'' | b'\\' | b'^' => {}
            b' ' | b'\t' | b'\n' | b'\r' | b',' | b';' | 0x0b | 0x0c => {
                if !space {
                    out.push(b' ');
                    space = true;
                }
            }
            b'/' | b'(' => {
                if space {
                    out.pop();
                }
                space = false;
                out.push(c);
            }
            c => {
                space = false;
                out.push(c.to_ascii_lowercase());
            }
        }
    }
    out
}

fn compress_whitespace(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut space = false;
    for &c in v {
        if is_space(c) || c == 0xa0 {
            if !space {
                out.push(b' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

fn replace_comments(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if v[i] == b'/' && v.get(i + 1) == Some(&b'*') {
            match v[i + 2..].windows(2).position(|w| w == b"*/") {
                Some(p) => i += 2 + p + 2,
                None => i = v.len(),
            }
            out.push(b' ');
        } else {
            out.push(v[i]);
            i += 1;
        }
    }
    out
}

fn remove_comments(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        let rest = &v[i..];
        if rest.starts_with(b"/*") {
            match rest[2..].windows(2).position(|w| w == b"*/") {
                Some(p) => i += 2 + p + 2,
                None => i = v.len(),
            }
        } else if rest.starts_with(b"<!--") {
            match rest[4..].windows(3).position(|w| w == b"-->") {
                Some(p) => i += 4 + p + 3,
                None => i = v.len(),
            }
        } else if rest.starts_with(b"--") || rest[0] == b'#' {
            i = v.len();
        } else {
            out.push(v[i]);
            i += 1;
        }
    }
    out
}

fn remove_comments_char(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        let rest = &v[i..];
        if rest.starts_with(b"<!--") {
            i += 4;
        } else if rest.starts_with(b"-->") {
            i += 3;
        } else if rest.starts_with(b"/*") || rest.starts_with(b"*/") || rest.starts_with(b"--") {
            i += 2;
        } else if rest[0] == b'#' {
            i += 1;
        } else {
            out.push(v[i]);
            i += 1;
        }
    }
    out
}

fn normalize_path(v: &[u8], win: bool) -> Vec<u8> {
    let v: Vec<u8> = if win { v.iter().map(|&c| if c == b'\\' { b'/' } else { c }).collect() } else { v.to_vec() };
    if v.is_empty() {
        return v;
    }
    let absolute = v[0] == b'/';
    let trailing = v.ends_with(b"/");
    let mut parts: Vec<&[u8]> = Vec::new();
    for seg in v.split(|&c| c == b'/') {
        match seg {
            b"" | b"." => {}
            b".." => {
                if parts.last().is_some_and(|p| *p != b"..") {
                    parts.pop();
                } else if !absolute {
                    parts.push(seg);
                }
            }
            s => parts.push(s),
        }
    }
    let mut out = Vec::with_capacity(v.len());
    if absolute {
        out.push(b'/');
    }
    out.extend_from_slice(&parts.join(&b'/'));
    if trailing && !parts.is_empty() {
        out.push(b'/');
    }
    out
}

fn hex_decode(v: &[u8]) -> Vec<u8> {
    v.chunks(2).filter(|c| c.len() == 2).map(|c| x2c(c[0], c[1]).unwrap_or(0)).collect()
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len().div_ceil(3) * 4);
    for chunk in v.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * k) & 63) as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
    out
}

fn b64_val(c: u8) -> Option<u32> {
    B64.iter().position(|&b| b == c).map(|p| p as u32)
}

/// Base64 decoding: stops at the first character outside the alphabet (or `=`);
/// `ext` skips such characters instead.
fn base64_decode(v: &[u8], ext: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &c in v {
        let Some(val) = b64_val(c) else {
            if ext && c != b'=' {
                continue;
            }
            break;
        };
        acc = acc << 6 | val;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn sql_hex_decode(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if v[i] == b'0' && v.get(i + 1).is_some_and(|c| (c | 0x20) == b'x') {
            let digits = v[i + 2..].iter().take_while(|c| c.is_ascii_hexdigit()).count();
            if digits >= 2 {
                let mut j = i + 2;
                while j + 2 <= i + 2 + digits {
                    out.push(x2c(v[j], v[j + 1]).unwrap_or(0));
                    j += 2;
                }
                i = j;
                continue;
            }
        }
        out.push(v[i]);
        i += 1;
    }
    out
}

fn escape_seq_decode(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if v[i] != b'\\' || i + 1 >= v.len() {
            out.push(v[i]);
            i += 1;
            continue;
        }
        let n = v[i + 1];
        let simple = match n {
            b'a' => Some(7),
            b'b' => Some(8),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(0x0b),
            b'\\' | b'?' | b'\'' | b'"' => Some(n),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            i += 2;
        } else if (n == b'x' || n == b'X') && i + 3 < v.len() && x2c(v[i + 2], v[i + 3]).is_some() {
            out.push(x2c(v[i + 2], v[i + 3]).unwrap_or(0));
            i += 4;
        } else if (b'0'..=b'7').contains(&n) {
            let mut j = i + 1;
            let mut val: u32 = 0;
            while j < v.len() && j < i + 4 && (b'0'..=b'7').contains(&v[j]) {
                val = val * 8 + u32::from(v[j] - b'0');
                j += 1;
            }
            out.push(val as u8);
            i = j;
        } else {
            // An escape it does not know: the character without its backslash.
            out.push(n);
            i += 2;
        }
    }
    out
}

fn utf8_to_unicode(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        let c = v[i];
        let len = match c {
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            _ => 1,
        };
        if len > 1 && i + len <= v.len() && v[i + 1..i + len].iter().all(|&b| b & 0xc0 == 0x80) {
            let mut cp = u32::from(c) & (0x7f >> len);
            for &b in &v[i + 1..i + len] {
                cp = cp << 6 | u32::from(b & 0x3f);
            }
            out.extend_from_slice(format!("%u{cp:04x}").as_bytes());
            i += len;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The kinds of byte a transformation acts on, as bits: a value holding none of the bytes a
/// transformation acts on comes out of it unchanged. Most values (ids, page numbers, words)
/// hold none, and skipping the transformation spares copying and remembering them.
pub mod classes {
    /// `A`-`Z`.
    pub const UPPER: u32 = 1;
    /// `a`-`z`.
    pub const LOWER: u32 = 1 << 1;
    /// `%` and `+` (URL decoding).
    pub const URL: u32 = 1 << 2;
    /// `&` (HTML entities).
    pub const AMP: u32 = 1 << 3;
    /// `\` (JavaScript, CSS and C escapes; Windows paths).
    pub const BACKSLASH: u32 = 1 << 4;
    /// White space, and 0xa0.
    pub const SPACE: u32 = 1 << 5;
    /// NUL.
    pub const NUL: u32 = 1 << 6;
    /// `/`.
    pub const SLASH: u32 = 1 << 7;
    /// `*`, `-`, `#`, `<` (comment marks).
    pub const COMMENT: u32 = 1 << 8;
    /// `"`, `'`, `^`, `,`, `;` (what cmdLine removes or turns into a space).
    pub const SHELL: u32 = 1 << 9;
    /// Bytes from 0x80.
    pub const HIGH: u32 = 1 << 10;
    /// `x` and `X` (SQL hex literals).
    pub const X: u32 = 1 << 11;
    /// Whatever the value: the transformation always changes it (hashes, encodings).
    pub const ALWAYS: u32 = 1 << 31;
}

const fn byte_class(c: u8) -> u32 {
    use classes::*;
    match c {
        b'A'..=b'Z' => UPPER | if c == b'X' { X } else { 0 },
        b'a'..=b'z' => LOWER | if c == b'x' { X } else { 0 },
        b'%' | b'+' => URL,
        b'&' => AMP,
        b'\\' => BACKSLASH,
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0xa0 => SPACE | if c == 0xa0 { HIGH } else { 0 },
        0 => NUL,
        b'/' => SLASH,
        b'*' | b'-' | b'#' | b'<' => COMMENT,
        b'"' | b'\'' | b'^' | b',' | b';' => SHELL,
        0x80..=0xff => HIGH,
        _ => 0,
    }
}

const BYTE_CLASSES: [u32; 256] = {
    let mut t = [0; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = byte_class(i as u8);
        i += 1;
    }
    t
};

/// The classes of the bytes in `v`.
pub fn byte_classes(v: &[u8]) -> u32 {
    v.iter().fold(0, |acc, &c| acc | BYTE_CLASSES[c as usize])
}

impl Transform {
    /// The byte classes this transformation acts on ([`classes::ALWAYS`] when it changes any value).
    pub fn acts_on(self) -> u32 {
        use classes::*;
        match self {
            Transform::Lowercase => UPPER,
            Transform::Uppercase => LOWER,
            Transform::UrlDecode | Transform::UrlDecodeUni => URL,
            Transform::HtmlEntityDecode => AMP,
            Transform::JsDecode | Transform::CssDecode | Transform::EscapeSeqDecode => BACKSLASH,
            Transform::CmdLine => UPPER | BACKSLASH | SPACE | SHELL,
            Transform::CompressWhitespace | Transform::RemoveWhitespace => SPACE,
            Transform::Trim | Transform::TrimLeft | Transform::TrimRight => SPACE,
            Transform::RemoveNulls | Transform::ReplaceNulls => NUL,
            Transform::ReplaceComments => SLASH,
            Transform::RemoveComments | Transform::RemoveCommentsChar => SLASH | COMMENT,
            // A lone "." is a path that normalizes to nothing; the dot is checked by `leaves`.
            Transform::NormalizePath => SLASH,
            Transform::NormalizePathWin => SLASH | BACKSLASH,
            Transform::Utf8ToUnicode | Transform::ParityZero7bit => HIGH,
            Transform::SqlHexDecode => X,
            Transform::UrlEncode
            | Transform::HexEncode
            | Transform::HexDecode
            | Transform::Base64Encode
            | Transform::Base64Decode
            | Transform::Base64DecodeExt
            | Transform::Md5
            | Transform::Sha1
            | Transform::Length
            | Transform::ParityEven7bit
            | Transform::ParityOdd7bit => ALWAYS,
        }
    }

    /// Whether every transformation of `chain` leaves `v` (whose classes are `classes`) as it is.
    pub fn chain_leaves(chain: &[Transform], v: &[u8], classes: u32) -> bool {
        chain.iter().all(|t| {
            t.acts_on() & (classes | classes::ALWAYS) == 0
                && !(v == b"." && matches!(t, Transform::NormalizePath | Transform::NormalizePathWin))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes() {
        assert_eq!(url_decode(b"a%27+b%zz%u0027%uff41", true), b"a' b%zz'a");
        assert_eq!(Transform::CmdLine.apply(b"C:\\\\Wi\"ndows ;  /c"), b"c:windows/c");
        assert_eq!(Transform::NormalizePath.apply(b"/a/b/../c/./d//e"), b"/a/c/d/e");
        assert_eq!(Transform::HtmlEntityDecode.apply(b"&lt;a&#x41;&#66;"), b"<aAB");
        assert_eq!(Transform::Base64Decode.apply(b"VGVzdENhc2U="), b"TestCase");
        assert_eq!(Transform::Base64Encode.apply(b"TestCase"), b"VGVzdENhc2U=");
    }

    /// Every value a chain is said to leave unchanged comes out of each of its
    /// transformations unchanged: values of every length up to 4 over an alphabet with one
    /// byte of each class, then random longer ones.
    #[test]
    fn values_said_to_be_left_unchanged_are() {
        const ALPHABET: &[u8] = b"aZx0.%+&\\ \t\0/*-#<!>\"';,^(u\xa0\xc3\xa9=?_";
        let all: Vec<Transform> = [
            "lowercase",
            "uppercase",
            "urlDecode",
            "urlDecodeUni",
            "urlEncode",
            "htmlEntityDecode",
            "jsDecode",
            "cssDecode",
            "cmdLine",
            "compressWhitespace",
            "removeWhitespace",
            "removeNulls",
            "replaceNulls",
            "replaceComments",
            "removeComments",
            "removeCommentsChar",
            "normalizePath",
            "normalizePathWin",
            "hexEncode",
            "hexDecode",
            "base64Encode",
            "base64Decode",
            "base64DecodeExt",
            "sqlHexDecode",
            "escapeSeqDecode",
            "utf8toUnicode",
            "md5",
            "sha1",
            "length",
            "trim",
            "trimLeft",
            "trimRight",
            "parityEven7bit",
            "parityOdd7bit",
            "parityZero7bit",
        ]
        .iter()
        .map(|n| Transform::from_name(n).unwrap())
        .collect();
        let check = |v: &[u8]| {
            let c = byte_classes(v);
            for &t in &all {
                if Transform::chain_leaves(&[t], v, c) {
                    assert_eq!(t.apply(v), v, "{t:?} changed {v:?}");
                }
            }
        };
        let mut values: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..4 {
            let longer: Vec<Vec<u8>> =
                values.iter().flat_map(|v| ALPHABET.iter().map(move |&c| [v.as_slice(), &[c]].concat())).collect();
            for v in &longer {
                check(v);
            }
            values = longer;
        }
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            let len = (seed % 24) as usize;
            let v: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    ALPHABET[(seed % ALPHABET.len() as u64) as usize]
                })
                .collect();
            check(&v);
        }
        assert!(Transform::chain_leaves(
            &[Transform::Lowercase, Transform::UrlDecodeUni],
            b"shoes",
            byte_classes(b"shoes")
        ));
        assert!(!Transform::chain_leaves(&[Transform::Lowercase], b"Shoes", byte_classes(b"Shoes")));
    }
}
