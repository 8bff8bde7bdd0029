//! Source addresses as logs write them, to the address the kernel sees: an
//! IPv4-mapped IPv6 address (`::ffff:198.51.100.9`) is the IPv4 address (the IPv4
//! blocklist, the allowlist and the loopback check apply to it), and a link-local
//! address with a zone (`fe80::1%eth0`, as sshd writes it) is the address without
//! the zone (nftables sets hold addresses, not zones).

use std::net::IpAddr;

/// Parses a source address from a log, canonical: mapped IPv4 as IPv4, zone dropped.
pub fn parse(text: &str) -> Option<IpAddr> {
    let addr = match text.split_once('%') {
        Some((addr, zone)) if !zone.is_empty() && addr.contains(':') => addr,
        Some(_) => return None,
        None => text,
    };
    addr.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

/// Whether `text` is already how [`parse`]'s address prints (IPv4 text always is).
pub fn is_canonical_text(text: &str) -> bool {
    !text.contains([':', '%'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_addresses() {
        let v4: IpAddr = "198.51.100.9".parse().unwrap();
        assert_eq!(parse("::ffff:198.51.100.9"), Some(v4));
        assert_eq!(parse("::FFFF:c633:6409"), Some(v4));
        assert_eq!(parse("198.51.100.9"), Some(v4));
        assert_eq!(parse("fe80::1%eth0"), Some("fe80::1".parse().unwrap()));
        assert_eq!(parse("2001:db8::1"), Some("2001:db8::1".parse().unwrap()));
        for bad in ["fe80::1%", "1.2.3.4%eth0", "999.1.1.1", "", "%", "::ffff:1.2.3.4.5"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert!(is_canonical_text("192.0.2.1") && !is_canonical_text("::1"));
    }
}
