//! Alerts as JSON lines with Elastic Common Schema field names.

use crate::container::Origin;
use crate::event::Event;
use crate::response::outcome::Outcome;
use crate::rules::engine::Match;
use crate::rules::Rule;
use serde_json::{json, Map, Value};
use std::net::IpAddr;

/// RFC 3339 UTC timestamp of a Unix time.
pub fn rfc3339(epoch: i64) -> String {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let year = crate::logline::year_of(epoch);
    // Day of year → month/day by walking the months of that year.
    let jan1 = days_from_year(year);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let lengths = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut doy = days - jan1;
    let mut month = 0;
    while month < 11 && doy >= lengths[month] {
        doy -= lengths[month];
        month += 1;
    }
    format!("{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", month + 1, doy + 1, secs / 3600, secs % 3600 / 60, secs % 60)
}

fn days_from_year(year: i64) -> i64 {
    let y = year - 1;
    365 * (year - 1970) + (y / 4 - y / 100 + y / 400) - (1969 / 4 - 1969 / 100 + 1969 / 400)
}

/// The alert's `event.id`: the same for the same rule on the same record of the same
/// source, so an alert repeated by a replay after a crash can be recognised (and a
/// consumer can index by it). Without a record position, a hash of the record's text
/// and time.
pub fn alert_id(rule: &Rule, event: &Event) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(event.origin.as_bytes());
    h.update([0]);
    match &event.record {
        Some(record) => h.update(record.as_bytes()),
        None => h.update(format!("{}\0{}", event.time, event.raw).as_bytes()),
    }
    h.update([0]);
    h.update(rule.id.to_be_bytes());
    h.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The ECS document of an alert: `rule` matched (`m`) on `event`; `responses` are the
/// addresses blocks were asked for and what came of each (`rampart.response` is the
/// first; a crash's peers are all in `rampart.responses`).
/// `origin`: the cgroup (and container) the event's task ran in, when known.
pub fn to_ecs(
    rule: &Rule,
    m: &Match,
    event: &Event,
    host: &str,
    responses: &[(IpAddr, Outcome)],
    origin: Option<&Origin>,
) -> Value {
    let f = &m.fields;
    let mut doc = Map::new();
    doc.insert("@timestamp".into(), json!(rfc3339(event.time)));
    doc.insert(
        "event".into(),
        json!({
            "id": alert_id(rule, event),
            "kind": "alert",
            "module": "rampart-hidsd",
            "dataset": format!("rampart-hidsd.{}", event.program),
            "severity": rule.level,
            "original": event.raw,
        }),
    );
    doc.insert(
        "rule".into(),
        json!({ "id": rule.id.to_string(), "description": rule.description, "category": rule.groups }),
    );
    doc.insert("host".into(), json!({ "hostname": host }));
    doc.insert("log".into(), json!({ "file": { "path": event.origin } }));
    doc.insert("process".into(), json!({ "name": event.program }));
    if let Some(ip) = f.get("srcip") {
        doc.insert("source".into(), json!({ "ip": ip }));
    }
    if let Some(user) = f.get("user") {
        doc.insert("user".into(), json!({ "name": user }));
    }
    if let Some((ip, outcome)) = responses.first() {
        let mut rampart = json!({ "response": outcome.to_json(*ip) });
        if rule.block_peers {
            rampart["responses"] = responses.iter().map(|(ip, o)| o.to_json(*ip)).collect();
        }
        doc.insert("rampart".into(), rampart);
    }
    if rule.block_peers {
        // The crashed service and the addresses it was talking to.
        let service = f.get("comm").or_else(|| f.get("exe")).cloned().unwrap_or_default();
        doc.insert("service".into(), json!({ "name": service }));
        if let Some(pid) = f.get("pid") {
            doc.insert("process".into(), json!({ "name": event.program, "pid": pid, "executable": f.get("exe") }));
        }
        let peers: Vec<String> = responses.iter().map(|(ip, _)| ip.to_string()).collect();
        doc.insert("related".into(), json!({ "ip": peers }));
        if !doc.contains_key("source") {
            if let Some((ip, _)) = responses.first() {
                doc.insert("source".into(), json!({ "ip": ip.to_string() }));
            }
        }
    }
    if let Some(o) = origin {
        if let Some(c) = &o.container {
            doc.insert("container".into(), json!({ "id": c.id, "runtime": c.runtime }));
        }
        let rampart = doc.entry("rampart").or_insert_with(|| json!({}));
        rampart["cgroup"] = json!(o.cgroup);
    }
    doc.insert("labels".into(), json!(f));
    doc.insert("message".into(), json!(rule.description));
    Value::Object(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_831_205), "2026-11-28T02:00:05Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_767_225_599), "2025-12-31T23:59:59Z");
    }
}
