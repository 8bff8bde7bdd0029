//! The loaded rule set: rules (with their chains), markers and the engine settings.

use super::actions::{Actions, Disruptive};
use super::variables::Target;
use crate::engine::operators::OperatorSpec;
use crate::engine::EngineMode;
use std::collections::HashMap;
use std::sync::Arc;

/// One `SecRule` / `SecAction`, with the rules chained to it.
#[derive(Debug, Clone)]
pub struct Rule {
    /// `id` (0 for chained rules).
    pub id: u64,
    /// Phase 1-5.
    pub phase: u8,
    /// Where it was written.
    pub file: Arc<str>,
    /// Line of the directive.
    pub line: usize,
    /// Targets (empty for `SecAction`).
    pub targets: Vec<Target>,
    /// The operator.
    pub op: OperatorSpec,
    /// The actions, defaults of the phase applied.
    pub actions: Actions,
    /// The next rule of the chain.
    pub chain: Option<Box<Rule>>,
}

impl Rule {
    /// The disruptive action of the chain's head (chained rules carry none).
    pub fn disruptive(&self) -> Disruptive {
        self.actions.disruptive.unwrap_or(Disruptive::Pass)
    }

    /// Whether the rule carries `tag`.
    pub fn has_tag(&self, tag: &str) -> bool {
        self.actions.tags.iter().any(|t| t.eq_ignore_ascii_case(tag))
    }

    /// The last rule of the chain.
    pub fn last_mut(&mut self) -> &mut Rule {
        match self.chain {
            Some(ref mut c) => c.last_mut(),
            None => self,
        }
    }
}

/// A rule or a `SecMarker`.
#[derive(Debug, Clone)]
pub enum Item {
    /// A rule.
    Rule(Box<Rule>),
    /// A marker for `skipAfter`.
    Marker(String),
}

/// Engine settings from the configuration directives.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `SecRuleEngine`.
    pub engine: EngineMode,
    /// `SecRequestBodyAccess`.
    pub request_body_access: bool,
    /// `SecResponseBodyAccess`.
    pub response_body_access: bool,
    /// `SecRequestBodyLimit` (bytes).
    pub request_body_limit: usize,
    /// `SecRequestBodyNoFilesLimit` (bytes).
    pub request_body_no_files_limit: usize,
    /// `SecRequestBodyLimitAction Reject` (else ProcessPartial).
    pub request_body_limit_reject: bool,
    /// `SecResponseBodyLimit` (bytes).
    pub response_body_limit: usize,
    /// `SecResponseBodyLimitAction Reject`.
    pub response_body_limit_reject: bool,
    /// `SecResponseBodyMimeType`.
    pub response_mime_types: Vec<String>,
    /// `SecArgumentSeparator`.
    pub argument_separator: u8,
    /// `SecComponentSignature`s.
    pub components: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            engine: EngineMode::On,
            request_body_access: true,
            response_body_access: true,
            request_body_limit: 13_107_200,
            request_body_no_files_limit: 131_072,
            request_body_limit_reject: true,
            response_body_limit: 524_288,
            response_body_limit_reject: false,
            response_mime_types: vec!["text/plain".into(), "text/html".into(), "text/xml".into()],
            argument_separator: b'&',
            components: Vec::new(),
        }
    }
}

/// Rules in order, with the index of every marker.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    /// Rules and markers in load order.
    pub items: Vec<Item>,
    /// Marker name -> index in `items`.
    pub markers: HashMap<String, usize>,
    /// Settings.
    pub settings: Settings,
    /// The files loaded, in order.
    pub files: Vec<String>,
}

impl RuleSet {
    /// Number of rules (chains count once).
    pub fn rule_count(&self) -> usize {
        self.items.iter().filter(|i| matches!(i, Item::Rule(_))).count()
    }

    /// The rules with an id in `lo..=hi`.
    pub fn rules_by_id_mut(&mut self, lo: u64, hi: u64) -> impl Iterator<Item = &mut Rule> {
        self.items.iter_mut().filter_map(move |i| match i {
            Item::Rule(r) if r.id >= lo && r.id <= hi => Some(&mut **r),
            _ => None,
        })
    }
}
