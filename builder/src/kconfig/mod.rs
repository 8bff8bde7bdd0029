//! Kconfig handling: fragments rampart requests, the `.config` the kernel produced,
//! and the explanation of every requested symbol that did not stick.

pub mod deps;
pub mod dotconfig;
pub mod expr;
pub mod fragment;
pub mod report;
