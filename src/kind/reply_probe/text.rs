//! What a reply says, read as text once: its senders, its own words without the replies it
//! quotes, every text part of a notice, the addresses it links to, and status codes.

use mail_parser::{Message, MimeHeaders, PartType};

use super::signals::normalise;

/// How much of a message's text is read.
pub(super) const MAX_TEXT: usize = 64 * 1024;

pub(super) fn header<'a>(message: &'a Message<'_>, name: &'static str) -> &'a str {
    message.header_raw(name).unwrap_or_default()
}

/// A header's addresses as `name <address>`, decoded, lower case; the raw value when it has none.
pub(super) fn addresses(message: &Message<'_>, name: &'static str) -> String {
    let parsed = message
        .header(name)
        .and_then(|h| h.as_address())
        .map(|list| {
            list.iter()
                .map(|a| {
                    format!(
                        "{} <{}>",
                        a.name().unwrap_or_default(),
                        a.address().unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .filter(|s| !s.trim_matches([' ', '<', '>', ',']).is_empty());
    normalise(&parsed.unwrap_or_else(|| header(message, name).to_string()))
}

/// What the sender wrote: the body text (HTML read as text), without the replies it quotes.
pub(super) fn own_words(message: &Message<'_>) -> String {
    let mut words = String::new();
    for index in 0..message.text_body_count() {
        let Some(text) = message.body_text(index) else {
            continue;
        };
        for line in text.lines() {
            let line = line.trim();
            if starts_quote(line) {
                break;
            }
            if line.starts_with('>') {
                continue;
            }
            words.push_str(crate::text::prefix(
                line,
                MAX_TEXT.saturating_sub(words.len()),
            ));
            words.push('\n');
        }
        if words.len() >= MAX_TEXT {
            break;
        }
    }
    words
}

/// Where a reply's quotation of an earlier message begins.
fn starts_quote(line: &str) -> bool {
    let lower = line.to_lowercase();
    let separator = lower.trim_matches(['-', '_', '=', ' ', '*']);
    const SEPARATORS: &[&str] = &[
        "original message",
        "ursprüngliche nachricht",
        "ursprungliche nachricht",
        "message d'origine",
        "messaggio originale",
        "mensaje original",
        "oorspronkelijk bericht",
        "mensagem original",
        "wiadomość oryginalna",
        "původní zpráva",
        "ursprungligt meddelande",
        "oprindelig meddelelse",
        "alkuperäinen viesti",
        "forwarded message",
        "begin forwarded message",
    ];
    if lower.starts_with("---") && SEPARATORS.iter().any(|s| separator.starts_with(s)) {
        return true;
    }
    const WROTE: &[&str] = &[
        "wrote:",
        "schrieb:",
        "a écrit :",
        "a écrit:",
        "escribió:",
        "ha scritto:",
        "schreef:",
        "escreveu:",
        "napisał:",
        "napisała:",
        "napisał(a):",
        "napsal:",
        "skrev:",
        "kirjoitti:",
        "rakstīja:",
        "написал:",
        "написала:",
    ];
    lower.chars().count() < 300 && WROTE.iter().any(|w| lower.ends_with(w))
}

/// Every text part, however deep in its multiparts, at most [`MAX_TEXT`] bytes: a notice
/// and the copy it returns.
pub(super) fn every_text(message: &Message<'_>) -> String {
    let mut text = String::new();
    for part in &message.parts {
        let part_text = match &part.body {
            PartType::Text(part_text) => part_text.clone(),
            // A multipart whose boundary the sender wrote wrongly is left as bytes: its text
            // (the notice) is still there to read.
            PartType::Binary(bytes) | PartType::InlineBinary(bytes)
                if part.content_type().is_none_or(|ct| {
                    ct.ctype().eq_ignore_ascii_case("text")
                        || ct.ctype().eq_ignore_ascii_case("multipart")
                }) =>
            {
                String::from_utf8_lossy(bytes)
            }
            _ => continue,
        };
        text.push_str(crate::text::prefix(&part_text, MAX_TEXT - text.len()));
        text.push('\n');
        if text.len() >= MAX_TEXT {
            break;
        }
    }
    text
}

/// The addresses the message links to: HTML `href`s and the URLs in its own words.
pub(super) fn links(message: &Message<'_>, own: &str) -> String {
    let mut links = String::new();
    let mut add = |url: &str| {
        if links.len() < MAX_TEXT {
            links.push_str(&url.to_lowercase());
            links.push(' ');
        }
    };
    for part in message.html_bodies() {
        if let PartType::Html(html) = &part.body {
            let html = crate::text::prefix(html, MAX_TEXT).to_lowercase();
            let mut rest = html.as_str();
            while let Some(at) = rest.find("href=") {
                rest = rest.get(at + 5..).unwrap_or_default();
                let value = rest.trim_start_matches(['"', '\'']);
                let end = value.find(['"', '\'', ' ', '>']).unwrap_or(value.len());
                add(value.get(..end).unwrap_or_default());
            }
        }
    }
    for word in own.split_whitespace().filter(|w| w.starts_with("http")) {
        add(word);
    }
    links
}

pub(super) fn has_part(message: &Message<'_>, kind: &str, subtype: &str) -> bool {
    message.parts.iter().any(|part| {
        part.content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case(kind)
                && ct
                    .subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case(subtype))
        })
    })
}

/// A basic SMTP failure reply (`550`, `452`) standing alone in `text`.
pub(super) fn smtp_reply(text: &str) -> Option<&str> {
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
pub(super) fn status_code(text: &str) -> Option<&str> {
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
