//! Table tests for the scoring rules: each case builds observations by hand
//! and asserts the numbers a broken rule would get wrong.

use std::path::PathBuf;

use super::*;
use crate::audit::{Audit, CheckSpec, ScoringConfig};
use crate::channel::Channel;
use crate::kind::contacts::tests::{contact, t0};
use crate::kinds::exec::PluginReport;
use crate::kinds::http::HttpObservation;
use crate::kinds::http::score::tests::{http_params, response};
use crate::kinds::{CheckParams, exec, mystery_log};

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
        id: None,
        site: None,
        auditor: None,
        evidence_dir: PathBuf::from("evidence"),
        scoring: ScoringConfig::default(),
        thresholds: Default::default(),
        presentation: Default::default(),
        checks,
        actions: None,
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
            channel: channel.map(Channel::new),
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

fn run(outcome: Outcome) -> CheckRun {
    CheckRun {
        outcome,
        duration_ms: 1,
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

/// Three fast pages beside three slow people: (channel, score) of each responsiveness check.
const PAGES_AND_PEOPLE: [(&str, f64); 6] = [
    ("web", 100.0),
    ("web", 100.0),
    ("web", 100.0),
    ("phone", 15.0),
    ("chat", 14.0),
    ("email", 22.0),
];

fn pages_and_people(scoring: ScoringConfig) -> Report {
    let checks = PAGES_AND_PEOPLE
        .iter()
        .enumerate()
        .map(|(i, (ch, _))| plugin_spec(&format!("c{i}"), Category::Responsiveness, 1.0, Some(ch)))
        .collect();
    let runs: Vec<CheckRun> = PAGES_AND_PEOPLE
        .iter()
        .map(|(_, s)| run(plugin(Some(*s))))
        .collect();
    let mut audit = audit(checks);
    audit.scoring = scoring;
    score_run(&audit, &runs, times(false), crate::benchmarks::shipped())
}

#[test]
fn responsiveness_gives_each_channel_one_voice_and_pages_half_of_one() {
    // By check, the pages would carry 300 of 351 points: 58.5. By channel, with the web at
    // half a voice (checks/benchmarks.toml): (100 × 0.5 + 15 + 14 + 22) / 3.5 = 28.9.
    let report = pages_and_people(ScoringConfig::default());
    let resp = category(&report, Category::Responsiveness);
    assert!(close(resp.score, 28.9), "{:?}", resp.score);
    let web = resp.channels.iter().find(|c| c.channel.as_str() == "web");
    assert_eq!(web.map(|c| (c.score, c.weight)), Some((100.0, 0.5)));
    // The audit file can give the web a full voice: (100 + 15 + 14 + 22) / 4 = 37.75.
    let mut scoring = ScoringConfig::default();
    scoring.channel_weights.insert("web".into(), 1.0);
    let resp = category(&pages_and_people(scoring), Category::Responsiveness).clone();
    assert!(close(resp.score, 37.8), "{:?}", resp.score);
}

#[test]
fn the_overall_carries_its_coverage_and_is_provisional_when_little_was_assessed() {
    // Only responsiveness (weight 30 of 100 by default) was measured.
    let report = pages_and_people(ScoringConfig::default());
    assert_eq!(report.coverage, Some(0.3));
    assert_eq!(report.confidence, Some(Confidence::Low));
    assert!(report.provisional);
    // Every category measured in full: high confidence, a grade that stands.
    let checks = Category::ALL
        .iter()
        .map(|c| plugin_spec(c.id(), *c, 1.0, Some("phone")))
        .collect();
    let runs: Vec<CheckRun> = Category::ALL
        .iter()
        .map(|_| run(plugin(Some(80.0))))
        .collect();
    let full = score(checks, &runs);
    assert_eq!(
        (full.coverage, full.confidence, full.provisional),
        (Some(1.0), Some(Confidence::High), false)
    );
}

/// The category a reader recomputes from the channel rows shown: each row's score by its voice.
fn recomputed(category: &CategoryReport) -> Option<f64> {
    weighted_mean(category.channels.iter().map(|c| (c.score, c.weight)))
}

#[test]
fn every_check_that_moves_responsiveness_has_a_channel_row() {
    // A plug-in with no channel used to count as a hidden voice of its own.
    let checks = vec![
        plugin_spec("phone", Category::Responsiveness, 1.0, Some("phone")),
        plugin_spec("chat", Category::Responsiveness, 1.0, Some("chat")),
        plugin_spec("hidden", Category::Responsiveness, 2.0, None),
    ];
    let runs = vec![
        run(plugin(Some(20.0))),
        run(plugin(Some(40.0))),
        run(plugin(Some(100.0))),
    ];
    let report = score(checks, &runs);
    let resp = category(&report, Category::Responsiveness);
    for check in report.checks.iter().filter(|c| c.score.is_some()) {
        assert!(
            resp.channels
                .iter()
                .any(|row| row.checks.contains(&check.id)),
            "{} moves the category but is in no row: {:?}",
            check.id,
            resp.channels
        );
    }
    let unspecified = resp.channels.iter().find(|c| c.checks == ["hidden"]);
    assert_eq!(
        unspecified.map(|c| (c.channel.as_str(), c.answered)),
        Some(("unspecified", false)),
        "a check without a channel proves nobody answered"
    );
    assert!(close(resp.score, recomputed(resp).unwrap()), "{resp:?}");
    assert!(close(resp.score, (20.0 + 40.0 + 100.0) / 3.0));
}

#[test]
fn the_shipped_example_reconciles_category_by_category() {
    let (rows, report) = (
        PAGES_AND_PEOPLE.len(),
        pages_and_people(ScoringConfig::default()),
    );
    let resp = category(&report, Category::Responsiveness);
    assert_eq!(
        resp.channels.iter().map(|c| c.checks.len()).sum::<usize>(),
        rows
    );
    assert!(close(resp.score, recomputed(resp).unwrap()));
}

/// The overall of `checks` with check `raised` replaced by a plug-in report of 100.
fn overall_with(checks: &[CheckSpec], scores: &[f64], raised: usize) -> f64 {
    let runs: Vec<CheckRun> = scores
        .iter()
        .enumerate()
        .map(|(i, s)| run(plugin(Some(if i == raised { 100.0 } else { *s }))))
        .collect();
    score(checks.to_vec(), &runs).score.unwrap()
}

#[test]
fn top_actions_are_what_re_scoring_with_the_check_at_100_adds() {
    let checks = vec![
        plugin_spec("phone", Category::Responsiveness, 1.0, Some("phone")),
        plugin_spec("web", Category::Responsiveness, 1.0, Some("web")),
        plugin_spec("email", Category::Responsiveness, 1.0, Some("email")),
        plugin_spec("ratings", Category::Reputation, 1.0, None),
        plugin_spec("survey", Category::Feedback, 3.0, None),
        plugin_spec("loop", Category::Feedback, 1.0, None),
        plugin_spec("perfect", Category::Frontline, 1.0, None),
    ];
    let scores = [30.0, 90.0, 10.0, 70.0, 60.0, 20.0, 100.0];
    let runs: Vec<CheckRun> = scores.iter().map(|s| run(plugin(Some(*s)))).collect();
    let report = score(checks.clone(), &runs);
    let overall = report.score.unwrap();
    assert_eq!(
        report.top_actions.len(),
        6,
        "every scored check below 100 is an action: {:?}",
        report.top_actions
    );
    for action in &report.top_actions {
        let index = checks.iter().position(|c| c.id == action.check).unwrap();
        let gain = overall_with(&checks, &scores, index) - overall;
        assert!(
            (action.points - gain).abs() < 0.11,
            "{}: {} points, re-scoring gives {gain:.2}",
            action.check,
            action.points
        );
    }
    let points: Vec<f64> = report.top_actions.iter().map(|a| a.points).collect();
    assert!(points.windows(2).all(|w| w[0] >= w[1]), "{points:?}");
    // Responsiveness is scored by channel, the web at half a voice: a slow e-mail costs more
    // than a slow page, which a share-of-checks formula gets wrong.
    let gain = |id: &str| {
        report
            .top_actions
            .iter()
            .find(|a| a.check == id)
            .unwrap()
            .points
    };
    assert!(gain("email") > gain("web") * 2.0);
}

#[test]
fn an_action_without_a_warning_takes_its_kinds_advice_and_a_note_is_never_one() {
    let checks = vec![
        plugin_spec("a", Category::Feedback, 1.0, None),
        plugin_spec("b", Category::Reputation, 1.0, None),
    ];
    let with_note = Outcome::Observed(Observation::Exec(PluginReport {
        score: Some(88.0),
        status: None,
        metrics: vec![],
        findings: vec![Finding::new(
            crate::verdict::Code::FirstContactResolution,
            Severity::Info,
            "Resolution on first contact: 40% (reported, not scored).",
            "Settle questions at once.",
        )],
        evidence: vec![],
    }));
    let report = score(checks, &[run(with_note), run(plugin(Some(100.0)))]);
    let action = &report.top_actions[0];
    assert_eq!(report.top_actions.len(), 1, "{:?}", report.top_actions);
    assert_eq!(
        (action.check.as_str(), action.finding.as_deref()),
        ("a", None)
    );
    assert_eq!(
        action.recommendation,
        crate::kinds::find_kind("exec").unwrap().improve
    );
    assert!(action.points > 0.0);
}
