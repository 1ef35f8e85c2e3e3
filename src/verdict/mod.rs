//! What a check's result is made of, in the words the report, saved evidence and every
//! renderer share: its status, findings, metrics with their units, evidence, why it could not
//! observe ([`ErrorCode`]), and the bands a score falls in. A leaf: the kinds, the network
//! layer and survey scoring speak it, and the report is built from it.

mod code;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

pub use code::{Code, is_code};

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
    /// The key tools read (`ttfb_p50`, `email.response_rate`).
    pub name: String,
    /// What it measures, in words people read ("Time to first byte, median"). Absent in runs
    /// recorded before metrics were labelled, and from plug-ins that give none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub value: f64,
    #[serde(default)]
    pub unit: Option<Unit>,
}

impl Metric {
    pub fn new(
        name: impl Into<String>,
        label: impl Into<String>,
        value: f64,
        unit: Option<Unit>,
    ) -> Self {
        Self {
            name: name.into(),
            label: Some(label.into()),
            value,
            unit,
        }
    }

    /// The label, or for a metric without one its key in words (`reply_time` → "Reply time"),
    /// so a report for people never shows a key.
    pub fn label(&self) -> std::borrow::Cow<'_, str> {
        match &self.label {
            Some(label) => label.as_str().into(),
            None => crate::text::capitalised(&self.name.replace(['_', '.'], " ")).into(),
        }
    }

    /// The value with its unit, for people: seconds shown the way they are felt.
    pub fn display_value(&self) -> String {
        match &self.unit {
            Some(Unit::Seconds) => human_seconds(self.value),
            Some(Unit::Ratio) => format!("{:.0}%", self.value * 100.0),
            Some(Unit::OutOf100) => format!("{}/100", trim_number(self.value)),
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
    /// What the finding is about ([`Code`], or a plug-in's own): empty only in reports
    /// recorded before codes existed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code: String,
    /// What of the check it is about, where one check raises the code more than once (a
    /// platform, a channel, a question): with the code and the check id, an action's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub severity: Severity,
    pub message: String,
    /// Every finding says what to do about it.
    pub recommendation: String,
}

impl Finding {
    pub fn new(
        code: Code,
        severity: Severity,
        message: impl Into<String>,
        recommendation: impl Into<String>,
    ) -> Self {
        Self {
            code: code.id().to_string(),
            subject: None,
            severity,
            message: message.into(),
            recommendation: recommendation.into(),
        }
    }

    /// The same finding about one of several things the check measures.
    pub fn about(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// The finding's part of an action id: its code, then its subject where it has one, as
    /// a slug ([`slug`]): the id must come back from a spreadsheet as it went in.
    pub fn key(&self) -> String {
        match &self.subject {
            Some(subject) => format!("{}/{}", self.code, slug(subject)),
            None => self.code.clone(),
        }
    }
}

/// Most characters a subject may hold in an id.
const SLUG_CHARS: usize = 64;

/// `text` as an id's part: ASCII letters, digits, `_` and `.` kept (case too), every other run
/// of characters one `-`, none at either end, at most 64 characters. Nothing in it is a
/// spreadsheet's formula, a separator, a control or a character an 8-bit re-save loses, so the
/// plan's CSV gives the id back unchanged. Two subjects may share a slug: their findings are
/// then one action, as a finding raised twice is.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= SLUG_CHARS {
            break;
        }
    }
    let kept = out.trim_end_matches('-');
    if kept.is_empty() {
        "-".into()
    } else {
        kept.to_string()
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
