//! Macro text: `%{tx.critical_anomaly_score}`, `%{MATCHED_VAR}`, `%{TX.0}`, parsed once.

use super::variables::Var;

/// One piece of a macro text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Literal text.
    Lit(String),
    /// `%{VAR}` or `%{COLLECTION.key}`.
    Var(Var, Option<String>),
}

/// A text with macros in it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Macro {
    /// The pieces in order.
    pub parts: Vec<Part>,
}

impl Macro {
    /// Parses `text`; an unknown variable inside `%{}` is an error.
    pub fn parse(text: &str) -> Result<Macro, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(pos) = rest.find("%{") {
            let Some(end) = rest[pos..].find('}') else { break };
            if pos > 0 {
                parts.push(Part::Lit(rest[..pos].to_string()));
            }
            let inner = &rest[pos + 2..pos + end];
            let (name, key) = match inner.split_once('.') {
                Some((n, k)) => (n, Some(k.to_ascii_lowercase())),
                None => (inner, None),
            };
            let var = Var::from_name(name).ok_or_else(|| format!("unknown variable in macro %{{{inner}}}"))?;
            parts.push(Part::Var(var, key));
            rest = &rest[pos + end + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Lit(rest.to_string()));
        }
        Ok(Macro { parts })
    }

    /// The text, when it has no macro in it.
    pub fn literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [Part::Lit(s)] => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_parts() {
        let m = Macro::parse("+%{tx.critical_anomaly_score} at %{MATCHED_VAR}").unwrap();
        assert_eq!(m.parts.len(), 4);
        assert_eq!(m.parts[1], Part::Var(Var::Tx, Some("critical_anomaly_score".into())));
        assert!(Macro::parse("%{nope.x}").is_err());
    }
}
