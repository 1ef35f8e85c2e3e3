//! A plug-in's process tree, ended whole when its check ends: when the plug-in exits, at its
//! timeout, or when Ctrl-C cancels the run (the check's future is dropped).
//!
//! On Linux nothing it starts can slip away, `setsid` and double forks included:
//! - the plug-in is made a *child subreaper* before its program runs (the flag survives
//!   `execve`), so while it lives every descendant orphaned inside its tree is re-parented to
//!   it, not to init: its whole tree stays below it;
//! - this process is a subreaper too, so what a plug-in leaves running when it dies comes to
//!   us. Every child of ours that we did not spawn is therefore a leftover of a plug-in that
//!   has exited, and is killed and reaped, layer by layer, until none is left.
//!
//! Exit statuses are never stolen from whoever waits on a child by its pid: the pids waited on
//! are listed in [`crate::children`], written under the lock held while spawning, and we reap
//! only the other children, one pid at a time (never `waitpid(-1)`).
//!
//! So every process centricity starts is spawned through that list (`layers.rs` checks the
//! source): a child started otherwise would be taken for a leftover and its exit status lost.
//!
//! Elsewhere (macOS, the BSDs) the plug-in's process group is killed, which ends everything it
//! starts except what leaves the group (`setsid`, `setpgid`).

use std::process::ExitStatus;
use std::time::{Duration, Instant};

use tokio::process::{Child, ChildStderr, ChildStdout, Command};

use crate::children;

/// How long ending a tree may take: SIGKILL is immediate, so only a process stuck in the
/// kernel (an unresponsive NFS mount) holds this up.
const END_WITHIN: Duration = Duration::from_secs(1);

/// A running plug-in and everything it started.
pub struct Tree {
    child: Child,
    pid: Option<u32>,
    ended: bool,
}

impl Tree {
    pub fn spawn(command: &mut Command) -> std::io::Result<Tree> {
        // Its own process group: Ctrl-C at the terminal reaches us, not it, and the group
        // is killed whole at the end.
        #[cfg(unix)]
        command.process_group(0);
        #[cfg(target_os = "linux")]
        linux::become_subreaper(command);
        let child = children::spawn_listed(|| command.spawn(), Child::id)?;
        let pid = child.id();
        Ok(Tree {
            child,
            pid,
            ended: false,
        })
    }

    /// Its stdout and stderr, piped by the caller.
    pub fn pipes(&mut self) -> (ChildStdout, ChildStderr) {
        let stdout = self.child.stdout.take().expect("stdout is piped");
        let stderr = self.child.stderr.take().expect("stderr is piped");
        (stdout, stderr)
    }

    /// Kills the plug-in itself; `end` ends the rest.
    pub fn kill(&mut self) {
        let _ = self.child.start_kill();
    }

    pub async fn wait(&mut self) -> std::io::Result<ExitStatus> {
        self.child.wait().await
    }

    /// Kills the plug-in (when it still runs) and everything it started, and reaps them.
    pub fn end(&mut self) {
        if std::mem::replace(&mut self.ended, true) {
            return;
        }
        #[cfg(unix)]
        if let Some(group) = self.pid.and_then(|pid| libc::pid_t::try_from(pid).ok()) {
            // SAFETY: kill(2) with a negative pid signals that process group and touches no
            // memory. The group is the plug-in's own (process_group(0) at spawn), never ours;
            // while any of its members lives the kernel does not reuse its id.
            unsafe {
                libc::kill(-group, libc::SIGKILL);
            }
        }
        self.kill();
        let deadline = Instant::now() + END_WITHIN;
        // Its leftovers come to us only once it is dead: wait for that (tokio reaps it).
        while !matches!(self.child.try_wait(), Ok(Some(_)) | Err(_)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        if let (Ok(Some(_)), Some(pid)) = (self.child.try_wait(), self.pid) {
            children::unlist(pid);
        }
        #[cfg(target_os = "linux")]
        linux::end_adopted(deadline);
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        self.end();
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::time::{Duration, Instant};

    use tokio::process::Command;

    use crate::children;

    pub fn become_subreaper(command: &mut Command) {
        static US: std::sync::Once = std::sync::Once::new();
        US.call_once(|| {
            // SAFETY: prctl(2) with PR_SET_CHILD_SUBREAPER sets a flag of this process and
            // reads no memory. Orphans re-parented to us are reaped by `end_adopted`.
            if unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) } != 0 {
                tracing::debug!(
                    "cannot become a subreaper ({}): what a plug-in leaves running when it exits \
                     is not ended",
                    std::io::Error::last_os_error()
                );
            }
        });
        // SAFETY: the closure runs in the forked child before exec and makes one
        // async-signal-safe system call, prctl(2), allocating nothing.
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
    }

    /// Kills and reaps every child of ours that tokio does not wait on: the leftovers of
    /// plug-ins that have exited. A killed process's own children come to us as it dies, so
    /// this goes on, layer by layer, until there is none or `deadline` passes.
    pub fn end_adopted(deadline: Instant) {
        let me = std::process::id();
        // Held throughout: no plug-in is spawned meanwhile, so every child not listed is adopted.
        let spawned = children::listed();
        loop {
            let adopted: Vec<(u32, bool)> = children(me)
                .filter(|(pid, _)| !spawned.contains(pid))
                .collect();
            if adopted.is_empty() {
                return;
            }
            for &(pid, zombie) in &adopted {
                let Ok(pid) = libc::pid_t::try_from(pid) else {
                    continue;
                };
                // SAFETY: kill(2) and waitpid(2) on one pid touch no memory but the status
                // word passed in. The pid is our child (it cannot be reused until reaped) and
                // not one tokio waits on, so no exit status anyone waits for is taken.
                unsafe {
                    if !zombie {
                        libc::kill(pid, libc::SIGKILL);
                    }
                    let mut status = 0;
                    libc::waitpid(pid, &mut status, libc::WNOHANG);
                }
            }
            if Instant::now() >= deadline {
                tracing::debug!(
                    "{} leftover plug-in processes not ended in time",
                    adopted.len()
                );
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Our children as `/proc` lists them: (pid, whether it is a zombie).
    fn children(parent: u32) -> impl Iterator<Item = (u32, bool)> {
        std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter_map(move |pid| {
                let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
                let (state, ppid) = state_and_parent(&stat)?;
                (ppid == parent).then_some((pid, state == 'Z'))
            })
    }

    /// `/proc/PID/stat` is `pid (comm) state ppid …`, where comm may hold spaces and
    /// parentheses: the fields after it start at its last `)`.
    pub(super) fn state_and_parent(stat: &str) -> Option<(char, u32)> {
        let (_, rest) = stat.rsplit_once(')')?;
        let mut fields = rest.split_ascii_whitespace();
        let state = fields.next()?.chars().next()?;
        let ppid = fields.next()?.parse().ok()?;
        Some((state, ppid))
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn a_stat_line_is_read_past_a_command_name_with_parentheses() {
            assert_eq!(
                super::state_and_parent("42 (a) b (c)) S 7 42 42 0 -1"),
                Some(('S', 7))
            );
            assert_eq!(super::state_and_parent("42 (x) Z 1"), Some(('Z', 1)));
            assert_eq!(super::state_and_parent("garbage"), None);
        }
    }
}
