//! The PostgreSQL store: the same schema and behaviour as SQLite, for many CI
//! jobs writing to one place. Migrations take an advisory lock, so concurrent
//! first runs do not race.

use tokio_postgres::{Client, GenericClient, NoTls, Transaction};

use super::{
    ActionCounts, ExportError, ExportedRun, ImportError, Imported, Probe, RunContext, RunFigures,
    RunStore, RunSummary, SCHEMA_VERSION, ScoreRow, StoreError, probe_from_row, redact,
    report_json, score_from_row, score_rows, utc,
};
use crate::report::Report;

/// Each migration takes the schema from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[
    "
    CREATE TABLE runs (
        id BIGSERIAL PRIMARY KEY,
        audit TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        commit_sha TEXT,
        branch TEXT,
        ci_url TEXT,
        score DOUBLE PRECISION,
        complete BOOLEAN NOT NULL,
        report TEXT NOT NULL
    );
    CREATE INDEX runs_by_audit ON runs (audit, id);
    CREATE TABLE scores (
        seq BIGSERIAL,
        run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        level TEXT NOT NULL,
        key TEXT NOT NULL,
        score DOUBLE PRECISION,
        PRIMARY KEY (run_id, level, key)
    );
",
    super::PROBES_TABLE,
    super::PORTFOLIO_COLUMNS,
    super::RUNS_BY_START,
    super::RUN_FIGURES_POSTGRES,
    super::dashboard::SUMMARY_TABLES_POSTGRES,
    super::ACTION_COUNTS_POSTGRES,
];

/// Any number: the lock only has to be the same for every centricity.
const MIGRATION_LOCK: i64 = 0x0063_656e_7472_6963;

pub struct PostgresStore {
    runtime: tokio::runtime::Runtime,
    client: Client,
    place: String,
}

fn db(e: &tokio_postgres::Error) -> StoreError {
    // The driver's message, with the cause (e.g. "password authentication failed") but never the URL.
    let mut message = e.to_string();
    if let Some(cause) = std::error::Error::source(e) {
        message = format!("{message}: {cause}");
    }
    StoreError::Database(message)
}

impl PostgresStore {
    /// The store, its session's transactions read-only. A store of the current schema is only
    /// read (a user with `SELECT` alone opens it); an older one is brought up to date first,
    /// which needs a user that may.
    pub fn open_to_read(url: &str) -> Result<Self, StoreError> {
        let mut store = Self::connect(url)?;
        let current = store
            .runtime
            .block_on(
                store
                    .client
                    .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[]),
            )
            .is_ok_and(|row| row.get::<_, i64>(0) == SCHEMA_VERSION);
        if !current {
            store.migrate()?;
        }
        store
            .runtime
            .block_on(
                store
                    .client
                    .batch_execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"),
            )
            .map_err(|e| db(&e))?;
        Ok(store)
    }

    /// The store, brought up to date.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let mut store = Self::connect(url)?;
        store.migrate()?;
        Ok(store)
    }

    fn connect(url: &str) -> Result<Self, StoreError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StoreError::Database(e.to_string()))?;
        let place = redact(url);
        let (client, connection) = runtime
            .block_on(async {
                tokio::time::timeout(
                    std::time::Duration::from_secs(10),
                    tokio_postgres::connect(url, NoTls),
                )
                .await
            })
            .map_err(|_| StoreError::Database(format!("{place}: no answer within 10 s")))?
            .map_err(|e| match db(&e) {
                StoreError::Database(m) => {
                    StoreError::Database(format!("{place}: {}", super::scrub(&m, url)))
                }
                other => other,
            })?;
        runtime.spawn(connection);
        Ok(Self {
            runtime,
            client,
            place,
        })
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let place = self.place.clone();
        self.runtime.block_on(async {
            let tx = self.client.transaction().await.map_err(|e| db(&e))?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
                .await
                .map_err(|e| db(&e))?;
            tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
                .await
                .map_err(|e| db(&e))?;
            let version: i64 = tx
                .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])
                .await
                .map_err(|e| db(&e))?
                .get(0);
            if version > SCHEMA_VERSION {
                return Err(StoreError::NewerSchema {
                    place,
                    found: version,
                });
            }
            for (from, sql) in MIGRATIONS
                .iter()
                .enumerate()
                .skip(usize::try_from(version).unwrap_or(0))
            {
                tx.batch_execute(sql).await.map_err(|e| db(&e))?;
                let next = i64::try_from(from).unwrap_or(0) + 1;
                tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&next])
                    .await
                    .map_err(|e| db(&e))?;
            }
            tx.commit().await.map_err(|e| db(&e))
        })
    }
}

impl RunStore for PostgresStore {
    fn record(&mut self, report: &Report, context: &RunContext) -> Result<i64, StoreError> {
        self.runtime.block_on(async {
            let tx = self.client.transaction().await.map_err(|e| db(&e))?;
            let id = insert_run(&tx, report, context).await?;
            tx.commit().await.map_err(|e| db(&e))?;
            Ok(id)
        })
    }

    fn import(
        &mut self,
        runs: &mut dyn Iterator<Item = Result<ExportedRun, ExportError>>,
    ) -> Result<Imported, ImportError> {
        self.runtime.block_on(async {
            let tx = self.client.transaction().await.map_err(|e| db(&e))?;
            let mut imported = Imported::default();
            for run in runs {
                let run = run?;
                let json = report_json(&run.report)?;
                let known = tx
                    .query_opt(
                        "SELECT 1 FROM runs WHERE audit = $1 AND started_at = $2 AND report = $3",
                        &[
                            &run.report.audit_key(),
                            &utc(&run.report.audit.started_at),
                            &json,
                        ],
                    )
                    .await
                    .map_err(|e| db(&e))?
                    .is_some();
                if known {
                    imported.runs_known += 1;
                } else {
                    insert_run(&tx, &run.report, &run.context).await?;
                    imported.runs += 1;
                }
                for probe in &run.probes {
                    imported.probes += insert_probe(&tx, probe).await?;
                }
            }
            tx.commit().await.map_err(|e| db(&e))?;
            Ok(imported)
        })
    }

    fn runs(&mut self, audit: Option<&str>) -> Result<Vec<RunSummary>, StoreError> {
        self.runtime.block_on(async {
            let rows = self
                .client
                .query(
                    if audit.is_some() {
                        super::AUDIT_RUNS_LIST
                    } else {
                        super::ALL_RUNS_LIST
                    },
                    &[&audit],
                )
                .await
                .map_err(|e| db(&e))?;
            Ok(rows
                .iter()
                .map(|r| RunSummary {
                    id: r.get(0),
                    audit: r.get(1),
                    started_at: r.get(2),
                    finished_at: r.get(3),
                    tool_version: r.get(4),
                    score: r.get(5),
                    complete: r.get(6),
                    context: RunContext {
                        commit: r.get(7),
                        branch: r.get(8),
                        ci_url: r.get(9),
                        ..RunContext::default()
                    },
                    actions: ActionCounts::from_columns(r.get(10), r.get(11), r.get(12), r.get(13)),
                })
                .collect())
        })
    }

    fn report(&mut self, id: i64) -> Result<Report, StoreError> {
        self.runtime.block_on(async {
            let row = self
                .client
                .query_opt("SELECT report FROM runs WHERE id = $1", &[&id])
                .await
                .map_err(|e| db(&e))?;
            let json: String = row.ok_or(StoreError::NoSuchRun(id))?.get(0);
            serde_json::from_str(&json).map_err(|e| {
                StoreError::Database(format!("run {id} has an unreadable report: {e}"))
            })
        })
    }

    fn scores(&mut self, audit: Option<&str>) -> Result<Vec<ScoreRow>, StoreError> {
        self.runtime.block_on(async {
            let rows = self
                .client
                .query(
                    if audit.is_some() {
                        "SELECT run_id, level, key, score FROM scores
                         WHERE run_id IN (SELECT id FROM runs WHERE audit = $1) ORDER BY seq"
                    } else {
                        "SELECT run_id, level, key, score FROM scores WHERE $1::TEXT IS NULL ORDER BY seq"
                    },
                    &[&audit],
                )
                .await
                .map_err(|e| db(&e))?;
            rows.iter()
                .map(|r| score_from_row(r.get(0), r.get::<_, &str>(1), r.get(2), r.get(3)))
                .collect()
        })
    }

    fn context(&mut self, id: i64) -> Result<RunContext, StoreError> {
        self.runtime.block_on(async {
            let row = self
                .client
                .query_opt(
                    "SELECT commit_sha, branch, ci_url, portfolio, sector FROM runs WHERE id = $1",
                    &[&id],
                )
                .await
                .map_err(|e| db(&e))?
                .ok_or(StoreError::NoSuchRun(id))?;
            Ok(RunContext {
                commit: row.get(0),
                branch: row.get(1),
                ci_url: row.get(2),
                portfolio: row.get(3),
                sector: row.get(4),
            })
        })
    }

    fn prune(
        &mut self,
        keep: Option<usize>,
        older_than: Option<&str>,
    ) -> Result<usize, StoreError> {
        self.runtime.block_on(async {
            let tx = self.client.transaction().await.map_err(|e| db(&e))?;
            let mut deleted = 0;
            if let Some(keep) = keep {
                let keep = i64::try_from(keep).unwrap_or(i64::MAX);
                deleted += tx
                    .execute(
                        "DELETE FROM runs WHERE id IN (
                           SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY audit ORDER BY id DESC) AS newest FROM runs) ranked
                           WHERE newest > $1)",
                        &[&keep],
                    )
                    .await
                    .map_err(|e| db(&e))?;
            }
            if let Some(cutoff) = older_than {
                deleted += tx.execute("DELETE FROM runs WHERE started_at < $1", &[&cutoff]).await.map_err(|e| db(&e))?;
            }
            tx.commit().await.map_err(|e| db(&e))?;
            Ok(usize::try_from(deleted).unwrap_or(usize::MAX))
        })
    }

    fn record_probe(&mut self, probe: &Probe) -> Result<(), StoreError> {
        self.runtime
            .block_on(insert_probe(&self.client, probe))
            .map(|_| ())
    }

    fn probes(&mut self, audit: &str, check_id: Option<&str>) -> Result<Vec<Probe>, StoreError> {
        self.runtime.block_on(async {
            let rows = self
                .client
                .query(
                    "SELECT audit, check_id, token, message_id, sent_to, sent_at FROM probes
                     WHERE audit = $1 AND ($2::TEXT IS NULL OR check_id = $2) ORDER BY sent_at, token",
                    &[&audit, &check_id],
                )
                .await
                .map_err(|e| db(&e))?;
            rows.iter()
                .map(|r| {
                    probe_from_row(
                        r.get(0),
                        r.get(1),
                        r.get(2),
                        r.get(3),
                        r.get(4),
                        r.get::<_, &str>(5),
                    )
                })
                .collect()
        })
    }

    fn portfolio(&mut self, portfolio: &str) -> Result<Vec<(Option<String>, Report)>, StoreError> {
        self.runtime.block_on(async {
            let rows = self
                .client
                .query(super::dashboard::PORTFOLIO_RUNS, &[&portfolio])
                .await
                .map_err(|e| db(&e))?;
            rows.iter()
                .map(|row| {
                    let json: String = row.get(1);
                    let report = serde_json::from_str(&json).map_err(|e| {
                        StoreError::Database(format!("a run has an unreadable report: {e}"))
                    })?;
                    Ok((row.get(0), report))
                })
                .collect()
        })
    }

    fn recent(&mut self, per_audit: i64) -> Result<Vec<RunFigures>, StoreError> {
        self.runtime.block_on(async {
            let rows = self
                .client
                .query(
                    super::dashboard::RECENT_RUNS,
                    &[&super::dashboard::runs_before_newest(per_audit)],
                )
                .await
                .map_err(|e| db(&e))?;
            Ok(rows.iter().map(figures).collect())
        })
    }

    fn ping(&mut self) -> Result<(), StoreError> {
        self.runtime.block_on(async {
            self.client
                .query_one("SELECT COUNT(*) FROM schema_version", &[])
                .await
                .map_err(|e| db(&e))?;
            Ok(())
        })
    }

    fn audit_runs(&mut self, audit: &str) -> Result<Vec<RunFigures>, StoreError> {
        self.runtime.block_on(async {
            let rows = self
                .client
                .query(super::dashboard::AUDIT_RUNS, &[&audit])
                .await
                .map_err(|e| db(&e))?;
            Ok(rows.iter().map(figures).collect())
        })
    }

    fn board(
        &mut self,
        portfolio: &str,
    ) -> Result<Vec<(RunFigures, super::CategoryScores)>, StoreError> {
        self.runtime.block_on(async {
            let rows = self
                .client
                .query(super::dashboard::BOARD_RUNS, &[&portfolio])
                .await
                .map_err(|e| db(&e))?;
            Ok(super::dashboard::fold_board(
                rows.iter().map(|r| (figures(r), r.get(11), r.get(12))),
            ))
        })
    }

    fn portfolio_trend(&mut self, portfolio: &str) -> Result<Vec<(String, f64, i64)>, StoreError> {
        self.runtime.block_on(async {
            let rows = self
                .client
                .query(super::dashboard::PORTFOLIO_TREND, &[&portfolio])
                .await
                .map_err(|e| db(&e))?;
            Ok(rows
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect())
        })
    }

    fn portfolio_members(&mut self) -> Result<Vec<RunFigures>, StoreError> {
        self.runtime.block_on(async {
            let rows = self
                .client
                .query(super::dashboard::PORTFOLIO_MEMBERS, &[])
                .await
                .map_err(|e| db(&e))?;
            Ok(rows.iter().map(figures).collect())
        })
    }
}

/// One run and its score rows, inside the caller's transaction.
async fn insert_run(
    tx: &Transaction<'_>,
    report: &Report,
    context: &RunContext,
) -> Result<i64, StoreError> {
    let json = report_json(report)?;
    let id: i64 = tx
        .query_one(
            "INSERT INTO runs (audit, started_at, finished_at, tool_version, commit_sha, branch, ci_url, score, complete, report, portfolio, sector, coverage, grade)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
            &[
                &report.audit_key(),
                &utc(&report.audit.started_at),
                &utc(&report.audit.finished_at),
                &report.tool.version,
                &context.commit,
                &context.branch,
                &context.ci_url,
                &report.score,
                &report.complete,
                &json,
                &context.portfolio,
                &context.sector,
                &report.coverage,
                &report.grade.map(|g| g.as_str()),
            ],
        )
        .await
        .map_err(|e| db(&e))?
        .get(0);
    let insert = tx
        .prepare("INSERT INTO scores (run_id, level, key, score) VALUES ($1, $2, $3, $4)")
        .await
        .map_err(|e| db(&e))?;
    for (level, key, score) in score_rows(report) {
        tx.execute(&insert, &[&id, &level.as_str(), &key, &score])
            .await
            .map_err(|e| db(&e))?;
    }
    if let Some(a) = ActionCounts::of(report) {
        tx.execute(
            super::INSERT_ACTION_COUNTS,
            &[&id, &a.total, &a.done, &a.confirmed, &a.overdue],
        )
        .await
        .map_err(|e| db(&e))?;
    }
    Ok(id)
}

/// A probe, unless the store has its token already: how many were added (0 or 1).
async fn insert_probe(client: &impl GenericClient, probe: &Probe) -> Result<usize, StoreError> {
    let added = client
        .execute(
            "INSERT INTO probes (token, audit, check_id, message_id, sent_to, sent_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (token) DO NOTHING",
            &[&probe.token, &probe.audit, &probe.check_id, &probe.message_id, &probe.sent_to, &utc(&probe.sent_at)],
        )
        .await
        .map_err(|e| db(&e))?;
    Ok(usize::try_from(added).unwrap_or(usize::MAX))
}

/// A [`RunFigures`] from the first columns of a row, in its fields' order.
fn figures(r: &tokio_postgres::Row) -> RunFigures {
    RunFigures {
        id: r.get(0),
        audit: r.get(1),
        started_at: r.get(2),
        score: r.get(3),
        coverage: r.get(4),
        grade: r.get(5),
        complete: r.get(6),
        portfolio: r.get(7),
        sector: r.get(8),
        commit: r.get(9),
        branch: r.get(10),
    }
}
