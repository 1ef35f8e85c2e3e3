//! Judging one reply: bounce, automatic, newsletter or a person, by the entries of
//! `checks/replies.toml` and the signals only code can read (reports, `Auto-Submitted`, the
//! time since the probe), each kept as a reason.

use std::time::Duration;

use mail_parser::{Message, MimeHeaders};

use super::ReplyClass;
use super::signals::{Place, Rule, Rules, Strength, Table, normalise};
use super::text::{
    addresses, every_text, has_part, header, links, own_words, smtp_reply, status_code,
};

/// Sooner than this after the probe left, nobody has read it: an answer is a machine's.
const MACHINE_QUICK: Duration = Duration::from_secs(60);
const OPENING_CHARS: usize = 300;
/// A person's message links to a few pages at most; a designed mailing, to many.
const MANY_LINKS: usize = 10;

/// One piece of evidence for a table.
struct Signal {
    table: Table,
    strength: Strength,
    transport: bool,
    /// Found in what the message says (subject or text), not in who sent it.
    said: bool,
    reason: String,
}

/// Bounce first (the channel failed, whatever else the message says), then automatic or
/// newsletter (the one with more evidence), a person when neither is decided. `elapsed` is
/// the time since the probe was sent, when known.
pub fn classify(
    message: &Message<'_>,
    rules: &Rules,
    elapsed: Option<Duration>,
) -> (ReplyClass, Vec<String>) {
    let view = View::of(message);
    let mut signals = structural(message, &view, elapsed);
    signals.extend(rules.rules.iter().filter_map(|rule| {
        view.find(rule).map(|reason| Signal {
            table: rule.table,
            strength: rule.strength,
            transport: rule.transport,
            said: !matches!(rule.place, Place::From | Place::Sender | Place::Header(_)),
            reason,
        })
    }));
    let list = signals
        .iter()
        .find(|s| s.table == Table::List)
        .map(|s| s.reason.clone())
        // An announcement list takes no posts: what it delivers is a mailing.
        .filter(|_| {
            !header(message, "List-Post")
                .trim()
                .eq_ignore_ascii_case("no")
                && !header(message, "List-Id")
                    .to_lowercase()
                    .contains("announce")
        });
    if list.is_some() {
        signals.retain(|s| !s.transport);
    }
    decide(&signals, list)
}

fn decide(signals: &[Signal], list: Option<String>) -> (ReplyClass, Vec<String>) {
    let weight = |table: Table| -> u32 {
        signals
            .iter()
            .filter(|s| s.table == table)
            .map(|s| s.strength.weight())
            .sum()
    };
    let (bounce, automatic, newsletter, machine) = (
        weight(Table::Bounce),
        weight(Table::Automatic),
        weight(Table::Newsletter),
        weight(Table::Machine),
    );
    let reasons = |tables: &[Table]| -> Vec<String> {
        let mut chosen: Vec<&Signal> = signals
            .iter()
            .filter(|s| tables.contains(&s.table))
            .collect();
        chosen.sort_by_key(|s| {
            let order = tables.iter().position(|t| *t == s.table);
            (order, s.strength == Strength::Weak)
        });
        chosen.iter().map(|s| describe(s)).collect()
    };
    // A machine's message that says delivery failed is a failure notice.
    let failure_said = signals.iter().any(|s| s.table == Table::Bounce && s.said);
    if bounce >= 2 || (failure_said && automatic + newsletter + machine >= 1) {
        return (
            ReplyClass::Bounce,
            reasons(&[Table::Bounce, Table::Automatic, Table::Machine]),
        );
    }
    // Machine-written, of whichever kind has more evidence: a mailing's footer in a
    // responder's message does not make it a person's.
    if automatic + newsletter + machine >= 2 {
        return if newsletter > automatic {
            (
                ReplyClass::Newsletter,
                reasons(&[Table::Newsletter, Table::Machine]),
            )
        } else {
            (
                ReplyClass::Automatic,
                reasons(&[Table::Automatic, Table::Machine]),
            )
        };
    }
    let mut why = Vec::new();
    if let Some(list) = list {
        why.push(format!(
            "a person's post delivered by a mailing list ({list})"
        ));
    }
    let weak = reasons(&[
        Table::Bounce,
        Table::Automatic,
        Table::Newsletter,
        Table::Machine,
    ]);
    if weak.is_empty() {
        why.push("no automatic markers".to_string());
    } else {
        why.push(format!("too little to tell a machine: {}", weak.join("; ")));
    }
    (ReplyClass::Human, why)
}

fn describe(signal: &Signal) -> String {
    match signal.strength {
        Strength::Strong => signal.reason.clone(),
        Strength::Weak => format!("{} (weak)", signal.reason),
    }
}

/// Signals of a message's structure and timing, which no phrase list can say.
fn structural(message: &Message<'_>, view: &View<'_>, elapsed: Option<Duration>) -> Vec<Signal> {
    let notice = &view.notice;
    let links = view
        .links
        .split(' ')
        .filter(|l| !l.is_empty())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let signal = |table, strength, reason: String| Signal {
        table,
        strength,
        transport: false,
        said: false,
        reason,
    };
    let mut signals = Vec::new();
    let content_type = header(message, "Content-Type").to_lowercase();
    let report = |kind: &str| {
        content_type.contains(&format!("report-type={kind}")) || has_part(message, "message", kind)
    };
    if report("delivery-status") {
        signals.push(if reports_only_success(notice) {
            signal(
                Table::Automatic,
                Strength::Strong,
                "delivery status report of a success (RFC 3464, Action: delivered)".into(),
            )
        } else {
            signal(
                Table::Bounce,
                Strength::Strong,
                "delivery status report (RFC 3464)".into(),
            )
        });
    }
    for (kind, what) in [
        ("disposition-notification", "read receipt (RFC 8098)"),
        ("feedback-report", "abuse report (RFC 5965)"),
    ] {
        if report(kind) {
            signals.push(signal(Table::Automatic, Strength::Strong, what.into()));
        }
    }
    let auto_submitted = header(message, "Auto-Submitted").trim().to_lowercase();
    if !auto_submitted.is_empty() && auto_submitted.split([';', ' ', '(']).next() != Some("no") {
        signals.push(signal(
            Table::Automatic,
            Strength::Strong,
            format!(
                "Auto-Submitted: {}",
                crate::text::first_chars(&auto_submitted, 60)
            ),
        ));
    }
    // RFC 3834 asks responders to send with a null return path, as mail systems do.
    if header(message, "Return-Path").trim() == "<>" {
        signals.push(signal(
            Table::Machine,
            Strength::Weak,
            "null return path (<>)".into(),
        ));
    }
    let tnef = message.parts.iter().any(|part| {
        part.attachment_name()
            .is_some_and(|name| name.eq_ignore_ascii_case("winmail.dat"))
            || part.content_type().is_some_and(|ct| {
                ct.subtype().is_some_and(|s| {
                    s.eq_ignore_ascii_case("ms-tnef") || s.eq_ignore_ascii_case("vnd.ms-tnef")
                })
            })
    });
    if tnef {
        signals.push(signal(
            Table::Automatic,
            Strength::Weak,
            "Outlook's TNEF body (winmail.dat), as its read receipts are sent".into(),
        ));
    }
    if let Some(number) = ticket_number(&view.subject) {
        signals.push(signal(
            Table::Automatic,
            Strength::Weak,
            format!("a ticket number in the subject: #{number}"),
        ));
    }
    if links >= MANY_LINKS {
        signals.push(signal(
            Table::Newsletter,
            Strength::Weak,
            format!("a designed mailing of {links} links"),
        ));
    }
    if let Some(elapsed) = elapsed.filter(|e| *e < MACHINE_QUICK) {
        signals.push(signal(
            Table::Automatic,
            Strength::Weak,
            format!("answered {} s after the probe was sent", elapsed.as_secs()),
        ));
    }
    signals
}

/// A `#` and three or more digits in a subject: how ticket systems number their requests.
fn ticket_number(subject: &str) -> Option<&str> {
    subject.match_indices('#').find_map(|(at, _)| {
        let digits = subject.get(at + 1..)?;
        let end = digits
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(digits.len());
        (end >= 3).then(|| digits.get(..end)).flatten()
    })
}

/// Whether a delivery report's every `Action:` is a success (RFC 3464 reports those too, when
/// the sender asked): a report that reached someone is no bounce.
fn reports_only_success(notice: &str) -> bool {
    let mut actions = notice
        .match_indices("action: ")
        .filter_map(|(at, _)| notice.get(at + 8..))
        .map(|rest| rest.split([' ', ';']).next().unwrap_or_default())
        .peekable();
    actions.peek().is_some() && actions.all(|a| matches!(a, "delivered" | "relayed" | "expanded"))
}

/// The parts of a message the entries look in, each read once and normalised.
struct View<'m> {
    message: &'m Message<'m>,
    from: String,
    sender: String,
    subject: String,
    own: String,
    notice: String,
    links: String,
}

impl<'m> View<'m> {
    fn of(message: &'m Message<'m>) -> Self {
        let from = addresses(message, "From");
        let sender = format!(
            "{from} {} {}",
            addresses(message, "Sender"),
            header(message, "Return-Path").to_lowercase()
        );
        let own = own_words(message);
        let notice = every_text(message);
        Self {
            message,
            from,
            sender,
            subject: normalise(message.subject().unwrap_or_default()),
            links: links(message, &own),
            own: normalise(&own),
            notice: normalise(&notice),
        }
    }

    /// The reason `rule` gives for this message, if it matches.
    fn find(&self, rule: &Rule) -> Option<String> {
        if let Place::Header(name) = &rule.place {
            let value = self.message.header_raw(name.as_str())?;
            let value = normalise(value);
            let matched =
                rule.phrases.is_empty() || rule.phrases.iter().any(|p| value.contains(p.as_str()));
            return matched.then(|| {
                format!(
                    "{} ({name}: {})",
                    rule.signal,
                    crate::text::first_chars(&value, 60)
                )
            });
        }
        let text = match rule.place {
            Place::From => &self.from,
            Place::Sender => &self.sender,
            Place::Subject | Place::SubjectStart => &self.subject,
            Place::Text => &self.own,
            Place::Opening => crate::text::first_chars(&self.own, OPENING_CHARS),
            Place::Notice => &self.notice,
            Place::Links => &self.links,
            Place::Header(_) => return None,
        };
        let phrase = if rule.place == Place::SubjectStart {
            rule.phrases.iter().find(|p| text.starts_with(p.as_str()))
        } else {
            rule.phrases.iter().find(|p| text.contains(p.as_str()))
        }?;
        let code = (rule.place == Place::Notice)
            .then(|| status_code(&self.notice).or_else(|| smtp_reply(&self.notice)))
            .flatten()
            .map_or_else(String::new, |code| format!(", status {code}"));
        Some(format!("{}: \"{phrase}\"{code}", rule.signal))
    }
}

/// Whether a message's header says it may be a report (a bounce above all): such messages are
/// read whole, since what they report on (the probe) and their notice are in the body.
pub fn may_report(message: &Message<'_>, rules: &Rules) -> bool {
    let view = View {
        message,
        from: addresses(message, "From"),
        sender: String::new(),
        subject: normalise(message.subject().unwrap_or_default()),
        own: String::new(),
        notice: String::new(),
        links: String::new(),
    };
    header(message, "Content-Type")
        .to_lowercase()
        .contains("multipart/report")
        || header(message, "Return-Path").trim() == "<>"
        || rules.rules.iter().any(|rule| {
            rule.table == Table::Bounce
                && matches!(
                    rule.place,
                    Place::From | Place::Subject | Place::SubjectStart
                )
                && view.find(rule).is_some()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(raw: &str, elapsed: Option<Duration>) -> (ReplyClass, Vec<String>) {
        let raw = raw.replace('\n', "\r\n");
        let message = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .unwrap();
        classify(&message, Rules::shipped(), elapsed)
    }

    fn class_of(headers: &str) -> ReplyClass {
        judged(&format!("{headers}\n\n"), None).0
    }

    #[test]
    fn replies_are_classified_by_their_headers() {
        let base = "From: Support <support@acme.example>\nSubject: Re: Question";
        for (extra, class) in [
            ("", ReplyClass::Human),
            ("\nAuto-Submitted: auto-replied", ReplyClass::Automatic),
            ("\nAuto-Submitted: no", ReplyClass::Human),
            ("\nX-Autoreply: yes", ReplyClass::Automatic),
            ("\nPrecedence: junk", ReplyClass::Automatic),
            // Mailing lists and responders both say bulk: alone it tells nothing.
            ("\nPrecedence: bulk", ReplyClass::Human),
            ("\nList-Unsubscribe: <mailto:x@y>", ReplyClass::Newsletter),
            (
                "\nX-Mailer: MailChimp Mailer - **CID1234**",
                ReplyClass::Newsletter,
            ),
            (
                "\nContent-Class: urn:content-classes:mdn",
                ReplyClass::Automatic,
            ),
            (
                "\nContent-Type: multipart/report; report-type=delivery-status; boundary=x",
                ReplyClass::Bounce,
            ),
        ] {
            assert_eq!(class_of(&format!("{base}{extra}")), class, "{extra:?}");
        }
        assert_eq!(
            class_of("From: noreply@acme.example\nSubject: We received your message"),
            ReplyClass::Automatic
        );
        for subject in [
            "Automatic reply: Question",
            "Automātiskā atbilde: Question",
            "Odpowiedź automatyczna: Question",
            "Poza biurem: Question",
            "Read: Question",
            "Jane Doe is out of the office.",
        ] {
            assert_eq!(
                class_of(&format!("From: a@b.c\nSubject: {subject}")),
                ReplyClass::Automatic,
                "{subject}"
            );
        }
    }

    #[test]
    fn a_persons_post_through_a_discussion_list_is_a_person() {
        let post = "From: Jane <jane@acme.example>\nSubject: Re: Question\nList-Id: <help.lists.acme.example>\n\
                    List-Post: <mailto:help@lists.acme.example>\nList-Unsubscribe: <mailto:help-leave@lists.acme.example>\n\
                    Precedence: bulk\nX-Mailman-Version: 2.1.39\n\nYou can move the contract online.\n\
                    _______________________________________________\nhelp mailing list\nTo unsubscribe visit …\n";
        let (class, reasons) = judged(post, None);
        assert_eq!(class, ReplyClass::Human, "{reasons:?}");
        assert!(reasons[0].contains("mailing list"), "{reasons:?}");
        // The same list's manager writing is a machine; an announcement list's mailing, bulk.
        let manager = post.replace("jane@acme.example", "help-owner@lists.acme.example");
        assert_eq!(judged(&manager, None).0, ReplyClass::Automatic);
        let announcement = post.replace("<mailto:help@lists.acme.example>", "NO");
        assert_eq!(judged(&announcement, None).0, ReplyClass::Newsletter);
    }

    #[test]
    fn a_failure_notice_is_a_bounce_whatever_else_it_says() {
        let filter = "From: filter@mail.acme.example\nAuto-Submitted: auto-replied\n\n\
                      Your message could not be delivered to support@acme.example.\n";
        let (class, reasons) = judged(filter, None);
        assert_eq!(class, ReplyClass::Bounce, "{reasons:?}");
        let postmaster =
            "From: postmaster@acme.example\nSubject: failed mail\nPrecedence: bulk\n\nSorry.\n";
        assert_eq!(judged(postmaster, None).0, ReplyClass::Bounce);
        // A person telling of a failed delivery is no notice.
        let person = "From: Tom <tom@acme.example>\nSubject: Re: Question\n\n\
                      Our letter could not be delivered, we will send it again.\n";
        assert_eq!(judged(person, None).0, ReplyClass::Human);
    }

    #[test]
    fn an_acknowledgement_is_automatic_when_it_says_so_twice_or_comes_within_seconds() {
        let ack = "From: Acme Support <support@acme.example>\nSubject: Re: Question\n\n\
                   Dear customer, we have received your message and will get back to you.\n";
        assert_eq!(judged(ack, None).0, ReplyClass::Automatic);
        let thanks = "From: Acme Support <support@acme.example>\nSubject: Re: Question\n\n\
                      Thanks, we have received your documents. Moving is free of charge.\n";
        let (class, reasons) = judged(thanks, None);
        assert_eq!(class, ReplyClass::Human, "{reasons:?}");
        assert!(reasons[0].starts_with("too little"), "{reasons:?}");
        let (class, reasons) = judged(thanks, Some(Duration::from_secs(4)));
        assert_eq!(class, ReplyClass::Automatic, "{reasons:?}");
        assert!(
            reasons.iter().any(|r| r.contains("4 s after")),
            "{reasons:?}"
        );
    }

    #[test]
    fn quoted_text_is_not_the_senders_words() {
        let reply = "From: Anna <anna@acme.example>\nSubject: Re: Question\n\n\
                     Hello, the move is free.\n\nOn Mon, 5 Jan 2026, Acme wrote:\n\
                     > This is an automated message. We have received your request.\n";
        assert_eq!(judged(reply, None).0, ReplyClass::Human);
    }

    #[test]
    fn a_newsletter_shows_itself_without_list_headers() {
        let html = "From: Acme News <news@acme.example>\nSubject: Winter offers\n\
                    Content-Type: text/html\n\n<p>Offers!</p>\
                    <a href=\"https://acme.example/?utm_campaign=winter\">Shop</a> <a href=\"https://acme.example/u\">Unsubscribe</a>\n";
        let (class, reasons) = judged(html, None);
        assert_eq!(class, ReplyClass::Newsletter, "{reasons:?}");
    }
}
