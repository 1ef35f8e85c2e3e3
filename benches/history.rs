//! History benchmark (divan, wall time).
//!
//! With 10,000 runs stored in SQLite, `centricity history` should answer in under 200 ms, and
//! recording one more run should take under 50 ms. Baseline benched beside them:
//! `centricity --version` (process start alone).
//!
//! Run: `cargo bench --bench history`

use std::path::PathBuf;
use std::process::Command;
use std::sync::LazyLock;
use std::time::Instant;

use centricity::report::Report;
use centricity::store::{RunContext, RunStore, SqliteStore};
use divan::Bencher;

const RUNS: usize = 10_000;
const BINARY: &str = env!("CARGO_BIN_EXE_centricity");

/// A store of `RUNS` runs of the example audit, and what one more run records.
struct Store {
    _dir: tempfile::TempDir,
    db: PathBuf,
    report: Report,
    context: RunContext,
}

static STORE: LazyLock<Store> = LazyLock::new(|| {
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
    let context = RunContext {
        commit: Some("0123456789abcdef".into()),
        branch: Some("main".into()),
        ci_url: None,
        ..RunContext::default()
    };
    let mut store = SqliteStore::open(&db).expect("store");
    let fill = Instant::now();
    for _ in 0..RUNS {
        store.record(&report, &context).expect("record");
    }
    println!(
        "store: {RUNS} runs of the example audit ({} checks) recorded in {:.1} s",
        report.checks.len(),
        fill.elapsed().as_secs_f64()
    );
    Store {
        _dir: dir,
        db,
        report,
        context,
    }
});

fn main() {
    LazyLock::force(&STORE);
    divan::main();
}

/// Target: under 50 ms.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn record_one_run(bencher: Bencher) {
    let mut store = SqliteStore::open(&STORE.db).expect("store");
    bencher.bench_local(|| store.record(&STORE.report, &STORE.context).expect("record"));
}

/// Target: under 200 ms, each format.
#[divan::bench(args = ["table", "json", "csv"], sample_count = 5, sample_size = 1)]
fn history(format: &str) {
    run(&["history", "--format", format]);
}

/// Baseline: the process start alone.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn version() {
    run(&["--version"]);
}

fn run(args: &[&str]) {
    let out = Command::new(BINARY)
        .args(args)
        .env("CENTRICITY_STORE", &STORE.db)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
