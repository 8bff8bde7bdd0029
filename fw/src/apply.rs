//! Applying a policy: one nftables transaction that sets up the shared block sets and
//! chains (keeping their elements), removes rampart-fw's old chains and sets and adds
//! the new ones. The applied script and the one before it are kept in the state
//! directory, so `rollback` (and an unconfirmed `apply --confirm`) can put the previous
//! ruleset back, again in one transaction.

use crate::blockset::{self, RUNTIME_SETS};
use crate::nft::Nft;
use crate::state::Table;
use anyhow::{Context, Result};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The firewall of one network namespace: its nft, table and state directory.
#[derive(Debug, Clone)]
pub struct Firewall {
    /// nft in the namespace.
    pub nft: Nft,
    /// The table (`rampart`).
    pub table: String,
    /// Where the applied and previous scripts, the applied policy and a pending
    /// confirmation are kept.
    pub state_dir: PathBuf,
}

/// Files in the state directory.
pub mod files {
    /// The policy script loaded now.
    pub const APPLIED: &str = "applied.nft";
    /// The one before it (what `rollback` restores).
    pub const PREVIOUS: &str = "previous.nft";
    /// The policy file text loaded now (for `why`).
    pub const APPLIED_POLICY: &str = "applied.toml";
    /// The policy file text before it.
    pub const PREVIOUS_POLICY: &str = "previous.toml";
    /// An `apply --confirm` waiting for `confirm`.
    pub const PENDING: &str = "pending.json";
    /// What the confirmation timer did.
    pub const LOG: &str = "events.log";
}

impl Firewall {
    /// The path of state file `name`.
    pub fn file(&self, name: &str) -> PathBuf {
        self.state_dir.join(name)
    }

    /// Reads state file `name` (empty when missing).
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.file(name)).unwrap_or_default()
    }

    /// Writes state file `name` (atomically: a temporary file renamed).
    pub fn write(&self, name: &str, text: &str) -> Result<()> {
        std::fs::create_dir_all(&self.state_dir).with_context(|| format!("creating {}", self.state_dir.display()))?;
        write_atomic(&self.file(name), text)
    }

    /// The loaded table (no set elements), `None` when there is none.
    pub fn live(&self) -> Result<Option<Table>> {
        let Some(objects) = self.nft.table(&self.table)? else { return Ok(None) };
        let mut table = Table::from_objects(&objects);
        // Policy sets' elements, one set at a time (the block sets can be huge).
        let names: Vec<String> = table.sets.keys().filter(|n| !crate::state::is_runtime_set(n)).cloned().collect();
        for name in names {
            let objects = self.nft.json(&["list", "set", "inet", &self.table, &name])?;
            if let Some(set) = Table::from_objects(&objects).sets.remove(&name) {
                table.sets.insert(name, set);
            }
        }
        Ok(Some(table))
    }

    /// What `policy_script` would make of the table, read back from a scratch namespace.
    pub fn wanted(&self, policy_script: &str) -> Result<Table> {
        let script = blockset::setup_script(&self.table) + policy_script;
        Ok(Table::from_objects(&self.nft.scratch_table(&script, &self.table)?))
    }

    /// The whole transaction replacing rampart-fw's part of the loaded table with
    /// `policy_script`.
    pub fn transaction(&self, live: Option<&Table>, policy_script: &str) -> String {
        let t = &self.table;
        let mut s = blockset::setup_script(t);
        if let Some(live) = live {
            let own_chains: Vec<&String> =
                live.chains.keys().filter(|c| !blockset::CHAINS.contains(&c.as_str())).collect();
            for c in &own_chains {
                let _ = writeln!(s, "flush chain inet {t} {c}");
            }
            for set in live.sets.keys().filter(|n| !RUNTIME_SETS.contains(&n.as_str())) {
                let _ = writeln!(s, "delete set inet {t} {set}");
            }
            for c in &own_chains {
                let _ = writeln!(s, "delete chain inet {t} {c}");
            }
        }
        s + policy_script
    }

    /// Replaces rampart-fw's part of the table with `policy_script`, in one transaction.
    pub fn load(&self, policy_script: &str) -> Result<()> {
        let live = self.live()?;
        self.nft.run_script(&self.transaction(live.as_ref(), policy_script))
    }

    /// Applies `policy_script` (from `policy_text`), remembering what was loaded before.
    pub fn apply(&self, policy_script: &str, policy_text: &str) -> Result<()> {
        let previous = self.read(files::APPLIED);
        let previous_policy = self.read(files::APPLIED_POLICY);
        self.load(policy_script)?;
        self.write(files::PREVIOUS, &previous)?;
        self.write(files::PREVIOUS_POLICY, &previous_policy)?;
        self.write(files::APPLIED, policy_script)?;
        self.write(files::APPLIED_POLICY, policy_text)
    }

    /// Puts the previous policy back (an empty one when there was none: rampart-fw's
    /// chains removed, blocks kept); the current one becomes the previous.
    pub fn rollback(&self) -> Result<()> {
        let (applied, applied_policy) = (self.read(files::APPLIED), self.read(files::APPLIED_POLICY));
        let (previous, previous_policy) = (self.read(files::PREVIOUS), self.read(files::PREVIOUS_POLICY));
        self.load(&previous)?;
        self.write(files::APPLIED, &previous)?;
        self.write(files::APPLIED_POLICY, &previous_policy)?;
        self.write(files::PREVIOUS, &applied)?;
        self.write(files::PREVIOUS_POLICY, &applied_policy)?;
        let _ = std::fs::remove_file(self.file(files::PENDING));
        Ok(())
    }

    /// Appends a line to the state directory's event log.
    pub fn log(&self, line: &str) {
        let text = self.read(files::LOG) + &format!("{} {line}\n", now());
        let _ = self.write(files::LOG, &text);
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))
}
