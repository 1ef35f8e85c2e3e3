//! `centricity history`, `compare` and `report`: reading the run history.

use std::path::{Path, PathBuf};

mod transfer;

use super::input_error;
use crate::cli::{HistoryAction, HistoryArgs, HistoryFormat, RunRef};
use crate::exit::Exit;
use crate::report::presentation::Presentation;
use crate::report::sanitize::terminal;
use crate::report::{Decoration, Format};
use crate::store::history::{LastTwoError, last_two, trend_through};
use crate::store::{self, RunStore, StoreError};
use crate::views;
use transfer::{export, import, prune};

/// Where the history commands read, and which audit's runs.
struct Reading {
    url: String,
    audit: Option<String>,
    /// The `[report]` settings of the audit file `--audit` named.
    presentation: Option<Presentation>,
}

impl Reading {
    /// `--store` (or CENTRICITY_STORE) names the store; `--audit` names an audit, or its audit
    /// file, whose store beside it is read when no store is named; else the store of an audit
    /// file in this folder. Named on stderr, so nobody reads the wrong history unknowingly.
    fn locate(store: Option<&str>, audit: Option<&str>) -> Result<Reading, Exit> {
        let file = audit.map(Path::new).filter(|p| p.is_file());
        let (dir, audit, presentation) = match file {
            Some(file) => {
                let loaded = crate::audit::load_for_history(file)
                    .map_err(|e| input_error(&e.to_string()))?;
                let key = Some(loaded.key().to_string());
                (loaded.dir, key, Some(loaded.presentation))
            }
            None => (PathBuf::from("."), audit.map(str::to_string), None),
        };
        let url = store.map_or_else(|| store::default_url(&dir), str::to_string);
        eprintln!("history store: {}", terminal(&store::redact(&url)));
        Ok(Reading {
            url,
            audit,
            presentation,
        })
    }

    /// The store, which must exist, opened only to read: reading never creates an empty one.
    fn open(&self) -> Result<Box<dyn RunStore>, Exit> {
        store::open_to_read(&self.url)
            .map(|s| -> Box<dyn RunStore> { s })
            .map_err(|e| store_error(&e))
    }
}

/// Bad URLs and newer schemas are the user's input (3); an unreachable store is a runtime failure (1).
pub fn store_error(e: &StoreError) -> Exit {
    eprintln!("error: {e}");
    match e {
        StoreError::BadUrl { .. }
        | StoreError::NewerSchema { .. }
        | StoreError::NoSuchRun(_)
        | StoreError::Missing(_) => Exit::InvalidInput,
        StoreError::Database(_) => Exit::Runtime,
    }
}

pub fn history(args: &HistoryArgs) -> Exit {
    let reading = match Reading::locate(args.store.store.as_deref(), args.audit.as_deref()) {
        Ok(r) => r,
        Err(exit) => return exit,
    };
    // Import writes: it may create the store. Prune changes one that exists. The rest read.
    let opened = match &args.action {
        Some(HistoryAction::Import { .. }) => {
            store::open(&reading.url).map_err(|e| store_error(&e))
        }
        Some(HistoryAction::Prune { .. }) => {
            store::open_existing(&reading.url).map_err(|e| store_error(&e))
        }
        Some(HistoryAction::Export) | None => reading.open(),
    };
    let mut store = match opened {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    match &args.action {
        Some(HistoryAction::Prune { keep, older_than }) => {
            prune(store.as_mut(), *keep, *older_than)
        }
        Some(HistoryAction::Export) => export(store.as_mut()),
        Some(HistoryAction::Import { file }) => import(store.as_mut(), file),
        None => list(store.as_mut(), reading.audit.as_deref(), args.format),
    }
}

fn list(store: &mut dyn RunStore, audit: Option<&str>, format: HistoryFormat) -> Exit {
    // Scores come from their own table: listing 10,000 runs parses no report.
    let (runs, scores) = match (store.runs(audit), store.scores(audit)) {
        (Ok(r), Ok(s)) => (r, s),
        (Err(e), _) | (_, Err(e)) => return store_error(&e),
    };
    let format = match format {
        HistoryFormat::Table => views::Format::Table,
        HistoryFormat::Csv => views::Format::Csv,
        HistoryFormat::Json => views::Format::Json,
    };
    print(&views::history::render(&runs, &scores, format));
    // One audit's table ends with where its action plan stands (one report read, the newest).
    if format == views::Format::Table
        && audit.is_some()
        && let Some(last) = runs.last()
        && let Ok(report) = store.report(last.id)
        && let Some(review) = report.actions
    {
        println!("\n{}", crate::report::sanitize::terminal(&review.summary()));
    }
    Exit::Ok
}

/// The `[report]` settings of the audit file in this folder, when it is the audit of the run
/// shown: `report last` in a consultant's folder renders with their logo and notes.
fn presentation_here(audit_key: &str) -> Option<Presentation> {
    let file = Path::new(crate::audit::DEFAULT_FILE);
    if !file.is_file() {
        return None;
    }
    match crate::audit::load_for_history(file) {
        Ok(audit) if audit.key() == audit_key => Some(audit.presentation),
        Ok(_) => None,
        Err(e) => {
            eprintln!(
                "warning: {} is not read for the report's [report] settings:\n{e}",
                file.display()
            );
            None
        }
    }
}

/// A view's bytes on stdout.
fn print(bytes: &[u8]) {
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), bytes);
}

pub fn compare(
    run_a: Option<i64>,
    run_b: Option<i64>,
    url: Option<&str>,
    audit: Option<&str>,
    json: bool,
) -> Exit {
    let reading = match Reading::locate(url, audit) {
        Ok(r) => r,
        Err(exit) => return exit,
    };
    let audit = reading.audit.as_deref();
    let mut store = match reading.open() {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let (a, b) = match (run_a, run_b) {
        (Some(a), Some(b)) => (a, b),
        (Some(_), None) | (None, Some(_)) => {
            eprintln!("error: give two run ids, or none to compare the last two runs");
            return Exit::InvalidInput;
        }
        (None, None) => match last_two(store.as_mut(), audit) {
            Ok(pair) => pair,
            Err(LastTwoError::Store(e)) => return store_error(&e),
            Err(LastTwoError::SeveralAudits(audits)) => {
                let listed: Vec<String> = audits
                    .iter()
                    .map(|a| format!("`{}`", terminal(a)))
                    .collect();
                eprintln!(
                    "error: the store holds runs of {} audits ({}): say which with --audit NAME or --audit FILE",
                    audits.len(),
                    listed.join(", ")
                );
                return Exit::InvalidInput;
            }
            Err(LastTwoError::TooFew) => {
                eprintln!("error: fewer than two runs recorded; nothing to compare");
                return Exit::Runtime;
            }
        },
    };
    let (before, after) = match (store.report(a), store.report(b)) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => return store_error(&e),
    };
    if before.audit_key() != after.audit_key() {
        eprintln!(
            "error: run #{a} is of `{}` and run #{b} of `{}`: compare two runs of one audit",
            terminal(before.audit_key()),
            terminal(after.audit_key())
        );
        return Exit::InvalidInput;
    }
    let comparison = crate::score::compare::compare(a, &before, b, &after);
    let format = if json {
        views::Format::Json
    } else {
        views::Format::Table
    };
    print(&views::compare::render(&comparison, format));
    Exit::Ok
}

/// The store `--store`/`--audit` name, and the id of the run `run` names in it.
fn open_run(
    run: RunRef,
    url: Option<&str>,
    audit_file: Option<&Path>,
) -> Result<(Reading, Box<dyn RunStore>, i64), Exit> {
    let audit = audit_file.map(|f| f.to_string_lossy().into_owned());
    let reading = Reading::locate(url, audit.as_deref())?;
    let mut store = reading.open()?;
    let run_id = match run {
        RunRef::Id(id) => id,
        RunRef::Last => match store.runs(reading.audit.as_deref()) {
            Ok(runs) => match runs.last() {
                Some(last) => last.id,
                None => {
                    eprintln!(
                        "error: no run recorded yet in {}",
                        store::redact(&reading.url)
                    );
                    return Err(Exit::InvalidInput);
                }
            },
            Err(e) => return Err(store_error(&e)),
        },
    };
    Ok((reading, store, run_id))
}

/// The report of the stored run `run` names (`actions`).
pub fn stored_report(
    run: RunRef,
    url: Option<&str>,
    audit_file: Option<&Path>,
) -> Result<crate::report::Report, Exit> {
    let (_, mut store, run_id) = open_run(run, url, audit_file)?;
    store.report(run_id).map_err(|e| store_error(&e))
}

/// Renders a stored run in `format`, to `output` (stdout when `None` or `-`).
pub fn report(
    run: RunRef,
    (format, output): (Format, Option<&Path>),
    url: Option<&str>,
    audit_file: Option<&Path>,
    decoration: Decoration,
) -> Exit {
    let target = match super::outputs::target_of(output) {
        Ok(target) => target,
        Err(message) => return super::input_error(&message),
    };
    let outputs = [(format, target)];
    if let Err(missing) = super::outputs::browser_ready(&outputs) {
        eprintln!("error: {missing}");
        return Exit::Runtime;
    }
    let (reading, mut store, run_id) = match open_run(run, url, audit_file) {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    match store.report(run_id) {
        Ok(report) => {
            // The trend up to the run shown, as it stood then.
            let trend = trend_through(store.as_mut(), report.audit_key(), Some(run_id));
            let standing =
                crate::portfolio::standing_of_run(store.as_mut(), run_id, report.audit_key());
            let presentation = reading
                .presentation
                .clone()
                .or_else(|| presentation_here(report.audit_key()));
            let context = crate::report::History {
                presentation: presentation.as_ref(),
                baseline: None,
                trend: &trend,
                standing: standing.as_ref(),
                gates: &[],
            };
            match super::outputs::write_outputs(&report, &outputs, decoration, &context) {
                Ok(()) => Exit::Ok,
                Err(message) => {
                    eprintln!("error: {message}");
                    Exit::Runtime
                }
            }
        }
        Err(e) => store_error(&e),
    }
}
