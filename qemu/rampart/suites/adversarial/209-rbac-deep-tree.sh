# A walk that gives up is not an answer: a file 4,100 directories below a denied
# directory (deeper than the walk's 4,096 levels, reached with O_PATH descriptors and
# openat(), since the path is longer than PATH_MAX) must not take the subject's `/`
# rule. The same file 10 levels down is the control.
. /rampart/lib.sh
load rampart_rbac
R=/usr/sbin/adv-reader
mkdir -p /usr/sbin /srv/adv209/shallow /srv/adv209/deep && cp /bin/rampart-attack $R || die "copying the reader failed"
rampart-attack deep-make /srv/adv209/deep 4100 secret >/dev/null || die "making the deep tree failed"
rampart-attack deep-make /srv/adv209/shallow 10 secret >/dev/null || die "making the shallow tree failed"
cat > /tmp/adv209.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /usr/sbin/adv-reader
    /             rx
    /srv/adv209   -
POLICY
rampart-policy load /tmp/adv209.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
shallow=$($R deep-read /srv/adv209/shallow 10 secret 2>&1)
deep=$($R deep-read /srv/adv209/deep 4100 secret 2>&1)
rampart-policy off || die "off"
rm -rf /srv/adv209
events >/dev/null
case "$shallow" in *done*) die "the control was readable: $shallow" ;; esac
case "$deep" in
*"deep-read: done"*) die "BYPASS rbac: a file 4,100 levels below a denied directory was read (the walk gave up and the / rule decided): $deep" ;;
esac
echo "10 levels: $shallow; 4,100 levels: $deep"
