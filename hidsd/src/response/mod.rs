//! Active response.

pub mod nft;
pub mod outcome;
