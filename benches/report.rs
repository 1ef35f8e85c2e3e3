//! Report rendering benchmark (divan, wall time).
//!
//! A 100-check run (the example's checks repeated) should render as HTML in under 100 ms.
//! Baseline benched beside it: the JSON render of the same report (serde alone).
//!
//! Run: `cargo bench --bench report`

use std::process::Command;
use std::sync::LazyLock;

use centricity::report::{Decoration, Format, History, Report};
use divan::Bencher;
use divan::counter::BytesCount;

const BINARY: &str = env!("CARGO_BIN_EXE_centricity");
const CHECKS: usize = 100;

/// The example audit's report, its checks repeated to `CHECKS`.
static REPORT: LazyLock<Report> = LazyLock::new(|| {
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
    let mut report: Report = serde_json::from_slice(&example.stdout).expect("a report");
    let originals = report.checks.clone();
    report.checks = (0..CHECKS)
        .map(|i| {
            let mut check = originals[i % originals.len()].clone();
            check.id = format!("{}-{i}", check.id);
            check
        })
        .collect();
    report
});

fn main() {
    println!("{CHECKS}-check report (target: html under 100 ms)");
    divan::main();
}

/// Baseline: the JSON render.
#[divan::bench(sample_count = 20)]
fn json(bencher: Bencher) {
    render(bencher, Format::Json);
}

#[divan::bench(sample_count = 20)]
fn html(bencher: Bencher) {
    render(bencher, Format::Html);
}

/// Renders the report in `format`; the throughput shows the output's size.
fn render(bencher: Bencher, format: Format) {
    let size = format
        .render(&REPORT, Decoration::default(), &History::default())
        .len();
    bencher
        .counter(BytesCount::new(size))
        .bench(|| format.render(&REPORT, Decoration::default(), &History::default()));
}
