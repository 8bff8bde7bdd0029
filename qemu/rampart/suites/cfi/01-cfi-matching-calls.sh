# Indirect calls between C and Rust through pointers of the callee's true type pass
# the kCFI check: the C and Rust type hashes of `u64 (*)(u64, u64)` agree.
. /rampart/lib.sh
insmod $MODULES/rampart_cfi_test.ko || die "insmod rampart_cfi_test failed"
mark=$(kmsg_mark)
for call in c-to-rust rust-to-c; do
	echo $call > /proc/rampart_cfi_test || die "$call failed"
	kmsg_since "$mark" | grep -q "rampart_cfi_test: $call = 42" || die "$call did not return 42: $(kmsg_since "$mark" | tail -n 3)"
done
echo "C -> Rust and Rust -> C through pointers of the true type: 42 and 42"
