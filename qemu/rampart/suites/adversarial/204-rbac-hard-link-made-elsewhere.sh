# docs/rbac.md: "hard links ... all reach the same rule". The confined subject may not
# make a link out of a denied directory (security suite 410), but a link made by someone
# else (the admin, a backup, an unconfined program, or before the policy) is a name in a
# permissive directory: the walk goes up from the link's name. A rule on the file itself
# (by inode) is the control.
. /rampart/lib.sh
load rampart_rbac
R=/usr/sbin/adv-reader
mkdir -p /usr/sbin /srv/adv204 /var/spool && cp /bin/rampart-attack $R || die "copying the reader failed"
echo dirsecret > /srv/adv204/in-dir
echo filesecret > /srv/adv204-file
rm -f /var/spool/adv204-a /var/spool/adv204-b
ln /srv/adv204/in-dir /var/spool/adv204-a && ln /srv/adv204-file /var/spool/adv204-b || die "linking failed"
cat > /tmp/adv204.policy <<'POLICY'
role default
  subject /
    /   rwacdx
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
rampart-policy off || die "off"
rm -f /var/spool/adv204-a /var/spool/adv204-b
events >/dev/null
case "$d1$f1" in *done*) die "the denied files were readable by their own names: $d1 / $f1" ;; esac
case "$f2" in *"read: done"*) die "BYPASS rbac: a hard link to a file with its own rule was readable: $f2" ;; esac
case "$d2" in
*"read: done"*) die "BYPASS rbac: a file of a denied directory was read through a hard link someone else made in a permissive directory (/var/spool/adv204-a): $d2" ;;
esac
echo "denied directory's file via a link: $d2; denied file via a link: $f2"
