//! `rampart probe`: a portable hardware profile of the machine a kernel is for, read
//! from /proc and /sys only (modaliases, not loaded modules: it works on kernels
//! without module support), written as TOML for `rampart config --profile`.

mod devices;
mod platform;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub use devices::Device;

/// Everything `rampart config --profile` tunes a kernel to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Profile {
    /// Profile format version.
    pub version: u32,
    /// Host name and kernel the profile was taken on (informational).
    pub taken_on: TakenOn,
    /// CPU.
    pub cpu: platform::Cpu,
    /// Memory and NUMA.
    pub memory: platform::Memory,
    /// Hypervisor and firmware.
    pub platform: platform::Platform,
    /// Drivers bound to the block and network devices in use (boot-critical).
    pub drivers: devices::DriversInUse,
    /// PCI, USB and virtio devices.
    pub devices: Vec<Device>,
    /// Every modalias under /sys/devices (what module autoloading would match).
    pub modaliases: Vec<String>,
    /// Types of the filesystems mounted from block devices (/proc/mounts).
    #[serde(default)]
    pub filesystems: Vec<String>,
    /// The running kernel's config (/proc/config.gz or /boot/config-*), if readable.
    pub running_config: Option<String>,
}

/// Where the profile came from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TakenOn {
    /// Host name.
    pub hostname: String,
    /// `uname -r` of the running kernel.
    pub kernel_release: String,
}

/// The profile format this code writes.
pub const PROFILE_VERSION: u32 = 1;

/// Probes the machine, reading /proc and /sys under `root` (`/` for the real machine).
pub fn probe(root: &Path) -> Result<Profile> {
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_default();
    let kernel_release = read("proc/sys/kernel/osrelease").trim().to_string();
    Ok(Profile {
        version: PROFILE_VERSION,
        taken_on: TakenOn {
            hostname: read("proc/sys/kernel/hostname").trim().to_string(),
            kernel_release: kernel_release.clone(),
        },
        cpu: platform::cpu(&read("proc/cpuinfo")).context("reading /proc/cpuinfo")?,
        memory: platform::memory(root, &read("proc/meminfo")),
        platform: platform::platform(root),
        drivers: devices::drivers_in_use(root),
        devices: devices::devices(root),
        modaliases: devices::modaliases(root),
        filesystems: platform::block_filesystems(&read("proc/mounts")),
        running_config: platform::running_config(root, &kernel_release),
    })
}

/// Reads a profile written by [`probe`].
pub fn load(path: &Path) -> Result<Profile> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let profile: Profile =
        toml::from_str(&text).with_context(|| format!("{} is not a rampart profile", path.display()))?;
    if profile.version != PROFILE_VERSION {
        anyhow::bail!("{}: profile version {} (this rampart reads {PROFILE_VERSION})", path.display(), profile.version);
    }
    Ok(profile)
}

/// The profile as TOML.
pub fn to_toml(profile: &Profile) -> Result<String> {
    Ok(format!(
        "# rampart hardware profile (rampart probe); input of `rampart config --profile`\n{}",
        toml::to_string(profile)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_machine_probes_and_round_trips() {
        let profile = probe(Path::new("/")).unwrap();
        assert!(profile.cpu.count >= 1);
        assert!(!profile.cpu.flags.is_empty());
        assert!(profile.memory.total_kib > 0);
        assert!(!profile.modaliases.is_empty(), "no modalias under /sys/devices");
        let text = to_toml(&profile).unwrap();
        let dir = std::env::temp_dir().join(format!("rampart-probe-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("host.toml");
        std::fs::write(&path, text).unwrap();
        assert_eq!(load(&path).unwrap(), profile);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
