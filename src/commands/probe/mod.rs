//! `centricity probe send`: starts the probes — each `email` check's question, each
//! `web-form` with `reply_via`, tagged so their replies can be found, and each other
//! `web-form`'s submission, whose answer page is saved as its evidence — and records them in
//! the history store, where every later `centricity audit` looks for what came back.

mod classify;

pub use classify::classify;

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use super::input_error;
use crate::audit::{self, Audit, CheckSpec};
use crate::exit::Exit;
use crate::kind::{Budget, CollectContext, ProbeError};
use crate::portfolio::{Template, open_evidence, read_companies};
use crate::report::sanitize::terminal;
use crate::run::{self, RunOptions};
use crate::score::Outcome;
use crate::store::{self, Probe, RunStore, StoreError};

pub fn send(
    file: &std::path::Path,
    check: Option<&str>,
    store_url: Option<&str>,
    portfolio: Option<(&Path, Duration)>,
    quiet: bool,
) -> Exit {
    match portfolio {
        None => send_all(file, check, store_url, quiet),
        Some((template, pace)) => send_portfolio(file, template, store_url, pace, quiet),
    }
    .unwrap_or_else(|exit| exit)
}

/// `Err` is the exit code of a problem found before anything was sent (already said on stderr).
fn send_all(
    file: &std::path::Path,
    check: Option<&str>,
    store_url: Option<&str>,
    quiet: bool,
) -> Result<Exit, Exit> {
    let audit = audit::load(file).map_err(|err| input_error(&err.to_string()))?;
    let targets = probe_checks(&audit, check).map_err(|message| input_error(&message))?;
    let mut store = open_store(store_url, &audit.dir)?;
    let runtime = super::runtime(false)?;
    let failed = send_probes(&runtime, &audit, &targets, store.as_mut(), "", quiet);
    Ok(if failed { Exit::Runtime } else { Exit::Ok })
}

/// The store probes are recorded in: the one named, else the one in `dir`. It is opened before
/// anything is sent: a probe nobody records is a question wasted.
fn open_store(url: Option<&str>, dir: &Path) -> Result<Box<dyn RunStore>, Exit> {
    let url = url.map_or_else(|| store::default_url(dir), str::to_string);
    store::check_url(&url).map_err(|e| input_error(&e.to_string()))?;
    store::open(&url).map_err(|e| {
        eprintln!("error: {e}");
        Exit::Runtime
    })
}

/// Sends and records the probes of `targets`; whether any failed (each said on stderr). Each
/// line starts with `label` (the company, in a portfolio) and the check's id.
fn send_probes(
    runtime: &super::Runtime,
    audit: &Audit,
    targets: &[&CheckSpec],
    store: &mut dyn RunStore,
    label: &str,
    quiet: bool,
) -> bool {
    let mut failed = false;
    for spec in targets {
        let sent = runtime
            .block_on(start(audit, spec))
            .and_then(|(probe, note)| record(store, &probe).map(|()| (probe, note)));
        match sent {
            Ok((probe, note)) => {
                if !quiet {
                    println!(
                        "{label}{}: sent probe {} to {}{note}; replies are read by `centricity audit`",
                        spec.id,
                        probe.token,
                        terminal(&probe.sent_to)
                    );
                }
            }
            Err(failure) => {
                eprintln!("error: {label}{}: {failure}", spec.id);
                failed = true;
            }
        }
    }
    failed
}

/// `probe send COMPANIES.csv --template AUDIT_FILE`: the probes of a whole study, one company
/// after another with `pace` between them. A check that already has a probe in the store is
/// skipped, so a study interrupted half-way is resumed by running the command again.
fn send_portfolio(
    companies: &Path,
    template: &Path,
    store_url: Option<&str>,
    pace: Duration,
    quiet: bool,
) -> Result<Exit, Exit> {
    let template = Template::load(template).map_err(|e| input_error(&e.to_string()))?;
    let (columns, rows) = read_companies(companies).map_err(|e| input_error(&e.to_string()))?;
    template
        .check_columns(&columns, companies)
        .map_err(|e| input_error(&e.to_string()))?;
    let mut store = open_store(store_url, template.path.parent().unwrap_or(Path::new(".")))?;
    let runtime = super::runtime(false)?;
    let (mut failed, mut sent_before) = (false, false);
    for row in rows {
        let company = match row {
            Ok(company) => company,
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
                continue;
            }
        };
        let mut audit = match audit::parse(&template.fill(&company), &template.path) {
            Ok(audit) => audit,
            Err(e) => {
                eprintln!(
                    "error: {} (row {}): {e}",
                    terminal(&company.name),
                    company.row
                );
                failed = true;
                continue;
            }
        };
        // Its own folder, as `portfolio` reads it: a submission's answer page is evidence.
        let (evidence, note) = open_evidence(&template.path, &company.name);
        if let Some(note) = note {
            eprintln!("note: {}", terminal(&note));
        }
        audit.evidence_dir = evidence;
        let mut targets = Vec::new();
        for spec in audit.checks.iter().filter(|s| sends_probe(s)) {
            match store.probes(audit.key(), Some(&spec.id)) {
                Ok(probes) if probes.is_empty() => targets.push(spec),
                Ok(_) => {}
                Err(e) => {
                    eprintln!("error: {e}");
                    return Err(Exit::Runtime);
                }
            }
        }
        if targets.is_empty() {
            if !quiet {
                println!("{}: already probed", terminal(&audit.name));
            }
            continue;
        }
        if sent_before {
            std::thread::sleep(pace);
        }
        sent_before = true;
        let label = format!("{}: ", terminal(&audit.name));
        failed |= send_probes(&runtime, &audit, &targets, store.as_mut(), &label, quiet);
    }
    Ok(if failed { Exit::Runtime } else { Exit::Ok })
}

/// Whether `probe send` sends something for the check: a question that waits for replies, or a
/// submission (a form) whose answer is read from its page.
fn sends_probe(spec: &CheckSpec) -> bool {
    spec.params.waits_for_replies() || spec.params.submits()
}

/// The checks to start probes for: the one `--check` names, or every one that sends one.
fn probe_checks<'a>(audit: &'a Audit, check: Option<&str>) -> Result<Vec<&'a CheckSpec>, String> {
    let targets: Vec<&CheckSpec> = audit
        .checks
        .iter()
        .filter(|spec| sends_probe(spec))
        .filter(|spec| check.is_none_or(|id| spec.id == id))
        .collect();
    if !targets.is_empty() {
        return Ok(targets);
    }
    let file = audit.file.display();
    Err(match check {
        Some(id) if audit.checks.iter().any(|c| c.id == id) => {
            format!("check `{id}` in {file} sends no probe: only `email` and `web-form` checks do")
        }
        Some(id) => format!("no check `{id}` in {file}"),
        None => format!("{file} has no check that sends a probe (`email` or `web-form`)"),
    })
}

/// A probe's time when its check sets none: sending is one exchange, not an audit's crawl.
const PROBE_TIMEOUT: Duration = Duration::from_secs(60);

/// Why a check's probe was not sent, or not recorded.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Probe(#[from] ProbeError),
    /// The check's kind sends no probe of its own.
    #[error("this check sends no probe")]
    NoProbe,
    /// The resubmitted form sent nothing (its page held a CAPTCHA, or no form).
    #[error("the form was not submitted (a CAPTCHA?): see `centricity audit --offline`")]
    NotSubmitted,
    /// Sent, but the store refused the record: later audits will not look for its replies.
    #[error("probe {token} was sent but not recorded ({cause}); its replies will not be counted")]
    NotRecorded { token: String, cause: StoreError },
    /// The check's time ran out before the probe was confirmed sent.
    #[error("{0} ran out before the probe was confirmed sent")]
    OutOfTime(Budget),
}

/// Sends one probe; returns it, with a note for the person running the command.
async fn start(audit: &Audit, spec: &CheckSpec) -> Result<(Probe, String), Failure> {
    if spec.params.submits() {
        return submit(audit, spec).await;
    }
    let token = store::new_token();
    let ctx = CollectContext::standalone(
        &spec.id,
        audit.dir.clone(),
        audit.evidence_dir.clone(),
        spec.timeout.unwrap_or(PROBE_TIMEOUT),
    );
    let sent_at = chrono::Local::now().fixed_offset();
    let sent = ctx
        .budget
        .bound(spec.params.send_probe(&token, &ctx))
        .await
        .ok_or(Failure::OutOfTime(ctx.budget))?
        .ok_or(Failure::NoProbe)??;
    let probe = Probe {
        audit: audit.key().to_string(),
        check_id: spec.id.clone(),
        token,
        message_id: sent.message_id,
        sent_to: sent.sent_to,
        sent_at,
    };
    Ok((probe, sent.note))
}

/// Submits a check's form again as an audit would (`--resubmit`, that check alone), so its
/// answer page replaces the saved evidence every later audit reads.
async fn submit(audit: &Audit, spec: &CheckSpec) -> Result<(Probe, String), Failure> {
    let options = RunOptions {
        concurrency: 1,
        timeout: spec.timeout.unwrap_or(PROBE_TIMEOUT),
        offline: false,
        progress: false,
        selected: audit.checks.iter().map(|c| c.id == spec.id).collect(),
        probes: Ok(HashMap::new()),
        resubmit: true,
    };
    let outcome = run::run(audit, &options).await;
    let ran = audit.checks.iter().position(|c| c.id == spec.id);
    if let Some(Outcome::Failed(error)) = ran.map(|i| &outcome.runs[i].outcome) {
        return Err(ProbeError::Check(error.clone()).into());
    }
    let Some((_, sent)) = outcome.sent.into_iter().find(|(id, _)| *id == spec.id) else {
        return Err(Failure::NotSubmitted);
    };
    let probe = Probe::submitted(audit.key(), &spec.id, &sent.to, sent.at);
    let note = outcome.warnings.first().map_or_else(
        || " (its answer page is saved as the check's evidence)".to_string(),
        |w| format!(" (warning: {w})"),
    );
    Ok((probe, note))
}

fn record(store: &mut dyn RunStore, probe: &Probe) -> Result<(), Failure> {
    store
        .record_probe(probe)
        .map_err(|cause| Failure::NotRecorded {
            token: probe.token.clone(),
            cause,
        })
}
