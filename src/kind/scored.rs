//! A check's judgement, as a kind's `score` returns it and run-level scoring reads it.

use std::collections::BTreeSet;

use super::CheckError;
use crate::benchmarks::Benchmark;
use crate::channel::Channel;
use crate::verdict::{ErrorCode, Evidence, Finding, Metric, Severity, Status, human_seconds};

/// A check's judgement, before it is placed in the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: Option<f64>,
    pub status: Status,
    pub metrics: Vec<Metric>,
    pub findings: Vec<Finding>,
    pub evidence: Vec<Evidence>,
    pub error: Option<String>,
    pub error_code: Option<ErrorCode>,
    /// How each channel the check measured fared: the responsiveness category
    /// scores channels from these and needs two of them answered.
    pub channels: Vec<ChannelScore>,
}

/// One channel within one check.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelScore {
    pub channel: Channel,
    pub score: f64,
    /// Someone (or, for pages, something) answered on it.
    pub answered: bool,
    /// Contacts made and how many of them a person answered, for contact-based checks.
    pub contacts: Option<(usize, usize)>,
}

impl Scored {
    /// The channels on which someone answered.
    pub fn answered_channels(&self) -> BTreeSet<&str> {
        self.channels
            .iter()
            .filter(|c| c.answered)
            .map(|c| c.channel.as_str())
            .collect()
    }
}

impl Default for Scored {
    fn default() -> Self {
        Self {
            score: None,
            status: Status::NotApplicable,
            metrics: Vec::new(),
            findings: Vec::new(),
            evidence: Vec::new(),
            error: None,
            error_code: None,
            channels: Vec::new(),
        }
    }
}

impl Scored {
    /// A check that could not observe, with the cause in words and as a code.
    pub fn failed(error: &CheckError) -> Self {
        Self::error(error.code(), error.to_string())
    }

    pub fn error(code: ErrorCode, message: String) -> Self {
        Self {
            status: Status::Error,
            error: Some(message),
            error_code: Some(code),
            ..Self::default()
        }
    }

    pub fn with_score(score: f64) -> Self {
        Self {
            score: Some(score),
            status: Status::for_score(score),
            ..Self::default()
        }
    }
}

/// A finding when a typical time is slower than the benchmark's median (it scores under 50).
pub fn slow_finding(scored: &mut Scored, seconds: f64, benchmark: &Benchmark, what: &str) {
    if seconds > benchmark.curve.median {
        scored.findings.push(
            Finding::new(
                crate::verdict::Code::SlowChannel,
                Severity::Warn,
                format!(
                    "The {what} on {} is {}, slower than the benchmark median of {}.",
                    crate::channel::Channel::new(benchmark.channel.as_str()).words(),
                    human_seconds(seconds),
                    human_seconds(benchmark.curve.median)
                ),
                format!(
                    "Aim for {} or faster ({}).",
                    human_seconds(benchmark.curve.p10),
                    benchmark.source
                ),
            )
            .about(benchmark.channel.clone()),
        );
    }
}
