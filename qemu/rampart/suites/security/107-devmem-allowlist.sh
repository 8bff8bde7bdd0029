# An allowlisted executable may open the devices; a bad list is rejected whole.
. /rampart/lib.sh
echo /bin/rampart-probe > $DEVMEM/allow || die "setting the allowlist failed"
expect_output "/dev/mem: ok" rampart-probe open /dev/mem
expect_event '"decision":"allow"' '"reason":"allowlisted executable"' >/dev/null || die "no allow event"
if echo "relative/path" > $DEVMEM/allow 2>/dev/null; then die "a relative path was accepted"; fi
[ "$(cat $DEVMEM/allow)" = /bin/rampart-probe ] || die "the rejected write changed the allowlist: $(cat $DEVMEM/allow)"
if echo bogus > $DEVMEM/mode 2>/dev/null; then die "mode 'bogus' was accepted"; fi
[ "$(cat $DEVMEM/mode)" = enforce ] || die "the rejected write changed the mode"
echo > $DEVMEM/allow
expect_output "/dev/mem: EPERM" rampart-probe open /dev/mem
events >/dev/null
echo "allowlisted exe opened /dev/mem; bad allowlist and mode rejected with old values kept"
