# rampart_core unloads cleanly.
. /rampart/lib.sh
mark=$(kmsg_mark)
rmmod rampart_core || die "rmmod rampart_core failed"
module_loaded rampart_core && die "rampart_core still in /proc/modules after rmmod"
[ -e /sys/module/rampart_core ] && die "/sys/module/rampart_core still exists"
line=$(kmsg_since "$mark" | grep 'rampart_core: unloaded')
[ -n "$line" ] || die "no exit message"
echo "$line"
