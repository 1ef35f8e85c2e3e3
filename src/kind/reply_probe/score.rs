//! Probes answered by mail: each probe is a contact on its channel (`email`, or `web_form`
//! for a form answered by mail), scored like a logged one once it is settled (a person
//! answered, or `wait` ran out); until then it is pending, neither 0 nor an error.

use super::{EmailObservation, ProbeResult, ReplyClass};
use crate::benchmarks::Benchmarks;
use crate::kind::contacts::Outcome;
use crate::kind::{Contact, Scored, score_contacts};
use crate::stats::median;
use crate::verdict::{Evidence, Finding, Metric, Severity, Status, Unit, human_seconds};

pub fn score(obs: &EmailObservation, benchmarks: &Benchmarks) -> Scored {
    let channel = obs.channel.as_str();
    let (pending, settled): (Vec<&ProbeResult>, Vec<&ProbeResult>) =
        obs.probes.iter().partition(|p| is_pending(p, obs));
    let contacts: Vec<Contact> = settled
        .iter()
        .enumerate()
        .map(|(index, probe)| as_contact(index + 1, channel, probe))
        .collect();
    let mut scored = if contacts.is_empty() {
        Scored {
            status: Status::Pending,
            ..Scored::default()
        }
    } else {
        score_contacts(&contacts, benchmarks, |c| format!("probe {}", c.contact_id))
    };
    // What the sender sees before a person answers: how soon anything comes back.
    let first = |class: Option<ReplyClass>| -> Vec<f64> {
        obs.probes
            .iter()
            .filter_map(|p| first_reply(p, class).map(|at| seconds_between(p.sent_at, at)))
            .collect()
    };
    let replies = obs.probes.iter().map(|p| p.replies.len()).sum::<usize>();
    #[expect(clippy::cast_precision_loss, reason = "reply counts are small")]
    scored.metrics.push(Metric::new(
        format!("{channel}.replies"),
        format!("{}: replies received", obs.channel.title()),
        replies as f64,
        None,
    ));
    for (name, label, times) in [
        ("first_reply_median", "first reply, median", first(None)),
        (
            "first_automatic_median",
            "first automatic reply, median",
            first(Some(ReplyClass::Automatic)),
        ),
    ] {
        if let Some(typical) = median(&times) {
            scored.metrics.push(Metric::new(
                format!("{channel}.{name}"),
                format!("{}: {label}", obs.channel.title()),
                typical,
                Some(Unit::Seconds),
            ));
        }
    }
    if !pending.is_empty() {
        let until = pending
            .iter()
            .filter_map(|p| wait_ends(p, obs))
            .max()
            .unwrap_or(obs.observed_at);
        scored.findings.push(Finding::new(
            crate::verdict::Code::ProbesPending,
            Severity::Info,
            format!(
                "{} probe(s) still within the {} wait for a person's answer (until {}).",
                pending.len(),
                human_seconds(obs.wait_s),
                until.to_rfc3339()
            ),
            "Run the audit again after the wait: answers that arrived by then are counted.",
        ));
    }
    if obs
        .probes
        .iter()
        .any(|p| p.replies.iter().any(|r| r.class == ReplyClass::Bounce))
    {
        scored.findings.push(Finding::new(
            crate::verdict::Code::ProbeBounced,
            Severity::Fail,
            "A probe bounced: the support address did not accept the message.",
            "Publish a support address that exists and is monitored.",
        ));
    }
    // Said once a probe is settled: an acknowledgement that has not come yet may still come.
    if !settled.is_empty() && first(Some(ReplyClass::Automatic)).is_empty() {
        scored.findings.push(Finding::new(
            crate::verdict::Code::NoAcknowledgement,
            Severity::Info,
            "No automatic acknowledgement came back.",
            "Acknowledge every e-mail at once with a reference and when a person will answer.",
        ));
    }
    scored.evidence.extend(pending.iter().map(|p| Evidence {
        source: format!("probe {} to {}", p.token, p.sent_to),
        observed_at: Some(p.sent_at),
        excerpt: format!("{channel} · pending · {}", describe_replies(p)),
    }));
    scored
}

/// When the wait for a probe's answer ends. Saved evidence is read as it is
/// found, so a wait no calendar can hold (negative, not a number, millennia)
/// has no end: the probe stays pending rather than being scored on a made-up date.
fn wait_ends(
    probe: &ProbeResult,
    obs: &EmailObservation,
) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    const LONGEST_MS: f64 = 1e13; // about 300 years
    let ms = (obs.wait_s * 1000.0).round();
    if !(0.0..=LONGEST_MS).contains(&ms) {
        return None;
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "checked to lie within 0..=1e13"
    )]
    let wait = chrono::TimeDelta::try_milliseconds(ms as i64)?;
    probe.sent_at.checked_add_signed(wait)
}

/// No person has answered yet, the message did not bounce (no answer will come), and the
/// wait is not over when the mailbox was read.
fn is_pending(probe: &ProbeResult, obs: &EmailObservation) -> bool {
    first_reply(probe, Some(ReplyClass::Human)).is_none()
        && first_reply(probe, Some(ReplyClass::Bounce)).is_none()
        && wait_ends(probe, obs).is_none_or(|end| obs.observed_at < end)
}

/// The first reply of a class, or of any class but bounces and newsletters.
fn first_reply(
    probe: &ProbeResult,
    class: Option<ReplyClass>,
) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    probe
        .replies
        .iter()
        .filter(|r| match class {
            Some(class) => r.class == class,
            None => matches!(r.class, ReplyClass::Automatic | ReplyClass::Human),
        })
        .map(|r| r.received_at)
        .min()
}

fn seconds_between(
    from: chrono::DateTime<chrono::FixedOffset>,
    to: chrono::DateTime<chrono::FixedOffset>,
) -> f64 {
    (to - from).num_milliseconds() as f64 / 1000.0
}

fn as_contact(row: usize, channel: &str, probe: &ProbeResult) -> Contact {
    let human = first_reply(probe, Some(ReplyClass::Human));
    let outcome = if human.is_some() {
        Outcome::Answered
    } else if probe.replies.iter().any(|r| r.class == ReplyClass::Bounce) {
        Outcome::Bounced
    } else if probe.replies.is_empty() {
        Outcome::NoReply
    } else {
        Outcome::NoReplyFromPerson
    };
    Contact {
        row,
        channel: channel.into(),
        contact_id: probe.token.clone(),
        sent_at: probe.sent_at,
        first_response_at: first_reply(probe, None),
        first_human_response_at: human,
        resolved_at: None,
        outcome: Some(outcome),
        notes: Some(format!(
            "to {} · {}",
            probe.sent_to,
            describe_replies(probe)
        )),
    }
}

/// Each reply with its class, delay and the reasons for the class, e.g.
/// "automatic after 2 min (Auto-Submitted: auto-replied)".
fn describe_replies(probe: &ProbeResult) -> String {
    if probe.replies.is_empty() {
        return "no reply yet".into();
    }
    probe
        .replies
        .iter()
        .map(|r| {
            format!(
                "{} after {} ({})",
                r.class.describe(),
                human_seconds(seconds_between(probe.sent_at, r.received_at)),
                r.reasons.join("; ")
            )
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::super::Reply;
    use super::*;
    use crate::benchmarks;

    fn at(text: &str) -> chrono::DateTime<chrono::FixedOffset> {
        chrono::DateTime::parse_from_rfc3339(text).unwrap()
    }

    fn probe(token: &str, replies: &[(&str, ReplyClass)]) -> ProbeResult {
        ProbeResult {
            token: token.into(),
            sent_to: "support@acme.example".into(),
            sent_at: at("2026-11-20T09:00:00Z"),
            replies: replies
                .iter()
                .map(|(when, class)| Reply {
                    received_at: at(when),
                    class: *class,
                    reasons: vec!["test".into()],
                    subject: "Re: Question".into(),
                })
                .collect(),
        }
    }

    fn observed(at_time: &str, probes: Vec<ProbeResult>) -> EmailObservation {
        EmailObservation {
            channel: "email".into(),
            observed_at: at(at_time),
            wait_s: 48.0 * 3600.0,
            probes,
        }
    }

    fn metric(scored: &Scored, name: &str) -> Option<f64> {
        scored
            .metrics
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.value)
    }

    #[test]
    fn an_unanswered_probe_is_pending_within_the_wait_and_zero_after_it() {
        let unanswered = || {
            vec![probe(
                "t1",
                &[("2026-11-20T09:02:00Z", ReplyClass::Automatic)],
            )]
        };
        let inside = score(
            &observed("2026-11-21T09:00:00Z", unanswered()),
            benchmarks::shipped(),
        );
        assert_eq!(inside.status, Status::Pending);
        assert_eq!(inside.score, None);
        assert_eq!(inside.error, None);
        assert_eq!(metric(&inside, "email.first_automatic_median"), Some(120.0));

        let after = score(
            &observed("2026-11-22T09:00:01Z", unanswered()),
            benchmarks::shipped(),
        );
        assert_eq!(after.score, Some(0.0));
        assert_eq!(metric(&after, "email.response_rate"), Some(0.0));
        assert!(after.answered_channels().is_empty());
    }

    #[test]
    fn automatic_acknowledgements_are_reported_but_only_a_person_answers() {
        let obs = observed(
            "2026-11-20T12:00:00Z",
            vec![
                probe(
                    "t1",
                    &[
                        ("2026-11-20T09:01:00Z", ReplyClass::Automatic),
                        ("2026-11-20T10:00:00Z", ReplyClass::Human),
                    ],
                ),
                probe("t2", &[("2026-11-20T09:00:30Z", ReplyClass::Automatic)]),
            ],
        );
        let scored = score(&obs, benchmarks::shipped());
        // One settled probe, answered by a person after an hour; the other still waits.
        assert_eq!(metric(&scored, "email.contacts"), Some(1.0));
        assert_eq!(
            metric(&scored, "email.first_human_response_median"),
            Some(3600.0)
        );
        assert_eq!(metric(&scored, "email.first_automatic_median"), Some(45.0));
        assert_eq!(metric(&scored, "email.first_reply_median"), Some(45.0));
        assert_eq!(metric(&scored, "email.replies"), Some(3.0));
        assert!(scored.answered_channels().contains("email"));
        let hour = benchmarks::shipped().contact["email"].curve.score(3600.0);
        assert!((scored.score.unwrap() - hour).abs() < 1e-9);
        assert!(
            scored
                .findings
                .iter()
                .any(|f| f.message.contains("1 probe(s) still within"))
        );
    }

    #[test]
    fn a_bounce_is_no_answer_at_once_and_says_so() {
        // Read an hour after sending, well within the wait: a bounce does not wait.
        let obs = observed(
            "2026-11-20T10:00:00Z",
            vec![probe("t1", &[("2026-11-20T09:00:05Z", ReplyClass::Bounce)])],
        );
        let scored = score(&obs, benchmarks::shipped());
        assert_eq!(scored.score, Some(0.0));
        assert_eq!(metric(&scored, "email.first_reply_median"), None);
        assert!(
            scored
                .findings
                .iter()
                .any(|f| f.severity == Severity::Fail && f.message.contains("bounced"))
        );
        assert!(scored.evidence[0].excerpt.contains("bounced"));
    }
}
