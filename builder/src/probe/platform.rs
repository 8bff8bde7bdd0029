//! CPU, memory, hypervisor and firmware, and the running kernel's config.

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::Path;

/// The CPU as /proc/cpuinfo describes it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Cpu {
    /// `GenuineIntel`, `AuthenticAMD`, ...
    pub vendor: String,
    /// Model name.
    pub model_name: String,
    /// Family, model and stepping.
    pub family: u32,
    /// Model number.
    pub model: u32,
    /// Logical CPUs online.
    pub count: u32,
    /// Feature flags (of the first CPU).
    pub flags: Vec<String>,
}

/// Parses /proc/cpuinfo (x86 layout).
pub fn cpu(cpuinfo: &str) -> Result<Cpu> {
    let field = |name: &str| {
        cpuinfo.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == name).then(|| v.trim().to_string())
        })
    };
    let count = cpuinfo.lines().filter(|l| l.split_once(':').is_some_and(|(k, _)| k.trim() == "processor")).count();
    if count == 0 {
        bail!("no processor entries");
    }
    let number = |name: &str| field(name).and_then(|v| v.parse().ok()).unwrap_or(0);
    Ok(Cpu {
        vendor: field("vendor_id").unwrap_or_default(),
        model_name: field("model name").unwrap_or_default(),
        family: number("cpu family"),
        model: number("model"),
        count: count as u32,
        flags: field("flags").unwrap_or_default().split_whitespace().map(str::to_string).collect(),
    })
}

/// Memory size and NUMA layout.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Memory {
    /// MemTotal.
    pub total_kib: u64,
    /// NUMA nodes (/sys/devices/system/node/node*).
    pub numa_nodes: u32,
}

/// Reads memory facts.
pub fn memory(root: &Path, meminfo: &str) -> Memory {
    let total_kib = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    let numa_nodes = std::fs::read_dir(root.join("sys/devices/system/node"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| {
                    e.file_name()
                        .to_str()
                        .is_some_and(|n| n.strip_prefix("node").is_some_and(|i| i.parse::<u32>().is_ok()))
                })
                .count() as u32
        })
        .unwrap_or(0)
        .max(1);
    Memory { total_kib, numa_nodes }
}

/// Hypervisor and firmware.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Platform {
    /// `kvm`, `xen`, `vmware`, `hyperv`, `tcg` (QEMU without acceleration), `other`,
    /// or None on bare metal.
    pub hypervisor: Option<String>,
    /// `uefi` or `bios`.
    pub firmware: String,
    /// ACPI tables the firmware provides (DMAR: Intel IOMMU, IVRS: AMD IOMMU, SRAT: NUMA).
    #[serde(default)]
    pub acpi_tables: Vec<String>,
}

/// The hypervisor's CPUID signature (leaf 0x40000000), when the CPU says there is one.
#[cfg(target_arch = "x86_64")]
fn hypervisor_signature() -> Option<String> {
    use std::arch::x86_64::__cpuid;
    // CPUID exists on every x86_64 CPU; leaf 1 is always valid.
    let leaf1 = __cpuid(1);
    if leaf1.ecx & (1 << 31) == 0 {
        return None;
    }
    // With the hypervisor bit set, leaf 0x40000000 is the hypervisor's.
    let r = __cpuid(0x4000_0000);
    let bytes: Vec<u8> = [r.ebx, r.ecx, r.edx].iter().flat_map(|v| v.to_le_bytes()).collect();
    Some(String::from_utf8_lossy(&bytes).trim_end_matches('\0').to_string())
}

#[cfg(not(target_arch = "x86_64"))]
fn hypervisor_signature() -> Option<String> {
    None
}

/// Names a CPUID hypervisor signature.
pub fn hypervisor_name(signature: &str) -> &'static str {
    match signature {
        s if s.starts_with("KVMKVMKVM") => "kvm",
        s if s.starts_with("XenVMMXenVMM") => "xen",
        s if s.starts_with("VMwareVMware") => "vmware",
        s if s.starts_with("Microsoft Hv") => "hyperv",
        s if s.starts_with("TCGTCGTCGTCG") => "tcg",
        _ => "other",
    }
}

/// Reads the platform (the hypervisor from CPUID when probing this machine, else from
/// the `hypervisor` cpuinfo flag and /sys/hypervisor).
pub fn platform(root: &Path) -> Platform {
    let firmware = if root.join("sys/firmware/efi").exists() { "uefi" } else { "bios" };
    let hypervisor = if root == Path::new("/") {
        hypervisor_signature().map(|s| hypervisor_name(&s).to_string())
    } else {
        std::fs::read_to_string(root.join("sys/hypervisor/type")).ok().map(|t| t.trim().to_string())
    };
    let mut acpi_tables: Vec<String> = std::fs::read_dir(root.join("sys/firmware/acpi/tables"))
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.len() <= 8 && n != "dynamic" && n != "data")
                .collect()
        })
        .unwrap_or_default();
    acpi_tables.sort();
    Platform { hypervisor, firmware: firmware.into(), acpi_tables }
}

/// Filesystem types mounted from block devices.
pub fn block_filesystems(mounts: &str) -> Vec<String> {
    let mut types: Vec<String> = mounts
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (source, _, fstype) = (f.next()?, f.next()?, f.next()?);
            source.starts_with("/dev/").then(|| fstype.to_string())
        })
        .collect();
    types.sort();
    types.dedup();
    types
}

/// The running kernel's config: /proc/config.gz, else /boot/config-<release>.
pub fn running_config(root: &Path, release: &str) -> Option<String> {
    if let Ok(file) = std::fs::File::open(root.join("proc/config.gz")) {
        let mut text = String::new();
        if flate2::read::GzDecoder::new(file).read_to_string(&mut text).is_ok() {
            return Some(text);
        }
    }
    std::fs::read_to_string(root.join("boot").join(format!("config-{release}"))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpuinfo_is_read_from_the_first_cpu_and_counted() {
        let text = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 33\nmodel name\t: AMD Ryzen 9 5950X\nflags\t\t: fpu sse2 svm\n\nprocessor\t: 1\nvendor_id\t: AuthenticAMD\n";
        let c = cpu(text).unwrap();
        assert_eq!((c.vendor.as_str(), c.family, c.model, c.count), ("AuthenticAMD", 25, 33, 2));
        assert_eq!(c.flags, ["fpu", "sse2", "svm"]);
        assert!(cpu("garbage").is_err());
    }

    #[test]
    fn only_block_backed_filesystems_are_listed() {
        let mounts = "/dev/vda / ext4 rw 0 0\nproc /proc proc rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n/dev/vdb1 /boot/efi vfat rw 0 0\n/dev/vda /x ext4 rw 0 0\n";
        assert_eq!(block_filesystems(mounts), ["ext4", "vfat"]);
    }

    #[test]
    fn hypervisor_signatures_are_named() {
        assert_eq!(hypervisor_name("KVMKVMKVM"), "kvm");
        assert_eq!(hypervisor_name("TCGTCGTCGTCG"), "tcg");
        assert_eq!(hypervisor_name("bhyve bhyve "), "other");
    }
}
