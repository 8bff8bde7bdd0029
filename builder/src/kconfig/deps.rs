//! An index of the kernel's Kconfig files: where each symbol is defined, what it
//! depends on (its own `depends on` plus enclosing `if`/`menu`/`choice` conditions),
//! and who selects it. Used to say *why* a requested value did not stick.

use super::dotconfig::DotConfig;
use super::expr;
use anyhow::Result;
use std::collections::HashMap;
use std::path::Path;

/// One definition of a symbol (a symbol may be defined in several places).
#[derive(Debug, Clone, Default)]
pub struct SymbolDef {
    /// `path:line` of the `config` line, relative to the tree.
    pub location: String,
    /// `bool`, `tristate`, `string`, `int`, `hex`, or empty when not declared here.
    pub kind: String,
    /// Whether the user can set it (it has a prompt); otherwise only `select`/defaults set it.
    pub has_prompt: bool,
    /// Every condition the symbol depends on, as written.
    pub depends: Vec<String>,
}

/// Symbols of one kernel tree, for one architecture.
#[derive(Debug, Default)]
pub struct KconfigIndex {
    defs: HashMap<String, Vec<SymbolDef>>,
    selected_by: HashMap<String, Vec<String>>,
}

#[derive(Clone, Copy, PartialEq)]
enum Context {
    Nothing,
    Entry(usize),
    Block,
}

#[derive(Default)]
struct FileScan {
    defs: Vec<(String, SymbolDef)>,
    selects: Vec<(String, String)>,
}

fn indent_of(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).map(|c| if c == '\t' { 8 } else { 1 }).sum()
}

fn type_and_prompt(keyword: &str, rest: &str) -> Option<(&'static str, bool)> {
    let quoted = rest.trim_start().starts_with('"');
    Some(match keyword {
        "bool" => ("bool", quoted),
        "tristate" => ("tristate", quoted),
        "string" => ("string", quoted),
        "int" => ("int", quoted),
        "hex" => ("hex", quoted),
        "def_bool" => ("bool", false),
        "def_tristate" => ("tristate", false),
        _ => return None,
    })
}

/// Scans the text of one Kconfig file.
fn scan_text(text: &str, file: &str) -> FileScan {
    let mut out = FileScan::default();
    let mut conditions: Vec<Vec<String>> = Vec::new();
    let mut context = Context::Nothing;
    let mut help_indent: Option<Option<usize>> = None;
    let mut lines = text.lines().enumerate().peekable();
    while let Some((idx, raw)) = lines.next() {
        let mut line = raw.to_string();
        while line.ends_with('\\') {
            line.pop();
            match lines.next() {
                Some((_, next)) => line.push_str(next),
                None => break,
            }
        }
        if let Some(expected) = help_indent {
            if line.trim().is_empty() {
                continue;
            }
            let indent = indent_of(&line);
            match expected {
                None => {
                    help_indent = Some(Some(indent));
                    continue;
                }
                Some(min) if indent >= min => continue,
                Some(_) => help_indent = None,
            }
        }
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (keyword, rest) = trimmed.split_once(char::is_whitespace).unwrap_or((trimmed, ""));
        let rest = rest.trim();
        match keyword {
            "config" | "menuconfig" => {
                let def = SymbolDef {
                    location: format!("{file}:{}", idx + 1),
                    depends: conditions.iter().flatten().cloned().collect(),
                    ..SymbolDef::default()
                };
                out.defs.push((rest.to_string(), def));
                context = Context::Entry(out.defs.len() - 1);
            }
            "help" | "---help---" => help_indent = Some(None),
            "depends" => {
                let cond = rest.strip_prefix("on").unwrap_or(rest).trim().to_string();
                match context {
                    Context::Entry(i) => out.defs[i].1.depends.push(cond),
                    Context::Block => {
                        if let Some(top) = conditions.last_mut() {
                            top.push(cond);
                        }
                    }
                    Context::Nothing => {}
                }
            }
            "select" => {
                if let Context::Entry(i) = context {
                    let target = rest.split_whitespace().next().unwrap_or("").to_string();
                    out.selects.push((target, out.defs[i].0.clone()));
                }
            }
            "prompt" => {
                if let Context::Entry(i) = context {
                    out.defs[i].1.has_prompt = true;
                }
            }
            "if" => {
                conditions.push(vec![rest.to_string()]);
                context = Context::Nothing;
            }
            "menu" | "choice" => {
                conditions.push(Vec::new());
                context = Context::Block;
            }
            "endif" | "endmenu" | "endchoice" => {
                conditions.pop();
                context = Context::Nothing;
            }
            "comment" | "source" | "rsource" | "osource" | "mainmenu" => context = Context::Nothing,
            _ => {
                if let (Context::Entry(i), Some((kind, prompt))) = (context, type_and_prompt(keyword, rest)) {
                    let def = &mut out.defs[i].1;
                    def.kind = kind.to_string();
                    def.has_prompt |= prompt;
                }
            }
        }
    }
    out
}

impl KconfigIndex {
    /// Scans every Kconfig file of `tree`, skipping other architectures than `arch`.
    pub fn scan(tree: &Path, arch: &str) -> Result<Self> {
        let mut index = Self::default();
        let skip_dirs = ["Documentation", "tools", ".git"];
        let walker = walkdir::WalkDir::new(tree).sort_by_file_name().into_iter().filter_entry(|e| {
            let rel = e.path().strip_prefix(tree).unwrap_or(e.path());
            let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
            match (parts.next(), parts.next()) {
                (Some(top), _) if skip_dirs.contains(&top.as_ref()) => false,
                (Some(top), Some(sub)) if top == "arch" && e.file_type().is_dir() => sub == arch,
                _ => true,
            }
        });
        for entry in walker {
            let entry = entry?;
            if !entry.file_type().is_file() || !entry.file_name().to_string_lossy().starts_with("Kconfig") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
            let rel = entry.path().strip_prefix(tree)?.display().to_string();
            index.add(scan_text(&text, &rel));
        }
        Ok(index)
    }

    fn add(&mut self, scan: FileScan) {
        for (symbol, def) in scan.defs {
            self.defs.entry(symbol).or_default().push(def);
        }
        for (target, selector) in scan.selects {
            self.selected_by.entry(target).or_default().push(selector);
        }
    }

    /// Tristate symbols (drivers that could be modules) defined under any of `dirs`.
    pub fn tristates_under(&self, dirs: &[&str]) -> std::collections::BTreeSet<String> {
        self.defs
            .iter()
            .filter(|(_, defs)| {
                defs.iter().any(|d| d.kind == "tristate" && dirs.iter().any(|dir| d.location.starts_with(dir)))
            })
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// Symbols that, set to `y`, would meet `symbol`'s unmet dependencies in `config`:
    /// the plain symbols among its unmet `depends on` conjuncts that a user can set
    /// (bool or tristate with a prompt). Conditions that are not plain symbols (`A || B`,
    /// comparisons, negations) are left for the report.
    pub fn enablers(&self, symbol: &str, config: &DotConfig) -> Vec<String> {
        let mut out = Vec::new();
        for def in self.defs.get(symbol).into_iter().flatten() {
            for cond in &def.depends {
                let Some(e) = expr::parse(cond) else { continue };
                for term in e.conjuncts() {
                    if let expr::Expr::Atom(name) = term {
                        let settable = self.defs.get(name.as_str()).is_some_and(|d| {
                            d.iter().any(|d| d.has_prompt && (d.kind == "bool" || d.kind == "tristate"))
                        });
                        if term.eval(config) == 0 && settable && !out.contains(name) {
                            out.push(name.clone());
                        }
                    }
                }
            }
        }
        out
    }

    /// Reasons `symbol` did not take `requested` in `config`, most specific first.
    pub fn explain(&self, symbol: &str, requested: &str, config: &DotConfig) -> Vec<String> {
        let Some(defs) = self.defs.get(symbol) else {
            return vec!["no such symbol in this kernel's Kconfig (misspelt, or not in this version)".into()];
        };
        let mut reasons = Vec::new();
        let needed = match requested {
            "y" => 2,
            "m" => 1,
            _ => 0,
        };
        if needed == 0 {
            let selectors: Vec<String> = self
                .selected_by
                .get(symbol)
                .into_iter()
                .flatten()
                .filter(|s| config.value(s) != "n")
                .map(|s| format!("{s} [={}]", config.value(s)))
                .collect();
            if !selectors.is_empty() {
                reasons.push(format!("selected by {}", selectors.join(", ")));
            }
        }
        for def in defs {
            if needed == 1 && def.kind == "bool" {
                reasons.push(format!("is a bool and cannot be =m ({})", def.location));
            }
            for cond in &def.depends {
                match expr::parse(cond) {
                    Some(e) if e.eval(config) < needed => {
                        let unmet: Vec<String> = e
                            .conjuncts()
                            .into_iter()
                            .filter(|t| t.eval(config) < needed)
                            .map(|t| t.annotate(config))
                            .collect();
                        reasons.push(format!("unmet dependency {} ({})", unmet.join(" && "), def.location));
                    }
                    Some(_) => {}
                    None if needed > 0 => reasons.push(format!("depends on {cond} ({})", def.location)),
                    None => {}
                }
            }
        }
        if reasons.is_empty() {
            if let Some(def) = defs.iter().find(|d| !d.has_prompt) {
                reasons.push(format!("has no prompt: only a `select` or a default sets it ({})", def.location));
            } else {
                let at: Vec<&str> = defs.iter().map(|d| d.location.as_str()).collect();
                reasons.push(format!(
                    "dependencies are met; a choice, a range or a default overrode it ({})",
                    at.join(", ")
                ));
            }
        }
        reasons
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KCONFIG: &str = r#"
menu "Outer"
	depends on OUTER

config RUST
	bool "Rust support"
	depends on HAVE_RUST
	depends on RUST_IS_AVAILABLE
	depends on !MODVERSIONS
	select HELPER
	help
	  Enables Rust.

	  depends on NOTHING_THIS_IS_HELP

config HELPER
	bool

if GUARD
config GUARDED
	tristate "guarded"
endif
endmenu

config FREE
	def_bool y

config DRIVER
	tristate "a driver"
	depends on BUS && (PCI || OF) && HAVE_X

config BUS
	bool "a bus"
"#;

    fn index() -> KconfigIndex {
        let mut index = KconfigIndex::default();
        index.add(scan_text(KCONFIG, "init/Kconfig"));
        index
    }

    #[test]
    fn enablers_are_the_settable_symbols_of_unmet_dependencies() {
        let index = index();
        // BUS is settable; (PCI || OF) is not a plain symbol; HAVE_X is undefined here.
        assert_eq!(index.enablers("DRIVER", &DotConfig::parse("")), ["BUS"]);
        assert!(index.enablers("DRIVER", &DotConfig::parse("CONFIG_BUS=y\n")).is_empty());
        // GUARDED sits in `menu` (OUTER, undefined) and `if GUARD` (undefined): nothing settable.
        assert!(index.enablers("GUARDED", &DotConfig::parse("")).is_empty());
    }

    #[test]
    fn collects_own_and_enclosing_conditions() {
        let index = index();
        let rust = &index.defs["RUST"][0];
        assert_eq!(rust.depends, ["OUTER", "HAVE_RUST", "RUST_IS_AVAILABLE", "!MODVERSIONS"]);
        assert!(rust.has_prompt);
        assert_eq!(rust.location, "init/Kconfig:5");
        assert_eq!(index.defs["GUARDED"][0].depends, ["OUTER", "GUARD"]);
        assert_eq!(index.defs["FREE"][0].depends, Vec::<String>::new());
    }

    #[test]
    fn explains_unmet_dependency() {
        let index = index();
        let cfg = DotConfig::parse("CONFIG_OUTER=y\nCONFIG_HAVE_RUST=y\nCONFIG_MODVERSIONS=y\n");
        let reasons = index.explain("RUST", "y", &cfg);
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(reasons[0].contains("RUST_IS_AVAILABLE [=n]"), "{reasons:?}");
        assert!(reasons[1].contains("!MODVERSIONS [=y]"), "{reasons:?}");
    }

    #[test]
    fn explains_selects_prompts_and_unknowns() {
        let index = index();
        let cfg = DotConfig::parse("CONFIG_RUST=y\nCONFIG_HELPER=y\n");
        assert!(index.explain("HELPER", "n", &cfg)[0].contains("selected by RUST [=y]"));
        assert!(index.explain("HELPER", "y", &DotConfig::parse("CONFIG_OUTER=y\n"))[0].contains("no prompt"));
        assert!(index.explain("NOPE", "y", &cfg)[0].contains("no such symbol"));
        let guarded = index.explain("GUARDED", "m", &DotConfig::parse("CONFIG_OUTER=y\n"));
        assert!(guarded[0].contains("GUARD [=n]"), "{guarded:?}");
    }
}
