//! The rule engine: transactions through phases 1-5 over a loaded [`RuleSet`](crate::seclang::RuleSet).

pub mod collections;
mod injection;
pub mod operators;
pub mod transaction;
pub mod transforms;

pub use transaction::{Intervention, Request, Transaction};

/// `SecRuleEngine`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineMode {
    /// Rules run and disruptive actions act.
    On,
    /// Rules run; nothing is blocked.
    DetectionOnly,
    /// No rules run.
    Off,
}

impl EngineMode {
    /// Parses `On`, `Off` or `DetectionOnly`.
    pub fn parse(v: &str) -> Result<EngineMode, String> {
        match v.to_ascii_lowercase().as_str() {
            "on" => Ok(EngineMode::On),
            "off" => Ok(EngineMode::Off),
            "detectiononly" => Ok(EngineMode::DetectionOnly),
            _ => Err(format!("expected On, Off or DetectionOnly, got {v:?}")),
        }
    }
}
