//! Reputation: the project's own fixtures (fixtures/reviews/, one per item of
//! the extraction checklist), the site profiles, the polite fetcher against a
//! loopback server, and the `reviews` check in an audit.

use std::time::Duration;

use centricity::extract::Bucket;
use centricity::extract::profile::Profiles;
use serde_json::Value;

use crate::common::{Scratch, TestServer, audit_json, centricity, check, metric, repo_path};

fn extract_json(delay: &str, args: &[&str]) -> (i32, Vec<Value>, String) {
    let output = centricity()
        .args(["reviews", "extract", "--format", "json", "--delay", delay])
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let records =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (output.status.code().unwrap_or(-1), records, stderr)
}

/// The paths of fixtures in `fixtures/reviews/`, as arguments.
fn fixture_paths<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    names
        .map(|name| {
            repo_path(&format!("fixtures/reviews/{name}"))
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

#[test]
fn own_fixtures_yield_their_facts() {
    // (fixture, value, best, scale defaulted, rating count, review count, bucket, entity, repairs)
    type Row = (
        &'static str,
        f64,
        f64,
        bool,
        Option<u64>,
        Option<u64>,
        &'static str,
        &'static str,
        &'static [&'static str],
    );
    let table: [Row; 13] = [
        (
            "jsonld-broken.html",
            4.2,
            5.0,
            true,
            Some(310),
            None,
            "company",
            "Broken JSON Ltd",
            &["comment-or-cdata-wrapper", "comments", "trailing-commas"],
        ),
        (
            "jsonld-control-chars.html",
            3.9,
            5.0,
            true,
            Some(57),
            None,
            "company",
            "Newline Corp",
            &["control-characters", "trailing-semicolon"],
        ),
        (
            "jsonld-entities.html",
            4.0,
            5.0,
            true,
            None,
            Some(88),
            "company",
            "Escaped Store",
            &["html-entities"],
        ),
        (
            "jsonld-graph-references.html",
            4.6,
            5.0,
            true,
            None,
            Some(1204),
            "company",
            "Graph Bakery",
            &[],
        ),
        (
            "locale-numbers.html",
            4.3,
            5.0,
            true,
            Some(11_117),
            None,
            "company",
            "Kundenfreund GmbH",
            &[],
        ),
        (
            "scale-hint.html",
            8.6,
            10.0,
            false,
            None,
            Some(1234),
            "company",
            "Hôtel du Port",
            &[],
        ),
        (
            "data-vocabulary.html",
            9.1,
            10.0,
            false,
            Some(412),
            None,
            "product",
            "Camping Les Pins",
            &[],
        ),
        (
            "data-vocabulary-rdfa.html",
            4.8,
            5.0,
            false,
            None,
            Some(23),
            "product",
            "Gîte de la Forêt",
            &[],
        ),
        (
            "rdfa-prefixed.html",
            4.7,
            5.0,
            true,
            Some(96),
            None,
            "company",
            "Prefix Plumbing",
            &[],
        ),
        (
            "itemref-meter.html",
            3.7,
            5.0,
            true,
            None,
            Some(2310),
            "product",
            "Fibre Box X",
            &[],
        ),
        (
            "trustpilot-page-data.html",
            3.8,
            5.0,
            false,
            Some(1240),
            None,
            "company",
            "Acme Telecom",
            &[],
        ),
        // The value-class pattern: a value-title's title, `.value` parts joined, abbr title.
        (
            "microformats-value-title.html",
            4.5,
            5.0,
            false,
            Some(1204),
            Some(87),
            "company",
            "Harbour Café",
            &[],
        ),
        // …and in v2, a data, meter or img element's value or alt.
        (
            "microformats-v2-value-class.html",
            8.2,
            10.0,
            false,
            Some(3120),
            Some(412),
            "product",
            "Fibre Box Y",
            &[],
        ),
    ];
    let paths = fixture_paths(table.iter().map(|row| row.0));
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let (code, records, stderr) = extract_json("20ms", &args);
    assert_eq!(code, 0, "{stderr}");
    for (row, path) in table.iter().zip(&paths) {
        let (name, value, best, defaulted, ratings, reviews, bucket, entity, repairs) = row;
        let got: Vec<&Value> = records
            .iter()
            .filter(|r| r["source"] == path.as_str())
            .collect();
        assert_eq!(got.len(), 1, "{name}: exactly one rating: {got:#?}");
        let r = got[0];
        assert_eq!(r["outcome"], "ok", "{name}");
        assert_eq!(
            (r["value"].as_f64(), r["best"].as_f64()),
            (Some(*value), Some(*best)),
            "{name}"
        );
        assert_eq!(r["scale_defaulted"], *defaulted, "{name}");
        assert_eq!(
            (r["rating_count"].as_u64(), r["review_count"].as_u64()),
            (*ratings, *reviews),
            "{name}"
        );
        assert_eq!(r["bucket"], *bucket, "{name}");
        assert_eq!(r["entity"]["name"], *entity, "{name}");
        assert_eq!(r["repairs"], serde_json::json!(repairs), "{name}");
    }
}

#[test]
fn pages_without_a_rating_say_so_and_saved_bot_walls_are_blocked() {
    let (code, records, stderr) = extract_json(
        "20ms",
        &[
            &repo_path("fixtures/reviews/no-rating.html").to_string_lossy(),
            &repo_path("fixtures/reviews/bot-wall.html").to_string_lossy(),
            &repo_path("fixtures/reviews/aws-waf-challenge.html").to_string_lossy(),
        ],
    );
    assert_eq!(code, 0);
    let outcomes: Vec<&str> = records
        .iter()
        .map(|r| r["outcome"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(outcomes, ["no_rating", "blocked", "blocked"], "{records:?}");
    assert!(records.iter().all(|r| r["value"].is_null()));
    // Every record without a rating says why on stderr, vendor included.
    assert!(
        stderr.contains("no-rating.html: no aggregate rating on the page"),
        "{stderr}"
    );
    assert!(
        stderr.contains("bot-wall.html: a bot-protection page of Cloudflare"),
        "{stderr}"
    );
    assert!(
        stderr.contains("aws-waf-challenge.html: a bot-protection page of AWS WAF"),
        "{stderr}"
    );
}

fn apply(url: &str, fixture: &str) -> centricity::extract::profile::Applied {
    let text = std::fs::read_to_string(repo_path(&format!("fixtures/reviews/{fixture}"))).unwrap();
    Profiles::shipped().for_url(url).apply(url, &text)
}

#[test]
fn trustpilot_reads_page_data_and_never_picks_another_company() {
    let url = "https://www.trustpilot.com/review/acme.example";
    let page = apply(url, "trustpilot-page-data.html").page;
    assert_eq!(page.ratings.len(), 1);
    let r = &page.ratings[0];
    assert_eq!(
        (r.value, r.rating_count, r.reply_rate, r.avg_reply_days),
        (3.8, Some(1240), Some(0.425), Some(9.3))
    );
    assert_eq!(r.entity.name.as_deref(), Some("Acme Telecom"));
    assert_eq!(r.distribution, Some([310, 90, 110, 250, 480]));
    assert_eq!(r.latest_review.as_deref(), Some("2026-02-14"));
    // Without page data, the JSON-LD fallback keeps only the reviewed company: not Trustpilot, not a competitor.
    let fallback = apply(url, "trustpilot-jsonld-only.html").page;
    assert_eq!(fallback.ratings.len(), 1, "{:#?}", fallback.ratings);
    assert_eq!(
        (fallback.ratings[0].value, fallback.ratings[0].review_count),
        (3.8, Some(1240))
    );
    // A different company's profile page finds nothing of Acme's.
    assert!(
        apply(
            "https://www.trustpilot.com/review/nobody.example",
            "trustpilot-jsonld-only.html"
        )
        .page
        .ratings
        .is_empty()
    );
}

#[test]
fn app_stores_read_their_own_data() {
    let lookup = "https://itunes.apple.com/lookup?id=100&country=fr";
    let page = apply(lookup, "app-store-lookup.json").page;
    let r = &page.ratings[0];
    assert_eq!(
        (r.value, r.rating_count, r.bucket),
        (4.48213, Some(32_011), Bucket::Product)
    );
    assert!(
        apply(lookup, "app-store-not-sold.json")
            .page
            .ratings
            .is_empty(),
        "resultCount 0 is no rating, not 0"
    );
    let play = "https://play.google.com/store/apps/details?id=example.acme&gl=fr";
    let r = &apply(play, "google-play.html").page.ratings[0];
    assert_eq!(
        (r.value, r.rating_count, r.review_count),
        (4.1234, Some(18_532), Some(2210))
    );
    assert_eq!(r.entity.name.as_deref(), Some("Acme My Account"));
}

#[test]
fn the_fetcher_is_polite_and_says_why_it_read_nothing() {
    let server = TestServer::start();
    let sources = [
        "/rating",
        "/private/rating",
        "/flaky",
        "/wall",
        "/forbidden",
        "/big",
        "/latin1",
        "/loop",
    ];
    let urls: Vec<String> = sources.iter().map(|p| server.url(p)).collect();
    let args: Vec<&str> = urls.iter().map(String::as_str).collect();
    let (code, records, stderr) = extract_json("150ms", &args);
    assert_eq!(code, 0, "{stderr}");
    let of = |path: &str| {
        records
            .iter()
            .find(|r| r["source"] == server.url(path))
            .unwrap_or_else(|| panic!("no {path}"))
    };
    assert_eq!(of("/rating")["value"], 4.6);
    // robots.txt: our group disallows /private/ and allows the rest (the * group would forbid all).
    assert_eq!(of("/private/rating")["outcome"], "error");
    assert!(stderr.contains("disallowed by robots.txt"), "{stderr}");
    assert_eq!(
        server.hits("/private/rating"),
        0,
        "a disallowed page is never fetched"
    );
    assert_eq!(
        server.hits("/robots.txt"),
        1,
        "robots.txt is read once per host"
    );
    // 429 with Retry-After: waited out, then read.
    assert_eq!(of("/flaky")["outcome"], "ok");
    assert_eq!(server.hits("/flaky"), 2);
    // A challenge page and a 403 are "blocked", not "no rating" and not an error.
    assert_eq!(of("/wall")["outcome"], "blocked");
    assert_eq!(of("/forbidden")["outcome"], "blocked");
    assert_eq!(server.hits("/wall"), 1, "a bot wall is not retried");
    assert_eq!(of("/big")["outcome"], "error");
    assert!(stderr.contains("larger than"), "{stderr}");
    // The header's windows-1252 decodes the name; no mojibake.
    assert_eq!(of("/latin1")["entity"]["name"], "Café Épicé");
    assert_eq!(of("/latin1")["value"], 4.5);
    assert_eq!(of("/loop")["outcome"], "error");
    assert!(stderr.contains("redirect loop"), "{stderr}");
    // One host, one request at a time, at least the delay apart.
    assert!(
        server.min_gap().unwrap() >= Duration::from_millis(140),
        "gap {:?}",
        server.min_gap()
    );
}

#[test]
fn the_reviews_check_scores_counts_and_keeps_its_evidence() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    let saved = repo_path("fixtures/reviews/trustpilot-page-data.html");
    std::fs::copy(&saved, scratch.path("trustpilot.html")).unwrap();
    let audit = scratch.write(
        "centricity.toml",
        &format!(
            "[audit]\nname = \"Acme Telecom\"\nsite = \"https://www.acme.example\"\n\n[[check]]\nid = \"ratings\"\nkind = \"reviews\"\ndelay = \"20ms\"\nsources = [\"{}\", \"{}\", \"trustpilot.html\"]\n",
            server.url("/rating"),
            server.url("/wall")
        ),
    );
    let (code, report, stderr) = audit_json(&audit, &[]);
    let ratings = check(&report, "ratings");
    assert_eq!(ratings["status"], "warn", "{ratings}\n{stderr}");
    // 4.6/5 from 1,204 and 3.8/5 from 1,240, shrunk by 7 ratings at 62.5, then 20% public answering.
    let rating = metric(ratings, "rating");
    let expected = (62.5 * 7.0 + 90.0 * 1204.0 + 70.0 * 1240.0) / (7.0 + 1204.0 + 1240.0);
    assert!(
        (rating - expected).abs() < 0.01,
        "rating {rating}, expected {expected}"
    );
    assert_eq!(metric(ratings, "ratings"), 2444.0);
    assert_eq!(metric(ratings, "reply_rate"), 0.425);
    let findings = ratings["findings"].to_string();
    assert!(
        findings.contains("could not be read"),
        "the blocked source is named: {findings}"
    );
    assert!(
        findings.contains("answered 42% of negative reviews"),
        "{findings}"
    );
    assert!(findings.contains("9.3 days"), "{findings}");
    assert_eq!(
        metric(ratings, "one_star_share"),
        0.25,
        "310 of 1,240 reviews give one star"
    );
    assert_eq!(ratings["evidence"].as_array().unwrap().len(), 3);
    // The page fetched is kept by its hash; the observation too, for --offline.
    let pages: Vec<_> = std::fs::read_dir(scratch.path(".centricity/evidence/pages"))
        .unwrap()
        .collect();
    assert_eq!(pages.len(), 1, "only /rating returned a page");
    assert_eq!(
        code, 0,
        "a blocked source is a finding, not an incomplete run"
    );
    let (_, offline, _) = audit_json(&audit, &["--offline"]);
    assert_eq!(check(&offline, "ratings")["score"], ratings["score"]);
    assert_eq!(server.hits("/rating"), 1, "--offline did not fetch again");
}

#[test]
fn self_published_ratings_are_shown_not_scored() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    // The audited company's own site is the loopback server.
    let audit = scratch.write(
        "centricity.toml",
        &format!(
            "[audit]\nname = \"Graph Bakery\"\nsite = \"{}\"\n\n[[check]]\nid = \"ratings\"\nkind = \"reviews\"\ndelay = \"20ms\"\nsources = [\"{}\"]\n",
            server.url("/"),
            server.url("/rating")
        ),
    );
    let (_, report, _) = audit_json(&audit, &[]);
    let ratings = check(&report, "ratings");
    assert_eq!(ratings["score"], Value::Null);
    assert_eq!(ratings["status"], "not_applicable");
    assert!(
        ratings["findings"]
            .to_string()
            .contains("published on the company's own site")
    );
}

#[test]
fn saved_files_are_read_with_their_site_profile_by_address_or_content() {
    // (fixture, profile, why it was chosen, outcome, value)
    let table = [
        (
            "trustpilot-page-data.html",
            "trustpilot",
            "(saved-from mark)",
            "ok",
            Some(3.8),
        ),
        (
            "trustpilot-canonical.html",
            "trustpilot",
            "(canonical link)",
            "ok",
            Some(3.8),
        ),
        (
            "trustpilot-no-address.html",
            "trustpilot",
            "content: Trustpilot (script#__NEXT_DATA__",
            "ok",
            Some(3.8),
        ),
        (
            "app-store-lookup.json",
            "app-store",
            "content: Apple App Store (JSON",
            "ok",
            Some(4.48213),
        ),
        (
            "app-store-not-sold.json",
            "app-store",
            "content: Apple App Store (JSON",
            "no_rating",
            None,
        ),
        (
            "no-rating.html",
            "schema-org",
            "no site's address or content",
            "no_rating",
            None,
        ),
    ];
    let paths = fixture_paths(table.iter().map(|row| row.0));
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let (code, records, stderr) = extract_json("20ms", &args);
    assert_eq!(code, 0, "{stderr}");
    for ((name, profile, why, outcome, value), record) in table.iter().zip(&records) {
        assert_eq!(record["profile"], *profile, "{name}: {record}");
        assert!(
            record["profile_reason"]
                .as_str()
                .unwrap_or("")
                .contains(why),
            "{name}: {record}"
        );
        assert_eq!(record["outcome"], *outcome, "{name}");
        assert_eq!(record["value"].as_f64(), *value, "{name}");
    }
}

#[test]
fn a_robots_txt_behind_a_redirect_is_followed() {
    use std::io::{Read, Write};
    // A host whose /robots.txt moved (as http → https often does): the rules are where it points.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 2048];
            let n = stream.read(&mut request).unwrap_or(0);
            let path = String::from_utf8_lossy(&request[..n])
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .to_string();
            let (status, extra, body) = match path.as_str() {
                "/robots.txt" => (
                    "301 Moved",
                    "Location: /moved/robots.txt\r\n",
                    String::new(),
                ),
                "/moved/robots.txt" => ("200 OK", "", "User-agent: *\nDisallow: /private\n".into()),
                _ => (
                    "200 OK",
                    "Content-Type: text/html\r\n",
                    std::fs::read_to_string(repo_path(
                        "fixtures/reviews/jsonld-graph-references.html",
                    ))
                    .unwrap(),
                ),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let (_, records, stderr) = extract_json(
        "5ms",
        &[&format!("{base}/rating"), &format!("{base}/private/rating")],
    );
    assert_eq!(records[0]["outcome"], "ok", "{stderr}");
    assert_eq!(records[1]["outcome"], "error", "{stderr}");
    assert!(stderr.contains("disallowed by robots.txt"), "{stderr}");
}

#[test]
fn a_user_profile_recognises_a_platform_by_its_generator() {
    let scratch = Scratch::new();
    scratch.write(
        "sites/shopreviews.toml",
        "id = \"shopreviews\"\nname = \"Shop Reviews\"\nmatch = [\"https://reviews.shop.example/*\"]\n\
         generator = \"shopreviews\"\nmarkup = false\n[fields]\nvalue = { selector = \".score\" }\n",
    );
    let page = |generator: &str| {
        format!(
            "<html><head><meta NAME=\"Generator\" content=\"{generator}\"></head>\
             <body><span class=\"score\">4.6</span></body></html>"
        )
    };
    let theirs = scratch.write("theirs.html", &page("ShopReviews 4.2"));
    let other = scratch.write("other.html", &page("WordPress 6.1"));
    let sites = scratch.path("sites");
    let args = [
        "--sites",
        sites.to_str().unwrap(),
        theirs.to_str().unwrap(),
        other.to_str().unwrap(),
    ];
    let (code, records, stderr) = extract_json("20ms", &args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(records[0]["profile"], "shopreviews", "{}", records[0]);
    assert_eq!(
        records[0]["profile_reason"],
        "content: Shop Reviews (generator \"ShopReviews 4.2\")"
    );
    assert_eq!(records[0]["value"].as_f64(), Some(4.6));
    // Another generator is not theirs: the generic profile finds no markup rating.
    assert_eq!(records[1]["profile"], "schema-org", "{}", records[1]);
    assert_eq!(records[1]["outcome"], "no_rating");
}

#[test]
fn fetchers_of_one_process_share_each_hosts_pace_and_robots_txt() {
    use centricity::net::fetch::{Fetcher, Policy};
    let server = TestServer::start();
    let policy = || Policy {
        delay: Duration::from_millis(400),
        ..Policy::default()
    };
    // Two checks (or two companies of a portfolio) reading one review platform at once.
    let (first, second) = (
        Fetcher::new(policy()).unwrap(),
        Fetcher::new(policy()).unwrap(),
    );
    let page: url::Url = server.url("/delay/1").parse().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let started = std::time::Instant::now();
    runtime.block_on(async {
        tokio::join!(first.get(&page), second.get(&page));
    });
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "the second request did not wait for the host's pace: {:?}",
        started.elapsed()
    );
    assert_eq!(
        server.hits("/robots.txt"),
        1,
        "robots.txt read by each fetcher"
    );
    assert_eq!(server.hits("/delay/1"), 2);
}

#[test]
fn ratings_that_cannot_be_true_are_invalid_records_with_their_reason() {
    let paths = fixture_paths(["implausible-value.html", "implausible-count.html"].into_iter());
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let (code, records, stderr) = extract_json("20ms", &args);
    assert_eq!(code, 0, "a page read is a page read: {stderr}");
    assert_eq!(records.len(), 2, "{records:#?}");
    for (record, (entity, reason)) in records.iter().zip([
        (
            "Minus Five Ltd",
            "ratingValue -5 is outside its scale of 1 to 5",
        ),
        (
            "Acme Telecom",
            "ratingCount 1e300 is more than any platform has",
        ),
    ]) {
        assert_eq!(record["outcome"], "invalid", "{record:#}");
        assert_eq!(record["entity"]["name"], entity, "{record:#}");
        assert!(
            record["reason"]
                .as_str()
                .is_some_and(|r| r.contains(reason)),
            "{record:#}"
        );
        // Never a rating: no value, nothing normalised.
        assert_eq!(
            (&record["value"], &record["normalized"]),
            (&Value::Null, &Value::Null),
            "{record:#}"
        );
    }
    let table = centricity()
        .args(["reviews", "extract", "--delay", "20ms"])
        .args(&args)
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("invalid: ratingValue -5"), "{table}");
}

#[test]
fn an_implausible_source_cannot_drown_the_real_one_and_is_a_finding() {
    let scratch = Scratch::new();
    for name in ["plausible-2000.html", "implausible-count.html"] {
        std::fs::copy(
            repo_path(&format!("fixtures/reviews/{name}")),
            scratch.path(name),
        )
        .unwrap();
    }
    let audit = scratch.write(
        "centricity.toml",
        "[audit]\nname = \"Acme Telecom\"\nsite = \"https://www.acme.example\"\n\n[[check]]\nid = \"ratings\"\nkind = \"reviews\"\nsources = [\"plausible-2000.html\", \"implausible-count.html\"]\n",
    );
    let (_, report, stderr) = audit_json(&audit, &["--no-store"]);
    let ratings = check(&report, "ratings");
    // 4.5/5 from 2,000, shrunk by 7 ratings at 62.5; the 1 star "from 1e300" is not in it.
    let expected = (62.5 * 7.0 + 87.5 * 2000.0) / 2007.0;
    let rating = metric(ratings, "rating");
    assert!(
        (rating - expected).abs() < 0.01,
        "rating {rating}, expected {expected}\n{stderr}"
    );
    assert_eq!(metric(ratings, "ratings"), 2000.0);
    let findings = ratings["findings"].as_array().unwrap();
    let invalid: Vec<&Value> = findings
        .iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .is_some_and(|m| m.contains("cannot be true"))
        })
        .collect();
    assert_eq!(invalid.len(), 1, "{findings:#?}");
    let message = invalid[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("implausible-count.html"), "{message}");
    assert!(message.contains("ratingCount 1e300"), "{message}");
    assert!(
        invalid[0]["recommendation"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
}

#[test]
fn a_platforms_own_data_stating_the_impossible_is_invalid_not_a_rating() {
    use centricity::extract::Implausible;
    use centricity::extract::plausible::RatingField;
    let url = "https://www.trustpilot.com/review/acme.example";
    let text =
        std::fs::read_to_string(repo_path("fixtures/reviews/trustpilot-page-data.html")).unwrap();
    for (from, to, reason) in [
        (
            "\"numberOfReviews\": 1240",
            "\"numberOfReviews\": 1e300",
            Implausible::CountTooLarge {
                field: RatingField::RatingCount,
                count: 1e300,
            },
        ),
        (
            "\"trustScore\": 3.8",
            "\"trustScore\": -3.8",
            Implausible::OutOfScale {
                value: -3.8,
                worst: 1.0,
                best: 5.0,
            },
        ),
    ] {
        assert!(text.contains(from), "{from}");
        let page = Profiles::shipped()
            .for_url(url)
            .apply(url, &text.replacen(from, to, 1))
            .page;
        assert_eq!(
            page.invalid.first().map(|i| &i.reason),
            Some(&reason),
            "{to}: {page:#?}"
        );
        assert!(
            page.ratings
                .iter()
                .all(|r| r.votes().is_some_and(|n| n < 1_000_000) && r.value > 0.0),
            "{to}: {:#?}",
            page.ratings
        );
    }
}
