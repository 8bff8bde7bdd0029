# lock freezes the settings and pins the module until reboot.
. /rampart/lib.sh
echo 1 > $DEVMEM/lock || die "lock failed"
[ "$(cat $DEVMEM/lock)" = 1 ] || die "lock does not read back 1"
if echo off > $DEVMEM/mode 2>/dev/null; then die "mode changed after lock"; fi
if echo /bin/sh > $DEVMEM/allow 2>/dev/null; then die "allowlist changed after lock"; fi
if rmmod rampart_devmem 2>/dev/null; then die "the locked module was unloaded"; fi
module_loaded rampart_devmem || die "module gone"
expect_output "/dev/mem: EPERM" rampart-probe open /dev/mem
echo "after lock: mode/allow writes refused, rmmod refused, still EPERM"
