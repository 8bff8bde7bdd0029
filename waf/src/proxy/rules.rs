//! Which rules the proxy loads, and reloading them: the `--rules` paths, then every
//! `*.conf` of the local directory (`/etc/rampart/waf.d`). A reload that fails leaves the
//! running rules in place and says which file and line is wrong.

use crate::seclang::{LoadError, Loader, RuleSet};
use std::path::{Path, PathBuf};

/// The rule sources.
#[derive(Debug, Clone)]
pub struct Sources {
    /// `--rules` paths, in order.
    pub paths: Vec<PathBuf>,
    /// The local virtual-patching directory (skipped when absent).
    pub local_dir: Option<PathBuf>,
}

impl Sources {
    /// Loads everything, in order.
    pub fn load(&self) -> Result<RuleSet, LoadError> {
        let mut l = Loader::new();
        for p in &self.paths {
            l.load_path(p)?;
        }
        if let Some(d) = &self.local_dir {
            if Path::new(d).is_dir() {
                l.load_path(d)?;
            }
        }
        l.finish()
    }
}
