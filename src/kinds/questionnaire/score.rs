//! A questionnaire check's score: the survey aggregation, its findings, and
//! evidence that names each answer file without naming any respondent.

use crate::kind::Scored;
use crate::kinds::questionnaire::{Params, QuestionnaireObservation};
use crate::survey::aggregate::{self, Options};
use crate::verdict::{Evidence, Finding, Metric, Severity, Status, Unit};

/// ` “What was asked”`, shortened, as an evidence source names a question after its id.
fn asked_as(params: &Params, id: &str) -> String {
    params
        .questionnaire
        .question(id)
        .map_or_else(String::new, |q| {
            format!(" “{}”", crate::text::shorten(&q.text, 80))
        })
}

pub fn score(params: &Params, obs: &QuestionnaireObservation) -> Scored {
    let result = aggregate::aggregate(
        &params.questionnaire,
        &obs.rows,
        Options {
            equal_voice: params.equal_voice,
        },
    );
    #[expect(clippy::cast_precision_loss, reason = "respondent counts")]
    let mut metrics = vec![Metric::new(
        "respondents",
        "Respondents",
        result.respondents as f64,
        None,
    )];
    metrics.extend(result.sections.iter().filter_map(|s| {
        s.score.map(|v| {
            Metric::new(
                format!("section.{}", s.id),
                &s.title,
                v,
                Some(Unit::OutOf100),
            )
        })
    }));
    let mut evidence: Vec<Evidence> = obs
        .files
        .iter()
        .map(|(file, layout, respondents)| Evidence {
            source: file.clone(),
            observed_at: None,
            excerpt: format!(
                "{layout}: {respondents} respondent(s); result {}",
                result.reliability
            ),
        })
        .collect();
    // How each question was answered: the distribution a reader weighs a score by.
    for stats in result
        .questions
        .iter()
        .filter(|q| !q.distribution.is_empty())
    {
        let asked = asked_as(params, &stats.id);
        let mut answers: Vec<String> = stats
            .distribution
            .iter()
            .map(|(label, count)| format!("{label} {count}"))
            .collect();
        if stats.dont_know > 0 {
            answers.push(format!("don't know {}", stats.dont_know));
        }
        let agreement = stats.agreement.as_ref().map_or_else(String::new, |a| {
            format!("; agreement {} {:.2}", a.measure, a.value)
        });
        evidence.push(Evidence {
            source: format!("{}{asked}", stats.id),
            observed_at: None,
            excerpt: format!("{} answered: {}{agreement}", stats.n, answers.join(" · ")),
        });
    }
    // Free-text answers are the consultant's evidence; they are shown without who said them,
    // after how many wrote one (a text has no distribution to count them by).
    for stats in result.questions.iter().filter(|q| !q.texts.is_empty()) {
        evidence.push(Evidence {
            source: format!("{}{}", stats.id, asked_as(params, &stats.id)),
            observed_at: None,
            excerpt: format!("{} answered (free text)", stats.n),
        });
        for text in &stats.texts {
            evidence.push(Evidence {
                source: format!("{} (free text)", stats.id),
                observed_at: None,
                excerpt: text.clone(),
            });
        }
    }
    let mut findings = result.findings;
    if !obs.notes.is_empty() {
        let shown: Vec<&str> = obs.notes.iter().take(3).map(String::as_str).collect();
        findings.push(Finding::new(crate::verdict::Code::ImportNotes,
            Severity::Info,
            format!("{} import note(s), such as: {}", obs.notes.len(), shown.join("; ")),
            "Check that the survey form asks every question of the questionnaire, worded as in its definition.",
        ));
    }
    let status = match result.score {
        Some(s) => Status::for_score(s),
        None => Status::NotApplicable,
    };
    Scored {
        score: result.score,
        status,
        metrics,
        findings,
        evidence,
        ..Scored::default()
    }
}
