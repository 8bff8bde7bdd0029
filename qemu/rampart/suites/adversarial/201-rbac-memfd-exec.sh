# RBAC "x is needed to run a program however it is run" (docs/rbac.md) against the
# fileless route: a confined program copies an executable it may read into a memfd and
# runs it with execveat(AT_EMPTY_PATH). Files on kernel-internal mounts are no RBAC
# objects, so the exec is not judged, and the program it runs is no subject's.
. /rampart/lib.sh
load rampart_rbac
module_loaded rampart_wx && echo off > $WX/mode
C=/usr/sbin/adv-confined
mkdir -p /usr/sbin /srv && cp /bin/rampart-attack $C || die "copying the confined program failed"
echo secret > /srv/adv201
cp /bin/rampart-attack /tmp/adv201-copy
cat > /tmp/adv201.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /usr/sbin/adv-confined
    /               r
    /usr/sbin/adv-confined   rx
    /tmp            rwacd
    /srv/adv201     -
POLICY
rampart-policy load /tmp/adv201.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
direct=$($C read /srv/adv201 2>&1)
copy=$($C mmap-exec /tmp/adv201-copy 2>&1)
out=$($C memfd-run read /srv/adv201 2>&1)
rampart-policy off || die "off"
events >/dev/null
case "$direct" in *EACCES*) ;; *) die "the confined program read /srv/adv201 itself: $direct" ;; esac
case "$copy" in *EACCES*) ;; *) die "the confined program mapped a copy in /tmp executable: $copy" ;; esac
if [ "$(expected_hooks)" != lsm ]; then
	echo "fallback limit (exec of kernel-internal files not judged, documented): $out"
	exit 0
fi
case "$out" in
*"read: done"*) die "BYPASS rbac: the confined program ran a memfd copy of an executable (no x anywhere it can write) and the copy, under no subject's rules, read /srv/adv201: $out" ;;
*"read: open: EACCES"*) die "BYPASS rbac (x): a memfd copy ran without x, though still confined: $out" ;;
esac
echo "direct read: $direct; mmap exec of a /tmp copy: $copy; memfd exec: $out"
