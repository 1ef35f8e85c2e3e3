//! `centricity survey import|template`: score a survey export, or print a blank form.

use std::path::Path;

use crate::cli::{ExportArgs, TemplateFormat};
use crate::exit::Exit;
use crate::report::Sheet;
use crate::report::sanitize::terminal;
use crate::survey::aggregate::{self, Options};
use crate::survey::import;
use crate::survey::questionnaire::{self, Questionnaire};
use crate::survey::template;
use crate::survey::{interview, interview_file};
use crate::views;

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
    let bytes = views::survey::render_import(&imported, &questionnaire, &result, view_format(json));
    print(&bytes);
    Exit::Ok
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
    print(&views::survey::render_map(
        &mapped,
        &questionnaire,
        view_format(json),
    ));
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
        Err(e) => {
            eprintln!("error: cannot save {}: {e}", out.display());
            Exit::Runtime
        }
    }
}

pub fn template(questionnaire: &str, format: TemplateFormat) -> Exit {
    match questionnaire::find(questionnaire, Path::new(".")) {
        Ok(q) => {
            print!("{}", String::from_utf8_lossy(&form(&q, format)));
            Exit::Ok
        }
        Err(e) => invalid(&e.to_string()),
    }
}

/// A blank form's bytes; CSV without a byte-order mark, so the header imports back as written.
pub(crate) fn form(q: &Questionnaire, format: TemplateFormat) -> Vec<u8> {
    let rows = match format {
        TemplateFormat::Markdown => return template::markdown(q),
        TemplateFormat::Csv => vec![template::csv_header(q)],
        TemplateFormat::CsvAnswers => template::csv_answers(q),
    };
    let mut sheet = Sheet::new(false);
    for row in rows {
        sheet.row(row);
    }
    sheet.into_bytes()
}

fn invalid(message: &str) -> Exit {
    eprintln!("error: {message}");
    Exit::InvalidInput
}

fn view_format(json: bool) -> views::Format {
    if json {
        views::Format::Json
    } else {
        views::Format::Table
    }
}

fn print(bytes: &[u8]) {
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), bytes);
}
