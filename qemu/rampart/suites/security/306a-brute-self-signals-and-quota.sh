# A user cannot fill the throttle table: a program that sends itself SIGSEGV is not
# a crash, and one uid's real crashes hold at most 4 throttles; another uid's crash
# still gets one. A program with file capabilities counts as privileged (AT_SECURE)
# as a setuid one does: its crash bans the uid.
. /rampart/lib.sh
load rampart_brute
brute_short
events >/dev/null
crashes() { sed -n 's/^crashes //p' $BRUTE/stats; }
# Throttles are counted by pid, as those not held before: an earlier case's throttle
# may expire while this one runs, so totals would not add up.
throttled() { sed -n 's/^pid \([0-9]*\) .*/\1/p' $BRUTE/throttles; }
new_throttles() { throttled | grep -cvxF -f "$1" || true; }
held() { { echo none; throttled; } > /tmp/held-throttles; }
before=$(crashes)
held
rampart-probe as-user 1000 sh -c 'kill -SEGV $$'
for i in 1 2 3 4 5 6; do
	rampart-probe as-user 1000 rampart-probe crash-forks 1 >/dev/null 2>&1
done
added=$(new_throttles /tmp/held-throttles)
held
[ "$added" -ge 1 ] && [ "$added" -le 4 ] || die "six crashing parents of uid 1000 added $added throttles: $(cat $BRUTE/throttles)"
take_events
seen_event '"reason":"throttle quota of the uid reached"' >/dev/null
rampart-probe as-user 1001 rampart-probe crash-forks 1 >/dev/null 2>&1
[ "$(new_throttles /tmp/held-throttles)" = 1 ] || die "uid 1001 got no throttle: $(cat $BRUTE/throttles)"
[ $(($(crashes) - before)) = 7 ] || die "the self-sent SIGSEGV counted, or a crash was missed: $((before)) -> $(crashes)"
cp /bin/rampart-probe /tmp/cap-probe && rampart-attack setcap /tmp/cap-probe >/dev/null || die "setting a file capability failed"
rampart-probe as-user 1002 /tmp/cap-probe crash segv
grep -q "^uid 1002 expires_in " $BRUTE/bans || die "a crash of a program with file capabilities banned nobody: $(cat $BRUTE/bans)"
echo "lift all" > $BRUTE/bans
events >/dev/null
echo "kill -SEGV \$\$ not a crash; uid 1000 capped at 4 throttles; uid 1001 still throttled; file-capability crash banned uid 1002"
