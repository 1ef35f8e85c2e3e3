//! What changed between two runs of one audit: scores paired by key, checks and findings that
//! came and went. Pure: two reports in, the comparison out.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::report::Report;

/// What changed between two runs.
#[derive(Debug, Serialize)]
pub struct Comparison {
    pub from: i64,
    pub to: i64,
    pub overall: Delta,
    pub categories: Vec<(String, Delta)>,
    pub checks: Vec<(String, Delta)>,
    pub checks_added: Vec<String>,
    pub checks_removed: Vec<String>,
    pub findings_appeared: Vec<String>,
    pub findings_disappeared: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Delta {
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub change: Option<f64>,
}

/// Run `from`'s report `before` against run `to`'s `after`.
pub fn compare(from: i64, before: &Report, to: i64, after: &Report) -> Comparison {
    let findings = |r: &Report| -> BTreeSet<String> {
        r.checks
            .iter()
            .flat_map(|c| {
                c.findings
                    .iter()
                    .map(move |f| format!("{}: {}", c.id, f.message))
            })
            .collect()
    };
    let (old, new) = (findings(before), findings(after));
    let ids = |r: &Report| -> BTreeSet<String> { r.checks.iter().map(|c| c.id.clone()).collect() };
    Comparison {
        from,
        to,
        overall: delta(before.score, after.score),
        categories: shared_deltas(
            &before.categories,
            &after.categories,
            |c| c.id.id().to_string(),
            |c| c.score,
        ),
        checks: shared_deltas(&before.checks, &after.checks, |c| c.id.clone(), |c| c.score),
        checks_added: ids(after).difference(&ids(before)).cloned().collect(),
        checks_removed: ids(before).difference(&ids(after)).cloned().collect(),
        findings_appeared: new.difference(&old).cloned().collect(),
        findings_disappeared: old.difference(&new).cloned().collect(),
    }
}

/// The score changes of the items both runs have, paired by key, in `after`'s order.
fn shared_deltas<T>(
    before: &[T],
    after: &[T],
    key: impl Fn(&T) -> String,
    score: impl Fn(&T) -> Option<f64>,
) -> Vec<(String, Delta)> {
    after
        .iter()
        .filter_map(|a| {
            let id = key(a);
            let b = before.iter().find(|b| key(b) == id)?;
            Some((id, delta(score(b), score(a))))
        })
        .collect()
}

fn delta(before: Option<f64>, after: Option<f64>) -> Delta {
    let change = before
        .zip(after)
        .map(|(b, a)| ((a - b) * 10.0).round() / 10.0);
    Delta {
        before,
        after,
        change,
    }
}
