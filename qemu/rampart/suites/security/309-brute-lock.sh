# lock freezes the settings and pins the module.
. /rampart/lib.sh
load rampart_brute
echo 1 > $BRUTE/lock || die "locking failed"
if echo audit > $BRUTE/mode 2>/dev/null; then die "mode changed after lock"; fi
if echo "lift all" > $BRUTE/bans 2>/dev/null; then die "bans changed after lock"; fi
if rmmod rampart_brute 2>/dev/null; then die "the locked module was unloaded"; fi
[ "$(cat $BRUTE/lock)" = 1 ] || die "lock reads $(cat $BRUTE/lock)"
echo "locked: writes refused, module pinned"
