# Root in a chroot makes itself pid 1 of a new pid namespace (unshare or clone), or
# takes a new mount namespace, then tries the double-chroot escape: the task is
# judged by its mount namespace's root, not by its pid namespace's init, and new
# pid and mount namespaces are refused inside a chroot.
. /rampart/lib.sh
load rampart_ns
make_jail
a=$(expect_contained pidns) || die "$a"
b=$(expect_contained clone-ns) || die "$b"
c=$(expect_contained mntns) || die "$c"
take_events
seen_event '"decision":"deny"' "namespace from inside a chroot" >/dev/null
echo "$a; $b; $c"
