# A setuid program crashing under uid 1000 bans that uid from setuid/setgid execs;
# other uids, root and non-setuid programs are unaffected; root can list and lift bans.
. /rampart/lib.sh
load rampart_brute
brute_short
suid_probe
expect_output "ok: ok" rampart-probe as-user 1000 /tmp/suid-probe ok
fresh_log_window
events >/dev/null
mark=$(kmsg_mark)
rampart-probe as-user 1000 /tmp/suid-probe crash segv
[ $? = 139 ] || die "the setuid program did not die of SIGSEGV"
expect_output "/tmp/suid-probe: EPERM" rampart-probe as-user 1000 /tmp/suid-probe ok
grep -q "^uid 1000 expires_in " $BRUTE/bans || die "bans: $(cat $BRUTE/bans)"
take_events
seen_event '"reason":"crash observed"' '"uid":1000' '"euid":0' >/dev/null
seen_event '"reason":"ban started"' '"object":"uid 1000"' >/dev/null
seen_event '"decision":"deny"' '"object":"/tmp/suid-probe"' '"uid":1000' >/dev/null
kmsg_since "$mark" | grep -q "rampart: denied /tmp/suid-probe (setuid/setgid exec by a uid banned after a crash)" ||
	die "no log line for the denied exec"
expect_output "ok: ok" rampart-probe as-user 1001 /tmp/suid-probe ok
expect_output "ok: ok" /tmp/suid-probe ok
expect_output "ok: ok" rampart-probe as-user 1000 rampart-probe ok
echo "lift 1000" > $BRUTE/bans || die "lifting failed"
[ -z "$(cat $BRUTE/bans)" ] || die "bans after lift: $(cat $BRUTE/bans)"
expect_event '"reason":"ban lifted"' '"object":"uid 1000"' >/dev/null
expect_output "ok: ok" rampart-probe as-user 1000 /tmp/suid-probe ok
echo "uid 1000 banned after a setuid crash (EPERM, event, log line); uid 1001, root, non-setuid unaffected; lifted"
