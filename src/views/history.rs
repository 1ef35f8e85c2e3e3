//! `centricity history`: the recorded runs of the store (or one audit), as a table with a
//! trend per category, the long CSV charting tools want, or JSON.

use std::collections::BTreeMap;

use comfy_table::Cell;
use serde::Serialize;

use super::Format;
use crate::report::Sheet;
use crate::report::sanitize::{cell, terminal_lines};
use crate::store::{ActionCounts, RunSummary, ScoreLevel, ScoreRow};
use crate::text;

/// The runs, oldest first, and every score row recorded for them.
pub fn render(runs: &[RunSummary], scores: &[ScoreRow], format: Format) -> Vec<u8> {
    let mut by_run: BTreeMap<i64, Vec<&ScoreRow>> = BTreeMap::new();
    for row in scores {
        by_run.entry(row.run_id).or_default().push(row);
    }
    let empty = Vec::new();
    let scores_of = |run: &RunSummary| by_run.get(&run.id).unwrap_or(&empty);
    match format {
        Format::Table => table(runs, &scores_of).into_bytes(),
        Format::Csv => long_csv(runs, &scores_of),
        Format::Json => {
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
                        .filter(|s| s.level == ScoreLevel::Category)
                        .map(|s| (s.key.as_str(), s.score))
                        .collect(),
                })
                .collect();
            super::json(&entries)
        }
    }
}

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// Runs listed in the history table.
const SHOWN_RUNS: usize = 20;
/// A trend wider than this is averaged into this many marks.
const SPARK_WIDTH: usize = 40;

/// The smallest score span a sparkline's heights stand for: a small wobble moves a height at
/// most, never makes a cliff.
const SPARK_MIN_SPAN: f64 = 10.0;

/// A score trend in one line of block characters, scaled to the trend's own range (at least
/// 10 points, so a 12-point swing fills the heights and noise does not), gaps
/// as spaces; long histories averaged into at most 40 marks. The table writes the first and
/// last values beside it.
pub fn sparkline(scores: &[Option<f64>]) -> String {
    let bucket = scores.len().div_ceil(SPARK_WIDTH).max(1);
    let averaged: Vec<Option<f64>> = scores
        .chunks(bucket)
        .map(|chunk| {
            let present: Vec<f64> = chunk.iter().flatten().copied().collect();
            (!present.is_empty()).then(|| present.iter().sum::<f64>() / present.len() as f64)
        })
        .collect();
    let present = || averaged.iter().flatten().map(|v| v.clamp(0.0, 100.0));
    let low = present().fold(f64::INFINITY, f64::min);
    let high = present().fold(f64::NEG_INFINITY, f64::max);
    // A narrow trend gets the minimum span with its middle on a height's centre (the fourth),
    // so a small wobble around it stays flat; kept within 0–100.
    let (floor, span) = if high - low >= SPARK_MIN_SPAN {
        (low, high - low)
    } else {
        let middle = (low + high) / 2.0 - SPARK_MIN_SPAN * 3.0 / 7.0;
        (middle.clamp(0.0, 100.0 - SPARK_MIN_SPAN), SPARK_MIN_SPAN)
    };
    averaged
        .iter()
        .map(|s| match s {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "the trend's span to 0–7"
            )]
            Some(v) => {
                SPARKS[(((v.clamp(0.0, 100.0) - floor) / span).clamp(0.0, 1.0) * 7.0).round()
                    as usize]
            }
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
    // The newest runs; all of them count in the trends below.
    let shown = &runs[runs.len().saturating_sub(SHOWN_RUNS)..];
    // Columns that say nothing for every run listed are left out: a consultant's runs have no
    // commit, a CI job's often no plan; so either fits 80 columns.
    let committed = shown.iter().any(|run| run.context.commit.is_some());
    let planned = shown.iter().any(|run| run.actions.is_some());
    let mut headers = vec!["Run", "Audit", "Started (UTC)", "Score", "Complete"];
    headers.extend(committed.then_some("Commit"));
    headers.extend(planned.then_some("Actions"));
    let mut table = super::table(&headers);
    for run in shown {
        let mut row = vec![
            Cell::new(run.id),
            cell(&run.audit),
            // Stored as RFC 3339 in UTC; to the minute is what a reader compares.
            cell(text::first_chars(&run.started_at.replacen('T', " ", 1), 16)),
            Cell::new(run.score.map_or_else(|| "—".into(), |s| format!("{s:.1}"))),
            Cell::new(if run.complete { "yes" } else { "no" }),
        ];
        if committed {
            let commit = run.context.commit.as_deref().unwrap_or_default();
            row.push(cell(text::first_chars(commit, 10)));
        }
        if planned {
            row.push(Cell::new(
                run.actions.map_or_else(String::new, actions_done),
            ));
        }
        table.add_row(row);
    }
    let mut trends = super::table(&["Category", "Trend", "First", "Last"]);
    for category in crate::category::Category::ALL {
        let (id, title) = (category.id(), category.title());
        let scores: Vec<Option<f64>> = runs
            .iter()
            .map(|run| {
                scores_of(run)
                    .iter()
                    .find(|s| s.level == ScoreLevel::Category && s.key == id)
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
            Cell::new(title),
            Cell::new(sparkline(&scores)),
            Cell::new(show(scores.first())),
            Cell::new(show(scores.last())),
        ]);
    }
    let earlier = runs.len() - shown.len();
    let mut note = String::new();
    if planned {
        note.push_str(ACTIONS_LEGEND);
    }
    if earlier > 0 {
        note.push_str(&format!(
            "({earlier} earlier runs not listed; `--format csv` has them all)\n"
        ));
    }
    // Every cell may be outside text (a stored run may have been imported): the whole
    // table is shown, not obeyed, whichever cell a control came in.
    terminal_lines(&format!("{table}\n{note}\n{trends}\n")).into_owned()
}

/// What the Actions column's marks mean, under the table.
const ACTIONS_LEGEND: &str =
    "Actions: done of planned; ✓ confirmed by measurement; late: overdue and still measured\n";

/// A run's plan in a few characters: `2/39 ✓1 late 1`.
fn actions_done(counts: ActionCounts) -> String {
    let mut said = format!("{}/{}", counts.done, counts.total);
    if counts.confirmed > 0 {
        said.push_str(&format!(" ✓{}", counts.confirmed));
    }
    if counts.overdue > 0 {
        said.push_str(&format!(" late {}", counts.overdue));
    }
    said
}

/// One row per run × overall/category/check: the shape charting tools want.
fn long_csv<'a>(
    runs: &[RunSummary],
    scores_of: &dyn Fn(&RunSummary) -> &'a Vec<&'a ScoreRow>,
) -> Vec<u8> {
    let mut sheet = Sheet::new(false);
    sheet.row([
        "run_id",
        "audit",
        "started_at",
        "commit",
        "branch",
        "level",
        "id",
        "score",
    ]);
    for run in runs {
        let id = run.id.to_string();
        let commit = run.context.commit.as_deref().unwrap_or_default();
        let branch = run.context.branch.as_deref().unwrap_or_default();
        for row in scores_of(run) {
            let score = row.score.map_or_else(String::new, |s| format!("{s:.1}"));
            sheet.row([
                id.as_str(),
                &run.audit,
                &run.started_at,
                commit,
                branch,
                row.level.as_str(),
                &row.key,
                &score,
            ]);
        }
    }
    sheet.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::sparkline;

    #[test]
    fn a_sparkline_spans_its_own_range_but_never_less_than_ten_points() {
        // 60 → 72: a 12-point swing fills the heights.
        assert_eq!(sparkline(&[Some(60.0), Some(66.0), Some(72.0)]), "▁▅█");
        // 66 → 69.6 → 68: visible, but not a cliff (centred in a 10-point span).
        assert_eq!(sparkline(&[Some(66.0), Some(69.6), Some(68.0)]), "▃▅▄");
        // Half a point of noise stays flat (a height is about 1.4 points at least).
        assert_eq!(sparkline(&[Some(50.0), Some(50.5), Some(50.0)]), "▄▄▄");
        // A gap is a space; near the top the span stays within 0–100.
        assert_eq!(sparkline(&[Some(99.0), None, Some(100.0)]), "▇ █");
        assert_eq!(sparkline(&[]), "");
    }
}
