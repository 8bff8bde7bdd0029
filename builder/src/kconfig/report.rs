//! The did-not-stick report: every requested symbol whose final value differs, and why.

use super::deps::KconfigIndex;
use super::dotconfig::DotConfig;
use super::fragment::Request;
use serde::{Deserialize, Serialize};

/// A requested symbol that ended up with another value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Mismatch {
    /// Symbol name without `CONFIG_`.
    pub symbol: String,
    /// Value the fragment asked for.
    pub requested: String,
    /// Value in the final `.config`.
    pub actual: String,
    /// Whether the fragment marked it optional.
    pub optional: bool,
    /// `fragment:line` of the request.
    pub origin: String,
    /// Why (from the Kconfig dependency index).
    pub reasons: Vec<String>,
}

/// Outcome of comparing the requests with the final `.config`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StickReport {
    /// Number of symbols requested by all fragments.
    pub requested: usize,
    /// Requests that did not stick.
    pub mismatches: Vec<Mismatch>,
}

impl StickReport {
    /// Compares `requests` against `config`; `index` (built only when needed) explains mismatches.
    pub fn build(requests: &[Request], config: &DotConfig, index: impl FnOnce() -> Option<KconfigIndex>) -> Self {
        let missed: Vec<&Request> = requests.iter().filter(|r| !config.satisfies(r)).collect();
        let index = if missed.is_empty() { None } else { index() };
        let mismatches = missed
            .into_iter()
            .map(|r| Mismatch {
                symbol: r.symbol.clone(),
                requested: r.value.clone(),
                actual: config.value(&r.symbol).to_string(),
                optional: r.optional,
                origin: r.origin.clone(),
                reasons: index.as_ref().map_or_else(Vec::new, |i| i.explain(&r.symbol, &r.value, config)),
            })
            .collect();
        Self { requested: requests.len(), mismatches }
    }

    /// Mismatches that make the configuration unusable.
    pub fn required_failures(&self) -> impl Iterator<Item = &Mismatch> {
        self.mismatches.iter().filter(|m| !m.optional)
    }

    /// Human-readable report, one block per mismatch.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{} symbols requested, {} did not stick ({} required)\n",
            self.requested,
            self.mismatches.len(),
            self.required_failures().count()
        );
        for m in &self.mismatches {
            let tag = if m.optional { "optional" } else { "REQUIRED" };
            out.push_str(&format!(
                "  {tag} CONFIG_{}: requested {}, got {} ({})\n",
                m.symbol, m.requested, m.actual, m.origin
            ));
            for reason in &m.reasons {
                out.push_str(&format!("      because: {reason}\n"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kconfig::fragment::parse;

    #[test]
    fn reports_only_mismatches_and_marks_required() {
        let reqs = parse("CONFIG_A=y\nCONFIG_B=y # optional\nCONFIG_C=y\n# CONFIG_D is not set\n", "f").unwrap();
        let cfg = DotConfig::parse("CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=m\n");
        let report = StickReport::build(&reqs, &cfg, || None);
        assert_eq!(report.requested, 4);
        let names: Vec<_> = report.mismatches.iter().map(|m| m.symbol.as_str()).collect();
        assert_eq!(names, ["B", "C"]);
        let required: Vec<_> = report.required_failures().map(|m| m.symbol.as_str()).collect();
        assert_eq!(required, ["C"]);
        let text = report.render();
        assert!(text.contains("REQUIRED CONFIG_C: requested y, got m (f:3)"), "{text}");
    }

    #[test]
    fn index_is_not_built_when_everything_sticks() {
        let reqs = parse("CONFIG_A=y\n", "f").unwrap();
        let report = StickReport::build(&reqs, &DotConfig::parse("CONFIG_A=y\n"), || panic!("not needed"));
        assert!(report.mismatches.is_empty());
    }
}
