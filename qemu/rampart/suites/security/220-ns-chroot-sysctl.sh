# Inside a chroot, sysctls cannot be written (grsecurity's CHROOT_SYSCTL), even with
# /proc given to the jail; reading them still works.
. /rampart/lib.sh
load rampart_ns
make_jail
mkdir -p $JAIL/proc
mount -t proc proc $JAIL/proc || die "mounting proc in the jail failed"
read_out=$(in_jail /bin/cat /proc/sys/kernel/hostname 2>&1)
write_out=$(in_jail /bin/sh -c 'cat /proc/sys/kernel/hostname > /proc/sys/kernel/hostname' 2>&1)
umount $JAIL/proc
[ -n "$read_out" ] || die "reading a sysctl in the jail failed"
case "$write_out" in
*"Operation not permitted"*) ;;
*) die "writing a sysctl in the jail: '$write_out'" ;;
esac
expect_event '"decision":"deny"' "sysctl write inside a chroot" >/dev/null
echo "sysctl read in the jail: $read_out; write: $write_out"
