//! The condition language of the check files: a test on one setting's value (`want`), and
//! terms that name the setting they test (`or` and `and` lists).
//!
//! A term is `CONFIG_<SYMBOL><test>` (a Kconfig symbol), `cmdline <param><test>` (a kernel
//! command-line parameter), `sysctl <key><test>` or `version >= X.Y.Z` (the kernel version
//! from the `.config` header). A test is `=VALUE` or one of ` is not set`, ` is present`,
//! ` is not off`, ` contains WORD`, ` >= NUMBER`. Terms joined by ` and ` make one
//! alternative of an `or` list.

use anyhow::{bail, Result};
use serde::Serialize;
use std::fmt;

/// What a test sees of one setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State<'a> {
    /// Not in the input at all (a Kconfig symbol the config does not show, a parameter not
    /// given, a sysctl not listed).
    Absent,
    /// `# CONFIG_X is not set`.
    NotSet,
    /// A value (`""` for a command-line flag without `=`).
    Value(&'a str),
}

impl fmt::Display for State<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            State::Absent => f.write_str("absent"),
            State::NotSet => f.write_str("n"),
            State::Value("") => f.write_str("(given)"),
            State::Value(v) => f.write_str(v),
        }
    }
}

/// A test on one setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// The value is exactly this text (`y`, `m`, `65536`, `0x0`, `auto,nosmt`).
    Equals(String),
    /// Unset or absent: a symbol that is `m` fails, as the feature is still there.
    NotSet,
    /// The setting appears in the input with any value, `is not set` included.
    Present,
    /// Given with a value other than `off` or `0` (a mitigation left on).
    NotOff,
    /// A comma-separated value (quotes stripped) has this item, as `CONFIG_LSM` lists LSMs.
    Contains(String),
    /// A number (decimal or `0x` hex) at least this large.
    AtLeast(i64),
    /// Equal to the value of this Kconfig symbol (`CONFIG_ARCH_MMAP_RND_BITS_MAX`); the check
    /// does not apply to a config without that symbol.
    Max(String),
}

impl Test {
    /// Parses a `want`; `max_symbol` is the Kconfig symbol a `max` want refers to.
    pub fn parse_want(want: &str, max_symbol: &str) -> Result<Test> {
        let want = want.trim();
        Ok(match want {
            "" => bail!("empty want"),
            "n" | "is not set" => Test::NotSet,
            "is present" => Test::Present,
            "is not off" => Test::NotOff,
            "max" => Test::Max(max_symbol.to_string()),
            _ => {
                if let Some(item) = want.strip_prefix("contains ") {
                    Test::Contains(item.trim().to_string())
                } else if let Some(n) = want.strip_prefix(">=") {
                    Test::AtLeast(number(n.trim()).ok_or_else(|| anyhow::anyhow!("not a number: {want:?}"))?)
                } else if want.contains(char::is_whitespace) {
                    bail!("unknown want {want:?}")
                } else {
                    Test::Equals(want.to_string())
                }
            }
        })
    }

    /// Judges `state`; `max` is the state of a [`Test::Max`] symbol. `None`: the test does
    /// not apply (no maximum to compare with).
    pub fn judge(&self, state: State, max: State) -> Option<bool> {
        Some(match self {
            Test::Equals(v) => state == State::Value(v),
            Test::NotSet => matches!(state, State::Absent | State::NotSet),
            Test::Present => state != State::Absent,
            Test::NotOff => matches!(state, State::Value(v) if v != "off" && v != "0"),
            Test::Contains(item) => {
                matches!(state, State::Value(v) if v.trim_matches('"').split(',').any(|i| i.trim() == item))
            }
            Test::AtLeast(n) => matches!(state, State::Value(v) if number(v).is_some_and(|v| v >= *n)),
            Test::Max(_) => match max {
                State::Value(m) => state == State::Value(m),
                _ => return None,
            },
        })
    }
}

impl fmt::Display for Test {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Test::Equals(v) => f.write_str(v),
            Test::NotSet => f.write_str("is not set"),
            Test::Present => f.write_str("is present"),
            Test::NotOff => f.write_str("is not off"),
            Test::Contains(i) => write!(f, "has {i}"),
            Test::AtLeast(n) => write!(f, ">= {n}"),
            Test::Max(_) => f.write_str("max"),
        }
    }
}

/// A decimal or `0x` hexadecimal number.
fn number(text: &str) -> Option<i64> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// The input a setting comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The kernel `.config`.
    Kconfig,
    /// The kernel command line.
    Cmdline,
    /// `sysctl -a` output.
    Sysctl,
}

/// One condition of an `or` alternative or an `and` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// A test on a setting of one input.
    Setting {
        /// The input.
        kind: Kind,
        /// Symbol (without `CONFIG_`), parameter or key.
        name: String,
        /// The test.
        test: Test,
    },
    /// The kernel version is at least this one.
    Version([u32; 3]),
}

impl Term {
    /// Parses one term.
    pub fn parse(text: &str) -> Result<Term> {
        let text = text.trim();
        if let Some(v) = text.strip_prefix("version >=") {
            return Ok(Term::Version(parse_version(v.trim())?));
        }
        let (kind, rest) = if let Some(r) = text.strip_prefix("CONFIG_") {
            (Kind::Kconfig, r)
        } else if let Some(r) = text.strip_prefix("cmdline ") {
            (Kind::Cmdline, r)
        } else if let Some(r) = text.strip_prefix("sysctl ") {
            (Kind::Sysctl, r)
        } else {
            bail!("term {text:?} names no input (CONFIG_, cmdline, sysctl, version)")
        };
        let end = rest.find(['=', ' ']).unwrap_or(rest.len());
        let (name, test) = rest.split_at(end);
        let test = match test.strip_prefix('=') {
            Some(value) if !value.is_empty() && !value.contains(' ') => Test::Equals(value.to_string()),
            Some(_) => bail!("term {text:?}: a value has no spaces and is not empty"),
            None => match Test::parse_want(test, "")? {
                Test::Max(_) | Test::Equals(_) => bail!("term {text:?}: write a value as NAME=VALUE"),
                t => t,
            },
        };
        if name.is_empty() {
            bail!("term {text:?} has no name");
        }
        Ok(Term::Setting { kind, name: name.to_string(), test })
    }

    /// Parses alternatives' terms joined by ` and `.
    pub fn parse_all(text: &str) -> Result<Vec<Term>> {
        text.split(" and ").map(Term::parse).collect()
    }
}

/// `X.Y.Z` (missing parts are 0).
pub fn parse_version(text: &str) -> Result<[u32; 3]> {
    let mut out = [0; 3];
    let parts: Vec<&str> = text.split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        bail!("bad version {text:?}");
    }
    for (slot, part) in out.iter_mut().zip(parts) {
        *slot = part.parse().map_err(|_| anyhow::anyhow!("bad version {text:?}"))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_follow_the_kernels_reading() {
        let not_set = Test::parse_want("is not set", "").unwrap();
        assert_eq!(not_set.judge(State::Absent, State::Absent), Some(true));
        assert_eq!(not_set.judge(State::NotSet, State::Absent), Some(true));
        assert_eq!(not_set.judge(State::Value("m"), State::Absent), Some(false));
        let present = Test::parse_want("is present", "").unwrap();
        assert_eq!(present.judge(State::NotSet, State::Absent), Some(true));
        assert_eq!(present.judge(State::Absent, State::Absent), Some(false));
        let not_off = Test::NotOff;
        assert_eq!(not_off.judge(State::Value("auto"), State::Absent), Some(true));
        assert_eq!(not_off.judge(State::Value("off"), State::Absent), Some(false));
        assert_eq!(not_off.judge(State::Absent, State::Absent), Some(false));
        let lsm = Test::parse_want("contains yama", "").unwrap();
        assert_eq!(lsm.judge(State::Value("\"landlock,yama\""), State::Absent), Some(true));
        assert_eq!(lsm.judge(State::Value("\"landlock\""), State::Absent), Some(false));
        let max = Test::parse_want("max", "ARCH_MMAP_RND_BITS_MAX").unwrap();
        assert_eq!(max.judge(State::Value("32"), State::Value("32")), Some(true));
        assert_eq!(max.judge(State::Value("28"), State::Value("32")), Some(false));
        assert_eq!(max.judge(State::Value("28"), State::Absent), None);
        assert_eq!(Test::parse_want(">= 0x10", "").unwrap().judge(State::Value("16"), State::Absent), Some(true));
        assert_eq!(Test::parse_want("65536", "").unwrap().judge(State::Value("131072"), State::Absent), Some(false));
    }

    #[test]
    fn terms_name_their_input() {
        assert_eq!(
            Term::parse("CONFIG_MODULES is not set").unwrap(),
            Term::Setting { kind: Kind::Kconfig, name: "MODULES".into(), test: Test::NotSet }
        );
        assert_eq!(
            Term::parse("cmdline mitigations=auto,nosmt").unwrap(),
            Term::Setting { kind: Kind::Cmdline, name: "mitigations".into(), test: Test::Equals("auto,nosmt".into()) }
        );
        assert_eq!(Term::parse("version >= 6.6").unwrap(), Term::Version([6, 6, 0]));
        assert_eq!(Term::parse_all("CONFIG_A=y and sysctl k.x is present").unwrap().len(), 2);
        for bad in ["MODULES=y", "CONFIG_A is maybe", "CONFIG_=y", "CONFIG_A=", "version >= 6.x"] {
            assert!(Term::parse(bad).is_err(), "{bad}");
        }
    }
}
