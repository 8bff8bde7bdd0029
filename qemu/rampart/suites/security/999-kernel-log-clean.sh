# Nothing in the kernel log reports a kernel bug, warning, oops or stack trace.
. /rampart/lib.sh
bad=$(dmesg | grep -E 'BUG:|kernel BUG|WARNING:|Oops|Call Trace' | head -n 1)
[ -z "$bad" ] || die "kernel log: $bad"
echo "kernel log clean ($(kmsg_mark) lines)"
