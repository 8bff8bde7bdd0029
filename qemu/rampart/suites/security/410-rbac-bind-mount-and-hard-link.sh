# A file keeps the rules of its real directories: a subdirectory of a denied directory
# bind-mounted into a permissive one stays denied, and a hard link from a denied
# directory into a permissive one is refused (a link must not grant more than the
# source has).
. /rampart/lib.sh
load rampart_rbac
READER=/usr/sbin/rampart-reader
mkdir -p /usr/sbin /srv/secret/sub /tmp/y /var/spool || die "mkdir failed"
cp /bin/rampart-attack $READER || die "copying the reader failed"
echo secret > /srv/secret/sub/f
echo secret > /srv/secret/g
cat > /tmp/bind.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /usr/sbin/rampart-reader
    /             r
    /tmp          rwacd
    /var/spool    rwacd
    /srv/secret   -
POLICY
rampart-policy load /tmp/bind.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
expect_output "read: open: EACCES" $READER read /srv/secret/sub/f
mount --bind /srv/secret/sub /tmp/y || die "bind mount failed"
out=$($READER read /tmp/y/f 2>&1)
umount /tmp/y
case "$out" in
*EACCES*) ;;
*) rampart-policy off; die "a bind mount of a denied subdirectory: $out" ;;
esac
# Links are judged by path_link, which the fallback does not probe (docs/hook-modes.md).
links="hard link out of it: EACCES; a link within /var/spool: ok"
if [ "$(expected_hooks)" = lsm ]; then
	out=$($READER link /srv/secret/g /var/spool/g 2>&1)
	case "$out" in
	*"link: EACCES"*) ;;
	*) rm -f /var/spool/g; rampart-policy off; die "hard link out of a denied directory: $out" ;;
	esac
	[ -e /var/spool/g ] && die "the link was made"
	echo plain > /var/spool/plain
	expect_output "link: done" $READER link /var/spool/plain /var/spool/plain2
else
	links="hard links: not enforced in fallback mode, as documented"
fi
rampart-policy off || die "off"
events >/dev/null
echo "bind-mounted subdirectory of a denied directory: EACCES; $links"
