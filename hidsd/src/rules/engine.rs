//! Matching events against rules, and counting matches for composite rules.

use super::{Matcher, Rule};
use crate::event::{Event, EventView};
use regex::bytes::{CaptureLocations, Regex};
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

/// A composite rule that fired: its index in [`Engine::rules`] and the address to
/// block, when it responds and the address is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fired {
    /// Index of the rule in [`Engine::rules`].
    pub rule: usize,
    /// Address to block.
    pub block: Option<IpAddr>,
}

/// Looking a decoded field up by name.
pub trait FieldLookup {
    /// The value of field `name`, if the event has it.
    fn field(&self, name: &str) -> Option<&str>;
}

impl FieldLookup for BTreeMap<String, String> {
    fn field(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

/// The fields a base rule decoded from an event, borrowed from the event and the
/// pattern's match: the event's own fields, overridden by the pattern's named groups.
pub struct Decoded<'a> {
    event: EventView<'a>,
    captured: Option<(&'a Regex, &'a CaptureLocations)>,
    srcip: Option<IpAddr>,
    /// The canonical text of `srcip` when the decoded text differs (IPv6 forms).
    srcip_text: Option<String>,
}

impl<'a> Decoded<'a> {
    /// Field `name` (a `srcip` as decoded, before it is checked).
    fn lookup(&self, name: &str) -> Option<&'a str> {
        self.captured_fields()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .or_else(|| self.event.fields.get(name).map(String::as_str))
    }

    /// The pattern's named groups that took part in the match, with their text.
    fn captured_fields(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        let message = self.event.message;
        self.captured.into_iter().flat_map(move |(pattern, locations)| {
            pattern.capture_names().enumerate().filter_map(move |(group, name)| {
                let (start, end) = locations.get(group)?;
                // Group bounds of a match are character boundaries of the UTF-8 message.
                Some((name?, message.get(start..end)?))
            })
        })
    }

    /// The source address, when the event has one that parses.
    pub fn srcip(&self) -> Option<IpAddr> {
        self.srcip
    }

    /// Every field with its value (captured groups override the event's fields); a
    /// `srcip` that is not an address is left out, one that is has its canonical text
    /// (see [`crate::address`]).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        let event_only =
            self.event.fields.iter().filter(|(n, _)| !self.captured_fields().any(|(c, _)| c == n.as_str()));
        event_only.map(|(n, v)| (n.as_str(), v.as_str())).chain(self.captured_fields()).filter_map(|(n, v)| {
            if n != "srcip" {
                return Some((n, v));
            }
            self.srcip?;
            Some((n, self.srcip_text.as_deref().unwrap_or(v)))
        })
    }

    /// The fields as an owned map.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }
}

/// Whether `a` and `b` are composite rules that count the same way.
fn same_composite(a: &Rule, b: &Rule) -> bool {
    match (&a.matcher, &b.matcher) {
        (
            Matcher::Composite { group, frequency, timeframe, same_field },
            Matcher::Composite { group: g, frequency: f, timeframe: t, same_field: s },
        ) => group == g && frequency == f && timeframe == t && same_field == s && a.block == b.block,
        _ => false,
    }
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

    /// Takes over `old`'s correlation counts for every composite rule that is the same
    /// in both engines (id, counted group, frequency, timeframe, field and response): a
    /// configuration reload does not reset a count in progress.
    pub fn keep_counts(&mut self, old: &mut Engine) {
        for rule in &self.rules {
            let unchanged = old.rules.iter().any(|o| o.id == rule.id && same_composite(o, rule));
            if let Some(windows) = unchanged.then(|| old.windows.remove(&rule.id)).flatten() {
                self.window_count += windows.len();
                self.windows.insert(rule.id, windows);
            }
        }
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
        self.match_base_with(event, |index, decoded| (index, decoded.to_map()))
    }

    /// Like [`Engine::match_base`], but hands `f` the decoded fields borrowed from the
    /// event and the pattern's match instead of copying them into a map.
    pub fn match_base_with<T>(&self, event: EventView<'_>, f: impl FnOnce(usize, &Decoded<'_>) -> T) -> Option<T> {
        let mut scratch = self.scratch.borrow_mut();
        for (index, rule) in self.rules.iter().enumerate() {
            let Matcher::Base { source, program, pattern, fields } = &rule.matcher else { continue };
            // A rule naming a program sees only events proven to come from it.
            let other_program = program.as_ref().is_some_and(|p| *p != event.program || !event.proven);
            if source.is_some_and(|s| s != event.source) || other_program {
                continue;
            }
            if fields.iter().any(|(k, v)| event.fields.get(k) != Some(v)) {
                continue;
            }
            let captured = match pattern {
                Some(pattern) => {
                    let Some(slot) = scratch.get_mut(index) else { continue };
                    let locations = slot.get_or_insert_with(|| pattern.capture_locations());
                    if pattern.captures_read(locations, event.message.as_bytes()).is_none() {
                        continue;
                    }
                    Some((pattern, &*locations))
                }
                None => None,
            };
            let mut decoded = Decoded { event, captured, srcip: None, srcip_text: None };
            // A source address that does not parse is not an address: it is dropped.
            if let Some(text) = decoded.lookup("srcip") {
                decoded.srcip = crate::address::parse(text);
                if !crate::address::is_canonical_text(text) {
                    decoded.srcip_text = decoded.srcip.map(|ip| ip.to_string());
                }
            }
            return Some(f(index, &decoded));
        }
        None
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
        self.correlate_into(base, &fields, time, &mut fired);
        let mut matches = Vec::with_capacity(1 + fired.len());
        for f in fired {
            matches.push(Match { rule: f.rule, fields: fields.clone(), block: f.block, composite: true });
        }
        matches.insert(0, Match { rule: base, fields, block: None, composite: false });
        matches
    }

    /// Counts a base match for the composite rules, like [`Engine::correlate`], with
    /// borrowed fields; appends the composite rules it completed to `fired`.
    pub fn correlate_into(&mut self, base: usize, fields: &impl FieldLookup, time: i64, fired: &mut Vec<Fired>) {
        for &index in self.composites_of.get(base).map_or(&[][..], Vec::as_slice) {
            let composite = &self.rules[index];
            let Matcher::Composite { frequency, timeframe, same_field, .. } = &composite.matcher else { continue };
            let key = match same_field {
                Some(f) => match fields.field(f) {
                    Some(v) => v,
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
            let horizon = time.saturating_sub(i64::try_from(*timeframe).unwrap_or(i64::MAX));
            while window.front().is_some_and(|&t| t <= horizon) {
                window.pop_front();
            }
            window.push_back(time);
            if window.len() >= *frequency as usize {
                window.clear();
                let block = composite.block.then(|| fields.field("srcip").and_then(crate::address::parse)).flatten();
                fired.push(Fired { rule: index, block });
            }
        }
        if self.window_count > MAX_WINDOWS {
            self.prune(time);
        }
    }

    /// The longest timeframe of the composite rules (seconds; 0 without any).
    pub fn longest_timeframe(&self) -> u64 {
        self.rules
            .iter()
            .filter_map(|r| match r.matcher {
                Matcher::Composite { timeframe, .. } => Some(timeframe),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    }

    /// Drops windows with nothing newer than the longest timeframe before `now`.
    fn prune(&mut self, now: i64) {
        let longest = self.longest_timeframe();
        let horizon = now.saturating_sub(i64::try_from(longest).unwrap_or(i64::MAX));
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
            proven: true,
            message: message.into(),
            fields: BTreeMap::new(),
            raw: message.into(),
            record: None,
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
    fn mapped_ipv4_is_ipv4_and_counts_with_it() {
        let mut e = engine();
        let mut blocks = Vec::new();
        for (i, ip) in
            ["::ffff:198.51.100.9", "198.51.100.9", "::FFFF:198.51.100.9", "::ffff:c633:6409", "198.51.100.9"]
                .iter()
                .enumerate()
        {
            let ev = sshd(&format!("Failed password for root from {ip} port 1 ssh2"), 100 + i as i64);
            blocks.extend(e.process(&ev).into_iter().filter_map(|m| m.block));
        }
        assert_eq!(blocks, ["198.51.100.9".parse::<IpAddr>().unwrap()]);
        let (_, fields) = e.match_base(sshd("Invalid user a from ::ffff:192.0.2.1 port 22", 1).view()).unwrap();
        assert_eq!(fields["srcip"], "192.0.2.1");
    }

    #[test]
    fn link_local_sources_with_a_zone_match() {
        let mut e = engine();
        let (_, fields) = e.match_base(sshd("Invalid user a from fe80::1%eth0 port 22", 1).view()).unwrap();
        assert_eq!(fields["srcip"], "fe80::1");
        let blocks: Vec<IpAddr> = (0..5)
            .flat_map(|i| e.process(&sshd("Failed password for root from fe80::2%enp0s3 port 22 ssh2", 10 + i)))
            .filter_map(|m| m.block)
            .collect();
        assert_eq!(blocks, ["fe80::2".parse::<IpAddr>().unwrap()]);
        let pre = "Connection closed by invalid user x fe80::3%wlan0.1 port 22 [preauth]";
        assert_eq!(e.match_base(sshd(pre, 1).view()).unwrap().1["srcip"], "fe80::3");
    }

    #[test]
    fn counts_survive_a_reload_of_unchanged_rules_only() {
        let fail = |i: i64| sshd("Failed password for root from 203.0.113.41 port 1 ssh2", 100 + i);
        let blocks = |e: &mut Engine, from: i64, to: i64| -> usize {
            (from..to).flat_map(|i| e.process(&fail(i))).filter(|m| m.block.is_some()).count()
        };
        let mut old = engine();
        assert_eq!(blocks(&mut old, 0, 3), 0);
        let mut same = engine();
        same.keep_counts(&mut old);
        assert_eq!(blocks(&mut same, 3, 5), 1, "three before the reload and two after");
        let mut rules = load(None).unwrap();
        for r in &mut rules {
            if let Matcher::Composite { frequency, .. } = &mut r.matcher {
                *frequency += 1;
            }
        }
        let mut old = engine();
        assert_eq!(blocks(&mut old, 0, 3), 0);
        let mut changed = Engine::new(rules);
        changed.keep_counts(&mut old);
        assert_eq!(blocks(&mut changed, 3, 8), 0, "a changed rule starts counting afresh");
        assert_eq!(blocks(&mut changed, 8, 9), 1);
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
