# Lockdown in confidentiality mode (the strictest) on the patched kernels: rampart's
# hooks there need no kprobes, so its modules keep loading (signed) and enforcing
# while lockdown refuses kprobes, /dev/mem and the rest. The vanilla kernel's
# fallback hooks through kretprobes, which confidentiality refuses, and unsigned
# modules could not load under any lockdown mode: it stays at none. Runs last: a
# lockdown mode cannot be lowered again in the same boot.
. /rampart/lib.sh
lockdown=/sys/kernel/security/lockdown
[ -r $lockdown ] || die "no lockdown LSM"
grep -q '\[none\]' $lockdown || die "lockdown already raised: $(cat $lockdown)"
if [ "$(variant)" = vanilla ]; then
	echo "vanilla: lockdown stays none ($(cat $lockdown)): the fallback needs kprobes"
	exit 0
fi
echo confidentiality > $lockdown || die "cannot raise lockdown"
grep -q '\[confidentiality\]' $lockdown || die "lockdown: $(cat $lockdown)"
dd if=/dev/mem of=/dev/null bs=1 count=1 2>/dev/null && die "/dev/mem readable under lockdown"
for m in rampart_wx rampart_ns; do module_loaded $m && rmmod $m; done
load rampart_wx
load rampart_ns
[ "$(cat $WX/hook_mode)" = lsm ] || die "rampart_wx hook_mode $(cat $WX/hook_mode)"
echo enforce > $WX/mode
out=$(rampart-attack wx mmap-wx 2>&1)
case "$out" in
*EACCES*) ;;
*) die "W^X not enforced under lockdown: $out" ;;
esac
echo "confidentiality: /dev/mem refused; rampart_wx and rampart_ns reloaded (signed, lsm hooks), W+X mapping refused"
