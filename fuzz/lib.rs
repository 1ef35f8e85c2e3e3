//! The fuzz crate's library: the targets (shared with the stable regression test) and the
//! JSON mutator the JSON-reading targets' binaries use.

#[path = "targets.rs"]
mod targets;
pub use targets::*;

pub mod json;

/// libfuzzer-sys's panic hook aborts on every panic, even one the library catches on purpose
/// (around mail-parser, which panics on some messages): replaced by one that only prints. A
/// panic that escapes the target is still a crash: libfuzzer-sys aborts once it unwinds out.
pub fn abort_only_on_escaped_panics() {
    drop(std::panic::take_hook());
    std::panic::set_hook(Box::new(|info| eprintln!("{info}")));
}
