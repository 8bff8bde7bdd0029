//! The CRS regression corpus (`tests/regression/tests/**/*.yaml`, CRS >= 4.5 format): each case a
//! request (or raw bytes) and the rule ids it must or must not trigger.

use serde_yaml::Value;
use std::path::{Path, PathBuf};

/// One case.
#[derive(Debug, Clone)]
pub struct Case {
    /// `942100-3`.
    pub id: String,
    /// Stages, run in order.
    pub stages: Vec<Stage>,
}

/// A request and what must follow from it.
#[derive(Debug, Clone, Default)]
pub struct Stage {
    /// The bytes to send.
    pub request: Vec<u8>,
    /// Rule ids that must be logged.
    pub expect_ids: Vec<u64>,
    /// Rule ids that must not be logged.
    pub no_expect_ids: Vec<u64>,
    /// A regex the log must match.
    pub match_regex: Option<String>,
    /// A regex the log must not match.
    pub no_match_regex: Option<String>,
    /// Acceptable response statuses (empty: any).
    pub status: Vec<u16>,
    /// The request is expected to fail (no response, or a refusal).
    pub expect_error: bool,
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_string(),
    }
}

fn ids(v: Option<&Value>) -> Vec<u64> {
    match v {
        Some(Value::Sequence(s)) => {
            s.iter().filter_map(|x| x.as_u64().or_else(|| x.as_str().and_then(|s| s.parse().ok()))).collect()
        }
        Some(x) => x.as_u64().into_iter().collect(),
        None => Vec::new(),
    }
}

fn b64(s: &str) -> Vec<u8> {
    crate::engine::transforms::Transform::Base64DecodeExt.apply(s.as_bytes())
}

/// Builds the request as go-ftw does: request line, headers in order, then (with
/// `autocomplete_headers`, the default) a urlencoded `Content-Type` and `Content-Length` for the
/// data, and `Connection: close`.
fn build(input: &Value) -> Vec<u8> {
    if let Some(e) = input.get("encoded_request").and_then(Value::as_str) {
        return b64(e);
    }
    let method = input.get("method").map(text).unwrap_or_else(|| "GET".into());
    let uri = input.get("uri").map(text).unwrap_or_else(|| "/".into());
    let version = input.get("version").map(text).unwrap_or_else(|| "HTTP/1.1".into());
    let data = input.get("data").map(text).unwrap_or_default();
    let auto = input.get("autocomplete_headers").and_then(Value::as_bool).unwrap_or(true);
    let mut out = format!("{method} {uri} {version}\r\n").into_bytes();
    let mut has_len = false;
    let mut has_conn = false;
    let mut has_type = false;
    if let Some(Value::Mapping(h)) = input.get("headers") {
        for (k, v) in h {
            let k = text(k);
            has_len |= k.eq_ignore_ascii_case("content-length");
            has_conn |= k.eq_ignore_ascii_case("connection");
            has_type |= k.eq_ignore_ascii_case("content-type");
            out.extend_from_slice(format!("{k}: {}\r\n", text(v)).as_bytes());
        }
    }
    if auto {
        if !has_type && !data.is_empty() {
            out.extend_from_slice(b"Content-Type: application/x-www-form-urlencoded\r\n");
        }
        if !has_len && !data.is_empty() {
            out.extend_from_slice(format!("Content-Length: {}\r\n", data.len()).as_bytes());
        }
        if !has_conn {
            out.extend_from_slice(b"Connection: close\r\n");
        }
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(data.as_bytes());
    out
}

fn stage(s: &Value) -> Stage {
    let input = s.get("input").cloned().unwrap_or(Value::Null);
    let output = s.get("output").cloned().unwrap_or(Value::Null);
    let log = output.get("log").cloned().unwrap_or(Value::Null);
    let status = match output.get("status") {
        Some(Value::Sequence(v)) => v.iter().filter_map(|x| x.as_u64()).map(|x| x as u16).collect(),
        Some(v) => v.as_u64().map(|x| x as u16).into_iter().collect(),
        None => Vec::new(),
    };
    Stage {
        request: build(&input),
        expect_ids: ids(log.get("expect_ids")),
        no_expect_ids: ids(log.get("no_expect_ids")),
        match_regex: log.get("match_regex").and_then(Value::as_str).map(str::to_string),
        no_match_regex: log.get("no_match_regex").and_then(Value::as_str).map(str::to_string),
        status,
        expect_error: output.get("expect_error").and_then(Value::as_bool).unwrap_or(false),
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

/// Reads every case under `dir`, sorted by file; a file that does not parse is an error.
pub fn load(dir: &Path) -> Result<Vec<Case>, String> {
    let mut paths = Vec::new();
    files(dir, &mut paths);
    paths.sort();
    let mut cases = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        let doc: Value = serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?;
        let rule = doc
            .get("rule_id")
            .map(self::text)
            .unwrap_or_else(|| p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
        let Some(Value::Sequence(tests)) = doc.get("tests") else { continue };
        for t in tests {
            let tid = t.get("test_id").map(self::text).unwrap_or_default();
            let stages = match t.get("stages") {
                Some(Value::Sequence(s)) => s.iter().map(stage).collect(),
                _ => Vec::new(),
            };
            cases.push(Case { id: format!("{rule}-{tid}"), stages });
        }
    }
    Ok(cases)
}
