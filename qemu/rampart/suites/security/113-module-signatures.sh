# The patched kernels load only signed modules (MODULE_SIG_FORCE, SHA-512, the
# build's key): rampart's modules carry the build's signature, a copy with the
# signature stripped is refused, and so is a signed module changed after signing.
# The vanilla kernel stands for a distribution kernel built without signatures.
. /rampart/lib.sh
if [ "$(variant)" = vanilla ]; then
	[ -e /sys/module/module/parameters/sig_enforce ] && die "the vanilla kernel checks module signatures"
	echo "vanilla: no CONFIG_MODULE_SIG, modules load unsigned (what the fallback meets on such kernels)"
	exit 0
fi
[ "$(cat /sys/module/module/parameters/sig_enforce)" = Y ] || die "signatures not enforced"
module_loaded rampart_cfi_test && rmmod rampart_cfi_test
strip_signature $MODULES/rampart_cfi_test.ko /tmp/unsigned.ko
mark=$(kmsg_mark)
out=$(insmod /tmp/unsigned.ko 2>&1) && die "the unsigned module loaded"
kmsg_since "$mark" | grep -q "Loading of unsigned module is rejected" || die "no rejection logged: $out"
cp $MODULES/rampart_cfi_test.ko /tmp/tampered.ko
printf 'X' | dd of=/tmp/tampered.ko bs=1 seek=4096 conv=notrunc 2>/dev/null
tampered=$(insmod /tmp/tampered.ko 2>&1) && die "the module changed after signing loaded"
insmod $MODULES/rampart_cfi_test.ko || die "the signed module was refused"
rmmod rampart_cfi_test
echo "signed: loads; unsigned: refused ($out); changed after signing: refused ($tampered)"
