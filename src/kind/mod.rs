//! What every check kind is and shares: the [`Kind`] trait a kind implements in its folder
//! under `kinds/`, the context its collector gets, why a check could not observe
//! ([`CheckError`], a value: the run goes on), and a check's judgement ([`Scored`], in the
//! words of `crate::verdict`). Collecting is kept apart from scoring: `score` is pure, so
//! saved evidence is re-scored. What several kinds share lives here too, so no kind imports
//! another: the probe record ([`Probe`]), contacts and their timing ([`score_contacts`]), and
//! probes answered by mail ([`reply_probe`]).

pub(crate) mod contacts;
mod probe;
pub mod reply_probe;
mod scored;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use toml_span::DeserError;
use toml_span::de_helpers::TableHelper;

use crate::benchmarks::Benchmarks;
pub use crate::budget::Budget;
use crate::category::Category;
use crate::channel::Channel;
use crate::spanned::InputError;
use crate::verdict::{Code, ErrorCode};

pub use contacts::{Contact, score_contacts};
pub use probe::{Probe, new_token};
pub use scored::{ChannelScore, Scored, slow_finding};

/// Everything one check kind is. Implemented by a unit type in `kinds/<kind>/`; the
/// registry in `kinds/mod.rs` lists the types once and generates the closed enums and
/// every dispatch from that list, so a kind that misses a part does not compile.
pub trait Kind {
    /// What the kind is, for `centricity checks`, the README and the loader.
    const INFO: KindInfo;
    /// Its settings, validated.
    type Params: std::fmt::Debug + Clone + PartialEq + Send + Sync + 'static;
    /// What it saw, before any judgement; saved as evidence so a run can be re-scored offline.
    type Observation: std::fmt::Debug + Clone + PartialEq + Serialize + DeserializeOwned + Send;

    /// Reads the kind's own keys from its `[[check]]` table (the shared ones are read by the
    /// audit). Returns the category the check scores into and its parameters, or `None`
    /// after recording problems in the table's errors.
    fn parse(
        th: &mut TableHelper<'_>,
        ctx: &mut LoadContext<'_>,
    ) -> Option<(Category, Self::Params)>;

    /// Observes: the network, files, a plug-in. Failures are values.
    fn collect(
        params: &Self::Params,
        ctx: &CollectContext,
    ) -> impl Future<Output = Result<Self::Observation, CheckError>> + Send;

    /// Judges an observation: pure, no I/O.
    fn score(
        params: &Self::Params,
        observation: &Self::Observation,
        benchmarks: &Benchmarks,
    ) -> Scored;

    /// Whether the check uses the network. Such checks save their observations, and
    /// `--offline` reads them back instead.
    fn networked(_params: &Self::Params) -> bool {
        false
    }

    /// The channel the check measures, where it measures one.
    fn channel(_params: &Self::Params) -> Option<Channel> {
        None
    }

    /// Whether collecting sends something to the company (a form submission): such an
    /// observation is a probe, made once and recorded in the history store. Online runs read
    /// it back from the saved evidence, as `--offline` does, until `probe send` or `audit
    /// --resubmit` sends it again; only a check with no saved observation yet sends on its own.
    fn submits(_params: &Self::Params) -> bool {
        false
    }

    /// What an observation sent to the company, where and when (a form behind a CAPTCHA sent
    /// nothing): the record the history store keeps of it.
    fn sent(_observation: &Self::Observation) -> Option<Sent> {
        None
    }

    /// Whether the check waits for replies to probes that `centricity probe send` sent.
    fn waits_for_replies(_params: &Self::Params) -> bool {
        false
    }

    /// Sends the check's probe for `centricity probe send`, tagged with `token` so its replies
    /// can be found; `None` for a check that sends none.
    fn send_probe(
        _params: &Self::Params,
        _token: &str,
        _ctx: &CollectContext,
    ) -> impl Future<Output = Option<Result<ProbeSent, ProbeError>>> + Send {
        std::future::ready(None)
    }

    /// The mailbox the check reads its answers from, lent to the checks that link to it (a
    /// `web-form`'s `reply_via`); `None` for a check that has none of its own.
    fn mailbox(_params: &Self::Params) -> Option<&reply_probe::Mailbox> {
        None
    }

    /// Settings the check takes from another check of the same audit, once every check is
    /// read (a `web-form`'s `reply_via` names the `email` check whose mailbox gets the answer).
    fn link<'a>(
        _params: &mut Self::Params,
        _other: &dyn Fn(&str) -> OtherCheck<'a>,
    ) -> Result<(), DeserError> {
        Ok(())
    }
}

/// What a kind is, for `centricity checks`, the README's table and the loader.
#[derive(Debug)]
pub struct KindInfo {
    pub name: &'static str,
    pub summary: &'static str,
    pub category: KindCategory,
    /// The kind's own keys, besides `id`, `kind`, `title`, `weight`, `timeout`: each a name,
    /// then what it takes in brackets where that helps.
    pub keys: &'static [&'static str],
    pub motivation: &'static str,
    pub measures: &'static str,
    pub scoring: &'static str,
    pub improve: &'static str,
    /// How to read the kind's measures, in our own words as HTML, shown after its checks in
    /// the client's report.
    pub report_note: Option<&'static str>,
    /// The columns of the file the kind's checks read, when people fill it in (a log).
    pub file_columns: &'static [FileColumn],
    /// The finding codes its checks raise (`centricity checks KIND` lists them with their
    /// meaning); a plug-in's are its own.
    pub findings: &'static [&'static [Code]],
}

impl KindInfo {
    /// Every finding code the kind's checks raise, each once.
    pub fn codes(&self) -> Vec<Code> {
        let mut codes: Vec<Code> = self
            .findings
            .iter()
            .flat_map(|group| group.iter().copied())
            .collect();
        codes.sort();
        codes.dedup();
        codes
    }
}

/// The codes of contacts timed against a benchmark ([`score_contacts`]).
pub const CONTACT_CODES: &[Code] = &[
    Code::UnansweredContacts,
    Code::SlowChannel,
    Code::ChannelWithoutBenchmark,
    Code::FirstContactResolution,
];

/// The codes of probes answered by mail ([`reply_probe`]), which are timed as contacts.
pub const REPLY_PROBE_CODES: &[Code] = &[
    Code::ProbesPending,
    Code::ProbeBounced,
    Code::NoAcknowledgement,
    Code::UnansweredContacts,
    Code::SlowChannel,
    Code::ChannelWithoutBenchmark,
    Code::FirstContactResolution,
];

/// A column of a file people fill in for a check: its header, whether a row needs it, and
/// what to write in it.
#[derive(Debug, Clone, Copy)]
pub struct FileColumn {
    pub name: &'static str,
    pub required: bool,
    pub meaning: &'static str,
}

/// The category a kind's checks score into.
#[derive(Debug, Clone, Copy)]
pub enum KindCategory {
    Fixed(Category),
    /// Each check says; the text tells people where (plug-ins can measure anything).
    PerCheck(&'static str),
}

impl KindCategory {
    /// For people: the category's id, or where each check says it.
    pub fn describe(self) -> String {
        match self {
            KindCategory::Fixed(category) => category.id().to_string(),
            KindCategory::PerCheck(whence) => format!("set per check: {whence}"),
        }
    }
}

impl KindInfo {
    /// The key names alone (`channel` of "channel (web, api, chat, help)").
    pub fn key_names(&self) -> impl Iterator<Item = &'static str> {
        self.keys
            .iter()
            .map(|key| key.split_whitespace().next().unwrap_or(key))
    }
}

/// What a check sent to the company while collecting.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub to: String,
    pub at: chrono::DateTime<chrono::FixedOffset>,
}

/// A probe as its kind sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeSent {
    /// Where the question went: an address, a form's page.
    pub sent_to: String,
    /// The Message-ID replies may cite (empty when the kind has none).
    pub message_id: String,
    /// What the person running the command should know (" (answers go to …)").
    pub note: String,
}

/// Why a kind did not send its probe: nothing is recorded for it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    /// The question did not go out by mail.
    #[error(transparent)]
    Mail(#[from] crate::net::mail::SendError),
    /// The check could not do what sending needs (the form's page not read, no form on it).
    #[error(transparent)]
    Check(#[from] CheckError),
    /// The form is behind a CAPTCHA (`kind`): a person has to send it.
    #[error(
        "the form is behind a {kind} challenge: submit it by hand and log the reply in the mystery-shopping log"
    )]
    Captcha { kind: String },
    /// The form was submitted and said no: why, in its words.
    #[error("the form did not take the message: {reason}")]
    Refused { reason: String },
}

/// Another check of the audit, as [`Kind::link`] sees it by id.
pub enum OtherCheck<'a> {
    /// It loaded, and lends what it has: its mailbox (see [`Kind::mailbox`]), if any.
    Loaded {
        mailbox: Option<&'a reply_probe::Mailbox>,
    },
    /// It is in the file but has problems of its own (reported for it).
    Unloadable,
    /// No check has that id.
    Missing,
}

/// What a kind's parser may use and report besides its own keys.
pub struct LoadContext<'a> {
    /// The audit file's folder.
    pub dir: &'a Path,
    /// `[audit] site`, the company's own site.
    pub site: Option<String>,
    /// `[audit] timezone` and `date_order`: how the files it points to wrote local times.
    pub times: crate::local_time::LocalTimes,
    /// Problems in files the audit points to, reported after the audit file's own.
    pub referenced: Vec<InputError>,
}

impl LoadContext<'_> {
    /// Resolves a path written in the audit file against the audit file's folder.
    pub fn resolve(&self, path: &str) -> PathBuf {
        // Keep messages free of a leading "./" when the audit file is in the current folder.
        if self.dir == Path::new(".") {
            PathBuf::from(path)
        } else {
            self.dir.join(path)
        }
    }
}

/// Why a check could not observe anything. Shown as the check's `error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    #[error("timed out after {}", humantime::format_duration(*.0))]
    Timeout(Duration),
    #[error("interrupted before it finished")]
    Interrupted,
    /// The target could not be reached or read, or did not hold what the check reads: the
    /// cause from a closed set, and in words.
    #[error("{reason}")]
    Failed { code: ErrorCode, reason: String },
    #[error("plug-in failed: {0}")]
    Plugin(String),
    #[error("no saved evidence at {} (run the audit once without --offline)", .0.display())]
    NoSavedEvidence(PathBuf),
    #[error("saved evidence unusable: {0}")]
    BadEvidence(String),
    #[error("the check crashed (a bug in centricity, please report it): {0}")]
    Crashed(String),
}

impl CheckError {
    pub fn failed(code: ErrorCode, reason: impl Into<String>) -> Self {
        CheckError::Failed {
            code,
            reason: reason.into(),
        }
    }

    /// A fetch that brought no page, as the check's error.
    pub fn fetch(fetched: &crate::net::fetch::Fetched) -> Option<Self> {
        fetched
            .failure()
            .map(|(code, reason)| Self::failed(code, reason))
    }

    /// The cause as a stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            CheckError::Timeout(_) => ErrorCode::Timeout,
            CheckError::Interrupted => ErrorCode::Interrupted,
            CheckError::Failed { code, .. } => *code,
            CheckError::Plugin(_) => ErrorCode::PluginFailure,
            CheckError::NoSavedEvidence(_) => ErrorCode::NoSavedEvidence,
            CheckError::BadEvidence(_) => ErrorCode::BadEvidence,
            CheckError::Crashed(_) => ErrorCode::Crashed,
        }
    }
}

/// What a kind's collector may use.
#[derive(Debug, Clone)]
pub struct CollectContext {
    pub check_id: String,
    /// The audit file's folder: plug-ins run there.
    pub audit_dir: PathBuf,
    /// The time this check has, spent the one way every kind spends it (`budget`).
    pub budget: Budget,
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
            budget: Budget::starting_now(timeout),
            offline: false,
            evidence_dir,
            probes: Ok(Vec::new()),
        }
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
