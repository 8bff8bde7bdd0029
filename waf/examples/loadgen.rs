//! A small HTTP/1.1 load generator for bench/waf-modsecurity.sh: N keep-alive connections
//! for a fixed time, cycling through a request mix; prints requests/s, p50 and p99 latency
//! and the status counts as one JSON line.
//!
//! `cargo run --release -p rampart-waf --example loadgen -- ADDR SECONDS CONNECTIONS benign|varied|attack`

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn mix(kind: &str) -> Vec<String> {
    let benign = [
        "/products?category=shoes&color=red&size=42&brand=acme&sort=price&order=asc&page=2&per_page=20&in_stock=1&lang=en",
        "/search?q=red+running+shoes&page=1&sort=relevance&filter=new&min=10&max=200&currency=EUR&ref=home&utm_source=mail&session=ab12cd",
        "/articles/2026/12/01/how-to-choose-running-shoes?ref=newsletter&utm_medium=email&utm_campaign=winter&id=55&lang=en&theme=dark&a=1&b=2&c=3",
    ];
    let attack = [
        "/products?id=1%27%20OR%20%271%27%3D%271&category=shoes",
        "/search?q=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E&page=1",
        "/download?file=..%2F..%2F..%2Fetc%2Fpasswd",
        "/products?id=1%20UNION%20SELECT%20username,password%20FROM%20users--",
        "/exec?cmd=%3Bcat%20%2Fetc%2Fshadow",
    ];
    // The benign requests with values that change on every request (`{n}`: the request's
    // number): nothing that depends on a value repeating helps here.
    let varied = [
        "/products?category=shoes{n}&color=red&size={n}&brand=acme&sort=price&order=asc&page={n}&per_page=20&in_stock=1&lang=en",
        "/search?q=red+running+shoes+{n}&page={n}&sort=relevance&filter=new&min=10&max={n}&currency=EUR&ref=home&utm_source=mail&session=ab{n}cd",
        "/articles/2026/12/01/how-to-choose-running-shoes-{n}?ref=newsletter{n}&utm_medium=email&utm_campaign=winter&id={n}&lang=en&theme=dark&a={n}&b=2&c=3",
    ];
    let list: &[&str] = match kind {
        "attack" => &attack,
        "varied" => &varied,
        _ => &benign,
    };
    list.iter()
        .map(|t| format!("GET {t} HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nAccept: text/html,application/xhtml+xml\r\nAccept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n\r\n"))
        .collect()
}

/// Sends one request and reads the response; returns the status.
fn exchange(r: &mut BufReader<TcpStream>, req: &[u8]) -> Option<u16> {
    r.get_mut().write_all(req).ok()?;
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let status = line.split(' ').nth(1)?.parse().ok()?;
    let mut len = 0usize;
    let mut close = false;
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let l = h.to_ascii_lowercase();
        if let Some(v) = l.strip_prefix("content-length:") {
            len = v.trim().parse().ok()?;
        }
        close |= l.starts_with("connection:") && l.contains("close");
        if h == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    if close {
        return Some(status + 1000);
    }
    Some(status)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: loadgen ADDR SECONDS CONNECTIONS benign|varied|attack");
        std::process::exit(2);
    }
    let addr = args[1].clone();
    let secs: u64 = args[2].parse().expect("seconds");
    let conns: usize = args[3].parse().expect("connections");
    let reqs = mix(&args[4]);
    let end = Instant::now() + Duration::from_secs(secs);
    let handles: Vec<_> = (0..conns)
        .map(|c| {
            let addr = addr.clone();
            let reqs = reqs.clone();
            std::thread::spawn(move || {
                let mut lat = Vec::new();
                let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
                let mut i = c;
                let mut conn: Option<BufReader<TcpStream>> = None;
                while Instant::now() < end {
                    if conn.is_none() {
                        let Ok(s) = TcpStream::connect(&addr) else { continue };
                        let _ = s.set_nodelay(true);
                        conn = Some(BufReader::new(s));
                    }
                    let Some(r) = conn.as_mut() else { continue };
                    let t = Instant::now();
                    let req = &reqs[i % reqs.len()];
                    let req = if req.contains("{n}") { req.replace("{n}", &i.to_string()) } else { req.clone() };
                    let st = exchange(r, req.as_bytes());
                    lat.push(t.elapsed());
                    i += 1;
                    match st {
                        Some(s) if s >= 1000 => {
                            *statuses.entry(s - 1000).or_default() += 1;
                            conn = None;
                        }
                        Some(s) => *statuses.entry(s).or_default() += 1,
                        None => {
                            *statuses.entry(0).or_default() += 1;
                            conn = None;
                        }
                    }
                }
                (lat, statuses)
            })
        })
        .collect();
    let mut lat = Vec::new();
    let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
    for h in handles {
        let (l, s) = h.join().expect("worker");
        lat.extend(l);
        for (k, v) in s {
            *statuses.entry(k).or_default() += v;
        }
    }
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{{\"target\":\"{addr}\",\"mix\":\"{}\",\"connections\":{conns},\"requests\":{},\"rps\":{:.0},\"p50_ms\":{:.3},\"p99_ms\":{:.3},\"statuses\":{:?}}}",
        args[4],
        lat.len(),
        lat.len() as f64 / secs as f64,
        pct(0.50),
        pct(0.99),
        statuses
    );
}
