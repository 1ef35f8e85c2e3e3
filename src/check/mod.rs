//! The check contract: a check collects an [`Observation`] or fails with a
//! [`CheckError`]; either way it is a value, and the run goes on. Scoring
//! (in `score`) turns observations into results without any I/O.

pub mod evidence;
mod progress;
pub mod runner;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::checks::contact_reach::ReachObservation;
use crate::checks::email::EmailObservation;
use crate::checks::exec::PluginReport;
use crate::checks::http::HttpObservation;
use crate::checks::mystery_log::Contact;
use crate::checks::questionnaire::QuestionnaireObservation;
use crate::checks::reviews::ReviewsObservation;
use crate::checks::web_form::FormObservation;
use crate::store::Probe;

pub use runner::{RunOptions, RunOutcome, run};

/// What a check saw, before any judgement. Saved as evidence so a run can be
/// re-scored offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Observation {
    Http(HttpObservation),
    MysteryLog {
        file: String,
        contacts: Vec<Contact>,
    },
    Email(EmailObservation),
    Reviews(ReviewsObservation),
    ContactReach(ReachObservation),
    WebForm(FormObservation),
    Questionnaire(QuestionnaireObservation),
    Exec(PluginReport),
}

/// Why a check could not observe anything. Shown as the check's `error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    #[error("timed out after {}", humantime::format_duration(*.0))]
    Timeout(Duration),
    #[error("interrupted before it finished")]
    Interrupted,
    #[error("{0}")]
    Network(String),
    #[error("plug-in failed: {0}")]
    Plugin(String),
    #[error("no saved evidence at {} (run the audit once without --offline)", .0.display())]
    NoSavedEvidence(PathBuf),
    #[error("saved evidence unusable: {0}")]
    BadEvidence(String),
    #[error("the check crashed (a bug in centricity, please report it): {0}")]
    Crashed(String),
}

/// What a kind's collector may use.
#[derive(Debug, Clone)]
pub struct CollectContext {
    pub check_id: String,
    /// The audit file's folder: plug-ins run there.
    pub audit_dir: PathBuf,
    /// The time this check has; collectors split it among their samples.
    pub timeout: Duration,
    /// When that time is up: network requests get at most what is left, and a
    /// collector that can report part of its work stops early enough to do so.
    pub deadline: Instant,
    pub offline: bool,
    /// Where a collector keeps what it read (fetched pages).
    pub evidence_dir: PathBuf,
    /// The probes sent for this check (`centricity probe send`), as the history
    /// store holds them, or why they could not be read.
    pub probes: Result<Vec<Probe>, String>,
}

impl CollectContext {
    /// A context for a collector run outside the runner (init, probe send), with `timeout` from now.
    pub fn standalone(
        check_id: &str,
        audit_dir: PathBuf,
        evidence_dir: PathBuf,
        timeout: Duration,
    ) -> Self {
        Self {
            check_id: check_id.into(),
            audit_dir,
            timeout,
            deadline: Instant::now() + timeout,
            offline: false,
            evidence_dir,
            probes: Ok(Vec::new()),
        }
    }

    /// When a collector that reports partial work should stop: a little before the
    /// deadline (a tenth of its time, at most a second), so the report is out before it.
    pub fn wrap_up_at(&self) -> Instant {
        self.deadline - (self.timeout / 10).min(Duration::from_secs(1))
    }
}

/// Runs CPU-heavy work (parsing what strangers wrote) on the blocking pool, so
/// it never holds an async worker: the check's timeout still fires on time and
/// the other checks keep running. A panic in it is the check's error.
pub async fn off_workers<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, CheckError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| CheckError::Crashed(e.to_string()))
}
