# Benchmark (not a pass/fail timing test): open+close, stat and fork+exec+wait with
# rampart_rbac unloaded and loaded in enforce mode with a realistic policy (200 subjects,
# each with its own objects, and 300 objects for the catch-all subject), interleaved
# over rounds in one boot; ratios to unloaded as in 01 (bench.sh). Two more configs
# show where the cost goes: `off` (hooks attached, mode off: the dispatch alone) and
# `tiny` (enforce with a one-rule policy: the fixed cost of a check without lookups
# in large tables).
. /rampart/lib.sh
. /rampart/bench.sh
ROUNDS=${ROUNDS:-12}
load rampart_core
mkdir -p /opt/bin /opt/data /etc/rampart
{
	echo "role default"
	echo "  subject /"
	echo "    / rwacdx"
	i=0
	while [ $i -lt 300 ]; do
		echo "    /opt/data/f$i r"
		i=$((i + 1))
	done
	i=0
	while [ $i -lt 200 ]; do
		echo "  subject /opt/bin/p$i"
		echo "    / rx"
		echo "    /opt/data/f$i rw"
		echo "    /opt/data/f$((i + 1)) a"
		echo "    /etc/shadow h"
		echo "    -CAP_SYS_ADMIN"
		i=$((i + 1))
	done
} > /etc/rampart/bench.policy
printf 'role default\n  subject /\n    / rwacdx\n' > /etc/rampart/tiny.policy
i=0
while [ $i -lt 300 ]; do : > /opt/data/f$i; i=$((i + 1)); done
i=0
while [ $i -lt 200 ]; do : > /opt/bin/p$i; i=$((i + 1)); done
insmod "$MODULES/rampart_rbac.ko" || die "insmod failed"
out=$(rampart-policy load /etc/rampart/bench.policy 2>&1) || die "loading the benchmark policy: $out"
echo "$out ($(sed -n 's/^policy [0-9a-f]* //p' $RBAC/status))"
rmmod rampart_rbac
round=0
while [ $round -lt "$ROUNDS" ]; do
	for config in unloaded off tiny enforce; do
		module_loaded rampart_rbac && { rmmod rampart_rbac || die "rmmod failed"; }
		case $config in
		off) insmod "$MODULES/rampart_rbac.ko" mode=off || die "insmod failed" ;;
		tiny)
			insmod "$MODULES/rampart_rbac.ko" || die "insmod failed"
			rampart-policy load /etc/rampart/tiny.policy >/dev/null || die "load failed"
			;;
		enforce)
			insmod "$MODULES/rampart_rbac.ko" || die "insmod failed"
			rampart-policy load /etc/rampart/bench.policy >/dev/null || die "load failed"
			;;
		esac
		bench_measure $config open:4000 stat:4000 exec:40
	done
	round=$((round + 1))
done > /tmp/bench-rbac.txt
cat /tmp/bench-rbac.txt
bench_ratio "rbac ($(expected_hooks), 200 subjects)" /tmp/bench-rbac.txt
