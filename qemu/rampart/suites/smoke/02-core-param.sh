# The C shim's module parameter is visible in sysfs with its default.
. /rampart/lib.sh
param=/sys/module/rampart_core/parameters/log_level
[ -r "$param" ] || die "$param does not exist"
value=$(cat "$param")
[ "$value" = 1 ] || die "$param is '$value', expected the default 1"
echo "$param = $value"
