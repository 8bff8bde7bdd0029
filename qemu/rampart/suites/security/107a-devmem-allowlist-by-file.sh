# The allowlist names files, not paths: the file a path named when the list was
# written, from the real root. A chroot holding another binary at that path, a
# binary renamed or bind-mounted over it later, get nothing; a path that names no
# file is refused whole.
. /rampart/lib.sh
load rampart_devmem
cp /bin/rampart-probe /tmp/dmidecode || die "copying failed"
echo /tmp/dmidecode > $DEVMEM/allow || die "setting the allowlist failed"
expect_output "/dev/mem: ok" /tmp/dmidecode open /dev/mem
make_jail
cp /bin/rampart-probe $JAIL/tmp/dmidecode || die "copying into the jail failed"
mkdir -p $JAIL/dev && { [ -c $JAIL/dev/mem ] || mknod $JAIL/dev/mem c 1 1; } || die "mknod in the jail failed"
expect_output "/dev/mem: EPERM" in_jail /tmp/dmidecode open /dev/mem
cp /bin/rampart-probe /tmp/impostor && mv /tmp/impostor /tmp/dmidecode || die "rename failed"
expect_output "/dev/mem: EPERM" /tmp/dmidecode open /dev/mem
cp /bin/rampart-probe /tmp/flashrom && echo /tmp/flashrom > $DEVMEM/allow || die "allowlist failed"
cp /bin/rampart-probe /tmp/impostor && mount --bind /tmp/impostor /tmp/flashrom || die "bind mount failed"
expect_output "/dev/mem: EPERM" /tmp/flashrom open /dev/mem
umount /tmp/flashrom
expect_output "/dev/mem: ok" /tmp/flashrom open /dev/mem
if echo /tmp/flashrom,/no/such/file > $DEVMEM/allow 2>/dev/null; then die "a path naming no file was accepted"; fi
[ "$(cat $DEVMEM/allow)" = /tmp/flashrom ] || die "the rejected write changed the allowlist: $(cat $DEVMEM/allow)"
echo > $DEVMEM/allow
events >/dev/null
echo "chroot copy, renamed-over and bind-mounted impostors: EPERM; the listed file: ok"
