# Crashes that must not ban: a non-setuid program under a user, a setuid program run
# by root, and a setuid program killed by someone else's SIGSEGV.
. /rampart/lib.sh
load rampart_brute
brute_short
suid_probe
events >/dev/null
rampart-probe as-user 1000 rampart-probe crash segv
/tmp/suid-probe crash segv
rampart-probe as-user 1002 /tmp/suid-probe pause 30 &
victim=$!
sleep 1
kill -SEGV $victim
wait $victim
[ -z "$(cat $BRUTE/bans)" ] || die "banned: $(cat $BRUTE/bans)"
take_events
seen_event '"reason":"crash observed"' '"uid":1000' >/dev/null
printf '%s\n' "$TAKEN" | grep -q '"ban started"' && die "a ban started: $TAKEN"
expect_output "ok: ok" rampart-probe as-user 1000 /tmp/suid-probe ok
expect_output "ok: ok" rampart-probe as-user 1002 /tmp/suid-probe ok
echo "non-setuid crash, root's setuid crash, kill -SEGV from outside: no ban"
