//! Devices by modalias, and the drivers the block and network devices use.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;
use walkdir::WalkDir;

/// A PCI, USB or virtio device.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Device {
    /// `pci`, `usb` or `virtio`.
    pub bus: String,
    /// Its name on the bus (`0000:00:02.0`, `1-1:1.0`, `virtio0`).
    pub name: String,
    /// Its modalias.
    pub modalias: String,
    /// The driver bound to it, if any.
    pub driver: Option<String>,
}

/// Block and network drivers in use: the device's driver and those of its parents.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct DriversInUse {
    /// Drivers under block devices (disks, not loop/zram/ram).
    pub storage: Vec<String>,
    /// Drivers under network interfaces.
    pub network: Vec<String>,
}

fn driver_of(dev: &Path) -> Option<String> {
    let link = std::fs::read_link(dev.join("driver")).ok()?;
    link.file_name()?.to_str().map(str::to_string)
}

/// PCI, USB and virtio devices.
pub fn devices(root: &Path) -> Vec<Device> {
    let mut out = Vec::new();
    for bus in ["pci", "usb", "virtio"] {
        let Ok(dir) = std::fs::read_dir(root.join("sys/bus").join(bus).join("devices")) else { continue };
        let mut names: Vec<_> = dir.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        names.sort();
        for dev in names {
            let Ok(modalias) = std::fs::read_to_string(dev.join("modalias")) else { continue };
            let Some(name) = dev.file_name().and_then(|n| n.to_str()) else { continue };
            out.push(Device {
                bus: bus.into(),
                name: name.into(),
                modalias: modalias.trim().into(),
                driver: driver_of(&dev),
            });
        }
    }
    out
}

/// Every distinct modalias under /sys/devices.
pub fn modaliases(root: &Path) -> Vec<String> {
    let mut set = BTreeSet::new();
    for entry in WalkDir::new(root.join("sys/devices")).follow_links(false).into_iter().filter_map(|e| e.ok()) {
        if entry.file_name() == "modalias" && entry.file_type().is_file() {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                let alias = text.trim();
                if !alias.is_empty() {
                    set.insert(alias.to_string());
                }
            }
        }
    }
    set.into_iter().collect()
}

/// Drivers of `class`'s devices and their parents (a disk's controller, its bus).
fn class_drivers(root: &Path, class: &str, skip: impl Fn(&str) -> bool) -> Vec<String> {
    let mut set = BTreeSet::new();
    let Ok(dir) = std::fs::read_dir(root.join("sys/class").join(class)) else { return Vec::new() };
    for entry in dir.filter_map(|e| e.ok()) {
        let name = entry.file_name().to_string_lossy().to_string();
        if skip(&name) {
            continue;
        }
        // The class entry links to the device node; walk its ancestors' drivers.
        let Ok(mut dev) = std::fs::canonicalize(entry.path().join("device")) else { continue };
        let top = root.join("sys/devices");
        while dev.starts_with(&top) && dev != top {
            if let Some(d) = driver_of(&dev) {
                set.insert(d);
            }
            if !dev.pop() {
                break;
            }
        }
    }
    set.into_iter().collect()
}

/// Drivers the machine's disks and network interfaces use.
pub fn drivers_in_use(root: &Path) -> DriversInUse {
    let virtual_block = |n: &str| ["loop", "ram", "zram", "dm-", "md", "nbd"].iter().any(|p| n.starts_with(p));
    DriversInUse {
        storage: class_drivers(root, "block", virtual_block),
        network: class_drivers(root, "net", |n| n == "lo"),
    }
}
