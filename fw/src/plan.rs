//! `plan`: what applying a policy would change in the loaded table, chain by chain and
//! set by set, from both sides' JSON (the wanted side is the script loaded into a
//! scratch network namespace, so both are in the kernel's own normal form).

use crate::state::{Chain, Table};
use std::collections::BTreeSet;

fn rule_text(comment: &str) -> String {
    if comment.is_empty() {
        "rule without a comment (not rampart-fw's)".into()
    } else {
        format!("\"{comment}\"")
    }
}

fn chain_changes(name: &str, live: &Chain, want: &Chain, out: &mut Vec<String>) {
    if live.base != want.base {
        out.push(format!("chain {name}: {} -> {}", live.base, want.base));
    }
    if live.policy != want.policy {
        let p = |p: &Option<String>| p.clone().unwrap_or_else(|| "none".into());
        out.push(format!("chain {name}: policy {} -> {}", p(&live.policy), p(&want.policy)));
    }
    let before = out.len();
    let mut unmatched: Vec<bool> = vec![true; live.rules.len()];
    let mut added = Vec::new();
    for r in &want.rules {
        match live.rules.iter().enumerate().position(|(i, l)| unmatched[i] && l == r) {
            Some(i) => unmatched[i] = false,
            None => added.push(r),
        }
    }
    for (i, r) in live.rules.iter().enumerate() {
        if unmatched[i] {
            out.push(format!("chain {name}: - {}", rule_text(&r.comment)));
        }
    }
    for r in added {
        out.push(format!("chain {name}: + {}", rule_text(&r.comment)));
    }
    if out.len() == before && live.rules != want.rules {
        out.push(format!("chain {name}: rules reordered"));
    }
}

/// The changes from `live` (None: no table) to `want`, one line each; empty when
/// nothing would change. Runtime sets' elements (blocks, quick allows, meters) are not
/// compared: apply keeps them.
pub fn diff(live: Option<&Table>, want: &Table) -> Vec<String> {
    let empty = Table::default();
    let live = live.unwrap_or(&empty);
    let mut out = Vec::new();
    if live == &empty {
        out.push("table inet rampart: created".to_string());
    }
    let names: BTreeSet<&String> = live.chains.keys().chain(want.chains.keys()).collect();
    for name in names {
        match (live.chains.get(name), want.chains.get(name)) {
            (Some(_), None) => out.push(format!("chain {name}: removed")),
            (None, Some(w)) => {
                let policy = w.policy.as_ref().map(|p| format!(", policy {p}")).unwrap_or_default();
                out.push(format!("chain {name}: new ({}{policy}), {} rules", w.base, w.rules.len()));
            }
            (Some(l), Some(w)) => chain_changes(name, l, w, &mut out),
            (None, None) => {}
        }
    }
    let names: BTreeSet<&String> = live.sets.keys().chain(want.sets.keys()).collect();
    for name in names {
        match (live.sets.get(name), want.sets.get(name)) {
            (Some(_), None) => out.push(format!("set {name}: removed")),
            (None, Some(w)) => {
                let elems = if w.elems.is_empty() { String::new() } else { format!(": {}", w.elems.join(", ")) };
                out.push(format!("set {name}: new{elems}"));
            }
            (Some(l), Some(w)) => {
                if l.def != w.def {
                    out.push(format!("set {name}: {} -> {}", l.def, w.def));
                }
                for e in w.elems.iter().filter(|e| !l.elems.contains(e)) {
                    out.push(format!("set {name}: + {e}"));
                }
                for e in l.elems.iter().filter(|e| !w.elems.contains(e)) {
                    out.push(format!("set {name}: - {e}"));
                }
            }
            (None, None) => {}
        }
    }
    out
}
