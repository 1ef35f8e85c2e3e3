//! `centricity survey import|template`: score a survey export, or print a blank form.

use std::collections::BTreeMap;
use std::path::Path;

use comfy_table::{Cell, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

use crate::exit::Exit;
use crate::report::model::Finding;
use crate::survey::aggregate::{self, Options, SurveyResult};
use crate::survey::import::{self, Layout, Mapping};
use crate::survey::questionnaire::{self, Questionnaire};
use crate::survey::template;

/// What `survey import --format json` prints.
#[derive(Debug, Serialize)]
struct ImportReport<'a> {
    layout: &'static str,
    questionnaire: &'a str,
    respondents: usize,
    reliability: &'static str,
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

pub struct ImportRequest<'a> {
    pub file: &'a Path,
    pub questionnaire: &'a str,
    pub layout: Option<Layout>,
    pub mapping: Option<&'a Path>,
    pub equal_voice: bool,
    pub json: bool,
}

pub fn import(request: &ImportRequest<'_>) -> Exit {
    let questionnaire = match questionnaire::find(request.questionnaire, Path::new(".")) {
        Ok(q) => q,
        Err(e) => return invalid(&e.to_string()),
    };
    let mapping = match request.mapping.map(read_mapping).transpose() {
        Ok(m) => m.unwrap_or_default(),
        Err(message) => return invalid(&message),
    };
    let bytes = match std::fs::read(request.file) {
        Ok(b) => b,
        Err(e) => return invalid(&format!("{}: cannot read: {e}", request.file.display())),
    };
    let imported = match import::import(
        &bytes,
        request.file,
        &questionnaire,
        request.layout,
        &mapping,
    ) {
        Ok(i) => i,
        Err(e) => return invalid(&e.to_string()),
    };
    for note in &imported.notes {
        eprintln!("note: {note}");
    }
    let result = aggregate::aggregate(
        &questionnaire,
        &imported.rows,
        Options {
            equal_voice: request.equal_voice,
        },
    );
    let output = if request.json {
        json(&imported, &questionnaire, &result)
    } else {
        table(imported.layout, &questionnaire, &result)
    };
    print!("{output}");
    Exit::Ok
}

pub fn template(questionnaire: &str, markdown: bool) -> Exit {
    match questionnaire::find(questionnaire, Path::new(".")) {
        Ok(q) => {
            let bytes = if markdown {
                template::markdown(&q)
            } else {
                template::csv(&q)
            };
            print!("{}", String::from_utf8_lossy(&bytes));
            Exit::Ok
        }
        Err(e) => invalid(&e.to_string()),
    }
}

fn invalid(message: &str) -> Exit {
    eprintln!("error: {message}");
    Exit::InvalidInput
}

/// A mapping file: `[columns]` with `QUESTION-ID = "column header as exported"`.
fn read_mapping(path: &Path) -> Result<Mapping, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let mut root = crate::audit::values::parse_toml(&text, path).map_err(|e| e.to_string())?;
    let mut errors = Vec::new();
    let mapping = toml_span::de_helpers::TableHelper::new(&mut root)
        .ok()
        .and_then(|mut th| {
            let columns = th.take("columns").and_then(|(_, mut v)| {
                crate::audit::values::read_table(&mut v, &mut errors, |ct| {
                    let keys: Vec<String> = ct.table.keys().map(|k| k.name.to_string()).collect();
                    keys.into_iter()
                        .filter_map(|k| {
                            ct.table
                                .remove(k.as_str())
                                .and_then(|v| v.as_str().map(|s| (k.clone(), s.to_string())))
                        })
                        .collect::<Mapping>()
                })
            });
            th.finalize(None).ok()?;
            columns
        });
    if !errors.is_empty() {
        return Err(crate::audit::InputError {
            file: path.to_path_buf(),
            problems: crate::audit::values::problems_from(toml_span::DeserError { errors }, &text),
        }
        .to_string());
    }
    mapping.ok_or_else(|| {
        format!(
            "{}: expected a [columns] table of QUESTION-ID = \"header\"",
            path.display()
        )
    })
}

fn json(imported: &import::Imported, q: &Questionnaire, result: &SurveyResult) -> String {
    let report = ImportReport {
        layout: imported.layout.name(),
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
    let mut text = serde_json::to_string_pretty(&report)
        .unwrap_or_else(|e| unreachable!("plain report serialises: {e}"));
    text.push('\n');
    text
}

fn table(layout: Layout, q: &Questionnaire, result: &SurveyResult) -> String {
    let score = result
        .score
        .map_or_else(|| "not scored".to_string(), |s| format!("{s:.1}"));
    let mut out = format!(
        "{} — {} respondents ({}), {} export — score {score}\n\n",
        q.title,
        result.respondents,
        result.reliability,
        layout.name()
    );
    let mut sections = Table::new();
    sections
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .force_no_tty();
    sections.set_header(["Section", "Score", "Answered weight"]);
    for s in &result.sections {
        sections.add_row(vec![
            Cell::new(&s.title),
            Cell::new(s.score.map_or_else(|| "—".into(), |v| format!("{v:.1}"))),
            Cell::new(format!("{:.0}%", s.answered_weight * 100.0)),
        ]);
    }
    out.push_str(&format!("{sections}\n\n"));
    let mut questions = Table::new();
    questions
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .force_no_tty();
    questions.set_header(["Question", "n", "Don't know", "Score", "Agreement"]);
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
    out
}
