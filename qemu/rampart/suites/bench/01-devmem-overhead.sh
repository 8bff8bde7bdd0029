# Benchmark (not a pass/fail timing test): open+close, fork+wait and fork+exec+wait
# with rampart_devmem unloaded, loaded in enforce mode with its native hooks, and (on
# the patched kernel) loaded with the kretprobe fallback forced, interleaved over
# rounds in one boot. Prints "BENCH <config> <kind> <ns/op>" lines, then the ratio of
# each config to the unloaded baseline, using the fastest round of each (emulated CPUs
# add large one-sided noise; the minimum is the least disturbed measurement).
# Fails only if a measurement fails.
. /rampart/lib.sh
ROUNDS=${ROUNDS:-9}
measure() {
	for spec in open:20000 fork:400 exec:150; do
		kind=${spec%%:*}
		out=$(rampart-probe bench "$kind" "${spec#*:}") || die "bench $kind failed: $out"
		echo "BENCH $1 $kind $(echo "$out" | sed 's/.*, \([0-9]*\) ns\/op/\1/')"
	done
}
configs="unloaded $(expected_hooks)"
[ "$(expected_hooks)" = lsm ] && configs="$configs fallback"
load rampart_core
round=0
while [ $round -lt "$ROUNDS" ]; do
	for config in $configs; do
		module_loaded rampart_devmem && { rmmod rampart_devmem || die "rmmod failed"; }
		case $config in
		unloaded) ;;
		fallback) insmod "$MODULES/rampart_devmem.ko" force_fallback=1 || die "insmod fallback failed" ;;
		*) insmod "$MODULES/rampart_devmem.ko" || die "insmod failed" ;;
		esac
		measure "$config"
	done
	round=$((round + 1))
done > /tmp/bench.txt
cat /tmp/bench.txt
summary=$(awk '
	{ v[$2 " " $3] = v[$2 " " $3] " " $4; kinds[$3] = 1; cfgs[$2] = 1 }
	function fastest(list,   a, n, i, m) {
		n = split(list, a, " ")
		m = a[1]
		for (i = 2; i <= n; i++) if (a[i] + 0 < m + 0) m = a[i]
		return m
	}
	END {
		line = ""
		for (k in kinds) {
			base = fastest(v["unloaded " k])
			part = k ": base " base " ns"
			for (c in cfgs) if (c != "unloaded") part = part sprintf(", %s x%.3f", c, fastest(v[c " " k]) / base)
			line = line (line == "" ? "" : "; ") part
		}
		print line
	}' /tmp/bench.txt)
echo "RATIO $summary"
