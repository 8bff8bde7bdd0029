# 2000 denials in a tight loop: every one EPERM, no oops. Every event is either read
# or counted as dropped (exactly), the sequence numbers show the gap, and the kernel
# log shows rate limiting rather than 2000 lines.
. /rampart/lib.sh
events >/dev/null
dropped_before=$(grep '^dropped' $RAMPART_FS/stats | cut -d' ' -f2)
mark=$(kmsg_mark)
expect_output "opened 0, EPERM 2000, other 0" rampart-probe open /dev/mem 2000
dropped=$(( $(grep '^dropped' $RAMPART_FS/stats | cut -d' ' -f2) - dropped_before ))
events > /tmp/flood.json
read_count=$(grep -c '"object":"/dev/mem"' /tmp/flood.json)
[ $((read_count + dropped)) -eq 2000 ] || die "read $read_count + dropped $dropped != 2000 denials"
[ "$dropped" -gt 0 ] || die "a full queue dropped nothing"
first=$(head -n 1 /tmp/flood.json | sed 's/^{"seq":\([0-9]*\),.*/\1/')
last=$(tail -n 1 /tmp/flood.json | sed 's/^{"seq":\([0-9]*\),.*/\1/')
[ $((last - first + 1)) -eq "$read_count" ] || die "queued events are not consecutive"
logged=$(kmsg_since "$mark" | grep -c 'rampart: denied /dev/mem')
[ "$logged" -le 20 ] || die "$logged denial log lines for 2000 denials: not rate limited"
sleep 6
expect_output "/dev/mem: EPERM" rampart-probe open /dev/mem
kmsg_since "$mark" | grep -q 'callbacks suppressed' || die "log rate limiting was not reported"
next=$(events | sed 's/^{"seq":\([0-9]*\),.*/\1/' | head -n 1)
[ "$next" -eq $((last + dropped + 1)) ] || die "sequence gap $last -> $next does not match $dropped drops"
grep -q "^refused_out_of_task 0$" $RAMPART_FS/stats || die "events refused out of task context: $(cat $RAMPART_FS/stats)"
echo "2000 x EPERM; read $read_count + dropped $dropped = 2000; seq $last -> $next; $logged log lines"
