//! The portfolio's scheduler: one audit per company, run concurrently under one bound, each
//! recorded under its own name as it finishes, Ctrl-C stopping new ones.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::{Company, CompanyResult, Shard, Template, open_evidence};
use crate::report::sanitize::terminal;
use crate::run::{self, RunOptions};
use crate::store::{Probe, RunContext, RunStore};

/// How the companies are audited.
pub struct Schedule<'a> {
    pub template: &'a Template,
    /// Companies in flight at once.
    pub concurrency: usize,
    pub timeout: std::time::Duration,
    pub offline: bool,
    /// Only this shard's companies.
    pub shard: Option<Shard>,
    /// Named in each recorded run's context.
    pub portfolio: &'a str,
    /// `-q`: no line per company, no summary.
    pub quiet: bool,
    /// `--no-progress`: no line per company.
    pub no_progress: bool,
    /// `--reports DIR`: each company's HTML report is written there as it finishes.
    pub reports: Option<&'a std::path::Path>,
}

/// What the schedule did: the companies audited, in the order they finished, and whether a
/// row of the companies file could not be read.
pub struct Scheduled {
    pub companies: Vec<CompanyResult>,
    pub bad_rows: bool,
    progress: Progress,
}

impl Scheduled {
    /// The closing line on stderr: companies, rate, failures, `unranked`.
    pub fn summary(&self, unranked: usize) {
        self.progress.summary(unranked);
    }
}

/// Audits every company of `rows` on `runtime`, recording each finished one in `store`. A row
/// that cannot be read is said on stderr and skipped; once `interrupted`, no company starts.
pub fn audit_all<E: std::fmt::Display>(
    runtime: &tokio::runtime::Handle,
    rows: impl IntoIterator<Item = Result<Company, E>>,
    schedule: &Schedule<'_>,
    mut store: Option<&mut (dyn RunStore + 'static)>,
    interrupted: &AtomicBool,
) -> Scheduled {
    let mut bad_rows = false;
    let mut progress = Progress::new(schedule.quiet, schedule.no_progress);
    // Audits run on the runtime; results come back here, off it, where the store (whose
    // PostgreSQL client blocks on a runtime of its own) records them one at a time.
    let (results, mut finished) = tokio::sync::mpsc::unbounded_channel();
    let mut in_flight = 0usize;
    let mut companies: Vec<CompanyResult> = Vec::new();
    let mut collect_one = |companies: &mut Vec<CompanyResult>, in_flight: &mut usize| {
        if let Some(result) = finished.blocking_recv() {
            *in_flight -= 1;
            companies.push(finish(
                result,
                store.as_deref_mut(),
                schedule,
                &mut progress,
            ));
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
        if schedule.shard.is_some_and(|s| !s.takes(&company.name)) {
            continue;
        }
        if interrupted.load(Ordering::SeqCst) {
            break;
        }
        // A bounded queue: never more companies in flight than the bound.
        while in_flight >= schedule.concurrency {
            collect_one(&mut companies, &mut in_flight);
        }
        let audit = audit_company(
            schedule.template.clone(),
            company,
            schedule.timeout,
            schedule.offline,
        );
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
    Scheduled {
        companies,
        bad_rows,
        progress,
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
    result.presentation = Some(audit.presentation.clone());
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
    schedule: &Schedule<'_>,
    progress: &mut Progress,
) -> CompanyResult {
    let mut result = joined.unwrap_or_else(|e| CompanyResult {
        error: Some(format!("the audit crashed (a bug, please report it): {e}")),
        ..CompanyResult::default()
    });
    let presentation = result.presentation.take();
    if let (Some(dir), Some(report)) = (schedule.reports, result.report.as_ref()) {
        match super::write_report(dir, &result.name, report, presentation.as_ref()) {
            Ok(file) => result.report_file = Some(file),
            Err(e) => eprintln!(
                "warning: the report of {} was not written to {}: {e}",
                terminal(&result.name),
                dir.display()
            ),
        }
    }
    if let (Some(store), Some(report)) = (store, result.report.take()) {
        let context = RunContext {
            portfolio: Some(schedule.portfolio.to_string()),
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
