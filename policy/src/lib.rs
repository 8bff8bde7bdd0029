//! rampart's RBAC policy tooling: the text policy ([`text`]), its compilation into what
//! the kernel loads ([`compile`]), policy generation from learning logs ([`generate`]),
//! how the kernel identifies files ([`ident`]), hard links made before a policy ([`links`]), the kernel interface ([`kernel`]), and rampart_wx's exception suggestions
//! ([`wx_suggest`]).

pub mod compile;
pub mod generate;
pub mod ident;
pub mod kernel;
pub mod links;
pub mod text;
pub mod wx_suggest;
