# The QEMU target has an emulated Intel IOMMU (q35 with intel-iommu): the kernel finds
# it, turns it on by default (IOMMU_DEFAULT_ON), puts devices in IOMMU groups with
# translated DMA domains and invalidates strictly (IOMMU_DEFAULT_DMA_STRICT).
. /rampart/lib.sh
[ -e /sys/class/iommu/dmar0 ] || die "no /sys/class/iommu/dmar0: $(dmesg | grep -iE 'dmar|iommu' | head -n 3 | tr '\n' ' ')"
groups=$(ls /sys/kernel/iommu_groups | wc -l)
[ "$groups" -gt 0 ] || die "no IOMMU groups"
type=$(cat /sys/kernel/iommu_groups/0/type 2>/dev/null)
case "$type" in DMA | DMA-FQ) ;; *) die "group 0's default domain is '$type', not translated DMA" ;; esac
[ "$type" = DMA ] || die "lazy invalidation (DMA-FQ) in force, not strict"
dmesg | grep -q 'DMA domain TLB invalidation policy: strict mode' || die "the kernel did not report strict invalidation"
echo "dmar0 present; $groups IOMMU groups, default domain $type (strict)"
