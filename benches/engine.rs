//! Engine benchmark (divan, wall time; timing belongs here, not in tests).
//!
//! 1. Concurrency: 20 `http` checks against loopback endpoints that each answer after 1 s.
//!    Target: the whole audit in under 2 s wall. Baseline benched beside it: one such check
//!    alone (`audit_one_check`).
//! 2. Start-up: `centricity --version`. Target: under 20 ms. Baseline benched beside it:
//!    starting `true`, the cost of any process on this machine.
//!
//! Run: `cargo bench --bench engine`

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

#[path = "../tests/integration/common.rs"]
#[allow(dead_code, reason = "the benchmark uses only the test server")]
mod common;

const BINARY: &str = env!("CARGO_BIN_EXE_centricity");

/// A test server and a folder with the two audits, one check and twenty.
struct Setup {
    _server: common::TestServer,
    _dir: tempfile::TempDir,
    one: PathBuf,
    twenty: PathBuf,
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let server = common::TestServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = server.url("/delay/1000");
    let one = write_audit(dir.path(), "one.toml", 1, &url);
    let twenty = write_audit(dir.path(), "twenty.toml", 20, &url);
    Setup {
        _server: server,
        _dir: dir,
        one,
        twenty,
    }
});

fn main() {
    // The server and the audits are made before anything is timed.
    LazyLock::force(&SETUP);
    divan::main();
}

mod concurrency {
    use super::{SETUP, audit};

    /// Baseline: one check alone.
    #[divan::bench(sample_count = 3, sample_size = 1)]
    fn audit_one_check() {
        audit(&SETUP.one);
    }

    /// Target: under 2 s.
    #[divan::bench(sample_count = 3, sample_size = 1)]
    fn audit_twenty_checks_at_once() {
        audit(&SETUP.twenty);
    }
}

mod start_up {
    use super::{BINARY, run};
    use std::process::Command;

    /// Baseline: any process.
    #[divan::bench(sample_count = 20, sample_size = 1)]
    fn r#true() {
        run(&mut Command::new("true"));
    }

    /// Target: under 20 ms.
    #[divan::bench(sample_count = 20, sample_size = 1)]
    fn version() {
        run(Command::new(BINARY).arg("--version"));
    }
}

fn write_audit(dir: &Path, name: &str, checks: usize, url: &str) -> PathBuf {
    let mut text = String::from("[audit]\nname = \"bench\"\n");
    for i in 0..checks {
        text.push_str(&format!(
            "[[check]]\nid = \"c{i}\"\nkind = \"http\"\nurl = \"{url}\"\nsamples = 1\n"
        ));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write audit");
    path
}

fn audit(file: &Path) {
    run(Command::new(BINARY).arg("audit").arg(file).args([
        "--concurrency",
        "20",
        "--format",
        "json",
        "--no-progress",
    ]));
}

fn run(command: &mut Command) {
    let output = command.output().expect("run");
    assert!(output.status.code().is_some(), "killed by a signal");
}
