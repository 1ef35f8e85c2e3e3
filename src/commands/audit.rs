//! `centricity audit`: load, run, score, render, write, and earn an exit code.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::ArgMatches;

use crate::audit::{self, Audit};
use crate::benchmarks;
use crate::cli::AuditArgs;
use crate::exit::Exit;
use crate::kind::Sent;
use crate::report::{Decoration, Format, History as ReportHistory, Report, TrendPoint};
use crate::run::{self, RunOptions};
use crate::score;
use crate::score::gates::{self, Gates};
use crate::store::{self, RunContext, RunStore};

/// Where a rendered format goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Stdout,
    File(PathBuf),
}

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
    if let Some(url) = &store_url {
        if let Err(e) = store::check_url(url) {
            return input_error(&e.to_string());
        }
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
    let report = score::score_run(&audit, &outcome.runs, outcome.times, benchmarks::shipped());
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
    let context = ReportHistory {
        baseline: baseline.as_ref().map(|(_, r)| r),
        trend: &trend,
        standing: None,
    };
    if let Err(message) = write_outputs(&report, &outputs, decoration, &context) {
        eprintln!("error: {message}");
        return Exit::Runtime;
    }
    let recorded = history.record(&report);
    let gates = Gates {
        fail_under: args.fail_under,
        thresholds: audit.thresholds.clone(),
        max_drop: args.max_drop,
    };
    let failed = gates::failures(&report, &gates, baseline.as_ref().map(|(id, r)| (*id, r)));
    verdict(&report, &failed, recorded, args, quiet)
}

/// The history store for one run. A store that is down costs the record (and
/// the e-mail checks, which find their probes there), never the report.
struct History {
    store: Option<Result<Box<dyn RunStore>, String>>,
    quiet: bool,
}

impl History {
    fn open(url: Option<&str>, quiet: bool) -> Self {
        Self {
            store: url.map(|u| store::open(u).map_err(|e| e.to_string())),
            quiet,
        }
    }

    /// The probes sent for the selected checks that wait for replies, by check id.
    fn probes(
        &mut self,
        audit: &Audit,
        selected: &[bool],
    ) -> Result<HashMap<String, Vec<store::Probe>>, String> {
        let waiting: Vec<&str> = audit
            .checks
            .iter()
            .zip(selected)
            .filter(|(spec, run)| **run && spec.params.waits_for_replies())
            .map(|(spec, _)| spec.id.as_str())
            .collect();
        if waiting.is_empty() {
            return Ok(HashMap::new());
        }
        let store = match &mut self.store {
            Some(Ok(store)) => store,
            Some(Err(e)) => return Err(format!("the probes are kept in the history store: {e}")),
            None => return Err("the probes are kept in the history store (drop --no-store)".into()),
        };
        waiting
            .into_iter()
            .map(|id| {
                let probes = store
                    .probes(audit.key(), Some(id))
                    .map_err(|e| e.to_string())?;
                Ok((id.to_string(), probes))
            })
            .collect()
    }

    /// Records what the run sent to the company (forms submitted), so the store says when and
    /// how often a client's form was sent to; a warning when it cannot.
    fn record_sent(&mut self, audit: &Audit, sent: &[(String, Sent)]) {
        let Some(Ok(store)) = &mut self.store else {
            return;
        };
        for (check_id, sent) in sent {
            let probe = store::Probe::submitted(audit.key(), check_id, &sent.to, sent.at);
            if let Err(e) = store.record_probe(&probe) {
                eprintln!("warning: the submission of `{check_id}` was not recorded: {e}");
            }
        }
    }

    /// This audit's recorded runs, for a trend line: none when there is no store to ask.
    fn trend(&mut self, audit: &str) -> Vec<TrendPoint> {
        match &mut self.store {
            Some(Ok(store)) => store
                .runs(Some(audit))
                .map(|runs| super::history::trend(&runs))
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The run to compare with: `last` (this audit's latest) or an id.
    fn baseline(&mut self, which: &str, audit: &str) -> Result<Option<(i64, Report)>, String> {
        let store = match &mut self.store {
            Some(Ok(store)) => store,
            Some(Err(e)) => return Err(format!("--baseline needs the history store: {e}")),
            None => return Err("--baseline needs the history store (drop --no-store)".into()),
        };
        let id = if which == "last" {
            match store.runs(Some(audit)).map_err(|e| e.to_string())?.last() {
                Some(run) => run.id,
                None => {
                    if !self.quiet {
                        eprintln!(
                            "note: no earlier run of `{audit}` to compare with; this run becomes the baseline"
                        );
                    }
                    return Ok(None);
                }
            }
        } else {
            which
                .parse()
                .map_err(|_| format!("--baseline takes `last` or a run id, not `{which}`"))?
        };
        let report = store.report(id).map_err(|e| e.to_string())?;
        // A baseline is one of this audit's own runs, never another company's.
        if report.audit_key() != audit {
            return Err(format!(
                "run #{id} is a run of `{}`, not of `{audit}`: a baseline must be a run of the same audit",
                crate::report::sanitize::terminal(report.audit_key())
            ));
        }
        Ok(Some((id, report)))
    }

    /// Records the run; `false` when it could not be (and says why).
    fn record(&mut self, report: &Report) -> bool {
        match &mut self.store {
            None => true,
            Some(Ok(store)) => match store.record(report, &RunContext::from_env()) {
                Ok(id) => {
                    if !self.quiet {
                        eprintln!("recorded run #{id}");
                    }
                    true
                }
                Err(e) => {
                    eprintln!("error: the run was not recorded: {e}");
                    false
                }
            },
            Some(Err(e)) => {
                eprintln!("error: the run was not recorded: {e}");
                false
            }
        }
    }
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
        eprintln!("threshold failed: {line}");
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

pub(super) fn input_error(message: &str) -> Exit {
    eprintln!("error: {message}");
    Exit::InvalidInput
}

/// Pairs each `--output` with the `--format` given before it on the command line.
fn output_targets(args: &AuditArgs, matches: &ArgMatches) -> Result<Vec<(Format, Target)>, String> {
    if args.format.is_empty() {
        return match args.output.as_slice() {
            [] => Ok(vec![(Format::Table, Target::Stdout)]),
            _ => Err(
                "--output needs a --format before it, e.g. --format json --output report.json"
                    .into(),
            ),
        };
    }
    let format_at: Vec<usize> = matches
        .indices_of("format")
        .map(Iterator::collect)
        .unwrap_or_default();
    let output_at: Vec<usize> = matches
        .indices_of("output")
        .map(Iterator::collect)
        .unwrap_or_default();
    let mut targets: Vec<(Format, Option<Target>)> =
        args.format.iter().map(|f| (*f, None)).collect();
    for (output, at) in args.output.iter().zip(output_at) {
        let Some(owner) = format_at.iter().rposition(|f| *f < at) else {
            return Err(format!(
                "--output {} comes before any --format; put it after the format it writes",
                output.display()
            ));
        };
        if targets[owner].1.is_some() {
            return Err(format!(
                "two --output options follow the same --format ({})",
                output.display()
            ));
        }
        let target = if output.as_os_str() == "-" {
            Target::Stdout
        } else {
            Target::File(output.clone())
        };
        if let Target::File(path) = &target {
            let parent = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            if !parent.is_dir() {
                return Err(format!(
                    "cannot write {}: folder {} does not exist",
                    path.display(),
                    parent.display()
                ));
            }
        }
        targets[owner].1 = Some(target);
    }
    let targets: Vec<(Format, Target)> = targets
        .into_iter()
        .map(|(f, t)| (f, t.unwrap_or(Target::Stdout)))
        .collect();
    if targets.iter().filter(|(_, t)| *t == Target::Stdout).count() > 1 {
        return Err("only one format can go to stdout; give the others --output FILE".into());
    }
    Ok(targets)
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

/// Renders every format first, then writes files (atomically), then stdout.
fn write_outputs(
    report: &Report,
    outputs: &[(Format, Target)],
    decoration: Decoration,
    history: &ReportHistory<'_>,
) -> Result<(), String> {
    let rendered: Vec<(&Target, Vec<u8>)> = outputs
        .iter()
        .map(|(format, target)| {
            // Files never get colour codes: they end up in slides and CI logs.
            let decoration = Decoration {
                color: decoration.color && *target == Target::Stdout,
                ..decoration
            };
            (target, format.render(report, decoration, history))
        })
        .collect();
    for (target, bytes) in &rendered {
        if let Target::File(path) = target {
            crate::output::write_atomically(path, bytes)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    for (target, bytes) in &rendered {
        if **target == Target::Stdout {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
                // A closed pipe (`| head`) is the reader's choice, not a failure.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    return Err(format!("cannot write to stdout: {e}"));
                }
                _ => {}
            }
        }
    }
    Ok(())
}
