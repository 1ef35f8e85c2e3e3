//! Site profiles (`checks/sites/*.toml`, embedded; users add a folder): which
//! URLs a profile reads and where each number lives on them — a JSON pointer
//! into the page's data, a CSS selector, or a regex. A new site is a new file.

use std::path::Path;

use regex_lite::Regex;
use scraper::{Html, Selector};
use serde_json::Value;
use toml_span::de_helpers::TableHelper;

use super::numbers::{parse_count, parse_rating};
use super::{Bucket, Entity, PageRatings, Rating, Syntax, extract_html};
use crate::spanned::{InputError, at};
use crate::spanned::{Number, custom, parse_toml, problems_from, read_table};

/// The shipped profiles, most specific first; `schema-org` (match everything) last.
const SHIPPED: &[(&str, &str)] = &[
    (
        "checks/sites/trustpilot.toml",
        include_str!("../../checks/sites/trustpilot.toml"),
    ),
    (
        "checks/sites/app-store.toml",
        include_str!("../../checks/sites/app-store.toml"),
    ),
    (
        "checks/sites/google-play.toml",
        include_str!("../../checks/sites/google-play.toml"),
    ),
    (
        "checks/sites/schema-org.toml",
        include_str!("../../checks/sites/schema-org.toml"),
    ),
];

#[derive(Debug, Clone)]
pub struct Profile {
    pub id: String,
    pub name: String,
    patterns: Vec<String>,
    bucket: Bucket,
    best: f64,
    worst: f64,
    document: Document,
    /// The query parameter that selects a country (`gl`, `country`).
    pub country_param: Option<String>,
    /// Extracts the reviewed business from the URL; markup about others is dropped.
    subject: Option<Regex>,
    /// Also read schema.org markup (alone, or when the profile's own fields find nothing).
    markup: bool,
    fields: Fields,
    /// JSON pointers that must all exist in the profile's document for a page to be
    /// recognised as the site's by its content (a saved file without its address).
    signature: Vec<String>,
    /// A page whose `<meta name="generator">` starts with this (ASCII case aside) is the
    /// site's: a platform's pages name the software that built them.
    generator: Option<String>,
}

#[derive(Debug, Clone)]
enum Document {
    None,
    /// The response body is JSON.
    Json,
    /// A `<script id=…>` holding JSON.
    ScriptId(String),
    /// Google's `AF_initDataCallback({key: '…', data: …})` blocks.
    Callback(String),
}

#[derive(Debug, Clone, Default)]
struct Fields {
    value: Option<Field>,
    rating_count: Option<Field>,
    review_count: Option<Field>,
    name: Option<Field>,
    url: Option<Field>,
    reply_rate: Option<Field>,
    avg_reply_days: Option<Field>,
    latest_review: Option<Field>,
    /// Counts of 1★ … 5★ reviews.
    stars: [Option<Field>; 5],
}

#[derive(Debug, Clone)]
struct Field {
    source: Source,
    scale: f64,
}

#[derive(Debug, Clone)]
enum Source {
    Pointer(String),
    Selector {
        selector: Selector,
        attr: Option<String>,
    },
    Regex(Regex),
}

/// Profiles in the order they are tried: the user's first, then the shipped ones.
#[derive(Debug, Clone)]
pub struct Profiles(Vec<Profile>);

impl Profiles {
    /// The shipped profiles. Their validity is a test.
    pub fn shipped() -> Self {
        let profiles = SHIPPED
            .iter()
            .map(|(path, text)| {
                parse(text, Path::new(path))
                    .unwrap_or_else(|e| panic!("shipped profile invalid:\n{e}"))
            })
            .collect();
        Profiles(profiles)
    }

    /// The shipped profiles plus every `*.toml` in `dir`; a user profile with a shipped id replaces it.
    pub fn with_folder(dir: &Path) -> Result<Self, Vec<InputError>> {
        let mut shipped = Self::shipped().0;
        let mut mine = Vec::new();
        let mut errors = Vec::new();
        let entries = std::fs::read_dir(dir).map_err(|e| {
            vec![InputError::whole_file(
                dir,
                format!("cannot read the site-profile folder: {e}"),
            )]
        })?;
        let mut paths: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            match std::fs::read_to_string(&path) {
                Ok(text) => match parse(&text, &path) {
                    Ok(profile) => mine.push(profile),
                    Err(err) => errors.push(err),
                },
                Err(e) => errors.push(InputError::whole_file(&path, format!("cannot read: {e}"))),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        shipped.retain(|s| !mine.iter().any(|m: &Profile| m.id == s.id));
        mine.extend(shipped);
        Ok(Profiles(mine))
    }

    /// The profile for a page and why: the site its address names; when the address names
    /// none (a file, an unknown host), the first site whose signature the page's content
    /// carries; else the generic profile.
    pub fn choose(&self, address: &str, text: &str) -> (&Profile, String) {
        let (generic, sites) = self
            .0
            .split_last()
            .unwrap_or_else(|| unreachable!("the generic profile is shipped"));
        if let Some(site) = sites
            .iter()
            .find(|p| p.patterns.iter().any(|pattern| glob(pattern, address)))
        {
            return (site, format!("address {address}"));
        }
        let generator = sites
            .iter()
            .any(|p| p.generator.is_some())
            .then(|| generator_of(text))
            .flatten();
        if let Some((site, why)) = sites
            .iter()
            .find_map(|p| p.recognises(text, generator.as_deref()).map(|why| (p, why)))
        {
            return (site, format!("content: {why}"));
        }
        (
            generic,
            "no site's address or content: generic markup".into(),
        )
    }

    /// The first profile whose pattern matches `url`.
    pub fn for_url(&self, url: &str) -> &Profile {
        self.0
            .iter()
            .find(|p| p.patterns.iter().any(|pattern| glob(pattern, url)))
            .unwrap_or_else(|| {
                self.0
                    .last()
                    .unwrap_or_else(|| unreachable!("the generic profile is shipped"))
            })
    }

    pub fn iter(&self) -> impl Iterator<Item = &Profile> {
        self.0.iter()
    }
}

/// `*` matches any run of characters; everything else literally.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let Some(rest) = text.strip_prefix(parts[0]) else {
        return false;
    };
    let mut rest = rest;
    for (i, part) in parts.iter().enumerate().skip(1) {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// What a profile found on a page, and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub page: PageRatings,
    /// The reviewed business named by the URL (Trustpilot's domain), if the profile knows one.
    pub subject: Option<String>,
}

impl Profile {
    /// Reads a page (already decoded) fetched from `url`.
    /// The URL patterns the profile reads.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Why the page's content is this site's (its generator or its signature found), or `None`.
    /// For a signature, a cheap test first (the script id or callback key in the text, JSON's
    /// first character), then the parse.
    fn recognises(&self, text: &str, generator: Option<&str>) -> Option<String> {
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

    pub fn apply(&self, url: &str, text: &str) -> Applied {
        let subject = self
            .subject
            .as_ref()
            .and_then(|r| r.captures(url))
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_ascii_lowercase());
        if let Some(rating) = self.own_rating(text) {
            return Applied {
                page: PageRatings {
                    ratings: vec![rating],
                    repairs: Vec::new(),
                },
                subject,
            };
        }
        if !self.markup {
            return Applied {
                page: PageRatings::default(),
                subject,
            };
        }
        let mut page = extract_html(text);
        if let Some(subject) = &subject {
            // On a platform page, only the reviewed business's rating is the company's.
            page.ratings.retain(|r| mentions(&r.entity, subject));
        }
        Applied { page, subject }
    }

    fn own_rating(&self, text: &str) -> Option<Rating> {
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
        let value = number(&value)? * value_field.scale;
        let count = |field: &Option<Field>| read(field).and_then(|raw| parse_count(&raw));
        let (rating_count, review_count) = (
            count(&self.fields.rating_count),
            count(&self.fields.review_count),
        );
        // Platforms show 0 until the first review: that is no rating.
        if value == 0.0 && rating_count.unwrap_or(0) == 0 && review_count.unwrap_or(0) == 0 {
            return None;
        }
        if !(self.worst..=self.best).contains(&value) {
            return None;
        }
        let scaled = |field: &Option<Field>| {
            field.as_ref().and_then(|f| {
                f.read(document.as_ref(), &html, text)
                    .and_then(|raw| number(&raw))
                    .map(|v| v * f.scale)
            })
        };
        Some(Rating {
            syntax: Syntax::Profile,
            entity: Entity {
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
            },
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
                .and_then(|d| super::graph::iso_date(&d)),
            // All five counts or none: a partial histogram would mislead.
            distribution: self
                .fields
                .stars
                .iter()
                .map(count)
                .collect::<Option<Vec<u64>>>()
                .and_then(|v| <[u64; 5]>::try_from(v).ok()),
        })
    }

    fn document(&self, text: &str) -> Option<Value> {
        match &self.document {
            Document::None => None,
            Document::Json => serde_json::from_str(text).ok(),
            Document::ScriptId(id) => {
                serde_json::from_str(super::html::script_text(text, id)?).ok()
            }
            Document::Callback(key) => callback_data(text, key),
        }
    }
}

/// The `data:` value of `AF_initDataCallback({key: 'KEY', …, data: […]})`.
fn callback_data(text: &str, key: &str) -> Option<Value> {
    let at = [
        format!("key: '{key}'"),
        format!("key:'{key}'"),
        format!("key: \"{key}\""),
    ]
    .iter()
    .find_map(|needle| text.find(needle.as_str()))?;
    let rest = &text[at..];
    let data_at = rest.find("data:")? + 5;
    serde_json::Deserializer::from_str(rest[data_at..].trim_start())
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
                let html = html.get_or_init(|| super::html::parse(text).html);
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

/// Parses one profile file; every problem is reported with its place.
pub fn parse(text: &str, file: &Path) -> Result<Profile, InputError> {
    let located = |errors: toml_span::DeserError| InputError {
        file: file.to_path_buf(),
        problems: problems_from(errors, text),
    };
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

/// The address a page states for itself, and where: a browser's `saved from url` mark, the
/// canonical link, `og:url`, or `<base href>` — what a saved file has instead of a URL.
pub fn stated_address(text: &str) -> Option<(url::Url, &'static str)> {
    let head = crate::text::prefix(text, HEAD_BYTES);
    let absolute = |candidate: &str| {
        url::Url::parse(candidate.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
    };
    if let Some(at) = head.find("saved from url=(") {
        let rest = &head[at + 16..];
        if let Some(url) = rest
            .find(')')
            .and_then(|close| {
                let rest = &rest[close + 1..];
                rest.find("-->").map(|end| &rest[..end])
            })
            .and_then(absolute)
        {
            return Some((url, "saved-from mark"));
        }
    }
    let tags = head_tags(head);
    let first = |selector: &str, attr: &str| {
        let selector = Selector::parse(selector).ok()?;
        tags.select(&selector)
            .find_map(|e| e.attr(attr).and_then(absolute))
    };
    first("link[rel~=canonical]", "href")
        .map(|u| (u, "canonical link"))
        .or_else(|| first("meta[property=\"og:url\"]", "content").map(|u| (u, "og:url")))
        .or_else(|| first("base[href]", "href").map(|u| (u, "base href")))
}

/// The software a page says built it (`<meta name="generator" content="…">`).
fn generator_of(text: &str) -> Option<String> {
    let selector = Selector::parse("meta[name][content]").ok()?;
    head_tags(crate::text::prefix(text, HEAD_BYTES))
        .select(&selector)
        .find(|e| {
            e.attr("name")
                .is_some_and(|n| n.eq_ignore_ascii_case("generator"))
        })
        .and_then(|e| e.attr("content"))
        .map(|c| c.trim().to_string())
}

/// How much of a page is read for what its head states about it.
const HEAD_BYTES: usize = 256 * 1024;

fn head_tags(head: &str) -> Html {
    super::html::parse(head).html
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_profiles_load_and_match_their_sites() {
        let profiles = Profiles::shipped();
        for (url, id) in [
            (
                "https://www.trustpilot.com/review/acme.example",
                "trustpilot",
            ),
            (
                "https://uk.trustpilot.com/review/acme.example",
                "trustpilot",
            ),
            (
                "https://itunes.apple.com/lookup?id=123&country=fr",
                "app-store",
            ),
            (
                "https://play.google.com/store/apps/details?id=example.acme&gl=fr",
                "google-play",
            ),
            ("https://www.yelp.com/biz/acme", "schema-org"),
            (
                "https://www.trustpilot.com/categories/telecom",
                "schema-org",
            ),
        ] {
            assert_eq!(profiles.for_url(url).id, id, "{url}");
        }
    }

    #[test]
    fn bad_profiles_are_reported_with_places() {
        let text = "id = \"x\"\nname = \"X\"\nmatch = [\"*\"]\nbucket = \"employer\"\n[fields]\nvalue = { regex = \"no group\" }\nnoise = 1\n";
        let err = parse(text, Path::new("x.toml")).unwrap_err().to_string();
        assert!(
            err.contains("x.toml:4:11: `bucket` is `company` or `product`"),
            "{err}"
        );
        assert!(
            err.contains("x.toml:6:20: the regex needs a capture group"),
            "{err}"
        );
        assert!(err.contains("x.toml:7:1: unknown key `noise`"), "{err}");
    }

    #[test]
    fn google_play_callback_data_is_found() {
        let page = "<script>AF_initDataCallback({key: 'ds:5', hash: '1', data:[null,[null,null,[[\"Acme\"],1,2,3]]], sideChannel: {}});</script>";
        let data = callback_data(page, "ds:5").unwrap();
        assert_eq!(
            data.pointer("/1/2/0/0"),
            Some(&Value::String("Acme".into()))
        );
    }
}
