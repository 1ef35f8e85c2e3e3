//! The fuzz crate's library: the targets (shared with the stable regression test) and the
//! JSON mutator the JSON-reading targets' binaries use.

#[path = "targets.rs"]
mod targets;
pub use targets::*;

pub mod json;
