//! SecLang, ModSecurity's rule language: lexing, parsing and loading rule files.

pub mod actions;
pub mod lexer;
pub mod loader;
pub mod macros;
pub mod rules;
pub mod variables;

pub use loader::{load_paths, LoadError, Loader};
pub use rules::{Item, Rule, RuleSet};
