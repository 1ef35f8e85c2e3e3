//! Reading a profile file, every problem reported with its place.

//! Site profiles (`checks/sites/*.toml`, embedded; users add a folder): which
//! URLs a profile reads and where each number lives on them — a JSON pointer
//! into the page's data, a CSS selector, or a regex. A new site is a new file.

use std::path::Path;

use regex_lite::Regex;
use scraper::Selector;
use toml_span::de_helpers::TableHelper;

use super::{Document, Field, Fields, Profile, Source};
use crate::extract::Bucket;
use crate::spanned::{InputError, at};
use crate::spanned::{Number, custom, parse_toml, read_table};

/// Parses one profile file; every problem is reported with its place.
pub fn parse(text: &str, file: &Path) -> Result<Profile, InputError> {
    let located = |errors| InputError::in_toml(file, text, errors);
    let mut root = parse_toml(text, file)?;
    let mut th = TableHelper::new(&mut root).map_err(located)?;
    let id = th.required::<String>("id").ok();
    let name = th.required::<String>("name").ok();
    let patterns = th.required::<Vec<String>>("match").ok();
    let bucket = th.optional_s::<String>("bucket");
    let best_spanned = th.optional_s::<Number>("best");
    let best = best_spanned.as_ref().map_or(5.0, |n| n.value.0);
    let worst = th.optional::<Number>("worst").map_or(
        if (best - 5.0).abs() < f64::EPSILON {
            1.0
        } else {
            0.0
        },
        |n| n.0,
    );
    let document = read_document(&mut th);
    let country_param = th.optional::<String>("country_param");
    let subject = th.take("subject").and_then(|(_, mut v)| {
        read_table(&mut v, &mut th.errors, |st| {
            st.required_s::<String>("url_regex")
                .ok()
                .and_then(|r| compile(&r, &mut st.errors))
        })
        .flatten()
    });
    let markup = th.optional::<bool>("markup").unwrap_or(true);
    let signature = th.optional::<Vec<String>>("signature").unwrap_or_default();
    let generator = th.optional::<String>("generator").filter(|g| !g.is_empty());
    let fields = th
        .take("fields")
        .and_then(|(_, mut v)| read_table(&mut v, &mut th.errors, read_fields))
        .unwrap_or_default();
    let bucket = match bucket {
        None => Some(Bucket::Company),
        Some(b) => match b.value.as_str() {
            "company" => Some(Bucket::Company),
            "product" => Some(Bucket::Product),
            _ => {
                th.errors
                    .extend(at("`bucket` is `company` or `product`", &b).errors);
                None
            }
        },
    };
    if let (Some(spanned), true) = (&best_spanned, best <= worst) {
        th.errors
            .extend(at("`best` must be above `worst`", spanned).errors);
    }
    th.finalize(None).map_err(located)?;
    let (Some(id), Some(name), Some(patterns), Some(bucket), Some(document)) =
        (id, name, patterns, bucket, document)
    else {
        unreachable!("missing required keys are reported by finalize")
    };
    Ok(Profile {
        id,
        name,
        patterns,
        bucket,
        best,
        worst,
        document,
        country_param,
        subject,
        markup,
        fields,
        signature,
        generator,
    })
}

fn read_document(th: &mut TableHelper<'_>) -> Option<Document> {
    let Some((_, mut value)) = th.take("document") else {
        return Some(Document::None);
    };
    if value.as_str() == Some("json") {
        return Some(Document::Json);
    }
    if value.as_str().is_some() {
        th.errors.extend(
            custom(
                "`document` is \"json\", { script_id = \"…\" } or { callback = \"…\" }",
                &value,
            )
            .errors,
        );
        return None;
    }
    read_table(&mut value, &mut th.errors, |dt| {
        let script = dt.optional::<String>("script_id");
        let callback = dt.optional::<String>("callback");
        match (script, callback) {
            (Some(id), None) => Some(Document::ScriptId(id)),
            (None, Some(key)) => Some(Document::Callback(key)),
            _ => None,
        }
    })
    .flatten()
}

fn read_fields(ft: &mut TableHelper<'_>) -> Fields {
    let mut field = |name: &'static str| {
        let (_, mut value) = ft.take(name)?;
        read_table(&mut value, &mut ft.errors, |t| {
            let pointer = t.optional::<String>("pointer");
            let selector = t.optional_s::<String>("selector");
            let attr = t.optional::<String>("attr");
            let regex = t.optional_s::<String>("regex");
            let scale = t.optional::<Number>("scale").map_or(1.0, |n| n.0);
            let source = match (pointer, selector, regex) {
                (Some(p), None, None) => Some(Source::Pointer(p)),
                (None, Some(s), None) => match Selector::parse(&s.value) {
                    Ok(selector) => Some(Source::Selector { selector, attr }),
                    Err(e) => {
                        t.errors
                            .extend(at(format!("not a CSS selector: {e}"), &s).errors);
                        None
                    }
                },
                (None, None, Some(r)) => compile(&r, &mut t.errors).map(Source::Regex),
                _ => None,
            };
            source.map(|source| Field { source, scale })
        })
        .flatten()
    };
    Fields {
        value: field("value"),
        rating_count: field("rating_count"),
        review_count: field("review_count"),
        name: field("name"),
        url: field("url"),
        reply_rate: field("reply_rate"),
        avg_reply_days: field("avg_reply_days"),
        latest_review: field("latest_review"),
        stars: [
            field("stars_1"),
            field("stars_2"),
            field("stars_3"),
            field("stars_4"),
            field("stars_5"),
        ],
    }
}

fn compile(
    pattern: &toml_span::Spanned<String>,
    errors: &mut Vec<toml_span::Error>,
) -> Option<Regex> {
    match Regex::new(&pattern.value) {
        Ok(r) if r.captures_len() > 1 => Some(r),
        Ok(_) => {
            errors.extend(
                at(
                    "the regex needs a capture group, (…), around the value",
                    pattern,
                )
                .errors,
            );
            None
        }
        Err(e) => {
            errors.extend(at(format!("not a regex: {e}"), pattern).errors);
            None
        }
    }
}
