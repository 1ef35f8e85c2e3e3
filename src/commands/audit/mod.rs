//! `centricity audit`: load, run, score, render, write, and earn an exit code.

mod history;

use std::collections::HashMap;
use std::io::IsTerminal;

use clap::ArgMatches;

use super::input_error;
use super::outputs::{browser_ready, output_targets, write_outputs};
use crate::audit::{self, Audit};
use crate::benchmarks;
use crate::cli::AuditArgs;
use crate::exit::Exit;
use crate::report::{Decoration, History as ReportHistory, Report, TrendPoint};
use crate::run::{self, RunOptions};
use crate::score;
use crate::score::gates::{self, Gates};
use crate::store;
use history::History;

/// `(quiet, no_progress)`: `-q` and `--no-progress`.
pub fn run(
    args: &AuditArgs,
    matches: &ArgMatches,
    decoration: Decoration,
    (quiet, no_progress): (bool, bool),
) -> Exit {
    let audit = match audit::load(&args.file) {
        Ok(audit) => audit,
        Err(err) => return input_error(&err.to_string()),
    };
    let outputs = match output_targets(args, matches) {
        Ok(outputs) => outputs,
        Err(message) => return input_error(&message),
    };
    if let Err(missing) = browser_ready(&outputs) {
        eprintln!("error: {missing}");
        return Exit::Runtime;
    }
    let selected = match select(&audit, &args.only, &args.skip) {
        Ok(selected) => selected,
        Err(message) => return input_error(&message),
    };
    // The store's address is checked before anything runs: a typo is an input error.
    let store_url = if args.no_store {
        None
    } else {
        Some(
            args.store
                .clone()
                .unwrap_or_else(|| store::default_url(&audit.dir)),
        )
    };
    if let Some(url) = &store_url
        && let Err(e) = store::check_url(url)
    {
        return input_error(&e.to_string());
    }
    let mut history = History::open(store_url.as_deref(), quiet);
    let probes = if args.offline {
        Ok(HashMap::new())
    } else {
        history.probes(&audit, &selected)
    };
    let options = RunOptions {
        concurrency: usize::from(args.concurrency),
        timeout: args.timeout,
        offline: args.offline,
        progress: show_progress(no_progress, quiet),
        selected,
        probes,
        resubmit: args.resubmit,
    };
    let runtime = match super::runtime(true) {
        Ok(rt) => rt,
        Err(exit) => return exit,
    };
    let outcome = runtime.block_on(run::run(&audit, &options));
    history.record_sent(&audit, &outcome.sent);
    if !quiet {
        for warning in &outcome.warnings {
            eprintln!("warning: {}", crate::report::sanitize::terminal(warning));
        }
    }
    let mut report = score::score_run(&audit, &outcome.runs, outcome.times, benchmarks::shipped());
    // What the client closed since the last audit, as the measurement sees it.
    if let Some(review) = report.actions.as_mut()
        && let Some(before) = history.previous(audit.key())
    {
        let before = crate::actions::as_reviewed(&before);
        review.since_last = Some(crate::actions::closed_since(&before, review));
    }
    let baseline = match &args.baseline {
        Some(which) => match history.baseline(which, audit.key()) {
            Ok(found) => found,
            Err(message) => {
                eprintln!("error: {message}");
                return Exit::InvalidInput;
            }
        },
        None => None,
    };
    let decoration = Decoration {
        csv_bom: args.csv_bom,
        ..decoration
    };
    let mut trend = history.trend(report.audit_key());
    trend.extend(report.score.map(|score| TrendPoint {
        date: report.audit.started_at.date_naive().to_string(),
        score,
    }));
    let gates = Gates {
        fail_under: args.fail_under,
        thresholds: audit.thresholds.clone(),
        max_drop: args.max_drop,
        fail_on_overdue: args.fail_on_overdue,
    };
    let judged = gates::judge(&report, &gates, baseline.as_ref().map(|(id, r)| (*id, r)));
    let context = ReportHistory {
        presentation: Some(&audit.presentation),
        baseline: baseline.as_ref().map(|(_, r)| r),
        trend: &trend,
        standing: None,
        gates: &judged,
    };
    if let Err(message) = write_outputs(&report, &outputs, decoration, &context) {
        eprintln!("error: {message}");
        return Exit::Runtime;
    }
    let recorded = history.record(&report);
    let failed = gates::failed(&judged);
    verdict(&report, &failed, recorded, args, quiet)
}

/// The exit code a scored report earns, with one stderr line per reason:
/// nothing scored or not recorded (1), then failed gates (2), then incomplete (4).
fn verdict(
    report: &Report,
    failed: &[String],
    recorded: bool,
    args: &AuditArgs,
    quiet: bool,
) -> Exit {
    for line in failed {
        super::threshold_failed(line);
    }
    if report.score.is_none() {
        eprintln!("error: nothing could be scored; see each check's error");
        return Exit::Runtime;
    }
    if !recorded {
        return Exit::Runtime;
    }
    if !failed.is_empty() {
        return Exit::Threshold;
    }
    if !report.complete && !args.allow_incomplete {
        let errored: Vec<&str> = report
            .checks
            .iter()
            .filter(|c| c.error.is_some())
            .map(|c| c.id.as_str())
            .collect();
        if !quiet {
            eprintln!(
                "incomplete: {} could not be measured (exit 4; --allow-incomplete accepts this)",
                if errored.is_empty() {
                    "the run".to_string()
                } else {
                    errored.join(", ")
                }
            );
        }
        return Exit::Incomplete;
    }
    Exit::Ok
}

/// Which checks run: all, or those `--only` names, less those `--skip` names.
fn select(audit: &Audit, only: &[String], skip: &[String]) -> Result<Vec<bool>, String> {
    let known: Vec<&str> = audit.checks.iter().map(|c| c.id.as_str()).collect();
    if let Some(unknown) = only
        .iter()
        .chain(skip)
        .find(|id| !known.contains(&id.as_str()))
    {
        return Err(format!(
            "no check `{unknown}` in {}; its checks are: {}",
            audit.file.display(),
            known.join(", ")
        ));
    }
    Ok(audit
        .checks
        .iter()
        .map(|c| (only.is_empty() || only.contains(&c.id)) && !skip.contains(&c.id))
        .collect())
}

/// A progress bar only for a person at a terminal: never in CI, never when asked not to.
fn show_progress(no_progress: bool, quiet: bool) -> bool {
    let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
    !no_progress && !quiet && !in_ci && std::io::stderr().is_terminal()
}
