//! `centricity history`, `compare` and `report`: reading the run history.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use comfy_table::{Cell, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use crate::report::sanitize::{cell, terminal};
use serde::Serialize;

use std::path::{Path, PathBuf};

use super::audit::input_error;
use crate::cli::{HistoryAction, HistoryArgs, HistoryFormat, RunRef};
use crate::exit::Exit;
use crate::report::{Decoration, Format, Report};
use crate::store::{self, ExportedRun, RunStore, RunSummary, ScoreRow, StoreError};

/// Where a run's company stands in the portfolio the run was recorded for, if any.
fn standing(store: &mut dyn RunStore, run_id: i64, audit: &str) -> Option<crate::report::Standing> {
    let portfolio = store.context(run_id).ok()?.portfolio?;
    let companies = crate::portfolio::from_store(store.portfolio(&portfolio).ok()?);
    crate::portfolio::rank::standing(&portfolio, &companies, audit)
}

/// Runs' overall scores as a trend line's points, oldest first, the newest 24.
pub(super) fn trend(runs: &[RunSummary]) -> Vec<crate::report::TrendPoint> {
    let points: Vec<crate::report::TrendPoint> = runs
        .iter()
        .filter_map(|run| {
            Some(crate::report::TrendPoint {
                date: run.started_at.get(..10)?.to_string(),
                score: run.score?,
            })
        })
        .collect();
    points[points.len().saturating_sub(24)..].to_vec()
}

/// Where the history commands read, and which audit's runs.
struct Reading {
    url: String,
    audit: Option<String>,
}

impl Reading {
    /// `--store` (or CENTRICITY_STORE) names the store; `--audit` names an audit, or its audit
    /// file, whose store beside it is read when no store is named; else the store of an audit
    /// file in this folder. Named on stderr, so nobody reads the wrong history unknowingly.
    fn locate(store: Option<&str>, audit: Option<&str>) -> Result<Reading, Exit> {
        let file = audit.map(Path::new).filter(|p| p.is_file());
        let (dir, audit) = match file {
            Some(file) => {
                let loaded = crate::audit::load(file).map_err(|e| input_error(&e.to_string()))?;
                (loaded.dir.clone(), Some(loaded.key().to_string()))
            }
            None => (PathBuf::from("."), audit.map(str::to_string)),
        };
        let url = store.map_or_else(|| store::default_url(&dir), str::to_string);
        eprintln!("history store: {}", terminal(&store::redact(&url)));
        Ok(Reading { url, audit })
    }

    /// The store, which must exist: reading never creates an empty one.
    fn open(&self) -> Result<Box<dyn RunStore>, Exit> {
        store::open_existing(&self.url).map_err(|e| store_error(&e))
    }
}

/// Bad URLs and newer schemas are the user's input (3); an unreachable store is a runtime failure (1).
pub fn store_error(e: &StoreError) -> Exit {
    eprintln!("error: {e}");
    match e {
        StoreError::BadUrl(_)
        | StoreError::NewerSchema { .. }
        | StoreError::NoSuchRun(_)
        | StoreError::Missing(_) => Exit::InvalidInput,
        StoreError::Database(_) => Exit::Runtime,
    }
}

pub fn history(args: &HistoryArgs) -> Exit {
    let reading = match Reading::locate(args.store.store.as_deref(), args.audit.as_deref()) {
        Ok(r) => r,
        Err(exit) => return exit,
    };
    // Import writes: it may create the store. The rest only read.
    let opened = match &args.action {
        Some(HistoryAction::Import { .. }) => {
            store::open(&reading.url).map_err(|e| store_error(&e))
        }
        _ => reading.open(),
    };
    let mut store = match opened {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    match &args.action {
        Some(HistoryAction::Prune { keep, older_than }) => {
            prune(store.as_mut(), *keep, *older_than)
        }
        Some(HistoryAction::Export) => export(store.as_mut()),
        Some(HistoryAction::Import { file }) => import(store.as_mut(), file),
        None => list(store.as_mut(), reading.audit.as_deref(), args.format),
    }
}

fn list(store: &mut dyn RunStore, audit: Option<&str>, format: HistoryFormat) -> Exit {
    // Scores come from their own table: listing 10,000 runs parses no report.
    let (runs, scores) = match (store.runs(audit), store.scores(audit)) {
        (Ok(r), Ok(s)) => (r, s),
        (Err(e), _) | (_, Err(e)) => return store_error(&e),
    };
    let mut by_run: BTreeMap<i64, Vec<&ScoreRow>> = BTreeMap::new();
    for row in &scores {
        by_run.entry(row.run_id).or_default().push(row);
    }
    let empty = Vec::new();
    let scores_of = |run: &RunSummary| by_run.get(&run.id).unwrap_or(&empty);
    let text = match format {
        HistoryFormat::Table => table(&runs, &scores_of),
        HistoryFormat::Csv => long_csv(&runs, &scores_of),
        HistoryFormat::Json => {
            #[derive(Serialize)]
            struct Entry<'a> {
                #[serde(flatten)]
                run: &'a RunSummary,
                categories: BTreeMap<&'a str, Option<f64>>,
            }
            let entries: Vec<Entry<'_>> = runs
                .iter()
                .map(|run| Entry {
                    run,
                    categories: scores_of(run)
                        .iter()
                        .filter(|s| s.level == "category")
                        .map(|s| (s.key.as_str(), s.score))
                        .collect(),
                })
                .collect();
            serde_json::to_string_pretty(&entries).unwrap_or_default() + "\n"
        }
    };
    print!("{text}");
    Exit::Ok
}

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// Runs listed in the history table.
const SHOWN_RUNS: usize = 20;
/// A trend wider than this is averaged into this many marks.
const SPARK_WIDTH: usize = 40;

/// A score trend in one line of block characters (0–100 mapped to eight heights; gaps as
/// spaces), long histories averaged into at most 40 marks.
pub fn sparkline(scores: &[Option<f64>]) -> String {
    let bucket = scores.len().div_ceil(SPARK_WIDTH).max(1);
    let averaged: Vec<Option<f64>> = scores
        .chunks(bucket)
        .map(|chunk| {
            let present: Vec<f64> = chunk.iter().flatten().copied().collect();
            (!present.is_empty()).then(|| present.iter().sum::<f64>() / present.len() as f64)
        })
        .collect();
    averaged
        .iter()
        .map(|s| match s {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "0–100 to 0–7"
            )]
            Some(v) => SPARKS[((v.clamp(0.0, 100.0) / 100.0) * 7.0).round() as usize],
            None => ' ',
        })
        .collect()
}

fn table<'a>(
    runs: &[RunSummary],
    scores_of: &dyn Fn(&RunSummary) -> &'a Vec<&'a ScoreRow>,
) -> String {
    if runs.is_empty() {
        return "no runs recorded yet: run `centricity audit` (it records each run unless --no-store)\n".into();
    }
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .force_no_tty();
    table.set_header(["Run", "Audit", "Started", "Score", "Complete", "Commit"]);
    // The newest runs; all of them count in the trends below.
    let shown = &runs[runs.len().saturating_sub(SHOWN_RUNS)..];
    for run in shown {
        table.add_row(vec![
            Cell::new(run.id),
            cell(&run.audit),
            Cell::new(&run.started_at),
            Cell::new(run.score.map_or_else(|| "—".into(), |s| format!("{s:.1}"))),
            Cell::new(if run.complete { "yes" } else { "no" }),
            Cell::new(
                run.context
                    .commit
                    .as_deref()
                    .map_or("", |c| &c[..c.len().min(10)]),
            ),
        ]);
    }
    let mut trends = Table::new();
    trends
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .force_no_tty();
    trends.set_header(["Category", "Trend", "First", "Last"]);
    for category in crate::category::Category::ALL.iter().map(|c| c.id()) {
        let scores: Vec<Option<f64>> = runs
            .iter()
            .map(|run| {
                scores_of(run)
                    .iter()
                    .find(|s| s.level == "category" && s.key == category)
                    .and_then(|s| s.score)
            })
            .collect();
        if scores.iter().all(Option::is_none) {
            continue;
        }
        let show = |s: Option<&Option<f64>>| {
            s.and_then(|v| *v)
                .map_or_else(|| "—".into(), |v| format!("{v:.1}"))
        };
        trends.add_row(vec![
            cell(category),
            Cell::new(sparkline(&scores)),
            Cell::new(show(scores.first())),
            Cell::new(show(scores.last())),
        ]);
    }
    let earlier = runs.len() - shown.len();
    let note = if earlier > 0 {
        format!("({earlier} earlier runs not listed; `--format csv` has them all)\n")
    } else {
        String::new()
    };
    format!("{table}\n{note}\n{trends}\n")
}

/// One row per run × overall/category/check: the shape charting tools want.
fn long_csv<'a>(
    runs: &[RunSummary],
    scores_of: &dyn Fn(&RunSummary) -> &'a Vec<&'a ScoreRow>,
) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "run_id",
        "audit",
        "started_at",
        "commit",
        "branch",
        "level",
        "id",
        "score",
    ]);
    let mut number = String::new();
    for run in runs {
        // Text cells are neutralised against formula injection; ids, times and scores are ours.
        let id = run.id.to_string();
        let audit = crate::report::neutralise(&run.audit);
        let commit = crate::report::neutralise(run.context.commit.as_deref().unwrap_or_default());
        let branch = crate::report::neutralise(run.context.branch.as_deref().unwrap_or_default());
        for row in scores_of(run) {
            number.clear();
            if let Some(score) = row.score {
                let _ = write!(number, "{score:.1}");
            }
            let key = crate::report::neutralise(&row.key);
            let _ = writer.write_record([
                &id,
                audit.as_ref(),
                &run.started_at,
                commit.as_ref(),
                branch.as_ref(),
                &row.level,
                key.as_ref(),
                &number,
            ]);
        }
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn prune(
    store: &mut dyn RunStore,
    keep: Option<usize>,
    older_than: Option<std::time::Duration>,
) -> Exit {
    if keep.is_none() && older_than.is_none() {
        eprintln!("error: say what to prune: --keep N and/or --older-than 180d");
        return Exit::InvalidInput;
    }
    let cutoff = older_than.map(|d| {
        let age = chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
        (chrono::Utc::now() - age).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    });
    match store.prune(keep, cutoff.as_deref()) {
        Ok(n) => {
            eprintln!("pruned {n} run(s)");
            Exit::Ok
        }
        Err(e) => store_error(&e),
    }
}

fn export(store: &mut dyn RunStore) -> Exit {
    let runs = match store.runs(None) {
        Ok(r) => r,
        Err(e) => return store_error(&e),
    };
    let mut out = std::io::stdout().lock();
    for run in runs {
        let line = store.report(run.id).map(|report| ExportedRun {
            context: run.context.clone(),
            report,
        });
        match line {
            Ok(line) => {
                let _ = std::io::Write::write_all(
                    &mut out,
                    (serde_json::to_string(&line).unwrap_or_default() + "\n").as_bytes(),
                );
            }
            Err(e) => return store_error(&e),
        }
    }
    Exit::Ok
}

fn import(store: &mut dyn RunStore, file: &std::path::Path) -> Exit {
    let Ok(reader) = std::fs::File::open(file).map(std::io::BufReader::new) else {
        eprintln!("error: cannot read {}", file.display());
        return Exit::InvalidInput;
    };
    let runs = match store::read_export(reader) {
        Ok(runs) => runs,
        Err(e) => {
            eprintln!("error: {}:{e}", file.display());
            return Exit::InvalidInput;
        }
    };
    for run in &runs {
        if let Err(e) = store.record(&run.report, &run.context) {
            return store_error(&e);
        }
    }
    eprintln!("imported {} run(s)", runs.len());
    Exit::Ok
}

/// What changed between two runs.
#[derive(Debug, Serialize)]
struct Comparison {
    from: i64,
    to: i64,
    overall: Delta,
    categories: Vec<(String, Delta)>,
    checks: Vec<(String, Delta)>,
    checks_added: Vec<String>,
    checks_removed: Vec<String>,
    findings_appeared: Vec<String>,
    findings_disappeared: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Delta {
    before: Option<f64>,
    after: Option<f64>,
    change: Option<f64>,
}

/// The score changes of the items both runs have, paired by key, in `after`'s order.
fn shared_deltas<T>(
    before: &[T],
    after: &[T],
    key: impl Fn(&T) -> String,
    score: impl Fn(&T) -> Option<f64>,
) -> Vec<(String, Delta)> {
    after
        .iter()
        .filter_map(|a| {
            let id = key(a);
            let b = before.iter().find(|b| key(b) == id)?;
            Some((id, delta(score(b), score(a))))
        })
        .collect()
}

fn delta(before: Option<f64>, after: Option<f64>) -> Delta {
    let change = before
        .zip(after)
        .map(|(b, a)| ((a - b) * 10.0).round() / 10.0);
    Delta {
        before,
        after,
        change,
    }
}

/// The last two runs of one audit: the one named, or the only one in the store. Two audits'
/// runs are never compared (one company against another is not a change).
fn last_two(store: &mut dyn RunStore, audit: Option<&str>) -> Result<(i64, i64), Exit> {
    let runs = store.runs(audit).map_err(|e| store_error(&e))?;
    let audits: BTreeSet<&str> = runs.iter().map(|r| r.audit.as_str()).collect();
    if audits.len() > 1 {
        let listed: Vec<String> = audits
            .iter()
            .map(|a| format!("`{}`", terminal(a)))
            .collect();
        eprintln!(
            "error: the store holds runs of {} audits ({}): say which with --audit NAME or --audit FILE",
            audits.len(),
            listed.join(", ")
        );
        return Err(Exit::InvalidInput);
    }
    match runs.as_slice() {
        [.., a, b] => Ok((a.id, b.id)),
        _ => {
            eprintln!("error: fewer than two runs recorded; nothing to compare");
            Err(Exit::Runtime)
        }
    }
}

pub fn compare(
    run_a: Option<i64>,
    run_b: Option<i64>,
    url: Option<&str>,
    audit: Option<&str>,
    json: bool,
) -> Exit {
    let reading = match Reading::locate(url, audit) {
        Ok(r) => r,
        Err(exit) => return exit,
    };
    let audit = reading.audit.as_deref();
    let mut store = match reading.open() {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let (a, b) = match (run_a, run_b) {
        (Some(a), Some(b)) => (a, b),
        (Some(_), None) | (None, Some(_)) => {
            eprintln!("error: give two run ids, or none to compare the last two runs");
            return Exit::InvalidInput;
        }
        (None, None) => match last_two(store.as_mut(), audit) {
            Ok(pair) => pair,
            Err(exit) => return exit,
        },
    };
    let (before, after) = match (store.report(a), store.report(b)) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => return store_error(&e),
    };
    if before.audit_key() != after.audit_key() {
        eprintln!(
            "error: run #{a} is of `{}` and run #{b} of `{}`: compare two runs of one audit",
            terminal(before.audit_key()),
            terminal(after.audit_key())
        );
        return Exit::InvalidInput;
    }
    let findings = |r: &Report| -> BTreeSet<String> {
        r.checks
            .iter()
            .flat_map(|c| {
                c.findings
                    .iter()
                    .map(move |f| format!("{}: {}", c.id, f.message))
            })
            .collect()
    };
    let (old, new) = (findings(&before), findings(&after));
    let ids = |r: &Report| -> BTreeSet<String> { r.checks.iter().map(|c| c.id.clone()).collect() };
    let comparison = Comparison {
        from: a,
        to: b,
        overall: delta(before.score, after.score),
        categories: shared_deltas(
            &before.categories,
            &after.categories,
            |c| c.id.id().to_string(),
            |c| c.score,
        ),
        checks: shared_deltas(&before.checks, &after.checks, |c| c.id.clone(), |c| c.score),
        checks_added: ids(&after).difference(&ids(&before)).cloned().collect(),
        checks_removed: ids(&before).difference(&ids(&after)).cloned().collect(),
        findings_appeared: new.difference(&old).cloned().collect(),
        findings_disappeared: old.difference(&new).cloned().collect(),
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&comparison).unwrap_or_default()
        );
        return Exit::Ok;
    }
    let show = |d: &Delta| {
        let s = |v: Option<f64>| v.map_or_else(|| "—".into(), |v| format!("{v:.1}"));
        let change = d.change.map_or_else(String::new, |c| {
            if c >= 0.0 {
                format!("+{c:.1}")
            } else {
                format!("{c:.1}")
            }
        });
        (s(d.before), s(d.after), change)
    };
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .force_no_tty();
    table.set_header(["", &format!("Run #{a}"), &format!("Run #{b}"), "Change"]);
    let mut row = |name: String, d: &Delta| {
        let (x, y, c) = show(d);
        table.add_row(vec![terminal(&name).into_owned(), x, y, c]);
    };
    row("overall".into(), &comparison.overall);
    for (id, d) in &comparison.categories {
        row(id.clone(), d);
    }
    for (id, d) in &comparison.checks {
        row(format!("check {id}"), d);
    }
    let mut out = format!("{table}\n");
    for (title, list) in [
        ("Checks added", &comparison.checks_added),
        ("Checks removed", &comparison.checks_removed),
        ("Findings that appeared", &comparison.findings_appeared),
        (
            "Findings that disappeared",
            &comparison.findings_disappeared,
        ),
    ] {
        if !list.is_empty() {
            out.push_str(&format!("\n{title}:\n"));
            for item in list {
                out.push_str(&format!("  - {}\n", terminal(item)));
            }
        }
    }
    print!("{out}");
    Exit::Ok
}

pub fn report(
    run: RunRef,
    format: Format,
    url: Option<&str>,
    audit_file: Option<&Path>,
    decoration: Decoration,
) -> Exit {
    let audit = audit_file.map(|f| f.to_string_lossy().into_owned());
    let reading = match Reading::locate(url, audit.as_deref()) {
        Ok(r) => r,
        Err(exit) => return exit,
    };
    let mut store = match reading.open() {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let run_id = match run {
        RunRef::Id(id) => id,
        RunRef::Last => match store.runs(reading.audit.as_deref()) {
            Ok(runs) => match runs.last() {
                Some(last) => last.id,
                None => {
                    eprintln!(
                        "error: no run recorded yet in {}",
                        store::redact(&reading.url)
                    );
                    return Exit::InvalidInput;
                }
            },
            Err(e) => return store_error(&e),
        },
    };
    // The trend up to the run shown, as it stood then.
    let runs = store.runs(reading.audit.as_deref()).unwrap_or_default();
    match store.report(run_id) {
        Ok(report) => {
            let earlier: Vec<RunSummary> = runs
                .into_iter()
                .filter(|r| r.audit == report.audit_key() && r.id <= run_id)
                .collect();
            let trend = trend(&earlier);
            let standing = standing(store.as_mut(), run_id, report.audit_key());
            let context = crate::report::History {
                baseline: None,
                trend: &trend,
                standing: standing.as_ref(),
            };
            let bytes = format.render(&report, decoration, &context);
            print!("{}", String::from_utf8_lossy(&bytes));
            Exit::Ok
        }
        Err(e) => store_error(&e),
    }
}
