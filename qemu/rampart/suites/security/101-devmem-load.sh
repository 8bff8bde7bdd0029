# rampart_devmem loads in enforce mode with the hook mode this kernel allows.
. /rampart/lib.sh
mark=$(kmsg_mark)
load rampart_devmem
want=$(expected_hooks)
got=$(cat $DEVMEM/hook_mode)
[ "$got" = "$want" ] || die "hook_mode is $got on the $(variant) kernel, expected $want"
[ "$(cat $DEVMEM/mode)" = enforce ] || die "mode is $(cat $DEVMEM/mode), expected enforce"
line=$(kmsg_since "$mark" | grep "rampart_devmem: loaded: mode enforce, hooks $want")
[ -n "$line" ] || die "no load message naming hooks $want"
events >/dev/null
echo "$line"
