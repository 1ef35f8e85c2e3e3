//! The report, schema version 1: the contract other tools read (DESIGN.md,
//! `schema/report.v1.json`). Every renderer starts from this one model.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::category::Category;
use crate::channel::Channel;

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
                if let (Some(made), Some(unanswered)) = (ch.contacts, ch.unanswered) {
                    if unanswered > made {
                        return Err(format!(
                            "{at}: {unanswered} contacts unanswered of {made} made"
                        ));
                    }
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

/// Why a check could not observe: a stable, closed set, written in kebab-case in the JSON
/// report and in saved evidence, so dashboards can count causes without parsing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// The host name did not resolve.
    Dns,
    ConnectionRefused,
    ConnectionReset,
    Tls,
    Timeout,
    /// The server answered with a status the check cannot use (the code is in the message).
    HttpStatus,
    TooManyRedirects,
    BodyTooLarge,
    /// A robots.txt disallows the address (or, per RFC 9309, could not be read for a 5xx).
    RobotsDisallow,
    /// A bot-protection challenge (the vendor is in the message).
    BotWall,
    /// The target answered, but not with what the check reads (no form, no message, bad data).
    ParseError,
    /// The audit's settings do not fit what was found, or a needed input is missing.
    InvalidInput,
    PluginFailure,
    /// Any other failure of the network or of a mail server.
    Network,
    /// Ctrl-C, before the check finished.
    Interrupted,
    /// `--offline` and nothing saved for the check.
    NoSavedEvidence,
    /// Saved evidence that cannot be read back.
    BadEvidence,
    /// A bug in centricity.
    Crashed,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Dns => "dns",
            ErrorCode::ConnectionRefused => "connection-refused",
            ErrorCode::ConnectionReset => "connection-reset",
            ErrorCode::Tls => "tls",
            ErrorCode::Timeout => "timeout",
            ErrorCode::HttpStatus => "http-status",
            ErrorCode::TooManyRedirects => "too-many-redirects",
            ErrorCode::BodyTooLarge => "body-too-large",
            ErrorCode::RobotsDisallow => "robots-disallow",
            ErrorCode::BotWall => "bot-wall",
            ErrorCode::ParseError => "parse-error",
            ErrorCode::InvalidInput => "invalid-input",
            ErrorCode::PluginFailure => "plugin-failure",
            ErrorCode::Network => "network",
            ErrorCode::Interrupted => "interrupted",
            ErrorCode::NoSavedEvidence => "no-saved-evidence",
            ErrorCode::BadEvidence => "bad-evidence",
            ErrorCode::Crashed => "crashed",
        }
    }

    /// Every code, for the schema test and the README.
    pub const ALL: [ErrorCode; 18] = [
        ErrorCode::Dns,
        ErrorCode::ConnectionRefused,
        ErrorCode::ConnectionReset,
        ErrorCode::Tls,
        ErrorCode::Timeout,
        ErrorCode::HttpStatus,
        ErrorCode::TooManyRedirects,
        ErrorCode::BodyTooLarge,
        ErrorCode::RobotsDisallow,
        ErrorCode::BotWall,
        ErrorCode::ParseError,
        ErrorCode::InvalidInput,
        ErrorCode::PluginFailure,
        ErrorCode::Network,
        ErrorCode::Interrupted,
        ErrorCode::NoSavedEvidence,
        ErrorCode::BadEvidence,
        ErrorCode::Crashed,
    ];
}

impl CheckReport {
    /// The most severe finding, the one a one-line view shows.
    pub fn top_finding(&self) -> Option<&Finding> {
        self.findings.iter().max_by_key(|f| f.severity)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Error,
    Skipped,
    NotApplicable,
    Pending,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Skipped => "skipped",
            Status::NotApplicable => "not_applicable",
            Status::Pending => "pending",
        }
    }

    /// The status a score earns: the grade bands, so a check and the report read alike.
    pub fn for_score(score: f64) -> Status {
        match Grade::for_score(score) {
            Grade::CustomerCentric => Status::Pass,
            Grade::InTransition => Status::Warn,
            Grade::ProductCentric => Status::Fail,
        }
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grade {
    #[serde(rename = "customer-centric")]
    CustomerCentric,
    #[serde(rename = "in transition")]
    InTransition,
    #[serde(rename = "product- or channel-centric")]
    ProductCentric,
}

impl Grade {
    /// 90–100 customer-centric · 50–89 in transition · 0–49 product- or channel-centric.
    pub fn for_score(score: f64) -> Grade {
        if score >= 90.0 {
            Grade::CustomerCentric
        } else if score >= 50.0 {
            Grade::InTransition
        } else {
            Grade::ProductCentric
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::CustomerCentric => "customer-centric",
            Grade::InTransition => "in transition",
            Grade::ProductCentric => "product- or channel-centric",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    pub name: String,
    pub value: f64,
    #[serde(default)]
    pub unit: Option<Unit>,
}

impl Metric {
    pub fn new(name: impl Into<String>, value: f64, unit: Option<Unit>) -> Self {
        Self {
            name: name.into(),
            value,
            unit,
        }
    }

    /// The value with its unit, for people: seconds shown the way they are felt.
    pub fn display_value(&self) -> String {
        match &self.unit {
            Some(Unit::Seconds) => human_seconds(self.value),
            Some(Unit::Ratio) => format!("{:.0}%", self.value * 100.0),
            Some(unit) => format!("{} {}", trim_number(self.value), unit.as_str()),
            None => trim_number(self.value),
        }
    }
}

/// A metric's unit, written in the report as a short text (`s`, `ratio`). The tool's own
/// units are shown the way people read them; a plug-in may name any other, kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    Seconds,
    Days,
    /// A share between 0 and 1, shown as a percentage.
    Ratio,
    /// A score out of 100.
    OutOf100,
    Other(String),
}

impl Unit {
    pub fn as_str(&self) -> &str {
        match self {
            Unit::Seconds => "s",
            Unit::Days => "d",
            Unit::Ratio => "ratio",
            Unit::OutOf100 => "/100",
            Unit::Other(text) => text,
        }
    }
}

impl Serialize for Unit {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(match text.as_str() {
            "s" => Unit::Seconds,
            "d" => Unit::Days,
            "ratio" => Unit::Ratio,
            "/100" => Unit::OutOf100,
            _ => Unit::Other(text),
        })
    }
}

/// Seconds as a person reads them: `0.21 s`, `4m 10s`, `3h 05m`, `2d 4h`.
pub fn human_seconds(seconds: f64) -> String {
    if seconds < 60.0 {
        return format!("{} s", trim_number(seconds));
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "durations are positive and far below u64::MAX seconds"
    )]
    let total = seconds.round() as u64;
    let (d, h, m, s) = (
        total / 86_400,
        total % 86_400 / 3600,
        total % 3600 / 60,
        total % 60,
    );
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else {
        format!("{m}m {s:02}s")
    }
}

/// Two decimals at most, no trailing zeros.
pub fn trim_number(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warn,
    Fail,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Fail => "fail",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub severity: Severity,
    pub message: String,
    /// Every finding says what to do about it.
    pub recommendation: String,
}

impl Finding {
    pub fn new(
        severity: Severity,
        message: impl Into<String>,
        recommendation: impl Into<String>,
    ) -> Self {
        Self {
            severity,
            message: message.into(),
            recommendation: recommendation.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub source: String,
    pub observed_at: Option<DateTime<FixedOffset>>,
    pub excerpt: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_read_like_time() {
        assert_eq!(human_seconds(0.214), "0.21 s");
        assert_eq!(human_seconds(250.0), "4m 10s");
        assert_eq!(human_seconds(3.0 * 3600.0 + 300.0), "3h 05m");
        assert_eq!(human_seconds(52.0 * 3600.0), "2d 4h");
    }

    #[test]
    fn every_error_code_is_named_alike_in_words_json_and_the_schema() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../schema/report.v1.json")).unwrap();
        let listed = &schema["properties"]["checks"]["items"]["properties"]["error_code"]["enum"];
        let names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            listed,
            &serde_json::json!(names),
            "the schema lists every code, in order"
        );
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }

    #[test]
    fn grade_bands_follow_design() {
        assert_eq!(Grade::for_score(90.0), Grade::CustomerCentric);
        assert_eq!(Grade::for_score(89.99), Grade::InTransition);
        assert_eq!(Grade::for_score(50.0), Grade::InTransition);
        assert_eq!(Grade::for_score(49.9), Grade::ProductCentric);
        assert_eq!(Status::for_score(95.0), Status::Pass);
        assert_eq!(Status::for_score(10.0), Status::Fail);
    }
}
