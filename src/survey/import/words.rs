//! Texts as the matcher compares them: a canonical form (numbering, hints and punctuation
//! gone), their meaningful words, Dice's coefficient, containment and negations.

use super::super::labels::normalise;
use std::collections::BTreeSet;

/// The form two texts are compared in: tags, case, quotes and whitespace
/// normalised, then leading numbering (`1.`, `Q3.`, `3)`), parenthesised hints
/// (`(select all that apply)`, also any other parenthesis: both sides lose
/// them alike) and trailing punctuation or required-marks removed.
pub fn canonical(text: &str) -> String {
    let text = normalise(text).replace(['“', '”', '„', '«', '»'], "\"");
    let mut plain = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    let unnumbered = strip_numbering(&plain);
    unnumbered
        .trim_matches(|c: char| {
            c.is_whitespace() || matches!(c, '?' | '.' | ':' | '!' | '*' | ';' | ',')
        })
        .to_string()
}

/// `1. text`, `Q3. text`, `3) text`, `Q3_1: text`, `Q4 text` → `text` (never to nothing).
/// A bare number followed by a space is content (`3 systems`), not numbering.
pub(super) fn strip_numbering(text: &str) -> &str {
    let (prefixed, rest) = match text.strip_prefix('q') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => (true, rest),
        _ => (false, text),
    };
    let bytes = rest.as_bytes();
    let mut end = 0;
    // Digits, with `.` or `_` between digits (`3.1`, `3_1`).
    while end < bytes.len()
        && (bytes[end].is_ascii_digit()
            || (matches!(bytes[end], b'.' | b'_')
                && end > 0
                && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)))
    {
        end += 1;
    }
    if end == 0 {
        return text;
    }
    let after = rest.get(end..).unwrap_or_default();
    let marked = after
        .strip_prefix(['.', ')', ':', '-'])
        .or_else(|| after.strip_prefix('–'));
    let body = match marked {
        Some(body) => body,
        None if prefixed => after,
        None => return text,
    };
    let stripped = body.trim_start();
    if stripped.is_empty() || stripped.len() == body.len() {
        return text;
    }
    stripped
}

/// Words that carry no meaning for matching.
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "to", "of", "and", "or", "is", "are", "be", "do", "does", "you", "your", "i",
    "my", "me", "we", "our", "us", "for", "in", "on", "at", "with", "by", "it", "its", "that",
    "this", "so", "as", "from", "about", "there", "their", "they", "can", "how", "what", "which",
    "when", "who", "whom", "usually", "most", "much", "many",
];

/// Words that turn a statement around: two texts that differ in them never match.
const NEGATIONS: &[&str] = &[
    "not", "no", "never", "cannot", "can't", "cant", "don't", "dont", "doesn't", "doesnt", "isn't",
    "isnt", "without", "none", "nobody", "hardly", "rarely",
];

pub(super) fn words(text: &str) -> BTreeSet<String> {
    canonical(text)
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(w))
        .map(|w| {
            // Plurals: "questions" and "question" are one word here.
            match w.strip_suffix('s') {
                Some(singular) if w.len() > 3 && !w.ends_with("ss") => singular.to_string(),
                _ => w.to_string(),
            }
        })
        .collect()
}

/// Dice's coefficient of two word sets.
pub(super) fn dice(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    #[expect(clippy::cast_precision_loss, reason = "word counts are small")]
    let value = 2.0 * a.intersection(b).count() as f64 / (a.len() + b.len()) as f64;
    value
}

/// All the shorter set's words are in the longer one: words were added or dropped, none replaced.
pub(super) fn contained(a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
    if a.len() <= b.len() {
        a.is_subset(b)
    } else {
        b.is_subset(a)
    }
}

pub(super) fn negations(words: &BTreeSet<String>) -> Vec<&str> {
    words
        .iter()
        .map(String::as_str)
        .filter(|w| NEGATIONS.contains(w))
        .collect()
}
