//! `reviews`: the company's ratings online. Each source (a URL or a saved
//! page) is read through its site profile; URLs go through the polite
//! fetcher, and every page read is kept as evidence.

mod read;
mod score;

use read::read;

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use toml_span::de_helpers::TableHelper;
use url::Url;

use crate::benchmarks::Benchmarks;
use crate::category::Category;
use crate::extract::profile::Profiles;
use crate::extract::{InvalidRating, Rating};
use crate::kind::{CheckError, CollectContext, Kind, KindCategory, KindInfo, LoadContext, Scored};
use crate::net::bare_host;
use crate::net::fetch::{Fetcher, Policy};
use crate::spanned::DurationValue;
use crate::spanned::at;
use crate::verdict::ErrorCode;
use std::future::Future;

/// The `reviews` kind.
pub struct Reviews;

impl Kind for Reviews {
    const INFO: KindInfo = KindInfo {
        name: "reviews",
        summary: "Ratings and reviews online: review platforms, app stores and schema.org markup on any page.",
        category: KindCategory::Fixed(Category::Reputation),
        keys: &[
            "sources (URLs or saved pages)",
            "country",
            "sites (folder of extra site profiles)",
            "delay",
        ],
        motivation: "Prospects read ratings before they ever contact a company, and how a company answers \
                     criticism in public shows whether it listens.",
        measures: "Every rating on each source, read by the site's profile (Trustpilot page data, Apple's lookup \
                   API, Google Play page data) or from schema.org markup; rating counts; for Trustpilot the share \
                   of negative reviews answered and the average days to answer. Blocked or disallowed sources \
                   are reported as such, never as a zero. Metrics rating (0-100, combined), ratings \
                   (count), sources_read, and where the platform shows it reply_rate and avg_reply_days.",
        scoring: "Each rating is normalised to 0-100 from its own scale; sources combine weighted by their number \
                  of ratings, shrunk toward a prior (checks/benchmarks.toml [reviews]) so 5.0 from 3 ratings is not \
                  100. Ratings published on the audited company's own site are shown but not scored. Where a \
                  platform shows how the company answers reviews, that counts for a fifth of the score.",
        improve: "Ask every customer for a review, answer every negative review in public within a day or two, \
                  and fix what reviews keep naming.",
        report_note: None,
        file_columns: &[],
        findings: &[&[
            crate::verdict::Code::SourceUnreadable,
            crate::verdict::Code::ImpossibleRating,
            crate::verdict::Code::SelfPublishedRatings,
            crate::verdict::Code::NoRatingFound,
            crate::verdict::Code::UnansweredNegativeReviews,
            crate::verdict::Code::ManyOneStar,
            crate::verdict::Code::SlowReviewReplies,
            crate::verdict::Code::LowRating,
            crate::verdict::Code::FewRatings,
            crate::verdict::Code::StaleReviews,
            crate::verdict::Code::SourcesDisagree,
        ]],
    };
    type Params = Params;
    type Observation = ReviewsObservation;

    fn parse(th: &mut TableHelper<'_>, ctx: &mut LoadContext<'_>) -> Option<(Category, Params)> {
        parse(th, ctx)
    }

    fn collect(
        params: &Params,
        ctx: &CollectContext,
    ) -> impl Future<Output = Result<ReviewsObservation, CheckError>> + Send {
        collect(params, ctx)
    }

    fn score(
        _params: &Params,
        observation: &ReviewsObservation,
        benchmarks: &Benchmarks,
    ) -> Scored {
        score::score(observation, &benchmarks.reviews)
    }

    fn networked(params: &Params) -> bool {
        params.sources.iter().any(|s| matches!(s, Source::Url(_)))
    }
}

const DEFAULT_DELAY: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub sources: Vec<Source>,
    pub country: Option<String>,
    /// Extra site profiles, from the audit's folder.
    pub sites: Option<PathBuf>,
    pub delay: Duration,
    /// The audited company's site host: ratings it publishes about itself are not scored.
    pub own_host: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Url(Url),
    File { written: String, path: PathBuf },
}

impl Source {
    pub fn label(&self) -> String {
        match self {
            Source::Url(url) => url.to_string(),
            Source::File { written, .. } => written.clone(),
        }
    }
}

fn parse(th: &mut TableHelper<'_>, ctx: &mut LoadContext<'_>) -> Option<(Category, Params)> {
    let sources = th.required_s::<Vec<String>>("sources").ok();
    let country = th.optional_s::<String>("country");
    let sites = th.optional_s::<String>("sites");
    let delay = th
        .optional::<DurationValue>("delay")
        .map_or(DEFAULT_DELAY, |d| d.0);
    let country = country.and_then(|c| {
        if c.value.len() == 2 && c.value.chars().all(|ch| ch.is_ascii_alphabetic()) {
            Some(c.value.to_ascii_lowercase())
        } else {
            th.errors.extend(
                at(
                    format!(
                        "`{}` is not a two-letter country code such as \"fr\"",
                        c.value
                    ),
                    &c,
                )
                .errors,
            );
            None
        }
    });
    let sites = sites.and_then(|s| {
        let path = ctx.resolve(&s.value);
        if path.is_dir() {
            Some(path)
        } else {
            th.errors.extend(
                at(
                    format!("`{}` is not a folder of site profiles", path.display()),
                    &s,
                )
                .errors,
            );
            None
        }
    });
    let sources = sources.and_then(|list| {
        if list.value.is_empty() {
            th.errors
                .extend(at("`sources` needs at least one URL or saved page", &list).errors);
            return None;
        }
        let mut out = Vec::new();
        for written in &list.value {
            match read_source_spec(written, ctx) {
                Ok(source) => out.push(source),
                Err(message) => th.errors.extend(at(message, &list).errors),
            }
        }
        (out.len() == list.value.len()).then_some(out)
    });
    let own_host = ctx
        .site
        .as_deref()
        .and_then(|s| Url::parse(s).ok())
        .and_then(|u| u.host_str().map(bare_host));
    Some((
        Category::Reputation,
        Params {
            sources: sources?,
            country,
            sites,
            delay,
            own_host,
        },
    ))
}

fn read_source_spec(written: &str, ctx: &LoadContext<'_>) -> Result<Source, String> {
    if written.starts_with("http://") || written.starts_with("https://") {
        return Url::parse(written)
            .map(Source::Url)
            .map_err(|e| format!("`{written}` is not a URL: {e}"));
    }
    let path = ctx.resolve(written.strip_prefix("file://").unwrap_or(written));
    if path.is_file() {
        crate::input::within_cap(&path, &crate::input::PAGE).map_err(|e| e.to_string())?;
        Ok(Source::File {
            written: written.to_string(),
            path,
        })
    } else {
        Err(format!(
            "source `{written}` is neither an http(s) URL nor a readable file ({})",
            path.display()
        ))
    }
}

/// Reads every source, as many at once as there are cores: pages are independent and each
/// one's parse runs on the blocking pool, so they use every core, while fetches still keep
/// each host's pace. The results come in the sources' order; at most that many pages are in
/// memory at once.
pub async fn read_all(
    sources: &[Source],
    country: Option<&str>,
    profiles: &Profiles,
    fetcher: &Fetcher,
    keep_pages: Option<&std::path::Path>,
) -> Vec<SourceResult> {
    use futures_util::stream::{self, StreamExt};
    let at_once = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    // Made before the stream (they start only when polled): a mapping closure in the stream
    // would make the check's future not provably `Send`.
    let reads: Vec<_> = sources
        .iter()
        .map(|source| read(source, country, profiles, fetcher, keep_pages))
        .collect();
    stream::iter(reads).buffered(at_once).collect().await
}

/// What became of one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceOutcome {
    Ok,
    NoRating,
    Blocked,
    Error,
    /// Read, and every rating on it cannot be true (see `SourceResult::invalid` for why).
    Invalid,
}

/// One source's result, kept as evidence and re-scored offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceResult {
    pub source: String,
    pub profile: String,
    /// Why that profile: the address it names, or the content it carries.
    #[serde(default)]
    pub profile_reason: Option<String>,
    pub outcome: SourceOutcome,
    /// Why it was blocked or failed.
    pub reason: Option<String>,
    pub page: Option<PageRecord>,
    pub ratings: Vec<Rating>,
    /// Ratings the source states that cannot be true: shown with why, never scored.
    /// Absent from observations stored before it was read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invalid: Vec<InvalidRating>,
    pub repairs: Vec<String>,
}

/// A page read: where, when, what came back, and its fingerprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageRecord {
    pub final_url: String,
    pub status: Option<u16>,
    pub fetched_at: DateTime<FixedOffset>,
    pub sha256: String,
    pub bytes: usize,
    pub encoding: String,
    /// Where the bytes were kept, when they were.
    pub saved_as: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewsObservation {
    pub sources: Vec<SourceResult>,
    /// Copied from the check so offline re-scoring judges self-published ratings alike.
    pub own_host: Option<String>,
}

pub async fn collect(
    params: &Params,
    ctx: &CollectContext,
) -> Result<ReviewsObservation, CheckError> {
    let profiles = match &params.sites {
        Some(dir) => Profiles::with_folder(dir).map_err(|errors| {
            CheckError::failed(
                ErrorCode::InvalidInput,
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?,
        None => Profiles::shipped(),
    };
    let fetcher = Fetcher::new(Policy {
        delay: params.delay,
        budget: Some(ctx.budget),
        ..Policy::default()
    })
    .map_err(|e| CheckError::failed(ErrorCode::Network, e))?;
    let pages_dir = ctx.evidence_dir.join("pages");
    let sources = read_all(
        &params.sources,
        params.country.as_deref(),
        &profiles,
        &fetcher,
        Some(&pages_dir),
    )
    .await;
    Ok(ReviewsObservation {
        sources,
        own_host: params.own_host.clone(),
    })
}
