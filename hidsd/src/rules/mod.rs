//! Rules: TOML files of decoders and correlation rules (see `hidsd/rules/`).
//!
//! A *base* rule matches one event: by source kind, program, field values and a
//! regular expression on the message whose named groups become fields. A *composite*
//! rule fires when `frequency` events matched rules of a group within `timeframe`
//! seconds, counted per value of `same_field` (e.g. per source address), and may ask
//! for a response (`block` that address).
//!
//! Patterns match bytes, without Unicode classes: `.` is any byte but newline, and
//! `\d`, `\s`, `\w` are ASCII. Log fields are ASCII-delimited, and the automata stay
//! small; a non-ASCII literal in a pattern still matches its UTF-8 bytes.

pub mod engine;

use crate::event::SourceKind;
use anyhow::{bail, Context, Result};
use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Rule files shipped with rampart-hidsd, in load order.
pub const BUILTIN: [(&str, &str); 5] = [
    ("sshd.toml", include_str!("../../rules/sshd.toml")),
    ("sudo.toml", include_str!("../../rules/sudo.toml")),
    ("kernel.toml", include_str!("../../rules/kernel.toml")),
    ("rampart.toml", include_str!("../../rules/rampart.toml")),
    ("fim.toml", include_str!("../../rules/fim.toml")),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default, rename = "rule")]
    rules: Vec<RuleSpec>,
}

/// One rule as written in TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Unique rule id (with where it is written, for errors).
    pub id: toml::Spanned<u32>,
    /// Alert level, 0 (no alert) to 15.
    pub level: u8,
    /// What the rule means.
    pub description: String,
    /// Only events from this kind of source.
    #[serde(default)]
    pub source: Option<SourceKind>,
    /// Only events from this program.
    #[serde(default)]
    pub program: Option<String>,
    /// Regular expression on the message; named groups become fields.
    #[serde(default)]
    pub pattern: Option<toml::Spanned<String>>,
    /// Required field values (rampart events: `decision = "deny"`).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Groups this rule's matches belong to.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Composite: count matches of rules in this group.
    #[serde(default)]
    pub if_matched_group: Option<String>,
    /// Composite: how many matches fire the rule.
    #[serde(default)]
    pub frequency: Option<u32>,
    /// Composite: within how many seconds.
    #[serde(default)]
    pub timeframe: Option<u64>,
    /// Composite: count separately per value of this field.
    #[serde(default)]
    pub same_field: Option<String>,
    /// Composite: `block` the `srcip` of the matches. Base: `block_peers`, block the
    /// remote addresses a crash names (its `peers` field, or sock_diag for a `pid`).
    #[serde(default)]
    pub response: Option<String>,
}

/// What a rule matches.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// One event.
    Base {
        /// Source kind filter.
        source: Option<SourceKind>,
        /// Program filter.
        program: Option<String>,
        /// Message expression.
        pattern: Option<Regex>,
        /// Field filters.
        fields: BTreeMap<String, String>,
    },
    /// Many matches of a group.
    Composite {
        /// Counted group.
        group: String,
        /// Matches needed.
        frequency: u32,
        /// Window in seconds.
        timeframe: u64,
        /// Per-value counting field.
        same_field: Option<String>,
    },
}

/// A validated, compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique id.
    pub id: u32,
    /// Alert level.
    pub level: u8,
    /// Description.
    pub description: String,
    /// Groups.
    pub groups: Vec<String>,
    /// What it matches.
    pub matcher: Matcher,
    /// Whether it blocks the source address.
    pub block: bool,
    /// Whether it blocks the remote addresses of the crash it matched.
    pub block_peers: bool,
    /// File the rule came from.
    pub file: String,
}

/// The line (from 1) of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes().iter().take(offset).filter(|&&b| b == b'\n').count() + 1
}

fn compile(spec: RuleSpec, file: &str, text: &str) -> Result<Rule> {
    let id = *spec.id.get_ref();
    let at = || format!("{file}:{}: rule {id}", line_of(text, spec.id.span().start));
    if spec.level > 15 {
        bail!("{}: level {} is over 15", at(), spec.level);
    }
    let (block, block_peers) = match spec.response.as_deref() {
        None => (false, false),
        Some("block") => (true, false),
        Some("block_peers") => (false, true),
        Some(other) => bail!("{}: unknown response `{other}` (`block` or `block_peers`)", at()),
    };
    if block_peers && spec.if_matched_group.is_some() {
        bail!("{}: `block_peers` is for base rules (the crash event names the peers)", at());
    }
    let matcher = match (&spec.if_matched_group, spec.frequency, spec.timeframe) {
        (Some(group), Some(frequency), Some(timeframe)) => {
            if spec.pattern.is_some() || spec.program.is_some() || !spec.fields.is_empty() {
                bail!("{}: a composite rule matches groups, not patterns or fields", at());
            }
            if frequency == 0 || timeframe == 0 {
                bail!("{}: frequency and timeframe must be positive", at());
            }
            if block && spec.same_field.as_deref() != Some("srcip") {
                bail!("{}: response `block` needs same_field = \"srcip\"", at());
            }
            Matcher::Composite { group: group.clone(), frequency, timeframe, same_field: spec.same_field.clone() }
        }
        (None, None, None) => {
            if block {
                bail!("{}: only composite rules can respond", at());
            }
            if spec.pattern.is_none() && spec.fields.is_empty() && spec.program.is_none() {
                bail!("{}: a base rule needs a pattern, a program or fields", at());
            }
            let pattern =
                spec.pattern
                    .as_ref()
                    .map(|p| {
                        // Byte-oriented matching (no Unicode classes): log fields are ASCII
                        // delimited, and it keeps the automata small and fast.
                        RegexBuilder::new(p.get_ref()).unicode(false).build().with_context(|| {
                            format!("{file}:{}: rule {id}: bad pattern", line_of(text, p.span().start))
                        })
                    })
                    .transpose()?;
            Matcher::Base { source: spec.source, program: spec.program.clone(), pattern, fields: spec.fields.clone() }
        }
        _ => bail!("{}: a composite rule needs if_matched_group, frequency and timeframe together", at()),
    };
    Ok(Rule {
        id,
        level: spec.level,
        description: spec.description,
        groups: spec.groups,
        matcher,
        block,
        block_peers,
        file: file.to_string(),
    })
}

/// Parses one rule file's text; errors name the file and line. An id used twice in one
/// file is an error (across files, a later file's rule replaces an earlier one's).
pub fn parse_file(text: &str, name: &str) -> Result<Vec<Rule>> {
    let file: RuleFile = toml::from_str(text).with_context(|| format!("{name}: not a valid rule file"))?;
    let mut first_line: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for spec in &file.rules {
        let line = line_of(text, spec.id.span().start);
        if let Some(first) = first_line.insert(*spec.id.get_ref(), line) {
            bail!("{name}:{line}: rule {}: the id is used already, at line {first}", spec.id.get_ref());
        }
    }
    file.rules.into_iter().map(|spec| compile(spec, name, text)).collect()
}

/// The built-in rules, then every `*.toml` in `override_dir` (if it exists) in name
/// order; a rule with an id already loaded replaces it. Any error rejects the whole set.
pub fn load(override_dir: Option<&Path>) -> Result<Vec<Rule>> {
    let mut rules: Vec<Rule> = Vec::new();
    let mut add = |new: Vec<Rule>| {
        for rule in new {
            rules.retain(|r| r.id != rule.id);
            rules.push(rule);
        }
    };
    for (name, text) in BUILTIN {
        add(parse_file(text, name)?);
    }
    if let Some(dir) = override_dir.filter(|d| d.is_dir()) {
        let mut files: Vec<_> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            add(parse_file(&text, &path.display().to_string())?);
        }
    }
    let groups: BTreeSet<&str> = rules.iter().flat_map(|r| r.groups.iter().map(String::as_str)).collect();
    for rule in &rules {
        if let Matcher::Composite { group, .. } = &rule.matcher {
            if !groups.contains(group.as_str()) {
                bail!("{}: rule {} counts group `{group}`, which no rule has", rule.file, rule.id);
            }
        }
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_load() {
        let rules = load(None).unwrap();
        assert!(rules.iter().any(|r| r.block), "some rule blocks");
        let mut ids: Vec<u32> = rules.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), rules.len(), "ids are unique");
    }

    #[test]
    fn kernel_denial_lines_name_the_subject_not_its_parent() {
        let rules = load(None).unwrap();
        let rule = rules.iter().find(|r| r.id == 5103).unwrap();
        let Matcher::Base { pattern: Some(re), .. } = &rule.matcher else { panic!("5103 has a pattern") };
        let line = b"rampart: denied /dev/mem (memory device) by /usr/sbin/tool[tool:4242] uid/euid:1000/0 gid/egid:1000/1000, parent /bin/bash[bash:17] uid/euid:0/0 gid/egid:0/0";
        let c = re.captures(line).unwrap();
        let got = |n: &str| String::from_utf8_lossy(&c[n]).into_owned();
        assert_eq!(
            (got("exe"), got("comm"), got("pid"), got("uid")),
            ("/usr/sbin/tool".into(), "tool".into(), "4242".into(), "1000".into())
        );
    }

    #[test]
    fn bad_rules_are_rejected_with_location() {
        let bad = [
            ("[[rule]]\nid = 1\nlevel = 3\ndescription = \"x\"\npattern = \"(\"\n", "bad pattern"),
            ("[[rule]]\nid = 1\nlevel = 30\ndescription = \"x\"\nprogram = \"a\"\n", "over 15"),
            ("[[rule]]\nid = 1\nlevel = 3\ndescription = \"x\"\n", "needs a pattern"),
            (
                "[[rule]]\nid = 1\nlevel = 3\ndescription = \"x\"\nprogram = \"a\"\nresponse = \"block\"\n",
                "only composite",
            ),
            ("[[rule]]\nid = 1\nlevel = 3\ndescription = \"x\"\nif_matched_group = \"g\"\nfrequency = 2\n", "together"),
            ("[[rule]]\nid = 1\nlevel = 3\ndescription = \"x\"\nprogram = \"a\"\ntypo = 1\n", "not a valid rule file"),
        ];
        for (text, want) in bad {
            let err = format!("{:#}", parse_file(text, "t.toml").unwrap_err());
            assert!(err.contains(want), "{err}");
            assert!(err.contains("t.toml"), "{err}");
        }
    }

    #[test]
    fn duplicate_ids_and_bad_patterns_name_their_line() {
        let text = "[[rule]]\nid = 7\nlevel = 3\ndescription = \"a\"\nprogram = \"a\"\n\n\
                    [[rule]]\nid = 7\nlevel = 3\ndescription = \"b\"\nprogram = \"b\"\n";
        let err = format!("{:#}", parse_file(text, "t.toml").unwrap_err());
        assert!(err.contains("t.toml:8: rule 7") && err.contains("line 2"), "{err}");
        let text = "[[rule]]\nid = 1\nlevel = 3\ndescription = \"x\"\n\npattern = '(unclosed'\n";
        let err = format!("{:#}", parse_file(text, "t.toml").unwrap_err());
        assert!(err.contains("t.toml:6: rule 1: bad pattern"), "{err}");
    }

    #[test]
    fn override_replaces_by_id_and_checks_groups() {
        let dir = std::env::temp_dir().join(format!("hidsd-rules-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = load(None).unwrap().into_iter().next().unwrap();
        std::fs::write(
            dir.join("local.toml"),
            format!("[[rule]]\nid = {}\nlevel = 1\ndescription = \"mine\"\nprogram = \"x\"\n", first.id),
        )
        .unwrap();
        let rules = load(Some(&dir)).unwrap();
        assert_eq!(rules.iter().find(|r| r.id == first.id).unwrap().description, "mine");
        std::fs::write(
            dir.join("zz.toml"),
            "[[rule]]\nid = 99999\nlevel = 1\ndescription = \"x\"\nif_matched_group = \"nope\"\nfrequency = 2\ntimeframe = 5\n",
        )
        .unwrap();
        assert!(load(Some(&dir)).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
