# audit mode allows and reports; off mode allows silently.
. /rampart/lib.sh
echo audit > $DEVMEM/mode || die "setting audit failed"
mark=$(kmsg_mark)
expect_output "/dev/mem: ok" rampart-probe open /dev/mem
expect_event '"decision":"audit"' '"object":"/dev/mem"' >/dev/null || die "no audit event"
kmsg_since "$mark" | grep -q 'rampart: audit: would deny /dev/mem' || die "no audit log line"
echo off > $DEVMEM/mode || die "setting off failed"
expect_output "/dev/mem: ok" rampart-probe open /dev/mem
[ -z "$(events)" ] || die "off mode still reported events"
echo enforce > $DEVMEM/mode
expect_output "/dev/mem: EPERM" rampart-probe open /dev/mem
events >/dev/null
echo "audit: allowed + event + log; off: allowed, silent; enforce again: EPERM"
