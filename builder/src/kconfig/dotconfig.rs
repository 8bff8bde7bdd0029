//! A kernel `.config`: reading values and writing requested ones into a base config.

use super::fragment::Request;
use std::collections::BTreeMap;

/// Symbol values of a `.config` (`n` for `# CONFIG_X is not set`).
#[derive(Debug, Clone, Default)]
pub struct DotConfig {
    values: BTreeMap<String, String>,
}

impl DotConfig {
    /// Parses `.config` text.
    pub fn parse(text: &str) -> Self {
        let mut values = BTreeMap::new();
        for line in text.lines() {
            if let Some(symbol) = line.strip_prefix("# CONFIG_").and_then(|r| r.strip_suffix(" is not set")) {
                values.insert(symbol.to_string(), "n".to_string());
            } else if let Some((symbol, value)) = line.strip_prefix("CONFIG_").and_then(|r| r.split_once('=')) {
                values.insert(symbol.to_string(), value.to_string());
            }
        }
        Self { values }
    }

    /// The symbol's value; a symbol absent from `.config` is `n` (unset or invisible).
    pub fn value(&self, symbol: &str) -> &str {
        self.values.get(symbol).map_or("n", String::as_str)
    }

    /// Whether the symbol's value is the requested one.
    pub fn satisfies(&self, request: &Request) -> bool {
        self.value(&request.symbol) == request.value
    }
}

/// `base` with every requested symbol's line replaced by the requested value (appended at the end).
pub fn apply_requests(base: &str, requests: &[Request]) -> String {
    let requested = |line: &str| {
        let symbol = line
            .strip_prefix("# CONFIG_")
            .and_then(|r| r.strip_suffix(" is not set"))
            .or_else(|| line.strip_prefix("CONFIG_").and_then(|r| r.split_once('=')).map(|(s, _)| s));
        symbol.is_some_and(|s| requests.iter().any(|r| r.symbol == s))
    };
    let mut out: String = base.lines().filter(|l| !requested(l)).flat_map(|l| [l, "\n"]).collect();
    out.push_str("\n# rampart fragments\n");
    for r in requests {
        if r.value == "n" {
            out.push_str(&format!("# CONFIG_{} is not set\n", r.symbol));
        } else {
            out.push_str(&format!("CONFIG_{}={}\n", r.symbol, r.value));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kconfig::fragment::parse;

    #[test]
    fn reads_values() {
        let c = DotConfig::parse("CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_S=\"hi\"\n");
        assert_eq!(c.value("A"), "y");
        assert_eq!(c.value("B"), "n");
        assert_eq!(c.value("S"), "\"hi\"");
        assert_eq!(c.value("MISSING"), "n");
    }

    #[test]
    fn requests_replace_base_lines() {
        let reqs = parse("CONFIG_A=n\n# CONFIG_B is not set\nCONFIG_C=y\n", "f").unwrap();
        let out = apply_requests("CONFIG_A=y\nCONFIG_B=y\nCONFIG_D=y\n", &reqs);
        let c = DotConfig::parse(&out);
        assert_eq!((c.value("A"), c.value("B"), c.value("C"), c.value("D")), ("n", "n", "y", "y"));
        assert_eq!(out.matches("CONFIG_B").count(), 1);
    }
}
