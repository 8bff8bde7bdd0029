//! Reading a policy file: TOML into [`Policy`], every error with `file:line`. A policy
//! is accepted whole or not at all.

use super::{Default, Egress, Log, Peers, Policy, Ports, Proto, Rate, Service};
use crate::net::Network;
use anyhow::{anyhow, bail, Result};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    inbound: Option<Spanned<String>>,
    outbound: Option<Spanned<String>>,
    ssh_ports: Option<Vec<u16>>,
    trusted_zones: Option<Spanned<Vec<String>>>,
    ping: Option<bool>,
    #[serde(default)]
    zones: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    #[serde(default, rename = "service")]
    services: Vec<RawService>,
    #[serde(default)]
    egress: Vec<RawEgress>,
    log: Option<RawLog>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    name: Spanned<String>,
    protocol: Option<Spanned<String>>,
    port: Option<u16>,
    ports: Option<Spanned<String>>,
    from: Spanned<Vec<String>>,
    #[serde(default)]
    ingress_only: bool,
    limit: Option<Spanned<String>>,
    burst: Option<u32>,
    max_connections: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEgress {
    name: Spanned<String>,
    protocol: Option<Spanned<String>>,
    port: Option<u16>,
    ports: Option<Spanned<String>>,
    to: Spanned<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLog {
    drops: Option<bool>,
    rate: Option<Spanned<String>>,
    burst: Option<u32>,
    prefix: Option<Spanned<String>>,
}

/// Reads the policy at `path`.
pub fn load(path: &std::path::Path) -> Result<Policy> {
    let text = std::fs::read_to_string(path).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    parse(&text, &path.display().to_string())
}

/// The line (from 1) of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes().iter().take(offset).filter(|&&b| b == b'\n').count() + 1
}

struct Ctx<'a> {
    text: &'a str,
    file: &'a str,
}

impl Ctx<'_> {
    fn at<T>(&self, s: &Spanned<T>) -> String {
        format!("{}:{}", self.file, line_of(self.text, s.span().start))
    }
}

fn check_name(ctx: &Ctx, kind: &str, name: &Spanned<String>) -> Result<String> {
    let n = name.get_ref();
    // Names become parts of nftables set names: a letter, then letters, digits and _.
    let ok = n.len() <= 32
        && n.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        bail!("{}: {kind} name `{n}`: a-z, then up to 31 of a-z, 0-9 and _", ctx.at(name));
    }
    Ok(n.clone())
}

fn parse_proto(ctx: &Ctx, p: &Spanned<String>) -> Result<Proto> {
    match p.get_ref().as_str() {
        "tcp" => Ok(Proto::Tcp),
        "udp" => Ok(Proto::Udp),
        other => bail!("{}: protocol `{other}`: tcp or udp", ctx.at(p)),
    }
}

fn parse_ports(ctx: &Ctx, port: Option<u16>, ports: Option<&Spanned<String>>, at: &str) -> Result<Option<Ports>> {
    match (port, ports) {
        (Some(_), Some(r)) => bail!("{}: `port` or `ports`, not both", ctx.at(r)),
        (Some(0), None) => bail!("{at}: port 0"),
        (Some(p), None) => Ok(Some(Ports { lo: p, hi: p })),
        (None, Some(r)) => {
            let text = r.get_ref();
            let (lo, hi) = text.split_once('-').unwrap_or((text, text));
            match (lo.trim().parse::<u16>(), hi.trim().parse::<u16>()) {
                (Ok(lo), Ok(hi)) if lo > 0 && lo <= hi => Ok(Some(Ports { lo, hi })),
                _ => bail!("{}: ports `{text}`: PORT or FIRST-LAST, 1 to 65535", ctx.at(r)),
            }
        }
        (None, None) => Ok(None),
    }
}

fn parse_rate(ctx: &Ctx, r: &Spanned<String>, burst: Option<u32>) -> Result<Rate> {
    let text = r.get_ref();
    let bad = || anyhow!("{}: rate `{text}`: N/second, N/minute, N/hour or N/day", ctx.at(r));
    let (n, per) = text.split_once('/').ok_or_else(bad)?;
    let count: u32 = n.trim().parse().map_err(|_| bad())?;
    let per = match per.trim() {
        "second" => "second",
        "minute" => "minute",
        "hour" => "hour",
        "day" => "day",
        _ => return Err(bad()),
    };
    if count == 0 || count > 1_000_000 {
        return Err(bad());
    }
    let burst = burst.unwrap_or(count);
    if burst == 0 || burst > 1_000_000 {
        bail!("{}: burst {burst}: 1 to 1000000", ctx.at(r));
    }
    Ok(Rate { count, per, burst })
}

fn parse_peers(ctx: &Ctx, list: &Spanned<Vec<String>>, zones: &BTreeMap<String, Vec<Network>>) -> Result<Peers> {
    let names = list.get_ref();
    if names.is_empty() {
        bail!("{}: an empty list: name zones, or \"all\"", ctx.at(list));
    }
    if names.iter().any(|n| n == "all") {
        if names.len() > 1 {
            bail!("{}: \"all\" with zones", ctx.at(list));
        }
        return Ok(Peers::All);
    }
    for n in names {
        if !zones.contains_key(n) {
            bail!("{}: unknown zone `{n}`", ctx.at(list));
        }
    }
    Ok(Peers::Zones(names.clone()))
}

fn default_of(ctx: &Ctx, v: Option<&Spanned<String>>, fallback: Default) -> Result<Default> {
    match v.map(|s| (s, s.get_ref().as_str())) {
        None => Ok(fallback),
        Some((_, "drop")) => Ok(Default::Drop),
        Some((_, "accept")) => Ok(Default::Accept),
        Some((s, other)) => bail!("{}: `{other}`: drop or accept", ctx.at(s)),
    }
}

/// Parses policy `text` read from `file`.
pub fn parse(text: &str, file: &str) -> Result<Policy> {
    let ctx = Ctx { text, file };
    let raw: RawPolicy = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        anyhow!("{file}:{line}: {}", e.message())
    })?;
    let mut zones = BTreeMap::new();
    for (name, list) in &raw.zones {
        check_name(&ctx, "zone", &Spanned::new(list.span(), name.clone()))?;
        if name == "all" {
            bail!("{}: `all` is not a zone name (it means everywhere)", ctx.at(list));
        }
        let mut nets = Vec::new();
        for n in list.get_ref() {
            nets.push(Network::parse(n.get_ref()).map_err(|e| anyhow!("{}: zone {name}: {e}", ctx.at(n)))?);
        }
        nets.sort();
        nets.dedup();
        zones.insert(name.clone(), nets);
    }
    let trusted_zones = match &raw.trusted_zones {
        None => Vec::new(),
        Some(list) => {
            for z in list.get_ref() {
                if !zones.contains_key(z) {
                    bail!("{}: trusted_zones: unknown zone `{z}`", ctx.at(list));
                }
            }
            list.get_ref().clone()
        }
    };
    let mut names = BTreeSet::new();
    let mut services = Vec::new();
    for s in &raw.services {
        let name = check_name(&ctx, "service", &s.name)?;
        let at = ctx.at(&s.name);
        if !names.insert(name.clone()) {
            bail!("{at}: service `{name}` is defined twice");
        }
        let proto = s.protocol.as_ref().map(|p| parse_proto(&ctx, p)).transpose()?.unwrap_or(Proto::Tcp);
        let ports = parse_ports(&ctx, s.port, s.ports.as_ref(), &at)?
            .ok_or_else(|| anyhow!("{at}: service `{name}` needs `port` or `ports`"))?;
        if s.ingress_only && proto != Proto::Udp {
            bail!("{at}: service `{name}`: ingress_only is for UDP services (TCP replies are the connection)");
        }
        let limit = s.limit.as_ref().map(|r| parse_rate(&ctx, r, s.burst)).transpose()?;
        if s.burst.is_some() && limit.is_none() {
            bail!("{at}: service `{name}`: burst without limit");
        }
        let max_connections = match &s.max_connections {
            Some(m) if proto != Proto::Tcp => bail!("{}: max_connections is for TCP services", ctx.at(m)),
            Some(m) if *m.get_ref() == 0 => bail!("{}: max_connections must be positive", ctx.at(m)),
            Some(m) => Some(*m.get_ref()),
            None => None,
        };
        let from = parse_peers(&ctx, &s.from, &zones)?;
        let line = line_of(text, s.name.span().start);
        services.push(Service { name, proto, ports, from, ingress_only: s.ingress_only, limit, max_connections, line });
    }
    let mut egress = Vec::new();
    let mut egress_names = BTreeSet::new();
    for e in &raw.egress {
        let name = check_name(&ctx, "egress", &e.name)?;
        let at = ctx.at(&e.name);
        if !egress_names.insert(name.clone()) {
            bail!("{at}: egress `{name}` is defined twice");
        }
        let proto = e.protocol.as_ref().map(|p| parse_proto(&ctx, p)).transpose()?;
        let ports = parse_ports(&ctx, e.port, e.ports.as_ref(), &at)?;
        if ports.is_some() && proto.is_none() {
            bail!("{at}: egress `{name}`: ports need a protocol");
        }
        let to = parse_peers(&ctx, &e.to, &zones)?;
        egress.push(Egress { name, proto, ports, to, line: line_of(text, e.name.span().start) });
    }
    let log = match &raw.log {
        None => Log { drops: true, rate: Rate { count: 30, per: "minute", burst: 20 }, prefix: DEFAULT_PREFIX.into() },
        Some(l) => {
            let rate = match &l.rate {
                Some(r) => parse_rate(&ctx, r, l.burst)?,
                None => Rate { count: 30, per: "minute", burst: l.burst.unwrap_or(20).clamp(1, 1_000_000) },
            };
            let prefix = match &l.prefix {
                Some(p) => {
                    let v = p.get_ref();
                    if v.is_empty()
                        || v.len() > 64
                        || !v.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
                    {
                        bail!(
                            "{}: log prefix: 1 to 64 printable ASCII characters, no quotes or backslashes",
                            ctx.at(p)
                        );
                    }
                    v.clone()
                }
                None => DEFAULT_PREFIX.into(),
            };
            Log { drops: l.drops.unwrap_or(true), rate, prefix }
        }
    };
    let ssh_ports = raw.ssh_ports.clone().unwrap_or_else(|| vec![22]);
    if ssh_ports.contains(&0) {
        bail!("{file}: ssh_ports: port 0");
    }
    Ok(Policy {
        inbound: default_of(&ctx, raw.inbound.as_ref(), Default::Drop)?,
        outbound: default_of(&ctx, raw.outbound.as_ref(), Default::Accept)?,
        zones,
        trusted_zones,
        services,
        egress,
        ping: raw.ping.unwrap_or(true),
        log,
        ssh_ports,
        file: file.to_string(),
    })
}

/// The prefix of drop log lines unless the policy sets one (rampart-hidsd's port-scan
/// rule matches it).
pub const DEFAULT_PREFIX: &str = "rampart-fw drop: ";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_parses() {
        let p = parse(include_str!("../../dist/firewall.toml"), "firewall.toml").unwrap();
        assert_eq!(p.inbound, Default::Drop);
        assert!(p.services.iter().any(|s| s.name == "ssh" && s.from == Peers::Zones(vec!["admin".into()])));
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("[zones]\nadmin = [\"10.0.0.1/8\"]\n", "f:2: zone admin: `10.0.0.1/8` has host bits set"),
            ("\n[[service]]\nname = \"ssh\"\nport = 22\nfrom = [\"admn\"]\n", "f:5: unknown zone `admn`"),
            ("[[service]]\nname = \"a\"\nport = 22\nfrom = [\"all\"]\n[[service]]\nname = \"a\"\nport = 1\nfrom = [\"all\"]\n", "f:6: service `a` is defined twice"),
            ("[[service]]\nname = \"a\"\nport = 70000\nfrom = [\"all\"]\n", "f:3:"),
            ("[[service]]\nname = \"a\"\nfrom = [\"all\"]\n", "f:2: service `a` needs"),
            ("[[service]]\nname = \"a\"\nport = 5\ningress_only = true\nfrom = [\"all\"]\n", "ingress_only is for UDP"),
            ("inbound = \"maybe\"\n", "f:1: `maybe`: drop or accept"),
            ("bogus = 1\n", "f:1: unknown field `bogus`"),
            ("[[service]]\nname = \"a\"\nport = 5\nfrom = [\"all\"]\nlimit = \"5/fortnight\"\n", "f:5: rate"),
            ("[[egress]]\nname = \"a\"\nport = 5\nto = [\"all\"]\n", "ports need a protocol"),
            ("[[service]]\nname = \"A B\"\nport = 5\nfrom = [\"all\"]\n", "f:2: service name"),
        ];
        for (text, want) in cases {
            let e = format!("{:#}", parse(text, "f").unwrap_err());
            assert!(e.contains(want), "{text:?}: {e}");
        }
    }
}
