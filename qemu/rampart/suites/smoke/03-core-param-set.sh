# A parameter given at load time reaches both sysfs and the Rust side.
. /rampart/lib.sh
rmmod rampart_core || die "rmmod rampart_core failed"
mark=$(kmsg_mark)
insmod "$MODULES/rampart_core.ko" log_level=2 || die "insmod with log_level=2 failed"
value=$(cat /sys/module/rampart_core/parameters/log_level)
[ "$value" = 2 ] || die "sysfs shows log_level=$value after loading with 2"
kmsg_since "$mark" | grep -q 'rampart_core: loaded (shim abi 3, log_level=2,' || die "Rust side did not see log_level=2"
echo "log_level=2 in sysfs and in the Rust init message"
