//! Hostile-page benchmark: prints figures, asserts nothing.
//!
//! Each attack page of `tests/integration/hostile_pages.rs` is extracted at 10×,
//! 100× and 1,000× its test size, each in a fresh child process so its peak
//! resident memory is its own. Linear work shows as a flat cost per MB across
//! the scales (the "growth" column: cost per MB relative to the 10× size);
//! the baseline is a benign page of the same size (flat paragraphs) extracted
//! in the same run, so the last column says what the attack costs beyond size.
//!
//! Run: `cargo bench --bench hostile`

#[path = "../tests/integration/hostile_pages.rs"]
mod hostile_pages;

use std::process::Command;
use std::time::Instant;

const SCALES: [usize; 3] = [10, 100, 1000];

/// A benign page of about `bytes`: what a large, ordinary page costs.
fn benign(bytes: usize) -> String {
    let paragraph =
        "<p>Our customer service answers within a day. <a href=\"/contact\">Contact us</a></p>\n";
    format!(
        "<html><body>{}</body></html>",
        paragraph.repeat(bytes / paragraph.len() + 1)
    )
}

/// The page a child extracts: an attack at `scale`, or for "benign" a benign page of `scale` bytes.
fn page(shape: &str, scale: usize) -> String {
    if shape == "benign" {
        return benign(scale);
    }
    hostile_pages::page_of(shape, scale).unwrap_or_default()
}

/// The largest attack page's size at `scale`: the benign page is made as large.
fn largest(scale: usize) -> usize {
    hostile_pages::SHAPES
        .iter()
        .filter_map(|s| hostile_pages::page_of(s, scale).map(|p| p.len()))
        .max()
        .unwrap_or(0)
}

/// In the child: extract once, print "bytes seconds peak_mb".
fn child(shape: &str, scale: usize) {
    let page = page(shape, scale);
    let started = Instant::now();
    let found = centricity::extract::extract_html(&page);
    let seconds = started.elapsed().as_secs_f64();
    std::hint::black_box(found);
    let peak_kb: f64 = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    println!("{} {seconds} {}", page.len(), peak_kb / 1024.0);
}

fn measure(shape: &str, scale: usize) -> Option<(f64, f64, f64)> {
    let exe = std::env::current_exe().ok()?;
    let output = Command::new(exe)
        .args(["--child", shape, &scale.to_string()])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut parts = text.split_whitespace().map(|v| v.parse::<f64>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--child") {
        let scale = args.get(at + 2).and_then(|s| s.parse().ok()).unwrap_or(1);
        child(&args[at + 1], scale);
        return;
    }
    let mut shapes: Vec<&str> = hostile_pages::all(1)
        .iter()
        .map(|(name, _)| *name)
        .collect();
    shapes.insert(0, "benign");
    println!(
        "{:<26} {:>6} {:>9} {:>9} {:>9} {:>9} {:>8} {:>10}",
        "shape", "scale", "MB", "ms", "ms/MB", "peak MB", "growth", "vs benign"
    );
    let mut benign_ms_per_mb = Vec::new();
    for shape in shapes {
        let mut first_ms_per_mb = None;
        for (i, scale) in SCALES.iter().enumerate() {
            let argument = if shape == "benign" {
                largest(*scale)
            } else {
                *scale
            };
            let Some((bytes, seconds, peak)) = measure(shape, argument) else {
                println!("{shape:<26} {scale:>6}  (child failed)");
                continue;
            };
            let mb = bytes / 1e6;
            let ms = seconds * 1000.0;
            let per_mb = ms / mb;
            let growth = per_mb / *first_ms_per_mb.get_or_insert(per_mb);
            if shape == "benign" {
                benign_ms_per_mb.push(per_mb);
            }
            let versus = benign_ms_per_mb.get(i).map_or(f64::NAN, |b| per_mb / b);
            println!(
                "{shape:<26} {scale:>5}× {mb:>9.2} {ms:>9.1} {per_mb:>9.1} {peak:>9.1} {growth:>8.2} {versus:>10.2}"
            );
        }
    }
}
