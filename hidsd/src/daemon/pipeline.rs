//! The pipeline every event goes through: the rule engine, alerts (file and stdout),
//! `block` responses to nftables, and rampart `learn` events to the learning log.

use crate::config::{Config, Network};
use crate::event::{Event, SourceKind};
use crate::response::nft::Nft;
use crate::response::outcome::Outcome;
use crate::rules::{self, engine::Engine};
use crate::sinks::{alerts, learning::JsonLines};
use anyhow::{Context, Result};
use std::net::IpAddr;
use std::path::Path;

/// The rules and what acts on their matches.
pub struct Pipeline {
    /// The configuration it was built from.
    pub config: Config,
    /// The rule engine.
    pub engine: Engine,
    allowlist: Vec<Network>,
    nft: Option<Nft>,
    alerts: JsonLines,
    learning: JsonLines,
    foreground: bool,
    host: String,
    cgroups: crate::container::CgroupIds,
}

impl Pipeline {
    /// Builds the pipeline of `config` (rules loaded, nftables set up).
    pub fn new(config: Config, foreground: bool) -> Result<Self> {
        let engine = Engine::new(rules::load(Some(&config.rules_dir))?);
        let allowlist = config.allowlist()?;
        let nft = config.response.enabled.then(|| {
            Nft::new(config.response.nft.clone(), config.response.netns.clone(), config.response.nft_table.clone())
        });
        if let Some(nft) = &nft {
            nft.setup().context("setting up the nftables blocklist")?;
        }
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default().trim().to_string();
        Ok(Self {
            alerts: JsonLines::open(&config.alerts_file)?,
            learning: JsonLines::open(&config.learning_log)?,
            config,
            engine,
            allowlist,
            nft,
            foreground,
            host,
            cgroups: crate::container::CgroupIds::system(),
        })
    }

    /// Runs `event` through the rules and acts on the matches.
    pub fn handle(&mut self, event: &Event) {
        if event.source == SourceKind::Rampart && event.fields.get("decision").map(String::as_str) == Some("learn") {
            if let Err(e) = self.learning.write_line(&event.raw) {
                eprintln!("rampart-hidsd: learning log: {e:#}");
            }
        }
        for m in self.engine.process(event) {
            let (id, level) = (self.engine.rule(&m).id, self.engine.rule(&m).level);
            // The response first: the alert says what it came to.
            let mut outcomes: Vec<(IpAddr, Outcome)> = Vec::new();
            if let Some(ip) = m.block {
                outcomes.push((ip, self.block(ip, id, event)));
            }
            if self.engine.rule(&m).block_peers && self.config.response.block_crash_peers {
                for ip in crate::response::peers::of_crash(&m.fields) {
                    outcomes.push((ip, self.block_peer(ip, id, event)));
                }
            }
            let rule = self.engine.rule(&m);
            if level > 0 && level >= self.config.min_level {
                // Only the kernel's own records name a task to look up: a pid in a log
                // line is whatever its writer said.
                let kernel = matches!(event.source, SourceKind::Kmsg | SourceKind::Rampart);
                let origin = kernel
                    .then(|| crate::container::origin(&mut self.cgroups, Path::new("/proc"), &m.fields))
                    .flatten();
                let line = alerts::to_ecs(rule, &m, event, &self.host, &outcomes, origin.as_ref()).to_string();
                if self.foreground {
                    println!("{line}");
                }
                if let Err(e) = self.alerts.write_line(&line) {
                    eprintln!("rampart-hidsd: alerts file: {e:#}");
                }
            }
        }
    }

    /// Blocks `ip` (asked by rule `rule`) and says what came of it. Every request goes
    /// to nftables (adding a blocked address again is harmless): an address the admin
    /// unbanned is blocked again when it attacks again.
    /// Blocks a crash's peer `ip`, unless rampart-fw trusts it (quick allows, trusted
    /// zones), then as [`Pipeline::block`].
    fn block_peer(&mut self, ip: IpAddr, rule: u32, event: &Event) -> Outcome {
        let ip = ip.to_canonical();
        if let Some(nft) = &self.nft {
            if !ip.is_loopback() && nft.is_trusted(ip) {
                eprintln!("rampart-hidsd: rule {rule}: {ip} is in a trusted zone or allowed, not blocked");
                return Outcome::Allowlisted;
            }
        }
        self.block(ip, rule, event)
    }

    fn block(&mut self, ip: IpAddr, rule: u32, event: &Event) -> Outcome {
        let ip = ip.to_canonical();
        if self.allowlist.iter().any(|n| n.contains(ip)) {
            eprintln!("rampart-hidsd: rule {rule}: {ip} is allowlisted, not blocked");
            return Outcome::Allowlisted;
        }
        let Some(nft) = &self.nft else { return Outcome::Disabled };
        let seconds = self.config.response.block_seconds;
        let why = format!(
            "rampart-hidsd rule {rule} at {} ({})",
            crate::sinks::alerts::rfc3339(event.time),
            event.record.as_deref().unwrap_or(&event.origin)
        );
        match nft.block_or_recreate(ip, seconds, &why) {
            Ok(recreated) => {
                if recreated {
                    eprintln!("rampart-hidsd: the nftables blocklist was gone (nft flush ruleset?): set up again");
                }
                eprintln!("rampart-hidsd: rule {rule}: blocked {ip} for {seconds}s");
                Outcome::Blocked { recreated }
            }
            Err(e) => {
                eprintln!("rampart-hidsd: rule {rule}: blocking {ip} failed: {e:#}");
                Outcome::Failed(format!("{e:#}"))
            }
        }
    }
}
