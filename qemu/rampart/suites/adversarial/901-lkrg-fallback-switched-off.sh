# LKRG's bypass history: switch the kernel-side check off from userspace. The fallback's
# kretprobes sit on function entries, which this kernel patches through ftrace
# (KPROBES_ON_FTRACE); the kprobe ftrace ops are not FTRACE_OPS_FL_PERMANENT, so root's
# `sysctl kernel.ftrace_enabled=0` disarms every one of them without debugfs (which the
# guest kernel lacks: docs/hook-modes.md names /sys/kernel/debug/kprobes/enabled), and
# with rampart_devmem locked. The hook layer cannot be switched off that way.
# case-timeout: 180
. /rampart/lib.sh
load rampart_devmem
load rampart_ns
echo enforce > $DEVMEM/mode
wx=""
if [ -f $MODULES/rampart_wx.ko ]; then
	load rampart_wx
	echo enforce > $WX/mode
	wx=1
fi
wxtry() {
	if [ -n "$wx" ]; then rampart-attack wx mmap-wx 2>&1; else echo "no rampart_wx: EACCES"; fi
}
try() {
	printf '%s | %s | %s' "$(rampart-probe open /dev/mem 2>&1)" \
		"$(rampart-probe as-user 65534 rampart-probe unshare-user 2>&1)" "$(wxtry)"
}
before=$(try)
[ -w /proc/sys/kernel/ftrace_enabled ] || { echo "no kernel.ftrace_enabled: not reachable on this kernel; $before"; exit 0; }
echo 1 > $DEVMEM/lock || die "locking devmem failed"
echo 0 > /proc/sys/kernel/ftrace_enabled 2>/dev/null
switched=$(cat /proc/sys/kernel/ftrace_enabled)
off=$(try)
echo 1 > /proc/sys/kernel/ftrace_enabled
again=$(try)
events >/dev/null
debugfs=absent
[ -e /sys/kernel/debug/kprobes/enabled ] && debugfs=present
case "$before" in *"/dev/mem: EPERM"*"unshare-user: EPERM"*EACCES*) ;; *) die "not enforcing before: $before" ;; esac
case "$off" in
*"/dev/mem: ok"* | *"unshare-user: ok"* | *"mmap-wx: done"*)
	if [ "$(expected_hooks)" = lsm ]; then
		die "BYPASS: kernel.ftrace_enabled=0 switched the hook layer off: $off"
	fi
	echo "fallback limit (documented for devmem via debugfs, here by sysctl kernel.ftrace_enabled=0 with devmem locked, debugfs $debugfs): [$off]; re-enabled: [$again]"
	;;
*) echo "ftrace_enabled=$switched: still enforced [$off]; re-enabled: [$again]" ;;
esac
