//! What the readers of many runs ask (the dashboard, `rank`): the newest runs per audit and per
//! portfolio, and a portfolio's mean per day. Schema 6 keeps those answers in small tables that
//! the store's own triggers maintain as runs are recorded, imported, pruned or deleted, so a
//! page reads a row per company, never every run a portfolio ever had. The SQL is shared by
//! both backends: SQLite reads `$1` as its first parameter.

use super::{CategoryScores, RunFigures};

/// Schema 6's tables filled from the runs already stored (the same SQL for both backends; in
/// the migration's transaction, so no run lands between the fill and the triggers).
macro_rules! summary_fill {
    () => {
        "
    INSERT INTO latest_runs (audit, run_id) SELECT audit, MAX(id) FROM runs GROUP BY audit;
    INSERT INTO portfolio_latest (portfolio, audit, run_id)
        SELECT portfolio, audit, MAX(id) FROM runs WHERE portfolio IS NOT NULL GROUP BY portfolio, audit;
    INSERT INTO portfolio_days (portfolio, day, total, scored)
        SELECT portfolio, substr(started_at, 1, 10), SUM(score), COUNT(score) FROM runs
        WHERE portfolio IS NOT NULL AND score IS NOT NULL GROUP BY portfolio, substr(started_at, 1, 10);
"
    };
}

/// Schema 6 (SQLite): `latest_runs` holds each audit's newest run, `portfolio_latest` each
/// audit's newest run within each portfolio, `portfolio_days` each portfolio's sum and count of
/// overall scores per day. Filled from the runs already stored, then kept by triggers (runs are
/// never updated once recorded, only inserted and deleted).
pub(crate) const SUMMARY_TABLES_SQLITE: &str = concat!(
    "
    CREATE TABLE latest_runs (audit TEXT PRIMARY KEY, run_id INTEGER NOT NULL);
    CREATE TABLE portfolio_latest (
        portfolio TEXT NOT NULL, audit TEXT NOT NULL, run_id INTEGER NOT NULL,
        PRIMARY KEY (portfolio, audit)
    );
    CREATE TABLE portfolio_days (
        portfolio TEXT NOT NULL, day TEXT NOT NULL, total REAL NOT NULL, scored INTEGER NOT NULL,
        PRIMARY KEY (portfolio, day)
    );
    CREATE TRIGGER runs_added AFTER INSERT ON runs BEGIN
        INSERT INTO latest_runs (audit, run_id) VALUES (NEW.audit, NEW.id)
            ON CONFLICT (audit) DO UPDATE SET run_id = excluded.run_id
            WHERE excluded.run_id > latest_runs.run_id;
        INSERT INTO portfolio_latest (portfolio, audit, run_id)
            SELECT NEW.portfolio, NEW.audit, NEW.id WHERE NEW.portfolio IS NOT NULL
            ON CONFLICT (portfolio, audit) DO UPDATE SET run_id = excluded.run_id
            WHERE excluded.run_id > portfolio_latest.run_id;
        INSERT INTO portfolio_days (portfolio, day, total, scored)
            SELECT NEW.portfolio, substr(NEW.started_at, 1, 10), NEW.score, 1
            WHERE NEW.portfolio IS NOT NULL AND NEW.score IS NOT NULL
            ON CONFLICT (portfolio, day) DO UPDATE SET total = total + excluded.total, scored = scored + 1;
    END;
    CREATE TRIGGER runs_removed AFTER DELETE ON runs BEGIN
        DELETE FROM latest_runs WHERE audit = OLD.audit AND run_id = OLD.id;
        INSERT INTO latest_runs (audit, run_id)
            SELECT audit, id FROM runs
            WHERE audit = OLD.audit AND NOT EXISTS (SELECT 1 FROM latest_runs WHERE audit = OLD.audit)
            ORDER BY id DESC LIMIT 1;
        DELETE FROM portfolio_latest WHERE portfolio = OLD.portfolio AND audit = OLD.audit AND run_id = OLD.id;
        INSERT INTO portfolio_latest (portfolio, audit, run_id)
            SELECT portfolio, audit, id FROM runs
            WHERE portfolio = OLD.portfolio AND audit = OLD.audit
              AND NOT EXISTS (SELECT 1 FROM portfolio_latest WHERE portfolio = OLD.portfolio AND audit = OLD.audit)
            ORDER BY id DESC LIMIT 1;
        UPDATE portfolio_days SET total = total - OLD.score, scored = scored - 1
            WHERE portfolio = OLD.portfolio AND day = substr(OLD.started_at, 1, 10) AND OLD.score IS NOT NULL;
        DELETE FROM portfolio_days WHERE portfolio = OLD.portfolio AND day = substr(OLD.started_at, 1, 10) AND scored <= 0;
    END;
",
    summary_fill!()
);

/// Schema 6 (PostgreSQL): the same tables, filled the same way, kept by PL/pgSQL triggers.
/// Writers are held off until the triggers exist, so no run lands between the fill and them.
pub(crate) const SUMMARY_TABLES_POSTGRES: &str = concat!(
    "
    LOCK TABLE runs IN SHARE ROW EXCLUSIVE MODE;
    CREATE TABLE latest_runs (audit TEXT PRIMARY KEY, run_id BIGINT NOT NULL);
    CREATE TABLE portfolio_latest (
        portfolio TEXT NOT NULL, audit TEXT NOT NULL, run_id BIGINT NOT NULL,
        PRIMARY KEY (portfolio, audit)
    );
    CREATE TABLE portfolio_days (
        portfolio TEXT NOT NULL, day TEXT NOT NULL, total DOUBLE PRECISION NOT NULL, scored BIGINT NOT NULL,
        PRIMARY KEY (portfolio, day)
    );
    CREATE FUNCTION centricity_run_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO latest_runs (audit, run_id) VALUES (NEW.audit, NEW.id)
            ON CONFLICT (audit) DO UPDATE SET run_id = EXCLUDED.run_id
            WHERE EXCLUDED.run_id > latest_runs.run_id;
        IF NEW.portfolio IS NOT NULL THEN
            INSERT INTO portfolio_latest (portfolio, audit, run_id) VALUES (NEW.portfolio, NEW.audit, NEW.id)
                ON CONFLICT (portfolio, audit) DO UPDATE SET run_id = EXCLUDED.run_id
                WHERE EXCLUDED.run_id > portfolio_latest.run_id;
            IF NEW.score IS NOT NULL THEN
                INSERT INTO portfolio_days (portfolio, day, total, scored)
                    VALUES (NEW.portfolio, substr(NEW.started_at, 1, 10), NEW.score, 1)
                    ON CONFLICT (portfolio, day) DO UPDATE
                    SET total = portfolio_days.total + EXCLUDED.total, scored = portfolio_days.scored + 1;
            END IF;
        END IF;
        RETURN NULL;
    END $$;
    CREATE FUNCTION centricity_run_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM latest_runs WHERE audit = OLD.audit AND run_id = OLD.id;
        IF FOUND THEN
            INSERT INTO latest_runs (audit, run_id)
                SELECT audit, id FROM runs WHERE audit = OLD.audit ORDER BY id DESC LIMIT 1;
        END IF;
        IF OLD.portfolio IS NOT NULL THEN
            DELETE FROM portfolio_latest WHERE portfolio = OLD.portfolio AND audit = OLD.audit AND run_id = OLD.id;
            IF FOUND THEN
                INSERT INTO portfolio_latest (portfolio, audit, run_id)
                    SELECT portfolio, audit, id FROM runs
                    WHERE portfolio = OLD.portfolio AND audit = OLD.audit ORDER BY id DESC LIMIT 1;
            END IF;
            IF OLD.score IS NOT NULL THEN
                UPDATE portfolio_days SET total = total - OLD.score, scored = scored - 1
                    WHERE portfolio = OLD.portfolio AND day = substr(OLD.started_at, 1, 10);
                DELETE FROM portfolio_days
                    WHERE portfolio = OLD.portfolio AND day = substr(OLD.started_at, 1, 10) AND scored <= 0;
            END IF;
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER runs_added AFTER INSERT ON runs FOR EACH ROW EXECUTE FUNCTION centricity_run_added();
    CREATE TRIGGER runs_removed AFTER DELETE ON runs FOR EACH ROW EXECUTE FUNCTION centricity_run_removed();
",
    summary_fill!()
);

/// The newest runs of each audit, `$1` of them before the newest: where each audit's runs
/// start found first, an index seek per audit (materialized, so neither planner runs the seek
/// for every run instead), then the runs from there read from the `runs_figures` index. The
/// columns of this query and the next two start in [`RunFigures`]' field order.
pub(crate) const RECENT_RUNS: &str = "WITH bounds AS MATERIALIZED (SELECT l.audit, COALESCE( \
     (SELECT x.id FROM runs x WHERE x.audit = l.audit ORDER BY x.id DESC LIMIT 1 OFFSET $1), 0) AS since \
     FROM latest_runs l) \
     SELECT r.id, r.audit, r.started_at, r.score, r.coverage, r.grade, r.complete, r.portfolio, r.sector, r.commit_sha, r.branch \
     FROM bounds b JOIN runs r ON r.audit = b.audit AND r.id >= b.since ORDER BY r.audit, r.id";

/// `RECENT_RUNS`' parameter for the newest `per_audit` runs of each audit (at least one).
pub(crate) fn runs_before_newest(per_audit: i64) -> i64 {
    per_audit.max(1) - 1
}

/// The newest run of each audit of a portfolio, a row per category score.
pub(crate) const BOARD_RUNS: &str = "SELECT r.id, r.audit, r.started_at, r.score, r.coverage, r.grade, r.complete, r.portfolio, r.sector, r.commit_sha, r.branch, s.key, s.score \
     FROM portfolio_latest l JOIN runs r ON r.audit = l.audit AND r.id = l.run_id \
     LEFT JOIN scores s ON s.run_id = r.id AND s.level = 'category' \
     WHERE l.portfolio = $1 ORDER BY r.id, s.key";

/// The newest run of each audit within each portfolio (a portfolio's companies, every portfolio).
pub(crate) const PORTFOLIO_MEMBERS: &str = "SELECT r.id, r.audit, r.started_at, r.score, r.coverage, r.grade, r.complete, r.portfolio, r.sector, r.commit_sha, r.branch \
     FROM portfolio_latest l JOIN runs r ON r.id = l.run_id ORDER BY l.portfolio, r.id";

/// Every run of one audit, oldest first.
pub(crate) const AUDIT_RUNS: &str = "SELECT id, audit, started_at, score, coverage, grade, complete, portfolio, sector, commit_sha, branch \
     FROM runs WHERE audit = $1 ORDER BY id";

/// A portfolio's mean overall by day (its companies are audited together).
pub(crate) const PORTFOLIO_TREND: &str =
    "SELECT day, total / scored, scored FROM portfolio_days WHERE portfolio = $1 ORDER BY day";

/// The newest run of each audit of a portfolio, with its report, for `rank`.
pub(crate) const PORTFOLIO_RUNS: &str = "SELECT r.sector, r.report FROM portfolio_latest l \
     JOIN runs r ON r.id = l.run_id WHERE l.portfolio = $1 ORDER BY r.id";

/// Rows of a board query, folded into one entry per run.
pub(crate) fn fold_board(
    rows: impl Iterator<Item = (RunFigures, Option<String>, Option<f64>)>,
) -> Vec<(RunFigures, CategoryScores)> {
    let mut board: Vec<(RunFigures, CategoryScores)> = Vec::new();
    for (run, key, score) in rows {
        match board.last_mut() {
            Some((last, _)) if last.id == run.id => {}
            _ => board.push((run, Vec::new())),
        }
        if let (Some(key), Some((_, categories))) = (key, board.last_mut()) {
            categories.push((key, score));
        }
    }
    board
}
