//! Reputation from ratings: each normalised from its own scale, combined by
//! number of ratings with shrinkage toward a prior, plus how the company
//! answers reviews in public where a platform shows it.

use super::benchmarks::ReviewsModel;
use super::checks::Scored;
use crate::checks::reviews::{ReviewsObservation, SourceOutcome, SourceResult, bare_host};
use crate::extract::{Bucket, Rating};
use crate::report::model::{Evidence, Finding, Metric, Severity, Status};

/// Fewer ratings than this in all are called out.
const FEW_RATINGS: u64 = 30;
/// Normalised ratings further apart than this mean the platforms disagree.
const DISAGREEMENT: f64 = 25.0;

pub fn score(obs: &ReviewsObservation, model: &ReviewsModel) -> Scored {
    let mut scored = Scored {
        evidence: obs.sources.iter().map(evidence).collect(),
        ..Scored::default()
    };
    let own = obs.own_host.as_deref();
    let mut counted: Vec<(&SourceResult, &Rating)> = Vec::new();
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
    for source in obs
        .sources
        .iter()
        .filter(|s| matches!(s.outcome, SourceOutcome::Blocked | SourceOutcome::Error))
    {
        let why = source.reason.as_deref().unwrap_or("unknown reason");
        scored.findings.push(Finding::new(
            Severity::Warn,
            format!("{} could not be read ({why}); its ratings are not counted.", source.source),
            "Save the page from a browser and list the saved file as a source, or use the platform's own API.",
        ));
    }
    if self_published > 0 {
        scored.findings.push(Finding::new(
            Severity::Info,
            format!("{self_published} rating(s) published on the company's own site are shown but not scored."),
            "Let customers rate you on independent platforms; self-published ratings do not persuade.",
        ));
    }
    if counted.is_empty() {
        let readable = obs
            .sources
            .iter()
            .any(|s| matches!(s.outcome, SourceOutcome::Ok | SourceOutcome::NoRating));
        if !readable {
            scored.status = Status::Error;
            scored.error = Some("no review source could be read".into());
            return scored;
        }
        scored.status = Status::NotApplicable;
        scored.findings.push(Finding::new(
            Severity::Warn,
            "No rating of the company was found on the sources given.",
            "Claim the company's profile on a review platform and ask every customer for a review.",
        ));
        return scored;
    }

    let votes = |r: &Rating| r.votes().unwrap_or(1).max(1) as f64;
    let total_votes: f64 = counted
        .iter()
        .map(|(_, r)| votes(r))
        .fold(0.0, |a, b| a + b);
    let weighted: f64 = counted
        .iter()
        .map(|(_, r)| votes(r) * r.normalized())
        .fold(0.0, |a, b| a + b);
    let rating = (model.prior * model.prior_weight + weighted) / (model.prior_weight + total_votes);
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
    let final_score = if answering.is_empty() {
        rating
    } else {
        let answered = answering.iter().sum::<f64>() / answering.len() as f64;
        (1.0 - model.answering_share) * rating + model.answering_share * answered
    };

    scored.score = Some(final_score);
    scored.status = Status::for_score(final_score);
    #[expect(clippy::cast_precision_loss, reason = "source counts are small")]
    let sources_ok = obs
        .sources
        .iter()
        .filter(|s| s.outcome == SourceOutcome::Ok)
        .count() as f64;
    scored.metrics = vec![
        Metric::new("rating", rating, Some("/100")),
        Metric::new("ratings", total_votes, None),
        Metric::new("sources_read", sources_ok, None),
    ];
    for (source, r) in &counted {
        if let Some(rate) = r.reply_rate {
            scored
                .metrics
                .push(Metric::new("reply_rate", rate, Some("ratio")));
            if rate < 0.5 {
                scored.findings.push(Finding::new(
                    if rate < 0.2 { Severity::Fail } else { Severity::Warn },
                    format!("On {} the company answered {:.0}% of negative reviews.", source.profile, rate * 100.0),
                    "Answer every negative review in public: prospects read the answers as much as the reviews.",
                ));
            }
        }
        if let Some(days) = r.avg_reply_days {
            scored
                .metrics
                .push(Metric::new("avg_reply_days", days, Some("d")));
            if days * 86_400.0 > model.reply_curve.median {
                scored.findings.push(Finding::new(
                    Severity::Warn,
                    format!(
                        "On {} replies to reviews take {days:.1} days on average.",
                        source.profile
                    ),
                    "Reply within a day or two, while the customer is still listening.",
                ));
            }
        }
    }
    if rating < 70.0 {
        scored.findings.push(Finding::new(
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
        scored.findings.push(Finding::new(
            Severity::Warn,
            format!("Only {total} ratings in all: the score is pulled toward {:.0}/100 until there are more.", model.prior),
            "Ask every customer for a review after each purchase or resolved contact.",
        ));
    }
    let normalised: Vec<f64> = counted.iter().map(|(_, r)| r.normalized()).collect();
    let (low, high) = normalised
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
    if high - low > DISAGREEMENT {
        scored.findings.push(Finding::new(
            Severity::Warn,
            format!("Sources disagree: ratings range from {low:.0} to {high:.0}/100."),
            "Find out what differs between the platforms' customers (channel, product, country).",
        ));
    }
    scored
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
            .collect::<Vec<_>>()
            .join("; "),
        SourceOutcome::NoRating => "no rating on this page".into(),
        SourceOutcome::Blocked => {
            format!("blocked: {}", source.reason.as_deref().unwrap_or_default())
        }
        SourceOutcome::Error => {
            format!("not read: {}", source.reason.as_deref().unwrap_or_default())
        }
    };
    let page = source.page.as_ref().map_or_else(String::new, |p| {
        format!(
            " · {} bytes, sha256 {}",
            p.bytes,
            &p.sha256[..12.min(p.sha256.len())]
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
