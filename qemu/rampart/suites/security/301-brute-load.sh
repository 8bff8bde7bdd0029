# rampart_brute loads in enforce mode with grsecurity's defaults and the right hook mode.
. /rampart/lib.sh
mark=$(kmsg_mark)
load rampart_brute
want=$(expected_hooks)
case "$(cat $BRUTE/hook_mode)" in
"$want") ;;
*) die "hook_mode is '$(cat $BRUTE/hook_mode)' on the $(variant) kernel, expected $want" ;;
esac
[ "$(cat $BRUTE/mode)" = enforce ] || die "mode is $(cat $BRUTE/mode)"
[ "$(cat $BRUTE/fork_delay_ms)" = 30000 ] || die "fork_delay_ms default is $(cat $BRUTE/fork_delay_ms)"
[ "$(cat $BRUTE/throttle_secs)" = 1800 ] || die "throttle_secs default is $(cat $BRUTE/throttle_secs)"
[ "$(cat $BRUTE/ban_secs)" = 900 ] || die "ban_secs default is $(cat $BRUTE/ban_secs)"
[ -z "$(cat $BRUTE/bans)" ] || die "bans at load: $(cat $BRUTE/bans)"
line=$(kmsg_since "$mark" | grep "rampart_brute: loaded: mode enforce, hooks $want")
[ -n "$line" ] || die "no load message naming hooks $want"
events >/dev/null
echo "$line"
