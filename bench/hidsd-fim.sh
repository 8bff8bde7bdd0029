#!/usr/bin/env bash
# FIM baseline benchmark on the same tree (default /usr/lib and /usr/share), page cache
# warm for all three: rampart-hidsd fim init vs aide --init (Debian's aide, sha256 only,
# as many workers as CPUs) vs the hardware bound: openssl dgst -sha256 (SHA extensions)
# over every file on every core. Writes bench/results/hidsd-fim.md.
#   Usage: bench/hidsd-fim.sh [DIR...]
set -euo pipefail
cd "$(dirname "$0")/.."
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(/usr/lib /usr/share)
command -v aide >/dev/null || apt-get install -y -q aide >/dev/null
cargo build -q --release -p rampart-hidsd
hidsd=target/release/rampart-hidsd
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cpus=$(nproc)

files=$(find "${dirs[@]}" -xdev -type f | wc -l)
bytes=$(find "${dirs[@]}" -xdev -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f\n", s}')
# Warm the page cache so every tool reads from memory.
find "${dirs[@]}" -xdev -type f -print0 | xargs -0 cat > /dev/null 2>&1 || true

timed() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }

openssl_s=$(timed sh -c "find ${dirs[*]} -xdev -type f -print0 | xargs -0 -P $cpus -n 256 openssl dgst -sha256")

{
	printf 'database_out=file:%s/aide.db\ngzip_dbout=no\nnum_workers=%s\nX = p+u+g+s+m+i+sha256\n' "$work" "$cpus"
	for d in "${dirs[@]}"; do echo "$d X"; done
} > "$work/aide.conf"
aide_s=$(timed aide --config "$work/aide.conf" --init)

{
	echo "[fim]"
	printf 'paths = [%s]\n' "$(printf '"%s",' "${dirs[@]}" | sed 's/,$//')"
	echo "exclude = []"
	echo "database = \"$work/fim.json\""
} > "$work/hidsd.toml"
hidsd_s=$(timed "$hidsd" --config "$work/hidsd.toml" fim init)

python3 - "$files" "$bytes" "$openssl_s" "$aide_s" "$hidsd_s" "${dirs[*]}" "$cpus" > bench/results/hidsd-fim.md <<'PY'
import sys
files, nbytes = int(sys.argv[1]), int(sys.argv[2])
openssl_s, aide_s, hidsd_s = map(float, sys.argv[3:6])
dirs, cpus = sys.argv[6], sys.argv[7]
gib = nbytes / 2**30
print("# FIM baseline: rampart-hidsd fim init vs aide --init vs openssl\n")
print(f"Recorded with `bench/hidsd-fim.sh` on {dirs}: {files} files, {gib:.2f} GiB, page cache warm, {cpus} CPUs.\n")
print("| tool | seconds | GiB/s |")
print("| --- | --- | --- |")
for name, s in [("rampart-hidsd fim init", hidsd_s), (f"aide --init (sha256, num_workers={cpus})", aide_s),
                (f"openssl dgst -sha256, {cpus} processes (hardware bound)", openssl_s)]:
    print(f"| {name} | {s:.2f} | {gib/s:.2f} |")
print(f"\nrampart-hidsd is **{aide_s/hidsd_s:.1f}x** AIDE and **{hidsd_s/openssl_s:.2f}x** the openssl time.")
PY
cat bench/results/hidsd-fim.md
