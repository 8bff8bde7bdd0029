# Root opening /dev/mem is denied with EPERM, one event and one log line.
. /rampart/lib.sh
mark=$(kmsg_mark)
expect_output "/dev/mem: EPERM" rampart-probe open /dev/mem
event=$(expect_event '"module":"devmem"' '"decision":"deny"' '"object":"/dev/mem"' '"exe":"/bin/rampart-probe"' '"uid":0,"euid":0') || die "$event"
log=$(kmsg_since "$mark" | grep 'rampart: denied /dev/mem (raw memory device access) by /bin/rampart-probe\[rampart-probe:[0-9]*\] uid/euid:0/0 gid/egid:0/0, parent ')
[ -n "$log" ] || die "no denial log line; kernel log: $(kmsg_since "$mark" | tail -n 2)"
echo "EPERM; $log"
