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
# B ns, <config> xR (median xM), ..." where R compares the fastest round of each
# (emulated CPUs add large one-sided noise; the minimum is the least disturbed
# measurement) and M is the median of the per-round ratios (each round's config against
# the same round's baseline: a single disturbed round moves neither much).
bench_ratio() {
	summary=$(awk '
		{ n = ++count[$2 " " $3]; v[$2 " " $3, n] = $4; kinds[$3] = 1; cfgs[$2] = 1 }
		function fastest(key,   i, m) {
			m = v[key, 1]
			for (i = 2; i <= count[key]; i++) if (v[key, i] + 0 < m + 0) m = v[key, i]
			return m
		}
		function median_ratio(key, base,   i, j, n, r, t) {
			n = count[key] < count[base] ? count[key] : count[base]
			for (i = 1; i <= n; i++) r[i] = v[key, i] / v[base, i]
			for (i = 2; i <= n; i++) for (j = i; j > 1 && r[j - 1] > r[j]; j--) { t = r[j]; r[j] = r[j - 1]; r[j - 1] = t }
			return n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
		}
		END {
			line = ""
			for (k in kinds) {
				base = fastest("unloaded " k)
				part = k ": base " base " ns"
				for (c in cfgs) if (c != "unloaded")
					part = part sprintf(", %s x%.3f (median x%.3f)", c, fastest(c " " k) / base, median_ratio(c " " k, "unloaded " k))
				line = line (line == "" ? "" : "; ") part
			}
			print line
		}' "$2")
	echo "RATIO $1: $summary"
}
