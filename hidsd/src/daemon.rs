//! `rampart-hidsd run`: the pipeline. Sources are read in one loop that waits for any
//! of them to have input ([`crate::wake`]; the journal is read by a thread), every event goes through the rule engine, alerts go to the
//! alerts file (and stdout in the foreground), `block` responses to nftables, and
//! rampart `learn` events to the learning log. SIGHUP reloads a validated
//! configuration (a bad one is rejected and the old one keeps running); SIGTERM and
//! SIGINT stop after the input already read is processed and offsets are saved.

mod journal_reader;
mod pipeline;
mod progress;

use crate::config::{Config, StartAt};
use crate::sources::{file::Position, journal, kernel_copies, kmsg, rampart};
use crate::wake::Wake;
use anyhow::{Context, Result};
use journal_reader::JournalReader;
use pipeline::Pipeline;
use progress::{followers_of, load_offsets, progress, save_cursor, save_offsets, HistoryFilter};
use std::collections::BTreeMap;
use std::io::Read;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How the daemon runs.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Configuration file.
    pub config: PathBuf,
    /// Also print alerts on stdout.
    pub foreground: bool,
    /// Read what is there now, then exit (no following).
    pub once: bool,
}
/// Seconds since the epoch at boot (for kernel timestamps).
fn boot_time() -> i64 {
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    crate::logline::now() - uptime as i64
}

fn open_nonblocking(path: &Path) -> Option<std::fs::File> {
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path).ok()
}

/// Runs the daemon until SIGTERM/SIGINT (or, with `once`, until the input is read).
pub fn run(opts: &RunOptions) -> Result<()> {
    let mut config = Config::load(&opts.config)?;
    let mut pipeline = Pipeline::new(config.clone(), opts.foreground)?;
    let hup = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGHUP, Arc::clone(&hup))?;
    signal_hook::flag::register(signal_hook::consts::SIGTERM, Arc::clone(&stop))?;
    signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&stop))?;
    let mut wake = Wake::new().context("setting up the wait for input")?;
    for signal in [signal_hook::consts::SIGHUP, signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        wake.on_signal(signal)?;
    }
    wake.watch_files(&config.log_files);

    let saved = load_offsets(&config);
    let mut followers = followers_of(&config, &saved);
    // Unix time before which lines read without a saved position are history, not acted on.
    let history_before = match config.start_at {
        StartAt::Recent => Some(crate::logline::now().saturating_sub(pipeline.engine.longest_timeframe() as i64)),
        StartAt::End | StartAt::Beginning => None,
    };
    let mut history = HistoryFilter { before: history_before, skipped: 0 };
    let boot = boot_time();
    let mut kmsg = if config.kmsg && !opts.once { open_nonblocking(Path::new("/dev/kmsg")) } else { None };
    if let Some(k) = kmsg.as_mut() {
        use std::io::Seek;
        let _ = k.seek(std::io::SeekFrom::End(0));
    }
    // What /dev/kmsg delivers from now on, the journal's copies must not count again.
    let mut kernel_copies = kmsg.is_some().then(kernel_copies::KernelCopies::from_now);
    let mut kmsg_stats = kmsg::KmsgStats::default();
    let mut rampart_events = open_nonblocking(&config.rampart_events);
    let cursor_path = config.state_dir.join("journal.cursor");
    let journal_cursor = std::fs::read_to_string(&cursor_path).ok();
    let mut journal = JournalReader {
        cursor: journal_cursor.clone(),
        copies: kernel_copies.take(),
        history: journal_cursor.is_none().then_some(HistoryFilter { before: history_before, skipped: 0 }),
        boot_id: std::fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap_or_default().trim().replace('-', ""),
        boot_time: boot,
    };
    let (journal_tx, journal_rx) = std::sync::mpsc::channel();
    let mut journal_child = if config.journal {
        let start = match (config.start_at, history_before) {
            (StartAt::End, _) => journal::Start::End,
            (StartAt::Recent, Some(t)) => journal::Start::Since(t),
            (_, _) => journal::Start::Beginning,
        };
        match journal::spawn(journal_cursor.clone(), start, opts.once, journal_tx, wake.notifier()) {
            Ok(child) => Some(child),
            Err(e) => {
                eprintln!("rampart-hidsd: journal not read: {e}");
                None
            }
        }
    } else {
        drop(journal_tx);
        None
    };
    if opts.once {
        if let Some(child) = journal_child.as_mut() {
            let _ = child.wait();
        }
    }
    let mut rampart_decoder = rampart::Decoder::default();
    let mut fim_monitor = if config.fim.realtime.is_empty() {
        None
    } else {
        match crate::fim::Monitor::open(&config.fim) {
            Ok(m) => {
                eprintln!("rampart-hidsd: fim: watching {} directories in realtime", m.watched());
                Some(m)
            }
            Err(e) => {
                eprintln!("rampart-hidsd: realtime integrity monitoring off: {e:#}");
                None
            }
        }
    };
    let mut last_save = Instant::now();
    // Progress is saved after every pass that made some, so a crash or `kill -9`
    // replays at most one pass of input.
    let mut saved_progress = progress(&followers, journal.cursor.as_deref());
    eprintln!(
        "rampart-hidsd: {} rules; following {} files{}{}",
        pipeline.engine.rules().len(),
        followers.len(),
        if kmsg.is_some() { ", /dev/kmsg" } else { "" },
        if rampart_events.is_some() { ", rampart events" } else { "" }
    );
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let year = crate::logline::year_of(crate::logline::now());
        for (f, first) in &mut followers {
            let mut events = Vec::new();
            if let Err(e) = f.poll(year, &mut |ev| events.push(ev)) {
                eprintln!("rampart-hidsd: {}: {e}", f.path().display());
            }
            for ev in &events {
                if !(*first && history.skips(ev)) {
                    pipeline.handle(ev);
                }
            }
            *first = false;
        }
        if let Some(k) = kmsg.as_mut() {
            loop {
                match k.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        let record = String::from_utf8_lossy(&buf[..n]).into_owned();
                        if let Some(ev) = kmsg::to_event(&record, boot, &mut kmsg_stats) {
                            pipeline.handle(&ev);
                        }
                    }
                    Err(e) if e.raw_os_error() == Some(libc::EPIPE) => kmsg_stats.lost += 1, // overwritten before read
                    Err(_) => break,
                }
            }
        }
        while let Ok(line) = journal_rx.try_recv() {
            journal.entry(&line, &config, &mut pipeline);
        }
        if let Some(m) = fim_monitor.as_mut() {
            for ev in m.poll() {
                pipeline.handle(&ev);
            }
        }
        if let Some(r) = rampart_events.as_mut() {
            while let Ok(n) = r.read(&mut buf) {
                if n == 0 {
                    break;
                }
                for ev in rampart_decoder.feed(&buf[..n], boot) {
                    pipeline.handle(&ev);
                }
            }
        }
        if opts.once || stop.load(Ordering::Relaxed) {
            break;
        }
        if hup.swap(false, Ordering::Relaxed) {
            match Config::load(&opts.config).and_then(|c| Pipeline::new(c.clone(), opts.foreground).map(|p| (c, p))) {
                Ok((c, mut p)) => {
                    eprintln!("rampart-hidsd: configuration reloaded");
                    p.engine.keep_counts(&mut pipeline.engine);
                    config = c;
                    pipeline = p;
                    let saved: BTreeMap<PathBuf, Position> =
                        followers.iter().map(|(f, _)| (f.path().clone(), f.position())).collect();
                    followers = followers_of(&config, &saved);
                    wake.watch_files(&config.log_files);
                }
                Err(e) => eprintln!("rampart-hidsd: reload rejected, keeping the running configuration: {e:#}"),
            }
        }
        let now_progress = progress(&followers, journal.cursor.as_deref());
        if now_progress != saved_progress {
            save_offsets(&config, &followers)?;
            save_cursor(&cursor_path, journal.cursor.as_deref())?;
            saved_progress = now_progress;
        }
        if last_save.elapsed() > Duration::from_secs(5) {
            if let Some(m) = fim_monitor.as_mut() {
                m.save_if_dirty()?;
            }
            last_save = Instant::now();
        }
        // Wait for input. What cannot be waited for (a rotated file being drained, a
        // log directory that does not exist yet, an event file that is not the rampart
        // channel) is looked at every second; otherwise every 5 s for periodic work.
        wake.watch_files(&config.log_files);
        let events_pollable = rampart_events.as_ref().is_none_or(crate::wake::pollable);
        let mut fds: Vec<RawFd> = kmsg.iter().map(|k| k.as_raw_fd()).collect();
        fds.extend(fim_monitor.as_ref().map(|m| m.fd()));
        fds.extend(rampart_events.as_ref().filter(|_| events_pollable).map(|r| r.as_raw_fd()));
        let draining = followers.iter().any(|(f, _)| f.is_draining());
        let blind = draining || !events_pollable || !wake.watches_all(&config.log_files);
        let mut timeout = Duration::from_secs(if blind { 1 } else { 5 });
        if let Some(due) = fim_monitor.as_ref().and_then(|m| m.settle_due()) {
            timeout = timeout.min(due + Duration::from_millis(1));
        }
        wake.wait(&fds, timeout);
    }
    if let Some(mut child) = journal_child {
        let _ = child.kill();
        let _ = child.wait();
    }
    while let Ok(line) = journal_rx.try_recv() {
        journal.entry(&line, &config, &mut pipeline);
    }
    history.skipped += journal.history.as_ref().map_or(0, |h| h.skipped);
    if let Some(c) = journal.copies.as_ref().filter(|c| c.skipped > 0) {
        eprintln!("rampart-hidsd: journal: {} kernel records left to /dev/kmsg", c.skipped);
    }
    save_offsets(&config, &followers)?;
    save_cursor(&cursor_path, journal.cursor.as_deref())?;
    if let Some(m) = fim_monitor.as_mut() {
        m.save_if_dirty()?;
        if m.accepted_in_maintenance > 0 {
            eprintln!("rampart-hidsd: fim: {} changes accepted during maintenance", m.accepted_in_maintenance);
        }
    }
    if history.skipped > 0 {
        eprintln!(
            "rampart-hidsd: {} lines older than the rules' timeframe read at first start, not acted on",
            history.skipped
        );
    }
    for (f, _) in &followers {
        let s = &f.stats;
        eprintln!(
            "rampart-hidsd: {}: {} lines, {} undecoded, {} not UTF-8, {} oversized, {} NUL bytes, {} rotations",
            f.path().display(),
            s.lines,
            s.undecoded,
            s.invalid_utf8,
            s.oversized,
            s.nul,
            f.reopened
        );
    }
    if kmsg_stats.records > 0 {
        eprintln!("rampart-hidsd: /dev/kmsg: {kmsg_stats:?}");
    }
    if rampart_decoder.lost > 0 || rampart_decoder.malformed > 0 {
        eprintln!(
            "rampart-hidsd: rampart events: {} lost, {} malformed",
            rampart_decoder.lost, rampart_decoder.malformed
        );
    }
    Ok(())
}
