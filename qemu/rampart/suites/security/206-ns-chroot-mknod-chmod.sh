# Inside a chroot: no device nodes, no setuid/setgid chmod (regular files still fine).
. /rampart/lib.sh
make_jail
expect_output "mknod: EPERM" in_jail /bin/rampart-probe mknod /tmp/null
in_jail /bin/touch /tmp/suid || die "touch failed"
expect_output "chmod-suid: EPERM" in_jail /bin/rampart-probe chmod-suid /tmp/suid
echo 0 > $NS/chroot_mknod
expect_output "mknod: ok" in_jail /bin/rampart-probe mknod /tmp/null2
echo 1 > $NS/chroot_mknod
expect_output "mknod: EPERM" in_jail /bin/rampart-probe mknod /tmp/null3
events >/dev/null
echo "mknod and setuid chmod EPERM; chroot_mknod=0 lets mknod through, =1 stops it again"
