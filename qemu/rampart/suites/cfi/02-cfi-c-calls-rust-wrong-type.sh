# C calling the Rust adder through a pointer of another type traps before the adder
# runs (kCFI): the kernel reports the CFI failure and kills the writer.
. /rampart/lib.sh
. /rampart/suites/cfi/trap.lib
cfi_expect_trap c-to-rust-wrong rampart_cfi_rust_add rampart_cfi_rust_add
