//! The channel curves shipped in `checks/benchmarks.toml`, embedded in the binary.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use toml_span::de_helpers::TableHelper;
use toml_span::value::ValueInner;

pub mod curve;

use crate::spanned::{DurationValue, Number, custom, parse_toml, read_table};
use crate::spanned::{InputError, at};
use curve::Curve;

/// The file as shipped, compiled in.
pub const SHIPPED_TEXT: &str = include_str!("../../checks/benchmarks.toml");
pub const SHIPPED_PATH: &str = "checks/benchmarks.toml";

/// One benchmark: what is timed, its curve, and where the numbers come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    pub family: String,
    pub channel: String,
    pub measure: String,
    pub curve: Curve,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Benchmarks {
    /// `http.<channel>`: time to first byte of pages and endpoints.
    pub http: BTreeMap<String, Benchmark>,
    /// `contact.<channel>`: time from a contact to the first human response.
    pub contact: BTreeMap<String, Benchmark>,
    /// `[reviews]`: how ratings combine.
    pub reviews: ReviewsModel,
    /// `[channel_weights]`: a channel's voice in responsiveness (1 when not listed).
    pub channel_weights: BTreeMap<String, f64>,
}

/// How ratings from several sources become one score (`[reviews]`).
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewsModel {
    /// The value (0–100) every combination is shrunk toward.
    pub prior: f64,
    /// As if this many ratings of `prior` were added.
    pub prior_weight: f64,
    /// The share of the score that public answering to reviews carries, where known.
    pub answering_share: f64,
    /// Reply delay (days, as seconds) → 0–100.
    pub reply_curve: Curve,
    pub source: String,
}

impl Default for ReviewsModel {
    fn default() -> Self {
        Self {
            prior: 62.5,
            prior_weight: 7.0,
            answering_share: 0.2,
            reply_curve: Curve {
                p10: 86_400.0,
                median: 604_800.0,
            },
            source: String::new(),
        }
    }
}

impl Benchmarks {
    pub fn contact_channels(&self) -> Vec<&str> {
        self.contact.keys().map(String::as_str).collect()
    }

    pub fn all(&self) -> impl Iterator<Item = &Benchmark> {
        self.http.values().chain(self.contact.values())
    }
}

/// The shipped benchmarks. Their validity is a test, so failure here is a build defect.
pub fn shipped() -> &'static Benchmarks {
    static SHIPPED: OnceLock<Benchmarks> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        parse(SHIPPED_TEXT, Path::new(SHIPPED_PATH))
            .unwrap_or_else(|err| panic!("shipped benchmarks are invalid:\n{err}"))
    })
}

/// Parses a benchmarks file; every problem is reported with its place.
pub fn parse(text: &str, file: &Path) -> Result<Benchmarks, InputError> {
    let mut root = parse_toml(text, file)?;
    let mut errors = toml_span::DeserError { errors: Vec::new() };
    let mut benchmarks = Benchmarks::default();
    match TableHelper::new(&mut root) {
        Ok(mut top) => {
            if let Some((_, mut table)) = top.take("reviews")
                && let Some(model) = read_reviews(&mut table, &mut errors.errors)
            {
                benchmarks.reviews = model;
            }
            if let Some((_, mut table)) = top.take("channel_weights") {
                benchmarks.channel_weights = read_weights(&mut table, &mut errors.errors);
            }
            for (family, target) in [
                ("http", &mut benchmarks.http),
                ("contact", &mut benchmarks.contact),
            ] {
                if let Some((_, mut table)) = top.take(family) {
                    read_family(family, &mut table, target, &mut errors.errors);
                }
            }
            if let Err(err) = top.finalize(None) {
                errors.merge(err);
            }
        }
        Err(err) => errors.merge(err),
    }
    if errors.errors.is_empty() {
        Ok(benchmarks)
    } else {
        Err(InputError::in_toml(file, text, errors))
    }
}

/// A table of channel names to weights (0 or more): `[channel_weights]` here, and an audit
/// file's `[scoring] channel_weights`.
pub fn read_weights(
    value: &mut toml_span::Value<'_>,
    errors: &mut Vec<toml_span::Error>,
) -> BTreeMap<String, f64> {
    let mut weights = BTreeMap::new();
    read_table(value, errors, |th| {
        let names: Vec<String> = th.table.keys().map(|k| k.name.to_string()).collect();
        for name in names {
            let Some(mut value) = th.table.remove(name.as_str()) else {
                continue;
            };
            match <toml_span::Spanned<Number> as toml_span::Deserialize>::deserialize(&mut value) {
                Ok(weight) if weight.value.0 >= 0.0 => {
                    weights.insert(name, weight.value.0);
                }
                Ok(weight) => th
                    .errors
                    .extend(at("a channel weight cannot be negative", &weight).errors),
                Err(e) => th.errors.extend(e.errors),
            }
        }
    });
    weights
}

fn read_reviews(
    value: &mut toml_span::Value<'_>,
    errors: &mut Vec<toml_span::Error>,
) -> Option<ReviewsModel> {
    read_table(value, errors, |th| {
        let prior = th.required::<Number>("prior").ok();
        let prior_weight = th.required::<Number>("prior_weight").ok();
        let share = th.required_s::<Number>("answering_share").ok();
        let p10 = th.required::<DurationValue>("reply_p10").ok();
        let median = th.required::<DurationValue>("reply_median").ok();
        let source = th.required::<String>("source").ok();
        if let Some(share) = share.as_ref().filter(|s| !(0.0..=1.0).contains(&s.value.0)) {
            th.errors
                .extend(at("`answering_share` is a share from 0 to 1", share).errors);
        }
        Some(ReviewsModel {
            prior: prior?.0,
            prior_weight: prior_weight?.0,
            answering_share: share?.value.0,
            reply_curve: Curve::from_durations(p10?.0, median?.0),
            source: source?,
        })
    })
    .flatten()
}

fn read_family(
    family: &str,
    value: &mut toml_span::Value<'_>,
    into: &mut BTreeMap<String, Benchmark>,
    errors: &mut Vec<toml_span::Error>,
) {
    if value.as_table().is_none() {
        errors.extend(
            custom(
                format!("`{family}` must be a table of channels, such as [{family}.web]"),
                value,
            )
            .errors,
        );
        return;
    }
    let ValueInner::Table(table) = value.take() else {
        return;
    };
    for (key, mut entry) in table {
        let benchmark = read_table(&mut entry, errors, |th| {
            let measure = th.required::<String>("measure").ok();
            let p10 = th.required_s::<DurationValue>("p10").ok();
            let median = th.required::<DurationValue>("median").ok();
            let source = th.required::<String>("source").ok();
            if let (Some(p10), Some(median)) = (&p10, &median)
                && p10.value.0 >= median.0
            {
                th.errors
                    .extend(at("`p10` must be faster than `median`", p10).errors);
            }
            Some(Benchmark {
                family: family.to_string(),
                channel: key.name.to_string(),
                measure: measure?,
                curve: Curve::from_durations(p10?.value.0, median?.0),
                source: source?,
            })
        });
        if let Some(Some(benchmark)) = benchmark {
            into.insert(key.name.to_string(), benchmark);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_benchmarks_parse_and_cite_sources() {
        let benchmarks = parse(SHIPPED_TEXT, Path::new(SHIPPED_PATH)).expect("shipped file parses");
        for channel in ["web", "help", "api", "chat"] {
            assert!(
                benchmarks.http.contains_key(channel),
                "no http curve for {channel}"
            );
        }
        for channel in ["email", "chat", "social", "phone", "in_store"] {
            assert!(
                benchmarks.contact.contains_key(channel),
                "no contact curve for {channel}"
            );
        }
        for b in benchmarks.all() {
            assert!(
                b.source.len() > 20,
                "{}.{} cites no source",
                b.family,
                b.channel
            );
            assert!(b.curve.p10 < b.curve.median);
        }
    }

    #[test]
    fn bad_curve_is_reported_at_its_place() {
        let text =
            "[contact.email]\nmeasure = \"x\"\np10 = \"12h\"\nmedian = \"1h\"\nsource = \"y\"\n";
        let err = parse(text, Path::new("b.toml")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "b.toml:3:8: `p10` must be faster than `median`"
        );
    }
}
