//! From answers to scores: item scores per answer type, per-question
//! statistics, agreement, sections with a coverage rule, the overall index,
//! reliability labels, segments above the anonymity threshold, and the
//! interview shown beside the survey. Pure functions over the long format.

mod agreement;
mod reliability;
mod segments;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

pub use agreement::Measure;
use agreement::agreement;
pub use reliability::Reliability;
use segments::segment_scores;

use super::answers::{AnswerRow, Origin, Value};
use super::questionnaire::{Kind, Question, Questionnaire};
use crate::stats::{median, percentile, weighted_mean};
use crate::verdict::{Finding, Severity};

/// A section is scored only when its answered items carry this share of its weight.
const SECTION_COVERAGE: f64 = 0.6;
/// Segments smaller than this are not shown (anonymity).
pub const SEGMENT_MINIMUM: usize = 5;
/// Fewer respondents than this are not scored.
pub const SCORING_MINIMUM: usize = 3;
/// Item score gaps (0–1) this large between roles, or interview and survey, are findings.
pub(crate) const GAP: f64 = 0.25;
const DONT_KNOW_FLAG: f64 = 0.3;

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Average role means, so a large team does not drown out a small one.
    pub equal_voice: bool,
}

/// Item score in 0–1, or `None` for "don't know" and unscored types.
pub fn item_score(kind: &Kind, value: &Value) -> Option<f64> {
    match (kind, value) {
        (_, Value::DontKnow) | (Kind::Text, _) => None,
        (Kind::YesNo, Value::Choice(i)) => Some(if *i == 0 { 1.0 } else { 0.0 }),
        (Kind::Scale { options, reversed }, Value::Choice(i)) => {
            let s = *i as f64 / (options.len() - 1) as f64;
            Some(if *reversed { 1.0 - s } else { s })
        }
        (Kind::Maturity4, Value::Choice(i)) => Some(*i as f64 / 3.0),
        (
            Kind::Number {
                best, worst, log, ..
            },
            Value::Number(x),
        ) => {
            let s = if *log {
                let x = x.max(0.1);
                (worst.ln() - x.ln()) / (worst.ln() - best.ln())
            } else {
                (worst - x) / (worst - best)
            };
            Some(s.clamp(0.0, 1.0))
        }
        (
            Kind::Multi {
                target, options, ..
            },
            Value::Multi { chosen, other },
        ) => {
            // "Other" counts once, whether it was ticked, written in, or both.
            let other_ticked = chosen.iter().any(|i| {
                options
                    .get(*i)
                    .is_some_and(|o| o.eq_ignore_ascii_case("other"))
            });
            let count = chosen.len() + usize::from(other.is_some() && !other_ticked);
            Some((count.min(*target as usize)) as f64 / f64::from(*target))
        }
        // A value of another shape than its question's scores nothing. Every kind is named, so
        // a new kind of question does not compile until it is scored.
        (
            Kind::YesNo | Kind::Scale { .. } | Kind::Maturity4,
            Value::Number(_) | Value::Multi { .. } | Value::Text(_),
        )
        | (Kind::Number { .. }, Value::Choice(_) | Value::Multi { .. } | Value::Text(_))
        | (Kind::Multi { .. }, Value::Choice(_) | Value::Number(_) | Value::Text(_)) => None,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionStats {
    pub id: String,
    /// Respondents who gave a usable answer (don't know excluded); for a free-text question,
    /// those who wrote something.
    pub n: usize,
    pub dont_know: usize,
    /// Mean item score, 0–100.
    pub mean_score: Option<f64>,
    /// Answers per option label (choice types), in option order.
    pub distribution: Vec<(String, usize)>,
    /// Share in the two best options (scales).
    pub top2_box: Option<f64>,
    pub median: Option<f64>,
    pub iqr: Option<(f64, f64)>,
    /// r_wg (scales), consensus (yes/no), or the quartile coefficient of dispersion (numbers).
    pub agreement: Option<Agreement>,
    /// Free-text answers, shown as evidence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub texts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    pub measure: Measure,
    pub value: f64,
    /// True when respondents disagree enough to split before concluding.
    pub split: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionScore {
    pub id: String,
    pub title: String,
    pub score: Option<f64>,
    /// Share of the section's scored weight that had answers (0–1).
    pub answered_weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentScore {
    pub segment: String,
    pub respondents: usize,
    pub score: Option<f64>,
}

/// One questionnaire over one set of answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurveyResult {
    pub questionnaire: String,
    pub respondents: usize,
    pub reliability: Reliability,
    pub score: Option<f64>,
    pub sections: Vec<SectionScore>,
    pub questions: Vec<QuestionStats>,
    pub segments: Vec<SegmentScore>,
    pub findings: Vec<Finding>,
}

/// Aggregates `rows` (any mix of sources) for `questionnaire`. Interview rows
/// are scored on their own and compared with the survey, never averaged in.
pub fn aggregate(
    questionnaire: &Questionnaire,
    rows: &[AnswerRow],
    options: Options,
) -> SurveyResult {
    let (interview, survey): (Vec<&AnswerRow>, Vec<&AnswerRow>) =
        rows.iter().partition(|r| r.source == Origin::Interview);
    let primary = if survey.is_empty() {
        &interview
    } else {
        &survey
    };
    let mut result = score_rows(questionnaire, primary, options);
    if survey.is_empty() {
        result.reliability = Reliability::Interview;
    } else if !interview.is_empty() {
        let beside = score_rows(questionnaire, &interview, options);
        for (s, i) in result.questions.iter().zip(&beside.questions) {
            if let (Some(a), Some(b)) = (s.mean_score, i.mean_score)
                && (a - b).abs() >= GAP * 100.0
            {
                result.findings.push(Finding::new(crate::verdict::Code::InterviewSurveyDisagree,
                        Severity::Warn,
                        format!(
                            "{}: the interview scores {b:.0} where the survey scores {a:.0}.",
                            questionnaire.question(&s.id).map_or_else(|| s.id.clone(), asked_as)
                        ),
                        "Discuss the gap with both sides: what management believes and what staff see differ.",
                    ).about(s.id.clone()));
            }
        }
    }
    result
}

fn score_rows(
    questionnaire: &Questionnaire,
    rows: &[&AnswerRow],
    options: Options,
) -> SurveyResult {
    let respondents: BTreeSet<&str> = rows.iter().map(|r| &*r.respondent).collect();
    let n = respondents.len();
    let reliability = Reliability::for_respondents(n);
    let mut findings = Vec::new();
    let grouped = by_question(rows);
    let questions: Vec<QuestionStats> = questionnaire
        .questions()
        .map(|q| question_stats(q, &grouped, options, &mut findings))
        .collect();
    let stats_of = |id: &str| questions.iter().find(|s| s.id == id);
    let mut sections = Vec::new();
    let mut scored_sections = Vec::new();
    for section in &questionnaire.sections {
        let scored: Vec<&Question> = section
            .questions
            .iter()
            .filter(|q| q.kind.is_scored() && q.weight > 0.0)
            .collect();
        let total: f64 = scored.iter().map(|q| q.weight).fold(0.0, |a, b| a + b);
        let with_data: Vec<(f64, f64)> = scored
            .iter()
            .filter_map(|q| {
                stats_of(&q.id)
                    .and_then(|s| s.mean_score)
                    .map(|m| (m, q.weight))
            })
            .collect();
        let answered = with_data.iter().map(|(_, w)| w).fold(0.0, |a, b| a + b);
        let coverage = if total > 0.0 { answered / total } else { 0.0 };
        let score = if coverage >= SECTION_COVERAGE {
            weighted_mean(with_data.into_iter())
        } else {
            None
        };
        if score.is_none() && n > 0 {
            findings.push(
                Finding::new(
                    crate::verdict::Code::SectionUnscored,
                    Severity::Info,
                    format!(
                        "{}: not enough answers to score ({:.0}% of its weight answered).",
                        section.title,
                        coverage * 100.0
                    ),
                    "Ask the questions of this section, or include them in the survey form.",
                )
                .about(section.id.clone()),
            );
        }
        if let Some(s) = score.filter(|s| *s < 70.0) {
            findings.push(
                Finding::new(
                    crate::verdict::Code::LowSection,
                    if s < 50.0 {
                        Severity::Fail
                    } else {
                        Severity::Warn
                    },
                    format!("{} scores {s:.0}/100.", section.title),
                    section.recommendation.clone(),
                )
                .about(section.id.clone()),
            );
        }
        if let Some(s) = score {
            scored_sections.push((s, section.weight));
        }
        sections.push(SectionScore {
            id: section.id.clone(),
            title: section.title.clone(),
            score,
            answered_weight: (coverage * 1000.0).round() / 1000.0,
        });
    }
    let score = if n < SCORING_MINIMUM && rows.iter().any(|r| r.source != Origin::Interview) {
        findings.push(Finding::new(
            crate::verdict::Code::TooFewRespondents,
            Severity::Warn,
            format!("Only {n} respondent(s): too few to score; the answers are shown as they are."),
            "Invite more staff; at least 3 respondents are needed, 10 for a robust result.",
        ));
        None
    } else {
        weighted_mean(scored_sections.into_iter())
    };
    let segments = segment_scores(questionnaire, rows, options, &mut findings);
    SurveyResult {
        questionnaire: questionnaire.id.clone(),
        respondents: n,
        reliability,
        score: score.map(|s| (s * 10.0).round() / 10.0),
        sections: sections
            .into_iter()
            .map(|mut s| {
                s.score = s.score.map(|v| (v * 10.0).round() / 10.0);
                s
            })
            .collect(),
        questions,
        segments,
        findings,
    }
}

/// A question as a reader of the report needs it: its id and, shortened, what was asked.
fn asked_as(q: &Question) -> String {
    format!("{} “{}”", q.id, crate::text::shorten(&q.text, 90))
}

/// Rows grouped by question id (upper case), so each question reads only its own answers.
pub(crate) fn by_question<'a>(rows: &[&'a AnswerRow]) -> HashMap<String, Vec<&'a AnswerRow>> {
    let mut grouped: HashMap<String, Vec<&AnswerRow>> = HashMap::new();
    for row in rows {
        grouped
            .entry(row.question.to_ascii_uppercase())
            .or_default()
            .push(row);
    }
    grouped
}

pub(crate) fn question_stats(
    q: &Question,
    grouped: &HashMap<String, Vec<&AnswerRow>>,
    options: Options,
    findings: &mut Vec<Finding>,
) -> QuestionStats {
    let answers: &[&AnswerRow] = grouped
        .get(&q.id.to_ascii_uppercase())
        .map_or(&[], Vec::as_slice);
    let dont_know = answers
        .iter()
        .filter(|r| r.value == Value::DontKnow)
        .count();
    let scored: Vec<(&AnswerRow, f64)> = answers
        .iter()
        .filter_map(|r| item_score(&q.kind, &r.value).map(|s| (*r, s)))
        .collect();
    let mean = if options.equal_voice {
        equal_voice_mean(&scored)
    } else {
        plain_mean(scored.iter().map(|(_, s)| *s))
    };
    let labels = q.kind.labels();
    let distribution: Vec<(String, usize)> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                (*l).to_string(),
                answers
                    .iter()
                    .filter(|r| r.value == Value::Choice(i))
                    .count(),
            )
        })
        .collect();
    let choices: Vec<usize> = answers
        .iter()
        .filter_map(|r| {
            if let Value::Choice(i) = r.value {
                Some(i)
            } else {
                None
            }
        })
        .collect();
    let numbers: Vec<f64> = answers
        .iter()
        .filter_map(|r| {
            if let Value::Number(x) = r.value {
                Some(x)
            } else {
                None
            }
        })
        .collect();
    let top2_box = match &q.kind {
        Kind::Scale { options, reversed } => (!choices.is_empty()).then(|| {
            let best = |i: usize| {
                if *reversed {
                    i <= 1
                } else {
                    i + 2 >= options.len()
                }
            };
            choices.iter().filter(|i| best(**i)).count() as f64 / choices.len() as f64
        }),
        Kind::YesNo | Kind::Maturity4 | Kind::Number { .. } | Kind::Multi { .. } | Kind::Text => {
            None
        }
    };
    let agreement = agreement(&q.kind, &choices, &numbers);
    if let Some(a) = agreement.as_ref().filter(|a| a.split) {
        findings.push(
            Finding::new(
                crate::verdict::Code::RespondentsDisagree,
                Severity::Warn,
                format!(
                    "{}: respondents disagree ({} {:.2}).",
                    asked_as(q),
                    a.measure,
                    a.value
                ),
                "Split the answers by role or team before drawing conclusions.",
            )
            .about(q.id.clone()),
        );
    }
    let asked = answers.len();
    if asked > 0 && q.kind.is_scored() && dont_know as f64 / asked as f64 >= DONT_KNOW_FLAG {
        findings.push(
            Finding::new(
                crate::verdict::Code::LowAwareness,
                Severity::Warn,
                format!(
                    "{}: {dont_know} of {asked} answered \"don't know\" (low awareness).",
                    asked_as(q)
                ),
                "Tell staff how this works today: not knowing is a finding in itself.",
            )
            .about(q.id.clone()),
        );
    }
    let texts: Vec<String> = answers
        .iter()
        .filter_map(|r| match &r.value {
            Value::Text(t) => (!t.trim().is_empty()).then(|| t.clone()),
            Value::Choice(_) | Value::Number(_) | Value::Multi { .. } | Value::DontKnow => None,
        })
        .collect();
    QuestionStats {
        id: q.id.clone(),
        // A text is never scored, but who answered it is counted all the same.
        n: if q.kind.is_scored() {
            scored.len()
        } else {
            texts.len()
        },
        dont_know,
        mean_score: mean.map(|m| (m * 1000.0).round() / 10.0),
        distribution,
        top2_box,
        median: median(&numbers),
        iqr: (!numbers.is_empty()).then(|| {
            (
                percentile(&numbers, 25.0).unwrap_or_default(),
                percentile(&numbers, 75.0).unwrap_or_default(),
            )
        }),
        agreement,
        texts,
    }
}

fn plain_mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    weighted_mean(values.map(|v| (v, 1.0)))
}

/// The mean of role means: each role one voice, whatever its size.
fn equal_voice_mean(scored: &[(&AnswerRow, f64)]) -> Option<f64> {
    let mut by_role: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (row, s) in scored {
        by_role
            .entry(row.segment.as_deref().unwrap_or("unspecified"))
            .or_default()
            .push(*s);
    }
    plain_mean(
        by_role
            .values()
            .filter_map(|v| plain_mean(v.iter().copied())),
    )
}

#[cfg(test)]
mod tests;
