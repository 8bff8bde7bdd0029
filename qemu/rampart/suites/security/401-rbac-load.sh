# rampart_rbac loads in enforce mode without a policy (nothing enforced yet) and names its hook mode.
. /rampart/lib.sh
mark=$(kmsg_mark)
load rampart_rbac
expect_output "/rampart/suite: ok" rampart-probe open /rampart/suite
want=$(expected_hooks)
case "$(cat $RBAC/hook_mode)" in
"$want"*) ;;
*) die "hook_mode is '$(cat $RBAC/hook_mode)' on the $(variant) kernel, expected $want" ;;
esac
grep -q "^mode enforce$" $RBAC/status || die "status: $(cat $RBAC/status)"
grep -q "^policy none$" $RBAC/status || die "status: $(cat $RBAC/status)"
line=$(kmsg_since "$mark" | grep "rampart_rbac: loaded: mode enforce, hooks $want")
[ -n "$line" ] || die "no load message naming hooks $want"
events >/dev/null
echo "$line"
