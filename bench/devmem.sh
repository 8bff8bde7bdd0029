#!/usr/bin/env bash
# rampart_devmem overhead benchmark: boots the patched and vanilla kernels with the
# `bench` guest suite and records, per kernel, the ns/op of open+close,
# fork+wait and fork+exec+wait (fastest of 9 interleaved rounds) with the module unloaded, loaded with its native hooks,
# and (patched kernel) loaded with the kretprobe fallback, as ratios to unloaded, all
# from the same boot. Writes bench/results/devmem.md.
#   bench/devmem.sh            (after `rampart build` of both variants)
set -euo pipefail
cd "$(dirname "$0")/.."
rampart=${RAMPART:-target/release/rampart}
out=bench/results/devmem.md
{
	echo "# rampart_devmem overhead (guest under QEMU TCG, fastest of 9 interleaved rounds)"
	echo
	echo "Recorded $(date -u +%Y-%m-%d) with \`bench/devmem.sh\`; ratios are to the unloaded baseline of the same boot."
	echo
} > "$out"
for variant in patched vanilla; do
	"$rampart" boot-test --variant "$variant" --suite bench --timeout 1200 | tee /tmp/bench-$variant.txt
	results=$(grep -o '/[^ ]*results.json' /tmp/bench-$variant.txt | tail -n 1)
	serial=$(dirname "$results")/serial.log
	{
		echo "## $variant kernel"
		echo
		echo '```'
		grep -o 'RATIO .*' "$serial" | tail -n 1
		grep -o 'BENCH .*' "$serial"
		echo '```'
		echo
	} >> "$out"
done
cat "$out"
