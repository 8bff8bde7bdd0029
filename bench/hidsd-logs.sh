#!/usr/bin/env bash
# Log analysis benchmark: rampart-hidsd test-rules vs fail2ban-regex (Debian's
# fail2ban, sshd filter) on the same generated 1M-line sshd log, which includes hostile
# lines (binary junk, NULs, 64 KiB lines, addresses injected into user names).
# rampart-hidsd must find every real offender and no injected address; reports lines/s
# of each, the ratio (wall and CPU time), and rampart-hidsd's peak memory.
# Writes bench/results/hidsd-logs.md.   Usage: bench/hidsd-logs.sh [LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
command -v fail2ban-regex >/dev/null || apt-get install -y -q fail2ban >/dev/null
[ -x /usr/bin/time ] || apt-get install -y -q time >/dev/null
cargo build -q --release -p rampart-hidsd
hidsd=target/release/rampart-hidsd
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/gen-sshd-log.py "$lines" "$work/auth.log"
: > "$work/empty.toml"

# rampart-hidsd takes about a second, so single runs are noisy (this machine's CPU time
# varies by a fifth from minute to minute): the median of 6 runs, 3 before and 3 after
# the fail2ban run, so both tools see the same conditions.
runs=()
cpus=()
time_hidsd() {
	local s
	s=$(date +%s.%N)
	/usr/bin/time -o "$work/hidsd.time" -f "%U %S %M" \
		"$hidsd" --config "$work/empty.toml" test-rules "$work/auth.log" --json > "$work/hidsd.json"
	runs+=("$(echo "$(date +%s.%N) - $s" | bc)")
	read -r user sys rss < "$work/hidsd.time"
	cpus+=("$(echo "$user + $sys" | bc)")
	echo "$rss" >> "$work/hidsd.rss"
}
for _ in 1 2 3; do time_hidsd; done
s=$(date +%s.%N)
/usr/bin/time -o "$work/f2b.time" -f "%U %S" \
	fail2ban-regex -o ip "$work/auth.log" /etc/fail2ban/filter.d/sshd.conf > "$work/f2b.txt"
f2b_seconds=$(echo "$(date +%s.%N) - $s" | bc)
read -r user sys < "$work/f2b.time"
f2b_cpu=$(echo "$user + $sys" | bc)
for _ in 1 2 3; do time_hidsd; done
sorted=$(printf '%s\n' "${runs[@]}" | sort -n)
hidsd_seconds=$(echo "($(echo "$sorted" | sed -n 3p) + $(echo "$sorted" | sed -n 4p)) / 2" | bc -l)
sorted_cpu=$(printf '%s\n' "${cpus[@]}" | sort -n)
hidsd_cpu=$(echo "($(echo "$sorted_cpu" | sed -n 3p) + $(echo "$sorted_cpu" | sed -n 4p)) / 2" | bc -l)
peak_kib=$(sort -n "$work/hidsd.rss" | tail -1)

python3 - "$work" "$lines" "$hidsd_seconds" "$f2b_seconds" "${runs[*]}" "$hidsd_cpu" "$f2b_cpu" "$peak_kib" \
	> bench/results/hidsd-logs.md <<'PY'
import ipaddress, json, sys, platform, subprocess
work, lines, ours_s, theirs_s = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:5])
runs = sys.argv[5].split()
ours_cpu, theirs_cpu, peak_kib = float(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8])
report = json.load(open(f"{work}/hidsd.json"))
failure_rules = {5710, 5716, 5718, 5719}
ours, accepted = set(), set()
for r in report["rules"]:
    if r["id"] in failure_rules:
        ours |= set(r["sources"])
    if r["id"] == 5715:
        accepted |= set(r["sources"])
# fail2ban-regex -o ip also prints addresses of successful logins (its sshd filter
# matches them to forget earlier failures); those are not offending addresses.
theirs = {l.strip() for l in open(f"{work}/f2b.txt", errors="replace") if l.strip() and not l.startswith(("Running", "Use"))}
theirs -= accepted - ours
version = subprocess.run(["fail2ban-regex", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
print("# Log analysis: rampart-hidsd test-rules vs fail2ban-regex (sshd filter)\n")
print(f"Recorded with `bench/hidsd-logs.sh {lines}` on {platform.node() and 'the build machine'} "
      f"({subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores); {version}.\n")
print("| tool | seconds | lines/s |")
print("| --- | --- | --- |")
print(f"| rampart-hidsd test-rules --json (median of {len(runs)}: {', '.join(f'{float(r):.2f}' for r in sorted(runs, key=float))}) | {ours_s:.2f} | {lines/ours_s:,.0f} |")
print(f"| fail2ban-regex -o ip | {theirs_s:.2f} | {lines/theirs_s:,.0f} |")
print(f"\nrampart-hidsd is **{theirs_s/ours_s:.1f}x** fail2ban-regex in wall time, "
      f"{theirs_cpu/ours_cpu:.1f}x in CPU time (median {ours_cpu:.2f} s against {theirs_cpu:.2f} s); "
      f"its peak resident size is {peak_kib / 1024:.0f} MiB.\n")
offenders = {l.strip() for l in open(f"{work}/auth.log.offenders") if l.strip()}
injected_net = ipaddress.ip_network("198.51.100.0/24")
injected = lambda found: sorted(a for a in found if ipaddress.ip_address(a) in injected_net)
stats = report["stats"]
print(f"Hostile input: {stats['undecoded']} lines without a syslog header, {stats['invalid_utf8']} not UTF-8, "
      f"{stats['oversized']} over 64 KiB, {stats['nul']} NUL bytes.")
print(f"Real offenders: {len(offenders)}; rampart-hidsd missed {len(offenders - ours)}, "
      f"named {len(injected(ours))} injected addresses; fail2ban missed {len(offenders - theirs)}, "
      f"named {len(injected(theirs))} injected addresses.\n")
print(f"Offending addresses: rampart-hidsd {len(ours)}, fail2ban {len(theirs)}, "
      f"only rampart-hidsd {len(ours - theirs)}, only fail2ban {len(theirs - ours)}.")
if ours != theirs:
    print("\nDifferences:", sorted(ours ^ theirs)[:20])
PY
cat bench/results/hidsd-logs.md
