# Unloading and reloading while other processes hammer the hooks never crashes.
. /rampart/lib.sh
( while :; do rampart-probe open /dev/mem 50 >/dev/null; rampart-probe iopl 3 >/dev/null; done ) &
hammer=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
	rmmod rampart_devmem || die "rmmod failed in round $i"
	insmod "$MODULES/rampart_devmem.ko" || die "insmod failed in round $i"
done
kill $hammer
wait $hammer 2>/dev/null
expect_output "/dev/mem: EPERM" rampart-probe open /dev/mem
events >/dev/null
echo "10 unload/reload rounds under load; still enforcing"
