//! Rating extraction: every aggregate rating a page carries, from JSON-LD,
//! microdata, RDFa (with legacy data-vocabulary) and microformats, read into
//! one model, de-duplicated across syntaxes, and sorted company first.
//! Pure: bytes in, ratings out; fetching is `net`'s job.

pub mod charset;
mod graph;
pub mod html;
mod items;
mod jsonld;
mod microformats;
pub mod numbers;
pub mod plausible;
pub mod profile;

use graph::{Budget, Graph};
pub use plausible::Implausible;
use serde::{Deserialize, Serialize};

/// Where a rating was read from. The order is the preference when the same
/// rating appears in several syntaxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Syntax {
    JsonLd,
    Microdata,
    Rdfa,
    DataVocabulary,
    Microformats,
    /// A site profile's own fields (page data or API JSON).
    Profile,
}

/// Whose rating it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    /// The organisation (Organization and its subtypes): what the audit scores.
    Company,
    /// A product, app, book, film…: reported, not the company's reputation.
    Product,
    /// EmployerAggregateRating: reputation as an employer, not with customers.
    Employer,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Entity {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub name: Option<String>,
    pub url: Option<String>,
}

/// One aggregate rating as the page states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    pub syntax: Syntax,
    pub entity: Entity,
    pub bucket: Bucket,
    pub value: f64,
    pub best: f64,
    pub worst: f64,
    /// True when the page gave no scale and 5 (or 10, 100 for larger values) was assumed.
    pub scale_defaulted: bool,
    pub rating_count: Option<u64>,
    pub review_count: Option<u64>,
    /// Share of negative reviews the company answered in public (0–1), where the platform says.
    pub reply_rate: Option<f64>,
    /// Average days the company takes to reply, where the platform says.
    pub avg_reply_days: Option<f64>,
    /// The newest review's date (`YYYY-MM-DD`), where the page lists reviews.
    pub latest_review: Option<String>,
    /// Reviews per star, 1★ first, where the platform shows the histogram.
    pub distribution: Option<[u64; 5]>,
}

impl Rating {
    /// The rating on 0–100 from its own scale: (value − worst) / (best − worst).
    pub fn normalized(&self) -> f64 {
        (100.0 * (self.value - self.worst) / (self.best - self.worst)).clamp(0.0, 100.0)
    }

    /// How many people the rating rests on, whichever count the page gave.
    pub fn votes(&self) -> Option<u64> {
        self.rating_count.max(self.review_count)
    }
}

/// A rating a page states that cannot be true (see [`plausible`]): reported with why, never a
/// [`Rating`], so nothing can score it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvalidRating {
    pub syntax: Syntax,
    pub entity: Entity,
    pub bucket: Bucket,
    pub reason: Implausible,
}

/// What one page yielded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageRatings {
    pub ratings: Vec<Rating>,
    /// Ratings the page states that cannot be true.
    pub invalid: Vec<InvalidRating>,
    /// Repairs needed to read the page's JSON-LD (`comments`, `trailing-commas`…).
    pub repairs: Vec<&'static str>,
}

/// Extracts every aggregate rating from a decoded HTML page.
/// Work on a page is bounded (a budget of steps linear in its size, `graph::Budget`); a
/// page that needed more is read as far as the budget went and says so in its repairs.
pub fn extract_html(text: &str) -> PageRatings {
    extract_reading(text, &may_start_item)
}

/// [`extract_html`] with a DOM built when some start tag's attribute text passes `needs_dom`:
/// a page whose tags cannot start an item gives the same ratings without one.
fn extract_reading(text: &str, needs_dom: &dyn Fn(&str) -> bool) -> PageRatings {
    let html::Lifted {
        parsed,
        json_ld,
        capped,
    } = html::parse_lifting_json_ld(text, needs_dom);
    let mut budget = Budget::for_input(text.len());
    // One walk over the tree serves every syntax.
    let all: Vec<_> = parsed
        .iter()
        .flat_map(|p| p.html.root_element().descendent_elements())
        .collect();
    let mut found = Vec::new();
    // Every syntax reads into one graph of the page's nodes.
    let mut nodes = Graph::default();
    let (json_roots, mut repairs) = jsonld::roots(&json_ld, &mut nodes, &mut budget);
    let microdata = items::roots(&all, items::MICRODATA, &mut budget, &mut nodes);
    let rdfa = items::roots(&all, items::RDFA, &mut budget, &mut nodes);
    let microformats = microformats::roots(&all, &mut budget, &mut nodes);
    // The walk has its own budget: a page that exhausts reading still gives what was read.
    let mut walk = Budget::for_input(text.len());
    for (syntax, roots) in [
        (Syntax::JsonLd, json_roots),
        (Syntax::Microdata, microdata),
        (Syntax::Rdfa, rdfa),
        (Syntax::Microformats, microformats),
    ] {
        for root in &roots {
            graph::collect(&nodes, *root, syntax, &mut found, &mut walk);
        }
    }
    let (flattened, cut) = parsed
        .as_ref()
        .map_or((false, false), |p| (p.flattened, p.cut));
    if flattened {
        repairs.push(FLATTENED);
    }
    if capped {
        repairs.push(ATTRIBUTES_CAPPED);
    }
    if budget.truncated || walk.truncated || cut {
        repairs.push(TRUNCATED);
    }
    let (mut ratings, mut invalid) = (Vec::new(), Vec::new());
    for rating in found {
        match rating {
            Ok(rating) => ratings.push(rating),
            Err(rejected) => invalid.push(rejected),
        }
    }
    PageRatings {
        ratings: deduplicate(ratings),
        invalid: deduplicate_invalid(invalid),
        repairs,
    }
}

/// Whether a start tag's attribute text may start a markup item: microdata items start at
/// `itemscope`, RDFa at `typeof`, microformats at a `…review-aggregate` class. Attribute names
/// cannot be written with character references and letters have no named ones, so a class
/// written with a numeric reference (`&#`) is the only disguise, and it counts too.
fn may_start_item(attributes: &str) -> bool {
    let bytes = attributes.as_bytes();
    let has = |needle: &[u8]| {
        bytes
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    has(b"itemscope") || has(b"typeof") || has(b"review-aggregate") || has(b"&#")
}

/// Repair named when a page nested deeper than browsers keep was flattened to be parsed.
pub const FLATTENED: &str = "deep-nesting-flattened";
/// Repair named when a tag had more attributes than [`html::MAX_ATTRIBUTES`]: the rest were
/// not read.
pub const ATTRIBUTES_CAPPED: &str = "attributes-capped";
/// Repair named when a page asked for more work than its size allows: it was read in part.
pub const TRUNCATED: &str = "truncated-work-budget";

/// The text a person reads on a page: no scripts, no styles, whitespace folded.
pub fn visible_text(page: &str) -> String {
    let html = html::parse(page).html;
    let skip = scraper::Selector::parse("script, style, noscript, template")
        .unwrap_or_else(|_| unreachable!("static selector"));
    let hidden: std::collections::HashSet<_> = html
        .select(&skip)
        .flat_map(|e| e.descendants().map(|n| n.id()))
        .collect();
    let words: Vec<&str> = html
        .root_element()
        .descendants()
        .filter(|n| !hidden.contains(&n.id()))
        .filter_map(|n| n.value().as_text().map(|t| &**t))
        .flat_map(str::split_whitespace)
        .collect();
    words.join(" ")
}

/// The same rating in several syntaxes (or emitted twice) is reported once, in
/// the preferred syntax, with the best-known entity details merged in.
fn deduplicate(mut ratings: Vec<Rating>) -> Vec<Rating> {
    ratings.sort_by_key(|r| r.syntax);
    let mut kept: Vec<Rating> = Vec::new();
    for rating in ratings {
        let same = kept.iter_mut().find(|k| {
            k.bucket == rating.bucket
                && (k.value - rating.value).abs() < 1e-9
                && (k.best - rating.best).abs() < 1e-9
                && k.votes() == rating.votes()
        });
        match same {
            Some(existing) => {
                let entity = &mut existing.entity;
                entity.name = entity.name.take().or(rating.entity.name);
                entity.url = entity.url.take().or(rating.entity.url);
                entity.kind = entity.kind.take().or(rating.entity.kind);
                existing.rating_count = existing.rating_count.or(rating.rating_count);
                existing.review_count = existing.review_count.or(rating.review_count);
            }
            None => kept.push(rating),
        }
    }
    kept.sort_by_key(|r| (r.bucket, r.syntax));
    kept
}

/// The same impossible rating in several syntaxes is reported once, in the preferred syntax.
fn deduplicate_invalid(mut invalid: Vec<InvalidRating>) -> Vec<InvalidRating> {
    invalid.sort_by_key(|r| r.syntax);
    let mut kept: Vec<InvalidRating> = Vec::new();
    for rating in invalid {
        if !kept
            .iter()
            .any(|k| k.bucket == rating.bucket && k.reason == rating.reason)
        {
            kept.push(rating);
        }
    }
    kept.sort_by_key(|r| (r.bucket, r.syntax));
    kept
}

#[cfg(test)]
mod tests;
