# A descriptor inherited across exec is revalidated for the new subject: an
# unconfined shell's `exec 5</etc/shadow` gives a confined program nothing (the
# descriptor becomes /dev/null at exec, so reading it reads nothing), while one it
# may open stays usable. The fallback
# has no hook at exec (docs/hook-modes.md): the case records that it still works.
. /rampart/lib.sh
load rampart_rbac
svc_setup
READER=/usr/sbin/rampart-fdreader
cp /bin/rampart-attack $READER || die "copying the reader failed"
cat > /tmp/fd.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /usr/sbin/rampart-fdreader
    /             r
    /etc/shadow   -
POLICY
rampart-policy load /tmp/fd.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
expect_output "read: open: EACCES" $READER read /etc/shadow
shadow=$(sh -c "exec 5</etc/shadow; exec $READER read-fd 5" 2>&1)
conf=$(sh -c "exec 5</etc/svc.conf; exec $READER read-fd 5" 2>&1)
rampart-policy off || die "off"
case "$conf" in
*"read-fd: done"*) ;;
*) die "an allowed inherited descriptor: $conf" ;;
esac
if [ "$(expected_hooks)" = lsm ]; then
	case "$shadow" in
	*"read-fd: done"*) die "/etc/shadow inherited across exec was readable: $shadow" ;;
	*"read-fd: read: EBADF"* | *"read-fd: nothing"*) ;;
	*) die "/etc/shadow inherited across exec: $shadow" ;;
	esac
	expect_event '"decision":"deny"' '"object":"/etc/shadow"' >/dev/null
	echo "inherited /etc/shadow replaced at exec ($shadow); inherited /etc/svc.conf: usable"
else
	events >/dev/null
	echo "fallback: inherited /etc/shadow $shadow (not revalidated, as documented); /etc/svc.conf usable"
fi
