//! CPU, platform and firmware options from a profile.

use super::Tuned;
use crate::probe::Profile;

/// Requests for the profile's CPU vendor, CPU count, NUMA, hypervisor, IOMMU and firmware.
pub fn requests(p: &Profile) -> Vec<Tuned> {
    let mut out = Vec::new();
    let mut set = |symbol: &str, value: &str, why: String| out.push(Tuned::new(symbol, value, why));
    match p.cpu.vendor.as_str() {
        "GenuineIntel" => {
            set("CPU_SUP_INTEL", "y", "CPU vendor GenuineIntel".into());
            set("X86_MCE_INTEL", "y", "CPU vendor GenuineIntel: machine-check support".into());
        }
        "AuthenticAMD" | "HygonGenuine" => {
            set("CPU_SUP_AMD", "y", format!("CPU vendor {}", p.cpu.vendor));
            set("X86_MCE_AMD", "y", format!("CPU vendor {}: machine-check support", p.cpu.vendor));
        }
        _ => {}
    }
    if p.platform.hypervisor.is_none() {
        set("MICROCODE", "y", "bare metal: CPU microcode updates".into());
        set("X86_MCE", "y", "bare metal: machine-check exceptions".into());
    }
    let cpus = p.cpu.count.max(1);
    set("SMP", if cpus > 1 { "y" } else { "n" }, format!("{cpus} logical CPUs"));
    set("NR_CPUS", &cpus.next_power_of_two().max(2).to_string(), format!("{cpus} logical CPUs (next power of two)"));
    if p.memory.numa_nodes > 1 {
        set("NUMA", "y", format!("{} NUMA nodes", p.memory.numa_nodes));
        set("X86_64_ACPI_NUMA", "y", "NUMA topology from ACPI SRAT".into());
    } else {
        set("NUMA", "n", "one NUMA node".into());
    }
    match p.platform.hypervisor.as_deref() {
        None => set("HYPERVISOR_GUEST", "n", "bare metal: no guest support".into()),
        Some(h) => {
            set("HYPERVISOR_GUEST", "y", format!("runs under {h}"));
            set("PARAVIRT", "y", format!("runs under {h}: paravirtual clock and spinlocks"));
            match h {
                "kvm" => set("KVM_GUEST", "y", "runs under KVM".into()),
                "xen" => set("XEN", "y", "runs under Xen".into()),
                "hyperv" => set("HYPERV", "y", "runs under Hyper-V".into()),
                _ => {}
            }
        }
    }
    let has_table = |t: &str| p.platform.acpi_tables.iter().any(|x| x == t);
    if has_table("DMAR") {
        set("INTEL_IOMMU", "y", "ACPI DMAR table: Intel VT-d IOMMU".into());
        set("INTEL_IOMMU_DEFAULT_ON", "y", "ACPI DMAR table: IOMMU on by default (KSPP)".into());
        set("IOMMU_DEFAULT_DMA_STRICT", "y", "IOMMU present: strict IOTLB invalidation (KSPP)".into());
    }
    if has_table("IVRS") {
        set("AMD_IOMMU", "y", "ACPI IVRS table: AMD IOMMU".into());
        set("IOMMU_DEFAULT_DMA_STRICT", "y", "IOMMU present: strict IOTLB invalidation (KSPP)".into());
    }
    if p.platform.firmware == "uefi" {
        set("EFI", "y", "UEFI firmware".into());
        set("EFI_STUB", "y", "UEFI firmware: boot the kernel as an EFI program".into());
        set("EFI_DISABLE_PCI_DMA", "y", "UEFI firmware: no bus mastering during the EFI stub hand-over (KSPP)".into());
    }
    out
}
