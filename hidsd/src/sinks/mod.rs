//! Where alerts and learning records go.

pub mod alerts;
pub mod learning;
