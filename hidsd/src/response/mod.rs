//! Active response.

pub mod nft;
pub mod outcome;
pub mod peers;
pub mod sockdiag;
