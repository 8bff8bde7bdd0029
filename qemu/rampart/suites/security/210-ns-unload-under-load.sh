# Unloading and reloading while other processes hit the hooks never crashes.
. /rampart/lib.sh
make_jail
( while :; do rampart-probe as-user 65534 rampart-probe unshare-user >/dev/null; in_jail /bin/rampart-probe chroot /tmp >/dev/null; done ) &
hammer=$!
for i in 1 2 3 4 5 6 7 8; do
	rmmod rampart_ns || die "rmmod failed in round $i"
	insmod "$MODULES/rampart_ns.ko" || die "insmod failed in round $i"
done
kill $hammer
wait $hammer 2>/dev/null
expect_output "unshare-user: EPERM" rampart-probe as-user 65534 rampart-probe unshare-user
events >/dev/null
echo "8 unload/reload rounds under load; still enforcing"
