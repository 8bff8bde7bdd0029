# chroot_unix (grsecurity's CHROOT_UNIX): a chrooted process cannot connect to a
# unix socket with an abstract name whose listener is outside the chroot (such a
# name reaches past the chroot's files: a session bus, an init's control socket);
# a listener inside the same chroot still works, and so do processes outside. (The
# settings are locked by 211: the toggle itself is the generic one the others use.)
. /rampart/lib.sh
load rampart_ns
make_jail
rampart-attack unix-listen rampart-outside >/dev/null 2>&1 &
outside=$!
in_jail /bin/rampart-attack unix-listen rampart-inside >/dev/null 2>&1 &
inside=$!
sleep 1
expect_output "unix-connect: done" rampart-attack unix-connect rampart-outside
a=$(expect_contained unix-connect rampart-outside) || { kill $outside $inside; die "$a"; }
b=$(in_jail /bin/rampart-attack unix-connect rampart-inside 2>&1)
kill $outside $inside
case "$b" in
*"unix-connect: done"*) ;;
*) die "connecting to a listener in the same chroot: $b" ;;
esac
take_events
seen_event '"decision":"deny"' "unix socket outside the chroot" >/dev/null
echo "outside listener: $a; same chroot: done"
