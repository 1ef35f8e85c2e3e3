//! The action plan: a run's warnings and failures as actions with an owner, a due date and a
//! status, kept in a CSV the consultant and the client edit (`[audit] actions`), and read
//! against every later run, so an action marked done is confirmed only when the measurement
//! agrees. An action's id is its check's id and its finding's code (`Finding::key`), so the
//! same finding is the same action in every run.

mod file;
mod render;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;

use crate::report::model::{
    ActionItem, ActionStatus, ActionVerdict, ActionsReview, CheckReport, ClosedSince, Report,
    Severity, Status,
};
use crate::verdict::Code;

pub use file::{read, to_csv};
pub use render::{PlanFormat, render};

/// A plan as its file holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The file as the audit file names it, for the report.
    pub name: String,
    pub rows: Vec<PlanRow>,
}

/// One action: what the run said (id to points), then what people say (owner to notes).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct PlanRow {
    pub id: String,
    pub check: String,
    pub title: String,
    /// `fail` or `warn`; empty on a row people added.
    pub severity: String,
    pub finding: String,
    pub recommendation: String,
    /// What the overall would gain with the action's check at 100.
    pub points: Option<f64>,
    pub owner: String,
    pub due: Option<NaiveDate>,
    pub status: ActionStatus,
    pub notes: String,
    /// Whether the last run merged in still raised the finding (`--update` writes it).
    #[serde(rename = "measured")]
    pub present: Option<bool>,
}

impl PlanRow {
    /// A row people added: no check raised it, so no measurement confirms it. A row this tool
    /// wrote has a severity; one whose severity a spreadsheet lost (or a plan of ids and
    /// statuses only) is still a check's when it names a check of the run or a finding code
    /// this tool gives.
    pub fn is_manual(&self, report: &Report) -> bool {
        self.severity.is_empty()
            && !names_a_finding(&self.id)
            && !report.checks.iter().any(|c| c.id == self.check)
    }
}

/// Whether `id` is `<check>/<code>[/…]` with a code of this tool or a plug-in's `finding-N`.
fn names_a_finding(id: &str) -> bool {
    let code = id.split('/').nth(1).unwrap_or_default();
    Code::ALL.iter().any(|c| c.id() == code)
        || code
            .strip_prefix("finding-")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The run's actions, one per warning or failure of a check (an information finding is a
/// note, not something to do), failures first, then by the points at stake; a finding raised
/// twice is one action, said as its worst.
pub fn of_run(report: &Report) -> Vec<PlanRow> {
    let mut rows: Vec<PlanRow> = Vec::new();
    let mut place_of: HashMap<String, usize> = HashMap::new();
    for check in &report.checks {
        for finding in &check.findings {
            if finding.severity == Severity::Info {
                continue;
            }
            let id = action_id(check, &finding.key());
            if let Some(&place) = place_of.get(&id) {
                let kept = &mut rows[place];
                if finding.severity == Severity::Fail && kept.severity != "fail" {
                    kept.severity = "fail".into();
                    kept.finding.clone_from(&finding.message);
                    kept.recommendation.clone_from(&finding.recommendation);
                }
                continue;
            }
            place_of.insert(id.clone(), rows.len());
            rows.push(PlanRow {
                id,
                check: check.id.clone(),
                title: check.title.clone(),
                severity: finding.severity.as_str().into(),
                finding: finding.message.clone(),
                recommendation: finding.recommendation.clone(),
                points: points_of(report, &check.id),
                present: Some(true),
                ..PlanRow::default()
            });
        }
    }
    rows.sort_by(|a, b| {
        (b.severity == "fail")
            .cmp(&(a.severity == "fail"))
            .then(b.points.unwrap_or(0.0).total_cmp(&a.points.unwrap_or(0.0)))
    });
    rows
}

fn action_id(check: &CheckReport, key: &str) -> String {
    format!("{}/{key}", check.id)
}

fn points_of(report: &Report, check: &str) -> Option<f64> {
    report
        .top_actions
        .iter()
        .find(|a| a.check == check)
        .map(|a| a.points)
}

/// Whether a check measured this run: only then does a missing finding mean it is gone.
fn measured(check: &CheckReport) -> bool {
    matches!(check.status, Status::Pass | Status::Warn | Status::Fail)
}

/// The plan read against `report`: each row's verdict, the run's findings the plan lacks as
/// `new`, rows people added for things no check measures left out (nothing can confirm them).
pub fn review(plan: &Plan, report: &Report) -> ActionsReview {
    let today = report.audit.started_at.date_naive();
    let raised: BTreeMap<String, PlanRow> = of_run(report)
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let checks: BTreeMap<&str, &CheckReport> =
        report.checks.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut items = Vec::new();
    let mut planned = HashSet::new();
    for row in plan.rows.iter().filter(|r| !r.is_manual(report)) {
        // A check no longer in the audit measured nothing: nobody knows whether it is fixed.
        let check = checks.get(row.check.as_str());
        planned.insert(row.id.as_str());
        let present = raised.contains_key(&row.id);
        let verdict = if !present && !check.is_some_and(|c| measured(c)) {
            ActionVerdict::Unmeasured
        } else {
            match (row.status, present) {
                (ActionStatus::Done, false) => ActionVerdict::Confirmed,
                (ActionStatus::Done, true) => ActionVerdict::NotConfirmed,
                (_, false) => ActionVerdict::ResolvedUnmarked,
                (_, true) => ActionVerdict::Open,
            }
        };
        let overdue = present
            && matches!(row.status, ActionStatus::Open | ActionStatus::InProgress)
            && row.due.is_some_and(|due| due < today);
        items.push(ActionItem {
            id: row.id.clone(),
            status: row.status,
            owner: row.owner.clone(),
            due: row.due,
            notes: row.notes.clone(),
            finding_present: present,
            verdict,
            recommendation: raised
                .get(&row.id)
                .map_or(&row.recommendation, |r| &r.recommendation)
                .clone(),
            overdue,
        });
    }
    for row in raised.values().filter(|r| !planned.contains(r.id.as_str())) {
        items.push(ActionItem {
            id: row.id.clone(),
            status: ActionStatus::Open,
            owner: String::new(),
            due: None,
            notes: String::new(),
            finding_present: true,
            verdict: ActionVerdict::New,
            recommendation: row.recommendation.clone(),
            overdue: false,
        });
    }
    let count = |f: &dyn Fn(&ActionItem) -> bool| items.iter().filter(|i| f(i)).count();
    ActionsReview {
        plan: plan.name.clone(),
        total: items.len(),
        open: count(&|i| i.status == ActionStatus::Open),
        in_progress: count(&|i| i.status == ActionStatus::InProgress),
        done: count(&|i| i.status == ActionStatus::Done),
        wont_do: count(&|i| i.status == ActionStatus::WontDo),
        overdue: count(&|i| i.overdue),
        confirmed: count(&|i| i.verdict == ActionVerdict::Confirmed),
        not_confirmed: count(&|i| i.verdict == ActionVerdict::NotConfirmed),
        new: count(&|i| i.verdict == ActionVerdict::New),
        items,
        since_last: None,
    }
}

/// A stored run's review, or, for a run audited before the plan existed, its findings as the
/// open actions they were then.
pub fn as_reviewed(report: &Report) -> ActionsReview {
    report.actions.clone().unwrap_or_else(|| {
        let plan = Plan {
            name: String::new(),
            rows: of_run(report),
        };
        review(&plan, report)
    })
}

/// Of the actions still to do at the last review (`before`), how many are done now and how
/// many of those this run confirms.
pub fn closed_since(before: &ActionsReview, now: &ActionsReview) -> ClosedSince {
    // A set: a plan of many thousand rows is compared in n log n, not n².
    let open_then: std::collections::BTreeSet<&str> = (before.items.iter())
        .filter(|i| matches!(i.status, ActionStatus::Open | ActionStatus::InProgress))
        .map(|i| i.id.as_str())
        .collect();
    let done_now: Vec<&ActionItem> = (now.items.iter())
        .filter(|i| i.status == ActionStatus::Done && open_then.contains(i.id.as_str()))
        .collect();
    ClosedSince {
        closed: done_now.len(),
        of: open_then.len(),
        confirmed: (done_now.iter())
            .filter(|i| i.verdict == ActionVerdict::Confirmed)
            .count(),
    }
}

/// The run's actions with what people wrote of them when the run was read against a plan.
pub fn of_reviewed_run(report: &Report) -> Vec<PlanRow> {
    let mut rows = of_run(report);
    if let Some(review) = &report.actions {
        let items: BTreeMap<&str, &ActionItem> =
            review.items.iter().map(|i| (i.id.as_str(), i)).collect();
        for row in &mut rows {
            if let Some(item) = items.get(row.id.as_str()) {
                row.owner.clone_from(&item.owner);
                row.due = item.due;
                row.status = item.status;
                row.notes.clone_from(&item.notes);
            }
        }
    }
    rows
}

/// `plan` with `report` merged in: every row kept with what people wrote in it (a row for a
/// finding the run no longer raises is marked gone, one people added is kept as it is); the
/// run's findings the plan lacks added as `open`; what the run says (finding, points) updated.
pub fn merge(plan: &[PlanRow], report: &Report) -> Vec<PlanRow> {
    let fresh = of_run(report);
    let order: Vec<String> = fresh.iter().map(|r| r.id.clone()).collect();
    let mut raised: BTreeMap<String, PlanRow> =
        fresh.into_iter().map(|r| (r.id.clone(), r)).collect();
    let measured_checks: HashSet<&str> = report
        .checks
        .iter()
        .filter(|c| measured(c))
        .map(|c| c.id.as_str())
        .collect();
    let mut merged: Vec<PlanRow> = plan
        .iter()
        .map(|row| match raised.remove(&row.id) {
            Some(fresh) => PlanRow {
                owner: row.owner.clone(),
                due: row.due,
                status: row.status,
                notes: row.notes.clone(),
                ..fresh
            },
            None if row.is_manual(report) => row.clone(),
            // Gone when its check measured and did not raise it; unknown (blank) when the
            // check measured nothing this run, never a stale `yes`.
            None => PlanRow {
                present: measured_checks
                    .contains(row.check.as_str())
                    .then_some(false),
                ..row.clone()
            },
        })
        .collect();
    merged.extend(order.into_iter().filter_map(|id| raised.remove(&id)));
    merged
}
