# Helpers for the bench suite: `. /rampart/bench.sh` after lib.sh.

# bench_measure CONFIG SPEC...: runs `rampart-probe bench KIND N` for each KIND:N SPEC
# and prints "BENCH CONFIG KIND NS_PER_OP".
bench_measure() {
	config=$1
	shift
	for spec in "$@"; do
		kind=${spec%%:*}
		out=$(rampart-probe bench "$kind" "${spec#*:}") || die "bench $kind failed: $out"
		echo "BENCH $config $kind $(echo "$out" | sed 's/.*, \([0-9]*\) ns\/op/\1/')"
	done
}

# bench_ratio LABEL FILE: from the BENCH lines in FILE, prints "RATIO LABEL: <kind>: base
# B ns, <config> xR, ..." using the fastest round of each (emulated CPUs add large
# one-sided noise; the minimum is the least disturbed measurement).
bench_ratio() {
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
		}' "$2")
	echo "RATIO $1: $summary"
}
