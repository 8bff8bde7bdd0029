# rampart_ns loads in enforce mode with every protection on and the right hook mode.
. /rampart/lib.sh
mark=$(kmsg_mark)
load rampart_ns
want=$(expected_hooks)
case "$(cat $NS/hook_mode)" in
"$want"*) ;;
*) die "hook_mode is '$(cat $NS/hook_mode)' on the $(variant) kernel, expected $want" ;;
esac
for p in userns chroot_double chroot_mount chroot_pivot chroot_mknod chroot_chmod chroot_fchdir chroot_kill chroot_ptrace chroot_unshare chroot_setns chroot_setcap chroot_nice chroot_sysctl; do
	[ "$(cat $NS/$p)" = 1 ] || die "$p is not on by default"
done
[ "$(cat $NS/chroot_caps)" = 0 ] || die "chroot_caps (opt-in) is on by default"
line=$(kmsg_since "$mark" | grep "rampart_ns: loaded: mode enforce, hooks $want")
[ -n "$line" ] || die "no load message naming hooks $want"
events >/dev/null
echo "$line"
