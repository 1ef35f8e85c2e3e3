//! `questionnaire`: the feedback loop and frontline information access, from
//! survey exports and interviews. Answer files are read and validated when
//! the audit loads, so a bad row stops the audit before anything runs.

mod score;

use serde::{Deserialize, Serialize};
use toml_span::de_helpers::TableHelper;

use crate::benchmarks::Benchmarks;
use crate::category::Category;
use crate::kind::{CheckError, CollectContext, Kind, KindCategory, KindInfo, LoadContext, Scored};
use crate::spanned::at;
use crate::survey::answers::AnswerRow;
use crate::survey::import::{self, Layout, Mapping};
use crate::survey::interview_file;
use crate::survey::questionnaire;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

/// The `questionnaire` kind.
pub struct Questionnaire;

impl Kind for Questionnaire {
    const INFO: KindInfo = KindInfo {
        name: "questionnaire",
        summary: "Staff questionnaires (survey exports or interviews): the feedback loop and frontline information access.",
        category: KindCategory::PerCheck("the questionnaire's (`feedback`, `frontline`)"),
        keys: &[
            "questionnaire (feedback-loop, frontline or a .toml path)",
            "answers (CSV exports, interview .toml files)",
            "layout",
            "mapping",
            "equal_voice",
            "include_partial (keep responses the survey tool marks unfinished)",
        ],
        motivation: "Whether feedback becomes action, and whether frontline staff can answer customers, is only \
                     visible from inside: the people who live the process have to be asked.",
        measures: "Each question's answers: respondents, don't-know share, distribution, mean item score, \
                   top-2-box, median and IQR for numbers, and agreement (r_wg for scales, consensus for yes/no). \
                   Sections and the questionnaire are scored; roles below 5 respondents are not shown; an \
                   interview is shown beside the survey, with gaps of 25 points flagged.",
        scoring: "Items map to 0-1 by answer type (don't know and skips excluded, never 0); sections are weighted \
                  means of their items, scored when 60% of their weight is answered; the score is the weighted \
                  mean of the sections (x100). Fewer than 3 respondents are not scored.",
        improve: "Each weak section's finding carries its recommendation: capture feedback everywhere, route it \
                  to owners, close the loop with customers, give frontline staff one place to find answers.",
        report_note: Some(
            "Agreement among respondents is r<sub>wg</sub> for scales and consensus for yes/no questions: 1 when everyone agrees; below about 0.5 they do not share a view, and the answers should be split by role before drawing conclusions.",
        ),
        file_columns: &[],
        findings: &[&[
            crate::verdict::Code::ImportNotes,
            crate::verdict::Code::TooFewRespondents,
            crate::verdict::Code::SectionUnscored,
            crate::verdict::Code::LowSection,
            crate::verdict::Code::RespondentsDisagree,
            crate::verdict::Code::LowAwareness,
            crate::verdict::Code::InterviewSurveyDisagree,
            crate::verdict::Code::SmallSegmentsHidden,
            crate::verdict::Code::SegmentsDisagree,
        ]],
    };
    type Params = Params;
    type Observation = QuestionnaireObservation;

    fn parse(th: &mut TableHelper<'_>, ctx: &mut LoadContext<'_>) -> Option<(Category, Params)> {
        parse(th, ctx)
    }

    fn collect(
        params: &Params,
        _ctx: &CollectContext,
    ) -> impl Future<Output = Result<QuestionnaireObservation, CheckError>> + Send {
        std::future::ready(Ok(QuestionnaireObservation {
            rows: params.rows.clone(),
            files: params.files.clone(),
            notes: params.notes.clone(),
        }))
    }

    fn score(
        params: &Params,
        observation: &QuestionnaireObservation,
        _benchmarks: &Benchmarks,
    ) -> Scored {
        score::score(params, observation)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub questionnaire: questionnaire::Questionnaire,
    pub equal_voice: bool,
    /// Every answer, in the long format, read at load.
    pub rows: Vec<AnswerRow>,
    /// What each answer file was (layout, respondents), for evidence.
    pub files: Vec<(String, String, usize)>,
    pub notes: Vec<String>,
}

/// What the check saw: the answers and where they came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionnaireObservation {
    pub rows: Vec<AnswerRow>,
    /// (file, layout, respondents)
    pub files: Vec<(String, String, usize)>,
    pub notes: Vec<String>,
}

fn parse(th: &mut TableHelper<'_>, ctx: &mut LoadContext<'_>) -> Option<(Category, Params)> {
    // Every key is read before any early return, so none of them is also called unknown.
    let id = th.required_s::<String>("questionnaire").ok();
    let answers = th.required_s::<Vec<String>>("answers").ok();
    let layout = th.optional_s::<String>("layout");
    let mapping = th.optional_s::<String>("mapping");
    let equal_voice = th.optional::<bool>("equal_voice").unwrap_or(false);
    let include_partial = th.optional::<bool>("include_partial").unwrap_or(false);
    let id = id?;
    let questionnaire = match questionnaire::find(&id.value, ctx.dir) {
        Ok(q) => q,
        Err(e) => {
            th.errors.extend(
                at(
                    e.problems
                        .iter()
                        .map(|p| p.message.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                    &id,
                )
                .errors,
            );
            return None;
        }
    };
    let layout = layout.and_then(|l| {
        l.value
            .parse::<Layout>()
            .map_err(|unknown| th.errors.extend(at(unknown.to_string(), &l).errors))
            .ok()
    });
    let mapping = match mapping {
        Some(m) => import::read_mapping(&ctx.resolve(&m.value))
            .map_err(|e| th.errors.extend(at(e, &m).errors))
            .ok()?,
        None => Mapping::new(),
    };
    let options = import::Options {
        layout,
        mapping,
        include_partial,
    };
    let answers = answers?;
    if answers.value.is_empty() {
        th.errors
            .extend(at("`answers` needs at least one file", &answers).errors);
        return None;
    }
    let mut rows = Vec::new();
    let mut files = Vec::new();
    let mut notes = Vec::new();
    for written in &answers.value {
        let path = ctx.resolve(written);
        let bytes = match crate::input::read(&path, &crate::input::TABLE) {
            Ok(bytes) => bytes,
            Err(err) => {
                th.errors
                    .extend(at(format!("answers: {err}"), &answers).errors);
                continue;
            }
        };
        let result = if written.ends_with(".toml") {
            interview_file::read(&String::from_utf8_lossy(&bytes), &path, &questionnaire)
                .map(|i| (i.rows(), "interview".to_string(), Vec::new()))
        } else {
            import::import(&bytes, &path, &questionnaire, &options)
                .map(|i| (i.rows, i.mapped.layout_label(), i.mapped.notes))
        };
        match result {
            Ok((mut file_rows, layout, file_notes)) => {
                // Respondent ids are per file: keep them apart across files (one new id per
                // respondent, shared by their answers).
                let mut renamed: HashMap<Arc<str>, Arc<str>> = HashMap::new();
                for row in &mut file_rows {
                    row.respondent = Arc::clone(
                        renamed
                            .entry(Arc::clone(&row.respondent))
                            .or_insert_with(|| format!("{written}#{}", row.respondent).into()),
                    );
                }
                let respondents = file_rows
                    .iter()
                    .map(|r| &r.respondent)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len();
                files.push((written.clone(), layout, respondents));
                notes.extend(file_notes.into_iter().map(|n| format!("{written}: {n}")));
                rows.extend(file_rows);
            }
            Err(e) => ctx.referenced.push(e),
        }
    }
    let category = questionnaire.category;
    Some((
        category,
        Params {
            questionnaire,
            equal_voice,
            rows,
            files,
            notes,
        },
    ))
}
