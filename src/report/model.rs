//! The report, schema version 1: the contract other tools read (DESIGN.md,
//! `schema/report.v1.json`). Every renderer starts from this one model.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::category::Category;
use crate::channel::Channel;
// The words a check's result is written in are the kinds' (a leaf below them); the report's
// readers find them with the model they make up.
pub use crate::verdict::{
    ErrorCode, Evidence, Finding, Grade, Metric, Severity, Status, Unit, human_seconds, trim_number,
};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub audit: AuditInfo,
    /// 0–100, or `null` when no category could be scored.
    pub score: Option<f64>,
    pub grade: Option<Grade>,
    /// Share of the categories' weight that was scored (0–1). Absent in runs recorded before
    /// it was reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<f64>,
    /// How far the overall score can be trusted, from its coverage and whether the run completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    /// The grade rests on less than [`Confidence::PROVISIONAL_BELOW`] of the audit.
    #[serde(default)]
    pub provisional: bool,
    /// False when a check errored or the run was interrupted.
    pub complete: bool,
    pub categories: Vec<CategoryReport>,
    /// The checks below 100, by the points raising each to 100 would add to the overall, most
    /// first. Absent in runs recorded before it was reported.
    #[serde(default)]
    pub top_actions: Vec<TopAction>,
    pub checks: Vec<CheckReport>,
    /// The audit's action plan (`[audit] actions`) read against this run; absent without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<ActionsReview>,
}

/// What the people working on an action say of it (the plan's `status` column).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    #[default]
    Open,
    InProgress,
    Done,
    WontDo,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 4] = [Self::Open, Self::InProgress, Self::Done, Self::WontDo];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::InProgress => "in_progress",
            Self::Done => "done",
            Self::WontDo => "wont_do",
        }
    }
}

/// What this run's measurement says of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionVerdict {
    /// Marked done, and the finding is gone.
    Confirmed,
    /// Marked done, but the finding is still measured.
    NotConfirmed,
    /// The finding is gone, though the action is not marked done.
    ResolvedUnmarked,
    /// Not done, and the finding is still measured.
    Open,
    /// A finding the plan has no row for yet.
    New,
    /// Its check measured nothing this run (errored, pending, skipped, or no longer in the
    /// audit), so whether the finding is gone is unknown: never counted as confirmed.
    Unmeasured,
}

impl ActionVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::NotConfirmed => "not_confirmed",
            Self::ResolvedUnmarked => "resolved_unmarked",
            Self::Open => "open",
            Self::New => "new",
            Self::Unmeasured => "unmeasured",
        }
    }

    /// In words, for people.
    pub fn words(self) -> &'static str {
        match self {
            Self::Confirmed => "done, confirmed by this audit",
            Self::NotConfirmed => "marked done, but still measured",
            Self::ResolvedUnmarked => "gone, not marked done",
            Self::Open => "still open",
            Self::New => "new finding",
            Self::Unmeasured => "not measured this run",
        }
    }
}

/// The action plan read against a run: the counts, then each action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionsReview {
    /// The plan file as the audit file names it.
    pub plan: String,
    pub total: usize,
    pub open: usize,
    pub in_progress: usize,
    pub done: usize,
    pub wont_do: usize,
    /// Past due on the run's day, not done, and the finding still measured.
    pub overdue: usize,
    pub confirmed: usize,
    pub not_confirmed: usize,
    pub new: usize,
    pub items: Vec<ActionItem>,
    /// Against the audit's previous stored run read with a plan: what was still to do then and
    /// is done now. Absent on a first review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_last: Option<ClosedSince>,
}

/// Actions open at the last audit (`of`), how many are marked done now (`closed`), and how
/// many of those the measurement confirms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedSince {
    pub closed: usize,
    pub of: usize,
    pub confirmed: usize,
}

impl ClosedSince {
    pub fn words(&self) -> String {
        format!(
            "actions closed since the last audit: {} of {}, {} confirmed by measurement",
            self.closed, self.of, self.confirmed
        )
    }
}

impl ActionsReview {
    /// One line for every format: how many actions, how many done and whether the
    /// measurement agrees, what is overdue, what is new.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!(
            "{} action{}, {} done ({} confirmed by this audit, {} not confirmed)",
            self.total,
            if self.total == 1 { "" } else { "s" },
            self.done,
            self.confirmed,
            self.not_confirmed
        )];
        if self.overdue > 0 {
            parts.push(format!("{} overdue", self.overdue));
        }
        if self.new > 0 {
            parts.push(format!("{} new", self.new));
        }
        let since = self
            .since_last
            .map_or_else(String::new, |since| format!("; {}", since.words()));
        format!("Action plan ({}): {}{since}", self.plan, parts.join(", "))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionItem {
    /// `<check id>/<code>`, then `/<subject>` where the check raises the code for several things.
    pub id: String,
    pub status: ActionStatus,
    pub owner: String,
    /// ISO date, `null` when none was set.
    pub due: Option<chrono::NaiveDate>,
    pub notes: String,
    /// Whether this run still raised the finding.
    pub finding_present: bool,
    pub verdict: ActionVerdict,
    /// What to do, from the finding (or the plan's row when the finding is gone).
    #[serde(default)]
    pub recommendation: String,
    #[serde(default)]
    pub overdue: bool,
}

/// A check worth improving, and by how much: `points` is what the overall would gain with
/// this check at 100, found by scoring the run again that way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopAction {
    pub check: String,
    pub title: String,
    pub points: f64,
    /// The check's most severe warning or failure; `null` when it has none (the advice is then
    /// its kind's).
    pub finding: Option<String>,
    pub recommendation: String,
}

impl Report {
    /// The audit's identity in the history store: its `[audit] id`, else its name. Runs,
    /// baselines, trends and comparisons never cross it.
    pub fn audit_key(&self) -> &str {
        self.audit.id.as_deref().unwrap_or(&self.audit.name)
    }

    /// The first thing in the report that no run of this tool can produce — a score
    /// outside 0–100, a share outside 0–1, a negative weight, more contacts unanswered than
    /// made — named by where it is. A report read from outside (an imported run) is checked
    /// so, as every renderer and every sum trusts these ranges.
    pub fn validate(&self) -> Result<(), String> {
        let score = |at: &str, s: Option<f64>| match s {
            Some(s) if !(0.0..=100.0).contains(&s) => Err(format!("{at}: score {s} is not 0–100")),
            _ => Ok(()),
        };
        let share = |at: &str, s: Option<f64>| match s {
            Some(s) if !(0.0..=1.0).contains(&s) => Err(format!("{at}: share {s} is not 0–1")),
            _ => Ok(()),
        };
        let weight = |at: &str, w: f64| match w {
            w if !(w.is_finite() && w >= 0.0) => Err(format!("{at}: weight {w} is not ≥ 0")),
            _ => Ok(()),
        };
        score("score", self.score)?;
        share("coverage", self.coverage)?;
        for (i, c) in self.categories.iter().enumerate() {
            let at = format!("categories[{i}]");
            score(&at, c.score)?;
            share(&at, Some(c.coverage))?;
            weight(&at, c.weight)?;
            for (j, ch) in c.channels.iter().enumerate() {
                let at = format!("{at}.channels[{j}]");
                score(&at, Some(ch.score))?;
                weight(&at, ch.weight)?;
                if let (Some(made), Some(unanswered)) = (ch.contacts, ch.unanswered)
                    && unanswered > made
                {
                    return Err(format!(
                        "{at}: {unanswered} contacts unanswered of {made} made"
                    ));
                }
            }
        }
        for (i, c) in self.checks.iter().enumerate() {
            let at = format!("checks[{i}]");
            score(&at, c.score)?;
            weight(&at, c.weight)?;
        }
        for (i, a) in self.top_actions.iter().enumerate() {
            let at = format!("top_actions[{i}]");
            score(&at, Some(a.points))?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Tool {
    pub fn current() -> Self {
        Self {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditInfo {
    pub name: String,
    /// `[audit] id`: the audit's stable identity, when the file gives one (else the name is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub site: Option<String>,
    /// `[audit] auditor`: who made the audit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auditor: Option<String>,
    pub started_at: DateTime<FixedOffset>,
    pub finished_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryReport {
    pub id: Category,
    pub title: String,
    pub score: Option<f64>,
    pub weight: f64,
    /// Share of the category's check weight that produced a score (0–1).
    pub coverage: f64,
    pub checks: Vec<String>,
    /// Category-level findings, such as the two-channel rule or nothing measured.
    pub findings: Vec<Finding>,
    /// Per channel, across the category's checks (responsiveness): how each channel did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelReport>,
}

/// One channel (web, email, phone…) across the checks that measured it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelReport {
    pub channel: Channel,
    /// Mean of the channel's scores in each check, by check weight.
    pub score: f64,
    /// The channel's voice in the category's score (`[channel_weights]`).
    #[serde(default = "one")]
    pub weight: f64,
    /// Someone (or, for pages, something) answered on it: it counts for the two-channel rule.
    pub answered: bool,
    /// Contacts made on it (mystery log, e-mail probes, forms answered by mail), when any were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacts: Option<usize>,
    /// Of those, the ones no person answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unanswered: Option<usize>,
    pub checks: Vec<String>,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    pub id: String,
    /// The audit file's `title`, or the id.
    pub title: String,
    pub kind: String,
    pub category: Category,
    pub channel: Option<Channel>,
    pub status: Status,
    pub score: Option<f64>,
    pub weight: f64,
    pub metrics: Vec<Metric>,
    pub findings: Vec<Finding>,
    pub evidence: Vec<Evidence>,
    pub error: Option<String>,
    /// Why the check errored, from a closed set; absent when it did not (and in runs recorded
    /// before causes were typed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<ErrorCode>,
    pub duration_ms: u64,
}

impl CheckReport {
    /// The most severe finding, the one a one-line view shows.
    pub fn top_finding(&self) -> Option<&Finding> {
        self.findings.iter().max_by_key(|f| f.severity)
    }
}

/// How far an overall score can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    High,
    Medium,
    Low,
}

impl Confidence {
    /// Below this coverage the grade is provisional (and confidence low).
    pub const PROVISIONAL_BELOW: f64 = 0.6;
    /// From this coverage, in a run that completed, confidence is high.
    pub const HIGH_FROM: f64 = 0.8;

    pub fn for_coverage(coverage: f64, complete: bool) -> Confidence {
        if coverage >= Self::HIGH_FROM && complete {
            Confidence::High
        } else if coverage >= Self::PROVISIONAL_BELOW {
            Confidence::Medium
        } else {
            Confidence::Low
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }
}
