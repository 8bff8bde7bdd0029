//! Matching events against rules, and counting matches for composite rules.

use super::{Matcher, Rule};
use crate::event::{Event, EventView};
use regex::bytes::CaptureLocations;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::IpAddr;

/// A rule that fired on an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index of the rule in [`Engine::rules`].
    pub rule: usize,
    /// Fields of the (last) matching event.
    pub fields: BTreeMap<String, String>,
    /// Address to block, when the rule responds and the address is valid.
    pub block: Option<IpAddr>,
    /// Whether a composite rule fired (else it is the base rule match).
    pub composite: bool,
}

/// Most per-key windows kept at once; older ones are pruned first.
const MAX_WINDOWS: usize = 100_000;

/// The rule engine: stateless base rules plus windows for composite rules.
pub struct Engine {
    rules: Vec<Rule>,
    /// Per rule: the composite rules that count its matches (their group is one of its groups).
    composites_of: Vec<Vec<usize>>,
    /// Per composite rule id, per `same_field` value: the times of recent matches.
    windows: HashMap<u32, HashMap<String, VecDeque<i64>>>,
    /// Number of windows in `windows`.
    window_count: usize,
    /// Per rule: capture positions, kept between matches (an engine is used by one thread).
    scratch: RefCell<Vec<Option<CaptureLocations>>>,
}

impl Engine {
    /// An engine over `rules` (in the order base rules are tried).
    pub fn new(rules: Vec<Rule>) -> Self {
        let composites_of = rules
            .iter()
            .map(|base| {
                (0..rules.len())
                    .filter(|&i| matches!(&rules[i].matcher, Matcher::Composite { group, .. } if base.groups.contains(group)))
                    .collect()
            })
            .collect();
        let scratch = RefCell::new(vec![None; rules.len()]);
        Self { rules, composites_of, windows: HashMap::new(), window_count: 0, scratch }
    }

    /// The rules.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule a match refers to.
    pub fn rule(&self, m: &Match) -> &Rule {
        &self.rules[m.rule]
    }

    /// The first base rule that matches `event` (its index), with the fields it decoded.
    pub fn match_base(&self, event: EventView<'_>) -> Option<(usize, BTreeMap<String, String>)> {
        self.rules.iter().enumerate().find_map(|(index, rule)| {
            let Matcher::Base { source, program, pattern, fields } = &rule.matcher else { return None };
            if source.is_some_and(|s| s != event.source) || program.as_ref().is_some_and(|p| *p != event.program) {
                return None;
            }
            if fields.iter().any(|(k, v)| event.fields.get(k) != Some(v)) {
                return None;
            }
            let mut decoded = event.fields.clone();
            if let Some(pattern) = pattern {
                let mut scratch = self.scratch.borrow_mut();
                let locations = scratch.get_mut(index)?.get_or_insert_with(|| pattern.capture_locations());
                pattern.captures_read(locations, event.message.as_bytes())?;
                for (group, name) in pattern.capture_names().enumerate() {
                    let (Some(name), Some((start, end))) = (name, locations.get(group)) else { continue };
                    // Group bounds of a match are character boundaries of the UTF-8 message.
                    if let Some(value) = event.message.get(start..end) {
                        decoded.insert(name.to_string(), value.to_string());
                    }
                }
            }
            // A source address that does not parse is not an address: drop it.
            if decoded.get("srcip").is_some_and(|ip| ip.parse::<IpAddr>().is_err()) {
                decoded.remove("srcip");
            }
            Some((index, decoded))
        })
    }

    /// Runs `event` through the rules: the base rule match first (level 0 included:
    /// sinks decide what to show), then every composite rule it completed.
    pub fn process(&mut self, event: &Event) -> Vec<Match> {
        let Some((base, fields)) = self.match_base(event.view()) else { return Vec::new() };
        self.correlate(base, fields, event.time)
    }

    /// Counts a base match (rule index `base`, its `fields`, at `time`) for the
    /// composite rules; returns the base match followed by every composite it completed.
    /// Calls must come in event order.
    pub fn correlate(&mut self, base: usize, fields: BTreeMap<String, String>, time: i64) -> Vec<Match> {
        let mut fired = Vec::new();
        for &index in self.composites_of.get(base).map_or(&[][..], Vec::as_slice) {
            let composite = &self.rules[index];
            let Matcher::Composite { frequency, timeframe, same_field, .. } = &composite.matcher else { continue };
            let key = match same_field {
                Some(f) => match fields.get(f) {
                    Some(v) => v.as_str(),
                    None => continue,
                },
                None => "",
            };
            let per_key = self.windows.entry(composite.id).or_default();
            let window = match per_key.get_mut(key) {
                Some(window) => window,
                None => {
                    self.window_count += 1;
                    per_key.entry(key.to_string()).or_default()
                }
            };
            let horizon = time - i64::try_from(*timeframe).unwrap_or(i64::MAX);
            while window.front().is_some_and(|&t| t <= horizon) {
                window.pop_front();
            }
            window.push_back(time);
            if window.len() >= *frequency as usize {
                window.clear();
                let block = composite.block.then(|| fields.get("srcip").and_then(|ip| ip.parse().ok())).flatten();
                fired.push(Match { rule: index, fields: BTreeMap::new(), block, composite: true });
            }
        }
        if self.window_count > MAX_WINDOWS {
            self.prune(time);
        }
        for m in &mut fired {
            m.fields = fields.clone();
        }
        let mut matches = vec![Match { rule: base, fields, block: None, composite: false }];
        matches.extend(fired);
        matches
    }

    /// Drops windows with nothing newer than the longest timeframe before `now`.
    fn prune(&mut self, now: i64) {
        let longest = self
            .rules
            .iter()
            .filter_map(|r| match r.matcher {
                Matcher::Composite { timeframe, .. } => Some(timeframe),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let horizon = now - i64::try_from(longest).unwrap_or(i64::MAX);
        for per_key in self.windows.values_mut() {
            per_key.retain(|_, w| w.back().is_some_and(|&t| t > horizon));
        }
        self.window_count = self.windows.values().map(HashMap::len).sum();
        if self.window_count > MAX_WINDOWS {
            self.windows.clear();
            self.window_count = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::SourceKind;
    use crate::rules::load;

    fn sshd(message: &str, time: i64) -> Event {
        Event {
            source: SourceKind::Log,
            origin: "auth.log".into(),
            time,
            program: "sshd".into(),
            message: message.into(),
            fields: BTreeMap::new(),
            raw: message.into(),
        }
    }

    fn engine() -> Engine {
        Engine::new(load(None).unwrap())
    }

    #[test]
    fn five_failures_block_the_address() {
        let mut e = engine();
        let mut blocks = Vec::new();
        for i in 0..5 {
            let ev = sshd(&format!("Failed password for root from 203.0.113.7 port {} ssh2", 40000 + i), 100 + i);
            blocks.extend(e.process(&ev).into_iter().filter_map(|m| m.block));
        }
        assert_eq!(blocks, ["203.0.113.7".parse::<IpAddr>().unwrap()]);
    }

    #[test]
    fn failures_outside_the_window_do_not_add_up() {
        let mut e = engine();
        let fired: usize = (0..10)
            .map(|i| e.process(&sshd("Failed password for root from 203.0.113.8 port 1 ssh2", i * 20)))
            .map(|alerts| alerts.iter().filter(|a| a.block.is_some()).count())
            .sum();
        assert_eq!(fired, 0);
    }

    #[test]
    fn injected_address_in_user_name_is_never_the_source() {
        let mut e = engine();
        let evil = "Failed password for invalid user x from 6.6.6.6 port 22 ssh2 from 198.51.100.4 port 5555 ssh2";
        let (_, fields) = e.match_base(sshd(evil, 1).view()).unwrap();
        assert_eq!(fields["srcip"], "198.51.100.4");
        assert_eq!(fields["user"], "x from 6.6.6.6 port 22 ssh2");
        // An address-looking user name with nothing after it does not match at all.
        assert!(e.match_base(sshd("Invalid user a from 6.6.6.6 port 22 x", 1).view()).is_none());
        let blocked: Vec<IpAddr> =
            (0..5).flat_map(|i| e.process(&sshd(evil, 10 + i))).filter_map(|a| a.block).collect();
        assert_eq!(blocked, ["198.51.100.4".parse::<IpAddr>().unwrap()]);
    }

    #[test]
    fn invalid_address_is_dropped() {
        let e = engine();
        let (_, fields) = e.match_base(sshd("Invalid user a from 999.1.1.1 port 22", 1).view()).unwrap();
        assert!(!fields.contains_key("srcip"));
    }

    #[test]
    fn rampart_events_match_on_fields() {
        let mut e = engine();
        let mut ev = sshd("", 1);
        ev.source = SourceKind::Rampart;
        ev.program = "rampart".into();
        ev.fields.insert("decision".into(), "deny".into());
        ev.fields.insert("exe".into(), "/bin/dd".into());
        let matches = e.process(&ev);
        assert_eq!(matches.len(), 1);
        assert!(!matches[0].composite);
        assert_eq!(e.rule(&matches[0]).id, 5601);
    }
}
