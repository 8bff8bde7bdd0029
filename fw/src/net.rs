//! Addresses and networks as the kernel sees them: an IPv4-mapped IPv6 address
//! (`::ffff:192.0.2.7`) is the IPv4 address, in networks too (`::ffff:10.0.0.0/104`
//! is `10.0.0.0/8`), so it lands in the IPv4 sets.

use anyhow::{bail, Result};
use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

/// A network: an address and a prefix length, host bits cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Network {
    /// The first address.
    pub addr: IpAddr,
    /// The prefix length (32 or 128 for one address).
    pub len: u8,
}

/// Parses an address, canonical: IPv4-mapped IPv6 as IPv4, a zone (`%eth0`) dropped.
pub fn parse_addr(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    let addr = match text.split_once('%') {
        Some((addr, zone)) if !zone.is_empty() && addr.contains(':') => addr,
        Some(_) => return None,
        None => text,
    };
    let addr = addr.strip_prefix('[').and_then(|a| a.strip_suffix(']')).unwrap_or(addr);
    addr.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

/// Parses `ADDR:PORT` or `[ADDR6]:PORT` (how the kernel's crash events write peers);
/// the address canonical.
pub fn parse_peer(text: &str) -> Option<(IpAddr, u16)> {
    let (addr, port) = text.trim().rsplit_once(':')?;
    if addr.contains(':') && !addr.starts_with('[') {
        return None;
    }
    Some((parse_addr(addr)?, port.parse().ok()?))
}

impl Network {
    /// One address.
    pub fn host(addr: IpAddr) -> Self {
        let addr = addr.to_canonical();
        Network { addr, len: if addr.is_ipv4() { 32 } else { 128 } }
    }

    /// Parses `ADDR` or `ADDR/LEN`; host bits must be clear (`10.0.0.1/8` is a typo).
    pub fn parse(text: &str) -> Result<Self> {
        let (addr_text, len) = match text.split_once('/') {
            Some((a, l)) => match l.parse::<u8>() {
                Ok(l) => (a, Some(l)),
                Err(_) => bail!("`{text}`: bad prefix length"),
            },
            None => (text, None),
        };
        let Ok(raw) = addr_text.parse::<IpAddr>() else { bail!("`{text}` is not an address or network") };
        let (addr, len) = match (raw, len) {
            (IpAddr::V6(v6), Some(l)) if v6.to_ipv4_mapped().is_some() && l >= 96 => {
                (IpAddr::V4(v6.to_ipv4_mapped().unwrap_or(std::net::Ipv4Addr::UNSPECIFIED)), l - 96)
            }
            (IpAddr::V6(v6), Some(_)) if v6.to_ipv4_mapped().is_some() => {
                bail!("`{text}`: an IPv4-mapped network needs a prefix of at least 96")
            }
            (ip, Some(l)) => (ip, l),
            (ip, None) => {
                let ip = ip.to_canonical();
                (ip, if ip.is_ipv4() { 32 } else { 128 })
            }
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        if len > max {
            bail!("`{text}`: prefix length {len} is over {max}");
        }
        let net = Network { addr, len };
        if net.first() != addr {
            bail!("`{text}` has host bits set (the network is {})", Network { addr: net.first(), len });
        }
        Ok(net)
    }

    fn first(&self) -> IpAddr {
        match self.addr {
            IpAddr::V4(a) => {
                let mask = if self.len == 0 { 0 } else { u32::MAX << (32 - u32::from(self.len)) };
                IpAddr::V4((u32::from(a) & mask).into())
            }
            IpAddr::V6(a) => {
                let mask = if self.len == 0 { 0 } else { u128::MAX << (128 - u32::from(self.len)) };
                IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask))
            }
        }
    }

    /// Whether `ip` (canonical) is in the network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        if ip.is_ipv4() != self.addr.is_ipv4() {
            return false;
        }
        Network { addr: ip, len: self.len }.first() == self.addr
    }

    /// Whether this is a single address.
    pub fn is_host(&self) -> bool {
        self.len == if self.addr.is_ipv4() { 32 } else { 128 }
    }

    /// Whether it is IPv4.
    pub fn is_v4(&self) -> bool {
        self.addr.is_ipv4()
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_host() {
            write!(f, "{}", self.addr)
        } else {
            write!(f, "{}/{}", self.addr, self.len)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks() {
        assert_eq!(Network::parse("10.0.0.0/8").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(Network::parse("::ffff:10.0.0.0/104").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(Network::parse("::ffff:192.0.2.7").unwrap().to_string(), "192.0.2.7");
        assert_eq!(Network::parse("2001:db8::/32").unwrap().to_string(), "2001:db8::/32");
        for bad in ["10.0.0.1/8", "10.0.0.0/33", "x", "::ffff:1.0.0.0/90", "1.2.3.4/", "::/129"] {
            assert!(Network::parse(bad).is_err(), "{bad}");
        }
        let n = Network::parse("10.0.0.0/8").unwrap();
        assert!(n.contains("10.9.9.9".parse().unwrap()) && n.contains("::ffff:10.1.1.1".parse().unwrap()));
        assert!(!n.contains("11.0.0.1".parse().unwrap()) && !n.contains("::1".parse().unwrap()));
        assert!(Network::parse("0.0.0.0/0").unwrap().contains("1.1.1.1".parse().unwrap()));
    }

    #[test]
    fn peers() {
        assert_eq!(parse_peer("192.0.2.7:40112"), Some(("192.0.2.7".parse().unwrap(), 40112)));
        assert_eq!(parse_peer("[2001:db8::5]:51000"), Some(("2001:db8::5".parse().unwrap(), 51000)));
        assert_eq!(parse_peer("[::ffff:192.0.2.9]:1"), Some(("192.0.2.9".parse().unwrap(), 1)));
        for bad in ["2001:db8::5:51000", "192.0.2.7", "x:1", "1.2.3.4:70000", ""] {
            assert_eq!(parse_peer(bad), None, "{bad}");
        }
    }
}
