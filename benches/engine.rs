//! Engine benchmark: prints figures, asserts nothing (timing belongs here, not in tests).
//!
//! 1. Concurrency: 20 `http` checks against loopback endpoints that each answer
//!    after 1 s. Target: the whole audit in under 2 s wall. Baseline in the
//!    same run: one such check alone.
//! 2. Start-up: `centricity --version`. Target: under 20 ms. Baseline in the
//!    same run: starting `true`, the cost of any process on this machine.
//!
//! Run: `cargo bench --bench engine`

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "../tests/integration/common.rs"]
#[allow(dead_code, reason = "the benchmark uses only the test server")]
mod common;

const BINARY: &str = env!("CARGO_BIN_EXE_centricity");
const RUNS: usize = 5;

fn main() {
    let server = common::TestServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = server.url("/delay/1000");
    let one = write_audit(dir.path(), "one.toml", 1, &url);
    let twenty = write_audit(dir.path(), "twenty.toml", 20, &url);

    let baseline = median_of(3, || time_audit(&one));
    let concurrent = median_of(3, || time_audit(&twenty));
    println!("concurrency: 20 http checks, each answered after 1 s");
    println!(
        "  one check alone (baseline)   {:>8.3} s",
        baseline.as_secs_f64()
    );
    println!(
        "  20 checks, --concurrency 20  {:>8.3} s   target < 2 s   ratio to baseline {:.2}",
        concurrent.as_secs_f64(),
        concurrent.as_secs_f64() / baseline.as_secs_f64()
    );

    let version = median_of(RUNS * 4, || {
        time_command(Command::new(BINARY).arg("--version"))
    });
    let process = median_of(RUNS * 4, || time_command(&mut Command::new("true")));
    println!("start-up: median of {} runs", RUNS * 4);
    println!("  `true` (baseline)            {:>8.2} ms", ms(process));
    println!(
        "  `centricity --version`       {:>8.2} ms   target < 20 ms   {:+.2} ms over baseline",
        ms(version),
        ms(version) - ms(process)
    );
}

fn write_audit(dir: &Path, name: &str, checks: usize, url: &str) -> std::path::PathBuf {
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

fn time_audit(audit: &Path) -> Duration {
    time_command(Command::new(BINARY).arg("audit").arg(audit).args([
        "--concurrency",
        "20",
        "--format",
        "json",
        "--no-progress",
    ]))
}

fn time_command(command: &mut Command) -> Duration {
    let start = Instant::now();
    let output = command.output().expect("run");
    let elapsed = start.elapsed();
    assert!(output.status.code().is_some(), "killed by a signal");
    elapsed
}

fn median_of(runs: usize, mut measure: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..runs).map(|_| measure()).collect();
    times.sort();
    times[runs / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
