# A full ban table is reported (event, log line, counter), never silently skipped.
. /rampart/lib.sh
load rampart_brute
brute_short
echo 2 > $BRUTE/max_bans
suid_probe
fresh_log_window
events >/dev/null
mark=$(kmsg_mark)
for uid in 2001 2002 2003; do
	rampart-probe as-user $uid /tmp/suid-probe crash segv
done
[ "$(grep -c '^uid' $BRUTE/bans)" = 2 ] || die "bans: $(cat $BRUTE/bans)"
take_events
seen_event '"reason":"ban table full"' '"object":"uid 2003"' >/dev/null
kmsg_since "$mark" | grep -q "rampart: ban table full uid 2003" || die "no log line for the full table"
grep -q "^ban_table_full 1$" $BRUTE/stats || die "stats: $(cat $BRUTE/stats)"
echo "lift all" > $BRUTE/bans
[ -z "$(cat $BRUTE/bans)" ] || die "lift all left: $(cat $BRUTE/bans)"
echo 64 > $BRUTE/max_bans
events >/dev/null
echo "third ban refused with event + log line + counter; lift all emptied the table"
