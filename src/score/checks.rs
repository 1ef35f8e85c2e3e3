//! Per-kind scoring of observations: what a check's numbers mean for the
//! customer, as a score, a status, metrics, findings and evidence.

use std::collections::{BTreeMap, BTreeSet};

use super::benchmarks::{Benchmark, Benchmarks};
use crate::stats::{median, percentile};
use crate::audit::CheckSpec;
use crate::check::Observation;
use crate::checks::CheckParams;
use crate::checks::exec::PluginReport;
use crate::checks::http::{self, HttpObservation, SampleOutcome};
use crate::checks::mystery_log::Contact;
use crate::report::model::{Evidence, Finding, Metric, Severity, Status, human_seconds};

/// A check's judgement, before it is placed in the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: Option<f64>,
    pub status: Status,
    pub metrics: Vec<Metric>,
    pub findings: Vec<Finding>,
    pub evidence: Vec<Evidence>,
    pub error: Option<String>,
    /// How each channel the check measured fared: the responsiveness category
    /// scores channels from these and needs two of them answered.
    pub channels: Vec<ChannelScore>,
}

/// One channel within one check.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelScore {
    pub channel: String,
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
            channels: Vec::new(),
        }
    }
}

impl Scored {
    pub fn error(message: String) -> Self {
        Self {
            status: Status::Error,
            error: Some(message),
            ..Self::default()
        }
    }

    fn with_score(score: f64) -> Self {
        Self {
            score: Some(score),
            status: Status::for_score(score),
            ..Self::default()
        }
    }
}

pub fn score_observation(
    spec: &CheckSpec,
    observation: &Observation,
    benchmarks: &Benchmarks,
) -> Scored {
    match (observation, &spec.params) {
        (Observation::Http(obs), CheckParams::Http(params)) => score_http(params, obs, benchmarks),
        (Observation::MysteryLog { file, contacts }, _) => {
            score_contacts(contacts, benchmarks, |c| {
                format!("{file} row {} ({})", c.row, c.contact_id)
            })
        }
        (Observation::Email(obs), CheckParams::Email(_) | CheckParams::WebForm(_)) => {
            super::email::score(obs, benchmarks)
        }
        (Observation::Exec(report), CheckParams::Exec(params)) => {
            score_plugin(report, params.channel.as_deref())
        }
        (Observation::Questionnaire(obs), CheckParams::Questionnaire(params)) => {
            super::questionnaire::score(params, obs)
        }
        (Observation::ContactReach(obs), CheckParams::ContactReach(_)) => {
            super::contact_reach::score(obs)
        }
        (Observation::WebForm(obs), CheckParams::WebForm(_)) => super::web_form::score(obs),
        (Observation::Reviews(obs), CheckParams::Reviews(_)) => {
            super::reviews::score(obs, &benchmarks.reviews)
        }
        (observation, params) => Scored::error(format!(
            "saved evidence is of kind `{}` but the check is `{}`: delete it and run online",
            observation_kind(observation),
            params.kind().name
        )),
    }
}

fn observation_kind(observation: &Observation) -> &'static str {
    match observation {
        Observation::Http(_) => "http",
        Observation::MysteryLog { .. } => "mystery-log",
        Observation::Email(_) => "email",
        Observation::Reviews(_) => "reviews",
        Observation::ContactReach(_) => "contact-reach",
        Observation::WebForm(_) => "web-form",
        Observation::Questionnaire(_) => "questionnaire",
        Observation::Exec(_) => "exec",
    }
}

/// The channel a page answers for in the two-channel rule: a help centre and an
/// API are the web channel as a customer sees it.
fn http_answer_channel(channel: &str) -> &str {
    if channel == "chat" { "chat" } else { "web" }
}

fn score_http(params: &http::Params, obs: &HttpObservation, benchmarks: &Benchmarks) -> Scored {
    let Some(benchmark) = benchmarks.http.get(&params.channel) else {
        return Scored::error(format!(
            "no benchmark curve for http channel `{}`",
            params.channel
        ));
    };
    let total = obs.samples.len();
    let mut sample_scores = Vec::with_capacity(total);
    let (mut ttfbs, mut totals, mut dns, mut connect, mut tls) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut problems: BTreeMap<String, usize> = BTreeMap::new();
    let mut evidence = Vec::with_capacity(total);
    for sample in &obs.samples {
        match &sample.outcome {
            SampleOutcome::Response {
                status,
                final_url,
                redirects,
                dns_s,
                connect_s,
                tls_s,
                ttfb_s,
                total_s,
                body_matched,
            } => {
                ttfbs.push(*ttfb_s);
                totals.push(*total_s);
                dns.push(*dns_s);
                connect.push(*connect_s);
                tls.push(*tls_s);
                let mut failed = Vec::new();
                match params.expect_status {
                    Some(want) if *status != want => {
                        failed.push(format!("status {status}, expected {want}"))
                    }
                    None if !(200..300).contains(status) => failed.push(format!("status {status}")),
                    _ => {}
                }
                if *body_matched == Some(false) {
                    let needle = params.body_contains.as_deref().unwrap_or_default();
                    failed.push(format!("body does not contain {needle:?}"));
                }
                if let Some(max) = params.max_time {
                    if *total_s > max.as_secs_f64() {
                        failed.push(format!(
                            "slower than max_time {}",
                            humantime::format_duration(max)
                        ));
                    }
                }
                sample_scores.push(if failed.is_empty() {
                    benchmark.curve.score(*ttfb_s)
                } else {
                    0.0
                });
                let redirect_note = match redirects {
                    0 => String::new(),
                    1 => " · 1 redirect".into(),
                    n => format!(" · {n} redirects"),
                };
                evidence.push(Evidence {
                    source: final_url.clone(),
                    observed_at: Some(sample.observed_at),
                    excerpt: format!(
                        "HTTP {status} · ttfb {} · total {}{redirect_note}{}",
                        human_seconds(*ttfb_s),
                        human_seconds(*total_s),
                        if failed.is_empty() {
                            String::new()
                        } else {
                            format!(" · failed: {}", failed.join(", "))
                        }
                    ),
                });
                for problem in failed {
                    *problems.entry(problem).or_default() += 1;
                }
            }
            SampleOutcome::Failed { reason } => {
                sample_scores.push(0.0);
                evidence.push(Evidence {
                    source: obs.url.clone(),
                    observed_at: Some(sample.observed_at),
                    excerpt: format!("no response: {reason}"),
                });
                *problems.entry(reason.clone()).or_default() += 1;
            }
        }
    }
    if ttfbs.is_empty() {
        let reason = problems
            .keys()
            .next()
            .cloned()
            .unwrap_or_else(|| "no sample was taken".into());
        let mut scored = Scored::error(format!(
            "no sample of {} got an HTTP response: {reason}",
            obs.url
        ));
        scored.evidence = evidence;
        return scored;
    }
    #[expect(clippy::cast_precision_loss, reason = "sample counts are small")]
    let mean = sample_scores.iter().sum::<f64>() / total as f64;
    let passed = sample_scores
        .iter()
        .zip(&obs.samples)
        .filter(|(_, s)| sample_ok(s, params))
        .count();
    let mut scored = Scored::with_score(mean);
    scored.evidence = evidence;
    #[expect(clippy::cast_precision_loss, reason = "sample counts are small")]
    let availability = passed as f64 / total as f64;
    let p = |values: &[f64], q: f64| percentile(values, q).unwrap_or_default();
    scored.metrics = vec![
        Metric::new("ttfb_p50", p(&ttfbs, 50.0), Some("s")),
        Metric::new("ttfb_p95", p(&ttfbs, 95.0), Some("s")),
        Metric::new("total_p50", p(&totals, 50.0), Some("s")),
        Metric::new("availability", availability, Some("ratio")),
        Metric::new("dns_p50", p(&dns, 50.0), Some("s")),
        Metric::new("connect_p50", p(&connect, 50.0), Some("s")),
        Metric::new("tls_p50", p(&tls, 50.0), Some("s")),
    ];
    scored.channels.push(ChannelScore {
        channel: http_answer_channel(&params.channel).to_string(),
        score: mean,
        answered: passed > 0,
        contacts: None,
    });
    for (problem, count) in problems {
        let severity = if count == total {
            Severity::Fail
        } else {
            Severity::Warn
        };
        scored.findings.push(Finding::new(
            severity,
            format!("{count} of {total} samples of {} failed: {problem}.", obs.url),
            "Make the page answer 2xx, quickly, with the expected content on every request; monitor it.",
        ));
    }
    slow_finding(
        &mut scored,
        p(&ttfbs, 50.0),
        benchmark,
        "median time to first byte",
    );
    scored
}

fn sample_ok(sample: &http::Sample, params: &http::Params) -> bool {
    match &sample.outcome {
        SampleOutcome::Response {
            status,
            total_s,
            body_matched,
            ..
        } => {
            let status_ok = params
                .expect_status
                .map_or((200..300).contains(status), |want| *status == want);
            let time_ok = params
                .max_time
                .is_none_or(|max| *total_s <= max.as_secs_f64());
            status_ok && *body_matched != Some(false) && time_ok
        }
        SampleOutcome::Failed { .. } => false,
    }
}

/// A finding when a typical time is slower than the benchmark's median (it scores under 50).
fn slow_finding(scored: &mut Scored, seconds: f64, benchmark: &Benchmark, what: &str) {
    if seconds > benchmark.curve.median {
        scored.findings.push(Finding::new(
            Severity::Warn,
            format!(
                "The {what} on {} is {}, slower than the benchmark median of {}.",
                benchmark.channel,
                human_seconds(seconds),
                human_seconds(benchmark.curve.median)
            ),
            format!(
                "Aim for {} or faster ({}).",
                human_seconds(benchmark.curve.p10),
                benchmark.source
            ),
        ));
    }
}

/// Contacts made by a customer, logged or probed: a score per channel (an
/// unanswered contact scores 0), answer rates and medians, one evidence entry
/// per contact under the name `source` gives it.
/// Share of a channel's contacts settled on that contact (`resolved` among the resolution
/// outcomes of a first-contact-resolution report), where the log says. Reported, not scored:
/// the score is about a person answering; the rate says whether the answer helped.
fn resolution(scored: &mut Scored, channel: &str, contacts: &[&Contact]) {
    use crate::checks::mystery_log::RESOLUTION_OUTCOMES;
    let judged: Vec<&str> = contacts
        .iter()
        .filter_map(|c| c.outcome.as_deref())
        .filter(|o| RESOLUTION_OUTCOMES.contains(o))
        .collect();
    if judged.is_empty() {
        return;
    }
    #[expect(clippy::cast_precision_loss, reason = "contact counts are small")]
    let rate = judged.iter().filter(|o| **o == "resolved").count() as f64 / judged.len() as f64;
    scored.metrics.push(Metric::new(
        format!("{channel}.resolution_rate"),
        rate,
        Some("ratio"),
    ));
    // Around 70 % is the usual first-contact resolution across contact centres (SQM Group's benchmark).
    if rate < 0.7 {
        scored.findings.push(Finding::new(
            Severity::Warn,
            format!(
                "{channel}: {:.0} % of {} contacts with a known result were resolved on that contact.",
                rate * 100.0,
                judged.len()
            ),
            format!("Give the {channel} team what it needs to settle a question at once: answers, authority, and the customer's history."),
        ));
    }
}

pub(super) fn score_contacts(
    contacts: &[Contact],
    benchmarks: &Benchmarks,
    source: impl Fn(&Contact) -> String,
) -> Scored {
    let mut by_channel: BTreeMap<&str, Vec<&Contact>> = BTreeMap::new();
    for contact in contacts {
        by_channel
            .entry(contact.channel.as_str())
            .or_default()
            .push(contact);
    }
    let mut scored = Scored::default();
    let mut channel_scores = Vec::new();
    for (channel, contacts) in &by_channel {
        let Some(benchmark) = benchmarks.contact.get(*channel) else {
            scored.findings.push(Finding::new(
                Severity::Warn,
                format!("No benchmark curve for channel `{channel}`; its contacts are not scored."),
                "Log the contact under one of the benchmarked channels.",
            ));
            continue;
        };
        let times: Vec<f64> = contacts
            .iter()
            .filter_map(|c| c.human_response_seconds())
            .collect();
        let scores: Vec<f64> = contacts
            .iter()
            .map(|c| {
                c.human_response_seconds()
                    .map_or(0.0, |t| benchmark.curve.score(t))
            })
            .collect();
        #[expect(clippy::cast_precision_loss, reason = "contact counts are small")]
        let (n, answered) = (contacts.len() as f64, times.len() as f64);
        let channel_score = scores.iter().sum::<f64>() / n;
        channel_scores.push(channel_score);
        scored.channels.push(ChannelScore {
            channel: (*channel).to_string(),
            score: channel_score,
            answered: !times.is_empty(),
            contacts: Some((contacts.len(), times.len())),
        });
        scored
            .metrics
            .push(Metric::new(format!("{channel}.contacts"), n, None));
        scored.metrics.push(Metric::new(
            format!("{channel}.response_rate"),
            answered / n,
            Some("ratio"),
        ));
        if let Some(typical) = median(&times) {
            scored.metrics.push(Metric::new(
                format!("{channel}.first_human_response_median"),
                typical,
                Some("s"),
            ));
            slow_finding(&mut scored, typical, benchmark, "median time to a person");
        }
        if times.len() < contacts.len() {
            let unanswered = contacts.len() - times.len();
            scored.findings.push(Finding::new(
                if answered / n < 0.5 { Severity::Fail } else { Severity::Warn },
                format!("{unanswered} of {} {channel} contacts never reached a person.", contacts.len()),
                format!("Staff the {channel} channel or stop offering it: an unanswered contact scores 0."),
            ));
        }
        resolution(&mut scored, channel, contacts);
        for contact in contacts {
            let answer = contact.human_response_seconds().map_or_else(
                || "no human response".to_string(),
                |t| format!("a person after {}", human_seconds(t)),
            );
            let extras: Vec<&str> = [contact.outcome.as_deref(), contact.notes.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            scored.evidence.push(Evidence {
                source: source(contact),
                observed_at: Some(contact.sent_at),
                excerpt: format!(
                    "{channel} · {answer}{}",
                    extras.iter().map(|e| format!(" · {e}")).collect::<String>()
                ),
            });
        }
    }
    // The overall answer rate leads: it is the one number a one-line view should show.
    #[expect(clippy::cast_precision_loss, reason = "contact counts are small")]
    let answered_share = contacts
        .iter()
        .filter(|c| c.first_human_response_at.is_some())
        .count() as f64
        / contacts.len().max(1) as f64;
    #[expect(clippy::cast_precision_loss, reason = "contact counts are small")]
    let overall = [
        Metric::new("response_rate", answered_share, Some("ratio")),
        Metric::new("contacts", contacts.len() as f64, None),
    ];
    scored.metrics.splice(0..0, overall);
    if channel_scores.is_empty() {
        return Scored {
            error: Some("no contact on a benchmarked channel".into()),
            status: Status::Error,
            ..scored
        };
    }
    #[expect(clippy::cast_precision_loss, reason = "channel counts are small")]
    let score = channel_scores.iter().sum::<f64>() / channel_scores.len() as f64;
    Scored {
        score: Some(score),
        status: Status::for_score(score),
        ..scored
    }
}

fn score_plugin(report: &PluginReport, channel: Option<&str>) -> Scored {
    let mut scored = Scored {
        metrics: report.metrics.clone(),
        findings: report.findings.clone(),
        evidence: report.evidence.clone(),
        ..Scored::default()
    };
    match (report.score, report.status) {
        (Some(score), status) => {
            scored.score = Some(score);
            scored.status = status.unwrap_or(Status::for_score(score));
            scored.channels.extend(channel.map(|channel| ChannelScore {
                channel: channel.to_string(),
                score,
                answered: score > 0.0,
                contacts: None,
            }));
        }
        (None, Some(status @ (Status::NotApplicable | Status::Pending | Status::Skipped))) => {
            scored.status = status
        }
        (None, _) => {
            scored.status = Status::Error;
            scored.error = Some("the plug-in returned no score".into());
        }
    }
    scored
}
