//! `centricity reviews extract`: every rating found on saved pages or URLs,
//! as JSON (the documented record) or a table.

use comfy_table::{Cell, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

use crate::exit::Exit;
use crate::extract::{self, Bucket, Entity, Rating, Syntax};

/// What became of one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceOutcome {
    Ok,
    NoRating,
    Error,
}

/// One line of `reviews extract --format json`: a rating, or a source that yielded none.
/// Unknown values are `null`; the field set is a contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    pub source: String,
    pub profile: Option<String>,
    pub syntax: Option<Syntax>,
    pub entity: Option<Entity>,
    pub bucket: Option<Bucket>,
    pub value: Option<f64>,
    pub best: Option<f64>,
    pub worst: Option<f64>,
    pub scale_defaulted: Option<bool>,
    pub rating_count: Option<u64>,
    pub review_count: Option<u64>,
    pub normalized: Option<f64>,
    pub reply_rate: Option<f64>,
    pub avg_reply_days: Option<f64>,
    pub repairs: Vec<String>,
    pub outcome: SourceOutcome,
}

impl Found {
    fn rating(source: &str, profile: &str, rating: &Rating, repairs: &[&str]) -> Self {
        Self {
            source: source.to_string(),
            profile: Some(profile.to_string()),
            syntax: Some(rating.syntax),
            entity: Some(rating.entity.clone()),
            bucket: Some(rating.bucket),
            value: Some(rating.value),
            best: Some(rating.best),
            worst: Some(rating.worst),
            scale_defaulted: Some(rating.scale_defaulted),
            rating_count: rating.rating_count,
            review_count: rating.review_count,
            normalized: Some((rating.normalized() * 10.0).round() / 10.0),
            reply_rate: None,
            avg_reply_days: None,
            repairs: repairs.iter().map(|r| (*r).to_string()).collect(),
            outcome: SourceOutcome::Ok,
        }
    }

    fn nothing(
        source: &str,
        profile: Option<&str>,
        outcome: SourceOutcome,
        repairs: &[&str],
    ) -> Self {
        Self {
            source: source.to_string(),
            profile: profile.map(str::to_string),
            syntax: None,
            entity: None,
            bucket: None,
            value: None,
            best: None,
            worst: None,
            scale_defaulted: None,
            rating_count: None,
            review_count: None,
            normalized: None,
            reply_rate: None,
            avg_reply_days: None,
            repairs: repairs.iter().map(|r| (*r).to_string()).collect(),
            outcome,
        }
    }
}

/// The generic profile: schema.org markup in any syntax, on any page.
const GENERIC_PROFILE: &str = "schema-org";

/// Reads one local source (a path or a `file://` URL) into its records.
pub fn read_source(source: &str) -> Result<Vec<Found>, String> {
    let path = source.strip_prefix("file://").unwrap_or(source);
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let (text, _) = extract::charset::decode(&bytes, None);
    let page = extract::extract_html(&text);
    if page.ratings.is_empty() {
        return Ok(vec![Found::nothing(
            source,
            Some(GENERIC_PROFILE),
            SourceOutcome::NoRating,
            &page.repairs,
        )]);
    }
    Ok(page
        .ratings
        .iter()
        .map(|r| Found::rating(source, GENERIC_PROFILE, r, &page.repairs))
        .collect())
}

pub fn run(sources: &[String], json: bool) -> Exit {
    let mut found = Vec::new();
    let mut readable = 0;
    for source in sources {
        match read_source(source) {
            Ok(records) => {
                readable += 1;
                found.extend(records);
            }
            Err(message) => {
                eprintln!("error: {message}");
                found.push(Found::nothing(source, None, SourceOutcome::Error, &[]));
            }
        }
    }
    let output = if json {
        to_json(&found)
    } else {
        to_table(&found)
    };
    print!("{output}");
    if readable == 0 {
        Exit::Runtime
    } else {
        Exit::Ok
    }
}

fn to_json(found: &[Found]) -> String {
    let mut text = serde_json::to_string_pretty(found)
        .unwrap_or_else(|e| unreachable!("plain records serialise: {e}"));
    text.push('\n');
    text
}

fn to_table(found: &[Found]) -> String {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .force_no_tty();
    table.set_header([
        "Source", "Outcome", "Entity", "Bucket", "Rating", "Ratings", "Reviews", "Syntax",
    ]);
    let number = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
    for f in found {
        let entity = f.entity.as_ref().map(|e| {
            let name = e.name.clone().unwrap_or_else(|| "(unnamed)".into());
            e.kind
                .as_ref()
                .map_or(name.clone(), |k| format!("{name} ({k})"))
        });
        let rating = match (f.value, f.best) {
            (Some(v), Some(b)) => format!(
                "{v}/{b}{}",
                if f.scale_defaulted == Some(true) {
                    "*"
                } else {
                    ""
                }
            ),
            _ => String::new(),
        };
        table.add_row(vec![
            Cell::new(&f.source),
            Cell::new(
                serde_json::to_value(f.outcome)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            ),
            Cell::new(entity.unwrap_or_default()),
            Cell::new(
                f.bucket
                    .map(|b| format!("{b:?}").to_lowercase())
                    .unwrap_or_default(),
            ),
            Cell::new(rating),
            Cell::new(number(f.rating_count)),
            Cell::new(number(f.review_count)),
            Cell::new(
                f.syntax
                    .and_then(|s| serde_json::to_value(s).ok())
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            ),
        ]);
    }
    format!("{table}\n* scale not stated by the page; 5 assumed\n")
}
