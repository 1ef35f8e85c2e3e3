//! Hostile input: pages shaped to crash or exhaust extraction are read in
//! bounded time, without a panic, and the honest rating beside them is still found.

use std::time::{Duration, Instant};

use super::hostile_pages;

#[test]
fn hostile_pages_are_read_in_bounded_time_and_keep_the_control_rating() {
    for (name, page) in hostile_pages::all(1) {
        let started = Instant::now();
        let found = std::panic::catch_unwind(|| centricity::extract::extract_html(&page))
            .unwrap_or_else(|_| panic!("{name}: extraction panicked"));
        let took = started.elapsed();
        // Generous for a loaded debug build; the naive extractor took minutes or crashed.
        assert!(took < Duration::from_secs(10), "{name}: {took:?}");
        assert!(
            found
                .ratings
                .iter()
                .any(|r| (r.value - 4.2).abs() < 1e-9 && r.rating_count == Some(17)),
            "{name}: the control rating was lost: {:?}",
            found.ratings
        );
    }
}

#[test]
fn a_page_nested_too_deep_is_flattened_and_says_so() {
    let found = centricity::extract::extract_html(&hostile_pages::deep_nesting(2_000));
    assert!(
        found.repairs.contains(&centricity::extract::FLATTENED),
        "{:?}",
        found.repairs
    );
    let shallow = centricity::extract::extract_html(hostile_pages::CONTROL_RATING);
    assert!(shallow.repairs.is_empty(), "{:?}", shallow.repairs);
}

#[test]
fn shared_items_are_read_once_not_copied_per_path() {
    // 3^40 paths through the items: only sharing finishes, and the nested
    // aggregate ratings' hosts are still read (none of them has a value, so none is reported).
    let found = centricity::extract::extract_html(&hostile_pages::multi_property_microdata(40));
    assert_eq!(found.ratings.len(), 1, "{:?}", found.ratings);
    let chain = centricity::extract::extract_html(&hostile_pages::reference_chain(60));
    assert_eq!(chain.ratings.len(), 1, "{:?}", chain.ratings);
}
