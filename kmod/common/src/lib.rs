//! rampart's kernel-side logic in plain `no_std` Rust.
//!
//! The kernel modules include these files directly (`#[path = "../common/src/…"] mod …;`),
//! so the code here uses only `core`, allocates nothing, and never panics on any input:
//! it is what the hooks run. The same files are compiled and tested on the host through
//! this crate, and userspace (rampart-hidsd) uses the event schema from here.
#![no_std]

pub mod allowlist;
pub mod brute;
pub mod devmem;
pub mod event;
pub mod mode;
pub mod ns;
pub mod rbac;
pub mod text;
pub mod wx;
