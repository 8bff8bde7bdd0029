# Benchmark (not a pass/fail timing test): open+close, fork+wait and fork+exec+wait
# with rampart_devmem unloaded, loaded in enforce mode with its native hooks, and (on
# the patched kernel, when it has kprobes) loaded with the kretprobe fallback forced,
# interleaved over
# rounds in one boot. Prints "BENCH <config> <kind> <ns/op>" lines, then the ratio of
# each config to the unloaded baseline (bench.sh).
# Fails only if a measurement fails.
. /rampart/lib.sh
. /rampart/bench.sh
ROUNDS=${ROUNDS:-9}
configs="unloaded $(expected_hooks)"
load rampart_core
# The patched kernels are built without kprobes: the fallback is measured where it loads.
if [ "$(expected_hooks)" = lsm ] && insmod "$MODULES/rampart_devmem.ko" force_fallback=1 2>/dev/null; then
	rmmod rampart_devmem || die "rmmod failed"
	configs="$configs fallback"
fi
round=0
while [ $round -lt "$ROUNDS" ]; do
	for config in $configs; do
		module_loaded rampart_devmem && { rmmod rampart_devmem || die "rmmod failed"; }
		case $config in
		unloaded) ;;
		fallback) insmod "$MODULES/rampart_devmem.ko" force_fallback=1 || die "insmod fallback failed" ;;
		*) insmod "$MODULES/rampart_devmem.ko" || die "insmod failed" ;;
		esac
		bench_measure "$config" open:20000 fork:400 exec:150
	done
	round=$((round + 1))
done > /tmp/bench.txt
cat /tmp/bench.txt
bench_ratio devmem /tmp/bench.txt
