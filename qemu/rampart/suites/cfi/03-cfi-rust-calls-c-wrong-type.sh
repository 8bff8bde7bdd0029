# Rust calling the C adder through a pointer of another type traps too: rustc's kCFI
# checks guard Rust's indirect calls as clang's guard C's.
. /rampart/lib.sh
. /rampart/suites/cfi/trap.lib
cfi_expect_trap rust-to-c-wrong rampart_cfi_rust_calls_c c_add
