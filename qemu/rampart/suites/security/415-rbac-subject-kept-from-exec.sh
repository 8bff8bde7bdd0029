# A task's subject is decided when it execs and kept with it (the hook layer's task
# bytes): moving the running program out of its subject's directory (a subject for a
# directory of programs) does not free it.
# Without the hook layer there is nowhere to keep it: the fallback finds the subject
# from where the executable is now (docs/hook-modes.md), and the case records that.
. /rampart/lib.sh
load rampart_rbac
mkdir -p /opt/confined /opt/free || die "mkdir failed"
rm -f /opt/free/tool /tmp/go415
cp /bin/rampart-attack /opt/confined/tool || die "copying the tool failed"
echo secret > /srv/s415
cat > /tmp/kept.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /opt/confined
    /           rx
    /tmp        rwacd
    /srv/s415   -
POLICY
rampart-policy load /tmp/kept.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
expect_output "read: open: EACCES" /opt/confined/tool read /srv/s415
mkfifo /tmp/go415 || die "mkfifo failed"
/opt/confined/tool read-after /tmp/go415 /srv/s415 > /tmp/out415 2>&1 &
waiter=$!
sleep 1
mv /opt/confined/tool /opt/free/tool || die "rename failed"
# Other tasks, alive at once, push whatever a cache held for the waiter out of it.
for i in $(seq 96); do (cat /srv/s415 >/dev/null; sleep 2) & done
sleep 1
echo go > /tmp/go415
wait $waiter
wait
out=$(cat /tmp/out415)
rampart-policy off || die "off"
events >/dev/null
if [ "$(expected_hooks)" != lsm ]; then
	echo "fallback: after the rename the subject follows the executable's new path ($out), as documented"
	exit 0
fi
case "$out" in
*"read: open: EACCES"*) ;;
*) die "the renamed program escaped its subject: $out" ;;
esac
echo "renamed while running: still confined ($out)"
