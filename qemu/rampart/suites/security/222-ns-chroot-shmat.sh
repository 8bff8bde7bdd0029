# chroot_shmat (grsecurity's CHROOT_SHMAT): a chrooted process cannot attach System V
# shared memory created outside its chroot; a segment created in the same chroot
# still attaches. The creator's root is kept with the segment by the hook layer, so
# the fallback cannot tell (docs/hook-modes.md): there the case records that.
. /rampart/lib.sh
load rampart_ns
make_jail
outside=$(rampart-attack shm-create) || die "shmget outside: $outside"
expect_output "shmat: done" rampart-attack shmat "$outside"
if [ "$(expected_hooks)" != lsm ]; then
	out=$(in_jail /bin/rampart-attack shmat "$outside" 2>&1)
	echo "fallback: shmat from a chroot is not judged, as documented ($out)"
	exit 0
fi
a=$(expect_contained shmat "$outside") || die "$a"
inside=$(in_jail /bin/rampart-attack shm-create) || die "shmget inside: $inside"
b=$(in_jail /bin/rampart-attack shmat "$inside" 2>&1)
case "$b" in
*"shmat: done"*) ;;
*) die "attaching a segment created in the same chroot: $b" ;;
esac
take_events
seen_event '"decision":"deny"' "shared memory created outside the chroot" >/dev/null
echo "segment from outside: $a; from the same chroot: done"
