# Many crashing processes under many uids, with the module unloaded and reloaded under
# that load; unloading while a fork is delayed (10 minutes) returns at once.
. /rampart/lib.sh
load rampart_brute
brute_short
echo 20 > $BRUTE/fork_delay_ms
suid_probe
(
	while :; do
		for uid in 3000 3001 3002 3003 3004 3005 3006 3007; do
			rampart-probe as-user $uid /tmp/suid-probe crash segv
			rampart-probe as-user $uid rampart-probe crash-forks 2 >/dev/null
		done
	done
) >/dev/null 2>&1 &
hammer=$!
for i in 1 2 3 4 5 6; do
	sleep 1
	rmmod rampart_brute || die "rmmod failed in round $i"
	insmod "$MODULES/rampart_brute.ko" || die "insmod failed in round $i"
	brute_short
	echo 20 > $BRUTE/fork_delay_ms
done
# The reloaded module must still see the hammer's crashes (slow kernels: wait for one).
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
	crashes=$(sed -n 's/^crashes //p' $BRUTE/stats)
	[ "$crashes" -gt 0 ] && break
	sleep 1
done
kill $hammer
wait $hammer 2>/dev/null
[ "$crashes" -gt 0 ] || die "no crash seen within 15 s after the last reload"

echo 600000 > $BRUTE/fork_delay_ms
rampart-probe crash-forks 2 >/dev/null &
stuck=$!
sleep 2
start=$(date +%s)
rmmod rampart_brute || die "rmmod with a delayed fork failed"
took=$(($(date +%s) - start))
[ $took -le 5 ] || die "unloading waited $took s for a delayed fork"
wait $stuck
load rampart_brute
events >/dev/null
echo "6 unload/reload rounds under 8 uids crashing; unload with a 10-minute delay pending took ${took} s"
