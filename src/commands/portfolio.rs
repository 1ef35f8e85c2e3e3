//! `centricity portfolio COMPANIES.csv --template AUDIT_FILE`: one audit per company, run
//! concurrently under one bound, each recorded under its own name, then ranked; and
//! `centricity merge` to rank the outputs of several shards together.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::audit::input_error;
use crate::cli::{PortfolioArgs, PortfolioFormat};
use crate::exit::Exit;
use crate::portfolio::{
    Company, CompanyResult, Merged, PortfolioOutput, Shard, Template, open_evidence, rank,
    read_companies,
};
use crate::report::sanitize::terminal;
use crate::run::{self, RunOptions};
use crate::store::{self, Probe, RunContext, RunStore};

/// `(quiet, no_progress)`: `-q` hides the progress and the summary, `--no-progress` the progress.
pub fn run(args: &PortfolioArgs, (quiet, no_progress): (bool, bool)) -> Exit {
    let shard = match args.shard.as_deref().map(Shard::parse).transpose() {
        Ok(shard) => shard,
        Err(message) => return input_error(&message),
    };
    let template = match Template::load(&args.template) {
        Ok(t) => t,
        Err(e) => return input_error(&e.to_string()),
    };
    let (columns, rows) = match read_companies(&args.companies) {
        Ok(read) => read,
        Err(e) => return input_error(&e.to_string()),
    };
    if let Err(e) = template.check_columns(&columns, &args.companies) {
        return input_error(&e.to_string());
    }
    let mut store = if args.no_store {
        None
    } else {
        let url = args.store.clone().unwrap_or_else(|| {
            store::default_url(template.path.parent().unwrap_or(Path::new(".")))
        });
        match store::open(&url) {
            Ok(s) => Some(s),
            Err(e) => return input_error(&e.to_string()),
        }
    };
    let name = args.name.clone().unwrap_or_else(|| {
        args.companies
            .file_stem()
            .map_or_else(|| "portfolio".into(), |s| s.to_string_lossy().into_owned())
    });
    let runtime = match super::runtime(true) {
        Ok(rt) => rt,
        Err(exit) => return exit,
    };
    let mut bad_rows = false;
    let mut progress = Progress::new(quiet, no_progress);
    // Ctrl-C: no new company starts; those running stop as an audit does, and every company
    // already finished stays recorded.
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&interrupted);
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            flag.store(true, Ordering::SeqCst);
        }
    });
    // Audits run on the runtime; results come back here, off it, where the store (whose
    // PostgreSQL client blocks on a runtime of its own) records them one at a time.
    let (results, mut finished) = tokio::sync::mpsc::unbounded_channel();
    let mut in_flight = 0usize;
    let mut companies: Vec<CompanyResult> = Vec::new();
    let mut collect_one = |companies: &mut Vec<CompanyResult>, in_flight: &mut usize| {
        if let Some(result) = finished.blocking_recv() {
            *in_flight -= 1;
            companies.push(finish(result, store.as_deref_mut(), &name, &mut progress));
        }
    };
    for row in rows {
        let company = match row {
            Ok(company) => company,
            Err(e) => {
                eprintln!("error: {e}");
                bad_rows = true;
                continue;
            }
        };
        if shard.is_some_and(|s| !s.takes(&company.name)) {
            continue;
        }
        if interrupted.load(Ordering::SeqCst) {
            break;
        }
        // A bounded queue: never more companies in flight than the bound.
        while in_flight >= usize::from(args.concurrency) {
            collect_one(&mut companies, &mut in_flight);
        }
        let audit = audit_company(template.clone(), company, args.timeout, args.offline);
        let results = results.clone();
        runtime.spawn(async move {
            // A panic in one company's audit is its result, not the portfolio's end.
            let _ = results.send(tokio::spawn(audit).await);
        });
        in_flight += 1;
    }
    while in_flight > 0 {
        collect_one(&mut companies, &mut in_flight);
    }
    let output = PortfolioOutput {
        portfolio: name,
        shard: args.shard.clone(),
        companies,
    };
    let unranked = rank::rank(&output.companies).unranked.len();
    progress.summary(unranked);
    let exit = write(
        &output,
        args.format,
        args.output.as_deref(),
        (unranked, args.allow_incomplete),
    );
    if bad_rows {
        Exit::InvalidInput
    } else if interrupted.load(Ordering::SeqCst) {
        Exit::Incomplete
    } else {
        exit
    }
}

/// One company's audit, from its filled template to the summary the ranking keeps.
async fn audit_company(
    template: Template,
    company: Company,
    timeout: std::time::Duration,
    offline: bool,
) -> CompanyResult {
    let text = template.fill(&company);
    let mut audit = match crate::audit::parse(&text, &template.path) {
        Ok(audit) => audit,
        Err(e) => {
            let reason = format!("the filled template is invalid: {e}");
            return CompanyResult::failed(&company, reason);
        }
    };
    let (evidence, note) = open_evidence(&template.path, &company.name);
    if let Some(note) = note {
        eprintln!("note: {}", terminal(&note));
    }
    audit.evidence_dir = evidence;
    let options = RunOptions {
        // The portfolio's bound is on companies; a company's own checks take turns.
        concurrency: 2,
        timeout,
        offline,
        progress: false,
        selected: vec![true; audit.checks.len()],
        probes: Ok(HashMap::new()),
        // A company's form is submitted once, by its first online run.
        resubmit: false,
    };
    let outcome = run::run(&audit, &options).await;
    if outcome.times.interrupted {
        // Half an audit is not a company's result: it is neither ranked nor recorded.
        return CompanyResult::failed(&company, "interrupted before it finished".into());
    }
    let report = crate::score::score_run(
        &audit,
        &outcome.runs,
        outcome.times,
        crate::benchmarks::shipped(),
    );
    let mut result = CompanyResult::from_report(&company, &report);
    result.report = Some(report);
    result.sent = (outcome.sent.iter())
        .map(|(id, sent)| Probe::submitted(audit.key(), id, &sent.to, sent.at))
        .collect();
    result
}

/// Records a finished company (its report goes to the store, then is dropped: only the summary
/// stays) and says how far the portfolio is.
fn finish(
    joined: Result<CompanyResult, tokio::task::JoinError>,
    store: Option<&mut (dyn RunStore + 'static)>,
    portfolio: &str,
    progress: &mut Progress,
) -> CompanyResult {
    let mut result = joined.unwrap_or_else(|e| CompanyResult {
        error: Some(format!("the audit crashed (a bug, please report it): {e}")),
        ..CompanyResult::default()
    });
    if let (Some(store), Some(report)) = (store, result.report.take()) {
        let context = RunContext {
            portfolio: Some(portfolio.to_string()),
            sector: result.sector.clone(),
            ..RunContext::from_env()
        };
        if let Err(e) = store.record(&report, &context) {
            eprintln!("warning: {} was not recorded: {e}", terminal(&result.name));
        }
        for probe in std::mem::take(&mut result.sent) {
            if let Err(e) = store.record_probe(&probe) {
                eprintln!(
                    "warning: {}: the submission of `{}` was not recorded: {e}",
                    terminal(&result.name),
                    probe.check_id
                );
            }
        }
    }
    progress.company(&result);
    result
}

/// Writes the ranking; exit 4 when `unranked` companies could not be ranked, unless allowed.
fn write(
    output: &PortfolioOutput,
    format: PortfolioFormat,
    to: Option<&Path>,
    (unranked, allow_incomplete): (usize, bool),
) -> Exit {
    let bytes = match format {
        PortfolioFormat::Table => rank::table(output),
        PortfolioFormat::Json => rank::json(output),
        PortfolioFormat::CsvMatrix => rank::matrix(output),
    };
    match to {
        Some(path) => {
            if let Err(e) = crate::output::write_atomically(path, &bytes) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return Exit::Runtime;
            }
        }
        None => print!("{}", String::from_utf8_lossy(&bytes)),
    }
    if unranked > 0 && !allow_incomplete {
        eprintln!(
            "{unranked} of {} companies not ranked (see why in the output); --allow-incomplete to exit 0",
            output.companies.len()
        );
        Exit::Incomplete
    } else {
        Exit::Ok
    }
}

/// `centricity rank --portfolio NAME`: the ranking again, from each company's newest run in the
/// store (a shared PostgreSQL store holds every shard's).
pub fn rank_stored(
    portfolio: &str,
    url: Option<&str>,
    allow_incomplete: bool,
    format: PortfolioFormat,
    to: Option<&Path>,
) -> Exit {
    let url = url.map_or_else(|| store::default_url(Path::new(".")), str::to_string);
    let runs = store::open_to_read(&url).and_then(|mut store| store.portfolio(portfolio));
    let runs = match runs {
        Ok(runs) => runs,
        Err(e) => return super::history::store_error(&e),
    };
    if runs.is_empty() {
        return input_error(&format!(
            "no run of portfolio `{}` in {}",
            terminal(portfolio),
            store::redact(&url)
        ));
    }
    let companies = crate::portfolio::from_store(runs);
    let output = PortfolioOutput {
        portfolio: portfolio.to_string(),
        shard: None,
        companies,
    };
    let unranked = rank::rank(&output.companies).unranked.len();
    write(&output, format, to, (unranked, allow_incomplete))
}

/// `centricity merge SHARD.json…`: the shards' companies ranked together.
pub fn merge(
    files: &[PathBuf],
    allow_incomplete: bool,
    format: PortfolioFormat,
    to: Option<&Path>,
) -> Exit {
    let mut merged = Merged::default();
    for file in files {
        let read = std::fs::read(file)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                serde_json::from_slice::<PortfolioOutput>(&bytes).map_err(|e| e.to_string())
            });
        let part = match read {
            Ok(part) => part,
            Err(e) => {
                return input_error(&format!(
                    "{}: not a portfolio's JSON output ({e})",
                    file.display()
                ));
            }
        };
        if let Err(twice) = merged.add(part) {
            return input_error(&format!(
                "{}: {} is in two shards' outputs",
                file.display(),
                terminal(&twice)
            ));
        }
    }
    match merged.finish() {
        Some(output) => {
            let unranked = rank::rank(&output.companies).unranked.len();
            write(&output, format, to, (unranked, allow_incomplete))
        }
        None => input_error("give the shards' JSON outputs to merge"),
    }
}

/// Companies done and failed as they finish, then the rate, on stderr.
struct Progress {
    quiet: bool,
    /// A line per company finished (not with `-q` or `--no-progress`).
    each: bool,
    started: Instant,
    done: usize,
    failed: usize,
}

impl Progress {
    fn new(quiet: bool, no_progress: bool) -> Self {
        Self {
            quiet,
            each: !quiet && !no_progress,
            started: Instant::now(),
            done: 0,
            failed: 0,
        }
    }

    fn company(&mut self, result: &CompanyResult) {
        self.done += 1;
        if result.score.is_none() {
            self.failed += 1;
        }
        if !self.each {
            return;
        }
        let what = match (result.score, &result.error) {
            (Some(score), _) => format!("{score:.1}"),
            (None, Some(error)) => format!("failed: {error}"),
            (None, None) => "no score".into(),
        };
        eprintln!(
            "[{} done, {} failed] {}: {}",
            self.done,
            self.failed,
            terminal(&result.name),
            terminal(&what)
        );
    }

    fn summary(&self, unranked: usize) {
        if self.quiet {
            return;
        }
        let seconds = self.started.elapsed().as_secs_f64();
        eprintln!(
            "{} companies in {seconds:.1} s ({:.1}/s), {} failed, {unranked} not ranked",
            self.done,
            self.done as f64 / seconds.max(1e-9),
            self.failed
        );
    }
}
