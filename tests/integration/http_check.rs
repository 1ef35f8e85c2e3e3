//! The `http` check against a real server on 127.0.0.1: delays, errors,
//! timeouts, redirects, and saved evidence for `--offline`.

use std::time::{Duration, Instant};

use crate::common::{Scratch, TestServer, audit_json, check, metric};

fn http_check(id: &str, url: &str, extra: &str) -> String {
    format!("[[check]]\nid = \"{id}\"\nkind = \"http\"\nurl = \"{url}\"\nsamples = 3\n{extra}\n")
}

#[test]
fn samples_a_healthy_page_and_reports_phase_timings() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    let audit = scratch.audit(&http_check(
        "page",
        &server.url("/ok"),
        "body_contains = \"Contact us\"",
    ));
    let (code, report, stderr) = audit_json(&audit, &[]);
    let page = check(&report, "page");
    assert_eq!(page["status"], "pass", "{stderr}\n{page}");
    assert_eq!(server.hits("/ok"), 3, "one request per sample");
    assert_eq!(metric(page, "availability"), 1.0);
    assert!(metric(page, "ttfb_p50") > 0.0 && metric(page, "ttfb_p50") < 0.5);
    assert!(
        metric(page, "connect_p50") > 0.0,
        "connect time measured on the connection used"
    );
    assert_eq!(metric(page, "tls_p50"), 0.0, "no TLS on http://");
    assert_eq!(page["evidence"].as_array().unwrap().len(), 3);
    // One channel only: responsiveness is capped and says why.
    let resp = &report["categories"][0];
    assert!(
        resp["findings"]
            .to_string()
            .contains("two distinct channels")
    );
    assert_eq!(code, 0);
}

#[test]
fn a_slow_page_scores_lower_than_a_fast_one() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    let audit = scratch.audit(&format!(
        "{}{}",
        http_check("fast", &server.url("/ok"), ""),
        http_check("slow", &server.url("/delay/1500"), "")
    ));
    let (_, report, _) = audit_json(&audit, &[]);
    let (fast, slow) = (check(&report, "fast"), check(&report, "slow"));
    assert!(metric(slow, "ttfb_p50") >= 1.5, "{slow}");
    assert!(metric(slow, "total_p50") >= metric(slow, "ttfb_p50"));
    let (fast_score, slow_score) = (
        fast["score"].as_f64().unwrap(),
        slow["score"].as_f64().unwrap(),
    );
    assert!(
        fast_score > 95.0 && slow_score < 75.0,
        "fast {fast_score}, slow {slow_score}"
    );
    assert!(
        slow["findings"]
            .to_string()
            .contains("slower than the benchmark median")
            || slow_score > 50.0
    );
}

#[test]
fn server_errors_are_measured_failures_not_check_errors() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    let audit = scratch.audit(&http_check("broken", &server.url("/status/500"), ""));
    let (code, report, _) = audit_json(&audit, &[]);
    let broken = check(&report, "broken");
    assert_eq!(broken["status"], "fail");
    assert_eq!(broken["score"], 0.0);
    assert_eq!(metric(broken, "availability"), 0.0);
    assert!(
        broken["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("3 of 3 samples")
    );
    assert_eq!(code, 0, "the run is complete: the page answered, badly");
}

#[test]
fn expected_status_and_max_time_are_conditions() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    let audit = scratch.audit(&format!(
        "{}{}",
        http_check("gone", &server.url("/status/410"), "expect_status = 410"),
        http_check(
            "too-slow",
            &server.url("/delay/400"),
            "max_time = \"100ms\""
        )
    ));
    let (_, report, _) = audit_json(&audit, &[]);
    assert_eq!(metric(check(&report, "gone"), "availability"), 1.0);
    let slow = check(&report, "too-slow");
    assert_eq!(metric(slow, "availability"), 0.0);
    assert!(
        slow["findings"]
            .to_string()
            .contains("slower than max_time 100ms")
    );
}

#[test]
fn a_page_that_never_answers_times_out_as_a_check_error() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    let audit = scratch.audit(&format!(
        "{}{}",
        http_check("hangs", &server.url("/hang"), "timeout = \"1500ms\""),
        http_check("fine", &server.url("/ok"), "")
    ));
    let start = Instant::now();
    let (code, report, stderr) = audit_json(&audit, &[]);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "the hang was not bounded"
    );
    let hangs = check(&report, "hangs");
    assert_eq!(hangs["status"], "error");
    // Each of the 3 samples waits its share of what is left before wrapping up (1350 ms).
    let error = hangs["error"].as_str().unwrap();
    let waited = error
        .split_once("got an HTTP response: timed out after ")
        .and_then(|(_, rest)| rest.split_once("ms (its share of the check's 1s 500ms timeout)"))
        .and_then(|(ms, _)| ms.parse::<u64>().ok())
        .unwrap_or_else(|| panic!("{hangs}"));
    assert!((400..=450).contains(&waited), "{hangs}");
    assert_eq!(
        check(&report, "fine")["status"],
        "pass",
        "the other check still ran"
    );
    assert_eq!(report["complete"], false);
    assert_eq!(code, 4);
    assert!(stderr.contains("incomplete: hangs"));
}

#[test]
fn redirects_are_followed_and_counted() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    let audit = scratch.audit(&http_check(
        "moved",
        &server.url("/redirect"),
        "body_contains = \"Contact us\"",
    ));
    let (_, report, _) = audit_json(&audit, &[]);
    let moved = check(&report, "moved");
    assert_eq!(moved["status"], "pass", "{moved}");
    assert_eq!(server.hits("/ok"), 3);
    let evidence = &moved["evidence"][0];
    assert_eq!(evidence["source"], server.url("/ok"));
    assert!(evidence["excerpt"].as_str().unwrap().contains("1 redirect"));
}

#[test]
fn redirect_loops_refused_connections_and_tls_failures_are_errors_with_reasons() {
    let server = TestServer::start();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let scratch = Scratch::new();
    let audit = scratch.audit(&format!(
        "{}{}",
        http_check("loop", &server.url("/loop"), ""),
        http_check("refused", &format!("http://{closed}/"), "")
    ));
    let (code, report, _) = audit_json(&audit, &[]);
    assert!(
        check(&report, "loop")["error"]
            .as_str()
            .unwrap()
            .contains("more than 10 redirects")
    );
    assert!(
        check(&report, "refused")["error"]
            .as_str()
            .unwrap()
            .contains("cannot connect to")
    );
    assert_eq!(report["score"], serde_json::Value::Null);
    assert_eq!(code, 1, "nothing could be scored");
}

#[test]
fn offline_rescores_from_the_evidence_an_online_run_saved() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    let audit = scratch.audit(&http_check("page", &server.url("/delay/200"), ""));
    let (_, online, _) = audit_json(&audit, &[]);
    assert!(scratch.path(".centricity/evidence/page.json").exists());
    let hits = server.hits("/delay/200");
    let (code, offline, _) = audit_json(&audit, &["--offline"]);
    assert_eq!(
        server.hits("/delay/200"),
        hits,
        "--offline must not touch the network"
    );
    assert_eq!(code, 0);
    assert_eq!(
        check(&offline, "page")["score"],
        check(&online, "page")["score"]
    );
    assert_eq!(
        check(&offline, "page")["metrics"],
        check(&online, "page")["metrics"]
    );
}

#[test]
fn offline_without_saved_evidence_says_how_to_get_it() {
    let scratch = Scratch::new();
    let audit = scratch.audit(&http_check("page", "http://127.0.0.1:9/", ""));
    let (code, report, _) = audit_json(&audit, &["--offline"]);
    assert!(
        check(&report, "page")["error"]
            .as_str()
            .unwrap()
            .contains("run the audit once without --offline")
    );
    assert_eq!(code, 1);
}

#[test]
fn checks_run_concurrently_up_to_the_limit() {
    // (--concurrency, what the server may see at once)
    // (--concurrency, the fewest and most requests the server may see at once)
    for (limit, fewest, most) in [(1usize, 1usize, 1usize), (3, 2, 3)] {
        let server = TestServer::start();
        let scratch = Scratch::new();
        let checks: String = (0..6)
            .map(|i| {
                format!(
                    "[[check]]\nid = \"c{i}\"\nkind = \"http\"\nurl = \"{}\"\nsamples = 1\n",
                    server.url("/delay/600")
                )
            })
            .collect();
        let audit = scratch.audit(&checks);
        let (_, report, _) = audit_json(&audit, &["--concurrency", &limit.to_string()]);
        assert_eq!(report["checks"].as_array().unwrap().len(), 6);
        // 600 ms requests started together overlap (a loaded machine may stagger some starts,
        // hence "at least two"); the limit is never exceeded; one at a time never overlap.
        let seen = server.max_in_flight();
        assert!(
            (fewest..=most).contains(&seen),
            "--concurrency {limit}: {seen} at once"
        );
    }
}

#[test]
fn a_failed_attempt_never_replaces_evidence_that_scored() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    let audit = scratch.audit(&http_check("page", &server.url("/delay/50"), ""));
    let (_, online, _) = audit_json(&audit, &[]);
    let saved = scratch.path(".centricity/evidence/page.json");
    let good = std::fs::read(&saved).unwrap();
    // The same check online while its site is down: the run reports the failure…
    let dead = scratch.audit(&http_check("page", "http://127.0.0.1:9/", ""));
    let (_, failed, stderr) = audit_json(&dead, &[]);
    assert_eq!(check(&failed, "page")["status"], "error");
    assert!(
        stderr.contains("kept the saved evidence of `page`"),
        "{stderr}"
    );
    // …but the evidence an offline run reads is still the good one, the attempt beside it.
    assert_eq!(std::fs::read(&saved).unwrap(), good);
    assert!(
        scratch
            .path(".centricity/evidence/page.failed.json")
            .exists()
    );
    let (_, offline, _) = audit_json(&dead, &["--offline"]);
    assert_eq!(
        check(&offline, "page")["score"],
        check(&online, "page")["score"]
    );
}
