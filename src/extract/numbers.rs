//! Numbers as pages write them: `4,3`, `11,117`, `1 234`, `6.2M`, `89\n`,
//! `Rated 3.5/5`, `87 out of 100`. Ratings and counts read differently: a
//! rating's separator is decimal unless it groups thousands; a count has no
//! decimals, only groups and suffixes. Signs and exponents are kept, so that a number
//! that cannot be a rating (`-5`, `1e300`) is seen as such (see `plausible`), not misread.

use super::plausible::MAX_COUNT;

/// A rating read from text, with the scale the text itself states, if any.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatingText {
    pub value: f64,
    /// From `4.5/5`, `3.5 of 5`, `87 out of 100`.
    pub best_hint: Option<f64>,
}

/// Reads a rating value: the first number, signed, with a `/N`, `of N` or `out of N` scale if
/// one follows. The sign is kept so that `-5` of 5 is judged impossible, not read as 5.
pub fn parse_rating(text: &str) -> Option<RatingText> {
    let text = normalise_spaces(text);
    let (before, first, rest) = first_number_token(&text)?;
    let value = decimal(first)?;
    let value = if negative(before) { -value } else { value };
    let rest = rest.trim_start();
    let after_marker = rest
        .strip_prefix('/')
        .or_else(|| rest.strip_prefix("out of "))
        .or_else(|| rest.strip_prefix("of "))
        .or_else(|| rest.strip_prefix("sur "));
    let best_hint = after_marker
        .and_then(|r| first_number_token(r.trim_start()))
        .and_then(|(_, t, _)| decimal(t));
    value.is_finite().then_some(RatingText { value, best_hint })
}

/// Whether the text is a number that is not finite, as JSON-LD can only write it: `NaN`,
/// `Infinity`, `-inf`.
pub fn non_finite(text: &str) -> bool {
    let text = text.trim();
    let unsigned = text
        .strip_prefix(['-', '+', '\u{2212}'])
        .unwrap_or(text)
        .to_ascii_lowercase();
    matches!(unsigned.as_str(), "nan" | "inf" | "infinity")
}

/// A number as a rating field states it, before it is judged: signed, NaN for `NaN` or
/// `Infinity`, `None` when the text holds no number.
pub fn stated_number(text: &str) -> Option<f64> {
    if non_finite(text) {
        return Some(f64::NAN);
    }
    parse_rating(text).map(|r| r.value)
}

/// Reads a count: `11,117`, `11.117`, `11 117`, `6.2M`, `35,9 k`, `(321)`. `None` for a
/// count that cannot be (below zero, above [`MAX_COUNT`], not a number): see [`stated_count`].
pub fn parse_count(text: &str) -> Option<u64> {
    let count = stated_count(text)?;
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "checked finite, non-negative and at most 10^9"
    )]
    (count.is_finite() && (0.0..=MAX_COUNT).contains(&count)).then_some(count as u64)
}

/// A count as the text states it, before it is judged: signed, whole, with its suffix and
/// exponent (`-12`, `6.2B`, `1e300`), NaN for `NaN` or `Infinity`.
pub fn stated_count(text: &str) -> Option<f64> {
    if non_finite(text) {
        return Some(f64::NAN);
    }
    let text = normalise_spaces(text);
    let (before, token, rest) = first_number_token(&text)?;
    let multiplier = match rest.trim_start().chars().next() {
        Some('k' | 'K') => 1e3,
        Some('M') => 1e6,
        Some('B') => 1e9,
        _ => 1.0,
    };
    let value = if multiplier > 1.0 || token.contains(['e', 'E']) {
        decimal(token)?
    } else {
        grouped_integer(token)?
    };
    let count = (value * multiplier).round();
    Some(if negative(before) { -count } else { count })
}

/// Whether the text before a number ends in a minus sign that belongs to it: `-5`, `(−5`,
/// but not `Top-5`, where the hyphen joins a word.
fn negative(before: &str) -> bool {
    let mut back = before.chars().rev();
    matches!(back.next(), Some('-' | '\u{2212}')) && !back.next().is_some_and(char::is_alphanumeric)
}

/// Spaces used as thousands separators (NBSP, narrow NBSP, thin space) become plain spaces;
/// full-width digits become ASCII.
fn normalise_spaces(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{00A0}' | '\u{202F}' | '\u{2009}' | '\u{2007}' => ' ',
            '０'..='９' => char::from_digit(c as u32 - '０' as u32, 10).unwrap_or(c),
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// The first run of digits with `.`, `,`, `'` or single spaces between digit groups and an
/// optional exponent (`1e300`): what comes before it, the run, and what follows.
fn first_number_token(text: &str) -> Option<(&str, &str, &str)> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let bytes = text.as_bytes();
    let mut end = start;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_digit() {
            i += 1;
            end = i;
        } else if matches!(b, b'.' | b',' | b'\'' | b' ')
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
        {
            // A space only joins digit groups of exactly three ("1 234", not "4 5").
            if b == b' '
                && bytes[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count()
                    != 3
            {
                break;
            }
            i += 1;
        } else {
            break;
        }
    }
    // An exponent is part of the number: "1e300" read as 1 would hide an absurd count.
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let digits_at = end + 1 + usize::from(matches!(bytes.get(end + 1), Some(b'+' | b'-')));
        let digits = bytes
            .get(digits_at..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits > 0 {
            end = digits_at + digits;
        }
    }
    // Every cut is next to an ASCII byte (a digit, a sign or an `e`), so on a char boundary.
    Some((text.get(..start)?, text.get(start..end)?, text.get(end..)?))
}

/// A decimal number: if both `.` and `,` occur the last is the decimal mark; a lone `,` is
/// decimal unless it groups exactly three digits after a short head (`4,3` vs `11,117`).
fn decimal(token: &str) -> Option<f64> {
    let token: String = token.chars().filter(|c| *c != ' ' && *c != '\'').collect();
    let (dot, comma) = (token.rfind('.'), token.rfind(','));
    let normalised = match (dot, comma) {
        (Some(d), Some(c)) if c > d => token.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => token.replace(',', ""),
        (None, Some(_)) if is_thousands_grouping(&token, ',') => token.replace(',', ""),
        (None, Some(_)) => token.replace(',', "."),
        (Some(_), None) if token.matches('.').count() > 1 => token.replace('.', ""),
        _ => token,
    };
    normalised.parse().ok()
}

/// An integer written with any thousands separator.
fn grouped_integer(token: &str) -> Option<f64> {
    let digits: String = token.chars().filter(char::is_ascii_digit).collect();
    let has_separator = digits.len() != token.len();
    // "4.5" is not a count of 45: separators must group by three.
    if has_separator
        && !is_thousands_grouping(
            token,
            token.chars().find(|c| !c.is_ascii_digit()).unwrap_or(','),
        )
    {
        return decimal(token).map(f64::round);
    }
    digits.parse().ok()
}

fn is_thousands_grouping(token: &str, separator: char) -> bool {
    let groups: Vec<&str> = token.split(separator).collect();
    groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..]
            .iter()
            .all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_in_the_wild() {
        // (text, value, best hint)
        let table = [
            ("4.4", 4.4, None),
            ("4,3", 4.3, None),
            ("  4.4032 ", 4.4032, None),
            ("Rated 3.5/5", 3.5, Some(5.0)),
            ("9,2/10", 9.2, Some(10.0)),
            ("87 out of 100", 87.0, Some(100.0)),
            ("5.0 of 5 bubbles", 5.0, Some(5.0)),
            ("4.5 stars", 4.5, None),
            ("４.５", 4.5, None),
        ];
        for (text, value, best) in table {
            let parsed = parse_rating(text).unwrap_or_else(|| panic!("{text:?} not parsed"));
            assert_eq!((parsed.value, parsed.best_hint), (value, best), "{text:?}");
        }
        assert_eq!(parse_rating(""), None);
        assert_eq!(parse_rating("Pichet d'Or"), None);
    }

    #[test]
    fn counts_in_the_wild() {
        let table = [
            ("89\n        ", 89),
            ("11,117", 11_117),
            ("11.117", 11_117),
            ("1 234", 1234),
            ("1\u{a0}234", 1234),
            ("1\u{202f}234 avis", 1234),
            ("6.2M Ratings", 6_200_000),
            ("35,9 k", 35_900),
            ("(321)", 321),
            ("33,981,176", 33_981_176),
            ("3077", 3077),
        ];
        for (text, want) in table {
            assert_eq!(parse_count(text), Some(want), "{text:?}");
        }
        assert_eq!(parse_count("none"), None);
    }

    #[test]
    fn a_sign_or_an_exponent_is_never_dropped() {
        // "-5" once read as 5: the sign is part of the number, whether ASCII or typographic.
        for (text, value) in [
            ("-5", -5.0),
            ("−4.5", -4.5),
            ("-0,5", -0.5),
            (" -3/5", -3.0),
        ] {
            let parsed = parse_rating(text).unwrap_or_else(|| panic!("{text:?} not parsed"));
            assert_eq!(parsed.value, value, "{text:?}");
        }
        // A hyphen inside a word or range is not a sign.
        assert_eq!(parse_rating("Top-5").map(|r| r.value), Some(5.0));
        assert_eq!(parse_rating("4.5e0").map(|r| r.value), Some(4.5));
        // Counts as stated, before they are judged: signed, with their exponent.
        for (text, value) in [
            ("-12", -12.0),
            ("1e300", 1e300),
            ("2.5E9", 2.5e9),
            ("6.2B", 6.2e9),
            ("11,117", 11_117.0),
        ] {
            assert_eq!(stated_count(text), Some(value), "{text:?}");
        }
        // A count that cannot be is no count: never 12, 1 or u64::MAX.
        for text in ["-12", "1e300", "2000000000", "NaN", "Infinity"] {
            assert_eq!(parse_count(text), None, "{text:?}");
        }
        for text in ["NaN", "nan", "Infinity", "-Infinity", "+inf", " INF "] {
            assert!(non_finite(text), "{text:?}");
            assert!(
                stated_count(text).is_some_and(|n| !n.is_finite()),
                "{text:?}"
            );
        }
        assert!(!non_finite("Infinity Pools Ltd"));
    }
}
