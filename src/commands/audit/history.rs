//! The history store as one audit run uses it: the probes its checks wait on, what it sent,
//! its trend and baseline, and its record. A store that is down costs the record, never the
//! report.

use std::collections::HashMap;

use crate::audit::Audit;
use crate::kind::Sent;
use crate::report::{Report, TrendPoint};
use crate::store::{self, RunContext, RunStore, history};

/// The history store for one run. A store that is down costs the record (and
/// the e-mail checks, which find their probes there), never the report.
pub(super) struct History {
    store: Option<Result<Box<dyn RunStore>, String>>,
    quiet: bool,
}

impl History {
    pub(super) fn open(url: Option<&str>, quiet: bool) -> Self {
        Self {
            store: url.map(|u| store::open(u).map_err(|e| e.to_string())),
            quiet,
        }
    }

    /// The probes sent for the selected checks that wait for replies, by check id.
    pub(super) fn probes(
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
    pub(super) fn record_sent(&mut self, audit: &Audit, sent: &[(String, Sent)]) {
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
    pub(super) fn trend(&mut self, audit: &str) -> Vec<TrendPoint> {
        match &mut self.store {
            Some(Ok(store)) => history::trend_through(store.as_mut(), audit, None),
            _ => Vec::new(),
        }
    }

    /// The run to compare with: `last` (this audit's latest) or an id.
    pub(super) fn baseline(
        &mut self,
        which: &str,
        audit: &str,
    ) -> Result<Option<(i64, Report)>, String> {
        let store = match &mut self.store {
            Some(Ok(store)) => store,
            Some(Err(e)) => return Err(format!("--baseline needs the history store: {e}")),
            None => return Err("--baseline needs the history store (drop --no-store)".into()),
        };
        let which: history::BaselineRef = which.parse()?;
        let found = history::baseline(store.as_mut(), which, audit).map_err(|e| e.to_string())?;
        if found.is_none() && !self.quiet {
            eprintln!(
                "note: no earlier run of `{audit}` to compare with; this run becomes the baseline"
            );
        }
        Ok(found)
    }

    /// This audit's latest stored run, quietly none without a store or a run.
    pub(super) fn previous(&mut self, audit: &str) -> Option<Report> {
        let Some(Ok(store)) = &mut self.store else {
            return None;
        };
        let found = history::baseline(store.as_mut(), history::BaselineRef::Last, audit);
        found.ok().flatten().map(|(_, report)| report)
    }

    /// Records the run; `false` when it could not be (and says why).
    pub(super) fn record(&mut self, report: &Report) -> bool {
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
