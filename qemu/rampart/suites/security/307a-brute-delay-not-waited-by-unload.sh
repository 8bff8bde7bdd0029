# A fork waiting out a long delay never holds up another module's unload: the hook
# layer waits delays out itself, after the handlers returned (and ends them when a
# module unregisters), so rmmod of rampart_rbac returns at once.
. /rampart/lib.sh
load rampart_brute
brute_short
echo 20000 > $BRUTE/fork_delay_ms
load rampart_rbac
rampart-probe crash-forks 2 > /tmp/crash-forks.out 2>&1 &
forks=$!
sleep 3
start=$(date +%s)
rmmod rampart_rbac || die "rmmod rampart_rbac failed"
took=$(($(date +%s) - start))
wait $forks
echo 400 > $BRUTE/fork_delay_ms
grep -q '^fork 1: ' /tmp/crash-forks.out || die "the second fork never ran: $(cat /tmp/crash-forks.out)"
[ "$took" -le 5 ] || die "rmmod rampart_rbac waited $took s for a fork delay"
events >/dev/null
echo "rmmod rampart_rbac took $took s while a fork waited out a 20 s delay"
