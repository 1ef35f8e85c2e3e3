//! The SQLite store: one file, WAL so readers never block the writer, a busy
//! timeout so concurrent audits wait their turn, versioned migrations.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::{
    ActionCounts, ExportError, ExportedRun, ImportError, Imported, Probe, RunContext, RunFigures,
    RunStore, RunSummary, SCHEMA_VERSION, ScoreRow, StoreError, probe_from_row, report_json,
    score_from_row, score_rows, utc,
};
use crate::report::Report;

/// Each migration takes the schema from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[
    "
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        audit TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        commit_sha TEXT,
        branch TEXT,
        ci_url TEXT,
        score REAL,
        complete INTEGER NOT NULL,
        report TEXT NOT NULL
    );
    CREATE INDEX runs_by_audit ON runs (audit, id);
    CREATE TABLE scores (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        level TEXT NOT NULL,
        key TEXT NOT NULL,
        score REAL,
        PRIMARY KEY (run_id, level, key)
    );
",
    super::PROBES_TABLE,
    super::PORTFOLIO_COLUMNS,
    super::RUNS_BY_START,
    super::RUN_FIGURES_SQLITE,
    super::dashboard::SUMMARY_TABLES_SQLITE,
    super::ACTION_COUNTS_SQLITE,
];

/// How much of a store a reader maps into memory (address space, not memory used).
const READER_MAP: i64 = 1 << 30;

/// How long a store waits for another process's lock before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// Puts a new store in WAL mode, waiting for the other processes opening it at the same time.
/// The switch upgrades a read lock to a write lock, which SQLite never waits for (waiting could
/// deadlock two upgraders): it answers "database is locked" at once, busy timeout or not, so
/// the wait is here. Once the file is in WAL mode the switch writes nothing and cannot be busy.
fn switch_to_wal(conn: &Connection) -> Result<(), rusqlite::Error> {
    let until = std::time::Instant::now() + LOCK_WAIT;
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < until =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            done => return done,
        }
    }
}

pub struct SqliteStore {
    conn: Connection,
    place: String,
}

impl SqliteStore {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Database(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let conn = Connection::open(path)?;
        // Concurrent audits (CI matrix jobs) write to one file: wait for the lock instead of failing.
        conn.busy_timeout(LOCK_WAIT)?;
        switch_to_wal(&conn)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Self {
            conn,
            place: path.display().to_string(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// The store, read-only: no migration, no lock taken. A store of an older schema is
    /// brought up to date first, which needs it writable once.
    pub fn open_to_read(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        conn.busy_timeout(LOCK_WAIT)?;
        let versioned: bool = conn.query_row(
            "SELECT COUNT(*) > 0 FROM sqlite_master WHERE name = 'schema_version'",
            [],
            |r| r.get(0),
        )?;
        let version: i64 = if versioned {
            conn.query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_version",
                [],
                |r| r.get(0),
            )?
        } else {
            0
        };
        let place = path.display().to_string();
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                place,
                found: version,
            });
        }
        if version < SCHEMA_VERSION {
            // Migrated once with a writable connection, then read as any reader reads.
            drop(conn);
            drop(Self::open(path)?);
            return Self::open_to_read(path);
        }
        // A reader (the dashboard) reads the same index pages request after request: mapped,
        // they are read in place instead of copied through a 2 MB page cache each time.
        conn.pragma_update(None, "mmap_size", READER_MAP)?;
        Ok(Self { conn, place })
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
        let version: i64 = tx.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_version",
            [],
            |r| r.get(0),
        )?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                place: self.place.clone(),
                found: version,
            });
        }
        for (from, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .skip(usize::try_from(version).unwrap_or(0))
        {
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_version (version) VALUES (?1)",
                [i64::try_from(from).unwrap_or(0) + 1],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

impl RunStore for SqliteStore {
    fn record(&mut self, report: &Report, context: &RunContext) -> Result<i64, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let id = insert_run(&tx, report, context)?;
        tx.commit()?;
        Ok(id)
    }

    fn import(
        &mut self,
        runs: &mut dyn Iterator<Item = Result<ExportedRun, ExportError>>,
    ) -> Result<Imported, ImportError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut imported = Imported::default();
        for run in runs {
            let run = run?;
            let json = report_json(&run.report)?;
            let known = tx
                .query_row(
                    "SELECT 1 FROM runs WHERE audit = ?1 AND started_at = ?2 AND report = ?3",
                    params![
                        run.report.audit_key(),
                        utc(&run.report.audit.started_at),
                        json
                    ],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if known {
                imported.runs_known += 1;
            } else {
                insert_run(&tx, &run.report, &run.context)?;
                imported.runs += 1;
            }
            for probe in &run.probes {
                imported.probes += insert_probe(&tx, probe)?;
            }
        }
        tx.commit()?;
        Ok(imported)
    }

    fn runs(&mut self, audit: Option<&str>) -> Result<Vec<RunSummary>, StoreError> {
        let mut query = self.conn.prepare_cached(if audit.is_some() {
            super::AUDIT_RUNS_LIST
        } else {
            super::ALL_RUNS_LIST
        })?;
        let rows = query.query_map([audit], |r| {
            Ok(RunSummary {
                id: r.get(0)?,
                audit: r.get(1)?,
                started_at: r.get(2)?,
                finished_at: r.get(3)?,
                tool_version: r.get(4)?,
                score: r.get(5)?,
                complete: r.get(6)?,
                context: RunContext {
                    commit: r.get(7)?,
                    branch: r.get(8)?,
                    ci_url: r.get(9)?,
                    ..RunContext::default()
                },
                actions: ActionCounts::from_columns(r.get(10)?, r.get(11)?, r.get(12)?, r.get(13)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn report(&mut self, id: i64) -> Result<Report, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT report FROM runs WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        let json = json.ok_or(StoreError::NoSuchRun(id))?;
        serde_json::from_str(&json)
            .map_err(|e| StoreError::Database(format!("run {id} has an unreadable report: {e}")))
    }

    fn scores(&mut self, audit: Option<&str>) -> Result<Vec<ScoreRow>, StoreError> {
        let mut query = self.conn.prepare_cached(if audit.is_some() {
            "SELECT run_id, level, key, score FROM scores
             WHERE run_id IN (SELECT id FROM runs WHERE audit = ?1) ORDER BY rowid"
        } else {
            "SELECT run_id, level, key, score FROM scores WHERE ?1 IS NULL ORDER BY rowid"
        })?;
        let rows = query.query_map([audit], |r| {
            Ok((r.get(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?))
        })?;
        rows.map(|row| {
            let (run_id, level, key, score) = row?;
            score_from_row(run_id, &level, key, score)
        })
        .collect()
    }

    fn context(&mut self, id: i64) -> Result<RunContext, StoreError> {
        self.conn
            .query_row(
                "SELECT commit_sha, branch, ci_url, portfolio, sector FROM runs WHERE id = ?1",
                [id],
                |r| {
                    Ok(RunContext {
                        commit: r.get(0)?,
                        branch: r.get(1)?,
                        ci_url: r.get(2)?,
                        portfolio: r.get(3)?,
                        sector: r.get(4)?,
                    })
                },
            )
            .optional()?
            .ok_or(StoreError::NoSuchRun(id))
    }

    fn prune(
        &mut self,
        keep: Option<usize>,
        older_than: Option<&str>,
    ) -> Result<usize, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut deleted = 0;
        if let Some(keep) = keep {
            deleted += tx.execute(
                "DELETE FROM runs WHERE id IN (
                   SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY audit ORDER BY id DESC) AS newest FROM runs)
                   WHERE newest > ?1)",
                [i64::try_from(keep).unwrap_or(i64::MAX)],
            )?;
        }
        if let Some(cutoff) = older_than {
            deleted += tx.execute("DELETE FROM runs WHERE started_at < ?1", [cutoff])?;
        }
        tx.commit()?;
        Ok(deleted)
    }

    fn record_probe(&mut self, probe: &Probe) -> Result<(), StoreError> {
        insert_probe(&self.conn, probe).map(|_| ())
    }

    fn probes(&mut self, audit: &str, check_id: Option<&str>) -> Result<Vec<Probe>, StoreError> {
        let mut query = self.conn.prepare(
            "SELECT audit, check_id, token, message_id, sent_to, sent_at FROM probes
             WHERE audit = ?1 AND (?2 IS NULL OR check_id = ?2) ORDER BY sent_at, token",
        )?;
        let rows = query.query_map(params![audit, check_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (audit, check_id, token, message_id, sent_to, sent_at) = row?;
            probe_from_row(audit, check_id, token, message_id, sent_to, &sent_at)
        })
        .collect()
    }

    fn portfolio(&mut self, portfolio: &str) -> Result<Vec<(Option<String>, Report)>, StoreError> {
        let mut query = self.conn.prepare_cached(super::dashboard::PORTFOLIO_RUNS)?;
        let rows = query.query_map([portfolio], |r| {
            Ok((r.get::<_, Option<String>>(0)?, r.get::<_, String>(1)?))
        })?;
        rows.map(|row| {
            let (sector, json) = row?;
            let report = serde_json::from_str(&json).map_err(|e| {
                StoreError::Database(format!("a run has an unreadable report: {e}"))
            })?;
            Ok((sector, report))
        })
        .collect()
    }

    fn recent(&mut self, per_audit: i64) -> Result<Vec<RunFigures>, StoreError> {
        let mut query = self.conn.prepare_cached(super::dashboard::RECENT_RUNS)?;
        let before = super::dashboard::runs_before_newest(per_audit);
        let rows = query.query_map([before], figures)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn ping(&mut self) -> Result<(), StoreError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM schema_version", [], |r| {
                r.get::<_, i64>(0)
            })?;
        Ok(())
    }

    fn audit_runs(&mut self, audit: &str) -> Result<Vec<RunFigures>, StoreError> {
        let mut query = self.conn.prepare_cached(super::dashboard::AUDIT_RUNS)?;
        let rows = query.query_map([audit], figures)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn board(
        &mut self,
        portfolio: &str,
    ) -> Result<Vec<(RunFigures, super::CategoryScores)>, StoreError> {
        let mut query = self.conn.prepare_cached(super::dashboard::BOARD_RUNS)?;
        let rows = query
            .query_map([portfolio], |r| Ok((figures(r)?, r.get(11)?, r.get(12)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(super::dashboard::fold_board(rows.into_iter()))
    }

    fn portfolio_trend(&mut self, portfolio: &str) -> Result<Vec<(String, f64, i64)>, StoreError> {
        let mut query = self
            .conn
            .prepare_cached(super::dashboard::PORTFOLIO_TREND)?;
        let rows = query.query_map([portfolio], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn portfolio_members(&mut self) -> Result<Vec<RunFigures>, StoreError> {
        let mut query = self
            .conn
            .prepare_cached(super::dashboard::PORTFOLIO_MEMBERS)?;
        let rows = query.query_map([], figures)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// One run and its score rows, inside the caller's transaction.
fn insert_run(conn: &Connection, report: &Report, context: &RunContext) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO runs (audit, started_at, finished_at, tool_version, commit_sha, branch, ci_url, score, complete, report, portfolio, sector, coverage, grade)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            report.audit_key(),
            utc(&report.audit.started_at),
            utc(&report.audit.finished_at),
            report.tool.version,
            context.commit,
            context.branch,
            context.ci_url,
            report.score,
            report.complete,
            report_json(report)?,
            context.portfolio,
            context.sector,
            report.coverage,
            report.grade.map(|g| g.as_str())
        ],
    )?;
    let id = conn.last_insert_rowid();
    let mut insert =
        conn.prepare("INSERT INTO scores (run_id, level, key, score) VALUES (?1, ?2, ?3, ?4)")?;
    for (level, key, score) in score_rows(report) {
        insert.execute(params![id, level.as_str(), key, score])?;
    }
    if let Some(a) = ActionCounts::of(report) {
        conn.execute(
            super::INSERT_ACTION_COUNTS,
            params![id, a.total, a.done, a.confirmed, a.overdue],
        )?;
    }
    Ok(id)
}

/// A probe, unless the store has its token already: how many were added (0 or 1).
fn insert_probe(conn: &Connection, probe: &Probe) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "INSERT INTO probes (token, audit, check_id, message_id, sent_to, sent_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (token) DO NOTHING",
        params![
            probe.token,
            probe.audit,
            probe.check_id,
            probe.message_id,
            probe.sent_to,
            utc(&probe.sent_at)
        ],
    )?)
}

/// A [`RunFigures`] from the first columns of a row, in its fields' order.
fn figures(r: &rusqlite::Row<'_>) -> rusqlite::Result<RunFigures> {
    Ok(RunFigures {
        id: r.get(0)?,
        audit: r.get(1)?,
        started_at: r.get(2)?,
        score: r.get(3)?,
        coverage: r.get(4)?,
        grade: r.get(5)?,
        complete: r.get(6)?,
        portfolio: r.get(7)?,
        sector: r.get(8)?,
        commit: r.get(9)?,
        branch: r.get(10)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Eight audits opening a new store at once: while one writes to the file (switching it to
    /// WAL, migrating), the others' switch to WAL is refused at once by SQLite, whatever the busy
    /// timeout; the open waits for the writer instead (4 in 400 runs were lost under load).
    #[test]
    fn opening_a_new_store_waits_for_another_process_writing_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        let reader = Connection::open(&path).unwrap();
        reader
            .execute_batch("CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1);")
            .unwrap();
        let opening = {
            let path = path.clone();
            std::thread::spawn(move || SqliteStore::open(&path).map(|_| ()))
        };
        std::thread::sleep(Duration::from_millis(300));
        reader.execute_batch("COMMIT;").unwrap();
        opening
            .join()
            .unwrap()
            .expect("the open waited for the reader");
        drop(reader);
        let mode: String = Connection::open(&path)
            .unwrap()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
}
