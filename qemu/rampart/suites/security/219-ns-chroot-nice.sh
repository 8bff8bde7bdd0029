# Inside a chroot, a process cannot raise its priority (grsecurity's CHROOT_NICE):
# setpriority(-5) is refused (EACCES: the chroot gets no CAP_SYS_NICE, which the kernel
# asks before the priority hook), with an event.
. /rampart/lib.sh
load rampart_ns
make_jail
a=$(in_jail /bin/rampart-attack nice 2>&1)
case "$a" in
*"nice: done"*) die "setpriority(-5) inside the chroot: $a" ;;
*EACCES* | *EPERM*) ;;
*) die "refused other than by rampart: $a" ;;
esac
expect_event '"decision":"deny"' "priority inside a chroot" >/dev/null
echo "$a"
