//! Active response.

pub mod nft;
