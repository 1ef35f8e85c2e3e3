//! `centricity survey import` and `survey map`: a scored export, and how its columns were
//! matched, as tables or JSON.

use std::collections::BTreeMap;

use comfy_table::{Cell, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

use super::Format;
use crate::report::model::Finding;
use crate::report::sanitize::{cell, terminal_lines};
use crate::survey::aggregate::{self, Reliability, SurveyResult};
use crate::survey::import;
use crate::survey::import::Mapped;
use crate::survey::import::matching::{How, Matched};
use crate::survey::questionnaire::Questionnaire;

/// What `survey import --format json` prints.
#[derive(Debug, Serialize)]
struct ImportReport<'a> {
    layout: &'static str,
    /// How a LimeSurvey export headed its columns, when with texts.
    #[serde(skip_serializing_if = "Option::is_none")]
    headings: Option<import::Headings>,
    questionnaire: &'a str,
    respondents: usize,
    reliability: Reliability,
    score: Option<f64>,
    sections: Vec<SectionOut<'a>>,
    questions: Vec<QuestionOut<'a>>,
    segments: &'a [aggregate::SegmentScore],
    findings: &'a [Finding],
}

#[derive(Debug, Serialize)]
struct SectionOut<'a> {
    id: &'a str,
    score: Option<f64>,
    answered_weight: f64,
}

#[derive(Debug, Serialize)]
struct QuestionOut<'a> {
    id: &'a str,
    n: usize,
    dont_know: usize,
    mean_score: Option<f64>,
    distribution: BTreeMap<&'a str, usize>,
}

/// What `survey map --format json` prints.
#[derive(Debug, Serialize)]
struct MapReport<'a> {
    layout: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    headings: Option<import::Headings>,
    questionnaire: &'a str,
    columns: &'a [Matched],
    questions_without_column: &'a [String],
    notes: &'a [String],
}

/// A scored export: its layout, respondents, sections, questions and findings (a table for CSV).
pub fn render_import(
    imported: &import::Imported,
    q: &Questionnaire,
    result: &SurveyResult,
    format: Format,
) -> Vec<u8> {
    match format {
        Format::Json => import_json(imported, q, result),
        Format::Table | Format::Csv => {
            import_table(&imported.mapped.layout_label(), q, result).into_bytes()
        }
    }
}

/// How each column of an export was matched to a question (a table for CSV).
pub fn render_map(mapped: &Mapped, questionnaire: &Questionnaire, format: Format) -> Vec<u8> {
    if format == Format::Json {
        let report = MapReport {
            layout: mapped.layout.name(),
            headings: mapped.headings,
            questionnaire: &questionnaire.id,
            columns: &mapped.columns,
            questions_without_column: &mapped.unanswered,
            notes: &mapped.notes,
        };
        return super::json(&report);
    }
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(["#", "Column", "Question", "How"]);
    for (index, column) in mapped.columns.iter().enumerate() {
        let question = match (&column.question, &column.option) {
            (Some(q), Some(option)) => format!("{q} [{option}]"),
            (Some(q), None) => q.clone(),
            (None, _) => "—".into(),
        };
        let how = match column.how {
            How::Similar { similarity } => format!("similar ({similarity:.2})"),
            How::Duplicate { first } => format!("duplicate of {first}"),
            other => serde_json::to_value(other)
                .ok()
                .and_then(|v| v["how"].as_str().map(str::to_string))
                .unwrap_or_default(),
        };
        table.add_row(vec![
            Cell::new(index + 1),
            cell(crate::report::shorten(&column.header, 70)),
            Cell::new(question),
            Cell::new(how),
        ]);
    }
    let mut out = format!(
        "{} export, questionnaire `{}`\n{table}\n",
        mapped.layout_label(),
        questionnaire.id
    );
    if !mapped.unanswered.is_empty() {
        out.push_str(&format!(
            "Questions without a column: {}\n",
            mapped.unanswered.join(", ")
        ));
    }
    for note in &mapped.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    terminal_lines(&out).into_owned().into_bytes()
}

fn import_json(imported: &import::Imported, q: &Questionnaire, result: &SurveyResult) -> Vec<u8> {
    let report = ImportReport {
        layout: imported.mapped.layout.name(),
        headings: imported.mapped.headings,
        questionnaire: &q.id,
        respondents: result.respondents,
        reliability: result.reliability,
        score: result.score,
        sections: result
            .sections
            .iter()
            .map(|s| SectionOut {
                id: &s.id,
                score: s.score,
                answered_weight: s.answered_weight,
            })
            .collect(),
        questions: result
            .questions
            .iter()
            .map(|s| QuestionOut {
                id: &s.id,
                n: s.n,
                dont_know: s.dont_know,
                mean_score: s.mean_score,
                distribution: s
                    .distribution
                    .iter()
                    .map(|(l, c)| (l.as_str(), *c))
                    .collect(),
            })
            .collect(),
        segments: &result.segments,
        findings: &result.findings,
    };
    super::json(&report)
}

fn import_table(layout: &str, q: &Questionnaire, result: &SurveyResult) -> String {
    let score = result
        .score
        .map_or_else(|| "not scored".to_string(), |s| format!("{s:.1}"));
    let mut out = format!(
        "{} — {} respondents ({}), {} export — score {score}\n\n",
        q.title, result.respondents, result.reliability, layout
    );
    let mut sections = super::table(&["Section", "Score", "Answered weight"]);
    for s in &result.sections {
        sections.add_row(vec![
            Cell::new(&s.title),
            Cell::new(s.score.map_or_else(|| "—".into(), |v| format!("{v:.1}"))),
            Cell::new(format!("{:.0}%", s.answered_weight * 100.0)),
        ]);
    }
    out.push_str(&format!("{sections}\n\n"));
    let mut questions = super::table(&["Question", "n", "Don't know", "Score", "Agreement"]);
    for s in &result.questions {
        questions.add_row(vec![
            Cell::new(&s.id),
            Cell::new(s.n),
            Cell::new(s.dont_know),
            Cell::new(
                s.mean_score
                    .map_or_else(|| "—".into(), |v| format!("{v:.1}")),
            ),
            Cell::new(s.agreement.as_ref().map_or_else(String::new, |a| {
                format!(
                    "{} {:.2}{}",
                    a.measure,
                    a.value,
                    if a.split { " (split)" } else { "" }
                )
            })),
        ]);
    }
    out.push_str(&format!("{questions}\n"));
    for f in &result.findings {
        out.push_str(&format!(
            "- {}: {} {}\n",
            f.severity.as_str(),
            f.message,
            f.recommendation
        ));
    }
    terminal_lines(&out).into_owned()
}
