# 2000 denied opens: every one EPERM, no oops; the full queue drops and counts, and
# sequence numbers show the gap; suppressed log lines are reported.
. /rampart/lib.sh
events >/dev/null
before=$(grep '^dropped' $RAMPART_FS/stats | cut -d' ' -f2)
mark=$(kmsg_mark)
expect_output "opened 0, EPERM 2000, other 0" rampart-probe open /dev/mem 2000
after=$(grep '^dropped' $RAMPART_FS/stats | cut -d' ' -f2)
[ "$after" -gt "$before" ] || die "queue did not count drops (dropped $before -> $after)"
seqs=$(events | sed 's/^{"seq":\([0-9]*\),.*/\1/')
first=$(printf '%s\n' "$seqs" | head -n 1)
last=$(printf '%s\n' "$seqs" | tail -n 1)
n=$(printf '%s\n' "$seqs" | wc -l)
[ $((last - first + 1)) -eq "$n" ] || die "queued events are not consecutive"
sleep 6
expect_output "/dev/mem: EPERM" rampart-probe open /dev/mem
kmsg_since "$mark" | grep -q 'callbacks suppressed' || die "log rate limiting was not reported"
next=$(events | sed 's/^{"seq":\([0-9]*\),.*/\1/' | head -n 1)
[ "$next" -gt $((last + 1)) ] || die "no sequence gap after drops ($last -> $next)"
echo "2000 x EPERM; queued $n, dropped $((after - before)), seq gap $last -> $next"
