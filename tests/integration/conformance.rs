//! The conformance pages in ../shared/conformance/reviews/upstream/ (real
//! pages from public extractor test suites; see their SOURCES.md) with the
//! facts each must yield. Outside CI, without ../shared, these skip with a
//! message; with CI=true a missing suite fails.

use std::path::PathBuf;

use centricity::extract::{Bucket, Rating, Syntax, charset, extract_html};
use serde_json::Value;

use crate::common::{centricity, success_json};

fn suite() -> Option<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/reviews/upstream");
    if dir.is_dir() {
        return Some(dir);
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !in_ci,
        "CI=true but the conformance suite is missing at {}",
        dir.display()
    );
    eprintln!(
        "skipping: no conformance suite at {} (it lives in ../shared beside the repository)",
        dir.display()
    );
    None
}

/// Expected facts of one page: (value, best, scale defaulted, rating count, review count, bucket, entity name).
type Facts = (
    f64,
    f64,
    bool,
    Option<u64>,
    Option<u64>,
    &'static str,
    Option<&'static str>,
);

#[test]
fn every_upstream_page_yields_its_facts_through_the_cli() {
    let Some(dir) = suite() else { return };
    // (page, the ratings it must yield, once each)
    let pages: [(&str, &[Facts]); 12] = [
        (
            "extruct/product.html",
            &[(
                4.4,
                5.0,
                true,
                None,
                Some(89),
                "product",
                Some("Executive Anvil"),
            )],
        ),
        (
            "extruct/product-ref.html",
            &[(
                4.4,
                5.0,
                true,
                None,
                Some(89),
                "product",
                Some("Executive Anvil"),
            )],
        ),
        (
            "extruct/LocalBusiness.002.html",
            &[(
                4.0,
                5.0,
                true,
                None,
                Some(250),
                "company",
                Some("GreatFood"),
            )],
        ),
        (
            "extruct/CreativeWork.001.html",
            &[(
                4.0,
                5.0,
                true,
                None,
                Some(3077),
                "product",
                Some("The Catcher in the Rye"),
            )],
        ),
        (
            "extruct/null_ld_mock.html",
            &[(
                5.0,
                5.0,
                true,
                Some(280),
                None,
                "company",
                Some("Some Name Goes Here"),
            )],
        ),
        (
            "extruct/microdata.4.2.meter.html",
            &[(3.5, 5.0, true, None, Some(11), "product", None)],
        ),
        ("extruct/microdata-with-description.html", &[]),
        (
            "web-auto-extractor/testPage.html",
            &[(
                4.4,
                5.0,
                true,
                None,
                Some(89),
                "product",
                Some("Executive Anvil"),
            )],
        ),
        (
            "microformats-tests/hreview-aggregate/hcard.html",
            &[(
                9.2,
                10.0,
                false,
                None,
                Some(17),
                "company",
                Some("Mediterranean Wraps"),
            )],
        ),
        (
            "microformats-tests/hreview-aggregate/justahyperlink.html",
            &[(
                4.5,
                5.0,
                true,
                None,
                Some(6),
                "product",
                Some("Mediterranean Wraps"),
            )],
        ),
        (
            // The item is an h-card: a business, so the company's rating.
            "microformats-tests/h-review-aggregate/simpleproperties.html",
            &[(
                9.2,
                10.0,
                false,
                None,
                Some(17),
                "company",
                Some("Mediterranean Wraps"),
            )],
        ),
        (
            "microformats-tests/h-review-aggregate/justahyperlink.html",
            &[(
                4.5,
                5.0,
                true,
                None,
                None,
                "product",
                Some("Mediterranean Wraps"),
            )],
        ),
    ];
    let paths: Vec<String> = pages
        .iter()
        .map(|(p, _)| dir.join(p).to_string_lossy().into_owned())
        .collect();
    let records = success_json(
        centricity()
            .args(["reviews", "extract", "--format", "json"])
            .args(&paths),
    );
    let records = records.as_array().unwrap();
    for record in records {
        let keys: Vec<&str> = record
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            [
                "avg_reply_days",
                "best",
                "bucket",
                "entity",
                "normalized",
                "outcome",
                "profile",
                "profile_reason",
                "rating_count",
                "reason",
                "repairs",
                "reply_rate",
                "review_count",
                "scale_defaulted",
                "source",
                "syntax",
                "value",
                "worst"
            ],
            "the record's fields are a contract"
        );
    }
    for ((page, expected), path) in pages.iter().zip(&paths) {
        let got: Vec<&Value> = records
            .iter()
            .filter(|r| r["source"] == path.as_str())
            .collect();
        if expected.is_empty() {
            assert_eq!(got.len(), 1, "{page}");
            assert_eq!(
                got[0]["outcome"], "no_rating",
                "{page}: a rating form is not a rating"
            );
            assert_eq!(
                got[0]["value"],
                Value::Null,
                "{page}: no rating is neither 0 nor 5"
            );
            continue;
        }
        assert_eq!(got.len(), expected.len(), "{page}: {got:#?}");
        for (record, (value, best, defaulted, ratings, reviews, bucket, name)) in
            got.iter().zip(expected.iter())
        {
            assert_eq!(record["outcome"], "ok", "{page}");
            assert_eq!(record["value"].as_f64(), Some(*value), "{page}: value");
            assert_eq!(record["best"].as_f64(), Some(*best), "{page}: best");
            assert_eq!(
                record["scale_defaulted"], *defaulted,
                "{page}: scale defaulted"
            );
            assert_eq!(
                record["rating_count"].as_u64(),
                *ratings,
                "{page}: rating count"
            );
            assert_eq!(
                record["review_count"].as_u64(),
                *reviews,
                "{page}: review count"
            );
            assert_eq!(record["bucket"], *bucket, "{page}: bucket");
            if let Some(name) = name {
                assert_eq!(record["entity"]["name"], *name, "{page}: entity");
            }
        }
    }
}

/// The sections (MICRODATA, RDFA, JSON) of one `#eg-NNNN` block of a schema.org examples file.
fn example_sections(text: &str, id: &str) -> Vec<(String, String)> {
    let start = text
        .find(&format!("TYPES: #{id} "))
        .unwrap_or_else(|| panic!("no example {id}"));
    let block = &text[start..];
    let block = &block[..block[6..].find("TYPES: #").map_or(block.len(), |e| e + 6)];
    let mut sections = Vec::new();
    for name in ["MICRODATA:", "RDFA:", "JSON:"] {
        let Some(at) = block.find(&format!("\n{name}")) else {
            continue;
        };
        let body = &block[at + name.len() + 1..];
        let end = ["\nMICRODATA:", "\nRDFA:", "\nJSON:"]
            .iter()
            .filter_map(|n| body.find(n))
            .min()
            .unwrap_or(body.len());
        let body = body[..end].trim();
        if !body.is_empty() && body != "N/A" && !body.starts_with("TODO") {
            sections.push((name.trim_end_matches(':').to_string(), body.to_string()));
        }
    }
    sections
}

fn ratings_of(html: &str) -> Vec<Rating> {
    extract_html(&charset::decode(html.as_bytes().to_vec(), None).0).ratings
}

#[test]
fn schema_org_examples_agree_across_syntaxes() {
    let Some(dir) = suite() else { return };
    // (file, example, facts every syntax must yield; None = no rating)
    type Expected = Option<(f64, f64, Option<u64>, Option<u64>, Bucket)>;
    let examples: [(&str, &str, Expected); 8] = [
        (
            "examples.txt",
            "eg-0004",
            Some((4.0, 5.0, None, Some(250), Bucket::Company)),
        ),
        (
            "examples.txt",
            "eg-0010",
            Some((3.5, 5.0, None, Some(11), Bucket::Product)),
        ),
        (
            "examples.txt",
            "eg-0011",
            Some((87.0, 100.0, Some(24), None, Bucket::Product)),
        ),
        (
            "examples.txt",
            "eg-0017",
            Some((8.0, 10.0, Some(200), Some(50), Bucket::Product)),
        ),
        (
            "examples.txt",
            "eg-0462",
            Some((4.0, 5.0, None, Some(3077), Bucket::Product)),
        ),
        ("examples.txt", "eg-0175", None),
        (
            "issue-1689-examples.txt",
            "eg-0247",
            Some((4.0, 5.0, Some(42), None, Bucket::Employer)),
        ),
        (
            "issue-3028-examples.txt",
            "eg-0473",
            Some((4.7, 5.0, Some(20), None, Bucket::Company)),
        ),
    ];
    for (file, id, expected) in examples {
        let text = std::fs::read_to_string(dir.join("schemaorg").join(file)).unwrap();
        let sections = example_sections(&text, id);
        assert!(!sections.is_empty(), "{id}: no sections found");
        for (syntax, body) in sections {
            let ratings = ratings_of(&body);
            match expected {
                None => assert!(
                    ratings.is_empty(),
                    "{id} {syntax}: the 0/0 sentinel is no rating: {ratings:?}"
                ),
                Some((value, best, rating_count, review_count, bucket)) => {
                    assert_eq!(ratings.len(), 1, "{id} {syntax}: {ratings:#?}");
                    let r = &ratings[0];
                    assert_eq!((r.value, r.best), (value, best), "{id} {syntax}");
                    assert_eq!(
                        (r.rating_count, r.review_count),
                        (rating_count, review_count),
                        "{id} {syntax}"
                    );
                    assert_eq!(r.bucket, bucket, "{id} {syntax}");
                    let want = match syntax.as_str() {
                        "MICRODATA" => Syntax::Microdata,
                        "RDFA" => Syntax::Rdfa,
                        _ => Syntax::JsonLd,
                    };
                    assert_eq!(r.syntax, want, "{id} {syntax}");
                }
            }
        }
    }
}
