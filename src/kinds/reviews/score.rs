//! Reputation from ratings: each normalised from its own scale, combined by
//! number of ratings with shrinkage toward a prior, plus how the company
//! answers reviews in public where a platform shows it.

use crate::benchmarks::ReviewsModel;
use crate::extract::{Bucket, Rating};
use crate::kind::Scored;
use crate::kinds::reviews::{ReviewsObservation, SourceOutcome, SourceResult};
use crate::net::bare_host;
use crate::text;
use crate::verdict::{Evidence, Finding, Metric, Severity, Status, Unit};

/// Fewer ratings than this in all are called out.
const FEW_RATINGS: u64 = 30;
/// Normalised ratings further apart than this mean the platforms disagree.
const DISAGREEMENT: f64 = 25.0;
/// A newest review older than this says little about today's service.
const STALE_DAYS: i64 = 180;

pub fn score(obs: &ReviewsObservation, model: &ReviewsModel) -> Scored {
    let mut scored = Scored {
        evidence: obs.sources.iter().map(evidence).collect(),
        ..Scored::default()
    };
    let (counted, self_published) = counted_ratings(obs);
    scored
        .findings
        .extend(reading_findings(obs, self_published));
    if counted.is_empty() {
        return nothing_counted(obs, scored);
    }
    let (rating, total_votes) = combined_rating(&counted, model);
    let final_score = with_answering(rating, &counted, model);
    scored.score = Some(final_score);
    scored.status = Status::for_score(final_score);
    #[expect(clippy::cast_precision_loss, reason = "source counts are small")]
    let sources_ok = obs
        .sources
        .iter()
        .filter(|s| s.outcome == SourceOutcome::Ok)
        .count() as f64;
    scored.metrics = vec![
        Metric::new(
            "rating",
            "Rating, on a 0–100 scale",
            rating,
            Some(Unit::OutOf100),
        ),
        Metric::new("ratings", "Ratings counted", total_votes, None),
        Metric::new("sources_read", "Review platforms read", sources_ok, None),
    ];
    for (source, r) in &counted {
        platform_signals(&mut scored, source, r, model);
    }
    scored
        .findings
        .extend(summary_findings(rating, total_votes, &counted, model));
    scored
}

/// The ratings that count (read, not about employers, not self-published), and how many
/// self-published ones were left out.
fn counted_ratings(obs: &ReviewsObservation) -> (Vec<(&SourceResult, &Rating)>, usize) {
    let own = obs.own_host.as_deref();
    let mut counted = Vec::new();
    let mut self_published = 0;
    for source in obs
        .sources
        .iter()
        .filter(|s| s.outcome == SourceOutcome::Ok)
    {
        for rating in source
            .ratings
            .iter()
            .filter(|r| r.bucket != Bucket::Employer)
        {
            if is_self_published(source, own) {
                self_published += 1;
            } else {
                counted.push((source, rating));
            }
        }
    }
    (counted, self_published)
}

/// Sources that could not be read, and self-published ratings left out.
fn reading_findings(obs: &ReviewsObservation, self_published: usize) -> Vec<Finding> {
    let mut findings: Vec<Finding> = obs
        .sources
        .iter()
        .filter(|s| matches!(s.outcome, SourceOutcome::Blocked | SourceOutcome::Error))
        .map(|source| {
            let why = source.reason.as_deref().unwrap_or("unknown reason");
            Finding::new(crate::verdict::Code::SourceUnreadable,
                Severity::Warn,
                format!("{} could not be read ({why}); its ratings are not counted.", source.source),
                "Save the page from a browser and list the saved file as a source, or use the platform's own API.",
            ).about(source.source.clone())
        })
        .collect();
    // Never scored, always said: whoever reads the score should know a source was set aside.
    for source in &obs.sources {
        for invalid in &source.invalid {
            findings.push(Finding::new(crate::verdict::Code::ImpossibleRating,
                Severity::Warn,
                format!(
                    "{}: a rating that cannot be true was not scored ({}).",
                    source.source, invalid.reason
                ),
                "Check the source: on a platform's page, tell the platform; on a saved or own page, fix its markup \
                 (ratingValue between worstRating and bestRating, counts whole and plausible).",
            ).about(source.source.clone()));
        }
    }
    if self_published > 0 {
        findings.push(Finding::new(crate::verdict::Code::SelfPublishedRatings,
            Severity::Info,
            format!("{self_published} rating(s) published on the company's own site are shown but not scored."),
            "Let customers rate you on independent platforms; self-published ratings do not persuade.",
        ));
    }
    findings
}

/// No rating counted: an error when nothing could be read, else not applicable, said.
fn nothing_counted(obs: &ReviewsObservation, mut scored: Scored) -> Scored {
    let readable = obs.sources.iter().any(|s| {
        matches!(
            s.outcome,
            SourceOutcome::Ok | SourceOutcome::NoRating | SourceOutcome::Invalid
        )
    });
    if !readable {
        scored.status = Status::Error;
        scored.error = Some("no review source could be read".into());
        return scored;
    }
    scored.status = Status::NotApplicable;
    scored.findings.push(Finding::new(
        crate::verdict::Code::NoRatingFound,
        Severity::Warn,
        "No rating of the company was found on the sources given.",
        "Claim the company's profile on a review platform and ask every customer for a review.",
    ));
    scored
}

fn votes(r: &Rating) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "rating counts")]
    let votes = r.votes().unwrap_or(1).max(1) as f64;
    votes
}

/// The ratings weighted by their votes and shrunk toward the prior; with the votes in all.
fn combined_rating(counted: &[(&SourceResult, &Rating)], model: &ReviewsModel) -> (f64, f64) {
    let total_votes: f64 = counted
        .iter()
        .map(|(_, r)| votes(r))
        .fold(0.0, |a, b| a + b);
    let weighted: f64 = counted
        .iter()
        .map(|(_, r)| votes(r) * r.normalized())
        .fold(0.0, |a, b| a + b);
    let rating = (model.prior * model.prior_weight + weighted) / (model.prior_weight + total_votes);
    (rating, total_votes)
}

/// The rating blended with how the company answers reviews in public, where a platform shows it.
fn with_answering(rating: f64, counted: &[(&SourceResult, &Rating)], model: &ReviewsModel) -> f64 {
    let answering: Vec<f64> = counted
        .iter()
        .filter_map(|(_, r)| {
            let rate = r.reply_rate?;
            let pace = r
                .avg_reply_days
                .map_or(1.0, |days| model.reply_curve.score(days * 86_400.0) / 100.0);
            Some(rate.clamp(0.0, 1.0) * 100.0 * pace)
        })
        .collect();
    if answering.is_empty() {
        return rating;
    }
    #[expect(clippy::cast_precision_loss, reason = "source counts are small")]
    let answered = answering.iter().sum::<f64>() / answering.len() as f64;
    (1.0 - model.answering_share) * rating + model.answering_share * answered
}

/// What one platform shows beyond the rating: reply rate, one-star share, reply pace.
fn platform_signals(scored: &mut Scored, source: &SourceResult, r: &Rating, model: &ReviewsModel) {
    if let Some(rate) = r.reply_rate {
        scored.metrics.push(Metric::new(
            "reply_rate",
            format!("Negative reviews answered on {}", source.profile),
            rate,
            Some(Unit::Ratio),
        ));
        if rate < 0.5 {
            scored.findings.push(Finding::new(crate::verdict::Code::UnansweredNegativeReviews,
                if rate < 0.2 { Severity::Fail } else { Severity::Warn },
                format!("On {} the company answered {:.0}% of negative reviews.", source.profile, rate * 100.0),
                "Answer every negative review in public: prospects read the answers as much as the reviews.",
            ).about(source.profile.clone()));
        }
    }
    if let Some(stars) = r.distribution {
        let all: u64 = stars.iter().sum();
        if all > 0 {
            #[expect(clippy::cast_precision_loss, reason = "review counts")]
            let share = stars[0] as f64 / all as f64;
            scored.metrics.push(Metric::new(
                "one_star_share",
                format!("One-star reviews on {}", source.profile),
                share,
                Some(Unit::Ratio),
            ));
            if share > 0.25 {
                scored.findings.push(Finding::new(crate::verdict::Code::ManyOneStar,
                    Severity::Warn,
                    format!("On {} {:.0}% of reviews give one star.", source.profile, share * 100.0),
                    "One-star reviews usually name a broken promise: find the two or three that recur.",
                ).about(source.profile.clone()));
            }
        }
    }
    if let Some(days) = r.avg_reply_days {
        scored.metrics.push(Metric::new(
            "avg_reply_days",
            format!("Time to answer a review on {}, average", source.profile),
            days,
            Some(Unit::Days),
        ));
        if days * 86_400.0 > model.reply_curve.median {
            scored.findings.push(
                Finding::new(
                    crate::verdict::Code::SlowReviewReplies,
                    Severity::Warn,
                    format!(
                        "On {} replies to reviews take {days:.1} days on average.",
                        source.profile
                    ),
                    "Reply within a day or two, while the customer is still listening.",
                )
                .about(source.profile.clone()),
            );
        }
    }
}

/// Across sources: a low rating, too few ratings, stale reviews, platforms that disagree.
fn summary_findings(
    rating: f64,
    total_votes: f64,
    counted: &[(&SourceResult, &Rating)],
    model: &ReviewsModel,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if rating < 70.0 {
        findings.push(Finding::new(
            crate::verdict::Code::LowRating,
            if rating < 50.0 {
                Severity::Fail
            } else {
                Severity::Warn
            },
            format!("The ratings average {rating:.0}/100 across sources."),
            "Read the negative reviews for recurring causes and fix those first.",
        ));
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a count of ratings"
    )]
    let total = total_votes as u64;
    if total < FEW_RATINGS {
        findings.push(Finding::new(crate::verdict::Code::FewRatings,
            Severity::Warn,
            format!("Only {total} ratings in all: the score is pulled toward {:.0}/100 until there are more.", model.prior),
            "Ask every customer for a review after each purchase or resolved contact.",
        ));
    }
    for (source, r) in counted {
        let (Some(latest), Some(page)) = (&r.latest_review, &source.page) else {
            continue;
        };
        let Ok(date) = chrono::NaiveDate::parse_from_str(latest, "%Y-%m-%d") else {
            continue;
        };
        let age = (page.fetched_at.date_naive() - date).num_days();
        if age > STALE_DAYS {
            findings.push(Finding::new(crate::verdict::Code::StaleReviews,
                Severity::Warn,
                format!(
                    "The newest review on {} is from {latest}, {age} days before this audit.",
                    source.profile
                ),
                "Ask recent customers for reviews: old ratings say little about today's service.",
            ).about(source.profile.clone()));
        }
    }
    let (low, high) = counted
        .iter()
        .map(|(_, r)| r.normalized())
        .fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(v), h.max(v)));
    if high - low > DISAGREEMENT {
        findings.push(Finding::new(
            crate::verdict::Code::SourcesDisagree,
            Severity::Warn,
            format!("Sources disagree: ratings range from {low:.0} to {high:.0}/100."),
            "Find out what differs between the platforms' customers (channel, product, country).",
        ));
    }
    findings
}

/// Ratings found on the audited company's own site.
fn is_self_published(source: &SourceResult, own_host: Option<&str>) -> bool {
    let Some(own) = own_host else { return false };
    let url = source
        .page
        .as_ref()
        .map_or(source.source.as_str(), |p| p.final_url.as_str());
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(bare_host))
        .is_some_and(|h| h == own || h.ends_with(&format!(".{own}")))
}

fn evidence(source: &SourceResult) -> Evidence {
    let what = match source.outcome {
        SourceOutcome::Ok => source
            .ratings
            .iter()
            .map(describe)
            .chain(
                source
                    .invalid
                    .iter()
                    .map(|r| format!("invalid: {}", r.reason)),
            )
            .collect::<Vec<_>>()
            .join("; "),
        SourceOutcome::NoRating => "no rating on this page".into(),
        SourceOutcome::Blocked => {
            format!("blocked: {}", source.reason.as_deref().unwrap_or_default())
        }
        SourceOutcome::Error => {
            format!("not read: {}", source.reason.as_deref().unwrap_or_default())
        }
        SourceOutcome::Invalid => {
            format!("invalid: {}", source.reason.as_deref().unwrap_or_default())
        }
    };
    let page = source.page.as_ref().map_or_else(String::new, |p| {
        format!(
            " · {} bytes, sha256 {}",
            p.bytes,
            text::first_chars(&p.sha256, 12)
        )
    });
    Evidence {
        source: source.source.clone(),
        observed_at: source.page.as_ref().map(|p| p.fetched_at),
        excerpt: format!("[{}] {what}{page}", source.profile),
    }
}

fn describe(r: &Rating) -> String {
    let who = r.entity.name.as_deref().unwrap_or("unnamed");
    let count = r
        .votes()
        .map_or_else(String::new, |n| format!(" from {n} ratings"));
    format!("{who}: {}/{}{count} ({:?})", r.value, r.best, r.bucket)
        .to_lowercase()
        .replacen(&who.to_lowercase(), who, 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Entity, Syntax};
    use crate::kinds::reviews::PageRecord;

    fn rating(value: f64, votes: Option<u64>) -> Rating {
        Rating {
            syntax: Syntax::JsonLd,
            entity: Entity::default(),
            bucket: Bucket::Company,
            value,
            best: 5.0,
            worst: 1.0,
            scale_defaulted: false,
            rating_count: votes,
            review_count: None,
            reply_rate: None,
            avg_reply_days: None,
            latest_review: None,
            distribution: None,
        }
    }

    fn source(url: &str, outcome: SourceOutcome, ratings: Vec<Rating>) -> SourceResult {
        SourceResult {
            source: url.into(),
            profile: "schema-org".into(),
            profile_reason: None,
            outcome,
            reason: (outcome != SourceOutcome::Ok).then(|| "HTTP 403 Forbidden".into()),
            page: Some(PageRecord {
                final_url: url.into(),
                status: Some(200),
                fetched_at: chrono::DateTime::parse_from_rfc3339("2026-11-20T09:00:00+01:00")
                    .unwrap(),
                sha256: "ab".repeat(32),
                bytes: 10,
                encoding: "UTF-8".into(),
                saved_as: None,
            }),
            ratings,
            invalid: vec![],
            repairs: vec![],
        }
    }

    fn model() -> ReviewsModel {
        crate::benchmarks::shipped().reviews.clone()
    }

    fn score_of(sources: Vec<SourceResult>) -> Scored {
        score(
            &ReviewsObservation {
                sources,
                own_host: Some("acme.example".into()),
            },
            &model(),
        )
    }

    #[test]
    fn a_digest_of_any_characters_is_shortened_without_a_panic() {
        // Saved evidence is outside text: its digest may be anything.
        let mut source = source("https://a.example/", SourceOutcome::Ok, vec![]);
        source.page.as_mut().unwrap().sha256 = "0123456789aé€😀bcd".into();
        assert!(evidence(&source).excerpt.ends_with("sha256 0123456789aé"));
    }

    #[test]
    fn few_ratings_are_shrunk_toward_the_prior() {
        // (value on 1–5, votes, expected 0–100): prior 62.5 weighs as 7 ratings.
        let table = [
            (5.0, Some(3), (62.5 * 7.0 + 100.0 * 3.0) / 10.0),
            (
                5.0,
                Some(10_000),
                (62.5 * 7.0 + 100.0 * 10_000.0) / 10_007.0,
            ),
            (1.0, Some(3), (62.5 * 7.0) / 10.0),
            (4.0, None, (62.5 * 7.0 + 75.0) / 8.0),
        ];
        for (value, votes, expected) in table {
            let s = score_of(vec![source(
                "https://reviews.test/a",
                SourceOutcome::Ok,
                vec![rating(value, votes)],
            )]);
            let got = s.score.unwrap();
            assert!(
                (got - expected).abs() < 1e-9,
                "{value} from {votes:?}: {got} vs {expected}"
            );
        }
    }

    #[test]
    fn sources_combine_by_number_of_ratings() {
        let s = score_of(vec![
            source(
                "https://a.test/",
                SourceOutcome::Ok,
                vec![rating(5.0, Some(993))],
            ),
            source(
                "https://b.test/",
                SourceOutcome::Ok,
                vec![rating(1.0, Some(1000))],
            ),
        ]);
        let expected = (62.5 * 7.0 + 100.0 * 993.0) / 2000.0;
        assert!((s.score.unwrap() - expected).abs() < 1e-9);
        assert!(
            s.findings
                .iter()
                .any(|f| f.message.starts_with("Sources disagree"))
        );
    }

    #[test]
    fn public_answering_counts_for_its_share() {
        let mut answered = rating(4.0, Some(1000));
        answered.reply_rate = Some(1.0);
        answered.avg_reply_days = Some(1.0); // the curve's p10: scores 90
        let s = score_of(vec![source(
            "https://a.test/",
            SourceOutcome::Ok,
            vec![answered],
        )]);
        let rating = (62.5 * 7.0 + 75.0 * 1000.0) / 1007.0;
        let expected = 0.8 * rating + 0.2 * 90.0;
        assert!(
            (s.score.unwrap() - expected).abs() < 0.01,
            "{:?} vs {expected}",
            s.score
        );
    }

    #[test]
    fn own_site_blocked_and_empty_sources() {
        // The audited company's own site: shown, not scored.
        let own = score_of(vec![source(
            "https://www.acme.example/",
            SourceOutcome::Ok,
            vec![rating(5.0, Some(500))],
        )]);
        assert_eq!((own.score, own.status), (None, Status::NotApplicable));
        // Nothing readable at all: an error, not a zero.
        let blocked = score_of(vec![source(
            "https://a.test/",
            SourceOutcome::Blocked,
            vec![],
        )]);
        assert_eq!((blocked.score, blocked.status), (None, Status::Error));
        // A blocked source beside a readable one is a finding, and is not averaged in.
        let mixed = score_of(vec![
            source("https://a.test/", SourceOutcome::Blocked, vec![]),
            source(
                "https://b.test/",
                SourceOutcome::Ok,
                vec![rating(4.0, Some(1000))],
            ),
        ]);
        assert!((mixed.score.unwrap() - (62.5 * 7.0 + 75.0 * 1000.0) / 1007.0).abs() < 1e-9);
        assert!(
            mixed
                .findings
                .iter()
                .any(|f| f.message.contains("could not be read (HTTP 403 Forbidden)"))
        );
    }

    #[test]
    fn stale_reviews_are_called_out() {
        let mut old = rating(4.0, Some(100));
        old.latest_review = Some("2026-03-01".into());
        let mut fresh = rating(4.0, Some(100));
        fresh.latest_review = Some("2026-11-01".into());
        let stale = |r: Rating| {
            score_of(vec![source("https://a.test/", SourceOutcome::Ok, vec![r])])
                .findings
                .iter()
                .any(|f| f.message.contains("The newest review"))
        };
        assert!(stale(old));
        assert!(!stale(fresh));
    }

    #[test]
    fn an_implausible_source_is_a_finding_and_cannot_drown_the_real_ones() {
        use crate::extract::InvalidRating;
        use crate::extract::plausible::{Implausible, RatingField};
        // 1 star "from 1e300 ratings" beside 4.5 from 2,000: the real one decides.
        let mut absurd = source("https://b.test/", SourceOutcome::Invalid, vec![]);
        absurd.reason = Some("no rating on the page can be true".into());
        absurd.invalid = vec![InvalidRating {
            syntax: Syntax::JsonLd,
            entity: Entity::default(),
            bucket: Bucket::Company,
            reason: Implausible::CountTooLarge {
                field: RatingField::RatingCount,
                count: 1e300,
            },
        }];
        // A source with a real rating and an invalid one: the real one counts, the other is said.
        let mut mixed = source(
            "https://c.test/",
            SourceOutcome::Ok,
            vec![rating(4.5, Some(2000))],
        );
        mixed.invalid = vec![InvalidRating {
            syntax: Syntax::Microdata,
            entity: Entity::default(),
            bucket: Bucket::Company,
            reason: Implausible::OutOfScale {
                value: -5.0,
                worst: 1.0,
                best: 5.0,
            },
        }];
        let s = score_of(vec![mixed, absurd]);
        let expected = (62.5 * 7.0 + 87.5 * 2000.0) / 2007.0;
        assert!(
            (s.score.unwrap() - expected).abs() < 1e-9,
            "{:?} vs {expected}",
            s.score
        );
        let invalid: Vec<&Finding> = s
            .findings
            .iter()
            .filter(|f| f.message.contains("cannot be true"))
            .collect();
        assert_eq!(invalid.len(), 2, "{:#?}", s.findings);
        assert!(invalid[0].message.contains("https://c.test/"));
        assert!(invalid[0].message.contains("ratingValue -5 is outside"));
        assert!(invalid[1].message.contains("https://b.test/"));
        assert!(invalid[1].message.contains("ratingCount 1e300"));
        assert!(invalid.iter().all(|f| !f.recommendation.is_empty()));
        // Alone, an implausible source is read but scores nothing.
        let mut only = source("https://b.test/", SourceOutcome::Invalid, vec![]);
        only.invalid = vec![InvalidRating {
            syntax: Syntax::JsonLd,
            entity: Entity::default(),
            bucket: Bucket::Company,
            reason: Implausible::NotANumber {
                field: RatingField::RatingValue,
            },
        }];
        let alone = score_of(vec![only]);
        assert_eq!((alone.score, alone.status), (None, Status::NotApplicable));
        assert!(
            alone
                .findings
                .iter()
                .any(|f| f.message.contains("cannot be true"))
        );
    }
}
