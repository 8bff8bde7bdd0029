#!/usr/bin/env bash
# Kernel module overhead benchmark: boots the patched and vanilla kernels with the
# `bench` guest suite under QEMU's instruction counting (`boot-test --icount`: the
# guest clock advances 1 ns per instruction executed, so "ns/op" is instructions per
# operation, the same from run to run whatever the host does) and records, per kernel,
# the fastest of the interleaved rounds as ratios to the modules unloaded, and the
# median of the per-round ratios, all from the same boot:
#   rampart_devmem: open+close, fork+wait, fork+exec+wait; native hooks and (patched
#                   kernel) the kretprobe fallback forced
#   rampart_ns + rampart_brute: fork+wait, fork+exec+wait, fork+unshare(user ns)
#   rampart_rbac: open+close, stat, fork+exec+wait in enforce mode with 200 subjects,
#                 with a one-rule policy (`tiny`) and loaded but off (`off`)
#   rampart_wx: mmap+munmap, an executable file mapping, mprotect, fork+exec+wait with
#               W^X enforcing, and with TPE too (bench/results/wx-overhead.md has the
#               quartiles of its rounds)
# Writes bench/results/kmod-overhead.md.
#   bench/kmod-overhead.sh     (after `rampart build` of both variants)
set -euo pipefail
cd "$(dirname "$0")/.."
rampart=${RAMPART:-target/release/rampart}
out=bench/results/kmod-overhead.md
{
	echo "# rampart kernel module overhead (QEMU TCG with -icount: guest ns = instructions executed; fastest of interleaved rounds, and the median of per-round ratios)"
	echo
	echo "Recorded $(date -u +%Y-%m-%d) with \`bench/kmod-overhead.sh\`; ratios are to the unloaded baseline of the same boot."
	echo
} > "$out"
for variant in patched vanilla; do
	"$rampart" boot-test --variant "$variant" --suite bench --icount --timeout 1200 | tee /tmp/bench-$variant.txt
	results=$(grep -o '/[^ ]*results.json' /tmp/bench-$variant.txt | tail -n 1)
	serial=$(dirname "$results")/serial.log
	{
		echo "## $variant kernel"
		echo
		echo '```'
		grep -o 'RATIO .*' "$serial" | awk '!seen[$0]++'
		grep -o 'BENCH .*' "$serial"
		echo '```'
		echo
	} >> "$out"
done
cat "$out"
