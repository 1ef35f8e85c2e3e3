//! History of runs: every audit's report kept with its context, so CI jobs
//! and consultants can compare runs and gate on regressions. One contract
//! ([`RunStore`]); SQLite is the embedded default.

mod dashboard;
mod export;
pub mod history;
mod postgres;
mod sqlite;
mod url;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::report::Report;
use crate::text::{UnknownName, by_name};

// The probe record is the kinds' (they read it back); the store keeps it.
pub use crate::kind::{Probe, new_token};
pub use export::{ExportError, ExportLines, read_export};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
pub use url::{StoreUrl, redact, scrub};

/// The store schema this build writes. A store written by a newer build is refused, not damaged.
pub const SCHEMA_VERSION: i64 = 7;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `shown` is the URL with its passwords masked.
    #[error(
        "store URL `{shown}` is not understood: {why}; use a file path, sqlite:PATH, or postgres://user@host/db"
    )]
    BadUrl { shown: String, why: String },
    #[error(
        "the store at {place} was written by a newer centricity (schema {found}, this build knows {SCHEMA_VERSION}); upgrade centricity"
    )]
    NewerSchema { place: String, found: i64 },
    #[error("no run {0} in the store")]
    NoSuchRun(i64),
    #[error(
        "no history store at {0} yet: a run is recorded beside its audit file (.centricity/history.db); name it with --audit FILE or --store URL"
    )]
    Missing(String),
    #[error("store: {0}")]
    Database(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Database(e.to_string())
    }
}

/// Where a run came from: the commit, branch and CI run, from the usual CI variables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunContext {
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub ci_url: Option<String>,
    /// The portfolio the run was part of (`centricity portfolio --name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portfolio: Option<String>,
    /// The company's sector in that portfolio, for sector percentiles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
}

impl RunContext {
    /// GitHub Actions and GitLab CI variables; nothing when run by hand.
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let github_url = match (
            var("GITHUB_SERVER_URL"),
            var("GITHUB_REPOSITORY"),
            var("GITHUB_RUN_ID"),
        ) {
            (Some(server), Some(repo), Some(run)) => {
                Some(format!("{server}/{repo}/actions/runs/{run}"))
            }
            _ => None,
        };
        Self {
            commit: var("GITHUB_SHA").or_else(|| var("CI_COMMIT_SHA")),
            branch: var("GITHUB_REF_NAME").or_else(|| var("CI_COMMIT_REF_NAME")),
            ci_url: github_url.or_else(|| var("CI_PIPELINE_URL")),
            ..Self::default()
        }
    }
}

/// One stored run, without its full report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub id: i64,
    pub audit: String,
    pub started_at: String,
    pub finished_at: String,
    pub tool_version: String,
    pub score: Option<f64>,
    pub complete: bool,
    #[serde(flatten)]
    pub context: RunContext,
    /// Where the run's action plan stood; absent for a run audited without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<ActionCounts>,
}

/// A run's action plan in four figures, kept beside its score so `history` shows how the plan
/// moved run by run without reading a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionCounts {
    pub total: i64,
    pub done: i64,
    /// Marked done and no longer measured.
    pub confirmed: i64,
    pub overdue: i64,
}

impl ActionCounts {
    /// The figures of the report's action review, when it was read against a plan.
    pub fn of(report: &Report) -> Option<Self> {
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        report.actions.as_ref().map(|review| ActionCounts {
            total: count(review.total),
            done: count(review.done),
            confirmed: count(review.confirmed),
            overdue: count(review.overdue),
        })
    }

    /// The figures as their columns read back: a run without a plan has no row, so none.
    fn from_columns(
        total: Option<i64>,
        done: Option<i64>,
        confirmed: Option<i64>,
        overdue: Option<i64>,
    ) -> Option<Self> {
        Some(ActionCounts {
            total: total?,
            done: done?,
            confirmed: confirmed?,
            overdue: overdue?,
        })
    }
}

/// A run as a dashboard lists it: its figures, stored when it was recorded, without its report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunFigures {
    pub id: i64,
    pub audit: String,
    pub started_at: String,
    pub score: Option<f64>,
    /// Share of the audit that was measured (0–1); `null` in runs recorded without it.
    pub coverage: Option<f64>,
    /// As the report states it (`in transition`), `null` when nothing was scored.
    pub grade: Option<String>,
    pub complete: bool,
    pub portfolio: Option<String>,
    pub sector: Option<String>,
    pub commit: Option<String>,
    pub branch: Option<String>,
}

/// A run's category scores, by category id.
pub type CategoryScores = Vec<(String, Option<f64>)>;

/// One stored score: the overall (empty `key`), a category's or a check's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreRow {
    pub run_id: i64,
    pub level: ScoreLevel,
    pub key: String,
    pub score: Option<f64>,
}

/// What a stored score is the score of: kept as text in the `scores` table's `level` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScoreLevel {
    Overall,
    Category,
    Check,
}

impl ScoreLevel {
    pub const ALL: [ScoreLevel; 3] = [ScoreLevel::Overall, ScoreLevel::Category, ScoreLevel::Check];

    pub fn as_str(self) -> &'static str {
        match self {
            ScoreLevel::Overall => "overall",
            ScoreLevel::Category => "category",
            ScoreLevel::Check => "check",
        }
    }
}

impl std::str::FromStr for ScoreLevel {
    type Err = UnknownName;

    fn from_str(name: &str) -> Result<Self, UnknownName> {
        by_name(&Self::ALL, Self::as_str, "score level", name)
    }
}

/// A whole run as `history export` writes it (one JSON line each) and `history import` reads
/// it: its context (portfolio and sector included) and report, and on the last line of each
/// audit the probes that audit sent (absent in exports of versions that did not move them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedRun {
    pub context: RunContext,
    pub report: Report,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<Probe>,
}

/// Why an import stored nothing: a line of the file, or the store.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Line(#[from] ExportError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> Self {
        ImportError::Store(e.into())
    }
}

/// What an import stored: runs and probes new to the store, and those it already had (a run
/// is the same when its audit, start and report are; a probe when its token is).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Imported {
    pub runs: usize,
    pub runs_known: usize,
    pub probes: usize,
}

/// Schema 2 for both backends: the probes `centricity probe send` started.
const PROBES_TABLE: &str = "
    CREATE TABLE probes (
        token TEXT PRIMARY KEY,
        audit TEXT NOT NULL,
        check_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        sent_to TEXT NOT NULL,
        sent_at TEXT NOT NULL
    );
    CREATE INDEX probes_by_check ON probes (audit, check_id, sent_at);
";

/// What every backend does.
pub trait RunStore {
    /// Records a run in one transaction: afterwards it is there whole, or not at all.
    fn record(&mut self, report: &Report, context: &RunContext) -> Result<i64, StoreError>;
    /// Records exported runs and their probes in one transaction, skipping what the store
    /// already holds, so a retried import adds nothing twice. Runs are read one at a time;
    /// on an error, a bad line or the store's, nothing is stored.
    fn import(
        &mut self,
        runs: &mut dyn Iterator<Item = Result<ExportedRun, ExportError>>,
    ) -> Result<Imported, ImportError>;
    /// Runs, oldest first, of one audit or all.
    fn runs(&mut self, audit: Option<&str>) -> Result<Vec<RunSummary>, StoreError>;
    fn report(&mut self, id: i64) -> Result<Report, StoreError>;
    /// Every stored score (overall, categories, checks) of one audit's runs or all, by run.
    fn scores(&mut self, audit: Option<&str>) -> Result<Vec<ScoreRow>, StoreError>;
    fn context(&mut self, id: i64) -> Result<RunContext, StoreError>;
    /// Deletes runs, keeping the newest `keep` per audit and/or those newer than `older_than` (RFC 3339).
    fn prune(&mut self, keep: Option<usize>, older_than: Option<&str>)
    -> Result<usize, StoreError>;
    fn record_probe(&mut self, probe: &Probe) -> Result<(), StoreError>;
    /// The probes of one check (or, with `None`, of every check of the audit), oldest first.
    fn probes(&mut self, audit: &str, check_id: Option<&str>) -> Result<Vec<Probe>, StoreError>;
    /// The newest run of each audit recorded as part of `portfolio`, with the company's sector.
    fn portfolio(&mut self, portfolio: &str) -> Result<Vec<(Option<String>, Report)>, StoreError>;
    /// The newest `per_audit` runs (at least one) of every audit, by audit then oldest first:
    /// one indexed query, however many runs the store holds.
    fn recent(&mut self, per_audit: i64) -> Result<Vec<RunFigures>, StoreError>;
    /// Answers when the store can be read (a health check).
    fn ping(&mut self) -> Result<(), StoreError>;
    /// Every run of `audit`, oldest first.
    fn audit_runs(&mut self, audit: &str) -> Result<Vec<RunFigures>, StoreError>;
    /// The newest run of each audit of `portfolio`, with its category scores, oldest first.
    fn board(&mut self, portfolio: &str) -> Result<Vec<(RunFigures, CategoryScores)>, StoreError>;
    /// The portfolio's mean overall score per day it was run, with how many companies scored.
    fn portfolio_trend(&mut self, portfolio: &str) -> Result<Vec<(String, f64, i64)>, StoreError>;
    /// The newest run of each audit within each portfolio, by portfolio then oldest first: the
    /// companies a portfolio's page shows, for every portfolio at once.
    fn portfolio_members(&mut self) -> Result<Vec<RunFigures>, StoreError>;
}

/// Schema 3: runs remember the portfolio and sector they were recorded for.
pub(crate) const PORTFOLIO_COLUMNS: &str = "
    ALTER TABLE runs ADD COLUMN portfolio TEXT;
    ALTER TABLE runs ADD COLUMN sector TEXT;
    CREATE INDEX runs_by_portfolio ON runs (portfolio, id);
";

/// Schema 4: runs found by audit and start, so an import asks whether it has a run in one
/// lookup, not a scan of the audit's runs.
pub(crate) const RUNS_BY_START: &str = "CREATE INDEX runs_by_start ON runs (audit, started_at);";

/// Schema 5: each run's coverage and grade beside its score, so a dashboard lists runs without
/// reading their reports (SQLite; PostgreSQL reads the JSON its own way), and the indexes that
/// answer its lists from the index alone: a SQLite row keeps the columns added after `report`
/// behind the report's overflow pages, so reading them from the table reads every report.
pub(crate) const RUN_FIGURES_SQLITE: &str = "
    ALTER TABLE runs ADD COLUMN coverage REAL;
    ALTER TABLE runs ADD COLUMN grade TEXT;
    UPDATE runs SET coverage = json_extract(report, '$.coverage'), grade = json_extract(report, '$.grade');
    CREATE INDEX runs_figures ON runs (audit, id, started_at, score, coverage, grade, complete, portfolio, sector, commit_sha, branch);
    CREATE INDEX runs_by_portfolio_audit ON runs (portfolio, audit, id);
";
pub(crate) const RUN_FIGURES_POSTGRES: &str = "
    ALTER TABLE runs ADD COLUMN coverage DOUBLE PRECISION;
    ALTER TABLE runs ADD COLUMN grade TEXT;
    UPDATE runs SET coverage = (report::jsonb ->> 'coverage')::DOUBLE PRECISION, grade = report::jsonb ->> 'grade';
    CREATE INDEX runs_figures ON runs (audit, id, started_at, score, coverage, grade, complete, portfolio, sector, commit_sha, branch);
    CREATE INDEX runs_by_portfolio_audit ON runs (portfolio, audit, id);
";

/// Schema 7 for both backends: each run's action figures, in a table of their own (a run
/// without a plan has no row), filled from the reports already stored by the backend's
/// `ACTION_FILL`. Its own table keeps `runs` lists reading no report: SQLite keeps columns added
/// after `report` behind the report's overflow pages.
macro_rules! action_counts {
    ($fill:literal) => {
        concat!(
            "
    CREATE TABLE run_actions (
        run_id BIGINT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        total BIGINT NOT NULL,
        done BIGINT NOT NULL,
        confirmed BIGINT NOT NULL,
        overdue BIGINT NOT NULL
    );
",
            $fill
        )
    };
}
pub(crate) const ACTION_COUNTS_SQLITE: &str = action_counts!(
    "
    INSERT INTO run_actions (run_id, total, done, confirmed, overdue)
        SELECT id, json_extract(report, '$.actions.total'), json_extract(report, '$.actions.done'),
            json_extract(report, '$.actions.confirmed'), json_extract(report, '$.actions.overdue')
        FROM runs WHERE json_type(report, '$.actions') = 'object';
"
);
pub(crate) const ACTION_COUNTS_POSTGRES: &str = action_counts!(
    "
    INSERT INTO run_actions (run_id, total, done, confirmed, overdue)
        SELECT id, (a ->> 'total')::BIGINT, (a ->> 'done')::BIGINT, (a ->> 'confirmed')::BIGINT,
            (a ->> 'overdue')::BIGINT
        FROM (SELECT id, report::jsonb -> 'actions' AS a FROM runs) AS reviewed
        WHERE jsonb_typeof(a) = 'object';
"
);

/// A run's action figures as recorded (both backends; SQLite reads `$1` as its first parameter).
pub(crate) const INSERT_ACTION_COUNTS: &str =
    "INSERT INTO run_actions (run_id, total, done, confirmed, overdue) VALUES ($1, $2, $3, $4, $5)";

/// The run list's query (both backends; SQLite reads `$1` as its first parameter): one audit's
/// runs through its index (`$1 IS NULL OR audit = $1` would scan them all, one plan serving
/// both), each with its action figures when it has them.
macro_rules! runs_query {
    ($filter:literal) => {
        concat!(
            "SELECT r.id, r.audit, r.started_at, r.finished_at, r.tool_version, r.score, r.complete,
                r.commit_sha, r.branch, r.ci_url, a.total, a.done, a.confirmed, a.overdue
             FROM runs r LEFT JOIN run_actions a ON a.run_id = r.id WHERE ",
            $filter,
            " ORDER BY r.id"
        )
    };
}
pub(crate) const AUDIT_RUNS_LIST: &str = runs_query!("r.audit = $1");
pub(crate) const ALL_RUNS_LIST: &str = runs_query!("CAST($1 AS TEXT) IS NULL");

/// A probe as its columns read back: the send time was stored by [`utc`].
fn probe_from_row(
    audit: String,
    check_id: String,
    token: String,
    message_id: String,
    sent_to: String,
    sent_at: &str,
) -> Result<Probe, StoreError> {
    let sent_at = chrono::DateTime::parse_from_rfc3339(sent_at).map_err(|e| {
        StoreError::Database(format!("probe {token} has an unreadable send time: {e}"))
    })?;
    Ok(Probe {
        audit,
        check_id,
        token,
        message_id,
        sent_to,
        sent_at,
    })
}

/// A score as its columns read back: a level this build does not know is the store's error.
fn score_from_row(
    run_id: i64,
    level: &str,
    key: String,
    score: Option<f64>,
) -> Result<ScoreRow, StoreError> {
    let level = level
        .parse()
        .map_err(|e| StoreError::Database(format!("a score of run {run_id}: {e}")))?;
    Ok(ScoreRow {
        run_id,
        level,
        key,
        score,
    })
}

/// A report as the store keeps it: its JSON, the same text an import compares.
fn report_json(report: &Report) -> Result<String, StoreError> {
    serde_json::to_string(report).map_err(|e| StoreError::Database(e.to_string()))
}

/// A time as stored: UTC, so runs from machines in different zones order and compare as text.
fn utc(time: &chrono::DateTime<chrono::FixedOffset>) -> String {
    time.with_timezone(&chrono::Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The score rows a run is stored with: overall (empty key), each category, each check.
fn score_rows(report: &Report) -> impl Iterator<Item = (ScoreLevel, String, Option<f64>)> + '_ {
    std::iter::once((ScoreLevel::Overall, String::new(), report.score))
        .chain(
            report
                .categories
                .iter()
                .map(|c| (ScoreLevel::Category, c.id.id().to_string(), c.score)),
        )
        .chain(
            report
                .checks
                .iter()
                .map(|c| (ScoreLevel::Check, c.id.clone(), c.score)),
        )
}

/// Checks that a store URL is one this build understands, without opening it.
pub fn check_url(url: &str) -> Result<(), StoreError> {
    StoreUrl::parse(url).map(|_| ())
}

/// Opens the store at `url`: `postgres://…`, or a path or `sqlite:PATH` (SQLite, created if missing).
pub fn open(url: &str) -> Result<Box<dyn RunStore>, StoreError> {
    Ok(match StoreUrl::parse(url)? {
        StoreUrl::Postgres(conninfo) => Box::new(PostgresStore::open(&conninfo)?),
        StoreUrl::Sqlite(path) => Box::new(SqliteStore::open(&path)?),
    })
}

/// Opens the store at `url` to change what it holds (prune): a SQLite file that does not
/// exist is `Missing`, never created empty.
pub fn open_existing(url: &str) -> Result<Box<dyn RunStore>, StoreError> {
    if let StoreUrl::Sqlite(path) = StoreUrl::parse(url)?
        && !path.exists()
    {
        return Err(StoreError::Missing(path.display().to_string()));
    }
    open(url)
}

/// Opens the store at `url` only to read it: a SQLite file read-only (so a store the user
/// may only read, or one a running audit is writing, reads at once), never created.
/// PostgreSQL in read-only transactions once it is up to date, so a reader can change nothing.
pub fn open_to_read(url: &str) -> Result<Box<dyn RunStore + Send>, StoreError> {
    match StoreUrl::parse(url)? {
        StoreUrl::Sqlite(path) if !path.exists() => {
            Err(StoreError::Missing(path.display().to_string()))
        }
        StoreUrl::Sqlite(path) => Ok(Box::new(SqliteStore::open_to_read(&path)?)),
        StoreUrl::Postgres(conninfo) => Ok(Box::new(PostgresStore::open_to_read(&conninfo)?)),
    }
}

/// The default store: `.centricity/history.db` beside the audit file.
pub fn default_url(audit_dir: &Path) -> String {
    audit_dir
        .join(".centricity")
        .join("history.db")
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_score_level_reads_back_from_its_column_text() {
        for level in ScoreLevel::ALL {
            assert_eq!(level.as_str().parse(), Ok(level));
            assert_eq!(serde_json::to_value(level).unwrap(), level.as_str());
        }
        let unknown = score_from_row(7, "channel", String::new(), None).unwrap_err();
        assert_eq!(
            unknown.to_string(),
            "store: a score of run 7: unknown score level `channel`"
        );
    }
}
