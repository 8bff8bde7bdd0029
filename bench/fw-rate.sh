#!/usr/bin/env bash
# Packet rate through rampart-fw's table with 1,000,000 blocked addresses vs none, in
# the same run: two identical paths of network namespaces,
#   src ── fw (forwarding, the inet rampart table, a policy applied) ── dst
# one with empty block sets, one with 1,000,000 addresses in block4. A bounded
# generator (fw/examples/udp_flood.rs: SECS seconds of sendmmsg, 18-byte datagrams
# from 256 source addresses, so lookups spread over the set) floods each path in
# turn, the two interleaved for ROUNDS rounds (order alternating); the rate is what
# reaches dst's interface per second. Reports the median of each and their ratio.
# Target: >= 0.95x.
# Writes bench/results/fw-rate.md.   Usage: bench/fw-rate.sh [ROUNDS] [SECS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
secs=${2:-2}
cargo build -q --release -p rampart-fw --example udp_flood
fw=$PWD/target/release/rampart-fw
flood=$PWD/target/release/examples/udp_flood
work=$(mktemp -d)
p=rfw-rate-$$
paths=(empty full)
cleanup() {
	for path in "${paths[@]}"; do for n in src fw dst; do ip netns del "$p-$path-$n" 2>/dev/null || true; done; done
	rm -rf "$work"
}
trap cleanup EXIT
cat > "$work/firewall.toml" <<'TOML'
inbound = "drop"
[zones]
admin = ["10.8.1.0/24"]
[[service]]
name = "ssh"
port = 22
from = ["admin"]
[[service]]
name = "https"
port = 443
from = ["all"]
TOML
python3 -c '
import ipaddress, sys
base = int(ipaddress.IPv4Address("11.0.0.0"))
sys.stdout.write("".join(str(ipaddress.IPv4Address(base + i * 7)) + "\n" for i in range(1000000)))' > "$work/list.txt"
for path in "${paths[@]}"; do
	for n in src fw dst; do ip netns add "$p-$path-$n"; ip -n "$p-$path-$n" link set lo up; done
	ip link add name vs netns "$p-$path-src" type veth peer name vs netns "$p-$path-fw"
	ip link add name vd netns "$p-$path-dst" type veth peer name vd netns "$p-$path-fw"
	ip -n "$p-$path-src" addr add 10.8.1.2/24 dev vs
	ip -n "$p-$path-fw" addr add 10.8.1.1/24 dev vs
	ip -n "$p-$path-fw" addr add 10.8.2.1/24 dev vd
	ip -n "$p-$path-dst" addr add 10.8.2.2/24 dev vd
	for n in src fw dst; do for l in vs vd; do ip -n "$p-$path-$n" link set "$l" up 2>/dev/null || true; done; done
	ip -n "$p-$path-src" route add default via 10.8.1.1
	ip -n "$p-$path-dst" route add default via 10.8.2.1
	ip -n "$p-$path-fw" route add 10.9.0.0/16 via 10.8.1.2
	# The generator's 256 source addresses are local to src (an AnyIP route).
	ip -n "$p-$path-src" route add local 10.9.0.0/16 dev lo
	ip netns exec "$p-$path-fw" sysctl -qw net.ipv4.ip_forward=1
	# dst drops what arrives (after its interface counted it): no ICMP back.
	ip netns exec "$p-$path-dst" nft 'add table ip sink; add chain ip sink in { type filter hook prerouting priority -500; policy drop; }'
	"$fw" --netns "$p-$path-fw" --state-dir "$work/state-$path" --policy "$work/firewall.toml" apply > /dev/null
done
"$fw" --netns "$p-full-fw" --state-dir "$work/state-full" deny-list "$work/list.txt" --timeout 86400 --comment bench
elements() {
	ip netns exec "$p-$1-fw" nft -j list set inet rampart block4 |
		python3 -c 'import json,sys; d=json.load(sys.stdin)["nftables"]; print(len([o for o in d if "set" in o][0]["set"].get("elem", [])))'
}
[ "$(elements full)" = 1000000 ] && [ "$(elements empty)" = 0 ] || { echo "the sets are not as expected" >&2; exit 1; }
rx() { ip netns exec "$p-$1-dst" cat /sys/class/net/vd/statistics/rx_packets; }
declare -A rates
load_avg=$(cut -d' ' -f1 /proc/loadavg)
for r in $(seq "$rounds"); do
	order=("${paths[@]}")
	((r % 2 == 0)) && order=(full empty)
	for path in "${order[@]}"; do
		before=$(rx "$path")
		sent=$(ip netns exec "$p-$path-src" "$flood" 10.8.2.2:9 10.9.0.1 256 "$secs")
		sleep 0.2
		got=$(($(rx "$path") - before))
		rate=$(echo "$got / $secs" | bc)
		rates[$path]+="$rate "
		echo "round $r $path: sent $sent, received $got, $rate packets/s"
	done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m_empty=$(echo "${rates[empty]}" | median)
m_full=$(echo "${rates[full]}" | median)
ratio=$(echo "scale=3; $m_full / $m_empty" | bc)
out=bench/results/fw-rate.md
{
	echo "# Packet rate through the inet rampart table: 1,000,000 blocked addresses vs none"
	echo
	echo "Recorded $(date -u +%Y-%m-%d) with \`bench/fw-rate.sh $rounds $secs\` on $(nproc) CPUs (load average $load_avg at the start), kernel $(uname -r): UDP forwarded src -> fw -> dst between network namespaces, 18-byte datagrams from 256 source addresses, $rounds interleaved rounds of $secs s per path; packets/s reaching dst."
	echo
	echo "| block4 | median packets/s | rounds |"
	echo "| --- | --- | --- |"
	echo "| empty | $m_empty | ${rates[empty]}|"
	echo "| 1,000,000 addresses | $m_full | ${rates[full]}|"
	echo
	echo "With 1,000,000 elements: **${ratio}x** the rate with empty sets."
} > "$out"
cat "$out"
