//! Extraction benchmark: prints figures, asserts nothing.
//!
//! On a corpus of saved pages (the project's fixtures, plus the conformance
//! pages in ../shared when present), rating extraction should cost at most
//! 1.5× the bare HTML parse of the same pages by `scraper`, the baseline
//! measured in the same run.
//!
//! Run: `cargo bench --bench extract`

use std::path::Path;
use std::time::{Duration, Instant};

use centricity::extract::{charset, extract_html};

const ROUNDS: usize = 30;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = Vec::new();
    for dir in [
        "fixtures/reviews",
        "fixtures/acme/reviews",
        "../shared/conformance/reviews/upstream",
    ] {
        collect(&root.join(dir), &mut pages);
    }
    let bytes: usize = pages.iter().map(String::len).sum();
    println!(
        "corpus: {} pages, {:.2} MB",
        pages.len(),
        bytes as f64 / 1e6
    );

    // Warm up caches and the allocator before timing either side.
    run(&pages, |p| drop(scraper::Html::parse_document(p)));
    run(&pages, |p| drop(extract_html(p)));
    let parse = best_of(5, || {
        run(&pages, |p| drop(scraper::Html::parse_document(p)))
    });
    let extract = best_of(5, || run(&pages, |p| drop(extract_html(p))));
    for (name, time) in [
        ("bare parse (baseline)", parse),
        ("rating extraction", extract),
    ] {
        let per_round = time.as_secs_f64() / ROUNDS as f64;
        println!(
            "  {name:<22} {:>8.0} pages/s {:>8.1} MB/s",
            pages.len() as f64 / per_round,
            bytes as f64 / 1e6 / per_round
        );
    }
    println!(
        "  ratio extraction / parse: {:.2}   target <= 1.5",
        extract.as_secs_f64() / parse.as_secs_f64()
    );
}

fn collect(dir: &Path, pages: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, pages);
        } else if path.extension().is_some_and(|e| e == "html") {
            if let Ok(bytes) = std::fs::read(&path) {
                pages.push(charset::decode(bytes, None).0);
            }
        }
    }
}

fn run(pages: &[String], mut work: impl FnMut(&str)) -> Duration {
    let start = Instant::now();
    for _ in 0..ROUNDS {
        for page in pages {
            work(page);
        }
    }
    start.elapsed()
}

fn best_of(tries: usize, mut measure: impl FnMut() -> Duration) -> Duration {
    (0..tries).map(|_| measure()).min().unwrap_or_default()
}
