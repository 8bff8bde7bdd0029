# Unloading and reloading while other processes map, mprotect and exec never crashes
# (the console check at the end of the suite catches any BUG or WARNING).
. /rampart/lib.sh
load rampart_wx
echo enforce > $WX/tpe_mode
( while :; do rampart-attack wx jit >/dev/null 2>&1; rampart-attack wx mmap-wx >/dev/null 2>&1
	rampart-probe as-user 1000 /bin/rampart-attack stack-perms >/dev/null 2>&1; done ) &
hammer=$!
rampart-probe bench mmap 200000 >/dev/null 2>&1 &
mapper=$!
for i in 1 2 3 4 5 6 7 8; do
	rmmod rampart_wx || die "rmmod failed in round $i"
	insmod "$MODULES/rampart_wx.ko" || die "insmod failed in round $i"
done
kill $hammer $mapper
wait $hammer $mapper 2>/dev/null
expect_output "wx jit: mprotect(PROT_EXEC): EACCES" rampart-attack wx jit
events >/dev/null
echo "8 unload/reload rounds under load; still enforcing"
