# Bad settings are rejected and the old values kept; non-root cannot change anything.
. /rampart/lib.sh
load rampart_brute
brute_short
for bad in "fork_delay_ms abc" "fork_delay_ms 600001" "throttle_secs -1" "ban_secs 604801" \
	"max_bans 0" "max_bans 65" "max_throttles 99" "bans lift" "bans lift -1" "bans ban 5" "mode bogus"; do
	set -- $bad
	file=$1
	shift
	if echo "$*" > $BRUTE/$file 2>/dev/null; then die "accepted $file=$*"; fi
done
echo "lift 4242" > $BRUTE/bans 2>/dev/null && die "lifting a uid that is not banned succeeded"
[ "$(cat $BRUTE/fork_delay_ms)" = 400 ] || die "fork_delay_ms changed to $(cat $BRUTE/fork_delay_ms)"
[ "$(cat $BRUTE/max_bans)" = 64 ] || die "max_bans changed"
[ "$(cat $BRUTE/mode)" = enforce ] || die "mode changed"
rampart-probe as-user 1000 sh -c "echo 0 > $BRUTE/fork_delay_ms" 2>/dev/null && die "uid 1000 changed a setting"
[ "$(cat $BRUTE/fork_delay_ms)" = 400 ] || die "fork_delay_ms changed by uid 1000"
echo "11 bad writes rejected, values kept; non-root refused"
