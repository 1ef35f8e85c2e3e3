//! Reading one source: fetched politely or read from a file, decoded, its profile chosen,
//! bot walls recognised, and the page kept as evidence.

use chrono::{DateTime, FixedOffset};
use url::Url;

use super::{PageRecord, Source, SourceOutcome, SourceResult};
use crate::extract::charset;
use crate::extract::profile::{self, ChosenBy, Profile, Profiles};
use crate::net::fetch::{Fetched, Fetcher};

/// Bytes of a source and how they came.
struct Loaded {
    bytes: Vec<u8>,
    status: Option<u16>,
    content_type: Option<String>,
    final_url: String,
    fetched_at: DateTime<FixedOffset>,
}

/// Reads one source through its profile. `keep_pages`: where fetched pages are saved as evidence.
pub async fn read(
    source: &Source,
    country: Option<&str>,
    profiles: &Profiles,
    fetcher: &Fetcher,
    keep_pages: Option<&std::path::Path>,
) -> SourceResult {
    let label = source.label();
    let (url_for_profile, loaded) = match source {
        Source::Url(url) => {
            let url = with_country(url, country, profiles.for_url(url.as_str()));
            let loaded = fetch(fetcher, &url).await;
            (url, loaded)
        }
        Source::File { path, .. } => match crate::input::read(path, &crate::input::PAGE) {
            Ok(bytes) => {
                // Until the page is decoded, a file's address is its path; the page may state a better one.
                let origin = file_url(path);
                let loaded = Loaded {
                    bytes,
                    status: None,
                    content_type: None,
                    final_url: origin.to_string(),
                    fetched_at: chrono::Local::now().fixed_offset(),
                };
                (origin, Ok(loaded))
            }
            Err(e) => (file_url(path), Err((SourceOutcome::Error, e.to_string()))),
        },
    };
    let Loaded {
        bytes,
        status,
        content_type,
        final_url,
        fetched_at,
    } = match loaded {
        Ok(loaded) => loaded,
        Err((outcome, reason)) => {
            return SourceResult {
                source: label,
                profile: profiles.for_url(url_for_profile.as_str()).id.clone(),
                profile_reason: None,
                outcome,
                reason: Some(reason),
                page: None,
                ratings: Vec::new(),
                invalid: Vec::new(),
                repairs: Vec::new(),
            };
        }
    };
    let sha256 = crate::text::sha256_hex(&bytes);
    let saved_as = match (source, keep_pages) {
        (Source::Url(_), Some(dir)) => save_page(dir, &sha256, &bytes),
        (Source::Url(_), None) | (Source::File { .. }, _) => None,
    };
    let read_bytes = bytes.len();
    let failed_status = status.filter(|s| !(200..300).contains(s));
    // A challenge page saved to a file is as blocked as one served: known by its content.
    let wall = crate::net::walls::recognise(&bytes);
    // Decoding and extraction are CPU work on a stranger's page: off the async workers.
    let is_file = matches!(source, Source::File { .. });
    let fallback = profiles.for_url(url_for_profile.as_str()).id.clone();
    let (profiles, fetched_from) = (profiles.clone(), url_for_profile.to_string());
    let extraction = crate::kind::off_workers(move || {
        let (text, encoding) = charset::decode(bytes, content_type.as_deref());
        // A file says where it came from (saved-from mark, canonical, og:url, base): that is its address.
        let stated = is_file.then(|| profile::stated_address(&text)).flatten();
        let address = stated
            .as_ref()
            .map_or(fetched_from, |(url, _)| url.to_string());
        let (profile, chosen_by) = profiles.choose(&address, &text);
        // An address the file stated is said with where the file stated it.
        let why = match (&chosen_by, &stated) {
            (ChosenBy::Address(_), Some((_, from))) => format!("{chosen_by} ({from})"),
            (ChosenBy::Address(_), None) | (ChosenBy::Content(_) | ChosenBy::Fallback, _) => {
                chosen_by.to_string()
            }
        };
        let applied = failed_status
            .is_none()
            .then(|| profile.apply(&address, &text));
        (encoding, profile.id.clone(), why, applied)
    })
    .await;
    let (encoding, chosen, why, applied) = match extraction {
        Ok((encoding, chosen, why, applied)) => (encoding, chosen, Some(why), Ok(applied)),
        Err(crash) => ("unknown", fallback, None, Err(crash.to_string())),
    };
    let mut result = SourceResult {
        source: label,
        profile: chosen,
        profile_reason: why,
        outcome: SourceOutcome::NoRating,
        reason: None,
        page: Some(PageRecord {
            final_url,
            status,
            fetched_at,
            sha256,
            bytes: read_bytes,
            encoding: encoding.into(),
            saved_as,
        }),
        ratings: Vec::new(),
        invalid: Vec::new(),
        repairs: Vec::new(),
    };
    if let Some(wall) = wall {
        result.outcome = SourceOutcome::Blocked;
        result.reason = Some(format!("{wall}, not the page itself"));
        return result;
    }
    match applied {
        Err(reason) => {
            result.outcome = SourceOutcome::Error;
            result.reason = Some(reason);
        }
        Ok(None) => {
            result.outcome = SourceOutcome::Error;
            result.reason = failed_status.map(|status| format!("HTTP {status}"));
        }
        Ok(Some(applied)) => {
            result.repairs = applied
                .page
                .repairs
                .iter()
                .map(|r| (*r).to_string())
                .collect();
            result.ratings = applied.page.ratings;
            result.invalid = applied.page.invalid;
            if !result.ratings.is_empty() {
                result.outcome = SourceOutcome::Ok;
            } else if result.invalid.is_empty() {
                result.reason = Some(format!(
                    "no aggregate rating on the page (read with the `{}` profile)",
                    result.profile
                ));
            } else {
                result.outcome = SourceOutcome::Invalid;
                let why: Vec<String> = result
                    .invalid
                    .iter()
                    .map(|r| r.reason.to_string())
                    .collect();
                result.reason = Some(format!(
                    "no rating on the page can be true: {}",
                    why.join("; ")
                ));
            }
        }
    }
    result
}

async fn fetch(fetcher: &Fetcher, url: &Url) -> Result<Loaded, (SourceOutcome, String)> {
    match fetcher.get(url).await {
        Fetched::Page(page) => Ok(Loaded {
            bytes: page.body,
            status: Some(page.status),
            content_type: page.content_type,
            final_url: page.final_url,
            fetched_at: page.fetched_at,
        }),
        Fetched::Blocked { reason, .. } => Err((SourceOutcome::Blocked, reason)),
        Fetched::Disallowed { reason } | Fetched::Failed { reason, .. } => {
            Err((SourceOutcome::Error, reason))
        }
    }
}

fn file_url(path: &std::path::Path) -> Url {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    Url::from_file_path(absolute)
        .unwrap_or_else(|()| Url::parse("file:///").unwrap_or_else(|_| unreachable!()))
}

/// Sets the profile's country parameter (`gl`, `country`) unless the URL already has it.
fn with_country(url: &Url, country: Option<&str>, profile: &Profile) -> Url {
    let (Some(country), Some(param)) = (country, profile.country_param.as_deref()) else {
        return url.clone();
    };
    if url.query_pairs().any(|(k, _)| k == param) {
        return url.clone();
    }
    let mut url = url.clone();
    url.query_pairs_mut().append_pair(param, country);
    url
}

fn save_page(dir: &std::path::Path, sha256: &str, bytes: &[u8]) -> Option<String> {
    let name = format!("{sha256}.html");
    let path = dir.join(&name);
    if !path.exists() {
        std::fs::create_dir_all(dir).ok()?;
        crate::output::write_atomically(&path, bytes).ok()?;
    }
    // Relative to the evidence folder, so the folder can move with the audit.
    Some(format!("pages/{name}"))
}
