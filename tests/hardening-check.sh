#!/usr/bin/env bash
# `rampart check` on three configs: the hardened qemu-x86_64 config (patched variant),
# the kernel's x86_64 defconfig and Debian's own 6.12 amd64 config. Ours must pass
# clearly more checks (at least 10 more) than each of the others, and every check it
# fails must carry rampart's explanation (kconfig/checks.toml). Prints the three scores.
# Usage: tests/hardening-check.sh RAMPART_BINARY
set -euo pipefail
rampart=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

ours=$("$rampart" config --target qemu-x86_64 --variant patched | tail -n 1)
tree=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["source"]["tree"])' "$(dirname "$ours")/state.json")
make -s -C "$tree" O="$out/defconfig" LLVM=-19 defconfig >/dev/null
xz -dc /usr/src/linux-config-6.12/config.amd64_none_amd64.xz > "$out/debian.config"

score() { # NAME CONFIG
	"$rampart" check "$2" --json "$out/$1.json" > "$out/$1.txt"
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["passed"], r["failed"], r["failed_explained"], len(r["checks"]))' "$out/$1.json"
}
read -r ours_pass ours_fail ours_explained total < <(score ours "$ours")
read -r def_pass _ _ _ < <(score defconfig "$out/defconfig/.config")
read -r deb_pass _ _ _ < <(score debian "$out/debian.config")
echo "hardening checks passed (of $total): rampart qemu-x86_64 $ours_pass, x86_64 defconfig $def_pass, Debian 6.12 amd64 $deb_pass"
status=0
if [ "$ours_fail" -ne "$ours_explained" ]; then
	echo "FAIL: checks failed without rampart's explanation:"
	grep '^FAIL ' "$out/ours.txt" | while read -r _ symbol _; do
		grep -A1 "^FAIL  $symbol " "$out/ours.txt" | grep -q 'rampart:' || echo "  $symbol"
	done
	status=1
fi
for other in "defconfig:$def_pass" "Debian:$deb_pass"; do
	if [ "$ours_pass" -lt $(( ${other#*:} + 10 )) ]; then
		echo "FAIL: rampart's config passes $ours_pass, not clearly more than ${other%%:*} (${other#*:})"
		status=1
	fi
done
exit $status
