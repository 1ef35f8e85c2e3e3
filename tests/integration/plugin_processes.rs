//! A plug-in's processes: its stderr is read however much it writes, and everything it
//! started ends with its check (at the timeout, on Ctrl-C, or when it exits), `setsid`
//! and double forks included (Linux; elsewhere only its process group is guaranteed).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{Scratch, audit_json, centricity_process, check};
use crate::exec_check::exec_check;

/// One MiB of `x` on stderr, then a last line the error and `-v` must show.
const LOUD: &str =
    "dd if=/dev/zero bs=1024 count=1024 2>/dev/null | tr '\\0' x >&2\necho 'last words' >&2";

/// Starts `sleep 300` in a session of its own, detached from the plug-in (a double fork),
/// and waits until it has written its pid to `FILE`.
fn daemon(file: &str, holds_stdout: bool) -> String {
    let redirect = if holds_stdout { "" } else { " >/dev/null 2>&1" };
    format!(
        "(setsid sh -c 'echo $$ > {file}; exec sleep 300'{redirect} &)\n\
         while [ ! -s {file} ]; do sleep 0.01; done"
    )
}

/// Waits for the pid a plug-in wrote, then whether that process is still alive (a zombie
/// counts as gone).
fn alive(pid_file: &Path) -> bool {
    let pid = read_pid(pid_file);
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| !rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

fn read_pid(pid_file: &Path) -> u32 {
    let start = Instant::now();
    loop {
        if let Some(pid) = std::fs::read_to_string(pid_file)
            .ok()
            .and_then(|t| t.trim().parse().ok())
        {
            return pid;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{} never written",
            pid_file.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The end of a long stderr, for a failure message.
fn tail(text: &str) -> &str {
    let start = (text.len().saturating_sub(2000)..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    &text[start..]
}

/// Ends a process a failing test left behind, so it does not outlive the test run.
fn reap(pid_file: &Path) {
    if let Some(pid) = std::fs::read_to_string(pid_file)
        .ok()
        .and_then(|t| t.trim().parse::<i32>().ok())
    {
        // SAFETY: kill(2) touches no memory; the pid is the test's own sleeper.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
    }
}

#[test]
fn a_plugin_that_logs_a_megabyte_on_stderr_still_reports() {
    let scratch = Scratch::new();
    scratch.plugin("loud.sh", &format!("{LOUD}\necho '{{\"score\": 70}}'"));
    scratch.plugin("loud-fails.sh", &format!("{LOUD}\nexit 2"));
    let audit = scratch.audit(&format!(
        "{}{}",
        exec_check("loud", "loud.sh", ""),
        exec_check("fails", "loud-fails.sh", "")
    ));
    let (_, report, stderr) = audit_json(&audit, &["-v"]);
    assert_eq!(
        check(&report, "loud")["score"],
        70.0,
        "{}",
        check(&report, "loud")
    );
    let error = check(&report, "fails")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(error.contains("exited with exit status: 2"), "{error}");
    assert!(
        error.contains("stderr: xxx") && error.ends_with("last words"),
        "the error quotes stderr's tail: {error}"
    );
    assert!(error.len() < 1000, "only the tail: {} bytes", error.len());
    // -v shows all of it, line by line.
    for id in ["loud", "fails"] {
        let line = format!("plug-in `{id}` stderr: last words");
        assert!(stderr.contains(&line), "{line:?} not in {}", tail(&stderr));
    }
    assert!(
        stderr.matches('x').count() >= 2 * 1024 * 1024,
        "-v shows stderr in full"
    );
}

#[test]
fn a_plugins_detached_descendants_end_at_its_timeout() {
    let scratch = Scratch::new();
    let pid = scratch.path("daemon.pid");
    scratch.plugin(
        "hang.sh",
        &format!("{}\nsleep 30", daemon("daemon.pid", true)),
    );
    let audit = scratch.audit(&exec_check("hang", "hang.sh", "timeout = \"2s\""));
    let start = Instant::now();
    let (_, report, _) = audit_json(&audit, &[]);
    assert_eq!(check(&report, "hang")["error"], "timed out after 2s");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    let survived = alive(&pid);
    reap(&pid);
    assert!(!survived, "the setsid daemon outlived the check");
}

#[test]
fn a_plugin_that_exits_leaving_a_daemon_on_its_stdout_reports_at_once() {
    let scratch = Scratch::new();
    let pid = scratch.path("daemon.pid");
    scratch.plugin(
        "leaves.sh",
        &format!("{}\necho '{{\"score\": 60}}'", daemon("daemon.pid", true)),
    );
    let audit = scratch.audit(&exec_check("leaves", "leaves.sh", "timeout = \"20s\""));
    let start = Instant::now();
    let (_, report, _) = audit_json(&audit, &[]);
    let elapsed = start.elapsed();
    let survived = alive(&pid);
    reap(&pid);
    assert_eq!(
        check(&report, "leaves")["score"],
        60.0,
        "{}",
        check(&report, "leaves")
    );
    assert!(
        elapsed < Duration::from_secs(10),
        "waited for the daemon: {elapsed:?}"
    );
    assert!(!survived, "the daemon outlived its plug-in's check");
}

#[test]
fn ctrl_c_ends_a_running_plugins_whole_tree() {
    let scratch = Scratch::new();
    let pid = scratch.path("daemon.pid");
    scratch.plugin(
        "hang.sh",
        &format!("{}\nsleep 60", daemon("daemon.pid", false)),
    );
    let audit = scratch.audit(&exec_check("hang", "hang.sh", "timeout = \"60s\""));
    let mut child = centricity_process()
        .arg("audit")
        .arg(&audit)
        .args(["--format", "json", "--no-store"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    read_pid(&pid);
    let interrupted = Instant::now();
    // SAFETY: kill(2) touches no memory; the pid is the child this test started.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let status = child.wait().unwrap();
    let survived = alive(&pid);
    reap(&pid);
    // Nothing was scored (exit 1); what matters is that it stopped by itself, not by the signal.
    assert_eq!(status.code(), Some(1), "{status}");
    assert!(interrupted.elapsed() < Duration::from_secs(10));
    assert!(!survived, "the daemon outlived Ctrl-C");
}
