# Only root reads the event channel (0400, and CAP_SYS_ADMIN at open) or changes settings.
. /rampart/lib.sh
expect_output "rampart/events: EACCES" rampart-probe as-user 65534 rampart-probe events
# Even with the file made world-readable, opening it needs CAP_SYS_ADMIN.
chmod 0444 $RAMPART_FS/events || die "chmod failed"
expect_output "rampart/events: EPERM" rampart-probe as-user 65534 rampart-probe events
chmod 0400 $RAMPART_FS/events
expect_output "/dev/mem: EACCES" rampart-probe as-user 65534 rampart-probe open /dev/mem
if rampart-probe as-user 65534 sh -c "echo off > $DEVMEM/mode" 2>/dev/null; then die "nobody changed the mode"; fi
[ "$(cat $DEVMEM/mode)" = enforce ] || die "mode changed"
events >/dev/null
echo "nobody: events EACCES (EPERM when world-readable), /dev/mem EACCES, settings refused"
