# The new mount API mounts as mount(2) does: fsopen + fsconfig + fsmount + move_mount
# and open_tree(OPEN_TREE_CLONE) + move_mount are refused inside a chroot.
. /rampart/lib.sh
load rampart_ns
make_jail
a=$(expect_contained newmount) || die "$a"
b=$(expect_contained open-tree) || die "$b"
grep -q " $JAIL/mnt " /proc/mounts && die "something got mounted on $JAIL/mnt"
take_events
seen_event '"decision":"deny"' "mount inside a chroot" >/dev/null
echo "$a; $b"
