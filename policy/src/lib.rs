//! rampart's RBAC policy tooling: the text policy ([`text`]), its compilation into what
//! the kernel loads ([`compile`]), policy generation from learning logs ([`generate`]),
//! the kernel interface ([`kernel`]), and rampart_wx's exception suggestions
//! ([`wx_suggest`]).

pub mod compile;
pub mod generate;
pub mod kernel;
pub mod text;
pub mod wx_suggest;
