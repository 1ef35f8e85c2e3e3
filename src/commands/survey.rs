//! `centricity survey import|template`: score a survey export, or print a blank form.

use std::collections::BTreeMap;
use std::path::Path;

use comfy_table::{Cell, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

use crate::exit::Exit;
use crate::report::model::Finding;
use crate::survey::aggregate::{self, Options, SurveyResult};
use crate::survey::import::{self, Layout};
use crate::survey::questionnaire::{self, Questionnaire};
use crate::survey::template;
use crate::survey::{interview, interview_file};

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
    let mapping = match request.mapping.map(import::read_mapping).transpose() {
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

pub fn interview(questionnaire: &str, out: &Path, respondent: &str, role: Option<&str>) -> Exit {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        eprintln!(
            "error: the interview asks its questions in a terminal, and this is not one; run it in a terminal, \
             or send `centricity survey template --questionnaire {questionnaire}` and import the filled-in CSV"
        );
        return Exit::Runtime;
    }
    let q = match questionnaire::find(questionnaire, Path::new(".")) {
        Ok(q) => q,
        Err(e) => return invalid(&e.to_string()),
    };
    let mut answers = if out.exists() {
        let text = match std::fs::read_to_string(out) {
            Ok(t) => t,
            Err(e) => return invalid(&format!("{}: cannot read: {e}", out.display())),
        };
        match interview_file::read(&text, out, &q) {
            Ok(i) => {
                eprintln!(
                    "resuming {} ({} answered so far)",
                    out.display(),
                    i.answers.len()
                );
                i
            }
            Err(e) => return invalid(&e.to_string()),
        }
    } else {
        interview_file::Interview {
            questionnaire: q.id.clone(),
            respondent: respondent.to_string(),
            role: role.map(str::to_string),
            started_at: chrono::Local::now().fixed_offset().to_rfc3339(),
            ..interview_file::Interview::default()
        }
    };
    let mut save = |i: &interview_file::Interview| {
        crate::output::write_atomically(out, i.to_toml(&q).as_bytes())
            .map_err(|e| format!("cannot save {}: {e}", out.display()))
    };
    match interview::run(&q, &mut answers, &mut interview::InquireSource, &mut save) {
        Ok(interview::Outcome::Completed) => {
            eprintln!(
                "done: {} answers, {} skipped, saved in {}",
                answers.answers.len(),
                answers.skipped.len(),
                out.display()
            );
            Exit::Ok
        }
        Ok(interview::Outcome::Interrupted) => {
            eprintln!(
                "stopped: {} answers saved in {}; run the same command to resume",
                answers.answers.len(),
                out.display()
            );
            Exit::Incomplete
        }
        Err(message) => {
            eprintln!("error: {message}");
            Exit::Runtime
        }
    }
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
