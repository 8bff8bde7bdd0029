//! Kconfig fragments: `CONFIG_X=value` and `# CONFIG_X is not set` lines, as in the
//! kernel's own `*.config` fragments, plus a `# optional[: why]` marker after a value
//! for symbols whose absence is reported but not fatal.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One symbol value a fragment asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Symbol name without the `CONFIG_` prefix.
    pub symbol: String,
    /// Requested value as written in `.config` (`y`, `m`, `n`, a number or a quoted string).
    pub value: String,
    /// A symbol that may fail to stick without failing the configuration.
    pub optional: bool,
    /// `file:line` the request came from.
    pub origin: String,
}

/// Parses a fragment's text; `name` is used in origins and error messages.
pub fn parse(text: &str, name: &str) -> Result<Vec<Request>> {
    let mut requests = Vec::new();
    for (idx, raw) in text.lines().enumerate() {
        let origin = format!("{name}:{}", idx + 1);
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# CONFIG_") {
            if let Some(symbol) = rest.strip_suffix(" is not set") {
                check_symbol(symbol, &origin)?;
                requests.push(Request { symbol: symbol.to_string(), value: "n".into(), optional: false, origin });
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let Some(rest) = line.strip_prefix("CONFIG_") else {
            bail!("{origin}: expected `CONFIG_NAME=value` or `# CONFIG_NAME is not set`, found `{line}`");
        };
        let (symbol, value) = rest.split_once('=').with_context(|| format!("{origin}: `{line}` has no `=`"))?;
        check_symbol(symbol, &origin)?;
        let (value, optional) = split_marker(value, &origin)?;
        check_value(value, &origin)?;
        requests.push(Request { symbol: symbol.to_string(), value: value.to_string(), optional, origin });
    }
    Ok(requests)
}

/// Reads and parses a fragment file, naming it relative to `base` in origins.
pub fn load(path: &Path, base: &Path) -> Result<Vec<Request>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading fragment {}", path.display()))?;
    let name = path.strip_prefix(base).unwrap_or(path).display().to_string();
    parse(&text, &name)
}

/// Later requests for a symbol replace earlier ones (later fragments win, as in merge_config.sh).
pub fn merge(layers: impl IntoIterator<Item = Vec<Request>>) -> Vec<Request> {
    let mut merged: Vec<Request> = Vec::new();
    for request in layers.into_iter().flatten() {
        merged.retain(|r| r.symbol != request.symbol);
        merged.push(request);
    }
    merged
}

fn split_marker<'a>(value: &'a str, origin: &str) -> Result<(&'a str, bool)> {
    if value.starts_with('"') {
        return Ok((value, false));
    }
    match value.split_once('#') {
        None => Ok((value.trim(), false)),
        Some((v, comment)) if comment.trim_start().starts_with("optional") => Ok((v.trim(), true)),
        Some(_) => bail!("{origin}: a comment after a value must be `# optional[: reason]`"),
    }
}

fn check_symbol(symbol: &str, origin: &str) -> Result<()> {
    if symbol.is_empty() || !symbol.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_') {
        bail!("{origin}: `{symbol}` is not a Kconfig symbol name");
    }
    Ok(())
}

fn check_value(value: &str, origin: &str) -> Result<()> {
    let ok = matches!(value, "y" | "m" | "n")
        || value.parse::<i64>().is_ok()
        || (value.starts_with("0x") && value.len() > 2 && value[2..].bytes().all(|b| b.is_ascii_hexdigit()))
        || (value.len() >= 2 && value.starts_with('"') && value.ends_with('"'));
    if !ok {
        bail!("{origin}: `{value}` is not a Kconfig value (y, m, n, a number or a quoted string)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_values_and_not_set() {
        let reqs = parse("# c\nCONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=\"x y\"\nCONFIG_D=8\n", "f").unwrap();
        let got: Vec<_> = reqs.iter().map(|r| (r.symbol.as_str(), r.value.as_str())).collect();
        assert_eq!(got, [("A", "y"), ("B", "n"), ("C", "\"x y\""), ("D", "8")]);
        assert_eq!(reqs[1].origin, "f:3");
    }

    #[test]
    fn optional_marker() {
        let reqs = parse("CONFIG_A=y # optional: needs clang 15\n", "f").unwrap();
        assert!(reqs[0].optional);
        assert_eq!(reqs[0].value, "y");
    }

    #[test]
    fn rejects_garbage_with_location() {
        let err = parse("CONFIG_A=y\nFOO=y\n", "kconfig/x.config").unwrap_err().to_string();
        assert!(err.contains("kconfig/x.config:2"), "{err}");
        assert!(parse("CONFIG_a=y\n", "f").is_err());
        assert!(parse("CONFIG_A=maybe\n", "f").is_err());
        assert!(parse("CONFIG_A=y # why not\n", "f").is_err());
    }

    #[test]
    fn later_layers_win() {
        let a = parse("CONFIG_A=y\nCONFIG_B=y\n", "a").unwrap();
        let b = parse("# CONFIG_A is not set\n", "b").unwrap();
        let merged = merge([a, b]);
        assert_eq!(merged.len(), 2);
        let a = merged.iter().find(|r| r.symbol == "A").unwrap();
        assert_eq!((a.value.as_str(), a.origin.as_str()), ("n", "b:1"));
    }
}
