//! Probes answered by mail: a question sent to the company, by e-mail (`email`) or through a
//! form (`web-form` with `reply_via`), whose replies arrive in the auditor's mailbox. At each
//! audit they are read, matched to their probe, judged bounce, automatic, newsletter or a
//! person by the signals of checks/replies.toml, and scored as contacts once settled.

pub mod score;
pub mod signals;

mod classify;
mod replies;
mod text;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{CheckError, CollectContext, Probe};
use crate::channel::Channel;
use crate::net::mail::{self, Account};
use crate::verdict::ErrorCode;

use replies::{replies_to, search_keys};

/// Where the answers to probes arrive, and how they are judged: an `email` check's mailbox,
/// which a `web-form` with `reply_via` borrows.
#[derive(Debug, Clone, PartialEq)]
pub struct Mailbox {
    /// The auditor's address: answers come back to its tagged plus-addresses.
    pub from: String,
    pub imap: Account,
    /// The IMAP folder to read (`mailbox` in the audit file).
    pub folder: String,
    /// How long a person has to answer.
    pub wait: Duration,
    /// How replies are judged: the shipped signals, with the audit's own `signals` file added.
    pub signals: Arc<signals::Rules>,
}

/// The tagged plus-address answers to a probe go to: `local+token@domain` of `from`.
pub fn reply_address(from: &str, token: &str) -> String {
    let (local, domain) = split_address(from);
    format!("{local}+{token}@{domain}")
}

/// `local@domain` split for plus-addressing (validated as containing `@` when the file loaded).
pub fn split_address(address: &str) -> (&str, &str) {
    address.rsplit_once('@').unwrap_or((address, "localhost"))
}

/// How a reply was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyClass {
    Bounce,
    Automatic,
    Newsletter,
    Human,
}

impl ReplyClass {
    /// The class as a report says it: who or what answered.
    pub fn describe(self) -> &'static str {
        match self {
            ReplyClass::Bounce => "bounce",
            ReplyClass::Automatic => "automatic",
            ReplyClass::Newsletter => "newsletter",
            ReplyClass::Human => "a person",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub received_at: DateTime<FixedOffset>,
    pub class: ReplyClass,
    /// The signals behind the class, e.g. "Auto-Submitted: auto-replied".
    pub reasons: Vec<String>,
    pub subject: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeResult {
    pub token: String,
    pub sent_to: String,
    pub sent_at: DateTime<FixedOffset>,
    pub replies: Vec<Reply>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailObservation {
    /// `email`, or `web_form` for a form whose answer comes by e-mail.
    pub channel: Channel,
    pub observed_at: DateTime<FixedOffset>,
    pub wait_s: f64,
    pub probes: Vec<ProbeResult>,
}

/// Reads the replies to this check's probes; `channel` is what the probes were sent through.
pub async fn collect(
    mailbox: &Mailbox,
    ctx: &CollectContext,
    channel: Channel,
) -> Result<EmailObservation, CheckError> {
    let observed_at = chrono::Local::now().fixed_offset();
    let sent = ctx
        .probes
        .as_ref()
        .map_err(|e| CheckError::failed(ErrorCode::InvalidInput, e.clone()))?;
    if sent.is_empty() {
        return Err(CheckError::failed(
            ErrorCode::InvalidInput,
            format!(
                "no probe sent for `{}` yet: run `centricity probe send` first (it records the probe in the history store)",
                ctx.check_id
            ),
        ));
    }
    let since = sent.iter().map(|p| p.sent_at).min().unwrap_or(observed_at);
    let wanted: Vec<String> = sent.iter().flat_map(search_keys).collect();
    let query = mail::Query {
        mailbox: &mailbox.folder,
        since,
        wanted: &wanted,
        whole: &|header: &[u8]| {
            parse_message(header).is_some_and(|m| classify::may_report(&m, &mailbox.signals))
        },
    };
    let headers = ctx
        .budget
        .bound(mail::headers_since(&mailbox.imap, &query))
        .await
        .ok_or_else(|| {
            CheckError::failed(
                ErrorCode::Timeout,
                format!("{} ran out while reading the mailbox", ctx.budget),
            )
        })?
        .map_err(|e| CheckError::failed(e.code, e.message))?;
    let probes = read_replies(sent, &headers, observed_at, &mailbox.signals);
    Ok(EmailObservation {
        channel,
        observed_at,
        wait_s: mailbox.wait.as_secs_f64(),
        probes,
    })
}

/// Each probe with its replies found among the mailbox's messages, judged.
/// Pure: what strangers' mail servers wrote in, results out (and fuzzed as such).
pub fn read_replies(
    sent: &[Probe],
    headers: &[mail::Header],
    observed_at: DateTime<FixedOffset>,
    rules: &signals::Rules,
) -> Vec<ProbeResult> {
    let parsed: Vec<(Option<DateTime<FixedOffset>>, mail_parser::Message<'_>)> = headers
        .iter()
        .filter_map(|h| parse_message(&h.raw).map(|m| (h.received_at, m)))
        .collect();
    sent.iter()
        .map(|probe| ProbeResult {
            token: probe.token.clone(),
            sent_to: probe.sent_to.clone(),
            sent_at: probe.sent_at,
            replies: replies_to(probe, &parsed, observed_at, rules),
        })
        .collect()
}

/// A message as mail-parser reads it, or `None`. Anyone can write to the
/// auditor's mailbox, and mail-parser asserts on some malformed MIME (found by
/// fuzzing, `fixtures/fuzz/email-replies/`): such a message is skipped, not
/// allowed to take the whole check down.
/// How one saved message reads as a reply, as the audit reads it: its class and reasons, and
/// which of `probes` (if any) it answers, timed by its `Date` against that probe's sending.
/// `None` when it is not a message at all.
pub fn judge<'p>(
    raw: &[u8],
    probes: &'p [Probe],
    rules: &signals::Rules,
) -> Option<(ReplyClass, Vec<String>, Option<&'p Probe>)> {
    let message = parse_message(raw)?;
    let answered = probes
        .iter()
        .find(|probe| replies::matches_probe(&message, probe, &[]));
    let elapsed = answered.zip(message.date()).and_then(|(probe, date)| {
        let date = DateTime::parse_from_rfc3339(&date.to_rfc3339()).ok()?;
        (date - probe.sent_at).to_std().ok()
    });
    let (class, reasons) = classify::classify(&message, rules, elapsed);
    Some((class, reasons, answered))
}

fn parse_message(raw: &[u8]) -> Option<mail_parser::Message<'_>> {
    std::panic::catch_unwind(|| mail_parser::MessageParser::default().parse(raw))
        .ok()
        .flatten()
}
