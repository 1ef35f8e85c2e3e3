//! CSV for spreadsheets and slides: one row for the overall score, one per
//! category (followed by one per channel it measured), one per check, with stable columns (documented in the README).
//! Text cells are neutralised against formula injection: these files are
//! opened in spreadsheet programs, and finding text can come from the web.

use super::Report;
use super::model::{Finding, Grade, trim_number};

/// The columns, in order. Part of the CSV contract: add at the end, never reorder.
pub const COLUMNS: [&str; 16] = [
    "level",
    "id",
    "title",
    "category",
    "kind",
    "channel",
    "status",
    "score",
    "grade",
    "weight",
    "coverage",
    "key_metric",
    "key_value",
    "key_unit",
    "top_finding",
    "recommendation",
];

/// One CSV line; empty cells stay empty.
#[derive(Default)]
struct Row {
    level: &'static str,
    id: String,
    title: String,
    category: String,
    kind: String,
    channel: String,
    status: String,
    score: Option<f64>,
    weight: Option<f64>,
    coverage: Option<f64>,
    key_metric: String,
    key_value: Option<f64>,
    key_unit: String,
    top_finding: Option<Finding>,
}

impl Row {
    fn cells(self) -> [String; 16] {
        let (finding, recommendation) = self
            .top_finding
            .map(|f| (f.message, f.recommendation))
            .unwrap_or_default();
        [
            self.level.to_string(),
            self.id,
            self.title,
            self.category,
            self.kind,
            self.channel,
            self.status,
            self.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
            self.score
                .map(|s| Grade::for_score(s).as_str().to_string())
                .unwrap_or_default(),
            self.weight.map(trim_number).unwrap_or_default(),
            self.coverage.map(|c| format!("{c:.3}")).unwrap_or_default(),
            self.key_metric,
            self.key_value.map(|v| format!("{v}")).unwrap_or_default(),
            self.key_unit,
            finding,
            recommendation,
        ]
    }
}

pub fn render(report: &Report) -> Vec<u8> {
    let mut rows = vec![Row {
        level: "overall",
        title: report.audit.name.clone(),
        status: if report.complete {
            "complete"
        } else {
            "incomplete"
        }
        .into(),
        score: report.score,
        ..Row::default()
    }];
    for category in &report.categories {
        rows.push(Row {
            level: "category",
            id: category.id.id().into(),
            title: category.title.clone(),
            category: category.id.id().into(),
            score: category.score,
            weight: Some(category.weight),
            coverage: Some(category.coverage),
            top_finding: category.findings.iter().max_by_key(|f| f.severity).cloned(),
            ..Row::default()
        });
        // Each channel under its category: the per-channel slide.
        rows.extend(category.channels.iter().map(|channel| {
            Row {
                level: "channel",
                id: channel.channel.to_string(),
                title: channel.checks.join(", "),
                category: category.id.id().into(),
                channel: channel.channel.to_string(),
                status: if channel.answered {
                    "answered"
                } else {
                    "no answer"
                }
                .into(),
                score: Some(channel.score),
                key_metric: channel
                    .unanswered
                    .map(|_| "unanswered".into())
                    .unwrap_or_default(),
                #[expect(clippy::cast_precision_loss, reason = "contact counts are small")]
                key_value: channel.unanswered.map(|n| n as f64),
                key_unit: channel
                    .contacts
                    .map(|n| format!("of {n} contacts"))
                    .unwrap_or_default(),
                ..Row::default()
            }
        }));
    }
    for check in &report.checks {
        let metric = check.metrics.first();
        rows.push(Row {
            level: "check",
            id: check.id.clone(),
            title: check.title.clone(),
            category: check.category.id().into(),
            kind: check.kind.clone(),
            channel: check
                .channel
                .as_ref()
                .map_or_else(String::new, ToString::to_string),
            status: check.status.as_str().into(),
            score: check.score,
            weight: Some(check.weight),
            key_metric: metric.map(|m| m.name.clone()).unwrap_or_default(),
            key_value: metric.map(|m| m.value),
            key_unit: metric
                .and_then(|m| m.unit.as_ref())
                .map_or_else(String::new, |u| u.as_str().to_string()),
            // An errored check's finding is its error: that is what to fix first.
            top_finding: check.top_finding().cloned().or_else(|| {
                check.error.as_ref().map(|e| {
                    Finding::new(
                        super::model::Severity::Fail,
                        e,
                        "Fix the error and run again.",
                    )
                })
            }),
            ..Row::default()
        });
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(COLUMNS);
    for row in rows {
        // Control characters shown escaped (a CSV is often looked at in a terminal), then
        // formula starters neutralised.
        let _ = writer.write_record(
            row.cells()
                .iter()
                .map(|cell| neutralise(&super::sanitize::terminal(cell)).into_owned()),
        );
    }
    writer.into_inner().unwrap_or_default()
}

/// Prefixes a cell a spreadsheet would read as a formula with `'`, which
/// spreadsheets show as text (OWASP's advice against CSV injection).
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starters_are_neutralised() {
        for (cell, want) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("plain", "plain"),
            ("72.4", "72.4"),
            ("", ""),
        ] {
            assert_eq!(neutralise(cell), want, "cell {cell:?}");
        }
    }
}
