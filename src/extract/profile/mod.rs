//! Site profiles (`checks/sites/*.toml`, embedded; users add a folder): which
//! URLs a profile reads and where each number lives on them — a JSON pointer
//! into the page's data, a CSS selector, or a regex. A new site is a new file.

mod address;
mod apply;
mod load;

use std::path::Path;

use regex_lite::Regex;
use scraper::Selector;

use super::{Bucket, PageRatings};
use crate::spanned::InputError;

use address::generator_of;
pub use address::stated_address;
pub use load::parse;

/// The shipped profiles, most specific first; `schema-org` (match everything) last.
const SHIPPED: &[(&str, &str)] = &[
    (
        "checks/sites/trustpilot.toml",
        include_str!("../../../checks/sites/trustpilot.toml"),
    ),
    (
        "checks/sites/app-store.toml",
        include_str!("../../../checks/sites/app-store.toml"),
    ),
    (
        "checks/sites/google-play.toml",
        include_str!("../../../checks/sites/google-play.toml"),
    ),
    (
        "checks/sites/schema-org.toml",
        include_str!("../../../checks/sites/schema-org.toml"),
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
    pub fn choose(&self, address: &str, text: &str) -> (&Profile, ChosenBy) {
        let (generic, sites) = self
            .0
            .split_last()
            .unwrap_or_else(|| unreachable!("the generic profile is shipped"));
        if let Some(site) = sites
            .iter()
            .find(|p| p.patterns.iter().any(|pattern| glob(pattern, address)))
        {
            return (site, ChosenBy::Address(address.to_string()));
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
            return (site, ChosenBy::Content(why));
        }
        (generic, ChosenBy::Fallback)
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

/// Why [`Profiles::choose`] picked a profile; shown (never read back) as the source's
/// `profile_reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChosenBy {
    /// The page's address, which one of the site's patterns matches.
    Address(String),
    /// The site's signature, which the page's content carries: what it carried.
    Content(String),
    /// Neither a site's address nor its content: the generic profile.
    Fallback,
}

impl std::fmt::Display for ChosenBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChosenBy::Address(address) => write!(f, "address {address}"),
            ChosenBy::Content(signature) => write!(f, "content: {signature}"),
            ChosenBy::Fallback => f.write_str("no site's address or content: generic markup"),
        }
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
            Some(at) => rest = rest.get(at + part.len()..).unwrap_or_default(),
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

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::apply::callback_data;
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
