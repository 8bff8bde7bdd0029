# rampart_core (Rust object + C shim in one .ko) loads and says so.
. /rampart/lib.sh
mark=$(kmsg_mark)
insmod "$MODULES/rampart_core.ko" || die "insmod rampart_core.ko failed"
module_loaded rampart_core || die "rampart_core is not in /proc/modules after insmod"
line=$(kmsg_since "$mark" | grep 'rampart_core: loaded (shim abi 3, log_level=1,')
[ -n "$line" ] || die "no init message; kernel log: $(kmsg_since "$mark" | tail -n 3)"
echo "$line"
