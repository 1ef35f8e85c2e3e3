//! The children centricity waits on itself. Once it has run a plug-in it is a child subreaper
//! (`kinds/exec/tree.rs`) and takes every child not listed here for a plug-in's leftover, to be
//! killed and reaped; so every process it starts is spawned through [`spawn_listed`], and
//! unlisted once its exit status is read.

use std::collections::BTreeSet;
use std::sync::{Mutex, MutexGuard, PoisonError};

static LISTED: Mutex<BTreeSet<u32>> = Mutex::new(BTreeSet::new());

/// The pids spawned and not yet reaped; held, no child is spawned meanwhile.
pub fn listed() -> MutexGuard<'static, BTreeSet<u32>> {
    LISTED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Spawns a child with the list held across the fork, so a cleanup never sees it unlisted.
pub fn spawn_listed<C>(
    spawn: impl FnOnce() -> std::io::Result<C>,
    pid: impl Fn(&C) -> Option<u32>,
) -> std::io::Result<C> {
    let mut listed = listed();
    let child = spawn()?;
    listed.extend(pid(&child));
    Ok(child)
}

/// After its exit status is read: the pid may now be reused by anyone.
pub fn unlist(pid: u32) {
    listed().remove(&pid);
}
