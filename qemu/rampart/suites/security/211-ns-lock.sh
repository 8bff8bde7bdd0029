# lock freezes the settings and pins the module until reboot.
. /rampart/lib.sh
echo 1 > $NS/lock || die "lock failed"
if echo 0 > $NS/chroot_kill 2>/dev/null; then die "toggle changed after lock"; fi
if echo off > $NS/mode 2>/dev/null; then die "mode changed after lock"; fi
if rmmod rampart_ns 2>/dev/null; then die "the locked module was unloaded"; fi
expect_output "unshare-user: EPERM" rampart-probe as-user 65534 rampart-probe unshare-user
echo "after lock: writes refused, rmmod refused, still enforcing"
