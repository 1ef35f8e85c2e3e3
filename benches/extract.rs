//! Extraction benchmark (divan, wall time).
//!
//! On a corpus of saved pages (the project's fixtures, plus the conformance pages in ../shared
//! when present), rating extraction should cost at most 1.5× the bare HTML parse of the same
//! pages by `scraper`: `bare_parse` is that baseline, benched beside it. Both show pages/s and
//! MB/s.
//!
//! Run: `cargo bench --bench extract`

use std::path::Path;
use std::sync::LazyLock;

use centricity::extract::{charset, extract_html};
use divan::Bencher;
use divan::counter::{BytesCount, ItemsCount};

static PAGES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = Vec::new();
    for dir in [
        "fixtures/reviews",
        "fixtures/acme/reviews",
        "../shared/conformance/reviews/upstream",
    ] {
        collect(&root.join(dir), &mut pages);
    }
    pages
});

fn main() {
    let bytes: usize = PAGES.iter().map(String::len).sum();
    println!(
        "corpus: {} pages, {:.2} MB (target: rating_extraction at most 1.5x bare_parse)",
        PAGES.len(),
        bytes as f64 / 1e6
    );
    divan::main();
}

/// Baseline: the HTML parse alone.
#[divan::bench(sample_count = 30)]
fn bare_parse(bencher: Bencher) {
    over_corpus(bencher, |page| drop(scraper::Html::parse_document(page)));
}

#[divan::bench(sample_count = 30)]
fn rating_extraction(bencher: Bencher) {
    over_corpus(bencher, |page| drop(extract_html(page)));
}

/// One iteration reads every page of the corpus.
fn over_corpus(bencher: Bencher, work: impl Fn(&str) + Sync) {
    let bytes: usize = PAGES.iter().map(String::len).sum();
    bencher
        .counter(ItemsCount::new(PAGES.len()))
        .counter(BytesCount::new(bytes))
        .bench(|| PAGES.iter().for_each(|page| work(page)));
}

fn collect(dir: &Path, pages: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, pages);
        } else if path.extension().is_some_and(|e| e == "html")
            && let Ok(bytes) = std::fs::read(&path)
        {
            pages.push(charset::decode(bytes, None).0);
        }
    }
}
