# grsecurity CHROOT (gr_chroot_fhandle) / the 2014 "Shocker" container escape: root in a
# chroot keeps CAP_DAC_READ_SEARCH, and open_by_handle_at() opens any directory of the
# jail's filesystem by its handle, whatever the root. On a disk filesystem the root
# directory's handle is a constant (ext4: inode 2, generation 0); the guest's rootfs is
# tmpfs, whose generations are random, so the handle is taken outside and handed in.
# The jail lives on the rootfs itself, so the handle names the real root.
. /rampart/lib.sh
load rampart_ns
J=/adv-jail
mkdir -p $J/bin || die "mkdir failed"
cp /bin/busybox /bin/rampart-attack $J/bin/ || die "copying into the jail failed"
handle=$(rampart-attack fhandle-get / 2>&1)
case "$handle" in
*ENOSYS*) echo "not reachable on this kernel: no open_by_handle_at (CONFIG_FHANDLE off): $handle"; exit 0 ;;
*:*) ;;
*) die "name_to_handle_at(/) outside: $handle" ;;
esac
out=$(chroot $J /bin/rampart-attack fhandle-open / "$handle" 2>&1)
echo 1 > $NS/chroot_caps
caps=$(chroot $J /bin/rampart-attack fhandle-open / "$handle" 2>&1)
echo 0 > $NS/chroot_caps
events >/dev/null
case "$out" in
*ESCAPED*) die "BYPASS chroot: open_by_handle_at from inside the chroot reached the real root ($out; with chroot_caps=1: $caps)" ;;
*EPERM* | *EACCES*) ;;
*) die "open_by_handle_at: refused other than by rampart: $out" ;;
esac
case "$caps" in
*ESCAPED*) die "BYPASS chroot_caps: open_by_handle_at reached the real root with chroot_caps=1 ($caps)" ;;
esac
echo "open_by_handle_at inside the chroot: $out; chroot_caps=1: $caps"
