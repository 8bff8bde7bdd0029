//! The firewall policy (`/etc/rampart/firewall.toml`), validated: what the rendered
//! ruleset and the evaluator ([`crate::eval`]) work from. `fw/dist/firewall.toml` is
//! the documented example.

pub mod parse;

use crate::net::Network;
use std::collections::BTreeMap;

/// The default path of the policy file.
pub const DEFAULT_PATH: &str = "/etc/rampart/firewall.toml";

/// What happens to traffic no rule accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Default {
    /// Accepted.
    Accept,
    /// Dropped (and logged when drop logging is on).
    Drop,
}

/// A transport protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Proto {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

impl Proto {
    /// The nftables name.
    pub fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }
}

/// An inclusive port range (one port when `lo == hi`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ports {
    /// First port.
    pub lo: u16,
    /// Last port.
    pub hi: u16,
}

impl Ports {
    /// Whether `port` is in the range.
    pub fn contains(&self, port: u16) -> bool {
        (self.lo..=self.hi).contains(&port)
    }

    /// The nftables notation (`22`, `8000-8100`).
    pub fn nft(&self) -> String {
        if self.lo == self.hi {
            self.lo.to_string()
        } else {
            format!("{}-{}", self.lo, self.hi)
        }
    }
}

/// Where traffic may come from or go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peers {
    /// Anywhere.
    All,
    /// The networks of these zones.
    Zones(Vec<String>),
}

/// A per-source rate of new connections (ufw `limit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Connections allowed per `per`.
    pub count: u32,
    /// `second`, `minute`, `hour` or `day`.
    pub per: &'static str,
    /// Connections allowed at once before the rate applies.
    pub burst: u32,
}

/// A service the host offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// Its name (used in rule comments, set names and `why`).
    pub name: String,
    /// Protocol.
    pub proto: Proto,
    /// Ports.
    pub ports: Ports,
    /// Who may reach it.
    pub from: Peers,
    /// UDP only: the service answers but never starts flows from its port.
    pub ingress_only: bool,
    /// Per-source rate of new connections.
    pub limit: Option<Rate>,
    /// Per-source concurrent connections (CSF CONNLIMIT).
    pub max_connections: Option<u32>,
    /// Line of the `[[service]]` entry.
    pub line: usize,
}

/// Where the host may connect to when outbound is default-deny.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Egress {
    /// Its name.
    pub name: String,
    /// Protocol (any when `None`).
    pub proto: Option<Proto>,
    /// Destination ports (any when `None`; needs a protocol).
    pub ports: Option<Ports>,
    /// Destinations.
    pub to: Peers,
    /// Line of the `[[egress]]` entry.
    pub line: usize,
}

/// Logging of dropped packets (what rampart-hidsd's port-scan rule reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Log {
    /// Log drops at all.
    pub drops: bool,
    /// At most this many lines (a [`Rate`] with its burst).
    pub rate: Rate,
    /// Prefix of the kernel log line.
    pub prefix: String,
}

/// A validated policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Inbound traffic no rule accepts.
    pub inbound: Default,
    /// Outbound traffic no rule accepts.
    pub outbound: Default,
    /// Named zones: their networks (canonical: mapped IPv6 as IPv4).
    pub zones: BTreeMap<String, Vec<Network>>,
    /// Zones rampart-hidsd never blocks.
    pub trusted_zones: Vec<String>,
    /// Services, in file order.
    pub services: Vec<Service>,
    /// The egress allowlist (used when `outbound` is drop).
    pub egress: Vec<Egress>,
    /// Accept ICMP/ICMPv6 echo requests inbound.
    pub ping: bool,
    /// Drop logging.
    pub log: Log,
    /// SSH ports (the lockout check).
    pub ssh_ports: Vec<u16>,
    /// Where the policy came from (for messages).
    pub file: String,
}

impl Policy {
    /// The networks of `peers`, IPv4 first (empty for [`Peers::All`]).
    pub fn networks(&self, peers: &Peers) -> Vec<Network> {
        match peers {
            Peers::All => Vec::new(),
            Peers::Zones(zones) => zones.iter().flat_map(|z| self.zones.get(z).cloned().unwrap_or_default()).collect(),
        }
    }
}
