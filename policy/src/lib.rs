//! rampart's RBAC policy tooling: the text policy ([`text`]), its compilation into what
//! the kernel loads ([`compile`]), policy generation from learning logs ([`generate`]),
//! and the kernel interface ([`kernel`]).

pub mod compile;
pub mod generate;
pub mod kernel;
pub mod text;
