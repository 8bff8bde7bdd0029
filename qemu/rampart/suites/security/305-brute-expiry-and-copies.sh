# A ban kills the uid's other copies of the crashed program (not other uids'), and
# ends on its own with a "ban expired" event. abort() counts as a crash.
. /rampart/lib.sh
load rampart_brute
brute_short
echo 2 > $BRUTE/ban_secs
suid_probe
rampart-probe as-user 1000 /tmp/suid-probe pause 60 >/dev/null &
same_uid=$!
rampart-probe as-user 1001 /tmp/suid-probe pause 60 >/dev/null &
other_uid=$!
sleep 1
events >/dev/null
rampart-probe as-user 1000 /tmp/suid-probe crash abort
wait $same_uid
status=$?
[ $status = 137 ] || die "uid 1000's other copy ended with status $status, not SIGKILL"
kill -0 $other_uid 2>/dev/null || die "uid 1001's copy was killed"
kill $other_uid
take_events
seen_event '"reason":"crash observed"' '"object":"signal 6 code -6"' >/dev/null
seen_event '"reason":"copies killed"' '"object":"1 processes of uid 1000"' >/dev/null
expect_output "/tmp/suid-probe: EPERM" rampart-probe as-user 1000 /tmp/suid-probe ok
for i in 1 2 3 4 5 6; do
	[ -z "$(cat $BRUTE/bans)" ] && break
	sleep 1
done
[ -z "$(cat $BRUTE/bans)" ] || die "the ban did not expire: $(cat $BRUTE/bans)"
sleep 2
expect_event '"reason":"ban expired"' '"object":"uid 1000"' >/dev/null
expect_output "ok: ok" rampart-probe as-user 1000 /tmp/suid-probe ok
echo "other copy of uid 1000 killed (137), uid 1001's kept; ban expired after 2 s with an event"
