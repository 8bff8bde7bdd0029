# Inside a chroot, a process cannot raise its priority (grsecurity's CHROOT_NICE).
. /rampart/lib.sh
load rampart_ns
make_jail
a=$(expect_contained nice) || die "$a"
expect_event '"decision":"deny"' "priority inside a chroot" >/dev/null
echo "$a"
