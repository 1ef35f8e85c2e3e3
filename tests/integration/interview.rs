//! The interview in a real terminal: tmux runs the binary, keys are typed,
//! Ctrl-C stops it with the answers saved, and the same command resumes.
//! Without tmux (a developer machine) this skips with a message; in CI
//! (`CI=true`, where .ci/run installs tmux) it must run.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::Scratch;

fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(!in_ci, "CI=true but tmux is missing: .ci/run installs it");
        eprintln!(
            "skipping the terminal interview test: tmux is not installed (apt-get install tmux)"
        );
    }
    found
}

fn tmux(args: &[&str]) {
    let status = Command::new("tmux").args(args).status().unwrap();
    assert!(status.success(), "tmux {args:?}");
}

/// Waits (bounded) until `done` holds.
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn start(session: &str, out: &Path, exit_file: &Path) {
    let command = format!(
        "{} survey interview --questionnaire frontline --out {} --role Sales; echo $? > {}",
        assert_cmd::cargo::cargo_bin("centricity").display(),
        out.display(),
        exit_file.display()
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "200",
        "-y",
        "50",
        &command,
    ]);
}

fn answers(out: &Path) -> String {
    std::fs::read_to_string(out).unwrap_or_default()
}

#[test]
fn an_interview_is_typed_interrupted_and_resumed_in_a_terminal() {
    if !tmux_available() {
        return;
    }
    let scratch = Scratch::new();
    let out = scratch.path("interview.toml");
    let exit_file = scratch.path("exit");
    let session = format!("centricity-test-{}", std::process::id());
    start(&session, &out, &exit_file);
    // INF-01: three down to "Agree"; INF-02: "Never"; INF-03: type 3; then Ctrl-C.
    wait_for("the first question", || {
        Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &session])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("INF-01"))
    });
    tmux(&["send-keys", "-t", &session, "Down", "Down", "Down", "Enter"]);
    wait_for("INF-01 saved", || {
        answers(&out).contains("\"INF-01\" = \"Agree\"")
    });
    tmux(&["send-keys", "-t", &session, "Enter"]);
    wait_for("INF-02 saved", || {
        answers(&out).contains("\"INF-02\" = \"Never\"")
    });
    tmux(&["send-keys", "-t", &session, "3", "Enter"]);
    wait_for("INF-03 saved", || answers(&out).contains("\"INF-03\" = 3"));
    tmux(&["send-keys", "-t", &session, "C-c"]);
    wait_for("the interview to stop", || {
        exit_file.exists()
            && !std::fs::read_to_string(&exit_file)
                .unwrap_or_default()
                .is_empty()
    });
    assert_eq!(
        std::fs::read_to_string(&exit_file).unwrap().trim(),
        "4",
        "stopped early: incomplete"
    );
    let _ = Command::new("tmux")
        .args(["kill-session", "-t", &session])
        .status();

    // The same command resumes at INF-04, keeping what was answered.
    let _ = std::fs::remove_file(&exit_file);
    start(&session, &out, &exit_file);
    wait_for("the resumed question", || {
        Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &session])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("INF-04"))
    });
    tmux(&["send-keys", "-t", &session, "Enter"]);
    wait_for("INF-04 saved", || {
        answers(&out).contains("\"INF-04\" = \"Strongly disagree\"")
    });
    tmux(&["send-keys", "-t", &session, "C-c"]);
    wait_for("the interview to stop again", || {
        exit_file.exists()
            && !std::fs::read_to_string(&exit_file)
                .unwrap_or_default()
                .is_empty()
    });
    let _ = Command::new("tmux")
        .args(["kill-session", "-t", &session])
        .status();
    let saved = answers(&out);
    for line in [
        "\"INF-01\" = \"Agree\"",
        "\"INF-02\" = \"Never\"",
        "\"INF-03\" = 3",
        "role = \"Sales\"",
    ] {
        assert!(saved.contains(line), "lost {line}:\n{saved}");
    }
}

#[test]
fn without_a_terminal_the_interview_refuses_clearly() {
    let scratch = Scratch::new();
    crate::common::centricity()
        .args([
            "survey",
            "interview",
            "--questionnaire",
            "frontline",
            "--out",
        ])
        .arg(scratch.path("x.toml"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "asks its questions in a terminal",
        ));
    assert!(!scratch.path("x.toml").exists(), "nothing written");
}
