//! Module signatures: a kernel with `CONFIG_MODULE_SIG` checks them (and with
//! `CONFIG_MODULE_SIG_FORCE` refuses modules without one), so rampart signs the modules
//! it builds with the kernel's own `scripts/sign-file`. The unsigned original is kept
//! next to each signed module (`<name>.ko.unsigned`) so a package can sign with another
//! key, and the boot tests can show an unsigned module refused.

use crate::kconfig::dotconfig::DotConfig;
use crate::process::run_logged;
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// A signing key and certificate given on the command line.
#[derive(Debug, Clone)]
pub struct SignKey {
    /// Private key (PEM).
    pub key: PathBuf,
    /// X.509 certificate (PEM or DER).
    pub cert: PathBuf,
}

/// Suffix of the unsigned copy kept next to a signed module.
pub const UNSIGNED_SUFFIX: &str = ".unsigned";

/// The kernel configuration of the object directory `obj`.
pub fn kernel_config(obj: &Path) -> Result<DotConfig> {
    Ok(DotConfig::parse(&std::fs::read_to_string(obj.join(".config"))?))
}

/// Whether the kernel built in `obj` checks module signatures.
pub fn kernel_checks_signatures(config: &DotConfig) -> bool {
    config.value("MODULE_SIG") == "y"
}

/// Path of the unsigned copy of `ko`.
pub fn unsigned_copy(ko: &Path) -> PathBuf {
    let mut name = ko.as_os_str().to_owned();
    name.push(UNSIGNED_SUFFIX);
    PathBuf::from(name)
}

/// Signs `ko` in place with the kernel's own tool: the given key, else the key the
/// kernel build generated (CONFIG_MODULE_SIG_KEY, `certs/signing_key.x509`).
pub fn sign(obj: &Path, config: &DotConfig, given: Option<&SignKey>, ko: &Path, log: &Path) -> Result<()> {
    let hash = config.value("MODULE_SIG_HASH").trim_matches('"').to_string();
    let (key, cert) = match given {
        Some(k) => (k.key.clone(), k.cert.clone()),
        None => {
            let key = config.value("MODULE_SIG_KEY").trim_matches('"').to_string();
            let key = if Path::new(&key).is_absolute() { PathBuf::from(key) } else { obj.join(key) };
            (key, obj.join("certs/signing_key.x509"))
        }
    };
    if !key.is_file() || !cert.is_file() {
        bail!("module signing key {} or certificate {} missing", key.display(), cert.display());
    }
    run_logged(std::process::Command::new(obj.join("scripts/sign-file")).arg(&hash).arg(&key).arg(&cert).arg(ko), log)
}

/// Signs every module of a fresh module build with the build's key, keeping the
/// unsigned original next to each.
pub fn sign_built(obj: &Path, kos: &[PathBuf], log: &Path) -> Result<()> {
    let config = kernel_config(obj)?;
    if !kernel_checks_signatures(&config) {
        return Ok(());
    }
    for ko in kos {
        std::fs::copy(ko, unsigned_copy(ko))?;
        sign(obj, &config, None, ko, log)?;
    }
    Ok(())
}
