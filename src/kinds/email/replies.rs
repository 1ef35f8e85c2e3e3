//! Finding the replies to a probe in a mailbox and judging each one: by
//! threading headers, plus-address and subject token; then bounce, automatic,
//! newsletter or human, with the reasons.

use chrono::{DateTime, FixedOffset};
use mail_parser::MimeHeaders;

use super::{Reply, ReplyClass};
use crate::store::Probe;

/// IMAP search keys for the direct replies to `probe`: the server finds them
/// however much other mail arrived. Tokens and Message-IDs are ours: no quotes inside.
pub(super) fn search_keys(probe: &Probe) -> Vec<String> {
    let token = &probe.token;
    let mut keys = vec![
        format!("SUBJECT \"{token}\""),
        format!("TO \"+{token}@\""),
        format!("HEADER Delivered-To \"+{token}@\""),
        // A delivery failure returns the probe in its body.
        format!("BODY \"{token}\""),
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
pub(super) fn replies_to(
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
pub fn matches_probe(message: &mail_parser::Message<'_>, probe: &Probe, thread: &[String]) -> bool {
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
        || returns_probe(message, probe)
}

/// A delivery failure echoes neither the token nor the threading headers in its own headers:
/// it returns the probe inside (`message/rfc822`, `text/rfc822-headers` or quoted text), so
/// the probe's token or Message-ID anywhere in the message marks it as the probe's.
fn returns_probe(message: &mail_parser::Message<'_>, probe: &Probe) -> bool {
    // The part of a message the audit reads whole: a saved 50 MB message costs no more.
    let raw = message.raw_message();
    let raw = &raw[..raw.len().min(crate::net::mail::WHOLE_BYTES)];
    let contains = |needle: &str| {
        !needle.is_empty()
            && raw
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    };
    contains(&probe.token) || contains(probe.message_id.trim_matches(['<', '>']))
}

/// Bounce first (the channel failed, whatever else the message says), then other reports and
/// automatic responses, then newsletters; a person only when nothing automatic is found.
/// Every class keeps the signals that decided it.
pub fn classify(message: &mail_parser::Message<'_>) -> (ReplyClass, Vec<String>) {
    let bounce = bounce_signals(message);
    let strong = bounce.iter().any(|(strong, _)| *strong);
    if strong || bounce.len() >= 2 {
        return (
            ReplyClass::Bounce,
            bounce.into_iter().map(|(_, reason)| reason).collect(),
        );
    }
    let automatic = automatic_signals(message);
    if !automatic.is_empty() {
        return (ReplyClass::Automatic, automatic);
    }
    if !header(message, "List-Id").is_empty() || !header(message, "List-Unsubscribe").is_empty() {
        return (ReplyClass::Newsletter, vec!["list headers".into()]);
    }
    (ReplyClass::Human, vec!["no automatic markers".into()])
}

/// Whether a message's header says it may be a report (a bounce above all): such messages are
/// read whole, since what they report on (the probe) and their notice are in the body.
pub fn may_report(message: &mail_parser::Message<'_>) -> bool {
    let content_type = header(message, "Content-Type").to_lowercase();
    let from = header(message, "From").to_lowercase();
    let subject = message.subject().unwrap_or_default().to_lowercase();
    content_type.contains("multipart/report")
        || from.contains("mailer-daemon")
        || from.contains("postmaster@")
        || header(message, "Return-Path").trim() == "<>"
        || FAILURE_SUBJECTS.iter().any(|p| subject.contains(*p))
}

/// How mail systems name themselves as senders (lower case).
const MAIL_SYSTEM: &[&str] = &[
    "mailer-daemon",
    "mailer daemon",
    "mail delivery system",
    "mail delivery subsystem",
];

/// Subjects mail servers give delivery failures, in the languages they are met in (lower case).
const FAILURE_SUBJECTS: &[&str] = &[
    "undeliverable",
    "undelivered mail",
    "delivery status notification",
    "delivery failure",
    "delivery has failed",
    "mail delivery failed",
    "mail delivery failure",
    "returned mail",
    "failure notice",
    "could not be delivered",
    "unzustellbar",
    "nicht zustellbar",
    "non remis",
    "non distribuable",
    "non recapitabile",
    "no se puede entregar",
    "onbestelbaar",
    "メールエラー",
];

/// Words of a failure notice's body, beside a status code (lower case).
const FAILURE_WORDS: &[&str] = &[
    "could not be delivered",
    "couldn't be found",
    "not delivered",
    "wasn't delivered",
    "delivery has failed",
    "permanent error",
    "permanent fatal error",
    "user unknown",
    "no mailbox",
    "address rejected",
    "does not exist",
    "not listed in",
    "recipient not found",
    "no such user",
    "invalid user",
    "requested action not taken",
    "mailbox unavailable",
    "mailbox is full",
    "over quota",
    "nicht zugestellt",
];

/// (strong, reason) for each sign of a delivery failure. One strong sign is a bounce; so are
/// two weak ones (a postmaster's "DELIVERY FAILURE" in plain text).
fn bounce_signals(message: &mail_parser::Message<'_>) -> Vec<(bool, String)> {
    let mut signals = Vec::new();
    let content_type = header(message, "Content-Type").to_lowercase();
    if content_type.contains("report-type=delivery-status")
        || has_part(message, "message", "delivery-status")
    {
        signals.push((true, "delivery status report (RFC 3464)".to_string()));
    }
    let from = header(message, "From").trim().to_lowercase();
    let return_path = header(message, "Return-Path").trim().to_lowercase();
    if let Some(sender) = [&from, &return_path]
        .into_iter()
        .find(|s| MAIL_SYSTEM.iter().any(|m| s.contains(m)))
    {
        signals.push((true, format!("sender is the mail system: {sender}")));
    } else if ["postmaster@", "post_master@"]
        .iter()
        .any(|p| from.contains(p))
    {
        signals.push((false, format!("sender is the postmaster: {from}")));
    }
    if return_path == "<>" {
        signals.push((false, "null return path (<>)".to_string()));
    }
    let subject = message.subject().unwrap_or_default().to_lowercase();
    if let Some(phrase) = FAILURE_SUBJECTS.iter().find(|p| subject.contains(*p)) {
        signals.push((false, format!("failure subject: {phrase}")));
    }
    let body = body_text(message);
    if let Some(words) = FAILURE_WORDS.iter().find(|w| body.contains(*w)) {
        let code = status_code(&body).or_else(|| smtp_reply(&body));
        let code = code.map_or_else(String::new, |c| format!("status {c}, "));
        signals.push((false, format!("body reports a failure: {code}\"{words}\"")));
    }
    signals
}

/// The reasons a message is automatic: reports other than bounces, RFC 3834 and the de-facto
/// auto-reply headers, responders' subjects and senders. Empty for anything a person wrote.
fn automatic_signals(message: &mail_parser::Message<'_>) -> Vec<String> {
    let get = |name: &'static str| header(message, name).trim().to_lowercase();
    let mut reasons = Vec::new();
    let content_type = get("Content-Type");
    for (report, part, what) in [
        (
            "disposition-notification",
            "disposition-notification",
            "read receipt (RFC 8098)",
        ),
        (
            "feedback-report",
            "feedback-report",
            "abuse report (RFC 5965)",
        ),
    ] {
        if content_type.contains(&format!("report-type={report}"))
            || has_part(message, "message", part)
        {
            reasons.push(what.to_string());
        }
    }
    let auto_submitted = get("Auto-Submitted");
    if !auto_submitted.is_empty() && auto_submitted.split([';', ' ', '(']).next() != Some("no") {
        reasons.push(format!("Auto-Submitted: {auto_submitted}"));
    }
    for name in [
        "X-Autoreply",
        "X-Autorespond",
        "X-Autoresponder",
        "X-Autogenerated",
        "X-Amazon-Auto-Reply",
        "X-Apple-Action",
    ] {
        if !get(name).is_empty() {
            reasons.push(format!("{name}: {}", get(name)));
        }
    }
    for name in ["X-MLServer", "Mailing-List", "X-ML-Name"] {
        if !get(name).is_empty() {
            reasons.push(format!("mailing-list manager ({name})"));
        }
    }
    let mailer = get("X-Mailer");
    if ["vacation", "autorespond", "auto-reply", "autoreply"]
        .iter()
        .any(|r| mailer.contains(r))
    {
        reasons.push(format!("X-Mailer: {mailer}"));
    }
    let precedence = get("Precedence");
    if matches!(precedence.as_str(), "auto_reply" | "bulk" | "junk" | "list") {
        reasons.push(format!("Precedence: {precedence}"));
    }
    let subject = message.subject().unwrap_or_default().trim().to_lowercase();
    if let Some(prefix) = AUTOMATIC_SUBJECTS.iter().find(|p| subject.starts_with(*p)) {
        reasons.push(format!("automatic subject: {prefix}"));
    }
    let from = get("From");
    if let Some(sender) = ["no-reply", "noreply", "donotreply", "do-not-reply"]
        .iter()
        .find(|p| from.contains(*p))
    {
        reasons.push(format!("sender reads automatic: {sender}"));
    }
    reasons
}

/// How responders begin their subjects (lower case): RFC 3834's `Auto:` and the wordings of
/// the common mail clients and servers, in the languages they are met in.
const AUTOMATIC_SUBJECTS: &[&str] = &[
    "auto:",
    "automatic reply",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto response",
    "automatic response",
    "out of office",
    "out-of-office",
    "abwesenheitsnotiz",
    "automatische antwort",
    "réponse automatique",
    "reponse automatique",
    "risposta automatica",
    "respuesta automática",
    "respuesta automatica",
    "automatisch antwoord",
    "resposta automática",
    // Hotmail's abuse reports before ARF.
    "complaint about message from",
];

fn has_part(message: &mail_parser::Message<'_>, kind: &str, subtype: &str) -> bool {
    message.parts.iter().any(|part| {
        part.content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case(kind)
                && ct
                    .subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case(subtype))
        })
    })
}

/// The message's plain-text parts, however deep in its multiparts, lower case, at most 64 KiB.
fn body_text(message: &mail_parser::Message<'_>) -> String {
    const MAX: usize = 64 * 1024;
    let mut text = String::new();
    for part in &message.parts {
        let part_text = match &part.body {
            mail_parser::PartType::Text(part_text) => part_text.clone(),
            // A multipart whose boundary the sender wrote wrongly is left as bytes: its text
            // (the notice) is still there to read.
            mail_parser::PartType::Binary(bytes) | mail_parser::PartType::InlineBinary(bytes)
                if part.content_type().is_none_or(|ct| {
                    ct.ctype().eq_ignore_ascii_case("text")
                        || ct.ctype().eq_ignore_ascii_case("multipart")
                }) =>
            {
                String::from_utf8_lossy(bytes)
            }
            _ => continue,
        };
        text.push_str(crate::text::prefix(&part_text, MAX - text.len()));
        text.push('\n');
        if text.len() >= MAX {
            break;
        }
    }
    text.to_lowercase()
}

/// A basic SMTP failure reply (`550`, `452`) standing alone in `text`.
fn smtp_reply(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(2)).find_map(|i| {
        let code = &bytes[i..i + 3];
        let alone = (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
            && bytes
                .get(i + 3)
                .is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'.');
        let failure = matches!(code[0], b'4' | b'5') && code[1] == b'5' && code[2].is_ascii_digit();
        (alone && failure).then(|| text.get(i..i + 3)).flatten()
    })
}

/// An enhanced status code (`5.1.1`, RFC 3463) of a failure or a delay in `text`.
fn status_code(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find_map(|i| {
        let starts = matches!(bytes[i], b'4' | b'5')
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric() && bytes[i - 1] != b'.');
        if !starts || bytes.get(i + 1) != Some(&b'.') {
            return None;
        }
        let rest = text.get(i..)?;
        let digits = |from: usize| {
            rest.as_bytes()
                .get(from..)
                .map_or(0, |b| b.iter().take_while(|d| d.is_ascii_digit()).count())
        };
        let second = digits(2);
        if !(1..=3).contains(&second) || rest.as_bytes().get(2 + second) != Some(&b'.') {
            return None;
        }
        let third = digits(3 + second);
        (1..=3)
            .contains(&third)
            .then(|| rest.get(..3 + second + third))
            .flatten()
    })
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

    /// The probe every message of `fixtures/mail/replies/` answers.
    fn corpus_probe() -> Probe {
        Probe {
            audit: "Acme".into(),
            check_id: "support-email".into(),
            token: "cx0a1b2c3d4e5f".into(),
            message_id: "<centricity.cx0a1b2c3d4e5f@auditor.example>".into(),
            sent_to: "support@acme.example".into(),
            sent_at: DateTime::parse_from_rfc3339("2026-01-05T09:00:00+01:00").unwrap(),
        }
    }

    /// The messages of a labelled folder of `fixtures/mail/` with the class `expected.toml`
    /// gives each.
    fn labelled(folder: &str) -> Vec<(String, String, Vec<u8>)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/mail")
            .join(folder);
        let expected = std::fs::read_to_string(dir.join("expected.toml")).unwrap();
        expected
            .lines()
            .filter(|l| l.starts_with('"'))
            .map(|line| {
                let (name, class) = line.split_once(" = ").unwrap();
                let (name, class) = (name.trim_matches('"'), class.trim_matches('"'));
                let raw = std::fs::read(dir.join(format!("{name}.eml"))).unwrap();
                (name.to_string(), class.to_string(), raw)
            })
            .collect()
    }

    fn assert_classified(messages: &[(String, String, Vec<u8>)]) {
        for (name, class, raw) in messages {
            let message = mail_parser::MessageParser::default().parse(raw).unwrap();
            let (got, reasons) = classify(&message);
            assert_eq!(
                format!("{got:?}").to_lowercase(),
                *class,
                "{name}: {reasons:?}"
            );
            assert!(!reasons.is_empty(), "{name}: no reason given");
        }
    }

    #[test]
    fn replies_as_servers_and_people_write_them_are_classified_and_matched() {
        let replies = labelled("replies");
        assert!(replies.len() >= 18, "{} messages", replies.len());
        assert_classified(&replies);
        let probe = corpus_probe();
        for (name, _, raw) in &replies {
            let message = mail_parser::MessageParser::default().parse(raw).unwrap();
            assert!(
                matches_probe(&message, &probe, &[]),
                "{name} is not matched to its probe"
            );
        }
    }

    #[test]
    fn real_messages_from_a_public_collection_are_classified_as_labelled() {
        let public = labelled("public");
        assert!(public.len() >= 45, "{} messages", public.len());
        assert_classified(&public);
    }

    #[test]
    fn smtp_replies_are_read_where_they_stand_alone() {
        assert_eq!(smtp_reply("550 - Requested action not taken"), Some("550"));
        assert_eq!(smtp_reply("said: 452 too many"), Some("452"));
        assert_eq!(smtp_reply("room 5501 and 250 ok and 55.5"), None);
    }

    #[test]
    fn status_codes_are_read_where_they_stand_alone() {
        assert_eq!(status_code("said: 550 5.1.1 user unknown"), Some("5.1.1"));
        assert_eq!(status_code("(#5.1.1)"), Some("5.1.1"));
        assert_eq!(status_code("4.4.7 delayed"), Some("4.4.7"));
        assert_eq!(status_code("version 15.1.1 and 2.5.1.1"), None);
        assert_eq!(status_code("5.10 and 5."), None);
    }
}
