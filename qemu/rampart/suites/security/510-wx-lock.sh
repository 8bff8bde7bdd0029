# lock freezes the settings and pins the module until reboot; still enforcing.
. /rampart/lib.sh
load rampart_wx
echo 1 > $WX/lock || die "lock failed"
if echo off > $WX/mode 2>/dev/null; then die "mode changed after lock"; fi
if echo /bin/rampart-attack > $WX/exceptions 2>/dev/null; then die "exceptions changed after lock"; fi
if rmmod rampart_wx 2>/dev/null; then die "the locked module was unloaded"; fi
expect_output "wx jit: mprotect(PROT_EXEC): EACCES" rampart-attack wx jit
echo "after lock: writes refused, rmmod refused, still enforcing"
