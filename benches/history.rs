//! History benchmark: prints figures, asserts nothing.
//!
//! With 10,000 runs stored in SQLite, `centricity history` should answer in
//! under 200 ms, and recording one more run should add under 50 ms.
//! Baseline in the same run: `centricity --version` (process start alone).
//!
//! Run: `cargo bench --bench history`

use std::process::Command;
use std::time::{Duration, Instant};

use centricity::report::Report;
use centricity::store::{RunContext, RunStore, SqliteStore};

const RUNS: usize = 10_000;
const BINARY: &str = env!("CARGO_BIN_EXE_centricity");

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("history.db");
    let example = Command::new(BINARY)
        .args([
            "audit",
            concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/acme/centricity.toml"),
            "--offline",
            "--no-store",
            "--format",
            "json",
        ])
        .output()
        .expect("example audit");
    let report: Report = serde_json::from_slice(&example.stdout).expect("a report");
    let mut store = SqliteStore::open(&db).expect("store");
    let context = RunContext {
        commit: Some("0123456789abcdef".into()),
        branch: Some("main".into()),
        ci_url: None,
        ..RunContext::default()
    };
    let fill = Instant::now();
    for _ in 0..RUNS {
        store.record(&report, &context).expect("record");
    }
    println!(
        "store: {RUNS} runs of the example audit ({} checks) recorded in {:.1} s",
        report.checks.len(),
        fill.elapsed().as_secs_f64()
    );

    let mut records: Vec<Duration> = (0..20)
        .map(|_| {
            let start = Instant::now();
            store.record(&report, &context).expect("record");
            start.elapsed()
        })
        .collect();
    records.sort();
    println!(
        "  recording one run (median of 20)   {:>7.2} ms   target < 50 ms",
        ms(records[10])
    );

    let time = |args: &[&str]| {
        let mut times: Vec<Duration> = (0..5)
            .map(|_| {
                let start = Instant::now();
                let out = Command::new(BINARY)
                    .args(args)
                    .env("CENTRICITY_STORE", &db)
                    .output()
                    .expect("run");
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                start.elapsed()
            })
            .collect();
        times.sort();
        times[2]
    };
    let baseline = time(&["--version"]);
    for (name, args) in [
        ("history (table)", &["history"][..]),
        ("history --format json", &["history", "--format", "json"]),
        ("history --format csv", &["history", "--format", "csv"]),
    ] {
        println!("  {name:<32} {:>7.1} ms   target < 200 ms", ms(time(args)));
    }
    println!(
        "  `centricity --version` (baseline)  {:>7.1} ms",
        ms(baseline)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
