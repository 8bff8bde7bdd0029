# Changing a file's mode or owner is a right (grsecurity's RBAC): chmod and chown
# need w, and making a file setuid or setgid needs m as well. Before, a subject that
# could only read a file could chmod and chown it.
. /rampart/lib.sh
load rampart_rbac
mkdir -p /srv/ro /srv/rw /srv/setid /opt/meta || die "mkdir failed"
for d in ro rw setid; do echo data > /srv/$d/f; chmod 644 /srv/$d/f; done
cp /bin/busybox /opt/meta/busybox || die "copying busybox failed"
cat > /tmp/meta.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /opt/meta
    /            rx
    /srv/rw      rwacd
    /srv/setid   rwacd
POLICY
rampart-policy load /tmp/meta.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
M=/opt/meta/busybox
$M chmod 600 /srv/ro/f 2>/dev/null; ro_chmod=$?
$M chown 1000 /srv/ro/f 2>/dev/null; ro_chown=$?
$M chmod 600 /srv/rw/f 2>/dev/null; rw_chmod=$?
$M chmod 4755 /srv/rw/f 2>/dev/null; rw_suid=$?
check_without_m() {
	[ $ro_chmod -ne 0 ] || die "chmod of a read-only file was allowed"
	[ $ro_chown -ne 0 ] || die "chown of a read-only file was allowed"
	[ "$(stat -c %a:%u /srv/ro/f)" = 644:0 ] || die "the read-only file changed: $(stat -c %a:%u /srv/ro/f)"
	[ $rw_chmod -eq 0 ] || die "chmod with w was refused"
	[ $rw_suid -ne 0 ] || die "setuid chmod without m was allowed"
}
( check_without_m ) || { rampart-policy off; exit 1; }
# The same subject with m on /srv/setid.
sed 's|/srv/setid   rwacd|/srv/setid   rwacdm|' /tmp/meta.policy > /tmp/meta-m.policy
rampart-policy load /tmp/meta-m.policy >/dev/null || { rampart-policy off; die "loading the policy with m failed"; }
$M chmod 4755 /srv/setid/f 2>/dev/null; setid_suid=$?
rampart-policy off || die "off"
[ $setid_suid -eq 0 ] || die "setuid chmod with m was refused"
[ "$(stat -c %a /srv/setid/f)" = 4755 ] || die "setuid chmod with m did not happen"
take_events
seen_event '"decision":"deny"' '"object":"/srv/ro/f"' 'access=w' >/dev/null
seen_event '"decision":"deny"' '"object":"/srv/rw/f"' 'access=wm' >/dev/null
echo "read-only: chmod and chown refused; w: chmod ok, setuid refused; w+m: setuid ok"
