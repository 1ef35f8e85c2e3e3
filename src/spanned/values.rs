//! Value types the audit file and the shipped definitions share, each read
//! from a spanned TOML value so a bad one is reported at its place.

use std::time::Duration;

use toml_span::de_helpers::{TableHelper, expected};
use toml_span::value::ValueInner;
use toml_span::{DeserError, Deserialize, Error, ErrorKind, Value};

use super::problem::{InputError, LineIndex, Location, Problem};
use std::path::Path;

/// A number written either as an integer or as a float (`weight = 2` and `weight = 2.5`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number(pub f64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        match value.take() {
            #[expect(
                clippy::cast_precision_loss,
                reason = "weights and thresholds are small"
            )]
            ValueInner::Integer(i) => Ok(Number(i as f64)),
            ValueInner::Float(f) if f.is_finite() => Ok(Number(f)),
            other => Err(expected("a number", other, value.span).into()),
        }
    }
}

/// A duration written `30s`, `15m`, `48h`, `800ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationValue(pub Duration);

/// The longest duration an audit file may give (a year).
pub const LONGEST_DURATION: Duration = Duration::from_secs(366 * 24 * 3600);

impl<'de> Deserialize<'de> for DurationValue {
    fn deserialize(value: &mut Value<'de>) -> Result<Self, DeserError> {
        let text = value.take_string(Some("a duration such as \"30s\", \"15m\" or \"48h\""))?;
        parse_duration(&text)
            .map(DurationValue)
            .map_err(|message| custom(message, value))
    }
}

/// A duration as people write it (`30s`, `15m`, `48h`), longer than zero and
/// at most a year: durations are added to dates and clocks, and one no
/// calendar holds is a typo. Serves the audit file and the command line.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text) {
        Ok(d) if d.is_zero() => Err("a duration must be longer than zero".into()),
        Ok(d) if d > LONGEST_DURATION => Err(format!(
            "`{text}` is longer than a year, the longest duration accepted"
        )),
        Ok(d) => Ok(d),
        Err(_) => Err(format!(
            "`{text}` is not a duration; write it like \"30s\", \"15m\" or \"48h\""
        )),
    }
}

/// Reads a nested table with `read` and refuses its unknown keys; every problem
/// goes to `errors`. `None` only when the value is not a table at all: a table
/// with problems still yields what could be read, so all problems surface at once.
pub fn read_table<'de, T>(
    value: &mut Value<'de>,
    errors: &mut Vec<Error>,
    read: impl FnOnce(&mut TableHelper<'de>) -> T,
) -> Option<T> {
    let mut th = match TableHelper::new(value) {
        Ok(th) => th,
        Err(e) => {
            errors.extend(e.errors);
            return None;
        }
    };
    let out = read(&mut th);
    if let Err(e) = th.finalize(None) {
        errors.extend(e.errors);
    }
    Some(out)
}

/// A custom error at a value's place.
pub fn custom(message: impl Into<String>, value: &Value<'_>) -> DeserError {
    Error {
        kind: ErrorKind::Custom(message.into().into()),
        span: value.span,
        line_info: None,
    }
    .into()
}

/// Converts toml-span's errors into located problems with messages a user can act on.
pub fn problems_from(errors: DeserError, text: &str) -> Vec<Problem> {
    let index = LineIndex::new(text);
    let mut problems = Vec::new();
    for error in errors.errors {
        let at = |offset: usize| index.locate(offset);
        match error.kind {
            ErrorKind::UnexpectedKeys { keys, expected } => {
                let allowed = expected.join(", ");
                for (key, span) in keys {
                    problems.push(Problem {
                        location: at(span.start),
                        message: format!("unknown key `{key}`; expected one of: {allowed}"),
                    });
                }
            }
            ErrorKind::MissingField(field) => problems.push(Problem {
                location: at(error.span.start),
                message: format!("missing required key `{field}` in this table"),
            }),
            _ => problems.push(Problem {
                location: error.line_info.map_or_else(
                    || at(error.span.start),
                    |(line, col)| Location::LineCol {
                        line: line + 1,
                        col: col + 1,
                    },
                ),
                message: error.to_string(),
            }),
        }
    }
    problems.sort_by_key(|p| match p.location {
        Location::LineCol { line, col } => (line, col),
        Location::Cell { .. } | Location::File => (0, 0),
    });
    problems
}

/// Parses a TOML text into a spanned value, or the syntax error at its place.
pub fn parse_toml<'a>(text: &'a str, file: &Path) -> Result<Value<'a>, InputError> {
    toml_span::parse(text).map_err(|err| InputError {
        file: file.to_path_buf(),
        problems: problems_from(err.into(), text),
    })
}

/// `text` as a TOML basic string: quotes and backslashes escaped, control characters as
/// `\uXXXX`, so whatever it holds stays one string value (text from sites, column headers).
pub fn toml_string(text: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
