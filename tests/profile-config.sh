#!/usr/bin/env bash
# `rampart probe` on this machine, then `rampart config --profile` of the result: every
# driver bound to this machine's disks and network interfaces, and every filesystem
# mounted from a block device, must end up built in (=y) in the composed .config, and
# the generated fragment must give a reason for each profile symbol.
# Usage: tests/profile-config.sh RAMPART_BINARY
set -euo pipefail
rampart=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$rampart" probe -o "$out/ci-host.toml"
config=$("$rampart" config --profile "$out/ci-host.toml" | tail -n 1)
fragment=$(dirname "$config")/profile.config
python3 - "$out/ci-host.toml" "$config" "$fragment" <<'PY'
import sys, tomllib
profile = tomllib.load(open(sys.argv[1], "rb"))
config = {}
for line in open(sys.argv[2]):
    if line.startswith("CONFIG_") and "=" in line:
        k, v = line.strip().split("=", 1)
        config[k[7:]] = v
fragment = open(sys.argv[3]).read().splitlines()
wanted = []  # (what, symbol) from the fragment's reasons
for i, line in enumerate(fragment):
    if line.startswith("CONFIG_") and i > 0 and fragment[i - 1].startswith("# "):
        wanted.append((fragment[i - 1][2:], line.split("=")[0][7:], line.split("=")[1].split()[0]))
failures = []
critical = set(profile["drivers"]["storage"]) | set(profile["drivers"]["network"]) | set(profile.get("filesystems", []))
placed = set()
for why, symbol, value in wanted:
    for name in critical:
        if why.startswith(f"driver {name} ") or why.startswith(f"{name} filesystem"):
            placed.add(name)
            if config.get(symbol) != "y":
                failures.append(f"{name}: CONFIG_{symbol}={config.get(symbol, 'n')} (wanted y)")
unplaced = critical - placed
if unplaced:
    failures.append("no symbol found for: " + ", ".join(sorted(unplaced)))
print(f"profile: {len(wanted)} symbols with reasons; boot-critical drivers and filesystems: {', '.join(sorted(critical)) or 'none'}")
if failures:
    print("FAIL:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("all built in")
PY
