#!/usr/bin/env bash
# A kernel tuned to the shipped QEMU profile (kconfig/profiles/qemu-x86_64.toml, recorded
# in the guest by the `probe` suite): `rampart build --profile`, then the smoke and
# security suites on it. About 15 minutes of kernel build on two cores, so the test
# command runs it only with RAMPART_EXTRA_KERNELS=1.
# Usage: tests/profile-kernel.sh RAMPART_BINARY
set -euo pipefail
rampart=$1
profile=$(cd "$(dirname "$0")/.." && pwd)/kconfig/profiles/qemu-x86_64.toml
"$rampart" build --profile "$profile"
for suite in smoke security; do
	"$rampart" boot-test --target profile-qemu-x86_64 --suite "$suite"
done
