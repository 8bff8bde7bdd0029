# lock freezes the settings and pins the module until reboot.
. /rampart/lib.sh
# A PCI config register written back with its own value: allowed before the lock,
# refused after it (LOCKDOWN_PCI_ACCESS, one of the kernel-integrity reasons).
cfg=$(ls /sys/bus/pci/devices/*/config | head -n 1)
dd if=$cfg of=/tmp/pci-reg bs=4 count=1 skip=15 2>/dev/null || die "reading $cfg failed"
dd if=/tmp/pci-reg of=$cfg bs=4 count=1 seek=15 conv=notrunc 2>/dev/null || die "PCI config write refused before the lock"
echo 1 > $DEVMEM/lock || die "lock failed"
[ "$(cat $DEVMEM/lock)" = 1 ] || die "lock does not read back 1"
if echo off > $DEVMEM/mode 2>/dev/null; then die "mode changed after lock"; fi
if echo /bin/sh > $DEVMEM/allow 2>/dev/null; then die "allowlist changed after lock"; fi
if rmmod rampart_devmem 2>/dev/null; then die "the locked module was unloaded"; fi
module_loaded rampart_devmem || die "module gone"
expect_output "/dev/mem: EPERM" rampart-probe open /dev/mem
events >/dev/null
if dd if=/tmp/pci-reg of=$cfg bs=4 count=1 seek=15 conv=notrunc 2>/dev/null; then die "PCI config written after the lock"; fi
expect_event '"decision":"deny"' '"object":"direct PCI access"' 'kernel integrity change after lock' >/dev/null
echo "after lock: mode/allow writes refused, rmmod refused, still EPERM; PCI config writes refused"
