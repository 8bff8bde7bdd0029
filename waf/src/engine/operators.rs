//! Operators (`@rx`, `@pm`, `@detectSQLi`, ...): compiled once when the rules load.

use crate::seclang::macros::Macro;
use aho_corasick::AhoCorasick;
use regex::bytes::{Regex, RegexBuilder};
use std::borrow::Cow;
use std::net::IpAddr;
use std::path::Path;

/// A compiled operator.
#[derive(Debug, Clone)]
pub enum Operator {
    /// `@rx`.
    Rx(Regex),
    /// `@pm`, `@pmFromFile`: the phrases, matched case-insensitively.
    Pm(AhoCorasick),
    /// `@streq`.
    StrEq(Macro),
    /// `@contains`.
    Contains(Macro),
    /// `@containsWord`.
    ContainsWord(Macro),
    /// `@beginsWith`.
    BeginsWith(Macro),
    /// `@endsWith`.
    EndsWith(Macro),
    /// `@within`.
    Within(Macro),
    /// `@strmatch`.
    StrMatch(Macro),
    /// `@eq` and the other numeric comparisons.
    Num(NumOp, Macro),
    /// `@ipMatch`.
    IpMatch(Vec<(IpAddr, u8)>),
    /// `@validateByteRange`: allowed bytes.
    ValidateByteRange(Box<[bool; 256]>),
    /// `@validateUrlEncoding`.
    ValidateUrlEncoding,
    /// `@validateUtf8Encoding`.
    ValidateUtf8Encoding,
    /// `@detectSQLi`.
    DetectSqli,
    /// `@detectXSS`.
    DetectXss,
    /// `@unconditionalMatch`.
    Unconditional,
    /// `@noMatch`.
    NoMatch,
}

/// Numeric comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumOp {
    /// `@eq`.
    Eq,
    /// `@ge`.
    Ge,
    /// `@gt`.
    Gt,
    /// `@le`.
    Le,
    /// `@lt`.
    Lt,
}

/// A compiled operator with its negation.
#[derive(Debug, Clone)]
pub struct OperatorSpec {
    /// The operator name as written, without `@`.
    pub name: String,
    /// `!@op`.
    pub negated: bool,
    /// The operator.
    pub op: Operator,
}

/// Builds a regex as ModSecurity's PCRE settings do: dot matches newline, multi-line anchors off,
/// bytes (no Unicode).
pub fn build_regex(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(&pcre_bytes(pattern))
        .dot_matches_new_line(true)
        .unicode(false)
        .size_limit(256 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .map_err(|e| format!("bad regex {pattern:?}: {}", first_line(&e.to_string())))
}

/// PCRE without UTF reads `\x{ff}` as the byte 0xff; the regex crate wants `\xff` for that in a class.
fn pcre_bytes(p: &str) -> String {
    let b = p.as_bytes();
    let mut out = String::with_capacity(p.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            if b[i + 1] == b'x' && b.get(i + 2) == Some(&b'{') {
                let digits = b[i + 3..].iter().take_while(|c| c.is_ascii_hexdigit()).count();
                if (1..=2).contains(&digits) && b.get(i + 3 + digits) == Some(&b'}') {
                    out.push_str(&format!("\\x{:0>2}", &p[i + 3..i + 3 + digits]));
                    i += 4 + digits;
                    continue;
                }
            }
            let n = p[i + 1..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&p[i..i + 1 + n]);
            i += 1 + n;
            continue;
        }
        let n = p[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&p[i..i + n]);
        i += n;
    }
    out
}

fn first_line(s: &str) -> String {
    s.lines().last().unwrap_or(s).trim().to_string()
}

fn phrases_matcher<I: IntoIterator<Item = Vec<u8>>>(phrases: I) -> Result<AhoCorasick, String> {
    let list: Vec<Vec<u8>> = phrases.into_iter().filter(|p| !p.is_empty()).collect();
    AhoCorasick::builder().ascii_case_insensitive(true).build(list).map_err(|e| e.to_string())
}

fn parse_cidr(s: &str) -> Result<(IpAddr, u8), String> {
    let (addr, bits) = match s.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let ip: IpAddr = addr.trim().parse().map_err(|_| format!("bad address {s:?}"))?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let bits = match bits {
        Some(b) => b.trim().parse::<u8>().ok().filter(|b| *b <= max).ok_or_else(|| format!("bad prefix {s:?}"))?,
        None => max,
    };
    Ok((ip, bits))
}

fn byte_ranges(param: &str) -> Result<Box<[bool; 256]>, String> {
    let mut ok = Box::new([false; 256]);
    for part in param.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = || format!("bad byte range {part:?}");
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a.trim().parse::<u8>().map_err(|_| bad())?, b.trim().parse::<u8>().map_err(|_| bad())?),
            None => {
                let n = part.parse::<u8>().map_err(|_| bad())?;
                (n, n)
            }
        };
        if a > b {
            return Err(bad());
        }
        for c in a..=b {
            ok[c as usize] = true;
        }
    }
    Ok(ok)
}

/// Reads `@pmFromFile` files (relative to the rule file's directory): one phrase a line, `#` comments.
fn read_phrases(param: &str, base: &Path) -> Result<Vec<Vec<u8>>, String> {
    let mut out = Vec::new();
    for f in param.split_whitespace() {
        let path = base.join(f);
        let text = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        for line in text.split(|&c| c == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let line = trim(line);
            if !line.is_empty() && line[0] != b'#' {
                out.push(line.to_vec());
            }
        }
    }
    Ok(out)
}

fn trim(v: &[u8]) -> &[u8] {
    let s = v.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(v.len());
    let e = v.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(s, |p| p + 1);
    &v[s..e]
}

impl OperatorSpec {
    /// Parses and compiles an operator argument (`"!@rx ^a"`, or a bare regex).
    pub fn parse(text: &str, base: &Path) -> Result<OperatorSpec, String> {
        let mut t = text.trim_start();
        let negated = match t.strip_prefix('!') {
            Some(r) => {
                t = r.trim_start();
                true
            }
            None => false,
        };
        let (name, param) = match t.strip_prefix('@') {
            Some(r) => match r.split_once(|c: char| c.is_whitespace()) {
                Some((n, p)) => (n.to_string(), p.to_string()),
                None => (r.to_string(), String::new()),
            },
            None => ("rx".to_string(), t.to_string()),
        };
        let m = || Macro::parse(&param);
        let op = match name.to_ascii_lowercase().as_str() {
            "rx" => Operator::Rx(build_regex(&param)?),
            "pm" => Operator::Pm(phrases_matcher(param.split_whitespace().map(|s| s.as_bytes().to_vec()))?),
            "pmfromfile" | "pmf" => Operator::Pm(phrases_matcher(read_phrases(&param, base)?)?),
            "streq" => Operator::StrEq(m()?),
            "contains" => Operator::Contains(m()?),
            "containsword" => Operator::ContainsWord(m()?),
            "beginswith" => Operator::BeginsWith(m()?),
            "endswith" => Operator::EndsWith(m()?),
            "within" => Operator::Within(m()?),
            "strmatch" => Operator::StrMatch(m()?),
            "eq" => Operator::Num(NumOp::Eq, m()?),
            "ge" => Operator::Num(NumOp::Ge, m()?),
            "gt" => Operator::Num(NumOp::Gt, m()?),
            "le" => Operator::Num(NumOp::Le, m()?),
            "lt" => Operator::Num(NumOp::Lt, m()?),
            "ipmatch" => Operator::IpMatch(
                param.split(',').map(str::trim).filter(|s| !s.is_empty()).map(parse_cidr).collect::<Result<_, _>>()?,
            ),
            "validatebyterange" => Operator::ValidateByteRange(byte_ranges(&param)?),
            "validateurlencoding" => Operator::ValidateUrlEncoding,
            "validateutf8encoding" => Operator::ValidateUtf8Encoding,
            "detectsqli" => Operator::DetectSqli,
            "detectxss" => Operator::DetectXss,
            "unconditionalmatch" => Operator::Unconditional,
            "nomatch" => Operator::NoMatch,
            _ => return Err(format!("unknown operator @{name}")),
        };
        Ok(OperatorSpec { name, negated, op })
    }
}

/// Leading integer as C's `atoi` reads it (0 when there is none).
pub fn atoi(v: &[u8]) -> i64 {
    let s = trim(v);
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut n: i64 = 0;
    for &c in digits.iter().take_while(|c| c.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add(i64::from(c - b'0'));
    }
    if neg {
        -n
    } else {
        n
    }
}

fn in_prefix(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - u32::from(bits)) };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - u32::from(bits)) };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

fn valid_url_encoding(v: &[u8]) -> bool {
    let mut i = 0;
    while i < v.len() {
        if v[i] == b'%' {
            if i + 2 >= v.len() || !v[i + 1].is_ascii_hexdigit() || !v[i + 2].is_ascii_hexdigit() {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

fn valid_utf8(v: &[u8]) -> bool {
    // Overlong forms, surrogates and values above U+10FFFF are rejected by the standard decoder.
    std::str::from_utf8(v).is_ok()
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn contains_word(hay: &[u8], needle: &[u8]) -> bool {
    if needle.is_empty() {
        return true;
    }
    let mut start = 0;
    while let Some(p) = find(&hay[start..], needle) {
        let at = start + p;
        let before = at == 0 || !is_word(hay[at - 1]);
        let end = at + needle.len();
        let after = end >= hay.len() || !is_word(hay[end]);
        if before && after {
            return true;
        }
        start = at + 1;
    }
    false
}

/// First position of `needle` in `hay`.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// An operator's parameter: borrowed when it has no macros (most of CRS's), expanded
/// otherwise.
fn param<'m>(m: &'m Macro, expand: &dyn Fn(&Macro) -> Vec<u8>) -> Cow<'m, [u8]> {
    match m.literal() {
        Some(text) => Cow::Borrowed(text.as_bytes()),
        None => Cow::Owned(expand(m)),
    }
}

impl Operator {
    /// Whether a `capture` of this operator has groups beyond the whole match (`TX.1`...).
    fn wants_groups(&self) -> bool {
        matches!(self, Operator::Rx(re) if re.captures_len() > 1)
    }

    /// Evaluates the operator on `input`; `expand` resolves macros in the parameter. On a match,
    /// returns the captures (`TX.0` first) the `capture` action would store.
    pub fn eval(&self, input: &[u8], expand: &dyn Fn(&Macro) -> Vec<u8>) -> Option<Vec<Vec<u8>>> {
        let hit = |c: &[u8]| Some(vec![c.to_vec()]);
        match self {
            Operator::Rx(re) if !self.wants_groups() => re.find(input).map(|m| vec![m.as_bytes().to_vec()]),
            Operator::Rx(re) => {
                let caps = re.captures(input)?;
                Some(
                    (0..caps.len().min(10))
                        .map(|i| caps.get(i).map_or(Vec::new(), |m| m.as_bytes().to_vec()))
                        .collect(),
                )
            }
            Operator::Pm(ac) => ac.find(input).map(|m| vec![input[m.start()..m.end()].to_vec()]),
            Operator::StrEq(m) => (*param(m, expand) == *input).then(|| vec![input.to_vec()]),
            Operator::Contains(m) => {
                let p = param(m, expand);
                find(input, &p).and_then(|_| hit(&p))
            }
            Operator::ContainsWord(m) => {
                let p = param(m, expand);
                contains_word(input, &p).then(|| vec![p.into_owned()])
            }
            Operator::BeginsWith(m) => {
                let p = param(m, expand);
                input.starts_with(&p).then(|| vec![p.into_owned()])
            }
            Operator::EndsWith(m) => {
                let p = param(m, expand);
                input.ends_with(&p).then(|| vec![p.into_owned()])
            }
            Operator::Within(m) => {
                let p = param(m, expand);
                find(&p, input).and_then(|_| hit(input))
            }
            Operator::StrMatch(m) => {
                let p = param(m, expand);
                find(input, &p).and_then(|_| hit(&p))
            }
            Operator::Num(op, m) => {
                let a = atoi(input);
                let b = atoi(&param(m, expand));
                let r = match op {
                    NumOp::Eq => a == b,
                    NumOp::Ge => a >= b,
                    NumOp::Gt => a > b,
                    NumOp::Le => a <= b,
                    NumOp::Lt => a < b,
                };
                r.then(|| vec![input.to_vec()])
            }
            Operator::IpMatch(nets) => {
                let ip: IpAddr = std::str::from_utf8(input).ok()?.trim().parse().ok()?;
                nets.iter().any(|(n, b)| in_prefix(ip, *n, *b)).then(|| vec![input.to_vec()])
            }
            Operator::ValidateByteRange(ok) => input.iter().find(|&&c| !ok[c as usize]).map(|&c| vec![vec![c]]),
            Operator::ValidateUrlEncoding => (!valid_url_encoding(input)).then(|| vec![input.to_vec()]),
            Operator::ValidateUtf8Encoding => (!valid_utf8(input)).then(|| vec![input.to_vec()]),
            Operator::DetectSqli => super::injection::sqli(input).map(|fp| vec![fp]),
            Operator::DetectXss => super::injection::xss(input).then(|| vec![input.to_vec()]),
            Operator::Unconditional => Some(vec![input.to_vec()]),
            Operator::NoMatch => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(op: &str, input: &[u8]) -> bool {
        let o = OperatorSpec::parse(op, Path::new(".")).unwrap();
        o.op.eval(input, &|m| m.literal().unwrap_or("").as_bytes().to_vec()).is_some() != o.negated
    }

    #[test]
    fn operators() {
        assert!(run("@rx ^a.b$", b"a\nb"));
        assert!(run("@pm foo bar", b"xxBARxx"));
        assert!(run("!@within GET POST", b"PUT"));
        assert!(run("@ge 5", b"7"));
        assert!(run("@ipMatch 10.0.0.0/8,::1", b"10.2.3.4"));
        assert!(run("@validateByteRange 32-126", b"a\x01"));
        assert!(run("@detectSQLi", b"1' or '1'='1"));
        assert!(OperatorSpec::parse("@frob x", Path::new(".")).is_err());
    }
}
