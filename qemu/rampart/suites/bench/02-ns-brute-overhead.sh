# Benchmark (not a pass/fail timing test): fork+wait, fork+exec+wait and fork+unshare
# (a user namespace, by root: allowed) with rampart_ns and rampart_brute unloaded and
# loaded in enforce mode, where no protection fires, interleaved over rounds in one
# boot; ratios to unloaded as in 01 (bench.sh). Fails only if a measurement fails.
. /rampart/lib.sh
. /rampart/bench.sh
ROUNDS=${ROUNDS:-5}
load rampart_core
round=0
while [ $round -lt "$ROUNDS" ]; do
	for config in unloaded loaded; do
		for m in rampart_ns rampart_brute; do
			module_loaded $m && { rmmod $m || die "rmmod $m failed"; }
		done
		if [ $config = loaded ]; then
			insmod "$MODULES/rampart_ns.ko" || die "insmod rampart_ns failed"
			insmod "$MODULES/rampart_brute.ko" || die "insmod rampart_brute failed"
		fi
		bench_measure $config fork:400 exec:150 unshare:300
	done
	round=$((round + 1))
done > /tmp/bench-ns.txt
cat /tmp/bench-ns.txt
[ -z "$(events)" ] || die "a protection fired during the benchmark"
bench_ratio "ns+brute ($(expected_hooks))" /tmp/bench-ns.txt
