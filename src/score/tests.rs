//! Table tests for the scoring rules: each case builds observations by hand
//! and asserts the numbers a broken rule would get wrong.

use std::path::PathBuf;

use chrono::{DateTime, Duration as Span, FixedOffset};

use super::*;
use crate::audit::{Audit, CheckSpec, ScoringConfig};
use crate::kinds::exec::PluginReport;
use crate::kinds::http::{HttpObservation, Sample, SampleOutcome};
use crate::kinds::mystery_log::Contact;
use crate::kinds::{CheckParams, exec, http, mystery_log};

fn t0() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-20T09:00:00+01:00").unwrap()
}

fn times(interrupted: bool) -> RunTimes {
    RunTimes {
        started_at: t0(),
        finished_at: t0(),
        interrupted,
    }
}

fn audit(checks: Vec<CheckSpec>) -> Audit {
    Audit {
        file: PathBuf::from("a.toml"),
        dir: PathBuf::from("."),
        name: "Acme".into(),
        site: None,
        evidence_dir: PathBuf::from("evidence"),
        scoring: ScoringConfig::default(),
        thresholds: Default::default(),
        checks,
    }
}

fn spec(id: &str, category: Category, weight: f64, params: CheckParams) -> CheckSpec {
    CheckSpec {
        id: id.into(),
        title: None,
        category,
        weight,
        timeout: None,
        params,
    }
}

fn plugin_spec(id: &str, category: Category, weight: f64, channel: Option<&str>) -> CheckSpec {
    spec(
        id,
        category,
        weight,
        CheckParams::Exec(exec::Params {
            command: vec!["x".into()],
            channel: channel.map(str::to_string),
        }),
    )
}

fn plugin(score: Option<f64>) -> Outcome {
    Outcome::Observed(Observation::Exec(PluginReport {
        score,
        status: None,
        metrics: vec![],
        findings: vec![],
        evidence: vec![],
    }))
}

/// Scores a complete (not interrupted) run of `checks`.
fn score(checks: Vec<CheckSpec>, runs: &[CheckRun]) -> Report {
    score_run(
        &audit(checks),
        runs,
        times(false),
        crate::benchmarks::shipped(),
    )
}

/// Scores one mystery-log check over `contacts`.
fn score_log(contacts: Vec<Contact>) -> Report {
    let params = CheckParams::MysteryLog(mystery_log::Params {
        file: "log.csv".into(),
        contacts: vec![],
    });
    let outcome = Outcome::Observed(Observation::MysteryLog(
        mystery_log::MysteryLogObservation {
            file: "log.csv".into(),
            contacts,
        },
    ));
    score(
        vec![spec("log", Category::Responsiveness, 1.0, params)],
        &[run(outcome)],
    )
}

fn run(outcome: Outcome) -> CheckRun {
    CheckRun {
        outcome,
        duration_ms: 1,
    }
}

fn http_params(channel: &str) -> http::Params {
    http::Params {
        url: "http://127.0.0.1/".parse().unwrap(),
        channel: channel.into(),
        samples: 2,
        method: hyper::Method::GET,
        expect_status: None,
        body_contains: None,
        max_time: None,
    }
}

fn response(status: u16, ttfb: f64) -> Sample {
    Sample {
        observed_at: t0(),
        outcome: SampleOutcome::Response {
            status,
            final_url: "http://127.0.0.1/".into(),
            redirects: 0,
            dns_s: 0.0,
            connect_s: 0.001,
            tls_s: 0.0,
            ttfb_s: ttfb,
            total_s: ttfb,
            body_matched: None,
        },
    }
}

fn contact(channel: &str, id: &str, human_after: Option<i64>) -> Contact {
    Contact {
        row: 2,
        channel: channel.into(),
        contact_id: id.into(),
        sent_at: t0(),
        first_response_at: None,
        first_human_response_at: human_after.map(|s| t0() + Span::seconds(s)),
        resolved_at: None,
        outcome: None,
        notes: None,
    }
}

fn category(report: &Report, id: Category) -> &CategoryReport {
    report.categories.iter().find(|c| c.id == id).unwrap()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 0.051)
}

#[test]
fn category_is_the_weighted_mean_of_its_checks() {
    // (weights, scores, expected category score)
    let table: [(&[f64], &[f64], f64); 3] = [
        (&[1.0, 3.0], &[40.0, 80.0], 70.0),
        (&[1.0, 1.0], &[0.0, 100.0], 50.0),
        (&[2.0, 0.0], &[30.0, 100.0], 30.0),
    ];
    for (weights, scores, expected) in table {
        let checks = weights
            .iter()
            .enumerate()
            .map(|(i, w)| plugin_spec(&format!("c{i}"), Category::Feedback, *w, None))
            .collect();
        let runs: Vec<CheckRun> = scores.iter().map(|s| run(plugin(Some(*s)))).collect();
        let report = score(checks, &runs);
        let feedback = category(&report, Category::Feedback);
        assert!(
            close(feedback.score, expected),
            "{weights:?} {scores:?} → {:?}",
            feedback.score
        );
        assert_eq!(feedback.coverage, 1.0);
    }
}

#[test]
fn overall_is_weighted_over_categories_that_could_be_scored() {
    let checks = vec![
        plugin_spec("fb", Category::Feedback, 1.0, None), // weight 20
        plugin_spec("rep", Category::Reputation, 1.0, None), // weight 25
    ];
    let runs = vec![run(plugin(Some(50.0))), run(plugin(Some(95.0)))];
    let report = score(checks, &runs);
    // (50·20 + 95·25) / 45 = 75.0; responsiveness, reach and frontline have no checks and do not count as 0.
    assert!(close(report.score, 75.0), "{:?}", report.score);
    assert_eq!(report.grade, Some(Grade::InTransition));
    let reach = category(&report, Category::Reach);
    assert_eq!(reach.score, None);
    assert_eq!(reach.coverage, 0.0);
    assert!(reach.findings[0].message.starts_with("Not assessed"));
    assert!(
        report.complete,
        "a category nobody configured does not make the run incomplete"
    );
}

#[test]
fn an_errored_check_is_null_lowers_coverage_and_marks_the_run_incomplete() {
    let checks = vec![
        plugin_spec("ok", Category::Frontline, 1.0, None),
        plugin_spec("broken", Category::Frontline, 3.0, None),
    ];
    let runs = vec![
        run(plugin(Some(80.0))),
        run(Outcome::Failed(CheckError::Plugin("exit 1".into()))),
    ];
    let report = score(checks, &runs);
    let frontline = category(&report, Category::Frontline);
    assert!(
        close(frontline.score, 80.0),
        "the error is not averaged in as 0"
    );
    assert_eq!(frontline.coverage, 0.25);
    assert!(!report.complete);
    let broken = &report.checks[1];
    assert_eq!((broken.status, broken.score), (Status::Error, None));
    assert_eq!(broken.error.as_deref(), Some("plug-in failed: exit 1"));
}

#[test]
fn nothing_scored_gives_a_null_overall() {
    let checks = vec![plugin_spec("a", Category::Reach, 1.0, None)];
    let runs = vec![run(Outcome::Failed(CheckError::Timeout(
        std::time::Duration::from_secs(3),
    )))];
    let report = score(checks, &runs);
    assert_eq!((report.score, report.grade), (None, None));
    let coverage = category(&report, Category::Reach).coverage;
    assert_eq!(
        format!("{:.0}%", coverage * 100.0),
        "0%",
        "never shown as -0%"
    );
    assert_eq!(
        report.checks[0].error.as_deref(),
        Some("timed out after 3s")
    );
}

#[test]
fn skipped_checks_neither_count_nor_make_the_run_incomplete() {
    let checks = vec![
        plugin_spec("a", Category::Reach, 1.0, None),
        plugin_spec("b", Category::Reach, 1.0, None),
    ];
    let runs = vec![run(plugin(Some(60.0))), run(Outcome::Skipped)];
    let report = score(checks, &runs);
    assert_eq!(category(&report, Category::Reach).coverage, 1.0);
    assert_eq!(report.checks[1].status, Status::Skipped);
    assert!(report.complete);
}

#[test]
fn an_interrupted_run_is_incomplete() {
    let checks = vec![plugin_spec("a", Category::Reach, 1.0, None)];
    let report = score_run(
        &audit(checks),
        &[run(plugin(Some(60.0)))],
        times(true),
        crate::benchmarks::shipped(),
    );
    assert!(!report.complete);
}

#[test]
fn responsiveness_is_capped_until_two_channels_answer() {
    // (channels of two plug-in checks, both scoring 95) → expected category score
    let table: [(&[&str], f64, bool); 3] = [
        (&["web", "web"], 60.0, true),
        (&["web", "phone"], 95.0, false),
        (&["email", "chat"], 95.0, false),
    ];
    for (channels, expected, capped) in table {
        let checks = channels
            .iter()
            .enumerate()
            .map(|(i, ch)| plugin_spec(&format!("c{i}"), Category::Responsiveness, 1.0, Some(ch)))
            .collect();
        let runs = vec![run(plugin(Some(95.0))), run(plugin(Some(95.0)))];
        let report = score(checks, &runs);
        let resp = category(&report, Category::Responsiveness);
        assert!(
            close(resp.score, expected),
            "{channels:?} → {:?}",
            resp.score
        );
        assert_eq!(
            resp.findings
                .iter()
                .any(|f| f.message.contains("two distinct channels")),
            capped,
            "{channels:?}"
        );
    }
}

#[test]
fn responsiveness_shows_each_channel_across_checks_with_its_unanswered_contacts() {
    let log = CheckParams::MysteryLog(mystery_log::Params {
        file: "log.csv".into(),
        contacts: vec![],
    });
    let checks = vec![
        spec("log", Category::Responsiveness, 1.0, log),
        plugin_spec("phone-bot", Category::Responsiveness, 3.0, Some("phone")),
        spec(
            "page",
            Category::Responsiveness,
            1.0,
            CheckParams::Http(http_params("help")),
        ),
    ];
    let runs = [
        run(Outcome::Observed(Observation::MysteryLog(
            mystery_log::MysteryLogObservation {
                file: "log.csv".into(),
                // Phone p10 is 20 s (90); the second call never reached a person (0): 45 for the log.
                contacts: vec![
                    contact("phone", "P1", Some(20)),
                    contact("phone", "P2", None),
                ],
            },
        ))),
        run(plugin(Some(85.0))),
        run(Outcome::Observed(Observation::Http(HttpObservation {
            url: "http://127.0.0.1/".into(),
            samples: vec![response(500, 0.1)],
        }))),
    ];
    let report = score(checks, &runs);
    let channels = &category(&report, Category::Responsiveness).channels;
    let names: Vec<&str> = channels.iter().map(|c| c.channel.as_str()).collect();
    assert_eq!(names, ["phone", "web"]);
    let phone = &channels[0];
    // Weighted by check: (45 × 1 + 85 × 3) / 4 = 75.
    assert!(close(Some(phone.score), 75.0), "{phone:?}");
    assert_eq!((phone.contacts, phone.unanswered), (Some(2), Some(1)));
    assert_eq!(phone.checks, ["log", "phone-bot"]);
    assert!(phone.answered);
    // A help centre is the web channel; its only sample failed, so nothing answered there.
    let web = &channels[1];
    assert_eq!((web.answered, web.contacts, web.score), (false, None, 0.0));
    assert!(category(&report, Category::Reach).channels.is_empty());
}

#[test]
fn a_low_single_channel_score_is_not_raised_by_the_cap() {
    let checks = vec![plugin_spec("c", Category::Responsiveness, 1.0, Some("web"))];
    let report = score(checks, &[run(plugin(Some(30.0)))]);
    assert!(close(
        category(&report, Category::Responsiveness).score,
        30.0
    ));
}

#[test]
fn mystery_log_counts_unanswered_contacts_as_zero() {
    // Phone p10 is 20 s (scores 90); the second call never reached a person.
    let contacts = vec![
        contact("phone", "P1", Some(20)),
        contact("phone", "P2", None),
    ];
    let report = score_log(contacts);
    let check = &report.checks[0];
    assert!(close(check.score, 45.0), "{:?}", check.score);
    let metric = |name: &str| {
        check
            .metrics
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.value)
    };
    assert_eq!(metric("phone.contacts"), Some(2.0));
    assert_eq!(metric("phone.response_rate"), Some(0.5));
    assert_eq!(metric("phone.first_human_response_median"), Some(20.0));
    assert!(
        check
            .findings
            .iter()
            .any(|f| f.message == "1 of 2 phone contacts never reached a person.")
    );
    assert_eq!(check.evidence.len(), 2);
    assert_eq!(check.evidence[0].source, "log.csv row 2 (P1)");
}

#[test]
fn resolution_rate_is_reported_per_channel_from_the_outcomes() {
    let with = |id: &str, outcome: Option<&str>| Contact {
        outcome: outcome.map(str::to_string),
        ..contact("phone", id, Some(20))
    };
    let contacts = vec![
        with("P1", Some("resolved")),
        with("P2", Some("partially_resolved")),
        with("P3", Some("unresolved")),
        with("P4", Some("resolved")),
        // Not a resolution outcome: not counted either way.
        with("P5", Some("callback")),
        with("P6", None),
    ];
    let report = score_log(contacts);
    let check = &report.checks[0];
    let rate = check
        .metrics
        .iter()
        .find(|m| m.name == "phone.resolution_rate")
        .map(|m| m.value);
    assert_eq!(rate, Some(0.5));
    // Below the usual 70 %: said; the score is about people answering, so it does not move.
    assert!(
        check
            .findings
            .iter()
            .any(|f| f.message.contains("50 % of 4 contacts"))
    );
    assert!(close(check.score, 90.0), "{:?}", check.score);
    let none = score_log(vec![contact("chat", "C1", Some(30))]);
    assert!(
        none.checks[0]
            .metrics
            .iter()
            .all(|m| !m.name.ends_with("resolution_rate"))
    );
}

#[test]
fn mystery_log_scores_each_channel_on_its_own_curve() {
    // E-mail at its median (12 h) scores 50; chat at its p10 (30 s) scores 90; mean 70.
    let contacts = vec![
        contact("email", "E1", Some(12 * 3600)),
        contact("chat", "C1", Some(30)),
    ];
    let report = score_log(contacts);
    assert!(
        close(report.checks[0].score, 70.0),
        "{:?}",
        report.checks[0].score
    );
    // Two channels answered: no cap.
    assert!(close(
        category(&report, Category::Responsiveness).score,
        70.0
    ));
}

#[test]
fn http_samples_that_fail_score_zero_and_count_against_availability() {
    let checks = vec![spec(
        "page",
        Category::Responsiveness,
        1.0,
        CheckParams::Http(http_params("web")),
    )];
    // 0.8 s is the web p10: 90. A 500 scores 0 whatever its speed.
    let obs = HttpObservation {
        url: "http://127.0.0.1/".into(),
        samples: vec![response(200, 0.8), response(500, 0.1)],
    };
    let report = score(checks, &[run(Outcome::Observed(Observation::Http(obs)))]);
    let check = &report.checks[0];
    assert!(close(check.score, 45.0), "{:?}", check.score);
    let availability = check
        .metrics
        .iter()
        .find(|m| m.name == "availability")
        .unwrap()
        .value;
    assert_eq!(availability, 0.5);
    assert!(
        check
            .findings
            .iter()
            .any(|f| f.message.contains("failed: status 500"))
    );
}

#[test]
fn http_conditions_fail_samples() {
    let mut params = http_params("web");
    params.expect_status = Some(404);
    params.max_time = Some(std::time::Duration::from_millis(500));
    let checks = vec![spec(
        "page",
        Category::Responsiveness,
        1.0,
        CheckParams::Http(params),
    )];
    // 404 expected: the first meets it and is fast; the second is 200 (wrong) and the third too slow.
    let obs = HttpObservation {
        url: "http://127.0.0.1/".into(),
        samples: vec![response(404, 0.2), response(200, 0.2), response(404, 0.9)],
    };
    let report = score(checks, &[run(Outcome::Observed(Observation::Http(obs)))]);
    let availability = report.checks[0]
        .metrics
        .iter()
        .find(|m| m.name == "availability")
        .unwrap()
        .value;
    assert!((availability - 1.0 / 3.0).abs() < 1e-9);
}

#[test]
fn http_with_no_response_at_all_is_an_error_not_a_zero() {
    let checks = vec![spec(
        "page",
        Category::Responsiveness,
        1.0,
        CheckParams::Http(http_params("web")),
    )];
    let failed = Sample {
        observed_at: t0(),
        outcome: SampleOutcome::Failed {
            reason: "connection refused".into(),
        },
    };
    let obs = HttpObservation {
        url: "http://127.0.0.1/".into(),
        samples: vec![failed.clone(), failed],
    };
    let report = score(checks, &[run(Outcome::Observed(Observation::Http(obs)))]);
    let check = &report.checks[0];
    assert_eq!((check.status, check.score), (Status::Error, None));
    assert!(
        check
            .error
            .as_deref()
            .unwrap()
            .contains("connection refused")
    );
}

#[test]
fn plugin_without_a_score_is_an_error_unless_it_says_why() {
    let checks = vec![
        plugin_spec("p", Category::Reach, 1.0, None),
        plugin_spec("q", Category::Reach, 1.0, None),
    ];
    let not_applicable = Outcome::Observed(Observation::Exec(PluginReport {
        score: None,
        status: Some(Status::NotApplicable),
        metrics: vec![],
        findings: vec![],
        evidence: vec![],
    }));
    let report = score(checks, &[run(plugin(None)), run(not_applicable)]);
    assert_eq!(report.checks[0].status, Status::Error);
    assert_eq!(report.checks[1].status, Status::NotApplicable);
}
