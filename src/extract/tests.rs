//! Extraction rules on small inline pages; the real-world pages are in the
//! integration tests (conformance suite and fixtures/reviews/).

use super::*;

fn only(html: &str) -> Rating {
    let page = extract_html(html);
    assert_eq!(page.ratings.len(), 1, "{:#?}", page.ratings);
    page.ratings.into_iter().next().unwrap()
}

fn ld(json: &str) -> String {
    format!(
        "<html><head><script type=\"application/ld+json\">{json}</script></head><body></body></html>"
    )
}

#[test]
fn json_ld_shapes() {
    // (page, value, best, bucket, entity name)
    let table = [
        (
            ld(
                r#"{"@context":"https://schema.org","@type":"Organization","name":"Acme","aggregateRating":{"@type":"AggregateRating","ratingValue":"4,3","reviewCount":"1.234"}}"#,
            ),
            4.3,
            5.0,
            Bucket::Company,
            "Acme",
        ),
        (
            ld(
                r##"{"@graph":[{"@type":["Organization","Corporation"],"name":"Acme","aggregateRating":{"@id":"#r"}},{"@id":"#r","@type":"AggregateRating","ratingValue":4.1,"ratingCount":10}]}"##,
            ),
            4.1,
            5.0,
            Bucket::Company,
            "Acme",
        ),
        (
            ld(
                r#"[{"@type":"http://schema.org/Product","name":"Anvil","aggregateRating":{"@type":"schema:AggregateRating","ratingValue":"87","bestRating":"100","ratingCount":"24"}}]"#,
            ),
            87.0,
            100.0,
            Bucket::Product,
            "Anvil",
        ),
        (
            ld(
                r#"{"@type":"AggregateRating","itemReviewed":{"@type":"LocalBusiness","name":"Shop"},"ratingValue":"88","bestRating":"100","ratingCount":"20"}"#,
            ),
            88.0,
            100.0,
            Bucket::Company,
            "Shop",
        ),
        (
            ld(
                r#"{"@type":"WebPage","mainEntity":{"@type":"Book","name":"B","aggregateRating":{"@type":"AggregateRating","ratingValue":"4","reviewCount":"3077"},"review":[{"@type":"Review","reviewRating":"5"}]}}"#,
            ),
            4.0,
            5.0,
            Bucket::Product,
            "B",
        ),
        (
            ld(
                r#"{"@type":"EmployerAggregateRating","itemReviewed":{"@type":"Organization","name":"World's Best Coffee Shop"},"ratingValue":"4","bestRating":"5","worstRating":"1","ratingCount":"42"}"#,
            ),
            4.0,
            5.0,
            Bucket::Employer,
            "World's Best Coffee Shop",
        ),
    ];
    for (page, value, best, bucket, name) in table {
        let r = only(&page);
        assert_eq!((r.value, r.best, r.bucket), (value, best, bucket), "{page}");
        assert_eq!(r.entity.name.as_deref(), Some(name));
    }
}

#[test]
fn mime_parameters_and_extra_attributes_are_accepted() {
    let page = r#"<script id="x" class="yoast-schema-graph" type="Application/LD+JSON; charset=utf-8">{"@type":"Store","name":"S","aggregateRating":{"ratingValue":3.9,"ratingCount":7}}</script>"#;
    assert_eq!(only(page).value, 3.9);
}

#[test]
fn no_rating_is_not_a_zero() {
    for page in [
        ld(
            r#"{"@type":"Book","name":"New","aggregateRating":{"@type":"AggregateRating","ratingValue":"0","reviewCount":"0"}}"#,
        ),
        ld(
            r#"{"@type":"Book","name":"New","aggregateRating":{"@type":"AggregateRating","reviewCount":"0"}}"#,
        ),
        ld(r#"{"@type":"Hotel","name":"H","starRating":{"@type":"Rating","ratingValue":"4"}}"#),
        ld(r#"{"@type":"Review","reviewRating":{"@type":"Rating","ratingValue":"5"}}"#),
        r#"<form class="rating"><input type="radio" name="r" value="5"></form>"#.to_string(),
    ] {
        assert!(extract_html(&page).ratings.is_empty(), "{page}");
    }
}

#[test]
fn the_same_rating_in_three_syntaxes_is_reported_once() {
    let page = format!(
        "{}<div itemscope itemtype=\"http://schema.org/Product\"><span itemprop=\"name\">Anvil</span>\
         <div itemprop=\"aggregateRating\" itemscope itemtype=\"http://schema.org/AggregateRating\">\
         <span itemprop=\"ratingValue\">4.4</span> <span itemprop=\"reviewCount\">89</span></div></div>\
         <div vocab=\"https://schema.org/\" typeof=\"Product\"><span property=\"name\">Anvil</span>\
         <div property=\"aggregateRating\" typeof=\"AggregateRating\"><span property=\"ratingValue\">4.4</span>\
         <span property=\"reviewCount\">89</span></div></div>",
        ld(
            r#"{"@type":"Product","name":"Anvil","aggregateRating":{"@type":"AggregateRating","ratingValue":"4.4","reviewCount":"89"}}"#
        )
    );
    let r = only(&page);
    assert_eq!(
        (r.syntax, r.value, r.review_count),
        (Syntax::JsonLd, 4.4, Some(89))
    );
}

#[test]
fn microdata_values_come_from_attributes_first() {
    let page = r#"<div itemscope itemtype="https://schema.org/Organization"><meta itemprop="name" content="Acme">
        <div itemprop="aggregateRating" itemscope itemtype="https://schema.org/AggregateRating">
          <span itemprop="ratingValue" content="4.6">4,6</span>
          <meter itemprop="bestRating" value="5">five</meter>
          <data itemprop="ratingCount" value="1200">1.2k</data></div></div>"#;
    let r = only(page);
    assert_eq!(
        (r.value, r.best, r.rating_count, r.bucket),
        (4.6, 5.0, Some(1200), Bucket::Company)
    );
    assert!(!r.scale_defaulted);
}

#[test]
fn legacy_data_vocabulary_and_prefixed_rdfa() {
    let microdata = r#"<div itemscope itemtype="http://data-vocabulary.org/Review-aggregate">
        <span itemprop="itemreviewed">Hotel Bon Accueil</span>
        <span itemprop="rating" itemscope itemtype="http://data-vocabulary.org/Rating">
          <span itemprop="average">8,7</span>/<span itemprop="best">10</span></span>
        <span itemprop="votes">312</span></div>"#;
    let r = only(microdata);
    assert_eq!(
        (r.syntax, r.value, r.best, r.rating_count),
        (Syntax::DataVocabulary, 8.7, 10.0, Some(312))
    );
    assert_eq!(r.entity.name.as_deref(), Some("Hotel Bon Accueil"));
    let rdfa = r#"<div prefix="schema: http://schema.org/" typeof="schema:LocalBusiness"><span property="schema:name">Bakery</span>
        <div property="schema:aggregateRating" typeof="schema:AggregateRating">
        <span property="schema:ratingValue" content="4.2">4,2</span><span property="schema:ratingCount">1 024</span></div></div>"#;
    let r = only(rdfa);
    assert_eq!(
        (r.syntax, r.value, r.rating_count, r.bucket),
        (Syntax::Rdfa, 4.2, Some(1024), Bucket::Company)
    );
}

#[test]
fn normalisation_uses_the_scale() {
    let rating = |value, best, worst| Rating {
        syntax: Syntax::JsonLd,
        entity: Entity::default(),
        bucket: Bucket::Company,
        value,
        best,
        worst,
        scale_defaulted: false,
        rating_count: None,
        review_count: None,
        reply_rate: None,
        avg_reply_days: None,
        latest_review: None,
        distribution: None,
    };
    assert_eq!(rating(4.0, 5.0, 1.0).normalized(), 75.0);
    assert_eq!(rating(88.0, 100.0, 0.0).normalized(), 88.0);
    assert_eq!(rating(1.0, 5.0, 1.0).normalized(), 0.0);
}

#[test]
fn items_are_found_however_their_start_is_spelled() {
    // A page is parsed only when a tag may start an item; these spellings must still count.
    let shouting = r#"<DIV ITEMSCOPE ITEMTYPE="https://schema.org/Product"><span ITEMPROP="name">Anvil</span>
        <div itemprop="aggregateRating" itemscope itemtype="https://schema.org/AggregateRating">
        <span itemprop="ratingValue">4.1</span></div></DIV>"#;
    assert_eq!(only(shouting).value, 4.1);
    let referenced = r#"<div class="h-review&#45;aggregate"><span class="p-item h-card">Bakery</span>
        <span class="p-average">3.9</span><span class="p-count">12</span></div>"#;
    let r = only(referenced);
    assert_eq!((r.syntax, r.value), (Syntax::Microformats, 3.9));
    // Text that merely mentions the words starts nothing: no DOM, no rating, no repair.
    let prose = "<p>itemscope and typeof and h-review-aggregate</p>";
    assert_eq!(extract_html(prose), PageRatings::default());
}

#[test]
fn ratings_that_cannot_be_true_are_invalid_with_their_reason() {
    use plausible::RatingField::{BestRating, RatingCount, RatingValue, ReviewCount};
    let org = |aggregate: &str| {
        ld(&format!(
            r#"{{"@type":"Organization","name":"Acme","aggregateRating":{{"@type":"AggregateRating",{aggregate}}}}}"#
        ))
    };
    let out_of_scale = |value| Implausible::OutOfScale {
        value,
        worst: 1.0,
        best: 5.0,
    };
    let table = [
        (r#""ratingValue":"-5","bestRating":"5""#, out_of_scale(-5.0)),
        (r#""ratingValue":-5,"bestRating":5"#, out_of_scale(-5.0)),
        (r#""ratingValue":"-5""#, out_of_scale(-5.0)),
        (
            r#""ratingValue":"7","bestRating":"5","ratingCount":"10""#,
            out_of_scale(7.0),
        ),
        (
            r#""ratingValue":"4.5","ratingCount":"-3""#,
            Implausible::NegativeCount {
                field: RatingCount,
                count: -3.0,
            },
        ),
        (
            r#""ratingValue":4.5,"reviewCount":-3"#,
            Implausible::NegativeCount {
                field: ReviewCount,
                count: -3.0,
            },
        ),
        (
            r#""ratingValue":"1","ratingCount":1e300"#,
            Implausible::CountTooLarge {
                field: RatingCount,
                count: 1e300,
            },
        ),
        (
            r#""ratingValue":"1","ratingCount":"1e300""#,
            Implausible::CountTooLarge {
                field: RatingCount,
                count: 1e300,
            },
        ),
        (
            r#""ratingValue":"4","reviewCount":"2000000000""#,
            Implausible::CountTooLarge {
                field: ReviewCount,
                count: 2e9,
            },
        ),
        (
            r#""ratingValue":"NaN","ratingCount":"12""#,
            Implausible::NotANumber { field: RatingValue },
        ),
        (
            r#""ratingValue":"Infinity""#,
            Implausible::NotANumber { field: RatingValue },
        ),
        (
            r#""ratingValue":"4.5","ratingCount":"NaN""#,
            Implausible::NotANumber { field: RatingCount },
        ),
        (
            r#""ratingValue":"4.5","bestRating":"-Infinity""#,
            Implausible::NotANumber { field: BestRating },
        ),
    ];
    for (aggregate, reason) in table {
        let page = extract_html(&org(aggregate));
        assert!(
            page.ratings.is_empty(),
            "{aggregate}: read as {:?}",
            page.ratings
        );
        assert_eq!(page.invalid.len(), 1, "{aggregate}: {:?}", page.invalid);
        let invalid = &page.invalid[0];
        assert_eq!(invalid.reason, reason, "{aggregate}");
        assert_eq!(
            (invalid.entity.name.as_deref(), invalid.bucket),
            (Some("Acme"), Bucket::Company),
            "{aggregate}"
        );
    }
    // Microdata reads through the same judgement.
    let microdata = r#"<div itemscope itemtype="https://schema.org/Organization"><span itemprop="name">Acme</span>
        <div itemprop="aggregateRating" itemscope itemtype="https://schema.org/AggregateRating">
        <meta itemprop="ratingValue" content="-4.5"><meta itemprop="ratingCount" content="20"></div></div>"#;
    let page = extract_html(microdata);
    assert!(page.ratings.is_empty(), "{:?}", page.ratings);
    assert_eq!(
        page.invalid.first().map(|i| &i.reason),
        Some(&out_of_scale(-4.5))
    );
    // At the bound a count is real; "no rating yet" (0 from 0) is neither a rating nor invalid.
    let at_bound = only(&org(r#""ratingValue":"4.5","ratingCount":1000000000"#));
    assert_eq!(at_bound.rating_count, Some(1_000_000_000));
    let none_yet = extract_html(&org(r#""ratingValue":"0","ratingCount":"0""#));
    assert_eq!((none_yet.ratings.len(), none_yet.invalid.len()), (0, 0));
}

/// Every saved page of the project (fixtures/, and the conformance pages in ../shared when
/// present), decoded.
fn corpus() -> Vec<(std::path::PathBuf, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "html" || e == "htm") {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path, charset::decode(bytes, None).0));
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = Vec::new();
    walk(&root.join("fixtures"), &mut pages);
    walk(&root.join("../shared/conformance/reviews"), &mut pages);
    pages
}

#[test]
fn every_corpus_page_gives_the_same_result_with_or_without_the_fast_path() {
    let pages = corpus();
    let mut without_dom = 0;
    for (path, text) in &pages {
        let fast = extract_reading(text, &may_start_item);
        let full = extract_reading(text, &|_| true);
        assert_eq!(fast, full, "{}", path.display());
        without_dom += usize::from(
            html::parse_lifting_json_ld(text, &may_start_item)
                .parsed
                .is_none(),
        );
    }
    // The comparison means something only if both ways were taken.
    assert!(pages.len() >= 40, "{} pages", pages.len());
    assert!(
        without_dom >= 5 && without_dom < pages.len(),
        "{without_dom} of {} pages read without a DOM",
        pages.len()
    );
}

#[test]
fn an_element_with_many_attributes_is_read_with_the_first_ones_and_says_so() {
    // 400,000 distinct attributes took seconds in html5ever's duplicate check; capped, the
    // element keeps its first attributes (the item's own here) and the rating is read.
    let flood: String = (0..400_000).map(|i| format!(" a{i}")).collect();
    let page = format!(
        "<div itemscope itemtype=\"https://schema.org/Organization\"{flood}><span itemprop=\"name\">Acme</span>\
         <div itemprop=\"aggregateRating\" itemscope itemtype=\"https://schema.org/AggregateRating\">\
         <span itemprop=\"ratingValue\">4.1</span><span itemprop=\"reviewCount\">120</span></div></div>"
    );
    let page = extract_html(&page);
    assert_eq!(page.repairs, [ATTRIBUTES_CAPPED]);
    assert_eq!(page.ratings.len(), 1);
    assert_eq!(page.ratings[0].value, 4.1);
    assert_eq!(page.ratings[0].entity.name.as_deref(), Some("Acme"));
}

#[test]
fn microformat_reviews_date_the_aggregate_and_are_never_ratings_of_their_own() {
    let page = |name: &str| {
        std::fs::read_to_string(format!(
            "{}/fixtures/reviews/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    // (page, value, worst, newest review): the single reviews' own ratings (1, 5; 2, 9) are not read.
    for (name, value, worst, newest) in [
        ("microformats-value-title.html", 4.5, 1.0, "2026-04-18"),
        ("microformats-v2-value-class.html", 8.2, 0.0, "2026-05-09"),
    ] {
        let r = only(&page(name));
        assert_eq!(
            (r.value, r.worst, r.latest_review.as_deref()),
            (value, worst, Some(newest)),
            "{name}"
        );
    }
}

#[test]
fn the_value_class_pattern_reads_each_element_as_the_spec_says() {
    let aggregate = |rating: &str| {
        format!(
            r#"<div class="hreview-aggregate"><span class="item fn">Anvil</span><span class="rating">{rating}</span><span class="count">10</span></div>"#
        )
    };
    for (rating, want) in [
        (
            r#"<span class="value-title" title="3.5"></span>ignored 9"#,
            3.5,
        ),
        // Only the parts are the value: the text between them is for people.
        (
            r#"<span class="value">4.</span> point <span class="value">2</span>"#,
            4.2,
        ),
        (
            r#"<abbr class="value" title="2.5">two and a half</abbr>"#,
            2.5,
        ),
        (r#"<img class="value" alt="3.1" src="x.png">"#, 3.1),
        (r#"<input class="value" value="1.5">"#, 1.5),
        ("4.8", 4.8),
    ] {
        assert_eq!(only(&aggregate(rating)).value, want, "{rating}");
    }
    // A value-title without a title, and `.value` elements that say nothing, leave the text.
    assert_eq!(
        only(&aggregate(r#"<span class="value-title"></span>3.3"#)).value,
        3.3
    );
}
