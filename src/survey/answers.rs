//! Answers in one long format, whatever their source: one row per
//! (respondent, question). Values are typed by the question's kind, and every
//! source (interview, template CSV, vendor export) parses labels the same way.

use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::import::layout::Layout;
use super::labels::normalise;
use super::questionnaire::{DONT_KNOW, Kind, Question};

/// A typed answer. A question not answered has no row at all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// The index of the chosen option (yes_no: 0 = Yes, 1 = No).
    Choice(usize),
    Number(f64),
    /// Options chosen (indices), and any "Other" text.
    Multi {
        chosen: Vec<usize>,
        other: Option<String>,
    },
    Text(String),
    DontKnow,
}

/// One answer of one respondent. A respondent's answers share their texts, and a column's
/// answers its question id: an export holds millions of answers, and a copy of each text
/// per answer cost 13 times the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerRow {
    pub respondent: Arc<str>,
    pub source: Origin,
    pub submitted_at: Option<Arc<str>>,
    /// The respondent's role, where the source says.
    pub segment: Option<Arc<str>>,
    pub question: Arc<str>,
    pub value: Value,
}

/// Where an answer came from: an interview, or a survey tool's export. Written as
/// `interview` or the export's layout name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Interview,
    Export(Layout),
}

impl Origin {
    pub fn name(self) -> &'static str {
        match self {
            Origin::Interview => "interview",
            Origin::Export(layout) => layout.name(),
        }
    }
}

impl Serialize for Origin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Origin {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        if name == Origin::Interview.name() {
            return Ok(Origin::Interview);
        }
        let layout = name.parse().map_err(|_| {
            serde::de::Error::custom(format!(
                "unknown answer source `{name}`: an interview or a survey layout"
            ))
        })?;
        Ok(Origin::Export(layout))
    }
}

/// Hours beyond this are a typo, not an answer.
const MAX_NUMBER: f64 = 10_000.0;

fn is_dont_know(text: &str) -> bool {
    // Most cells are not: skip the normalising allocations for them.
    if text.len() > 16 || !text.starts_with(['d', 'D', 'n', 'N']) {
        return false;
    }
    matches!(
        normalise(text).as_str(),
        "don't know" | "dont know" | "do not know" | "dk" | "n/a" | "not sure"
    ) || normalise(text) == normalise(DONT_KNOW)
}

/// Parses one cell for `question`. `Ok(None)`: not answered.
pub fn parse_cell(question: &Question, raw: &str) -> Result<Option<Value>, String> {
    let raw = raw.trim().trim_start_matches('\'');
    if raw.is_empty() {
        return Ok(None);
    }
    if question.kind.is_scored() && is_dont_know(raw) {
        return Ok(Some(Value::DontKnow));
    }
    match &question.kind {
        Kind::YesNo => match normalise(raw).as_str() {
            "yes" | "y" | "true" | "1" | "oui" | "ja" => Ok(Some(Value::Choice(0))),
            "no" | "n" | "false" | "0" | "non" | "nein" => Ok(Some(Value::Choice(1))),
            _ => Err(format!("`{raw}` is not Yes, No or Don't know")),
        },
        Kind::Scale { .. } | Kind::Maturity4 => {
            choice(&question.kind.labels(), raw).map(|i| Some(Value::Choice(i)))
        }
        Kind::Number { integer, unit, .. } => {
            let number: f64 = raw
                .replace(',', ".")
                .trim_end_matches(|c: char| c.is_alphabetic() || c.is_whitespace())
                .parse()
                .map_err(|_| {
                    format!(
                        "`{raw}` is not a number{}",
                        if unit.is_empty() {
                            String::new()
                        } else {
                            format!(" of {unit}")
                        }
                    )
                })?;
            if !(0.0..=MAX_NUMBER).contains(&number) {
                return Err(format!("{number} is outside 0–{MAX_NUMBER}"));
            }
            if *integer && number.fract() != 0.0 {
                return Err(format!("`{raw}` is not a whole number"));
            }
            Ok(Some(Value::Number(number)))
        }
        Kind::Multi { options, none, .. } => Ok(Some(multi(options, none.as_deref(), raw))),
        Kind::Text => Ok(Some(Value::Text(raw.to_string()))),
    }
}

/// A label, a leading number (`5 - Strongly agree`) or a bare number 1..N.
fn choice(labels: &[&str], raw: &str) -> Result<usize, String> {
    if let Some(i) = labels.iter().position(|l| l.eq_ignore_ascii_case(raw)) {
        return Ok(i);
    }
    let wanted = normalise(raw);
    if let Some(i) = labels.iter().position(|l| normalise(l) == wanted) {
        return Ok(i);
    }
    let digits: String = raw.chars().take_while(char::is_ascii_digit).collect();
    let rest = raw
        .get(digits.len()..)
        .unwrap_or_default()
        .trim_start_matches([' ', '-', '–', '.', ')', ':'])
        .trim();
    if let Ok(n) = digits.parse::<usize>()
        && (1..=labels.len()).contains(&n)
        && (rest.is_empty() || normalise(rest) == normalise(labels[n - 1]))
    {
        return Ok(n - 1);
    }
    Err(format!("`{raw}` is not one of: {}", labels.join(" · ")))
}

/// Multi-select cells are read by known options, never split on a separator:
/// option texts contain commas, and each tool joins them differently.
fn multi(options: &[String], none: Option<&str>, raw: &str) -> Value {
    let mut rest = raw.to_string();
    let mut chosen = Vec::new();
    let mut by_length: Vec<(usize, &String)> = options.iter().enumerate().collect();
    by_length.sort_by_key(|(_, o)| std::cmp::Reverse(o.len()));
    for (i, option) in by_length {
        if let Some(found) = find_ignoring_case(&rest, option) {
            chosen.push(i);
            rest.replace_range(found, "");
        }
    }
    if let Some(found) = none.and_then(|none| find_ignoring_case(&rest, none)) {
        rest.replace_range(found, "");
    }
    chosen.sort_unstable();
    let other = rest
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | '/' | '|'))
        .trim();
    Value::Multi {
        chosen,
        other: (!other.is_empty()).then(|| other.to_string()),
    }
}

/// Where `needle` first stands in `text`, letters compared in lower case, as a range of
/// `text` itself: lower-casing may change a text's length (`İ`), so positions found in a
/// lower-cased copy would not be positions in the original.
fn find_ignoring_case(text: &str, needle: &str) -> Option<std::ops::Range<usize>> {
    let lower = |s: &str| {
        s.chars()
            .flat_map(char::to_lowercase)
            .collect::<Vec<char>>()
    };
    let needle = lower(needle);
    let first = *needle.first()?;
    text.char_indices().find_map(|(start, c)| {
        if !c.to_lowercase().any(|l| l == first) {
            return None;
        }
        let mut wanted = needle.iter();
        for (at, c) in text.get(start..)?.char_indices() {
            if c.to_lowercase().any(|l| wanted.next() != Some(&l)) {
                return None;
            }
            if wanted.len() == 0 {
                return Some(start..start + at + c.len_utf8());
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::questionnaire::shipped;

    #[test]
    fn every_origin_is_written_by_its_name_and_read_back() {
        let every = std::iter::once(Origin::Interview)
            .chain(Layout::ALL.iter().copied().map(Origin::Export));
        for origin in every {
            let written = serde_json::to_value(origin).unwrap();
            assert_eq!(written, origin.name());
            assert_eq!(serde_json::from_value::<Origin>(written).unwrap(), origin);
        }
        let unknown = serde_json::from_str::<Origin>("\"paper\"").unwrap_err();
        assert!(
            unknown
                .to_string()
                .contains("unknown answer source `paper`"),
            "{unknown}"
        );
    }

    #[test]
    fn options_are_found_in_any_case_whatever_lower_casing_does_to_lengths() {
        // `İ` lower-cases to two characters: positions in a lower-cased copy are not positions here.
        assert_eq!(find_ignoring_case("İİ;EMAIL", "email"), Some(5..10));
        assert_eq!(find_ignoring_case("İstanbul", "i̇stanbul"), Some(0..9));
        assert_eq!(find_ignoring_case("Web", "web form"), None);
        let channels = q("CAP-02");
        assert!(matches!(
            parse_cell(&channels, "İİİİ;Email;ẞ web form"),
            Ok(Some(Value::Multi { .. }))
        ));
    }

    fn q(id: &str) -> Question {
        shipped()
            .iter()
            .find_map(|q| q.question(id).cloned())
            .unwrap()
    }

    #[test]
    fn labels_numbers_and_dont_know() {
        let likert = q("INF-01");
        for (raw, want) in [
            ("Agree", Some(Value::Choice(3))),
            ("  strongly AGREE ", Some(Value::Choice(4))),
            ("5 - Strongly agree", Some(Value::Choice(4))),
            ("2", Some(Value::Choice(1))),
            ("Don’t know", Some(Value::DontKnow)),
            ("", None),
        ] {
            assert_eq!(parse_cell(&likert, raw).unwrap(), want, "{raw:?}");
        }
        assert!(
            parse_cell(&likert, "Mostly")
                .unwrap_err()
                .contains("is not one of")
        );
        assert!(parse_cell(&likert, "7").is_err());
        let hours = q("ROU-04");
        assert_eq!(
            parse_cell(&hours, "12,5").unwrap(),
            Some(Value::Number(12.5))
        );
        assert_eq!(
            parse_cell(&hours, "48 hours").unwrap(),
            Some(Value::Number(48.0))
        );
        assert!(
            parse_cell(&hours, "soon")
                .unwrap_err()
                .contains("is not a number of hours")
        );
        assert!(
            parse_cell(&hours, "20000").is_err(),
            "a typo, not an answer"
        );
        assert!(
            parse_cell(&q("INF-03"), "2.5")
                .unwrap_err()
                .contains("whole number")
        );
        assert_eq!(
            parse_cell(&q("CAP-01"), "Y").unwrap(),
            Some(Value::Choice(0))
        );
    }

    #[test]
    fn multi_select_is_read_by_known_options() {
        let channels = q("CAP-02");
        // Google joins with ";", Microsoft adds a trailing ";", Qualtrics uses ",": options contain "/".
        for raw in [
            "Email;Live chat / messaging;Web form",
            "Email;Live chat / messaging;Web form;",
            "Web form,Email,Live chat / messaging",
        ] {
            assert_eq!(
                parse_cell(&channels, raw).unwrap(),
                Some(Value::Multi {
                    chosen: vec![1, 3, 4],
                    other: None
                }),
                "{raw:?}"
            );
        }
        assert_eq!(
            parse_cell(&channels, "Phone;Other;Trade fairs, twice a year").unwrap(),
            Some(Value::Multi {
                chosen: vec![2, 8],
                other: Some("Trade fairs, twice a year".into())
            })
        );
        assert_eq!(
            parse_cell(&channels, "None").unwrap(),
            Some(Value::Multi {
                chosen: vec![],
                other: None
            })
        );
    }
}
