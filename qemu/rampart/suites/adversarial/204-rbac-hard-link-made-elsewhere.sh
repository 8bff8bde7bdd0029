# docs/rbac.md: "hard links ... all reach the same rule". The confined subject may not
# make a link out of a denied directory (security suite 410), but a link made by someone
# else (the admin, a backup, an unconfined program) is a name in a permissive directory:
# the walk goes up from the link's name. (1) Links made before the policy was loaded:
# the compiler gives a file with several names under a restricted directory a rule of
# its own. (2) Links made afterwards, by an unconfined root: refused when they would
# give some subject more than the file has (the patched kernel; the fallback does not
# see links, documented), whatever subject comes first (a learning one is reported,
# not the last word). A rule on the file itself (by inode) is the control, and so is a
# link that widens nothing.
. /rampart/lib.sh
load rampart_rbac
R=/usr/sbin/adv-reader
mkdir -p /usr/sbin /srv/adv204 /var/spool && cp /bin/rampart-attack $R && cp /bin/rampart-attack /usr/sbin/adv-learner || die "copying the reader failed"
echo dirsecret > /srv/adv204/in-dir
echo latesecret > /srv/adv204/late
echo filesecret > /srv/adv204-file
echo plain > /var/spool/adv204-plain
rm -f /var/spool/adv204-a /var/spool/adv204-b /var/spool/adv204-c /var/spool/adv204-plain2
ln /srv/adv204/in-dir /var/spool/adv204-a && ln /srv/adv204-file /var/spool/adv204-b || die "linking failed"
cat > /tmp/adv204.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /usr/sbin/adv-learner learn
    /             r
    /var/spool    rw
  subject /usr/sbin/adv-reader
    /                 r
    /srv/adv204       -
    /srv/adv204-file  -
POLICY
rampart-policy load /tmp/adv204.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
d1=$($R read /srv/adv204/in-dir 2>&1)
d2=$($R read /var/spool/adv204-a 2>&1)
f1=$($R read /srv/adv204-file 2>&1)
f2=$($R read /var/spool/adv204-b 2>&1)
late=$(ln /srv/adv204/late /var/spool/adv204-c 2>&1 && echo linked)
plain=$(ln /var/spool/adv204-plain /var/spool/adv204-plain2 2>&1 && echo linked)
d3=$($R read /var/spool/adv204-c 2>&1)
rampart-policy off || die "off"
rm -f /var/spool/adv204-a /var/spool/adv204-b /var/spool/adv204-c /var/spool/adv204-plain /var/spool/adv204-plain2
take_events
case "$d1$f1" in *done*) die "the denied files were readable by their own names: $d1 / $f1" ;; esac
case "$f2" in *"read: done"*) die "BYPASS rbac: a hard link to a file with its own rule was readable: $f2" ;; esac
case "$d2" in
*"read: done"*) die "BYPASS rbac: a file of a denied directory was read through a hard link made before the policy was loaded, in a permissive directory (/var/spool/adv204-a): $d2" ;;
esac
[ "$plain" = linked ] || die "root could not link a file within one permissive directory: $plain"
case "$d3" in
*"read: done"*)
	if [ "$(expected_hooks)" != lsm ]; then
		echo "LIMIT fallback: a link made after the policy was loaded is not judged (no link hook without the hook layer): $d3"
		exit 0
	fi
	die "BYPASS rbac: root linked a denied directory's file into a permissive one after the policy was loaded ($late), and the subject read it: $d3" ;;
esac
[ "$(expected_hooks)" = lsm ] && seen_event '"module":"rbac"' '/srv/adv204/late' '/usr/sbin/adv-reader' >/dev/null
echo "links made before the policy: $d2, $f2; made after it: ${late:-refused}; $d3"
