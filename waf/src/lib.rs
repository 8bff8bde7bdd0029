//! rampart-waf: a web application firewall running ModSecurity SecLang rules (the OWASP Core
//! Rule Set unmodified) in front of an HTTP upstream.

pub mod body;
pub mod engine;
pub mod seclang;

pub mod conformance;
#[cfg(test)]
mod fuzz;
pub mod proxy;
