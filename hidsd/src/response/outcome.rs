//! What a block request came to, as the alert reports it (`rampart.response`).

use serde_json::{json, Value};
use std::net::IpAddr;

/// The result of asking for an address to be blocked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The address is in the kernel's blocklist; `recreated` when the table had to be
    /// set up again first (after `nft flush ruleset`).
    Blocked {
        /// The table, sets and chain were recreated before the block.
        recreated: bool,
    },
    /// The address is allowlisted (or loopback): not blocked.
    Allowlisted,
    /// Active response is off in the configuration: not blocked.
    Disabled,
    /// nft failed: not blocked.
    Failed(String),
}

impl Outcome {
    /// The `rampart.response` object of an alert for `address`.
    pub fn to_json(&self, address: IpAddr) -> Value {
        let mut v = json!({ "action": "block", "address": address.to_string() });
        let outcome = match self {
            Outcome::Blocked { recreated } => {
                v["recreated"] = json!(recreated);
                "blocked"
            }
            Outcome::Allowlisted => "allowlisted",
            Outcome::Disabled => "disabled",
            Outcome::Failed(e) => {
                v["error"] = json!(e);
                "failed"
            }
        };
        v["outcome"] = json!(outcome);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports() {
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let blocked = Outcome::Blocked { recreated: false }.to_json(ip);
        assert_eq!(
            blocked,
            json!({"action": "block", "address": "192.0.2.1", "outcome": "blocked", "recreated": false})
        );
        assert_eq!(Outcome::Failed("x".into()).to_json(ip)["error"], "x");
        assert_eq!(Outcome::Allowlisted.to_json(ip)["outcome"], "allowlisted");
    }
}
