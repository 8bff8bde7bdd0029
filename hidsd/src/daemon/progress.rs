//! Where reading stands: saved file offsets and journal cursor, the followers built
//! from them, and which lines read at first start are history (`start_at`).

use crate::config::{Config, StartAt};
use crate::event::Event;
use crate::sources::{file::Follower, file::Position};
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The saved offsets file.
fn offsets_path(config: &Config) -> PathBuf {
    config.state_dir.join("offsets.json")
}

/// The saved offsets (none when missing or unreadable).
pub fn load_offsets(config: &Config) -> BTreeMap<PathBuf, Position> {
    std::fs::read(offsets_path(config)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
}

/// Saves the followers' positions atomically.
pub fn save_offsets(config: &Config, followers: &[(Follower, bool)]) -> Result<()> {
    let map: BTreeMap<&PathBuf, Position> = followers.iter().map(|(f, _)| (f.path(), f.position())).collect();
    std::fs::create_dir_all(&config.state_dir)?;
    let tmp = offsets_path(config).with_extension("tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(&map)?)?;
    std::fs::rename(tmp, offsets_path(config))?;
    Ok(())
}

/// Saves the journal cursor.
pub fn save_cursor(path: &Path, cursor: Option<&str>) -> Result<()> {
    if let Some(cursor) = cursor {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, cursor)?;
    }
    Ok(())
}

/// Where every source is (to tell whether there is progress to save).
pub fn progress(followers: &[(Follower, bool)], cursor: Option<&str>) -> (Vec<Position>, Option<String>) {
    (followers.iter().map(|(f, _)| f.position()).collect(), cursor.map(String::from))
}

/// The configured files' followers, resuming at `saved` positions; each with whether
/// it starts without one (its first poll reads history).
pub fn followers_of(config: &Config, saved: &BTreeMap<PathBuf, Position>) -> Vec<(Follower, bool)> {
    config
        .log_files
        .iter()
        .map(|p| {
            let follower = Follower::new(p.clone(), saved.get(p).copied(), config.trust.file(p));
            match (saved.contains_key(p), config.start_at) {
                (true, _) => (follower, false),
                (false, StartAt::End) => (follower.skip_history(), false),
                (false, _) => (follower, true),
            }
        })
        .collect()
}

/// At first start with `start_at = "recent"`: lines older than `before` are history.
pub struct HistoryFilter {
    /// Unix time before which lines are history (none: nothing is).
    pub before: Option<i64>,
    /// History lines skipped.
    pub skipped: u64,
}

impl HistoryFilter {
    /// Whether `event`, read as history, is too old to act on (and counts it).
    pub fn skips(&mut self, event: &Event) -> bool {
        let old = self.before.is_some_and(|t| event.time < t);
        self.skipped += u64::from(old);
        old
    }
}
