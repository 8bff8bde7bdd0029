# chdir("/proc/self/fd/N") to a directory opened before the chroot is fchdir by
# another name: refused on the patched kernel. The fallback has no chdir hook
# (docs/hook-modes.md): the case records that it still works there.
. /rampart/lib.sh
load rampart_ns
make_jail
mkdir -p $JAIL/proc
mount -t proc proc $JAIL/proc || die "mounting proc in the jail failed"
out=$(rampart-attack fd-chdir $JAIL 2>&1)
umount $JAIL/proc
if [ "$(expected_hooks)" = lsm ]; then
	case "$out" in
	*"chdir /proc/self/fd: EPERM"*) ;;
	*) die "fd-chdir: $out" ;;
	esac
	expect_event '"decision":"deny"' "chdir outside the chroot" >/dev/null
	echo "$out"
else
	events >/dev/null
	echo "fallback: $out (not enforced, as documented)"
fi
