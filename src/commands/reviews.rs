//! `centricity reviews extract`: every rating found on pages (URLs through
//! the polite fetcher, or saved files), as JSON records or a table.

use std::path::Path;
use std::time::Duration;

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use crate::report::sanitize::{cell, terminal, terminal_lines};
use serde::Serialize;

use crate::exit::Exit;
use crate::extract::profile::Profiles;
use crate::extract::{Bucket, Entity, Rating, Syntax};
use crate::input::{self, ReadError};
use crate::kinds::reviews::{self, Source, SourceOutcome, SourceResult};
use crate::net::fetch::{Fetcher, Policy};

/// One record of `reviews extract --format json`: a rating, or a source that
/// yielded none. Unknown values are `null`; the field set is a contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    pub source: String,
    pub profile: Option<String>,
    /// Why that profile: the address the source names, or the content it carries.
    pub profile_reason: Option<String>,
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
    /// Why a record has no rating that counts: none on the page, a bot wall, an error, or a
    /// rating that cannot be true; `null` for a rating read.
    pub reason: Option<String>,
}

impl Found {
    fn records(result: &SourceResult) -> Vec<Found> {
        let base = Found {
            source: result.source.clone(),
            profile: Some(result.profile.clone()),
            profile_reason: result.profile_reason.clone(),
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
            repairs: result.repairs.clone(),
            outcome: result.outcome,
            reason: result.reason.clone(),
        };
        if result.ratings.is_empty() && result.invalid.is_empty() {
            return vec![base];
        }
        let read = result.ratings.iter().map(|r| Found {
            outcome: SourceOutcome::Ok,
            reason: None,
            ..with_rating(base.clone(), r)
        });
        // A rating that cannot be true is a record of its own: whose it was and why, no numbers.
        let invalid = result.invalid.iter().map(|r| Found {
            syntax: Some(r.syntax),
            entity: Some(r.entity.clone()),
            bucket: Some(r.bucket),
            outcome: SourceOutcome::Invalid,
            reason: Some(r.reason.to_string()),
            ..base.clone()
        });
        read.chain(invalid).collect()
    }
}

fn with_rating(base: Found, r: &Rating) -> Found {
    Found {
        syntax: Some(r.syntax),
        entity: Some(r.entity.clone()),
        bucket: Some(r.bucket),
        value: Some(r.value),
        best: Some(r.best),
        worst: Some(r.worst),
        scale_defaulted: Some(r.scale_defaulted),
        rating_count: r.rating_count,
        review_count: r.review_count,
        normalized: Some((r.normalized() * 10.0).round() / 10.0),
        reply_rate: r.reply_rate,
        avg_reply_days: r.avg_reply_days,
        ..base
    }
}

/// What `reviews extract` was asked.
pub struct Request<'a> {
    pub sources: &'a [String],
    pub json: bool,
    pub country: Option<&'a str>,
    pub sites: Option<&'a Path>,
    pub delay: Duration,
}

pub fn run(request: &Request<'_>) -> Exit {
    let profiles = match request.sites {
        Some(dir) => match Profiles::with_folder(dir) {
            Ok(p) => p,
            Err(errors) => {
                errors.iter().for_each(|e| eprintln!("error: {e}"));
                return Exit::InvalidInput;
            }
        },
        None => Profiles::shipped(),
    };
    let mut sources = Vec::new();
    for written in request.sources {
        if written.starts_with("http://") || written.starts_with("https://") {
            match url::Url::parse(written) {
                Ok(url) => sources.push(Source::Url(url)),
                Err(e) => {
                    eprintln!("error: `{written}` is not a URL: {e}");
                    return Exit::InvalidInput;
                }
            }
        } else {
            let path = written.strip_prefix("file://").unwrap_or(written);
            // A page past the cap is the user's to fix (exit 3); one that cannot be read is
            // that source's failure, said with the others.
            if let Err(e @ (ReadError::TooLarge { .. } | ReadError::BadCap { .. })) =
                input::within_cap(Path::new(path), &input::PAGE)
            {
                eprintln!("error: {}", terminal(&e.to_string()));
                return Exit::InvalidInput;
            }
            sources.push(Source::File {
                written: written.clone(),
                path: path.into(),
            });
        }
    }
    let fetcher = match Fetcher::new(Policy {
        delay: request.delay,
        ..Policy::default()
    }) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Runtime;
        }
    };
    let runtime = match super::runtime(false) {
        Ok(rt) => rt,
        Err(exit) => return exit,
    };
    let results: Vec<SourceResult> = runtime.block_on(reviews::read_all(
        &sources,
        request.country,
        &profiles,
        &fetcher,
        None,
    ));
    for result in &results {
        if let Some(reason) = &result.reason {
            eprintln!("{}: {}", terminal(&result.source), terminal(reason));
        }
    }
    let found: Vec<Found> = results.iter().flat_map(Found::records).collect();
    print!(
        "{}",
        if request.json {
            to_json(&found)
        } else {
            to_table(&found)
        }
    );
    let readable = results.iter().any(|r| {
        matches!(
            r.outcome,
            SourceOutcome::Ok | SourceOutcome::NoRating | SourceOutcome::Invalid
        )
    });
    if readable { Exit::Ok } else { Exit::Runtime }
}

fn to_json(found: &[Found]) -> String {
    let mut text = serde_json::to_string_pretty(found)
        .unwrap_or_else(|e| unreachable!("plain records serialise: {e}"));
    text.push('\n');
    text
}

fn label<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn to_table(found: &[Found]) -> String {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .force_no_tty();
    table.set_header([
        "Source",
        "Outcome",
        "Entity",
        "Bucket",
        "Rating",
        "Ratings",
        "Reviews",
        "Read from",
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
        let read_from = match (&f.profile, f.syntax) {
            (Some(p), Some(s)) => format!("{p}: {}", label(s)),
            (Some(p), None) => p.clone(),
            _ => String::new(),
        };
        let outcome = match (f.outcome, &f.reason) {
            (SourceOutcome::Invalid, Some(reason)) => format!("invalid: {reason}"),
            (outcome, _) => label(outcome),
        };
        table.add_row(vec![
            cell(&f.source),
            cell(outcome),
            cell(entity.unwrap_or_default()),
            cell(f.bucket.map(label).unwrap_or_default()),
            cell(rating),
            cell(number(f.rating_count)),
            cell(number(f.review_count)),
            cell(read_from),
        ]);
    }
    terminal_lines(&format!(
        "{table}\n* scale not stated by the page; assumed\n"
    ))
    .into_owned()
}
