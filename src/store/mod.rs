//! History of runs: every audit's report kept with its context, so CI jobs
//! and consultants can compare runs and gate on regressions. One contract
//! ([`RunStore`]); SQLite is the embedded default.

mod postgres;
mod sqlite;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::report::Report;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// The store schema this build writes. A store written by a newer build is refused, not damaged.
pub const SCHEMA_VERSION: i64 = 3;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "store URL `{0}` is not understood; use a file path, sqlite:PATH, or postgres://user@host/db"
    )]
    BadUrl(String),
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
}

/// One stored score: `level` is `overall` (empty `key`), `category` or `check`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreRow {
    pub run_id: i64,
    pub level: String,
    pub key: String,
    pub score: Option<f64>,
}

/// A whole run as `history export` writes it (one JSON line each) and `history import` reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedRun {
    pub context: RunContext,
    pub report: Report,
}

/// Why a `history export` file is not one: where (1-based line, and column) and what;
/// printed after the file's name and a colon.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{line}: unreadable (not UTF-8 text)")]
    Unreadable { line: usize },
    #[error("{line}:{column}: not a run exported by centricity: {message}")]
    NotARun {
        line: usize,
        column: usize,
        message: String,
    },
}

/// Reads what `history export` wrote, every line checked before any is kept (a bad line
/// imports nothing); blank lines are skipped.
pub fn read_export(reader: impl std::io::BufRead) -> Result<Vec<ExportedRun>, ExportError> {
    let mut runs = Vec::new();
    for (index, line) in reader.lines().enumerate() {
        let line = line.map_err(|_| ExportError::Unreadable { line: index + 1 })?;
        if line.trim().is_empty() {
            continue;
        }
        let run = serde_json::from_str(&line).map_err(|e| ExportError::NotARun {
            line: index + 1,
            column: e.column(),
            message: e.to_string(),
        })?;
        runs.push(run);
    }
    Ok(runs)
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

/// A message sent by `centricity probe send`, waiting for replies: what each
/// later audit needs to find them in the mailbox and time them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    pub audit: String,
    pub check_id: String,
    /// The tag in the subject and plus-address that replies may carry.
    pub token: String,
    pub message_id: String,
    pub sent_to: String,
    pub sent_at: chrono::DateTime<chrono::FixedOffset>,
}

impl Probe {
    /// The record of what a check sent to the company while collecting (a form submitted),
    /// under a fresh token: a form's answer is on its page, so nothing comes back to match.
    pub fn submitted(
        audit: &str,
        check_id: &str,
        sent_to: &str,
        sent_at: chrono::DateTime<chrono::FixedOffset>,
    ) -> Self {
        Self {
            audit: audit.to_string(),
            check_id: check_id.to_string(),
            token: new_token(),
            message_id: String::new(),
            sent_to: sent_to.to_string(),
            sent_at,
        }
    }
}

/// A tag no earlier probe has: time, process and the standard library's random hash seed.
pub fn new_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::hash::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.write_u32(std::process::id());
    format!("cx{:012x}", hasher.finish() & 0xffff_ffff_ffff)
}

/// What every backend does.
pub trait RunStore {
    /// Records a run in one transaction: afterwards it is there whole, or not at all.
    fn record(&mut self, report: &Report, context: &RunContext) -> Result<i64, StoreError>;
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
    /// The probes of one check, oldest first.
    fn probes(&mut self, audit: &str, check_id: &str) -> Result<Vec<Probe>, StoreError>;
    /// The newest run of each audit recorded as part of `portfolio`, with the company's sector.
    fn portfolio(&mut self, portfolio: &str) -> Result<Vec<(Option<String>, Report)>, StoreError>;
}

/// Schema 3: runs remember the portfolio and sector they were recorded for.
pub(crate) const PORTFOLIO_COLUMNS: &str = "
    ALTER TABLE runs ADD COLUMN portfolio TEXT;
    ALTER TABLE runs ADD COLUMN sector TEXT;
    CREATE INDEX runs_by_portfolio ON runs (portfolio, id);
";

/// The newest run of each audit of a portfolio (the same SQL for both backends, `?1`/`$1` aside).
pub(crate) const PORTFOLIO_RUNS: &str = "SELECT sector, report FROM runs WHERE id IN \
     (SELECT MAX(id) FROM runs WHERE portfolio = $1 GROUP BY audit) ORDER BY id";

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

/// A time as stored: UTC, so runs from machines in different zones order and compare as text.
fn utc(time: &chrono::DateTime<chrono::FixedOffset>) -> String {
    time.with_timezone(&chrono::Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The score rows a run is stored with: overall (empty key), each category, each check.
fn score_rows(report: &Report) -> impl Iterator<Item = (&'static str, String, Option<f64>)> + '_ {
    std::iter::once(("overall", String::new(), report.score))
        .chain(
            report
                .categories
                .iter()
                .map(|c| ("category", c.id.id().to_string(), c.score)),
        )
        .chain(
            report
                .checks
                .iter()
                .map(|c| ("check", c.id.clone(), c.score)),
        )
}

/// Checks that a store URL is one this build understands, without opening it.
pub fn check_url(url: &str) -> Result<(), StoreError> {
    if is_postgres(url) {
        return url
            .parse::<tokio_postgres::Config>()
            .map(|_| ())
            .map_err(|e| {
                // The parser's message may quote the part it choked on: scrubbed like the URL.
                StoreError::BadUrl(format!("{} ({})", redact(url), scrub(&e.to_string(), url)))
            });
    }
    sqlite_path(url).map(|_| ())
}

/// A PostgreSQL URL, or a libpq key=value string (`host=db user=ci password=…`), which the
/// driver reads too; anything else is a SQLite path.
fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://") || is_key_value(url)
}

/// `host=… dbname=…`: words of `key=value`, the first a libpq key.
fn is_key_value(url: &str) -> bool {
    const KEYS: &[&str] = &[
        "host", "hostaddr", "port", "dbname", "user", "password", "sslmode",
    ];
    url.split_whitespace()
        .next()
        .and_then(|w| w.split_once('='))
        .is_some_and(|(key, _)| KEYS.contains(&key))
}

fn sqlite_path(url: &str) -> Result<&Path, StoreError> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    if path.is_empty() || path.contains("://") {
        return Err(StoreError::BadUrl(redact(url)));
    }
    Ok(Path::new(path))
}

/// Opens the store at `url`: `postgres://…`, or a path or `sqlite:PATH` (SQLite, created if missing).
pub fn open(url: &str) -> Result<Box<dyn RunStore>, StoreError> {
    if is_postgres(url) {
        check_url(url)?;
        return Ok(Box::new(PostgresStore::open(url)?));
    }
    Ok(Box::new(SqliteStore::open(sqlite_path(url)?)?))
}

/// Opens the store at `url` to read it: a SQLite file that does not exist is `Missing`, never
/// created empty by a command that only reads.
pub fn open_existing(url: &str) -> Result<Box<dyn RunStore>, StoreError> {
    if !is_postgres(url) {
        let path = sqlite_path(url)?;
        if !path.exists() {
            return Err(StoreError::Missing(path.display().to_string()));
        }
    }
    open(url)
}

/// A store URL fit to print, however malformed: passwords replaced by `***` —
/// in the user-info, in password-like query parameters, in key=value words.
pub fn redact(url: &str) -> String {
    scrub(url, url)
}

/// `text` with every password that `url` carries replaced by `***`. Read from the
/// text itself, not a parser: a URL too broken to parse still has a password.
pub fn scrub(text: &str, url: &str) -> String {
    let mut out = text.to_string();
    for secret in secrets_of(url) {
        out = out.replace(&secret, "***");
    }
    out
}

fn secrets_of(url: &str) -> Vec<String> {
    let mut secrets = Vec::new();
    // scheme://user:PASSWORD@host — up to the last `@`, as an unencoded `@` may be in it.
    if let Some((_, rest)) = url.split_once("://") {
        let authority_end = rest.rfind('@');
        if let Some((_, password)) = authority_end.and_then(|at| rest[..at].split_once(':')) {
            secrets.push(password.to_string());
        }
    }
    // ?password=… and key=value words; quoted values (libpq's 'it''s') whole.
    for word in url.split(['?', '&', ' ', '\t']) {
        if let Some((key, value)) = word.split_once('=') {
            if key.to_ascii_lowercase().contains("pass") {
                secrets.push(value.trim_matches('\'').to_string());
            }
        }
    }
    secrets.retain(|s| !s.is_empty() && s != "***");
    // Longest first, so a password containing another is replaced whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets
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
    fn an_export_is_read_whole_or_refused_at_its_first_bad_line() {
        let run = include_str!("../../fixtures/history/two-runs.jsonl");
        let runs = read_export(format!("\n{run}\n  \n").as_bytes()).unwrap();
        assert_eq!(runs.len(), 2);
        let first = run.lines().next().unwrap();
        let bad = format!("{first}\n{{\"context\": 1}}\n{first}\n");
        let e = read_export(bad.as_bytes()).unwrap_err().to_string();
        assert!(
            e.starts_with("2:13: not a run exported by centricity"),
            "{e}"
        );
        let e = read_export(&b"\n\xff\n"[..]).unwrap_err().to_string();
        assert_eq!(e, "2: unreadable (not UTF-8 text)");
    }

    #[test]
    fn passwords_are_redacted_however_malformed_the_url() {
        for url in [
            "postgres://u:S3cret!@db.example:5432/runs",
            "postgres://u:S3cret!@db.example:99999/runs",
            "postgres://u:S3cret!@[::1/runs",
            "postgres://u:S3cret!@h1,h2:x/runs",
            "postgres://u:S3cret!@/runs?host=",
            "postgres://u@/runs?password=S3cret!&host=/tmp",
            "postgres://u:S3c@ret!@host/runs",
            "host=db.example password=S3cret! dbname=runs",
            "host=db.example password='S3cret!' dbname=runs",
        ] {
            let shown = redact(url);
            assert!(!shown.contains("S3cret"), "{url} → {shown}");
            let message = format!(
                "{} ({})",
                redact(url),
                check_url(url)
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default()
            );
            assert!(!message.contains("S3cret"), "{url} → {message}");
        }
    }

    #[test]
    fn key_value_strings_are_postgres_not_file_names() {
        assert!(is_postgres("host=localhost user=ci password=x dbname=runs"));
        assert!(!is_postgres("history.db"));
        // A file whose name holds `=` is still a file, not a connection string.
        assert!(!is_postgres("runs/host=1.db"));
        assert!(sqlite_path("runs/host=1.db").is_ok());
    }
}
