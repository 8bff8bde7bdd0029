#!/usr/bin/env bash
# The distro-kernel stand-in: Debian's own 6.12 amd64 config (`--base distro`), its
# modules and built-in drivers trimmed to the qemu-x86_64 target, Rust enabled, no
# rampart patch; built with rampart's modules and boot-tested with the smoke and
# security suites (the modules in fallback mode). About 20 minutes of kernel build on
# two cores, so the test command runs it only with RAMPART_EXTRA_KERNELS=1.
# Usage: tests/distro-kernel.sh RAMPART_BINARY
set -euo pipefail
rampart=$1
"$rampart" build --target qemu-x86_64 --base distro --variant vanilla
for suite in smoke security; do
	"$rampart" boot-test --target qemu-x86_64-distro --variant vanilla --suite "$suite"
done

# Its packages: the kernel checks module signatures (Debian's CONFIG_MODULE_SIG), so
# kmod-rampart's modules are signed with the build's key; booted from a scratch root
# they load without the kernel reporting a failed verification.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$rampart" package --rpm --target qemu-x86_64 --base distro --variant vanilla --out "$out/rpms" > /dev/null
rpm --root "$out/root" --initdb
rpm --root "$out/root" -i --nodeps --noscripts "$out"/rpms/*.rpm
for ko in "$out"/root/lib/modules/*/extra/rampart/*.ko; do
	signer=$(modinfo -F signer "$ko")
	[ -n "$signer" ] || { echo "FAIL: $(basename "$ko") is not signed"; exit 1; }
done
echo "kmod-rampart modules signed by: $signer"
"$rampart" boot-test --target qemu-x86_64-distro --variant vanilla --suite smoke --installed-root "$out/root" | tee "$out/boot.txt"
serial=$(dirname "$(grep -o '/[^ ]*results.json' "$out/boot.txt" | tail -n 1)")/serial.log
if grep -q "module verification failed" "$serial"; then
	echo "FAIL: the kernel could not verify kmod-rampart's signatures"
	exit 1
fi
echo "signed modules verified by the kernel"
