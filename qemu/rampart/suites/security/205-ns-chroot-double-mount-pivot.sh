# Inside a chroot: no second chroot, no mount, no pivot_root.
. /rampart/lib.sh
make_jail
expect_output "chroot: EPERM" in_jail /bin/rampart-probe chroot /tmp
expect_output "mount: EPERM" in_jail /bin/rampart-probe mount-tmpfs /mnt
expect_output "pivot_root: EPERM" in_jail /bin/rampart-probe pivot /new /new/old
pending=$(events)
for reason in "chroot inside a chroot" "mount inside a chroot" "pivot_root inside a chroot"; do
	printf '%s\n' "$pending" | grep -F '"decision":"deny"' | grep -qF "$reason" || die "no deny event: $reason"
done
echo "double chroot, mount and pivot_root inside the chroot: EPERM with events"
