#!/usr/bin/env bash
# The distro-kernel stand-in: Debian's own 6.12 amd64 config (`--base distro`), its
# modules and built-in drivers trimmed to the qemu-x86_64 target, Rust enabled, no
# rampart patch; built with rampart's modules and boot-tested with the smoke and
# security suites (the modules in fallback mode). About 20 minutes of kernel build on
# two cores, so the test command runs it only with RAMPART_DISTRO=1.
# Usage: tests/distro-kernel.sh RAMPART_BINARY
set -euo pipefail
rampart=$1
"$rampart" build --target qemu-x86_64 --base distro --variant vanilla
for suite in smoke security; do
	"$rampart" boot-test --target qemu-x86_64-distro --variant vanilla --suite "$suite"
done
