#!/usr/bin/env bash
# `rampart package --rpm` of the patched qemu-x86_64 build, and what an admin does with
# the packages: inspect them (file lists, requires, scripts), install them into a
# scratch root with `rpm --root`, build rampart's Rust modules out of tree against the
# installed kernel-devel, boot the installed kernel with the installed modules in QEMU,
# and package the same build again: the RPMs must be byte-identical.
# Usage: tests/package-rpm.sh RAMPART_BINARY
set -euo pipefail
rampart=$(readlink -f "$1")
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$rampart" package --rpm --variant patched --out "$out/a" > "$out/a.list"
kmod=$(grep '/kmod-rampart-' "$out/a.list")
kernel=$(grep '/kernel-rampart-[0-9]' "$out/a.list")
devel=$(grep '/kernel-rampart-devel-' "$out/a.list")
kver=$(rpm -qp --qf '%{VERSION}' "$kernel" | tr _ -)
echo "packages for $kver: $(cd "$out/a" && ls)"

# Inspect (lists saved first: `grep -q` on a pipe would kill rpm with SIGPIPE).
rpm -qlp "$kmod" > "$out/kmod.files"
rpm -qlp "$kernel" > "$out/kernel.files"
rpm -qlp "$devel" > "$out/devel.files"
rpm -qp --requires "$kmod" > "$out/kmod.requires"
rpm -qp --scripts "$kmod" > "$out/kmod.scripts"
rpm -qip "$devel" > "$out/devel.info"
[ "$(grep -c "^/lib/modules/$kver/extra/rampart/rampart_.*\.ko$" "$out/kmod.files")" -eq 6 ] || fail "kmod-rampart does not hold the 6 modules"
grep -qx "kernel-rampart = $(rpm -qp --qf '%{VERSION}-%{RELEASE}' "$kernel")" "$out/kmod.requires" || fail "kmod-rampart does not require its kernel"
[ "$(grep -c "depmod -a $kver" "$out/kmod.scripts")" -eq 2 ] || fail "kmod-rampart lacks depmod on install and removal"
grep -qx "/boot/vmlinuz-$kver" "$out/kernel.files" || fail "kernel-rampart has no image"
grep -qx "/usr/sbin/rampart-usermode-helper" "$out/kernel.files" || fail "kernel-rampart lacks the static usermode helper its kernel runs helpers through"
for f in rust/libkernel.rmeta rust/libmacros.so Module.symvers include/generated/rustc_cfg scripts/mod/modpost; do
	grep -qx "/usr/src/kernels/$kver/$f" "$out/devel.files" || fail "kernel-rampart-devel lacks $f"
done
grep -q "rustc 1\." "$out/devel.info" || fail "kernel-rampart-devel does not record its rustc"

# Install into a scratch root (no shell or kmod there to run scriptlets: --noscripts).
root=$out/root
rpm --root "$root" --initdb
rpm --root "$root" -i --nodeps --noscripts "$kernel" "$devel" "$kmod"
rpm --root "$root" -q kernel-rampart kernel-rampart-devel kmod-rampart

# Rust modules out of tree against the installed kernel-devel only.
cp -r "$repo/kmod" "$out/kmod"
PATH=${RAMPART_TOOLS_BIN:-$HOME/.cache/rampart/tools/bin}:$PATH make -s -C "$root/usr/src/kernels/$kver" M="$out/kmod" $(cat "$root/usr/src/kernels/$kver/rampart-make-vars") modules > "$out/oot.log" 2>&1 || { tail -20 "$out/oot.log"; fail "out-of-tree build failed"; }
for m in rampart_core rampart_devmem rampart_ns rampart_brute rampart_rbac rampart_wx; do
	[ -f "$out/kmod/$m/$m.ko" ] || fail "$m.ko not built out of tree"
	[ "$(modinfo -F vermagic "$out/kmod/$m/$m.ko" | cut -d' ' -f1)" = "$kver" ] || fail "$m.ko vermagic"
done
if grep -rqs "$HOME/.cache/rampart/src" "$out"/kmod/*/.*.cmd; then fail "the out-of-tree build read the original source tree"; fi
echo "out-of-tree Rust modules built against the installed kernel-rampart-devel"

# Boot the installed kernel with the installed modules.
"$rampart" boot-test --variant patched --suite security --installed-root "$root" || fail "installed kernel and modules did not pass the security suite"

# Reproducible: the same build packaged again.
"$rampart" package --rpm --variant patched --out "$out/b" > /dev/null
(cd "$out/a" && sha256sum ./*.rpm) > "$out/a.sums"
(cd "$out/b" && sha256sum ./*.rpm) > "$out/b.sums"
diff "$out/a.sums" "$out/b.sums" || fail "packaging the same build twice gave different RPMs"
echo "packaging the same build twice: identical RPMs"
