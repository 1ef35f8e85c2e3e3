//! Hostile-page benchmark (divan, wall time and allocations).
//!
//! Each attack page of `tests/integration/hostile_pages.rs` is extracted at 10×, 100× and
//! 1,000× its test size. Linear work shows as a flat throughput (MB/s) across the scales, and
//! divan's allocation profiler shows the most memory held at once ("max alloc") beside the
//! page's size. The baseline, benched beside it, is a benign page (flat paragraphs) as large as
//! the largest attack at each scale: what the attack costs beyond its size.
//!
//! Run: `cargo bench --bench hostile`

#[path = "../tests/integration/hostile_pages.rs"]
#[allow(
    dead_code,
    reason = "the benchmark takes the shapes one at a time, never `all`"
)]
mod hostile_pages;

use centricity::extract::extract_html;
use divan::Bencher;
use divan::counter::BytesCount;

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

#[divan::bench(consts = [10, 100, 1000], args = hostile_pages::SHAPES, sample_count = 3, sample_size = 1)]
fn attack<const SCALE: usize>(bencher: Bencher, shape: &str) {
    let page = hostile_pages::page_of(shape, SCALE).expect("a shape of hostile_pages");
    extract(bencher, &page);
}

/// Baseline: a benign page as large as the largest attack at `SCALE`.
#[divan::bench(consts = [10, 100, 1000], sample_count = 3, sample_size = 1)]
fn benign<const SCALE: usize>(bencher: Bencher) {
    let largest = hostile_pages::SHAPES
        .iter()
        .filter_map(|s| hostile_pages::page_of(s, SCALE).map(|p| p.len()))
        .max()
        .unwrap_or(0);
    let paragraph =
        "<p>Our customer service answers within a day. <a href=\"/contact\">Contact us</a></p>\n";
    let page = format!(
        "<html><body>{}</body></html>",
        paragraph.repeat(largest / paragraph.len() + 1)
    );
    extract(bencher, &page);
}

fn extract(bencher: Bencher, page: &str) {
    bencher
        .counter(BytesCount::new(page.len()))
        .bench(|| extract_html(page));
}
