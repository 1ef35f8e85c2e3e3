//! Report rendering benchmark: prints figures, asserts nothing.
//!
//! A 100-check run (the example's checks repeated) should render as HTML in under 100 ms.
//! Baseline in the same run: the JSON render of the same report (serde alone).
//!
//! Run: `cargo bench --bench report`

use std::process::Command;
use std::time::{Duration, Instant};

use centricity::report::{Decoration, Format, History, Report};

const BINARY: &str = env!("CARGO_BIN_EXE_centricity");
const CHECKS: usize = 100;
const ROUNDS: u32 = 20;

fn main() {
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
    let time = |format: Format| {
        let mut best = Duration::MAX;
        let mut size = 0;
        for _ in 0..ROUNDS {
            let started = Instant::now();
            size = format
                .render(&report, Decoration::default(), &History::default())
                .len();
            best = best.min(started.elapsed());
        }
        (best, size)
    };
    let (json, json_size) = time(Format::Json);
    let (html, html_size) = time(Format::Html);
    println!("{CHECKS}-check report, best of {ROUNDS}:");
    println!(
        "  json  {:>8.2} ms  {:>8} bytes  (baseline)",
        ms(json),
        json_size
    );
    println!(
        "  html  {:>8.2} ms  {:>8} bytes  {:.1}x the JSON render  (target: under 100 ms)",
        ms(html),
        html_size,
        html.as_secs_f64() / json.as_secs_f64()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
