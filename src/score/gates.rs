//! Gates a CI job sets on a run: an overall floor, per-category thresholds,
//! and a maximum drop against a baseline run, judged for the overall score,
//! every category and every check on its own, so a gain elsewhere cannot
//! hide a drop. Pure: each gate held or failed, with its figures.

use std::collections::BTreeMap;

use crate::audit::ThresholdKey;
use crate::report::{GateVerdict, Report};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gates {
    pub fail_under: Option<f64>,
    /// The minimum score of the overall or of a category.
    pub thresholds: BTreeMap<ThresholdKey, f64>,
    /// The baseline run and its id, with the largest drop allowed.
    pub max_drop: Option<f64>,
    /// `--fail-on-overdue`: no action past due whose finding this run still measures.
    pub fail_on_overdue: bool,
}

/// Every failed gate, one line each; empty when all hold.
pub fn failed(judged: &[GateVerdict]) -> Vec<String> {
    (judged.iter())
        .filter(|gate| !gate.held)
        .map(|gate| gate.message.clone())
        .collect()
}

/// Past-due actions whose finding is still measured; without a plan there is nothing to be
/// late with, which the gate says rather than passing in silence.
pub fn overdue_gate(report: &Report) -> GateVerdict {
    let name = "fail-on-overdue".to_string();
    let Some(review) = &report.actions else {
        return GateVerdict {
            name,
            held: true,
            message: "no action plan (`[audit] actions`), so no action is overdue".into(),
        };
    };
    let late: Vec<&str> = (review.items.iter())
        .filter(|i| i.overdue)
        .map(|i| i.id.as_str())
        .collect();
    GateVerdict {
        name,
        held: late.is_empty(),
        message: if late.is_empty() {
            "no action is past due with its finding still measured".into()
        } else {
            format!(
                "{} action(s) past due and still measured: {}",
                late.len(),
                late.join(", ")
            )
        },
    }
}

/// Every gate set, held or failed, each with its figures: what JUnit shows as test cases.
/// A drop is judged only where both runs scored.
pub fn judge(report: &Report, gates: &Gates, baseline: Option<(i64, &Report)>) -> Vec<GateVerdict> {
    let mut judged = Vec::new();
    let mut floor = |name: String,
                     what: &str,
                     score: Option<f64>,
                     (min, set_by): (f64, &str),
                     unscored: String| {
        judged.push(match score {
            Some(s) => GateVerdict {
                name,
                held: s >= min,
                message: if s < min {
                    format!("{what} score {s:.1} is below {set_by} {min}")
                } else {
                    format!("{what} score {s:.1} reaches {set_by} {min}")
                },
            },
            None => GateVerdict {
                name,
                held: false,
                message: unscored,
            },
        });
    };
    if let Some(min) = gates.fail_under {
        let unscored = format!("overall score could not be measured (--fail-under {min})");
        floor(
            "fail-under".into(),
            "overall",
            report.score,
            (min, "--fail-under"),
            unscored,
        );
    }
    for (key, min) in &gates.thresholds {
        let score = match key {
            ThresholdKey::Overall => report.score,
            ThresholdKey::Category(category) => report
                .categories
                .iter()
                .find(|c| c.id == *category)
                .and_then(|c| c.score),
        };
        let name = key.name();
        let unscored = format!("{name} could not be scored (threshold {min})");
        floor(
            format!("threshold {name}"),
            name,
            score,
            (*min, "its threshold"),
            unscored,
        );
    }
    if gates.fail_on_overdue {
        judged.push(overdue_gate(report));
    }
    if let (Some(max), Some((id, before))) = (gates.max_drop, baseline) {
        let mut compare = |what: String, now: Option<f64>, then: Option<f64>| {
            if let (Some(n), Some(t)) = (now, then) {
                let held = t - n <= max;
                let verb = if held { "moved" } else { "dropped" };
                let change = if held { n - t } else { t - n };
                judged.push(GateVerdict {
                    name: format!("max-drop {what}"),
                    held,
                    message: format!(
                        "{what} {verb} {change:.1} points ({t:.1} → {n:.1}) since run #{id} (--max-drop {max})"
                    ),
                });
            }
        };
        compare("overall score".into(), report.score, before.score);
        for c in &report.categories {
            let then = before
                .categories
                .iter()
                .find(|b| b.id == c.id)
                .and_then(|b| b.score);
            compare(format!("category {}", c.id.id()), c.score, then);
        }
        for c in &report.checks {
            let then = before
                .checks
                .iter()
                .find(|b| b.id == c.id)
                .and_then(|b| b.score);
            compare(format!("check {}", c.id), c.score, then);
        }
    }
    judged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category::Category;
    use crate::report::model::{AuditInfo, CategoryReport, CheckReport, Status, Tool};

    fn report(overall: f64, categories: &[(Category, f64)], checks: &[(&str, f64)]) -> Report {
        let t = chrono::DateTime::parse_from_rfc3339("2026-11-20T09:00:00+01:00").unwrap();
        Report {
            schema_version: 1,
            tool: Tool::current(),
            audit: AuditInfo {
                name: "A".into(),
                id: None,
                site: None,
                auditor: None,
                started_at: t,
                finished_at: t,
            },
            score: Some(overall),
            grade: None,
            coverage: None,
            confidence: None,
            provisional: false,
            complete: true,
            categories: categories
                .iter()
                .map(|(id, s)| CategoryReport {
                    id: *id,
                    title: String::new(),
                    score: Some(*s),
                    weight: 1.0,
                    coverage: 1.0,
                    checks: vec![],
                    findings: vec![],
                    channels: vec![],
                })
                .collect(),
            top_actions: vec![],
            actions: None,
            checks: checks
                .iter()
                .map(|(id, s)| CheckReport {
                    id: (*id).into(),
                    title: (*id).into(),
                    kind: "exec".into(),
                    category: Category::Feedback,
                    channel: None,
                    status: Status::Warn,
                    score: Some(*s),
                    weight: 1.0,
                    metrics: vec![],
                    findings: vec![],
                    evidence: vec![],
                    error_code: None,
                    error: None,
                    duration_ms: 0,
                })
                .collect(),
        }
    }

    #[test]
    fn a_gain_elsewhere_cannot_hide_a_drop() {
        // Overall rose, feedback rose, but responsiveness and one check fell by more than 5.
        let before = report(
            60.0,
            &[(Category::Responsiveness, 80.0), (Category::Feedback, 40.0)],
            &[("a", 90.0), ("b", 50.0)],
        );
        let now = report(
            63.0,
            &[(Category::Responsiveness, 70.0), (Category::Feedback, 56.0)],
            &[("a", 91.0), ("b", 40.0)],
        );
        let gates = Gates {
            max_drop: Some(5.0),
            ..Gates::default()
        };
        let dropped = failed(&judge(&now, &gates, Some((7, &before))));
        assert_eq!(
            dropped,
            [
                "category responsiveness dropped 10.0 points (80.0 → 70.0) since run #7 (--max-drop 5)",
                "check b dropped 10.0 points (50.0 → 40.0) since run #7 (--max-drop 5)",
            ]
        );
        // Within the allowance nothing fails.
        let gates = Gates {
            max_drop: Some(10.0),
            ..Gates::default()
        };
        let judged = judge(&now, &gates, Some((7, &before)));
        assert!(failed(&judged).is_empty());
        // Each held gate is still judged, with its figures: the overall, two categories, two checks.
        assert_eq!(judged.len(), 5);
        assert_eq!(judged[0].name, "max-drop overall score");
        assert_eq!(
            judged[0].message,
            "overall score moved 3.0 points (60.0 → 63.0) since run #7 (--max-drop 10)"
        );
    }

    #[test]
    fn floors_and_thresholds() {
        let now = report(48.0, &[(Category::Responsiveness, 65.0)], &[]);
        let gates = Gates {
            fail_under: Some(50.0),
            thresholds: [
                (ThresholdKey::Category(Category::Responsiveness), 70.0),
                (ThresholdKey::Category(Category::Reputation), 60.0),
            ]
            .into(),
            max_drop: None,
            fail_on_overdue: false,
        };
        assert_eq!(
            failed(&judge(&now, &gates, None)),
            [
                "overall score 48.0 is below --fail-under 50",
                "reputation could not be scored (threshold 60)",
                "responsiveness score 65.0 is below its threshold 70",
            ]
        );
    }
}
