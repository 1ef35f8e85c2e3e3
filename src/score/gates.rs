//! Gates a CI job sets on a run: an overall floor, per-category thresholds,
//! and a maximum drop against a baseline run, judged for the overall score,
//! every category and every check on its own, so a gain elsewhere cannot
//! hide a drop. Pure: one line per failed gate.

use std::collections::BTreeMap;

use crate::audit::ThresholdKey;
use crate::report::Report;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gates {
    pub fail_under: Option<f64>,
    /// The minimum score of the overall or of a category.
    pub thresholds: BTreeMap<ThresholdKey, f64>,
    /// The baseline run and its id, with the largest drop allowed.
    pub max_drop: Option<f64>,
}

/// Every failed gate, one line each; empty when all hold.
pub fn failures(report: &Report, gates: &Gates, baseline: Option<(i64, &Report)>) -> Vec<String> {
    let mut failed = Vec::new();
    if let Some(min) = gates.fail_under {
        match report.score {
            Some(s) if s < min => {
                failed.push(format!("overall score {s:.1} is below --fail-under {min}"))
            }
            None => failed.push(format!(
                "overall score could not be measured (--fail-under {min})"
            )),
            _ => {}
        }
    }
    for (key, min) in &gates.thresholds {
        let key_name = key.name();
        let score = match key {
            ThresholdKey::Overall => report.score,
            ThresholdKey::Category(category) => report
                .categories
                .iter()
                .find(|c| c.id == *category)
                .and_then(|c| c.score),
        };
        match score {
            Some(s) if s < *min => failed.push(format!(
                "{key_name} score {s:.1} is below its threshold {min}"
            )),
            None => failed.push(format!("{key_name} could not be scored (threshold {min})")),
            _ => {}
        }
    }
    if let (Some(max), Some((id, before))) = (gates.max_drop, baseline) {
        let mut compare = |what: String, now: Option<f64>, then: Option<f64>| {
            if let (Some(n), Some(t)) = (now, then)
                && t - n > max
            {
                failed.push(format!("{what} dropped {:.1} points ({t:.1} → {n:.1}) since run #{id} (--max-drop {max})", t - n));
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
    failed
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
        let failed = failures(&now, &gates, Some((7, &before)));
        assert_eq!(
            failed,
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
        assert!(failures(&now, &gates, Some((7, &before))).is_empty());
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
        };
        assert_eq!(
            failures(&now, &gates, None),
            [
                "overall score 48.0 is below --fail-under 50",
                "reputation could not be scored (threshold 60)",
                "responsiveness score 65.0 is below its threshold 70",
            ]
        );
    }
}
