# audit mode allows and reports; off allows silently; root outside a chroot is never affected.
. /rampart/lib.sh
make_jail
echo audit > $NS/mode
expect_output "chroot: ok" in_jail /bin/rampart-probe chroot /tmp
expect_event '"decision":"audit"' "chroot inside a chroot" >/dev/null || die "no audit event"
echo off > $NS/mode
expect_output "unshare-user: ok" rampart-probe as-user 65534 rampart-probe unshare-user
[ -z "$(events)" ] || die "off mode reported events"
echo enforce > $NS/mode
mkdir -p /tmp/m && expect_output "mount: ok" rampart-probe mount-tmpfs /tmp/m
umount /tmp/m
expect_output "mknod: ok" rampart-probe mknod /tmp/outside-node
[ -z "$(events)" ] || die "unchrooted root produced events"
echo "audit: allowed with event; off: silent; unchrooted root: unaffected"
