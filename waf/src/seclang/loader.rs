//! Loads SecLang files into a [`RuleSet`]: every directive either understood or an error with
//! file:line.

use super::actions::{Actions, Disruptive};
use super::lexer::{self, Directive};
use super::rules::{Item, Rule, RuleSet};
use super::variables::parse_targets;
use crate::engine::operators::OperatorSpec;
use crate::engine::EngineMode;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A load error: the file and line of the directive and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file.
    pub file: String,
    /// 1-based line (0: the file as a whole).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for LoadError {}

/// Builds a [`RuleSet`] from files, in order.
#[derive(Debug, Default)]
pub struct Loader {
    set: RuleSet,
    defaults: [Option<Actions>; 6],
    chain_open: bool,
    depth: usize,
}

impl Loader {
    /// A loader with the default settings.
    pub fn new() -> Loader {
        Loader::default()
    }

    /// Loads one file (or every `*.conf` of a directory, sorted).
    pub fn load_path(&mut self, path: &Path) -> Result<(), LoadError> {
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| self.io_err(path, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "conf"))
                .collect();
            files.sort();
            for f in files {
                self.load_path(&f)?;
            }
            return Ok(());
        }
        let text = std::fs::read_to_string(path).map_err(|e| self.io_err(path, e))?;
        let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        self.load_text(&text, &path.display().to_string(), &base)
    }

    fn io_err(&self, path: &Path, e: std::io::Error) -> LoadError {
        LoadError { file: path.display().to_string(), line: 0, message: e.to_string() }
    }

    /// Loads SecLang text; `name` is used in errors, `base` resolves relative file names.
    pub fn load_text(&mut self, text: &str, name: &str, base: &Path) -> Result<(), LoadError> {
        let file: Arc<str> = Arc::from(name);
        self.set.files.push(name.to_string());
        let err = |line: usize, message: String| LoadError { file: name.to_string(), line, message };
        let directives = lexer::directives(text).map_err(|e| err(e.line, e.message))?;
        for d in directives {
            self.directive(&d, &file, base).map_err(|m| err(d.line, m))?;
        }
        if self.chain_open {
            return Err(err(0, "the last rule has `chain` but no rule follows".into()));
        }
        Ok(())
    }

    /// Finishes loading: every `skipAfter` must name a marker.
    pub fn finish(self) -> Result<RuleSet, LoadError> {
        let mut set = self.set;
        for (i, item) in set.items.iter().enumerate() {
            if let Item::Marker(m) = item {
                set.markers.entry(m.clone()).or_insert(i);
            }
        }
        for item in &set.items {
            if let Item::Rule(r) = item {
                let mut cur: Option<&Rule> = Some(r);
                while let Some(rule) = cur {
                    if let Some(m) = &rule.actions.skip_after {
                        if !set.markers.contains_key(m) {
                            return Err(LoadError {
                                file: rule.file.to_string(),
                                line: rule.line,
                                message: format!("skipAfter:{m}: no such SecMarker"),
                            });
                        }
                    }
                    cur = rule.chain.as_deref();
                }
            }
        }
        Ok(set)
    }

    fn directive(&mut self, d: &Directive, file: &Arc<str>, base: &Path) -> Result<(), String> {
        let arg = |n: usize| {
            d.args.get(n).map(String::as_str).ok_or_else(|| format!("{} needs {} argument(s)", d.name, n + 1))
        };
        let s = &mut self.set.settings;
        match d.name.to_ascii_lowercase().as_str() {
            "secrule" => {
                if d.args.len() < 2 || d.args.len() > 3 {
                    return Err("SecRule takes VARIABLES OPERATOR [ACTIONS]".into());
                }
                let targets = parse_targets(&d.args[0])?;
                let op = OperatorSpec::parse(&d.args[1], base)?;
                let actions = Actions::parse(d.args.get(2).map_or("", |s| s.as_str()))?;
                self.add_rule(targets, op, actions, file, d.line)?;
            }
            "secaction" => {
                let op = OperatorSpec::parse("@unconditionalMatch", base)?;
                let actions = Actions::parse(arg(0)?)?;
                self.add_rule(Vec::new(), op, actions, file, d.line)?;
            }
            "secmarker" => {
                self.close_chain_check()?;
                self.set.items.push(Item::Marker(arg(0)?.to_string()));
            }
            "secdefaultaction" => {
                let a = Actions::parse(arg(0)?)?;
                let phase = a.phase.ok_or("SecDefaultAction needs a phase")?;
                if a.disruptive.is_none() {
                    return Err("SecDefaultAction needs a disruptive action".into());
                }
                self.defaults[phase as usize] = Some(a);
            }
            "seccomponentsignature" => s.components.push(arg(0)?.to_string()),
            "secruleengine" => s.engine = EngineMode::parse(arg(0)?)?,
            "secrequestbodyaccess" => s.request_body_access = on_off(arg(0)?)?,
            "secresponsebodyaccess" => s.response_body_access = on_off(arg(0)?)?,
            "secrequestbodylimit" => s.request_body_limit = number(arg(0)?)?,
            "secrequestbodynofileslimit" => s.request_body_no_files_limit = number(arg(0)?)?,
            "secrequestbodyinmemorylimit" => {
                number(arg(0)?)?;
            }
            "secresponsebodylimit" => s.response_body_limit = number(arg(0)?)?,
            "secrequestbodylimitaction" => s.request_body_limit_reject = limit_action(arg(0)?)?,
            "secresponsebodylimitaction" => s.response_body_limit_reject = limit_action(arg(0)?)?,
            "secresponsebodymimetype" => {
                s.response_mime_types = d.args.iter().flat_map(|a| a.split_whitespace().map(str::to_string)).collect()
            }
            "secresponsebodymimetypesclear" => s.response_mime_types.clear(),
            "secargumentseparator" => {
                let a = arg(0)?;
                if a.len() != 1 {
                    return Err("SecArgumentSeparator takes one character".into());
                }
                s.argument_separator = a.as_bytes()[0];
            }
            "secruleremovebyid" => {
                for a in &d.args {
                    for part in a.split_whitespace() {
                        let (lo, hi) = id_range(part)?;
                        self.set.items.retain(|i| !matches!(i, Item::Rule(r) if r.id >= lo && r.id <= hi));
                    }
                }
            }
            "secruleremovebytag" => {
                let tag = arg(0)?.to_string();
                self.set.items.retain(|i| !matches!(i, Item::Rule(r) if r.has_tag(&tag)));
            }
            "secruleupdatetargetbyid" => {
                let (lo, hi) = id_range(arg(0)?)?;
                let targets = parse_targets(arg(1)?)?;
                let mut found = false;
                for r in self.set.rules_by_id_mut(lo, hi) {
                    r.targets.extend(targets.iter().cloned());
                    found = true;
                }
                if !found {
                    return Err(format!("SecRuleUpdateTargetById: no rule {}", arg(0)?));
                }
            }
            "secruleupdatetargetbytag" => {
                let tag = arg(0)?.to_string();
                let targets = parse_targets(arg(1)?)?;
                for i in &mut self.set.items {
                    if let Item::Rule(r) = i {
                        if r.has_tag(&tag) {
                            r.targets.extend(targets.iter().cloned());
                        }
                    }
                }
            }
            "secruleupdateactionbyid" => {
                let (lo, hi) = id_range(arg(0)?)?;
                let new = Actions::parse(arg(1)?)?;
                for r in self.set.rules_by_id_mut(lo, hi) {
                    if new.disruptive.is_some() {
                        r.actions.disruptive = new.disruptive;
                    }
                    if new.status.is_some() {
                        r.actions.status = new.status;
                    }
                    r.actions.tags.extend(new.tags.iter().cloned());
                    r.actions.effects.extend(new.effects.iter().cloned());
                }
            }
            "include" => {
                let pattern = arg(0)?;
                self.include(pattern, base)?;
            }
            // Logging, storage and limits this engine has no use for: accepted, validated as present.
            "secauditengine"
            | "secauditlog"
            | "secauditlogparts"
            | "secauditlogtype"
            | "secauditlogformat"
            | "secauditlogrelevantstatus"
            | "secauditlogstoragedir"
            | "secauditlogdirmode"
            | "secauditlogfilemode"
            | "secdebuglog"
            | "secdebugloglevel"
            | "sectmpdir"
            | "secdatadir"
            | "secuploaddir"
            | "secuploadkeepfiles"
            | "secuploadfilemode"
            | "seccollectiontimeout"
            | "seccookieformat"
            | "secunicodemapfile"
            | "secstatusengine"
            | "secpcrematchlimit"
            | "secpcrematchlimitrecursion"
            | "secrequestbodyjsondepthlimit"
            | "secargumentslimit"
            | "sectmpsaveuploadedfiles"
            | "secuploadfilelimit"
            | "secgeolookupdb"
            | "sechttpblkey"
            | "secserversignature" => {
                arg(0)?;
            }
            other => return Err(format!("unknown directive {other:?}")),
        }
        Ok(())
    }

    fn close_chain_check(&self) -> Result<(), String> {
        if self.chain_open {
            return Err("a rule with `chain` must be followed by a SecRule".into());
        }
        Ok(())
    }

    fn include(&mut self, pattern: &str, base: &Path) -> Result<(), String> {
        if self.depth > 16 {
            return Err("Include nested too deeply".into());
        }
        let path = base.join(pattern);
        let files: Vec<PathBuf> = match path.file_name().and_then(|f| f.to_str()) {
            Some(name) if name.contains('*') => {
                let (pre, post) = name.split_once('*').unwrap_or((name, ""));
                let dir = path.parent().unwrap_or(Path::new("."));
                let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
                    .map_err(|e| format!("Include {pattern}: {e}"))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.file_name().and_then(|f| f.to_str()).is_some_and(|f| f.starts_with(pre) && f.ends_with(post))
                    })
                    .collect();
                v.sort();
                v
            }
            _ => vec![path],
        };
        self.depth += 1;
        for f in files {
            self.load_path(&f).map_err(|e| format!("in Include: {e}"))?;
        }
        self.depth -= 1;
        Ok(())
    }

    fn add_rule(
        &mut self,
        targets: Vec<super::variables::Target>,
        op: OperatorSpec,
        mut actions: Actions,
        file: &Arc<str>,
        line: usize,
    ) -> Result<(), String> {
        let chained = self.chain_open;
        self.chain_open = actions.chain;
        if chained {
            if actions.id.is_some() || actions.phase.is_some() {
                return Err("a chained rule may not have id or phase".into());
            }
            if actions.disruptive.is_some() {
                return Err("a chained rule may not have a disruptive action".into());
            }
            let Some(Item::Rule(head)) = self.set.items.last_mut() else {
                return Err("chained rule without a head".into());
            };
            let phase = head.phase;
            let rule = Rule { id: 0, phase, file: file.clone(), line, targets, op, actions, chain: None };
            head.last_mut().chain = Some(Box::new(rule));
            return Ok(());
        }
        let id = actions.id.ok_or("rule has no id")?;
        let phase = actions.phase.unwrap_or(2);
        if let Some(def) = &self.defaults[phase as usize] {
            if actions.disruptive.is_none() {
                actions.disruptive = def.disruptive;
            }
            if actions.log.is_none() {
                actions.log = def.log;
            }
            if actions.auditlog.is_none() {
                actions.auditlog = def.auditlog;
            }
            if !actions.transforms_reset && !def.transforms.is_empty() {
                let mut t = def.transforms.clone();
                t.append(&mut actions.transforms);
                actions.transforms = t;
            }
            if actions.status.is_none() {
                actions.status = def.status;
            }
        }
        if actions.disruptive.is_none() {
            actions.disruptive = Some(Disruptive::Pass);
        }
        self.set.items.push(Item::Rule(Box::new(Rule {
            id,
            phase,
            file: file.clone(),
            line,
            targets,
            op,
            actions,
            chain: None,
        })));
        Ok(())
    }
}

fn on_off(v: &str) -> Result<bool, String> {
    match v.to_ascii_lowercase().as_str() {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(format!("expected On or Off, got {v:?}")),
    }
}

fn number(v: &str) -> Result<usize, String> {
    v.trim().parse().map_err(|_| format!("expected a number, got {v:?}"))
}

fn limit_action(v: &str) -> Result<bool, String> {
    match v.to_ascii_lowercase().as_str() {
        "reject" => Ok(true),
        "processpartial" => Ok(false),
        _ => Err(format!("expected Reject or ProcessPartial, got {v:?}")),
    }
}

fn id_range(v: &str) -> Result<(u64, u64), String> {
    let bad = || format!("bad rule id {v:?}");
    match v.split_once('-') {
        Some((a, b)) => Ok((a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?)),
        None => {
            let n = v.trim().parse().map_err(|_| bad())?;
            Ok((n, n))
        }
    }
}

/// Loads `paths` in order (files, or directories of `*.conf`).
pub fn load_paths<P: AsRef<Path>>(paths: &[P]) -> Result<RuleSet, LoadError> {
    let mut l = Loader::new();
    for p in paths {
        l.load_path(p.as_ref())?;
    }
    l.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<RuleSet, LoadError> {
        let mut l = Loader::new();
        l.load_text(text, "t.conf", Path::new("."))?;
        l.finish()
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = load("SecRuleEngine On\n\nSecFrobnicate x\n").unwrap_err();
        assert_eq!(e.to_string(), "t.conf:3: unknown directive \"secfrobnicate\"");
        let e = load("SecRule ARGS \"@nope x\" \"id:1\"").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("@nope"));
    }

    #[test]
    fn chains_and_markers() {
        let s = load(
            "SecRule ARGS \"@rx a\" \"id:1,phase:2,deny,chain\"\n  SecRule ARGS \"@rx b\" \"t:none\"\nSecMarker END\n\
             SecAction \"id:2,phase:1,pass,skipAfter:END\"\n",
        )
        .unwrap();
        assert_eq!(s.rule_count(), 2);
        assert_eq!(s.markers["END"], 1);
        assert!(load("SecAction \"id:2,skipAfter:NOPE\"").is_err());
    }
}
