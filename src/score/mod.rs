//! Run-level scoring: each check judged by its kind, then categories (responsiveness by
//! channel), the overall score and its grade. Pure functions from observations to a
//! [`Report`]: no I/O here, so a stored run can be re-scored and every rule is table-tested.

pub mod compare;
pub mod gates;

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use crate::audit::{Audit, CheckSpec};
use crate::benchmarks::Benchmarks;
use crate::category::Category;
use crate::channel::Channel;
use crate::kind::{ChannelScore, CheckError, Scored};
use crate::kinds::Observation;
use crate::report::model::{
    AuditInfo, CategoryReport, ChannelReport, CheckReport, Confidence, Finding, Grade, Report,
    SCHEMA_VERSION, Severity, Status, Tool, TopAction,
};
use crate::stats::weighted_mean;

/// How a check's run ended, as the runner hands it to scoring.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Observed(Observation),
    Failed(CheckError),
    /// Left out by `--only` / `--skip`.
    Skipped,
}

/// One check's outcome and how long it took.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckRun {
    pub outcome: Outcome,
    pub duration_ms: u64,
}

/// When the run happened and whether it was cut short.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunTimes {
    pub started_at: DateTime<FixedOffset>,
    pub finished_at: DateTime<FixedOffset>,
    pub interrupted: bool,
}

/// Scores a whole run. `runs` is in the order of `audit.checks`.
pub fn score_run(
    audit: &Audit,
    runs: &[CheckRun],
    times: RunTimes,
    benchmarks: &Benchmarks,
) -> Report {
    let mut members = Vec::new();
    let checks: Vec<CheckReport> = audit
        .checks
        .iter()
        .zip(runs)
        .map(|(spec, run)| {
            let mut scored = score_check(spec, &run.outcome, benchmarks);
            let channels = std::mem::take(&mut scored.channels);
            let report = to_report(spec, scored, run.duration_ms);
            members.push(Member::of(&report, channels));
            report
        })
        .collect();
    let model = Model { audit, benchmarks };
    let headline = model.headline(&members);
    let complete = !times.interrupted && checks.iter().all(|c| c.status != Status::Error);
    let top_actions = model.top_actions(&members, &checks, headline.score);
    let Headline {
        categories,
        score,
        coverage,
    } = headline;
    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::current(),
        audit: AuditInfo {
            name: audit.name.clone(),
            id: audit.id.clone(),
            site: audit.site.clone(),
            auditor: audit.auditor.clone(),
            started_at: times.started_at,
            finished_at: times.finished_at,
        },
        score: score.map(round1),
        grade: score.map(Grade::for_score),
        coverage: Some(round3(coverage)),
        confidence: score.map(|_| Confidence::for_coverage(coverage, complete)),
        provisional: score.is_some() && coverage < Confidence::PROVISIONAL_BELOW,
        complete,
        categories,
        top_actions,
        checks,
        actions: None,
    };
    report.actions = audit
        .actions
        .as_ref()
        .map(|plan| crate::actions::review(plan, &report));
    report
}

/// What scoring reads of a check: enough to score its category again with the check changed.
#[derive(Debug, Clone)]
struct Member {
    id: String,
    category: Category,
    channel: Option<Channel>,
    status: Status,
    score: Option<f64>,
    weight: f64,
    channels: Vec<ChannelScore>,
}

impl Member {
    fn of(check: &CheckReport, channels: Vec<ChannelScore>) -> Self {
        Self {
            id: check.id.clone(),
            category: check.category,
            channel: check.channel.clone(),
            status: check.status,
            score: check.score,
            weight: check.weight,
            channels,
        }
    }

    /// The check as if it scored 100: every channel it measured answered, at 100.
    fn raised(&self) -> Self {
        let mut raised = self.clone();
        raised.score = Some(100.0);
        raised.status = Status::Pass;
        for channel in &mut raised.channels {
            channel.score = 100.0;
            channel.answered = true;
        }
        raised
    }

    /// The channels the check stands for in responsiveness. A scored check that reported no
    /// channel (a plug-in without one) still has a row, under its declared channel or
    /// `unspecified`, so every check that moves the category is in its breakdown; it proves
    /// nobody answered, so it does not count for the two-channel rule.
    fn channel_scores(&self) -> Vec<ChannelScore> {
        match self.score {
            Some(score) if self.channels.is_empty() => vec![ChannelScore {
                channel: self
                    .channel
                    .clone()
                    .unwrap_or_else(|| Channel::new("unspecified")),
                score,
                answered: false,
                contacts: None,
            }],
            _ => self.channels.clone(),
        }
    }
}

/// The audit's weights and the benchmarks: the model that makes the headline.
struct Model<'a> {
    audit: &'a Audit,
    benchmarks: &'a Benchmarks,
}

/// The categories and the overall before rounding.
struct Headline {
    categories: Vec<CategoryReport>,
    score: Option<f64>,
    coverage: f64,
}

impl Model<'_> {
    fn headline(&self, members: &[Member]) -> Headline {
        let categories: Vec<CategoryReport> = Category::ALL
            .iter()
            .map(|category| {
                let weight = (self.audit.scoring.weights.get(category).copied())
                    .unwrap_or(category.default_weight());
                let in_category: Vec<&Member> =
                    members.iter().filter(|m| m.category == *category).collect();
                score_category(
                    *category,
                    weight,
                    &in_category,
                    self.audit.scoring.single_channel_cap,
                    &|channel| self.channel_weight(channel),
                )
            })
            .collect();
        let score = weighted_mean(
            categories
                .iter()
                .filter_map(|c| c.score.map(|s| (s, c.weight))),
        );
        // Each category counts by its weight and by how much of it was measured.
        let coverage = weighted_mean(
            categories
                .iter()
                .map(|c| (if c.score.is_some() { c.coverage } else { 0.0 }, c.weight)),
        )
        .unwrap_or(0.0);
        Headline {
            categories,
            score,
            coverage,
        }
    }

    fn channel_weight(&self, channel: &Channel) -> f64 {
        let name = channel.as_str();
        (self.audit.scoring.channel_weights.get(name))
            .or_else(|| self.benchmarks.channel_weights.get(name))
            .copied()
            .unwrap_or(1.0)
    }

    /// The checks below 100, each with what raising it to 100 would add to the overall,
    /// found by scoring the run again with that check raised: the very model of the headline
    /// (channels, channel weights, the two-channel cap, category weights, coverage), not a
    /// formula beside it. Most points first.
    fn top_actions(
        &self,
        members: &[Member],
        checks: &[CheckReport],
        overall: Option<f64>,
    ) -> Vec<TopAction> {
        let Some(overall) = overall else {
            return Vec::new();
        };
        // One copy of the run, each check raised in turn and put back.
        let mut run = members.to_vec();
        let mut actions: Vec<TopAction> = Vec::new();
        for (i, (member, check)) in members.iter().zip(checks).enumerate() {
            if !member.score.is_some_and(|s| s < 100.0) {
                continue;
            }
            run[i] = member.raised();
            let raised = self.headline(&run).score;
            run[i] = member.clone();
            if let Some(raised) = raised {
                actions.push(TopAction::new(check, round1((raised - overall).max(0.0))));
            }
        }
        actions.sort_by(|a, b| b.points.total_cmp(&a.points));
        actions
    }
}

impl TopAction {
    /// What to do about `check`: its most severe warning or failure (a note, reported but not
    /// scored, is never an action), else what its kind advises.
    fn new(check: &CheckReport, points: f64) -> Self {
        // The first of the most severe: a kind lists its main finding first.
        let finding = (check.findings.iter())
            .filter(|f| f.severity >= Severity::Warn)
            .fold(None::<&Finding>, |best, f| match best {
                Some(b) if b.severity >= f.severity => Some(b),
                _ => Some(f),
            });
        let recommendation = finding.map_or_else(
            || {
                crate::kinds::find_kind(&check.kind)
                    .map_or("Raise this check's score.", |info| info.improve)
                    .to_string()
            },
            |f| f.recommendation.clone(),
        );
        Self {
            check: check.id.clone(),
            title: check.title.clone(),
            points,
            finding: finding.map(|f| f.message.clone()),
            recommendation,
        }
    }
}

fn score_check(spec: &CheckSpec, outcome: &Outcome, benchmarks: &Benchmarks) -> Scored {
    match outcome {
        Outcome::Observed(observation) => observation.score(&spec.params, benchmarks),
        Outcome::Failed(error) => Scored::failed(error),
        Outcome::Skipped => Scored {
            status: Status::Skipped,
            ..Scored::default()
        },
    }
}

fn to_report(spec: &CheckSpec, scored: Scored, duration_ms: u64) -> CheckReport {
    CheckReport {
        id: spec.id.clone(),
        title: spec.title().to_string(),
        kind: spec.kind().to_string(),
        category: spec.category,
        channel: spec.params.channel(),
        status: scored.status,
        score: scored.score.map(round1),
        weight: spec.weight,
        metrics: scored.metrics,
        findings: scored.findings,
        evidence: scored.evidence,
        error: scored.error,
        error_code: scored.error_code,
        duration_ms,
    }
}

/// Checks that do not count toward a category's coverage.
fn counts_toward_coverage(status: Status) -> bool {
    !matches!(status, Status::Skipped | Status::NotApplicable)
}

fn score_category(
    category: Category,
    weight: f64,
    members: &[&Member],
    single_channel_cap: f64,
    channel_weight: &dyn Fn(&Channel) -> f64,
) -> CategoryReport {
    let counted: Vec<&Member> = members
        .iter()
        .copied()
        .filter(|c| counts_toward_coverage(c.status))
        .collect();
    let total_weight = total(counted.iter().map(|c| c.weight));
    let scored_weight = total(
        counted
            .iter()
            .filter(|c| c.score.is_some())
            .map(|c| c.weight),
    );
    let mut score = weighted_mean(
        counted
            .iter()
            .filter_map(|c| c.score.map(|s| (s, c.weight))),
    );
    let coverage = if total_weight > 0.0 {
        scored_weight / total_weight
    } else {
        0.0
    };
    let mut findings = Vec::new();

    if counted.is_empty() {
        findings.push(Finding::new(
            crate::verdict::Code::NotAssessed,
            Severity::Info,
            format!(
                "Not assessed: no check in this audit measures {}.",
                category.title().to_lowercase()
            ),
            format!(
                "Add a check for the `{}` category (see `centricity checks`).",
                category.id()
            ),
        ));
    } else if score.is_none() {
        findings.push(Finding::new(
            crate::verdict::Code::NothingMeasured,
            Severity::Warn,
            "Nothing in this category could be measured in this run.",
            "Fix the errors of this category's checks and run the audit again.",
        ));
    } else if coverage < 1.0 {
        findings.push(Finding::new(
            crate::verdict::Code::PartialCoverage,
            Severity::Info,
            format!(
                "Scored on {:.0}% of its check weight; the rest could not be measured.",
                coverage * 100.0
            ),
            "Fix the checks that errored so the score rests on everything the audit asks.",
        ));
    }

    // Only responsiveness is scored by channel, so only it shows channel rows: every row
    // shown is a term of its score, and a reader can recompute it from them.
    let channels = if category == Category::Responsiveness {
        channel_reports(members, channel_weight)
    } else {
        Vec::new()
    };
    if category == Category::Responsiveness && score.is_some() {
        score = weighted_mean(channels.iter().map(|c| (c.score, c.weight)));
        let answered: Vec<&str> = channels
            .iter()
            .filter(|c| c.answered)
            .map(|c| c.channel.as_str())
            .collect();
        if let Some(s) = score
            && answered.len() < 2
            && s > single_channel_cap
        {
            score = Some(single_channel_cap);
            let answered = match answered.first() {
                None => "No channel".to_string(),
                Some(only) => format!("Only one channel ({only}) answered"),
            };
            findings.push(Finding::new(crate::verdict::Code::SingleChannelAnswered,
                    Severity::Warn,
                    format!(
                        "{answered}; responsiveness is proven only when at least two distinct channels answer, \
                         so the category is capped at {single_channel_cap:.0}."
                    ),
                    "Measure a second channel (e-mail, phone, chat or social, e.g. with a mystery-shopping log).",
                ));
        }
    }

    CategoryReport {
        id: category,
        title: category.title().to_string(),
        score: score.map(round1),
        weight,
        coverage: round3(coverage),
        checks: members.iter().map(|c| c.id.clone()).collect(),
        findings,
        channels,
    }
}

/// Each channel across the checks that measured it, in name order: a weighted mean of its
/// scores (rounded as shown, so the category recomputes from the rows), its voice, whether
/// anyone answered, and the contacts made and left unanswered.
fn channel_reports(
    members: &[&Member],
    channel_weight: &dyn Fn(&Channel) -> f64,
) -> Vec<ChannelReport> {
    let mut by_channel: BTreeMap<Channel, Vec<(&Member, ChannelScore)>> = BTreeMap::new();
    for member in members {
        for channel in member.channel_scores() {
            by_channel
                .entry(channel.channel.clone())
                .or_default()
                .push((member, channel));
        }
    }
    by_channel
        .into_iter()
        .map(|(name, entries)| {
            let counted: Vec<(usize, usize)> =
                entries.iter().filter_map(|(_, c)| c.contacts).collect();
            let contacts =
                (!counted.is_empty()).then(|| counted.iter().map(|(n, _)| n).sum::<usize>());
            let answered_contacts = counted.iter().map(|(_, a)| a).sum::<usize>();
            ChannelReport {
                weight: channel_weight(&name),
                channel: name,
                score: round1(
                    weighted_mean(entries.iter().map(|(check, c)| (c.score, check.weight)))
                        .unwrap_or_default(),
                ),
                answered: entries.iter().any(|(_, c)| c.answered),
                contacts,
                unanswered: contacts.map(|n| n - answered_contacts),
                checks: entries.iter().map(|(check, _)| check.id.clone()).collect(),
            }
        })
        .collect()
}

/// A plain sum starting at +0.0 (`Iterator::sum` starts at -0.0, which prints as "-0%").
fn total(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, |sum, v| sum + v)
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests;
