//! Ratings that cannot be true: a value outside its own scale, a count below zero or beyond
//! any platform's, a number that is not one. Such a rating is reported with why and never
//! scored: weighted by its count, one absurd source would otherwise outweigh every real one.

use std::fmt;

use serde::{Deserialize, Serialize};

/// More ratings than this on one platform is an error in the page, not a company's fame: the
/// most rated apps in the world have a few hundred million.
pub const MAX_COUNT: f64 = 1e9;

/// The number of a rating that was judged, named as schema.org names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RatingField {
    RatingValue,
    BestRating,
    WorstRating,
    RatingCount,
    ReviewCount,
}

impl RatingField {
    pub fn name(self) -> &'static str {
        match self {
            RatingField::RatingValue => "ratingValue",
            RatingField::BestRating => "bestRating",
            RatingField::WorstRating => "worstRating",
            RatingField::RatingCount => "ratingCount",
            RatingField::ReviewCount => "reviewCount",
        }
    }
}

/// Why a stated rating cannot be true.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
pub enum Implausible {
    /// `NaN`, `Infinity`: a number only in name.
    NotANumber {
        field: RatingField,
    },
    /// The value lies outside the scale it is stated on (`-5` of 5, `7` of 5).
    OutOfScale {
        value: f64,
        worst: f64,
        best: f64,
    },
    /// The best of the scale is not above its worst: no value can be placed on it.
    EmptyScale {
        worst: f64,
        best: f64,
    },
    NegativeCount {
        field: RatingField,
        count: f64,
    },
    /// Above [`MAX_COUNT`].
    CountTooLarge {
        field: RatingField,
        count: f64,
    },
}

impl fmt::Display for Implausible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Implausible::NotANumber { field } => write!(f, "{} is not a number", field.name()),
            Implausible::OutOfScale { value, worst, best } => write!(
                f,
                "ratingValue {value} is outside its scale of {worst} to {best}"
            ),
            Implausible::EmptyScale { worst, best } => {
                write!(f, "bestRating {best} is not above worstRating {worst}")
            }
            Implausible::NegativeCount { field, count } => {
                write!(f, "{} {count} is below zero", field.name())
            }
            Implausible::CountTooLarge { field, count } => write!(
                f,
                "{} {count:e} is more than any platform has (over 10^9)",
                field.name()
            ),
        }
    }
}

/// A rating's numbers as the page states them, before they are judged: signed, unbounded,
/// NaN where the page wrote `NaN`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stated {
    pub value: f64,
    pub best: f64,
    pub worst: f64,
    pub rating_count: Option<f64>,
    pub review_count: Option<f64>,
}

/// The counts of a rating that can be true, or the first reason it cannot.
pub fn judge(stated: &Stated) -> Result<(Option<u64>, Option<u64>), Implausible> {
    for (field, number) in [
        (RatingField::RatingValue, stated.value),
        (RatingField::BestRating, stated.best),
        (RatingField::WorstRating, stated.worst),
    ] {
        if !number.is_finite() {
            return Err(Implausible::NotANumber { field });
        }
    }
    let rating_count = stated
        .rating_count
        .map(|n| count(RatingField::RatingCount, n))
        .transpose()?;
    let review_count = stated
        .review_count
        .map(|n| count(RatingField::ReviewCount, n))
        .transpose()?;
    let Stated {
        value, best, worst, ..
    } = *stated;
    if best <= worst {
        return Err(Implausible::EmptyScale { worst, best });
    }
    if !(worst..=best).contains(&value) {
        return Err(Implausible::OutOfScale { value, worst, best });
    }
    Ok((rating_count, review_count))
}

/// A count that can be true, as a whole number.
pub fn count(field: RatingField, stated: f64) -> Result<u64, Implausible> {
    if !stated.is_finite() {
        return Err(Implausible::NotANumber { field });
    }
    if stated < 0.0 {
        return Err(Implausible::NegativeCount {
            field,
            count: stated,
        });
    }
    if stated > MAX_COUNT {
        return Err(Implausible::CountTooLarge {
            field,
            count: stated,
        });
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "finite, non-negative and at most 10^9"
    )]
    Ok(stated.round() as u64)
}
