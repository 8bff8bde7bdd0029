//! The `inet rampart` table as nftables reports it in JSON: chains with their hooks,
//! policies and rules, and sets with their definitions and (for policy sets) elements.

use crate::blockset::RUNTIME_SETS;
use serde_json::Value;
use std::collections::BTreeMap;

/// One rule: its comment and its expressions as the kernel holds them.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The rule's comment (what in the policy it comes from).
    pub comment: String,
    /// The rule's expressions (JSON, handle left out).
    pub expr: Value,
}

/// One chain.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Chain {
    /// `hook`, `prio`, `type` and `policy` as one comparable text.
    pub base: String,
    /// The chain's policy (`accept`/`drop`) for base chains.
    pub policy: Option<String>,
    /// Rules in order.
    pub rules: Vec<Rule>,
}

/// One set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Set {
    /// Type, flags, timeout and size as one comparable text.
    pub def: String,
    /// Elements as text (policy sets only; runtime and dynamic sets are not compared).
    pub elems: Vec<String>,
}

/// The table's chains and sets by name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Chains.
    pub chains: BTreeMap<String, Chain>,
    /// Sets.
    pub sets: BTreeMap<String, Set>,
}

/// Whether set `name` holds runtime state rather than policy (blocks, quick allows,
/// rate-limit and connection-count meters): its elements are not part of a plan.
pub fn is_runtime_set(name: &str) -> bool {
    RUNTIME_SETS.contains(&name) || name.starts_with("svc_")
}

/// Text of one set element as nft's JSON writes it (address, prefix, range, or an
/// object with `val` and timeouts).
pub fn elem_text(e: &Value) -> String {
    match e {
        Value::String(s) => s.clone(),
        Value::Object(o) if o.contains_key("elem") => elem_text(&o["elem"]),
        Value::Object(o) if o.contains_key("val") => elem_text(&o["val"]),
        Value::Object(o) if o.contains_key("prefix") => {
            format!("{}/{}", o["prefix"]["addr"].as_str().unwrap_or("?"), o["prefix"]["len"])
        }
        Value::Object(o) if o.contains_key("range") => {
            let r = &o["range"];
            format!("{}-{}", elem_text(&r[0]), elem_text(&r[1]))
        }
        other => other.to_string(),
    }
}

impl Table {
    /// Builds the table from `nft -j list table` objects.
    pub fn from_objects(objects: &[Value]) -> Self {
        let mut t = Table::default();
        for o in objects {
            if let Some(c) = o.get("chain") {
                let name = c["name"].as_str().unwrap_or_default().to_string();
                let base = if c.get("hook").is_some() {
                    format!("type {} hook {} priority {}", c["type"], c["hook"], c["prio"]).replace('"', "")
                } else {
                    String::new()
                };
                let chain = t.chains.entry(name).or_default();
                chain.base = base;
                chain.policy = c.get("policy").and_then(Value::as_str).map(String::from);
            } else if let Some(r) = o.get("rule") {
                let name = r["chain"].as_str().unwrap_or_default().to_string();
                let rule = Rule {
                    comment: r.get("comment").and_then(Value::as_str).unwrap_or_default().to_string(),
                    expr: r.get("expr").cloned().unwrap_or(Value::Null),
                };
                t.chains.entry(name).or_default().rules.push(rule);
            } else if let Some(s) = o.get("set") {
                let name = s["name"].as_str().unwrap_or_default().to_string();
                let def = format!(
                    "type {} flags {} timeout {} size {}",
                    s["type"],
                    s.get("flags").map_or_else(String::new, Value::to_string),
                    s.get("timeout").map_or_else(String::new, Value::to_string),
                    s.get("size").map_or_else(String::new, Value::to_string),
                )
                .replace('"', "");
                let mut elems: Vec<String> = if is_runtime_set(&name) {
                    Vec::new()
                } else {
                    s.get("elem").and_then(Value::as_array).into_iter().flatten().map(elem_text).collect()
                };
                elems.sort();
                t.sets.insert(name, Set { def, elems });
            }
        }
        t
    }
}
