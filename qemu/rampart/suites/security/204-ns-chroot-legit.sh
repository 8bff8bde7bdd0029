# A normal chroot still works: run a shell, write and read files.
. /rampart/lib.sh
make_jail
out=$(in_jail /bin/sh -c 'echo built > /tmp/out && cat /tmp/out && touch /tmp/f && chmod 0755 /tmp/f && echo chmod-ok')
[ "$out" = "built
chmod-ok" ] || die "chroot build failed: $out"
[ -z "$(events)" ] || die "a legitimate chroot produced events"
echo "chroot: shell, files and plain chmod work, no events"
