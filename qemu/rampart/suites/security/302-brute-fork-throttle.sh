# A parent whose forked child (same program) crashes has its later forks delayed;
# a child running another program, a child killed by someone else, and a restarted
# parent are not throttled; audit mode reports the delay without applying it.
. /rampart/lib.sh
load rampart_brute
brute_short
cp /bin/rampart-probe /tmp/other-probe
events >/dev/null

out=$(rampart-probe crash-forks 3)
printf '%s\n' "$out"
[ "$(printf '%s\n' "$out" | grep -c 'signal 11$')" = 3 ] || die "children did not die of SIGSEGV: $out"
[ "$(fork_ms "$out" 0)" -lt 300 ] || die "the first fork, before any crash, took $(fork_ms "$out" 0) ms"
for i in 1 2; do
	[ "$(fork_ms "$out" $i)" -ge 400 ] || die "fork $i after a crash took only $(fork_ms "$out" $i) ms"
done
take_events
seen_event '"module":"brute"' '"decision":"notice"' '"reason":"crash observed"' '"object":"signal 11 code 1"' >/dev/null
seen_event '"reason":"throttle started"' >/dev/null
seen_event '"object":"fork delayed 400 ms"' '"decision":"notice"' >/dev/null
[ -z "$(cat $BRUTE/throttles)" ] && die "throttles is empty while throttled"

other=$(rampart-probe crash-forks 3 /tmp/other-probe)
for i in 0 1 2; do
	[ "$(fork_ms "$other" $i)" -lt 300 ] || die "another program's crash delayed fork $i: $other"
done
killed=$(rampart-probe kill-forks 2)
[ "$(printf '%s\n' "$killed" | grep -c 'signal 11$')" = 2 ] || die "kill-forks: $killed"
take_events
printf '%s\n' "$TAKEN" | grep -q 'throttle started' && die "a throttle started without a same-program crash: $TAKEN"
printf '%s\n' "$TAKEN" | grep -q '"object":"signal 11 code 0"' && die "kill -SEGV counted as a crash"

echo audit > $BRUTE/mode
audit=$(rampart-probe crash-forks 2)
[ "$(fork_ms "$audit" 1)" -lt 300 ] || die "audit mode delayed a fork: $audit"
take_events
seen_event '"decision":"audit"' '"object":"fork delayed 400 ms"' >/dev/null
echo enforce > $BRUTE/mode
grep -q "^forks_delayed 2$" $BRUTE/stats || die "stats: $(cat $BRUTE/stats)"
echo "forks after a same-program crash: $(fork_ms "$out" 1) and $(fork_ms "$out" 2) ms (first $(fork_ms "$out" 0) ms); other program, kill -SEGV, restart, audit: not delayed"
