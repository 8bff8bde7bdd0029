# grsecurity CHROOT_MOUNT ("no mounting or remounting"): the jail is a read-only bind
# mount; from inside, mount_setattr(2) clears MOUNT_ATTR_RDONLY, a per-mount remount
# (what `mount -o remount,bind,rw` does) that neither mount(2) nor fspick() is asked for.
. /rampart/lib.sh
load rampart_ns
make_jail
rm -f $JAIL/adv-written
mount --bind $JAIL $JAIL && mount -o remount,bind,ro $JAIL || die "making the read-only jail failed"
before=$(in_jail /bin/rampart-probe write /adv-test 2>&1)
remount=$(in_jail /bin/rampart-probe mount-tmpfs /mnt 2>&1)
out=$(in_jail /bin/rampart-attack mount-setattr / 2>&1)
after=$(in_jail /bin/rampart-probe write /adv-test 2>&1)
umount $JAIL
rm -f $JAIL/adv-written $JAIL/adv-test
events >/dev/null
case "$before" in *EROFS*) ;; *) die "the jail was not read-only to start with: $before" ;; esac
case "$remount" in *EPERM*) ;; *) die "mount(2) inside the chroot: $remount" ;; esac
if [ "$(expected_hooks)" != lsm ]; then
	echo "fallback limit (mount_setattr(2) calls no security function, documented): $out; then: $after"
	exit 0
fi
case "$out" in
*"mount-setattr: done"*) die "BYPASS chroot_mount: mount_setattr(2) made the read-only jail writable from inside ($out; then: $after)" ;;
*EPERM*) ;;
*) die "mount_setattr inside the chroot: $out" ;;
esac
echo "read-only jail: $before; mount(2): $remount; mount_setattr: $out"
