# Rust calling the C adder through a pointer of another type traps too: rustc's kCFI
# checks guard Rust's indirect calls as clang's guard C's.
. /rampart/lib.sh
module_loaded rampart_cfi_test || insmod $MODULES/rampart_cfi_test.ko || die "insmod rampart_cfi_test failed"
mark=$(kmsg_mark)
expect_trouble_begin
sh -c 'echo rust-to-c-wrong > /proc/rampart_cfi_test'
rc=$?
sleep 1
expect_trouble_end
log=$(kmsg_since "$mark")
printf '%s\n' "$log" | grep -q "rampart_cfi_test: rust-to-c-wrong =" && die "the mismatched call reached the adder: no CFI"
failure=$(printf '%s\n' "$log" | grep -m1 "CFI failure at") || die "no CFI failure reported (writer exit $rc)"
case "$failure" in
*rampart_cfi_rust_calls_c*) ;;
*) die "CFI failure at another call site: $failure" ;;
esac
[ "$rc" -ne 0 ] || die "the writer was not stopped"
echo "trapped (writer exit $rc): CFI failure at ${failure#*CFI failure at }"
