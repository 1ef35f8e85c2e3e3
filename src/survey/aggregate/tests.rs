//! Scoring tables, including the worked example of the research note (§3.3).

use super::*;
use crate::survey::import::Layout;
use crate::survey::questionnaire::shipped;

fn frontline() -> Questionnaire {
    shipped().into_iter().find(|q| q.id == "frontline").unwrap()
}

fn feedback() -> Questionnaire {
    shipped()
        .into_iter()
        .find(|q| q.id == "feedback-loop")
        .unwrap()
}

fn row(respondent: &str, segment: &str, question: &str, value: Value) -> AnswerRow {
    AnswerRow {
        respondent: respondent.into(),
        source: Origin::Export(Layout::GoogleForms),
        submitted_at: None,
        segment: Some(segment.into()),
        question: question.into(),
        value,
    }
}

#[test]
fn item_scores_per_type() {
    let q = |id: &str| {
        frontline()
            .question(id)
            .cloned()
            .or_else(|| feedback().question(id).cloned())
            .unwrap()
    };
    // (question, value, expected 0–1 or None)
    let table = [
        ("INF-01", Value::Choice(3), Some(0.75)),   // Agree
        ("INF-02", Value::Choice(3), Some(0.25)),   // Often, reversed
        ("INF-03", Value::Number(3.0), Some(0.75)), // (6 − 3) / (6 − 2)
        ("INF-03", Value::Number(9.0), Some(0.0)),
        ("INF-06", Value::Choice(0), Some(1.0)),
        ("INF-06", Value::DontKnow, None),
        ("ROU-05", Value::Choice(1), Some(1.0 / 3.0)), // Ad hoc
        ("ROU-04", Value::Number(4.0), Some(1.0)),
        ("ROU-04", Value::Number(168.0), Some(0.0)),
        (
            "CAP-02",
            Value::Multi {
                chosen: vec![0, 1],
                other: Some("fairs".into()),
            },
            Some(0.75),
        ),
        (
            "CAP-02",
            Value::Multi {
                chosen: vec![0, 1, 2, 3, 4, 5],
                other: None,
            },
            Some(1.0),
        ),
        ("INF-07", Value::Text("pricing".into()), None),
    ];
    for (id, value, expected) in table {
        let got = item_score(&q(id).kind, &value);
        assert_eq!(
            got.map(|g| (g * 1e9).round()),
            expected.map(|e: f64| (e * 1e9).round()),
            "{id} {value:?}"
        );
    }
    // Log scale: 8 hours sits between 4 (1.0) and 168 (0.0), much nearer the best than linear would put it.
    let eight = item_score(&q("ROU-04").kind, &Value::Number(8.0)).unwrap();
    assert!((eight - (168f64.ln() - 8f64.ln()) / (168f64.ln() - 4f64.ln())).abs() < 1e-12);
}

#[test]
fn the_worked_example_scores_section_d_sixty() {
    let answers = [
        ("INF-01", Value::Choice(3)),
        ("INF-02", Value::Choice(3)),
        ("INF-03", Value::Number(3.0)),
        ("INF-04", Value::Choice(1)),
        ("INF-05", Value::Choice(3)),
        ("INF-06", Value::Choice(0)),
    ];
    let rows: Vec<AnswerRow> = answers
        .into_iter()
        .map(|(q, v)| AnswerRow {
            source: Origin::Interview,
            ..row("r1", "Customer service", q, v)
        })
        .collect();
    let result = aggregate(&frontline(), &rows, Options::default());
    let information = &result.sections[0];
    assert_eq!(information.score, Some(60.4), "7.25 / 12 = 0.604");
    assert_eq!(result.reliability.as_str(), "interview");
    // Channels had no answers: not scored, and the overall rests on information alone.
    assert_eq!(result.sections[1].score, None);
    assert_eq!(result.score, Some(60.4));
}

#[test]
fn too_few_respondents_are_not_scored() {
    let rows = vec![
        row("a", "Sales", "INF-01", Value::Choice(4)),
        row("b", "Sales", "INF-01", Value::Choice(4)),
    ];
    let result = aggregate(&frontline(), &rows, Options::default());
    assert_eq!(
        (
            result.respondents,
            result.reliability.as_str(),
            result.score
        ),
        (2, "insufficient", None)
    );
}

#[test]
fn reliability_labels() {
    for (n, label) in [
        (3, "indicative"),
        (5, "reportable"),
        (9, "reportable"),
        (10, "robust"),
    ] {
        let rows: Vec<AnswerRow> = (0..n)
            .map(|i| row(&format!("r{i}"), "Sales", "INF-01", Value::Choice(3)))
            .collect();
        assert_eq!(
            aggregate(&frontline(), &rows, Options::default())
                .reliability
                .as_str(),
            label,
            "{n}"
        );
    }
}

#[test]
fn statistics_distribution_top2_and_agreement() {
    // Ten respondents split between Strongly disagree and Strongly agree: r_wg = 0, a split.
    let rows: Vec<AnswerRow> = (0..10)
        .map(|i| {
            row(
                &format!("r{i}"),
                "Sales",
                "INF-01",
                Value::Choice(if i % 2 == 0 { 0 } else { 4 }),
            )
        })
        .collect();
    let result = aggregate(&frontline(), &rows, Options::default());
    let inf01 = &result.questions[0];
    assert_eq!(inf01.n, 10);
    assert_eq!(inf01.mean_score, Some(50.0));
    assert_eq!(inf01.top2_box, Some(0.5));
    assert_eq!(inf01.distribution[0], ("Strongly disagree".to_string(), 5));
    let agreement = inf01.agreement.as_ref().unwrap();
    assert_eq!(
        (agreement.measure.as_str(), agreement.value, agreement.split),
        ("r_wg", 0.0, true)
    );
    assert!(result.findings.iter().any(
        |f| f.message.starts_with("INF-01 “") && f.message.contains("”: respondents disagree")
    ));
    // Unanimous: r_wg = 1.
    let same: Vec<AnswerRow> = (0..6)
        .map(|i| row(&format!("r{i}"), "Sales", "INF-01", Value::Choice(3)))
        .collect();
    assert_eq!(
        aggregate(&frontline(), &same, Options::default()).questions[0]
            .agreement
            .as_ref()
            .unwrap()
            .value,
        1.0
    );
}

#[test]
fn numbers_report_median_and_iqr_and_dont_know_is_not_zero() {
    let mut rows: Vec<AnswerRow> = [2.0, 3.0, 3.0, 4.0, 9.0]
        .iter()
        .enumerate()
        .map(|(i, x)| row(&format!("r{i}"), "Sales", "INF-03", Value::Number(*x)))
        .collect();
    rows.extend((0..3).map(|i| row(&format!("d{i}"), "Sales", "INF-06", Value::DontKnow)));
    rows.push(row("y", "Sales", "INF-06", Value::Choice(0)));
    let result = aggregate(&frontline(), &rows, Options::default());
    let inf03 = result.questions.iter().find(|q| q.id == "INF-03").unwrap();
    assert_eq!((inf03.median, inf03.iqr), (Some(3.0), Some((3.0, 4.0))));
    let inf06 = result.questions.iter().find(|q| q.id == "INF-06").unwrap();
    assert_eq!(
        (inf06.n, inf06.dont_know, inf06.mean_score),
        (1, 3, Some(100.0)),
        "don't know is excluded, not 0"
    );
    assert!(
        result
            .findings
            .iter()
            .any(|f| f.message.starts_with("INF-06 “")
                && f.message.contains("”: 3 of 4 answered \"don't know\""))
    );
}

#[test]
fn a_free_text_question_counts_who_wrote_something() {
    let mut rows: Vec<AnswerRow> = (0..7)
        .map(|i| {
            row(
                &format!("r{i}"),
                "Sales",
                "INF-07",
                Value::Text(format!("answer {i}")),
            )
        })
        .collect();
    // Only spaces is no answer (an import never makes one; an interview file might).
    rows.push(row("blank", "Sales", "INF-07", Value::Text("  ".into())));
    rows.push(row("other", "Sales", "INF-01", Value::Choice(3)));
    let result = aggregate(&frontline(), &rows, Options::default());
    let inf07 = result.questions.iter().find(|q| q.id == "INF-07").unwrap();
    assert_eq!((inf07.n, inf07.texts.len(), inf07.mean_score), (7, 7, None));
}

#[test]
fn roles_equal_voice_anonymity_and_gaps() {
    // Six service agents agree (0.75), five sales people disagree (0.25), two managers.
    let mut rows = Vec::new();
    for i in 0..6 {
        rows.push(row(
            &format!("s{i}"),
            "Customer service",
            "INF-01",
            Value::Choice(3),
        ));
    }
    for i in 0..5 {
        rows.push(row(&format!("p{i}"), "Sales", "INF-01", Value::Choice(1)));
    }
    for i in 0..2 {
        rows.push(row(&format!("m{i}"), "Manager", "INF-01", Value::Choice(4)));
    }
    let plain = aggregate(&frontline(), &rows, Options::default());
    let voices = aggregate(&frontline(), &rows, Options { equal_voice: true });
    // Unweighted: (6·75 + 5·25 + 2·100) / 13; equal voice: (75 + 25 + 100) / 3.
    assert_eq!(plain.questions[0].mean_score, Some(59.6));
    assert_eq!(voices.questions[0].mean_score, Some(66.7));
    let shown: Vec<&str> = plain.segments.iter().map(|s| s.segment.as_str()).collect();
    assert_eq!(
        shown,
        ["Customer service", "Sales"],
        "two managers are below the anonymity threshold"
    );
    assert!(
        plain
            .findings
            .iter()
            .any(|f| f.message.contains("not shown separately"))
    );
    assert!(
        plain
            .findings
            .iter()
            .any(|f| f.message == "INF-01: Customer service scores 75, Sales scores 25.")
    );
}

#[test]
fn an_interview_is_shown_beside_the_survey_not_averaged_in() {
    let mut rows: Vec<AnswerRow> = (0..5)
        .map(|i| row(&format!("r{i}"), "Sales", "ROU-02", Value::Choice(1)))
        .collect();
    rows.push(AnswerRow {
        source: Origin::Interview,
        ..row("manager", "Manager", "ROU-02", Value::Choice(4))
    });
    let result = aggregate(&feedback(), &rows, Options::default());
    let rou02 = result.questions.iter().find(|q| q.id == "ROU-02").unwrap();
    assert_eq!((rou02.n, rou02.mean_score), (5, Some(25.0)));
    assert!(result.findings.iter().any(|f| {
        f.message.starts_with("ROU-02 “")
            && f.message
                .ends_with("”: the interview scores 100 where the survey scores 25.")
    }));
}

#[test]
fn weak_sections_get_their_recommendation() {
    let rows: Vec<AnswerRow> = (0..5)
        .flat_map(|i| {
            [
                row(&format!("r{i}"), "Sales", "ROU-01", Value::Choice(1)),
                row(&format!("r{i}"), "Sales", "ROU-02", Value::Choice(0)),
                row(&format!("r{i}"), "Sales", "ROU-03", Value::Choice(0)),
            ]
        })
        .collect();
    let result = aggregate(&feedback(), &rows, Options::default());
    let routing = result.sections.iter().find(|s| s.id == "routing").unwrap();
    assert_eq!(routing.score, Some(0.0));
    assert_eq!(
        routing.answered_weight, 0.667,
        "8 of the section's 12 weight answered"
    );
    let finding = result
        .findings
        .iter()
        .find(|f| f.message == "Feedback routing scores 0/100.")
        .unwrap();
    assert!(
        finding
            .recommendation
            .starts_with("Name an owner for customer feedback")
    );
    // Capture and action had no answers: "not enough answers", and not in the overall.
    assert_eq!(result.score, Some(0.0));
}
