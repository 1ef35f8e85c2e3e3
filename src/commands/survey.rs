//! `centricity survey import|template`: score a survey export, or print a blank form.

use std::collections::BTreeMap;
use std::path::Path;

use comfy_table::{Cell, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

use crate::cli::ExportArgs;
use crate::exit::Exit;
use crate::report::model::Finding;
use crate::report::sanitize::{cell, terminal, terminal_lines};
use crate::survey::aggregate::{self, Options, SurveyResult};
use crate::survey::import;
use crate::survey::import::matching::{How, Matched};
use crate::survey::questionnaire::{self, Questionnaire};
use crate::survey::template;
use crate::survey::{interview, interview_file};

/// What `survey import --format json` prints.
#[derive(Debug, Serialize)]
struct ImportReport<'a> {
    layout: &'static str,
    /// How a LimeSurvey export headed its columns, when with texts.
    #[serde(skip_serializing_if = "Option::is_none")]
    headings: Option<import::Headings>,
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

/// The questionnaire, the export's bytes and how to read them, or the exit code of why not
/// (said on stderr).
fn open_export(args: &ExportArgs) -> Result<(Questionnaire, Vec<u8>, import::Options), Exit> {
    let questionnaire = questionnaire::find(&args.questionnaire, Path::new("."))
        .map_err(|e| invalid(&e.to_string()))?;
    let mapping = args
        .mapping
        .as_deref()
        .map(import::read_mapping)
        .transpose()
        .map_err(|message| invalid(&message))?
        .unwrap_or_default();
    let bytes = crate::input::read(&args.file, &crate::input::TABLE)
        .map_err(|e| invalid(&e.to_string()))?;
    let options = import::Options {
        layout: args.layout,
        mapping,
        include_partial: args.include_partial,
    };
    Ok((questionnaire, bytes, options))
}

pub fn import(args: &ExportArgs, equal_voice: bool, json: bool) -> Exit {
    let (questionnaire, bytes, options) = match open_export(args) {
        Ok(opened) => opened,
        Err(exit) => return exit,
    };
    let imported = match import::import(&bytes, &args.file, &questionnaire, &options) {
        Ok(imported) => imported,
        Err(e) => return invalid(&e.to_string()),
    };
    // The answers are read: the file's bytes need not stay for the scoring.
    drop(bytes);
    eprintln!(
        "{} (`centricity survey map` shows each match)",
        imported.mapped.summary()
    );
    for note in &imported.mapped.notes {
        eprintln!("note: {}", terminal(note));
    }
    let result = aggregate::aggregate(&questionnaire, &imported.rows, Options { equal_voice });
    let output = if json {
        json_report(&imported, &questionnaire, &result)
    } else {
        table(&imported.mapped.layout_label(), &questionnaire, &result)
    };
    print!("{output}");
    Exit::Ok
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

pub fn map(args: &ExportArgs, write_mapping: Option<&Path>, json: bool) -> Exit {
    let (questionnaire, bytes, options) = match open_export(args) {
        Ok(opened) => opened,
        Err(exit) => return exit,
    };
    let mapped = match import::map(&bytes, &args.file, &questionnaire, &options) {
        Ok(mapped) => mapped,
        Err(e) => return invalid(&e.to_string()),
    };
    if let Some(path) = write_mapping {
        let text = mapped.mapping_file(&questionnaire, &args.file);
        if let Err(e) = crate::output::write_atomically(path, text.as_bytes()) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return Exit::Runtime;
        }
        eprintln!("wrote {}", path.display());
    }
    if json {
        let report = MapReport {
            layout: mapped.layout.name(),
            headings: mapped.headings,
            questionnaire: &questionnaire.id,
            columns: &mapped.columns,
            questions_without_column: &mapped.unanswered,
            notes: &mapped.notes,
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
        return Exit::Ok;
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
    print!("{}", terminal_lines(&out));
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

fn json_report(imported: &import::Imported, q: &Questionnaire, result: &SurveyResult) -> String {
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
    let mut text = serde_json::to_string_pretty(&report)
        .unwrap_or_else(|e| unreachable!("plain report serialises: {e}"));
    text.push('\n');
    text
}

fn table(layout: &str, q: &Questionnaire, result: &SurveyResult) -> String {
    let score = result
        .score
        .map_or_else(|| "not scored".to_string(), |s| format!("{s:.1}"));
    let mut out = format!(
        "{} — {} respondents ({}), {} export — score {score}\n\n",
        q.title, result.respondents, result.reliability, layout
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
    terminal_lines(&out).into_owned()
}
