//! `centricity actions RUN|last`: a stored run's action plan, written for people to fill in,
//! or merged into the plan they already keep (`--update`).

use std::path::Path;

use crate::actions::{self, PlanFormat};
use crate::cli::RunRef;
use crate::exit::Exit;

use super::outputs::{Target, target_of};

pub struct ActionsRequest<'a> {
    pub run: RunRef,
    pub store: Option<&'a str>,
    pub audit: Option<&'a Path>,
    pub format: PlanFormat,
    pub output: Option<&'a Path>,
    pub update: Option<&'a Path>,
    pub fail_on_overdue: bool,
    pub csv_bom: bool,
}

pub fn run(request: &ActionsRequest<'_>) -> Exit {
    // A plan to update is read before the store: a bad row is refused before anything else.
    let plan = match request.update {
        Some(path) => match crate::input::read(path, &crate::input::TABLE) {
            Ok(bytes) => match actions::read(&bytes, path) {
                Ok(rows) => Some((path, rows)),
                Err(err) => return super::input_error(&err.to_string()),
            },
            Err(err) => return super::input_error(&err.to_string()),
        },
        None => None,
    };
    let target = match target_of(request.output) {
        Ok(target) => target,
        Err(message) => return super::input_error(&message),
    };
    let report = match super::history::stored_report(request.run, request.store, request.audit) {
        Ok(report) => report,
        Err(exit) => return exit,
    };
    let written = if let Some((path, rows)) = plan {
        let merged = actions::merge(&rows, &report);
        let added = merged.len().saturating_sub(rows.len());
        let gone = merged.iter().filter(|r| r.present == Some(false)).count();
        if let Err(err) =
            crate::output::write_atomically(path, &actions::to_csv(&merged, request.csv_bom))
        {
            eprintln!("error: cannot write {}: {err}", path.display());
            return Exit::Runtime;
        }
        eprintln!(
            "{}: {} actions, {added} new from this run, {gone} no longer measured",
            path.display(),
            merged.len()
        );
        None
    } else {
        let rows = actions::of_reviewed_run(&report);
        Some(actions::render(
            &rows,
            report.audit_key(),
            request.format,
            request.csv_bom,
        ))
    };
    if let Some(bytes) = written {
        let result = match &target {
            Target::Stdout => std::io::Write::write_all(&mut std::io::stdout().lock(), &bytes),
            Target::File(path) => crate::output::write_atomically(path, &bytes),
        };
        if let Err(err) = result {
            eprintln!("error: cannot write the plan: {err}");
            return Exit::Runtime;
        }
    }
    if request.fail_on_overdue {
        let gate = crate::score::gates::overdue_gate(&report);
        if !gate.held {
            super::threshold_failed(&gate.message);
            return Exit::Threshold;
        }
    }
    Exit::Ok
}
