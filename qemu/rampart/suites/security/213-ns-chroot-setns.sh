# setns() into a mount namespace resets the root to that namespace's root: refused
# inside a chroot, whether the namespace file was opened inside (proc given to the
# jail), before the chroot, or through a detached proc from fsmount().
. /rampart/lib.sh
load rampart_ns
make_jail
mkdir -p $JAIL/proc
mount -t proc proc $JAIL/proc || die "mounting proc in the jail failed"
a=$(expect_contained setns) || die "$a"
umount $JAIL/proc
out=$(rampart-attack setns-held $JAIL 2>&1)
case "$out" in
*"setns: EPERM"*) ;;
*) die "setns with a namespace fd held across chroot: $out" ;;
esac
c=$(expect_contained fsmount-proc) || die "$c"
take_events
seen_event '"decision":"deny"' "setns from inside a chroot" >/dev/null
echo "$a; $out; $c"
