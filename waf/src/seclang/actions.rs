//! Rule actions: `id:1,phase:2,block,t:none,setvar:'tx.x=+1',ctl:ruleRemoveById=5`.

use super::macros::Macro;
use super::variables::{parse_targets, Target};
use crate::engine::transforms::Transform;

/// What a rule does when it matches, besides its side effects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disruptive {
    /// Go on with the next rule.
    Pass,
    /// The default disruptive action of the phase (`SecDefaultAction`).
    Block,
    /// Stop with an error status.
    Deny,
    /// Close the connection.
    Drop,
    /// Stop rule processing and let the transaction through (`allow`, `allow:phase`, `allow:request`).
    Allow(AllowScope),
    /// Redirect (treated as deny with the given status, 302 by default).
    Redirect,
}

/// How much `allow` lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllowScope {
    /// Everything from here on.
    All,
    /// The rest of this phase.
    Phase,
    /// The rest of the request phases.
    Request,
}

/// `setvar`.
#[derive(Debug, Clone)]
pub struct SetVar {
    /// Collection (`tx`, `ip`, `global`, ...), lower case.
    pub collection: String,
    /// Key, may hold macros.
    pub key: Macro,
    /// What to do.
    pub op: SetOp,
}

/// The kinds of `setvar`.
#[derive(Debug, Clone)]
pub enum SetOp {
    /// `=value`.
    Set(Macro),
    /// `=+value`.
    Add(Macro),
    /// `=-value`.
    Sub(Macro),
    /// `!tx.x`.
    Delete,
}

/// `ctl:` changes to the running transaction.
#[derive(Debug, Clone)]
pub enum Ctl {
    /// `ruleRemoveById=ID` or `=A-B`.
    RuleRemoveById(u64, u64),
    /// `ruleRemoveByTag=TAG`.
    RuleRemoveByTag(String),
    /// `ruleRemoveTargetById=ID;TARGET`.
    RuleRemoveTargetById(u64, Target),
    /// `ruleRemoveTargetByTag=TAG;TARGET`.
    RuleRemoveTargetByTag(String, Target),
    /// `requestBodyProcessor=XML|JSON|URLENCODED|MULTIPART`.
    RequestBodyProcessor(String),
    /// `forceRequestBodyVariable=On|Off`.
    ForceRequestBodyVariable(bool),
    /// `ruleEngine=On|Off|DetectionOnly`.
    RuleEngine(crate::engine::EngineMode),
    /// `requestBodyAccess=On|Off`.
    RequestBodyAccess(bool),
    /// `auditEngine=...`, `auditLogParts=...` and other logging switches (recorded only).
    Logging(String),
}

/// Side effects, run in the order written.
#[derive(Debug, Clone)]
pub enum Effect {
    /// `setvar`.
    SetVar(SetVar),
    /// `ctl`.
    Ctl(Ctl),
}

/// The parsed actions of one rule (or of `SecDefaultAction`).
#[derive(Debug, Clone, Default)]
pub struct Actions {
    /// `id`.
    pub id: Option<u64>,
    /// `phase`.
    pub phase: Option<u8>,
    /// `msg`.
    pub msg: Option<Macro>,
    /// `logdata`.
    pub logdata: Option<Macro>,
    /// `severity` as a number (0 emergency .. 7 debug).
    pub severity: Option<u8>,
    /// `tag`s.
    pub tags: Vec<String>,
    /// `ver`.
    pub ver: Option<String>,
    /// `t:` transformations; `t:none` clears what was inherited.
    pub transforms: Vec<Transform>,
    /// Whether `t:none` appeared.
    pub transforms_reset: bool,
    /// The disruptive action.
    pub disruptive: Option<Disruptive>,
    /// `status`.
    pub status: Option<u16>,
    /// `chain`.
    pub chain: bool,
    /// `capture`.
    pub capture: bool,
    /// `multiMatch`.
    pub multi_match: bool,
    /// `log` / `nolog`.
    pub log: Option<bool>,
    /// `auditlog` / `noauditlog`.
    pub auditlog: Option<bool>,
    /// `skipAfter`.
    pub skip_after: Option<String>,
    /// `skip`.
    pub skip: Option<usize>,
    /// `setvar` and `ctl` in order.
    pub effects: Vec<Effect>,
}

/// Splits an action list on the commas outside single quotes.
fn split_actions(text: &str) -> Result<Vec<(String, Option<String>)>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut value: Option<String> = None;
    let mut in_quote = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (&mut value, c) {
            (_, '\\') if in_quote && chars.peek() == Some(&'\'') => {
                chars.next();
                value.get_or_insert_with(String::new).push('\'');
            }
            (Some(v), '\'') if v.trim().is_empty() && !in_quote => {
                v.clear();
                in_quote = true;
            }
            (Some(_), '\'') if in_quote => in_quote = false,
            (_, ',') if !in_quote => {
                push_action(&mut out, &mut cur, &mut value);
            }
            (None, ':') => value = Some(String::new()),
            (Some(v), c) => v.push(c),
            (None, c) => cur.push(c),
        }
    }
    if in_quote {
        return Err("unterminated quote in actions".into());
    }
    push_action(&mut out, &mut cur, &mut value);
    Ok(out)
}

fn push_action(out: &mut Vec<(String, Option<String>)>, cur: &mut String, value: &mut Option<String>) {
    let name = cur.trim().to_string();
    let v = value.take();
    cur.clear();
    if !name.is_empty() {
        out.push((name, v));
    }
}

fn need(name: &str, v: &Option<String>) -> Result<String, String> {
    v.clone().ok_or_else(|| format!("action {name} needs a value"))
}

fn on_off(v: &str) -> Result<bool, String> {
    match v.to_ascii_lowercase().as_str() {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(format!("expected On or Off, got {v:?}")),
    }
}

fn parse_severity(v: &str) -> Result<u8, String> {
    let names = ["EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO", "DEBUG"];
    if let Ok(n) = v.parse::<u8>() {
        if n < 8 {
            return Ok(n);
        }
    }
    names
        .iter()
        .position(|n| n.eq_ignore_ascii_case(v))
        .map(|p| p as u8)
        .ok_or_else(|| format!("unknown severity {v:?}"))
}

fn parse_phase(v: &str) -> Result<u8, String> {
    match v.to_ascii_lowercase().as_str() {
        "request" => Ok(2),
        "response" => Ok(4),
        "logging" => Ok(5),
        n => match n.parse::<u8>() {
            Ok(p @ 1..=5) => Ok(p),
            _ => Err(format!("bad phase {v:?}")),
        },
    }
}

fn parse_setvar(v: &str) -> Result<SetVar, String> {
    let (delete, v) = match v.strip_prefix('!') {
        Some(r) => (true, r),
        None => (false, v),
    };
    let (name, value) = match v.split_once('=') {
        Some((n, val)) => (n, Some(val)),
        None => (v, None),
    };
    let (collection, key) = name.split_once('.').ok_or_else(|| format!("setvar {v:?}: no collection"))?;
    let op = if delete {
        SetOp::Delete
    } else {
        match value {
            None => SetOp::Set(Macro::parse("1")?),
            Some(val) => {
                if let Some(r) = val.strip_prefix('+') {
                    SetOp::Add(Macro::parse(r)?)
                } else if let Some(r) = val.strip_prefix('-') {
                    SetOp::Sub(Macro::parse(r)?)
                } else {
                    SetOp::Set(Macro::parse(val)?)
                }
            }
        }
    };
    Ok(SetVar { collection: collection.to_ascii_lowercase(), key: Macro::parse(&key.to_ascii_lowercase())?, op })
}

fn parse_id_range(v: &str) -> Result<(u64, u64), String> {
    let bad = || format!("bad rule id or range {v:?}");
    match v.split_once('-') {
        Some((a, b)) => Ok((a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?)),
        None => {
            let n = v.trim().parse().map_err(|_| bad())?;
            Ok((n, n))
        }
    }
}

fn one_target(t: &str) -> Result<Target, String> {
    let mut v = parse_targets(t)?;
    if v.len() != 1 {
        return Err(format!("expected one target, got {t:?}"));
    }
    Ok(v.remove(0))
}

fn parse_ctl(v: &str) -> Result<Ctl, String> {
    let (name, value) = v.split_once('=').ok_or_else(|| format!("ctl {v:?}: expected name=value"))?;
    let value = value.trim();
    Ok(match name.trim().to_ascii_lowercase().as_str() {
        "ruleremovebyid" => {
            let (a, b) = parse_id_range(value)?;
            Ctl::RuleRemoveById(a, b)
        }
        "ruleremovebytag" => Ctl::RuleRemoveByTag(value.to_string()),
        "ruleremovetargetbyid" => {
            let (id, t) = value.split_once(';').ok_or("ruleRemoveTargetById=ID;TARGET")?;
            Ctl::RuleRemoveTargetById(id.trim().parse().map_err(|_| format!("bad id {id:?}"))?, one_target(t)?)
        }
        "ruleremovetargetbytag" => {
            let (tag, t) = value.split_once(';').ok_or("ruleRemoveTargetByTag=TAG;TARGET")?;
            Ctl::RuleRemoveTargetByTag(tag.to_string(), one_target(t)?)
        }
        "requestbodyprocessor" => {
            let p = value.to_ascii_uppercase();
            if !["XML", "JSON", "URLENCODED", "MULTIPART"].contains(&p.as_str()) {
                return Err(format!("unknown request body processor {value:?}"));
            }
            Ctl::RequestBodyProcessor(p)
        }
        "forcerequestbodyvariable" => Ctl::ForceRequestBodyVariable(on_off(value)?),
        "requestbodyaccess" => Ctl::RequestBodyAccess(on_off(value)?),
        "ruleengine" => Ctl::RuleEngine(crate::engine::EngineMode::parse(value)?),
        "auditengine" | "auditlogparts" | "debugloglevel" | "hashengine" => Ctl::Logging(v.to_string()),
        other => return Err(format!("unknown ctl {other:?}")),
    })
}

impl Actions {
    /// Parses an action list.
    pub fn parse(text: &str) -> Result<Actions, String> {
        let mut a = Actions::default();
        for (name, v) in split_actions(text)? {
            match name.to_ascii_lowercase().as_str() {
                "id" => a.id = Some(need(&name, &v)?.trim().parse().map_err(|_| format!("bad id {v:?}"))?),
                "phase" => a.phase = Some(parse_phase(need(&name, &v)?.trim())?),
                "msg" => a.msg = Some(Macro::parse(&need(&name, &v)?)?),
                "logdata" => a.logdata = Some(Macro::parse(&need(&name, &v)?)?),
                "severity" => a.severity = Some(parse_severity(need(&name, &v)?.trim())?),
                "tag" => a.tags.push(need(&name, &v)?),
                "ver" => a.ver = Some(need(&name, &v)?),
                "rev" | "maturity" | "accuracy" => {
                    need(&name, &v)?;
                }
                "t" => {
                    let t = need(&name, &v)?;
                    if t.trim().eq_ignore_ascii_case("none") {
                        a.transforms.clear();
                        a.transforms_reset = true;
                    } else {
                        a.transforms.push(
                            Transform::from_name(t.trim()).ok_or_else(|| format!("unknown transformation {t:?}"))?,
                        );
                    }
                }
                "chain" => a.chain = true,
                "capture" => a.capture = true,
                "multimatch" => a.multi_match = true,
                "log" => a.log = Some(true),
                "nolog" => a.log = Some(false),
                "auditlog" => a.auditlog = Some(true),
                "noauditlog" => a.auditlog = Some(false),
                "pass" => a.disruptive = Some(Disruptive::Pass),
                "block" => a.disruptive = Some(Disruptive::Block),
                "deny" => a.disruptive = Some(Disruptive::Deny),
                "drop" => a.disruptive = Some(Disruptive::Drop),
                "redirect" => {
                    need(&name, &v)?;
                    a.disruptive = Some(Disruptive::Redirect)
                }
                "allow" => {
                    let scope = match v.as_deref().map(|s| s.trim().to_ascii_lowercase()) {
                        None => AllowScope::All,
                        Some(s) if s == "phase" => AllowScope::Phase,
                        Some(s) if s == "request" => AllowScope::Request,
                        Some(s) => return Err(format!("bad allow scope {s:?}")),
                    };
                    a.disruptive = Some(Disruptive::Allow(scope));
                }
                "status" => a.status = Some(need(&name, &v)?.trim().parse().map_err(|_| format!("bad status {v:?}"))?),
                "skipafter" => a.skip_after = Some(need(&name, &v)?.trim().to_string()),
                "skip" => a.skip = Some(need(&name, &v)?.trim().parse().map_err(|_| format!("bad skip {v:?}"))?),
                "setvar" => a.effects.push(Effect::SetVar(parse_setvar(need(&name, &v)?.trim())?)),
                "ctl" => a.effects.push(Effect::Ctl(parse_ctl(&need(&name, &v)?)?)),
                // Persistent collections are per transaction here (see docs/waf.md).
                "initcol" | "expirevar" | "setenv" | "setuid" | "setsid" | "sanitisematched" | "sanitisearg" => {}
                other => return Err(format!("unknown action {other:?}")),
            }
        }
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_crs_actions() {
        let a = Actions::parse(
            "id:942100,    phase:2,    block,    capture,    t:none,t:utf8toUnicode,    msg:'SQL Injection, it\\'s',    \
             tag:'OWASP_CRS',    severity:'CRITICAL',    setvar:'tx.inbound_anomaly_score_pl1=+%{tx.critical_anomaly_score}',    \
             ctl:ruleRemoveTargetByTag=xss-perf-disable;REQUEST_FILENAME",
        )
        .unwrap();
        assert_eq!(a.id, Some(942100));
        assert_eq!(a.phase, Some(2));
        assert_eq!(a.disruptive, Some(Disruptive::Block));
        assert_eq!(a.severity, Some(2));
        assert_eq!(a.transforms.len(), 1);
        assert_eq!(a.effects.len(), 2);
        assert_eq!(a.msg.unwrap().literal(), Some("SQL Injection, it's"));
    }

    #[test]
    fn unknown_action_is_an_error() {
        assert!(Actions::parse("id:1,frobnicate").is_err());
    }
}
