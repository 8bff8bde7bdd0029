//! `/etc/rampart/hidsd.toml`: what to watch, where alerts go, how to respond.
//! Every setting has a working default; a file that does not parse or validate is
//! rejected whole (at start, and on SIGHUP the running configuration stays).

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// Default configuration path.
pub const DEFAULT_PATH: &str = "/etc/rampart/hidsd.toml";

/// The daemon configuration.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Log files to follow (across rotation and truncation).
    pub log_files: Vec<PathBuf>,
    /// Read the systemd journal (`journalctl -f -o json`).
    pub journal: bool,
    /// Read the kernel log from `/dev/kmsg` (kernel-written records only).
    pub kmsg: bool,
    /// Where to start in a log file or the journal without a saved position.
    pub start_at: StartAt,
    /// rampart's event channel, read when it exists.
    pub rampart_events: PathBuf,
    /// Extra rule files (`*.toml`), overriding built-in rules by id.
    pub rules_dir: PathBuf,
    /// State directory (read offsets).
    pub state_dir: PathBuf,
    /// Alerts (JSON lines, ECS); stdout too when running in the foreground.
    pub alerts_file: PathBuf,
    /// Only alerts at or above this level are written.
    pub min_level: u8,
    /// Learning log for the RBAC policy generator (rampart `learn` events).
    pub learning_log: PathBuf,
    /// Active response.
    pub response: Response,
    /// File integrity monitoring.
    pub fim: Fim,
    /// What proves which program wrote a line (see [`crate::trust`]).
    pub trust: crate::trust::Trust,
}

/// Where reading starts in a log file or the journal the daemon has no saved position
/// for (its first start, or a file newly configured).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StartAt {
    /// Read the history but act only on lines no older than the longest rule
    /// timeframe before now.
    #[default]
    Recent,
    /// Skip the history: start at the end.
    End,
    /// Act on the whole history.
    Beginning,
}

/// File integrity monitoring settings.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Fim {
    /// Directories and files to baseline.
    pub paths: Vec<PathBuf>,
    /// Path prefixes left out.
    pub exclude: Vec<PathBuf>,
    /// The baseline database.
    pub database: PathBuf,
    /// Hashing threads (0: one per CPU).
    pub threads: usize,
    /// Directories watched in realtime by the daemon (inotify) against the baseline.
    pub realtime: Vec<PathBuf>,
    /// While this file exists, changes go into the baseline without alerts.
    pub maintenance_flag: PathBuf,
}

impl Default for Fim {
    fn default() -> Self {
        Self {
            paths: ["/etc", "/usr/bin", "/usr/sbin", "/usr/lib/systemd", "/boot"].map(PathBuf::from).to_vec(),
            exclude: ["/etc/mtab", "/etc/ld.so.cache", "/etc/adjtime"].map(PathBuf::from).to_vec(),
            database: PathBuf::from("/var/lib/rampart-hidsd/fim.json"),
            threads: 0,
            realtime: vec![PathBuf::from("/etc")],
            maintenance_flag: PathBuf::from("/run/rampart-hidsd/maintenance"),
        }
    }
}

/// Active response settings.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Response {
    /// Block addresses at all.
    pub enabled: bool,
    /// Seconds a block lasts (the nftables element timeout).
    pub block_seconds: u64,
    /// Addresses and networks never blocked (loopback is always added).
    pub allowlist: Vec<String>,
    /// nftables table (family `inet`) rampart manages.
    pub nft_table: String,
    /// The `nft` program.
    pub nft: PathBuf,
    /// Run nft inside this network namespace (`ip netns exec`), for tests.
    pub netns: Option<String>,
    /// Block the remote addresses a crashed network service was talking to (rules
    /// with `response = "block_peers"`; loopback, `allowlist` and rampart-fw's trusted
    /// zones and quick allows never).
    pub block_crash_peers: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            log_files: vec![PathBuf::from("/var/log/auth.log")],
            journal: true,
            kmsg: true,
            start_at: StartAt::Recent,
            rampart_events: PathBuf::from("/sys/kernel/security/rampart/events"),
            rules_dir: PathBuf::from("/etc/rampart/rules.d"),
            state_dir: PathBuf::from("/var/lib/rampart-hidsd"),
            alerts_file: PathBuf::from("/var/log/rampart/alerts.json"),
            min_level: 3,
            learning_log: PathBuf::from("/var/log/rampart/learning.jsonl"),
            response: Response::default(),
            fim: Fim::default(),
            trust: crate::trust::Trust::default(),
        }
    }
}

impl Default for Response {
    fn default() -> Self {
        Self {
            enabled: true,
            block_seconds: 600,
            allowlist: vec![],
            nft_table: "rampart".into(),
            nft: PathBuf::from("nft"),
            netns: None,
            block_crash_peers: true,
        }
    }
}

/// An address or network (`192.0.2.0/24`, `2001:db8::/32`, `198.51.100.7`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    /// Parses an address or CIDR network.
    pub fn parse(text: &str) -> Result<Self> {
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr: IpAddr = addr.trim().parse().with_context(|| format!("`{text}` is not an address or network"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => {
                p.trim().parse::<u8>().ok().filter(|p| *p <= max).with_context(|| format!("`{text}`: bad prefix"))?
            }
            None => max,
        };
        Ok(Self { addr, prefix })
    }

    /// Whether `ip` is inside this network (an IPv4-mapped address as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let (a, b, bits) = match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(u32::from(a)), u128::from(u32::from(b)), 32),
            (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
            _ => return false,
        };
        let shift = bits - u32::from(self.prefix);
        shift >= bits || (a >> shift) == (b >> shift)
    }
}

impl Config {
    /// Loads and validates `path`; a missing default file means the defaults.
    pub fn load(path: &Path) -> Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && path == Path::new(DEFAULT_PATH) => String::new(),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let config: Config =
            toml::from_str(&text).with_context(|| format!("{}: invalid configuration", path.display()))?;
        config.validate().with_context(|| format!("{}: invalid configuration", path.display()))?;
        Ok(config)
    }

    /// Checks values that parse but make no sense.
    pub fn validate(&self) -> Result<()> {
        if self.min_level > 15 {
            bail!("min_level {} is over 15", self.min_level);
        }
        if self.response.block_seconds == 0 {
            bail!("response.block_seconds must be positive");
        }
        if self.response.nft_table.is_empty()
            || !self.response.nft_table.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            bail!("response.nft_table `{}` must be letters, digits and _", self.response.nft_table);
        }
        self.allowlist()?;
        self.trust.validate()?;
        Ok(())
    }

    /// The allowlist with loopback added.
    pub fn allowlist(&self) -> Result<Vec<Network>> {
        let mut list = vec![Network::parse("127.0.0.0/8")?, Network::parse("::1/128")?];
        for entry in &self.response.allowlist {
            list.push(Network::parse(entry)?);
        }
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate() {
        Config::default().validate().unwrap();
        assert_eq!(toml::from_str::<Config>("").unwrap(), Config::default());
        let shipped: Config = toml::from_str(include_str!("../dist/hidsd.toml")).unwrap();
        assert_eq!(shipped, Config::default(), "dist/hidsd.toml lists the defaults");
    }

    #[test]
    fn rejects_bad_values() {
        for text in [
            "min_level = 20",
            "[response]\nblock_seconds = 0",
            "[response]\nallowlist = [\"10.0.0.0/33\"]",
            "[response]\nallowlist = [\"example.com\"]",
            "[response]\nnft_table = \"x; flush ruleset\"",
            "unknown_key = 1",
        ] {
            let parsed: Result<Config> = toml::from_str::<Config>(text).map_err(Into::into).and_then(|c| {
                c.validate()?;
                Ok(c)
            });
            assert!(parsed.is_err(), "{text}");
        }
    }

    #[test]
    fn networks() {
        let n = Network::parse("10.1.0.0/16").unwrap();
        assert!(n.contains("10.1.200.3".parse().unwrap()));
        assert!(!n.contains("10.2.0.1".parse().unwrap()));
        assert!(!n.contains("::1".parse().unwrap()));
        assert!(Network::parse("0.0.0.0/0").unwrap().contains("8.8.8.8".parse().unwrap()));
        assert!(Network::parse("2001:db8::/32").unwrap().contains("2001:db8::1".parse().unwrap()));
        assert!(Network::parse("192.0.2.1").unwrap().contains("192.0.2.1".parse().unwrap()));
        assert!(!Network::parse("192.0.2.1").unwrap().contains("192.0.2.2".parse().unwrap()));
        assert!(Network::parse("127.0.0.0/8").unwrap().contains("::ffff:127.0.0.2".parse().unwrap()));
    }
}
