//! Contacts a customer made, logged by hand (`mystery-log`) or probed and answered by mail
//! (`email`, a `web-form` with `reply_via`), and their scoring: a score per channel from the
//! time to a person, answer rates, medians and resolution.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{ChannelScore, Scored, slow_finding};
use crate::benchmarks::Benchmarks;
use crate::channel::Channel;
use crate::stats::median;
use crate::verdict::{ErrorCode, Evidence, Finding, Metric, Severity, Status, Unit, human_seconds};

/// What became of a contact: the words of first-contact-resolution reports for a logged one,
/// or what the replies to a probe say. Written in snake case in saved evidence and evidence
/// lines; a probe's own two outcomes are phrases, as its evidence has always shown them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Answered,
    Resolved,
    PartiallyResolved,
    Unresolved,
    Escalated,
    Transferred,
    Callback,
    Voicemail,
    NoAnswer,
    Abandoned,
    Bounced,
    /// A probe nothing answered.
    #[serde(rename = "no reply")]
    NoReply,
    /// A probe answered only by machines.
    #[serde(rename = "no reply from a person")]
    NoReplyFromPerson,
}

impl Outcome {
    /// The outcomes a mystery-shopping log may state, in the order its errors list them.
    pub const LOGGED: [Outcome; 11] = [
        Outcome::Answered,
        Outcome::Resolved,
        Outcome::PartiallyResolved,
        Outcome::Unresolved,
        Outcome::Escalated,
        Outcome::Transferred,
        Outcome::Callback,
        Outcome::Voicemail,
        Outcome::NoAnswer,
        Outcome::Abandoned,
        Outcome::Bounced,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Resolved => "resolved",
            Outcome::PartiallyResolved => "partially_resolved",
            Outcome::Unresolved => "unresolved",
            Outcome::Escalated => "escalated",
            Outcome::Transferred => "transferred",
            Outcome::Callback => "callback",
            Outcome::Voicemail => "voicemail",
            Outcome::NoAnswer => "no_answer",
            Outcome::Abandoned => "abandoned",
            Outcome::Bounced => "bounced",
            Outcome::NoReply => "no reply",
            Outcome::NoReplyFromPerson => "no reply from a person",
        }
    }

    /// Whether the question was settled on that contact, for the outcomes that say: the
    /// resolution rate is the share of these that are `resolved`.
    fn resolved(self) -> Option<bool> {
        match self {
            Outcome::Resolved => Some(true),
            Outcome::PartiallyResolved | Outcome::Unresolved | Outcome::Escalated => Some(false),
            Outcome::Answered
            | Outcome::Transferred
            | Outcome::Callback
            | Outcome::Voicemail
            | Outcome::NoAnswer
            | Outcome::Abandoned
            | Outcome::Bounced
            | Outcome::NoReply
            | Outcome::NoReplyFromPerson => None,
        }
    }
}

/// One contact attempt, as the consultant logged it or a probe made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// The spreadsheet row (the header is row 1), for evidence.
    pub row: usize,
    pub channel: Channel,
    pub contact_id: String,
    pub sent_at: DateTime<FixedOffset>,
    pub first_response_at: Option<DateTime<FixedOffset>>,
    pub first_human_response_at: Option<DateTime<FixedOffset>>,
    pub resolved_at: Option<DateTime<FixedOffset>>,
    pub outcome: Option<Outcome>,
    pub notes: Option<String>,
}

impl Contact {
    /// Seconds from the contact to the first person answering, if one did.
    pub fn human_response_seconds(&self) -> Option<f64> {
        self.first_human_response_at
            .map(|at| (at - self.sent_at).num_milliseconds() as f64 / 1000.0)
    }
}

/// Share of a channel's contacts settled on that contact (`resolved` among the resolution
/// outcomes of a first-contact-resolution report), where the log says. Reported, not scored:
/// the score is about a person answering; the rate says whether the answer helped.
fn resolution(scored: &mut Scored, channel: &Channel, contacts: &[&Contact]) {
    let judged: Vec<bool> = contacts
        .iter()
        .filter_map(|c| c.outcome.and_then(Outcome::resolved))
        .collect();
    if judged.is_empty() {
        return;
    }
    #[expect(clippy::cast_precision_loss, reason = "contact counts are small")]
    let rate = judged.iter().filter(|resolved| **resolved).count() as f64 / judged.len() as f64;
    scored.metrics.push(Metric::new(
        format!("{channel}.resolution_rate"),
        format!("{}: settled on the first contact", channel.title()),
        rate,
        Some(Unit::Ratio),
    ));
    // Around 70 % is the usual first-contact resolution across contact centres (SQM Group's benchmark).
    if rate < 0.7 {
        // A note: the score does not move with it, so it carries no points as an action.
        scored.findings.push(Finding::new(crate::verdict::Code::FirstContactResolution,
            Severity::Info,
            format!(
                "{}: {:.0} % of {} contacts with a known result were resolved on that contact.",
                channel.title(),
                rate * 100.0,
                judged.len()
            ),
            format!("Give the {} team what it needs to settle a question at once: answers, authority, and the customer's history.", channel.words()),
        ).about(channel.to_string()));
    }
}

/// Contacts made by a customer, logged or probed: a score per channel (an
/// unanswered contact scores 0), answer rates and medians, one evidence entry
/// per contact under the name `source` gives it.
pub fn score_contacts(
    contacts: &[Contact],
    benchmarks: &Benchmarks,
    source: impl Fn(&Contact) -> String,
) -> Scored {
    let mut by_channel: BTreeMap<&Channel, Vec<&Contact>> = BTreeMap::new();
    for contact in contacts {
        by_channel
            .entry(&contact.channel)
            .or_default()
            .push(contact);
    }
    let mut scored = Scored::default();
    let mut channel_scores = Vec::new();
    for (channel, contacts) in &by_channel {
        let Some(benchmark) = benchmarks.contact.get(channel.as_str()) else {
            scored.findings.push(
                Finding::new(
                    crate::verdict::Code::ChannelWithoutBenchmark,
                    Severity::Warn,
                    format!(
                        "No benchmark curve for channel `{channel}`; its contacts are not scored."
                    ),
                    "Log the contact under one of the benchmarked channels.",
                )
                .about(channel.to_string()),
            );
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
        let (title, words) = (channel.title(), channel.words());
        let channel_score = scores.iter().sum::<f64>() / n;
        channel_scores.push(channel_score);
        scored.channels.push(ChannelScore {
            channel: (*channel).clone(),
            score: channel_score,
            answered: !times.is_empty(),
            contacts: Some((contacts.len(), times.len())),
        });
        scored.metrics.push(Metric::new(
            format!("{channel}.contacts"),
            format!("{title}: contacts made"),
            n,
            None,
        ));
        scored.metrics.push(Metric::new(
            format!("{channel}.response_rate"),
            format!("{title}: contacts a person answered"),
            answered / n,
            Some(Unit::Ratio),
        ));
        if let Some(typical) = median(&times) {
            scored.metrics.push(Metric::new(
                format!("{channel}.first_human_response_median"),
                format!("{title}: time to a person, median"),
                typical,
                Some(Unit::Seconds),
            ));
            slow_finding(&mut scored, typical, benchmark, "median time to a person");
        }
        if times.len() < contacts.len() {
            let unanswered = contacts.len() - times.len();
            scored.findings.push(Finding::new(crate::verdict::Code::UnansweredContacts,
                if answered / n < 0.5 {
                    Severity::Fail
                } else {
                    Severity::Warn
                },
                format!(
                    "{unanswered} of {} {words} contacts never reached a person.",
                    contacts.len()
                ),
                format!(
                    "Staff the {words} channel or stop offering it: an unanswered contact scores 0."
                ),
            ).about(channel.to_string()));
        }
        resolution(&mut scored, channel, contacts);
        for contact in contacts {
            let answer = contact.human_response_seconds().map_or_else(
                || "no human response".to_string(),
                |t| format!("a person after {}", human_seconds(t)),
            );
            let extras: Vec<&str> = [
                contact.outcome.map(Outcome::as_str),
                contact.notes.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect();
            scored.evidence.push(Evidence {
                source: source(contact),
                observed_at: Some(contact.sent_at),
                excerpt: format!(
                    "{title} · {answer}{}",
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
        Metric::new(
            "response_rate",
            "Contacts a person answered",
            answered_share,
            Some(Unit::Ratio),
        ),
        Metric::new("contacts", "Contacts made", contacts.len() as f64, None),
    ];
    scored.metrics.splice(0..0, overall);
    if channel_scores.is_empty() {
        return Scored {
            error: Some("no contact on a benchmarked channel".into()),
            error_code: Some(ErrorCode::InvalidInput),
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

#[cfg(test)]
pub(crate) mod tests {
    use chrono::{DateTime, Duration as Span, FixedOffset};

    use super::{Contact, Outcome};

    #[test]
    fn every_outcome_is_named_alike_in_words_and_saved_evidence() {
        let every = Outcome::LOGGED
            .into_iter()
            .chain([Outcome::NoReply, Outcome::NoReplyFromPerson]);
        for outcome in every {
            let saved = serde_json::to_value(outcome).unwrap();
            assert_eq!(saved, outcome.as_str());
            assert_eq!(serde_json::from_value::<Outcome>(saved).unwrap(), outcome);
        }
        let unknown = serde_json::from_str::<Outcome>("\"lost\"").unwrap_err();
        assert!(
            unknown.to_string().contains("unknown variant `lost`"),
            "{unknown}"
        );
    }

    /// When the test contacts are made.
    pub(crate) fn t0() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-20T09:00:00+01:00").unwrap()
    }

    /// A contact made at [`t0`], answered by a person `human_after` seconds later (or never).
    pub(crate) fn contact(channel: &str, id: &str, human_after: Option<i64>) -> Contact {
        Contact {
            row: 2,
            channel: channel.into(),
            contact_id: id.into(),
            sent_at: t0(),
            first_response_at: None,
            first_human_response_at: human_after.map(|s| t0() + Span::seconds(s)),
            resolved_at: None,
            outcome: None,
            notes: None,
        }
    }
}
