# Landlock's O_PATH and /proc/self/fd reopen tests: an O_PATH descriptor of a file the
# subject may not read (O_PATH opens are not judged unless the file is hidden), reopened
# for reading through /proc/self/fd/N, is judged as an open.
. /rampart/lib.sh
load rampart_rbac
O=/usr/sbin/adv-opath
mkdir -p /usr/sbin /srv && cp /bin/rampart-attack $O || die "copying failed"
echo secret > /srv/adv207
cat > /tmp/adv207.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /usr/sbin/adv-opath
    /             rx
    /srv/adv207   -
POLICY
rampart-policy load /tmp/adv207.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
out=$($O opath-reopen /srv/adv207 2>&1)
rampart-policy off || die "off"
events >/dev/null
case "$out" in
*"opath-reopen: done"*) die "BYPASS rbac: O_PATH then /proc/self/fd reopen read a denied file: $out" ;;
*EACCES*) ;;
*) die "opath-reopen: $out" ;;
esac
echo "O_PATH + reopen: $out"
