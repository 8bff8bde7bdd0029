# The patched kernels load only signed modules (MODULE_SIG_FORCE, SHA-512, the
# build's key): rampart's modules carry the build's signature, a copy with the
# signature stripped is refused, and so is a signed module changed after signing.
# The vanilla kernel checks signatures without enforcing them, as most distribution
# kernels do: an unsigned module loads (and taints the kernel), unless rampart_devmem
# is locked (then unsigned module loading is refused by rampart, as lockdown would).
. /rampart/lib.sh
if [ "$(variant)" = vanilla ]; then
	[ "$(cat /sys/module/module/parameters/sig_enforce)" = N ] || die "the vanilla kernel enforces module signatures"
	module_loaded rampart_cfi_test && rmmod rampart_cfi_test
	strip_signature $MODULES/rampart_cfi_test.ko /tmp/unsigned.ko
	if module_loaded rampart_devmem && [ "$(cat $DEVMEM/lock)" = 1 ]; then
		# rampart_devmem locked: kernel integrity changes after the lock are refused,
		# unsigned module loading among them (the lockdown reason the kernel asks).
		mark=$(kmsg_mark)
		insmod /tmp/unsigned.ko 2>/dev/null && die "an unsigned module loaded after rampart_devmem's lock"
		kmsg_since "$mark" | grep -q "rampart: denied unsigned module loading" || die "no rampart denial logged"
		insmod $MODULES/rampart_cfi_test.ko || die "the signed module was refused"
		rmmod rampart_cfi_test
		echo "vanilla: signatures checked, not enforced by the kernel; after rampart_devmem's lock an unsigned module is refused by rampart, a signed one loads"
		exit 0
	fi
	insmod /tmp/unsigned.ko || die "vanilla refused an unsigned module"
	rmmod rampart_cfi_test
	echo "vanilla: signatures checked, not enforced: the unsigned copy loaded (tainted: $(cat /proc/sys/kernel/tainted))"
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
