#!/usr/bin/env bash
# Block-set load benchmark: 1,000,000 blocked IPv4 addresses (each with a timeout and
# a comment, as rampart-hidsd and `rampart-fw deny` write them) loaded into an empty
# `inet rampart` table in a fresh network namespace, three ways:
#   rampart-fw deny-list  (one nf_tables netlink batch, fw/src/netlink.rs), 3 runs
#   nft -f                (the same elements as one nft script), 1 run
#   nft -j -f             (the same as nftables JSON), 1 run
# and checks that the set then holds every address. Target: <= 5 s.
# Writes bench/results/fw-load.md.   Usage: bench/fw-load.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000000}
[ -x /usr/bin/time ] || apt-get install -y -q time >/dev/null
cargo build -q --release -p rampart-fw
fw=$PWD/target/release/rampart-fw
work=$(mktemp -d)
ns=rfw-load-$$
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
comment='rampart-hidsd rule 5720 at 2026-12-01T11:00:00Z (12:345)'
python3 - "$count" "$work" "$comment" <<'PY'
import ipaddress, json, sys
n, work, comment = int(sys.argv[1]), sys.argv[2], sys.argv[3]
base = int(ipaddress.IPv4Address("11.0.0.0"))
addrs = [str(ipaddress.IPv4Address(base + i * 7)) for i in range(n)]
open(f"{work}/list.txt", "w").write("\n".join(addrs) + "\n")
setup = ("add table inet rampart\n"
         "add set inet rampart block4 { type ipv4_addr; flags timeout; size 4194304; }\n")
with open(f"{work}/elements.nft", "w") as f:
    f.write(setup + "add element inet rampart block4 { ")
    f.write(", ".join(f'{a} timeout 86400s comment "{comment}"' for a in addrs) + " }\n")
doc = {"nftables": [
    {"add": {"table": {"family": "inet", "name": "rampart"}}},
    {"add": {"set": {"family": "inet", "table": "rampart", "name": "block4", "type": "ipv4_addr",
                     "flags": ["timeout"], "size": 4194304}}},
    {"add": {"element": {"family": "inet", "table": "rampart", "name": "block4",
                         "elem": [{"elem": {"val": a, "timeout": 86400, "comment": comment}} for a in addrs]}}}]}
json.dump(doc, open(f"{work}/elements.json", "w"))
PY

fresh() { ip netns del "$ns" 2>/dev/null || true; ip netns add "$ns"; }
elements() {
	ip netns exec "$ns" nft -j list set inet rampart block4 |
		python3 -c 'import json,sys; d=json.load(sys.stdin)["nftables"]; print(len([o for o in d if "set" in o][0]["set"].get("elem", [])))'
}
timed() { # NAME CMD...: wall seconds, then checks the count
	local name=$1 s e
	shift
	fresh
	s=$(date +%s.%N)
	/usr/bin/time -o "$work/time" -f "%U %S %M" "$@" > /dev/null
	e=$(date +%s.%N)
	read -r user sys rss < "$work/time"
	local got
	got=$(elements)
	[ "$got" = "$count" ] || { echo "$name: the set holds $got elements, not $count" >&2; exit 1; }
	printf '| %s | %.2f | %.2f | %.2f | %d |\n' "$name" "$(echo "$e - $s" | bc)" "$user" "$sys" $((rss / 1024))
}
load_avg=$(cut -d' ' -f1 /proc/loadavg)
rows=()
for i in 1 2 3; do
	rows+=("$(timed "rampart-fw deny-list (netlink batch), run $i" "$fw" --netns "$ns" --state-dir "$work/state" \
		deny-list "$work/list.txt" --timeout 86400 --comment bench)")
done
rows+=("$(timed "nft -f (script)" ip netns exec "$ns" nft -f "$work/elements.nft")")
rows+=("$(timed "nft -j -f (JSON)" ip netns exec "$ns" nft -j -f "$work/elements.json")")
out=bench/results/fw-load.md
{
	echo "# Block-set load: $count blocked IPv4 addresses (timeout and comment on each)"
	echo
	echo "Recorded $(date -u +%Y-%m-%d) with \`bench/fw-load.sh\` on $(nproc) CPUs (load average $load_avg at the start); nftables $(nft --version | cut -d' ' -f2), kernel $(uname -r). Every run loads an empty table in a fresh network namespace and is checked to leave $count elements in \`block4\`."
	echo
	echo "| how | wall s | user s | sys s | peak MiB |"
	echo "| --- | --- | --- | --- | --- |"
	printf '%s\n' "${rows[@]}"
} > "$out"
cat "$out"
