//! Protection modes (`off`, `audit`, `enforce`) and the one-way `lock`.

/// What a protection does when its rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Mode {
    /// The protection does nothing.
    Off = 0,
    /// Matching operations are allowed and reported.
    Audit = 1,
    /// Matching operations are denied and reported.
    Enforce = 2,
}

impl Mode {
    /// Parses a sysfs/module-parameter value (`off`, `audit`, `enforce`, surrounding
    /// whitespace and one trailing newline allowed).
    pub fn parse(text: &[u8]) -> Option<Mode> {
        match trim(text) {
            b"off" => Some(Mode::Off),
            b"audit" => Some(Mode::Audit),
            b"enforce" => Some(Mode::Enforce),
            _ => None,
        }
    }

    /// The name shown in sysfs.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::Audit => "audit",
            Mode::Enforce => "enforce",
        }
    }

    /// The mode stored as `raw` (unknown values read as `Enforce`: fail closed).
    pub fn from_raw(raw: u8) -> Mode {
        match raw {
            0 => Mode::Off,
            1 => Mode::Audit,
            _ => Mode::Enforce,
        }
    }
}

/// What a hook does with an operation a protection looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Not a protected operation, or the protection is off: allow silently.
    Ignore,
    /// Allowed by an allowlist (reported).
    Allowlisted,
    /// Audit mode: allowed and reported.
    Audit,
    /// Enforce mode: denied with -EPERM and reported.
    Deny,
}

impl Verdict {
    /// The code the C glue switches on: 0 ignore, 1 allowlisted, 2 audit, 3 deny.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// Parses a boolean setting (`0`/`1`, `n`/`y`, `no`/`yes`, `off`/`on`).
pub fn parse_bool(text: &[u8]) -> Option<bool> {
    match trim(text) {
        b"1" | b"y" | b"Y" | b"yes" | b"on" => Some(true),
        b"0" | b"n" | b"N" | b"no" | b"off" => Some(false),
        _ => None,
    }
}

/// `text` without leading and trailing ASCII whitespace.
pub fn trim(text: &[u8]) -> &[u8] {
    let start = text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(text.len());
    let end = text.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(start, |i| i + 1);
    &text[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_modes() {
        assert_eq!(Mode::parse(b"enforce\n"), Some(Mode::Enforce));
        assert_eq!(Mode::parse(b"  audit "), Some(Mode::Audit));
        assert_eq!(Mode::parse(b"off"), Some(Mode::Off));
        assert_eq!(Mode::parse(b"Enforce"), None);
        assert_eq!(Mode::parse(b""), None);
        assert_eq!(Mode::parse(b"enforced"), None);
    }

    #[test]
    fn raw_round_trip_and_fail_closed() {
        for m in [Mode::Off, Mode::Audit, Mode::Enforce] {
            assert_eq!(Mode::from_raw(m as u8), m);
        }
        assert_eq!(Mode::from_raw(200), Mode::Enforce);
    }

    #[test]
    fn parses_bools() {
        assert_eq!(parse_bool(b"1\n"), Some(true));
        assert_eq!(parse_bool(b"no"), Some(false));
        assert_eq!(parse_bool(b"2"), None);
    }
}
