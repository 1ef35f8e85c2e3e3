//! Run-level scoring: each check judged by its kind, then categories (responsiveness by
//! channel), the overall score and its grade. Pure functions from observations to a
//! [`Report`]: no I/O here, so a stored run can be re-scored and every rule is table-tested.

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
    SCHEMA_VERSION, Severity, Status, Tool,
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
    let mut answered = Vec::new();
    let checks: Vec<CheckReport> = audit
        .checks
        .iter()
        .zip(runs)
        .map(|(spec, run)| {
            let scored = score_check(spec, &run.outcome, benchmarks);
            answered.push(scored.channels.clone());
            to_report(spec, scored, run.duration_ms)
        })
        .collect();
    let categories: Vec<CategoryReport> = Category::ALL
        .iter()
        .map(|category| {
            let weight = audit
                .scoring
                .weights
                .get(category)
                .copied()
                .unwrap_or(category.default_weight());
            let members: Vec<(&CheckReport, &[ChannelScore])> = checks
                .iter()
                .zip(&answered)
                .filter(|(c, _)| c.category == *category)
                .map(|(c, channels)| (c, channels.as_slice()))
                .collect();
            let channel_weight = |channel: &Channel| {
                let name = channel.as_str();
                (audit.scoring.channel_weights.get(name))
                    .or_else(|| benchmarks.channel_weights.get(name))
                    .copied()
                    .unwrap_or(1.0)
            };
            score_category(
                *category,
                weight,
                &members,
                audit.scoring.single_channel_cap,
                &channel_weight,
            )
        })
        .collect();
    let score = weighted_mean(
        categories
            .iter()
            .filter_map(|c| c.score.map(|s| (s, c.weight))),
    );
    let complete = !times.interrupted && checks.iter().all(|c| c.status != Status::Error);
    // Each category counts by its weight and by how much of it was measured.
    let coverage = weighted_mean(
        categories
            .iter()
            .map(|c| (if c.score.is_some() { c.coverage } else { 0.0 }, c.weight)),
    )
    .unwrap_or(0.0);
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::current(),
        audit: AuditInfo {
            name: audit.name.clone(),
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
        checks,
    }
}

fn score_check(spec: &CheckSpec, outcome: &Outcome, benchmarks: &Benchmarks) -> Scored {
    match outcome {
        Outcome::Observed(observation) => observation.score(&spec.params, benchmarks),
        Outcome::Failed(error) => Scored::error(error.to_string()),
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
    members: &[(&CheckReport, &[ChannelScore])],
    single_channel_cap: f64,
    channel_weight: &dyn Fn(&Channel) -> f64,
) -> CategoryReport {
    let channels = channel_reports(members, channel_weight);
    let counted: Vec<&CheckReport> = members
        .iter()
        .map(|(c, _)| *c)
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
            Severity::Warn,
            "Nothing in this category could be measured in this run.",
            "Fix the errors of this category's checks and run the audit again.",
        ));
    } else if coverage < 1.0 {
        findings.push(Finding::new(
            Severity::Info,
            format!(
                "Scored on {:.0}% of its check weight; the rest could not be measured.",
                coverage * 100.0
            ),
            "Fix the checks that errored so the score rests on everything the audit asks.",
        ));
    }

    if category == Category::Responsiveness && score.is_some() {
        score = by_channel(&channels, members);
        let answered: Vec<&str> = channels
            .iter()
            .filter(|c| c.answered)
            .map(|c| c.channel.as_str())
            .collect();
        if let Some(s) = score {
            if answered.len() < 2 && s > single_channel_cap {
                score = Some(single_channel_cap);
                let answered = match answered.first() {
                    None => "No channel".to_string(),
                    Some(only) => format!("Only one channel ({only}) answered"),
                };
                findings.push(Finding::new(
                    Severity::Warn,
                    format!(
                        "{answered}; responsiveness is proven only when at least two distinct channels answer, \
                         so the category is capped at {single_channel_cap:.0}."
                    ),
                    "Measure a second channel (e-mail, phone, chat or social, e.g. with a mystery-shopping log).",
                ));
            }
        }
    }

    CategoryReport {
        id: category,
        title: category.title().to_string(),
        score: score.map(round1),
        weight,
        coverage: round3(coverage),
        checks: members.iter().map(|(c, _)| c.id.clone()).collect(),
        findings,
        channels,
    }
}

/// Responsiveness, channel by channel: each channel one voice, by its weight, so three fast
/// pages cannot outweigh the people who answer slowly; a scored check that measured no channel
/// (a plug-in without one) is a voice of its own, by its check weight.
fn by_channel(
    channels: &[ChannelReport],
    members: &[(&CheckReport, &[ChannelScore])],
) -> Option<f64> {
    let unchannelled = members
        .iter()
        .filter(|(_, channels)| channels.is_empty())
        .filter_map(|(check, _)| check.score.map(|s| (s, check.weight)));
    weighted_mean(
        channels
            .iter()
            .map(|c| (c.score, c.weight))
            .chain(unchannelled),
    )
}

/// Each channel across the checks that measured it, in name order: a weighted mean of its
/// scores, its voice, whether anyone answered, and the contacts made and left unanswered.
fn channel_reports(
    members: &[(&CheckReport, &[ChannelScore])],
    channel_weight: &dyn Fn(&Channel) -> f64,
) -> Vec<ChannelReport> {
    let mut by_channel: BTreeMap<&Channel, Vec<(&CheckReport, &ChannelScore)>> = BTreeMap::new();
    for (check, channels) in members {
        for channel in *channels {
            by_channel
                .entry(&channel.channel)
                .or_default()
                .push((check, channel));
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
                channel: name.clone(),
                weight: channel_weight(name),
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
