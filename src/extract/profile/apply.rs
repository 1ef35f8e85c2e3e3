//! Reading a page with a profile: its own fields first (page data, selectors, regexes), then
//! schema.org markup, keeping only the reviewed business where the profile names one.

//! Site profiles (`checks/sites/*.toml`, embedded; users add a folder): which
//! URLs a profile reads and where each number lives on them — a JSON pointer
//! into the page's data, a CSS selector, or a regex. A new site is a new file.

use scraper::Html;
use serde_json::Value;

use super::{Applied, Document, Field, Profile, Source};
use crate::extract::numbers::{parse_count, parse_rating, stated_count, stated_number};
use crate::extract::plausible::{self, Stated};
use crate::extract::{Bucket, Entity, InvalidRating, PageRatings, Rating, Syntax, extract_html};

impl Profile {
    /// The URL patterns the profile reads.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Why the page's content is this site's (its generator or its signature found), or `None`.
    /// For a signature, a cheap test first (the script id or callback key in the text, JSON's
    /// first character), then the parse.
    pub(super) fn recognises(&self, text: &str, generator: Option<&str>) -> Option<String> {
        if let (Some(wanted), Some(found)) = (&self.generator, generator) {
            let starts = found.get(..wanted.len());
            if starts.is_some_and(|s| s.eq_ignore_ascii_case(wanted)) {
                let found = crate::text::shorten(found, 60);
                return Some(format!("{} (generator \"{found}\")", self.name));
            }
        }
        if self.signature.is_empty() {
            return None;
        }
        let likely = match &self.document {
            Document::None => false,
            Document::Json => text.trim_start().starts_with(['{', '[']),
            Document::ScriptId(id) | Document::Callback(id) => text.contains(id.as_str()),
        };
        if !likely {
            return None;
        }
        let document = self.document(text)?;
        self.signature
            .iter()
            .all(|pointer| document.pointer(pointer).is_some())
            .then(|| {
                let place = match &self.document {
                    Document::ScriptId(id) => format!("script#{id} "),
                    Document::Callback(key) => format!("data block {key} "),
                    Document::Json | Document::None => "JSON ".into(),
                };
                format!("{} ({place}{})", self.name, self.signature.join(", "))
            })
    }

    /// Reads a page (already decoded) fetched from `url`.
    pub fn apply(&self, url: &str, text: &str) -> Applied {
        let subject = self
            .subject
            .as_ref()
            .and_then(|r| r.captures(url))
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_ascii_lowercase());
        let own_invalid = match self.own_rating(text) {
            Some(Ok(rating)) => {
                return Applied {
                    page: PageRatings {
                        ratings: vec![rating],
                        invalid: Vec::new(),
                        repairs: Vec::new(),
                    },
                    subject,
                };
            }
            Some(Err(invalid)) => Some(invalid),
            None => None,
        };
        if !self.markup {
            return Applied {
                page: PageRatings {
                    invalid: own_invalid.into_iter().collect(),
                    ..PageRatings::default()
                },
                subject,
            };
        }
        // The platform's own data stating the impossible is said, and the markup still read:
        // a field that moved may point at something else while the markup is right.
        let mut page = extract_html(text);
        if let Some(subject) = &subject {
            // On a platform page, only the reviewed business's rating is the company's.
            page.ratings.retain(|r| mentions(&r.entity, subject));
            page.invalid.retain(|r| mentions(&r.entity, subject));
        }
        page.invalid.splice(0..0, own_invalid);
        Applied { page, subject }
    }

    /// The rating the profile's own fields state, or why it cannot be true; `None` when they state none.
    fn own_rating(&self, text: &str) -> Option<Result<Rating, InvalidRating>> {
        let value_field = self.fields.value.as_ref()?;
        let document = self.document(text);
        // Parsed only if a field reads it by selector (page data and regexes need no DOM).
        let html = std::cell::OnceCell::new();
        let read = |field: &Option<Field>| {
            field
                .as_ref()
                .and_then(|f| f.read(document.as_ref(), &html, text))
        };
        let value = value_field.read(document.as_ref(), &html, text)?;
        let number = |raw: &str| parse_rating(raw).map(|r| r.value);
        let value = stated_number(&value)? * value_field.scale;
        // Stated, then judged: a negative or absurd count is a reason, not a missing count.
        let stated = |field: &Option<Field>| read(field).and_then(|raw| stated_count(&raw));
        let count = |field: &Option<Field>| read(field).and_then(|raw| parse_count(&raw));
        let (rating_count, review_count) = (
            stated(&self.fields.rating_count),
            stated(&self.fields.review_count),
        );
        // Platforms show 0 until the first review: that is no rating.
        if value == 0.0 && rating_count.unwrap_or(0.0) == 0.0 && review_count.unwrap_or(0.0) == 0.0
        {
            return None;
        }
        let judged = plausible::judge(&Stated {
            value,
            best: self.best,
            worst: self.worst,
            rating_count,
            review_count,
        });
        let entity = Entity {
            kind: Some(
                if self.bucket == Bucket::Company {
                    "Organization"
                } else {
                    "Product"
                }
                .into(),
            ),
            name: read(&self.fields.name),
            url: read(&self.fields.url),
        };
        let (rating_count, review_count) = match judged {
            Ok(counts) => counts,
            Err(reason) => {
                return Some(Err(InvalidRating {
                    syntax: Syntax::Profile,
                    entity,
                    bucket: self.bucket,
                    reason,
                }));
            }
        };
        let scaled = |field: &Option<Field>| {
            field.as_ref().and_then(|f| {
                f.read(document.as_ref(), &html, text)
                    .and_then(|raw| number(&raw))
                    .map(|v| v * f.scale)
            })
        };
        Some(Ok(Rating {
            syntax: Syntax::Profile,
            entity,
            bucket: self.bucket,
            value,
            best: self.best,
            worst: self.worst,
            scale_defaulted: false,
            rating_count,
            review_count,
            reply_rate: scaled(&self.fields.reply_rate),
            avg_reply_days: scaled(&self.fields.avg_reply_days),
            latest_review: read(&self.fields.latest_review)
                .and_then(|d| crate::extract::graph::iso_date(&d)),
            // All five counts or none: a partial histogram would mislead.
            distribution: self
                .fields
                .stars
                .iter()
                .map(count)
                .collect::<Option<Vec<u64>>>()
                .and_then(|v| <[u64; 5]>::try_from(v).ok()),
        }))
    }

    fn document(&self, text: &str) -> Option<Value> {
        match &self.document {
            Document::None => None,
            Document::Json => serde_json::from_str(text).ok(),
            Document::ScriptId(id) => {
                serde_json::from_str(crate::extract::html::script_text(text, id)?).ok()
            }
            Document::Callback(key) => callback_data(text, key),
        }
    }
}

/// The `data:` value of `AF_initDataCallback({key: 'KEY', …, data: […]})`.
pub(super) fn callback_data(text: &str, key: &str) -> Option<Value> {
    let at = [
        format!("key: '{key}'"),
        format!("key:'{key}'"),
        format!("key: \"{key}\""),
    ]
    .iter()
    .find_map(|needle| text.find(needle.as_str()))?;
    let (_, data) = text.get(at..)?.split_once("data:")?;
    serde_json::Deserializer::from_str(data.trim_start())
        .into_iter::<Value>()
        .next()?
        .ok()
}

fn mentions(entity: &Entity, subject: &str) -> bool {
    [&entity.url, &entity.name].iter().any(|v| {
        v.as_ref()
            .is_some_and(|v| v.to_ascii_lowercase().contains(subject))
    })
}

impl Field {
    fn read(
        &self,
        document: Option<&Value>,
        html: &std::cell::OnceCell<Html>,
        text: &str,
    ) -> Option<String> {
        match &self.source {
            Source::Pointer(pointer) => match document?.pointer(pointer)? {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            },
            Source::Selector { selector, attr } => {
                let html = html.get_or_init(|| crate::extract::html::parse(text).html);
                let element = html.select(selector).next()?;
                match attr {
                    Some(attr) => element.attr(attr).map(str::to_string),
                    None => Some(element.text().collect::<String>().trim().to_string()),
                }
            }
            Source::Regex(regex) => regex.captures(text)?.get(1).map(|m| m.as_str().to_string()),
        }
    }
}
