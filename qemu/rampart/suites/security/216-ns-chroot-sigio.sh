# chroot_kill through SIGIO: F_SETOWN naming a process outside, F_SETSIG SIGKILL,
# O_ASYNC and one write. Refused; the process outside lives; F_SETOWN naming a
# process in the same chroot still works.
. /rampart/lib.sh
load rampart_ns
make_jail
sleep 1000 </dev/null >/dev/null 2>&1 &
outside=$!
sleep 1
a=$(expect_contained sigio $outside) || die "$a"
kill -0 $outside 2>/dev/null || die "the process outside was killed through SIGIO"
kill $outside
out=$(in_jail /bin/sh -c '/bin/sleep 1000 & /bin/rampart-attack sigio $!' 2>&1)
case "$out" in
*"sigio: done"*) ;;
*) die "F_SETOWN to a process in the same chroot: $out" ;;
esac
take_events
seen_event '"decision":"deny"' "signal to a process outside the chroot" >/dev/null
echo "$a; same chroot: $out"
