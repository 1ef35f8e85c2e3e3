//! The runner: the selected checks run concurrently, each within its time limit, CPU-heavy
//! work off the async workers, progress on stderr, evidence saved and read back, and a clean
//! stop on Ctrl-C with what finished so far.

pub mod evidence;
mod progress;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::audit::{Audit, CheckSpec};
use crate::kind::{Budget, CheckError, CollectContext, Sent, off_workers};
use crate::kinds::Observation;
use crate::report::model::Status;
use crate::score::{CheckRun, Outcome, RunTimes};
use crate::store::Probe;
use progress::Progress;

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// How many checks run at once.
    pub concurrency: usize,
    /// A check's time limit unless the audit file sets its own.
    pub timeout: Duration,
    /// Read saved evidence instead of using the network.
    pub offline: bool,
    pub progress: bool,
    /// One entry per check in the audit: run it, or report it skipped.
    pub selected: Vec<bool>,
    /// The probes of the checks that sent some, by check id, or why the store could not say.
    pub probes: Result<HashMap<String, Vec<Probe>>, String>,
    /// Send again what checks that submit to the company sent before (`--resubmit`).
    pub resubmit: bool,
}

#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// One per check of the audit, in its order.
    pub runs: Vec<CheckRun>,
    pub times: RunTimes,
    /// Things the user should know that did not change any result.
    pub warnings: Vec<String>,
    /// What this run sent to the company (form submissions), by check id, for the history store.
    pub sent: Vec<(String, Sent)>,
}

pub async fn run(audit: &Audit, options: &RunOptions) -> RunOutcome {
    let started_at = chrono::Local::now().fixed_offset();
    let permits = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let selected_count = options.selected.iter().filter(|s| **s).count();
    let progress = Progress::new(selected_count, options.progress);
    let mut tasks = JoinSet::new();
    let mut index_of = HashMap::new();
    for (index, spec) in audit.checks.iter().enumerate() {
        if !options.selected.get(index).copied().unwrap_or(true) {
            continue;
        }
        let spec = spec.clone();
        let limit = spec.timeout.unwrap_or(options.timeout);
        let mut ctx = CollectContext {
            check_id: spec.id.clone(),
            audit_dir: audit.dir.clone(),
            budget: Budget::starting_now(limit),
            offline: options.offline,
            evidence_dir: audit.evidence_dir.clone(),
            probes: options
                .probes
                .as_ref()
                .map(|by_check| by_check.get(&spec.id).cloned().unwrap_or_default())
                .map_err(Clone::clone),
        };
        let evidence_dir = audit.evidence_dir.clone();
        let resubmit = options.resubmit;
        let permits = Arc::clone(&permits);
        let handle = tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let start = Instant::now();
            // The check's time starts when it gets its turn, not while it queues.
            ctx.budget = Budget::starting_at(start, limit);
            let result = tokio::time::timeout_at(
                ctx.budget.deadline().into(),
                observe(&spec, &ctx, &evidence_dir, resubmit),
            )
            .await
            .unwrap_or((Err(CheckError::Timeout(limit)), None, false));
            (result, start.elapsed())
        });
        index_of.insert(handle.id(), index);
    }

    let mut runs: Vec<Option<CheckRun>> = vec![None; audit.checks.len()];
    let mut warnings = Vec::new();
    let mut sent = Vec::new();
    let mut interrupted = false;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            joined = tasks.join_next_with_id() => {
                let Some(joined) = joined else { break };
                let (index, outcome, elapsed) = match joined {
                    Ok((id, ((result, warning, fresh), elapsed))) => {
                        warnings.extend(warning);
                        let outcome = match result {
                            Ok(observation) => {
                                if fresh {
                                    let id = audit.checks[index_of[&id]].id.clone();
                                    sent.extend(observation.sent().map(|s| (id, s)));
                                }
                                Outcome::Observed(observation)
                            }
                            Err(error) => Outcome::Failed(error),
                        };
                        (index_of[&id], outcome, elapsed)
                    }
                    // A check that panicked is a bug, reported as that check's error, not a crash.
                    Err(err) => (index_of[&err.id()], Outcome::Failed(CheckError::Crashed(err.to_string())), Duration::ZERO),
                };
                progress.finished(&audit.checks[index].id);
                runs[index] = Some(CheckRun { outcome, duration_ms: millis(elapsed) });
            }
            _ = &mut ctrl_c => {
                interrupted = true;
                tasks.abort_all();
                // Cancelled checks drop what they hold (plug-in process groups are killed then);
                // nothing CPU-bound runs on these workers, so this takes moments.
                let _ = tokio::time::timeout(Duration::from_secs(1), async {
                    while tasks.join_next().await.is_some() {}
                })
                .await;
                break;
            }
        }
    }
    progress.clear();
    let runs = runs
        .into_iter()
        .enumerate()
        .map(|(index, run)| {
            run.unwrap_or_else(|| {
                let outcome = if options.selected.get(index).copied().unwrap_or(true) {
                    Outcome::Failed(CheckError::Interrupted)
                } else {
                    Outcome::Skipped
                };
                CheckRun {
                    outcome,
                    duration_ms: 0,
                }
            })
        })
        .collect();
    RunOutcome {
        runs,
        times: RunTimes {
            started_at,
            finished_at: chrono::Local::now().fixed_offset(),
            interrupted,
        },
        warnings,
        sent,
    }
}

/// Collects, or with `--offline` reads back what a networked check saw last time; a check
/// that submits to the company reads back its one submission online too (unless
/// `resubmit`). Returns a warning alongside when saving the evidence failed, and whether the
/// observation was collected now (not read back).
async fn observe(
    spec: &CheckSpec,
    ctx: &CollectContext,
    evidence_dir: &std::path::Path,
    resubmit: bool,
) -> (Result<Observation, CheckError>, Option<String>, bool) {
    let networked = spec.params.networked();
    let saved_submission =
        spec.params.submits() && !resubmit && evidence::path_for(evidence_dir, &spec.id).exists();
    if networked && (ctx.offline || saved_submission) {
        let (dir, id) = (evidence_dir.to_path_buf(), spec.id.clone());
        let loaded = off_workers(move || evidence::load(&dir, &id)).await;
        return (loaded.and_then(|observation| observation), None, false);
    }
    let result = spec.params.collect(ctx).await;
    let warning = match (&result, networked) {
        (Ok(observation), true) => save_evidence(evidence_dir, spec, observation),
        _ => None,
    };
    (result, warning, true)
}

/// Saves what a networked check saw, for `--offline`. An attempt that scores as an error (DNS
/// down, every sample failed) never replaces saved evidence that scores: it is written beside
/// it (`ID.failed.json`) and the good one stays for the next offline run. Returns a warning.
fn save_evidence(
    dir: &std::path::Path,
    spec: &CheckSpec,
    observation: &Observation,
) -> Option<String> {
    let benchmarks = crate::benchmarks::shipped();
    let errs = |o: &Observation| o.score(&spec.params, benchmarks).status == Status::Error;
    let keep_saved =
        errs(observation) && evidence::load(dir, &spec.id).is_ok_and(|saved| !errs(&saved));
    let name = if keep_saved {
        format!("{}.failed", spec.id)
    } else {
        spec.id.clone()
    };
    match evidence::save(dir, &name, observation) {
        Err(e) => Some(format!(
            "could not save evidence of `{}` in {}: {e}",
            spec.id,
            dir.display()
        )),
        Ok(()) if keep_saved => Some(format!(
            "kept the saved evidence of `{}`: this attempt failed, and is saved beside it as {}",
            spec.id,
            evidence::path_for(dir, &name).display()
        )),
        Ok(()) => None,
    }
}

fn millis(elapsed: Duration) -> u64 {
    u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
}
