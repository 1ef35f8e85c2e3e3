//! `email`: a tagged question sent to the support address (`centricity probe
//! send`), then, at each `centricity audit`, the replies that arrived are read
//! from the auditor's mailbox, matched to the probe and classified as bounce,
//! automatic, newsletter or human, with the reasons recorded.

use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use toml_span::de_helpers::TableHelper;

use super::{CheckParams, KindInfo};
use crate::audit::values::{DurationValue, read_table};
use crate::audit::{LoadContext, at};
use crate::category::Category;
use crate::check::{CheckError, CollectContext};
use crate::net::mail::{self, Account, Security};
use crate::store::Probe;

pub const KIND: KindInfo = KindInfo {
    name: "email",
    summary: "A question e-mailed to customer service, and how fast a person answers it.",
    category: Some(Category::Responsiveness),
    keys: &[
        "to",
        "from",
        "subject",
        "body",
        "smtp { host, port, user, password_env, tls }",
        "imap { … }",
        "mailbox",
        "wait",
    ],
    motivation: "E-mail is the channel customers use for anything that needs a written answer, and the one \
                 most often left unanswered.",
    measures: "`centricity probe send` sends a uniquely tagged question and records it in the history store; \
               each audit reads the replies from the IMAP mailbox (matched by In-Reply-To/References, the \
               plus-address token or the subject token) and classifies them (bounce, automatic by RFC 3834 \
               and common headers, newsletter, human), timing them by the server's receive time. Metrics \
               email.first_human_response_median, email.response_rate, email.contacts, email.first_reply_median, \
               email.first_automatic_median, email.replies.",
    scoring: "Time to the first human reply on the contact.email curve; within `wait` with no human reply a \
              probe is pending (neither 0 nor an error); past it, 0 with a finding. Automatic \
              acknowledgements are reported, not counted as answers.",
    improve: "Answer e-mails within the hour in business hours, acknowledge automatically with a reference \
              and a promise of when, and never leave one unanswered.",
    parse,
};

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub to: String,
    pub from: String,
    pub subject: String,
    pub body: String,
    pub smtp: Account,
    pub imap: Account,
    pub mailbox: String,
    pub wait: Duration,
}

const DEFAULT_SUBJECT: &str = "Question about my contract";
const DEFAULT_BODY: &str = "Hello,\n\nI would like to move my contract to a new address next month. What do I need to do, \
     and will it change my price?\n\nThank you.";

fn parse(th: &mut TableHelper<'_>, _ctx: &mut LoadContext<'_>) -> Option<(Category, CheckParams)> {
    let to = th.required_s::<String>("to").ok();
    let from = th.required_s::<String>("from").ok();
    let subject = th
        .optional::<String>("subject")
        .unwrap_or_else(|| DEFAULT_SUBJECT.into());
    let body = th
        .optional::<String>("body")
        .unwrap_or_else(|| DEFAULT_BODY.into());
    let mailbox = th
        .optional::<String>("mailbox")
        .unwrap_or_else(|| "INBOX".into());
    let wait = th
        .optional::<DurationValue>("wait")
        .map_or(Duration::from_secs(48 * 3600), |d| d.0);
    let smtp = account(th, "smtp");
    let imap = account(th, "imap");
    for address in [&to, &from].into_iter().flatten() {
        if !address.value.contains('@') {
            th.errors.extend(
                at(
                    format!("`{}` is not an e-mail address", address.value),
                    address,
                )
                .errors,
            );
        }
    }
    Some((
        Category::Responsiveness,
        CheckParams::Email(Params {
            to: to?.value,
            from: from?.value,
            subject,
            body,
            smtp: smtp?,
            imap: imap?,
            mailbox,
            wait,
        }),
    ))
}

fn account(th: &mut TableHelper<'_>, key: &'static str) -> Option<Account> {
    let Some((_, mut table)) = th.take(key) else {
        // Asked for as a plain key, the missing table is reported at the check's place.
        let _ = th.required::<String>(key);
        return None;
    };
    read_table(&mut table, &mut th.errors, |t| {
        // Every key is read before any is judged, so all problems surface at once.
        let host = t.required::<String>("host").ok();
        let port = t.required::<u16>("port").ok();
        let user = t.required::<String>("user").ok();
        let password_env = t.required_s::<String>("password_env").ok();
        let tls = t.optional_s::<String>("tls");
        let mut problems = Vec::new();
        if let Some(name) = password_env.as_ref().filter(|name| {
            name.value.is_empty()
                || !name
                    .value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
        }) {
            problems.push(at(
                "`password_env` names an environment variable, such as AUDIT_SMTP_PASSWORD",
                name,
            ));
        }
        let loopback = host
            .as_deref()
            .is_some_and(|h| matches!(h, "127.0.0.1" | "localhost" | "::1"));
        let security = match tls.as_ref().map(|s| s.value.as_str()) {
            None | Some("tls") => Some(Security::Tls),
            Some("starttls") if key == "smtp" => Some(Security::StartTls),
            Some("none") if loopback => Some(Security::None),
            Some(other) => {
                let message = match other {
                    "none" => "`tls = \"none\"` sends passwords in clear: allowed on loopback only",
                    "starttls" => {
                        "IMAP is read over TLS from the start (`tls = \"tls\"`, port 993)"
                    }
                    _ => "`tls` is \"tls\", \"starttls\" or \"none\"",
                };
                problems.extend(tls.as_ref().map(|value| at(message, value)));
                None
            }
        };
        let valid = problems.is_empty();
        t.errors.extend(problems.into_iter().flat_map(|p| p.errors));
        Some(Account {
            host: host?,
            port: port?,
            user: user?,
            password_env: password_env?.value,
            security: security?,
        })
        .filter(|_| valid)
    })
    .flatten()
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
    pub channel: String,
    pub observed_at: DateTime<FixedOffset>,
    pub wait_s: f64,
    pub probes: Vec<ProbeResult>,
}

/// Reads the replies to this check's probes; `channel` is what the probes were sent through.
pub async fn collect(
    params: &Params,
    ctx: &CollectContext,
    channel: &str,
) -> Result<EmailObservation, CheckError> {
    let observed_at = chrono::Local::now().fixed_offset();
    let sent = ctx
        .probes
        .as_ref()
        .map_err(|e| CheckError::Network(e.clone()))?;
    if sent.is_empty() {
        return Err(CheckError::Network(format!(
            "no probe sent for `{}` yet: run `centricity probe send` first (it records the probe in the history store)",
            ctx.check_id
        )));
    }
    let since = sent.iter().map(|p| p.sent_at).min().unwrap_or(observed_at);
    let wanted: Vec<String> = sent.iter().flat_map(search_keys).collect();
    let query = mail::Query {
        mailbox: &params.mailbox,
        since,
        wanted: &wanted,
    };
    let headers = mail::headers_since(&params.imap, &query)
        .await
        .map_err(CheckError::Network)?;
    let parsed: Vec<(Option<DateTime<FixedOffset>>, mail_parser::Message<'_>)> = headers
        .iter()
        .filter_map(|h| {
            mail_parser::MessageParser::default()
                .parse(&h.raw)
                .map(|m| (h.received_at, m))
        })
        .collect();
    let probes = sent
        .iter()
        .map(|probe| ProbeResult {
            token: probe.token.clone(),
            sent_to: probe.sent_to.clone(),
            sent_at: probe.sent_at,
            replies: replies_to(probe, &parsed, observed_at),
        })
        .collect();
    Ok(EmailObservation {
        channel: channel.to_string(),
        observed_at,
        wait_s: params.wait.as_secs_f64(),
        probes,
    })
}

/// IMAP search keys for the direct replies to `probe`: the server finds them
/// however much other mail arrived. Tokens and Message-IDs are ours: no quotes inside.
fn search_keys(probe: &Probe) -> Vec<String> {
    let token = &probe.token;
    let mut keys = vec![
        format!("SUBJECT \"{token}\""),
        format!("TO \"+{token}@\""),
        format!("HEADER Delivered-To \"+{token}@\""),
    ];
    if !probe.message_id.is_empty() {
        let id = &probe.message_id;
        keys.push(format!("HEADER In-Reply-To \"{id}\""));
        keys.push(format!("HEADER References \"{id}\""));
    }
    keys
}

/// The messages that answer `probe`, oldest first. Replies to replies join the
/// thread: a helpdesk often answers under its own acknowledgement.
fn replies_to(
    probe: &Probe,
    messages: &[(Option<DateTime<FixedOffset>>, mail_parser::Message<'_>)],
    observed_at: DateTime<FixedOffset>,
) -> Vec<Reply> {
    // A form probe has no Message-ID of ours: its replies are found by the plus-address.
    let own_id = probe.message_id.trim_matches(['<', '>']);
    let mut thread: Vec<String> = Some(own_id)
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .into_iter()
        .collect();
    let mut matched = vec![false; messages.len()];
    let mut replies = Vec::new();
    for _ in 0..3 {
        for ((received_at, message), matched) in messages.iter().zip(&mut matched) {
            // The probe itself (a copy to the auditor) is no reply.
            let is_probe = !own_id.is_empty() && message.message_id() == Some(own_id);
            if *matched || is_probe || !matches_probe(message, probe, &thread) {
                continue;
            }
            *matched = true;
            thread.extend(
                message
                    .message_id()
                    .filter(|id| !id.is_empty())
                    .map(str::to_string),
            );
            // INTERNALDATE has whole seconds: a reply within the second of sending counts, at 0 s.
            if received_at.is_some_and(|t| t.timestamp() < probe.sent_at.timestamp()) {
                continue;
            }
            let (class, reasons) = classify(message);
            replies.push(Reply {
                received_at: received_at.unwrap_or(observed_at).max(probe.sent_at),
                class,
                reasons,
                subject: message.subject().unwrap_or_default().to_string(),
            });
        }
    }
    replies.sort_by_key(|r| r.received_at);
    replies
}

fn header<'a>(message: &'a mail_parser::Message<'_>, name: &'static str) -> &'a str {
    message.header_raw(name).unwrap_or_default()
}

/// Threading headers first, then the plus-address token, then the subject token.
fn matches_probe(message: &mail_parser::Message<'_>, probe: &Probe, thread: &[String]) -> bool {
    let threading = format!(
        "{} {}",
        header(message, "In-Reply-To"),
        header(message, "References")
    );
    if thread
        .iter()
        .any(|id| threading.contains(&format!("<{id}>")))
    {
        return true;
    }
    let to = format!(
        "{} {} {}",
        header(message, "To"),
        header(message, "Delivered-To"),
        header(message, "Cc")
    )
    .to_lowercase();
    let token = probe.token.to_lowercase();
    to.contains(&format!("+{token}@"))
        || message
            .subject()
            .unwrap_or_default()
            .to_lowercase()
            .contains(&token)
}

/// RFC 3834 and the de-facto headers decide "automatic"; delivery reports are bounces;
/// list headers mark newsletters; anything else is a person.
pub fn classify(message: &mail_parser::Message<'_>) -> (ReplyClass, Vec<String>) {
    let get = |name: &'static str| header(message, name).trim().to_string();
    let from = get("From").to_lowercase();
    let content_type = get("Content-Type").to_lowercase();
    if content_type.contains("report-type=delivery-status") || from.contains("mailer-daemon") {
        return (
            ReplyClass::Bounce,
            vec![format!("delivery report (From: {from})")],
        );
    }
    let mut reasons = Vec::new();
    let auto_submitted = get("Auto-Submitted").to_lowercase();
    if !auto_submitted.is_empty() && auto_submitted.split([';', ' ', '(']).next() != Some("no") {
        reasons.push(format!("Auto-Submitted: {auto_submitted}"));
    }
    for name in [
        "X-Autoreply",
        "X-Autorespond",
        "X-Autoresponder",
        "X-Autogenerated",
        "X-Amazon-Auto-Reply",
    ] {
        if !get(name).is_empty() {
            reasons.push(format!("{name} present"));
        }
    }
    let precedence = get("Precedence").to_lowercase();
    if matches!(precedence.as_str(), "auto_reply" | "bulk" | "junk" | "list") {
        reasons.push(format!("Precedence: {precedence}"));
    }
    if !reasons.is_empty() {
        return (ReplyClass::Automatic, reasons);
    }
    if !get("List-Id").is_empty() || !get("List-Unsubscribe").is_empty() {
        return (ReplyClass::Newsletter, vec!["list headers".into()]);
    }
    let subject = message.subject().unwrap_or_default().to_lowercase();
    let auto_subject = [
        "auto:",
        "automatic reply",
        "auto-reply",
        "autoreply",
        "out of office",
        "réponse automatique",
        "automatische antwort",
    ];
    if auto_subject.iter().any(|p| subject.starts_with(p))
        || ["no-reply", "noreply", "donotreply", "do-not-reply"]
            .iter()
            .any(|p| from.contains(p))
    {
        return (
            ReplyClass::Automatic,
            vec![format!(
                "subject or sender reads automatic: {subject} / {from}"
            )],
        );
    }
    (ReplyClass::Human, vec!["no automatic markers".into()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class_of(headers: &str) -> ReplyClass {
        let raw = format!("{headers}\r\n\r\n");
        classify(
            &mail_parser::MessageParser::default()
                .parse(raw.as_bytes())
                .unwrap(),
        )
        .0
    }

    #[test]
    fn replies_are_classified_by_their_headers() {
        let base = "From: Support <support@acme.example>\r\nSubject: Re: Question";
        for (extra, class) in [
            ("", ReplyClass::Human),
            ("\r\nAuto-Submitted: auto-replied", ReplyClass::Automatic),
            ("\r\nAuto-Submitted: no", ReplyClass::Human),
            ("\r\nX-Autoreply: yes", ReplyClass::Automatic),
            ("\r\nPrecedence: bulk", ReplyClass::Automatic),
            ("\r\nList-Unsubscribe: <mailto:x@y>", ReplyClass::Newsletter),
            (
                "\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=x",
                ReplyClass::Bounce,
            ),
        ] {
            assert_eq!(class_of(&format!("{base}{extra}")), class, "{extra:?}");
        }
        assert_eq!(
            class_of("From: noreply@acme.example\r\nSubject: We received your message"),
            ReplyClass::Automatic
        );
        assert_eq!(
            class_of("From: a@b.c\r\nSubject: Automatic reply: Question"),
            ReplyClass::Automatic
        );
    }
}
