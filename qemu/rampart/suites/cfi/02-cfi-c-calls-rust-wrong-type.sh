# C calling the Rust adder through a pointer of another type traps before the adder
# runs (kCFI): the kernel reports the CFI failure and kills the writer.
. /rampart/lib.sh
module_loaded rampart_cfi_test || insmod $MODULES/rampart_cfi_test.ko || die "insmod rampart_cfi_test failed"
mark=$(kmsg_mark)
expect_trouble_begin
sh -c 'echo c-to-rust-wrong > /proc/rampart_cfi_test'
rc=$?
sleep 1
expect_trouble_end
log=$(kmsg_since "$mark")
printf '%s\n' "$log" | grep -q "rampart_cfi_test: c-to-rust-wrong =" && die "the mismatched call reached the adder: no CFI"
failure=$(printf '%s\n' "$log" | grep -m1 "CFI failure at") || die "no CFI failure reported (writer exit $rc)"
case "$failure" in
*rampart_cfi_rust_add*) ;;
*) die "CFI failure names another target: $failure" ;;
esac
[ "$rc" -ne 0 ] || die "the writer was not stopped"
echo "trapped (writer exit $rc): CFI failure at ${failure#*CFI failure at }"
