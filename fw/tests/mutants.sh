#!/usr/bin/env bash
# Mutation check of rampart-fw's connectivity matrix (not part of `cargo test`): each
# mutation removes or weakens ONE protection in a scratch copy of the crate, and
# `cargo test -p rampart-fw --test matrix` must then fail. A mutation the test
# survives is a protection no test needs.
#   fw/tests/mutants.sh [NAME-FILTER]      (root: the matrix uses network namespaces)
#   TEST=podman fw/tests/mutants.sh block-pre    (another of fw/tests instead)
# Prints one line per mutation and exits non-zero when one survived unexpectedly.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d /tmp/rampart-fw-mutants.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
cp -r "$repo/fw" "$repo/Cargo.lock" "$repo/rustfmt.toml" "$scratch/"
rm -rf "$scratch/fw/target"
# A workspace of rampart-fw alone, with the repository's shared dependency versions.
sed 's/^members = .*/members = ["fw"]/' "$repo/Cargo.toml" > "$scratch/Cargo.toml"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target/mutants}
filter=${1:-}
test=${TEST:-matrix}
survived=0

# mutate NAME FILE OLD NEW [EXPECTED]: OLD must occur exactly once in FILE.
# EXPECTED=survives marks a protection the matrix cannot reach (said why below).
mutate() {
	local name=$1 file=$scratch/$2 old=$3 new=$4 expected=${5:-fails}
	[[ -z $filter || $name == *"$filter"* ]] || return 0
	cp "$file" "$file.orig"
	python3 - "$file" "$old" "$new" <<-'EOF'
		import sys
		path, old, new = sys.argv[1:]
		text = open(path).read()
		n = text.count(old)
		if n != 1:
		    sys.exit(f"{path}: {old!r} occurs {n} times, not once")
		open(path, "w").write(text.replace(old, new))
	EOF
	local log=$scratch/$name.log
	if (cd "$scratch" && cargo test -q -p rampart-fw --test "$test") > "$log" 2>&1; then
		if [[ $expected == survives ]]; then
			echo "$name: survived (expected: not reachable in the matrix)"
		else
			echo "$name: SURVIVED (no test needs this protection)"
			survived=$((survived + 1))
		fi
	else
		echo "$name: killed: $(grep -m1 -A1 panicked "$log" | tail -n 1)"
	fi
	mv "$file.orig" "$file"
}

b=fw/src/blockset.rs
r=fw/src/render.rs
# Every rule of the shared block chains, one at a time.
mutate pre-saddr-block4 $b '("ip saddr @block4", "blocked source (block4)"),' ''
mutate pre-saddr-blocknet4 $b '("ip saddr @blocknet4", "blocked source (blocknet4)"),' ''
mutate pre-saddr-block6 $b '("ip6 saddr @block6", "blocked source (block6)"),' ''
mutate pre-saddr-blocknet6 $b '("ip6 saddr @blocknet6", "blocked source (blocknet6)"),' ''
mutate pre-daddr-block4 $b '("ip daddr @block4", "forwarded to a blocked address (block4)"),' ''
mutate pre-daddr-blocknet4 $b '("ip daddr @blocknet4", "forwarded to a blocked address (blocknet4)"),' ''
mutate pre-daddr-block6 $b '("ip6 daddr @block6", "forwarded to a blocked address (block6)"),' ''
mutate pre-daddr-blocknet6 $b '("ip6 daddr @blocknet6", "forwarded to a blocked address (blocknet6)"),' ''
# Not reached: it takes a hand-built IPv6 packet (raw socket) with a v4-mapped source.
mutate pre-mapped-saddr $b '("ip6 saddr ::ffff:0.0.0.0/96", "IPv4-mapped IPv6 source on the wire"),' '' survives
mutate out-daddr-block4 $b '("ip daddr @block4", "to a blocked address (block4)"),' ''
mutate out-daddr-blocknet4 $b '("ip daddr @blocknet4", "to a blocked address (blocknet4)"),' ''
mutate out-daddr-block6 $b '("ip6 daddr @block6", "to a blocked address (block6)"),' ''
mutate out-daddr-blocknet6 $b '("ip6 daddr @blocknet6", "to a blocked address (blocknet6)"),' ''
# Not reached: a socket sending to ::ffff:a.b.c.d sends IPv4, and the host has no IPv6
# route covering ::ffff:0:0/96.
mutate out-mapped-daddr $b '("ip6 daddr ::ffff:0.0.0.0/96", "IPv4-mapped IPv6 destination on the wire"),' '' survives
mutate block-pre-on-input $b '"prerouting",' '"input",'
# The policy.
mutate ingress-only $r '"udp sport {} ct direction original drop"' '"udp sport {} ct direction original counter"'
mutate rate-limit $r 'limit rate over {}/{} burst {} packets }} drop' 'limit rate over {}/{} burst {} packets }} counter'
mutate connlimit $r 'ct count over {max} }} reject with tcp reset' 'ct count over {max} }} counter'
mutate zones $r 'format!("ip {dir} @zone_{z}4 "), format!("ip6 {dir} @zone_{z}6 ")' 'String::new(), String::new()'
mutate egress-default $r 'verdict(policy.outbound)' 'verdict(Default::Accept)'
mutate mapped-as-v4 fw/src/net.rs '                let ip = ip.to_canonical();
                (ip, if' '                (ip, if'

if ((survived > 0)); then
	echo "$survived mutation(s) survived"
	exit 1
fi
echo "every mutation was killed (or survived for the reason given)"
