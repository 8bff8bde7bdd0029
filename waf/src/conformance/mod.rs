//! `rampart-waf conformance`: every CRS regression case through the real proxy, against the
//! built-in albedo-style backend, as CRS's CI runs them (detection mode, paranoia 4).

pub mod albedo;
pub mod corpus;

use crate::proxy::audit::{Record, Sink};
use crate::proxy::rules::Sources;
use crate::proxy::{upstream::Upstream, Mode, Proxy};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Command-line options.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// The CRS directory (crs-setup.conf.example, rules/, tests/regression/tests/).
    #[arg(long, default_value = "../shared/waf/crs")]
    pub crs: PathBuf,
    /// Paranoia level.
    #[arg(long, default_value_t = 4)]
    pub paranoia: u8,
    /// Blocking mode instead of detection.
    #[arg(long)]
    pub block: bool,
    /// Only these cases: comma-separated rule ids or case ids (`942100,941100-3`).
    #[arg(long)]
    pub only: Option<String>,
    /// Fail (exit 1) below this pass rate, in percent.
    #[arg(long)]
    pub fail_under: Option<f64>,
    /// Drive another WAF at this address instead (e.g. nginx with ModSecurity); its rule
    /// matches are read from `--error-log`.
    #[arg(long, requires = "error_log")]
    pub target: Option<std::net::SocketAddr>,
    /// The other WAF's error log (ModSecurity's `[id "..."]` lines), read as it grows.
    #[arg(long)]
    pub error_log: Option<PathBuf>,
}

/// Rule matches as logged by ModSecurity in a web server's error log, one per line.
fn modsecurity_records(text: &str) -> Vec<Record> {
    let field = |line: &str, name: &str| {
        let key = format!("[{name} \"");
        line.find(&key).and_then(|p| line[p + key.len()..].split_once("\"]").map(|(v, _)| v.to_string()))
    };
    text.lines()
        .filter_map(|line| {
            let id = field(line, "id")?.parse().ok()?;
            Some(crate::engine::transaction::MatchedRule {
                id,
                phase: 0,
                msg: field(line, "msg").unwrap_or_default(),
                data: field(line, "data").unwrap_or_default(),
                severity: field(line, "severity").and_then(|s| s.parse().ok()),
                tags: Vec::new(),
                logged: true,
            })
        })
        .map(|m| Record {
            client_ip: String::new(),
            client_port: 0,
            request_line: String::new(),
            method: String::new(),
            target: String::new(),
            status: 0,
            action: "detected",
            rules: vec![m],
            inbound_score: 0,
            outbound_score: 0,
            reason: None,
            test_marker: None,
        })
        .collect()
}

fn file_len(p: &std::path::Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

fn read_from(p: &std::path::Path, from: u64) -> String {
    use std::io::{Read, Seek, SeekFrom};
    let mut out = Vec::new();
    if let Ok(mut f) = std::fs::File::open(p) {
        if f.seek(SeekFrom::Start(from)).is_ok() {
            let _ = f.read_to_end(&mut out);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The outcome of one case.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Case id.
    pub id: String,
    /// `None`: passed; else why not.
    pub failure: Option<String>,
    /// No stage expects a rule to fire (benign traffic, for blocking-mode runs).
    pub benign: bool,
    /// Some stage got a 403.
    pub blocked: bool,
}

fn log_text(records: &[Record]) -> String {
    let mut s = String::new();
    for r in records {
        if let Some(why) = &r.reason {
            s.push_str(&format!("refused: {why}\n"));
        }
        for m in &r.rules {
            s.push_str(&format!(
                "[id \"{}\"] [msg \"{}\"] [data \"{}\"] [severity \"{}\"]\n",
                m.id,
                m.msg,
                m.data,
                m.severity.unwrap_or(0)
            ));
        }
    }
    s
}

/// Whether `buf` holds a whole response (head, and a body as long as its Content-Length).
fn complete(buf: &[u8]) -> bool {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else { return false };
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    let len = head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse::<usize>().ok());
    len.is_some_and(|n| buf.len() >= end + 4 + n)
}

/// Sends one request as raw bytes and reads the response (to its end, or to the connection's
/// close); the status, or `None` when no response came.
async fn send(addr: std::net::SocketAddr, request: &[u8]) -> Option<u16> {
    let mut sock = tokio::net::TcpStream::connect(addr).await.ok()?;
    sock.write_all(request).await.ok()?;
    let mut buf = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut chunk = [0u8; 16384];
    while !complete(&buf) {
        match tokio::time::timeout_at(deadline, sock.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    let line = buf.split(|&c| c == b'\n').next()?;
    let code = line.split(|&c| c == b' ').nth(1)?;
    std::str::from_utf8(code).ok()?.parse().ok()
}

/// Waits (up to 2 s) until the proxy has written its record of the request.
async fn records_after(memory: &Mutex<Vec<Record>>) -> Vec<Record> {
    for _ in 0..400 {
        if let Ok(m) = memory.lock() {
            if !m.is_empty() {
                return m.clone();
            }
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Vec::new()
}

fn judge(stage: &corpus::Stage, status: Option<u16>, records: &[Record]) -> Option<String> {
    let logged: Vec<u64> = records.iter().flat_map(|r| r.rules.iter().map(|m| m.id)).collect();
    if stage.expect_error {
        return match status {
            None | Some(400..=599) => None,
            Some(s) => Some(format!("expected an error, got status {s}")),
        };
    }
    let missing: Vec<u64> = stage.expect_ids.iter().copied().filter(|i| !logged.contains(i)).collect();
    if !missing.is_empty() {
        return Some(format!("expected ids {missing:?} not logged (logged {logged:?}, status {status:?})"));
    }
    let extra: Vec<u64> = stage.no_expect_ids.iter().copied().filter(|i| logged.contains(i)).collect();
    if !extra.is_empty() {
        return Some(format!("ids {extra:?} logged but must not be"));
    }
    let text = log_text(records);
    if let Some(re) = &stage.match_regex {
        match regex::Regex::new(re) {
            Ok(r) if r.is_match(&text) => {}
            Ok(_) => return Some(format!("log does not match {re:?}")),
            Err(e) => return Some(format!("bad match_regex: {e}")),
        }
    }
    if let Some(re) = &stage.no_match_regex {
        if let Ok(r) = regex::Regex::new(re) {
            if r.is_match(&text) {
                return Some(format!("log matches {re:?}"));
            }
        }
    }
    if !stage.status.is_empty() && !status.is_some_and(|s| stage.status.contains(&s)) {
        return Some(format!("status {status:?}, expected {:?}", stage.status));
    }
    None
}

/// Runs the corpus; returns the outcomes in corpus order.
pub fn run_cases(opts: &Options) -> Result<Vec<Outcome>, String> {
    let setup = opts.crs.join("crs-setup.conf.example");
    let sources = Sources { paths: vec![setup, opts.crs.join("rules")], local_dir: None };
    let rules = sources.load().map_err(|e| e.to_string())?;
    let mut cases = corpus::load(&opts.crs.join("tests/regression/tests"))?;
    if let Some(p) = &opts.only {
        let wanted: Vec<&str> = p.split(',').map(str::trim).collect();
        cases.retain(|c| wanted.iter().any(|p| c.id == *p || c.id.starts_with(&format!("{p}-"))));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    if let (Some(target), Some(log)) = (opts.target, opts.error_log.clone()) {
        return rt.block_on(async move {
            let mut out = Vec::new();
            for case in cases {
                let mut failure = None;
                let benign = case
                    .stages
                    .iter()
                    .all(|s| s.expect_ids.is_empty() && s.match_regex.is_none() && s.status.is_empty());
                let mut blocked = false;
                for stage in &case.stages {
                    let before = file_len(&log);
                    let status = send(target, &stage.request).await;
                    blocked |= status == Some(403);
                    // The server writes its log lines as the request ends.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    let records = modsecurity_records(&read_from(&log, before));
                    if let Some(f) = judge(stage, status, &records) {
                        failure = Some(f);
                        break;
                    }
                }
                out.push(Outcome { id: case.id, failure, benign, blocked });
            }
            Ok(out)
        });
    }
    rt.block_on(async move {
        let backend = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
        let backend_addr = backend.local_addr().map_err(|e| e.to_string())?;
        tokio::spawn(albedo::serve(backend));
        let memory = Arc::new(Mutex::new(Vec::new()));
        let proxy = Arc::new(Proxy {
            rules: RwLock::new(Arc::new(rules)),
            upstream: Upstream::new(&format!("http://{backend_addr}"))?,
            mode: if opts.block { Mode::Block } else { Mode::Detect },
            paranoia: opts.paranoia,
            audit: Sink::Memory(memory.clone()),
            max_head: 64 * 1024,
            tls: None,
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        tokio::spawn(proxy.serve(listener));
        let mut out = Vec::new();
        for case in cases {
            let mut failure = None;
            let benign =
                case.stages.iter().all(|s| s.expect_ids.is_empty() && s.match_regex.is_none() && s.status.is_empty());
            let mut blocked = false;
            for stage in &case.stages {
                memory.lock().map(|mut m| m.clear()).ok();
                let status = send(addr, &stage.request).await;
                blocked |= status == Some(403);
                let records = if status.is_some() { records_after(&memory).await } else { Vec::new() };
                if let Some(f) = judge(stage, status, &records) {
                    failure = Some(f);
                    break;
                }
            }
            out.push(Outcome { id: case.id, failure, benign, blocked });
        }
        Ok(out)
    })
}

/// `rampart-waf conformance`: prints every failing case with its reason, then the pass rate.
pub fn run(opts: Options) -> anyhow::Result<i32> {
    let start = std::time::Instant::now();
    let outcomes = run_cases(&opts).map_err(|e| anyhow::anyhow!(e))?;
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.failure.is_some()).collect();
    for f in &failed {
        println!("FAIL {}: {}", f.id, f.failure.as_deref().unwrap_or(""));
    }
    let total = outcomes.len();
    let passed = total - failed.len();
    let rate = if total == 0 { 0.0 } else { 100.0 * passed as f64 / total as f64 };
    println!(
        "conformance: {passed} of {total} cases pass ({rate:.2}%), paranoia {}, {} mode, {:.1} s",
        opts.paranoia,
        if opts.block { "blocking" } else { "detection" },
        start.elapsed().as_secs_f64()
    );
    if opts.block {
        let benign: Vec<&Outcome> = outcomes.iter().filter(|o| o.benign).collect();
        let blocked: Vec<&Outcome> = benign.iter().copied().filter(|o| o.blocked).collect();
        for b in &blocked {
            println!("BLOCKED, no rule expected: {}", b.id);
        }
        println!(
            "cases expecting no rule: {} of {} not blocked (negative tests of one rule each; many still carry what other rules block)",
            benign.len() - blocked.len(),
            benign.len()
        );
    }
    Ok(if opts.fail_under.is_some_and(|f| rate < f) { 1 } else { 0 })
}
