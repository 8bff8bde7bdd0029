//! rampart-fw: rampart's firewall manager. A policy file (`/etc/rampart/firewall.toml`)
//! becomes rampart-fw's chains and sets in the `inet rampart` nftables table, applied
//! in one transaction, with the block sets rampart-hidsd shares ([`blockset`]). Other
//! tables (Docker's, podman's, libvirt's) are never touched.

pub mod apply;
pub mod blocks;
pub mod blockset;
pub mod bulk;
pub mod confirm;
pub mod eval;
#[cfg(test)]
mod fuzz;
pub mod lockout;
pub mod net;
pub mod netlink;
pub mod nft;
pub mod plan;
pub mod policy;
pub mod render;
pub mod report;
pub mod state;
