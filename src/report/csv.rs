//! CSV for spreadsheets and slides: one row for the overall score, one per
//! category (followed by one per channel it measured), one per check, with stable columns
//! (documented in the README); and the matrix (one row per audit, a column per category and
//! channel) a chart reads. Numbers are rounded to what they mean: scores to one decimal, shares
//! as percentages. Cells are written by the one CSV writer ([`Sheet`]), safe in any
//! spreadsheet: these files are opened in spreadsheet programs, and finding text can come
//! from the web.

use super::Report;
use super::model::{Finding, Grade, Unit, trim_number};
use super::sheet::Sheet;

/// The columns, in order. Part of the CSV contract: add at the end, never reorder.
pub const COLUMNS: [&str; 17] = [
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
    "points",
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
    /// The overall grade as stated (with "provisional"); other rows take theirs from the score.
    grade: Option<String>,
    weight: Option<f64>,
    coverage: Option<f64>,
    key_metric: String,
    key_value: Option<f64>,
    key_unit: Option<Unit>,
    /// A unit text of our own (`of 3 contacts`) where no metric unit applies.
    key_note: String,
    top_finding: Option<Finding>,
    /// A top action's points: what the overall gains with the check at 100.
    points: Option<f64>,
}

impl Row {
    fn cells(self) -> [String; 17] {
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
            self.grade
                .or_else(|| self.score.map(|s| Grade::for_score(s).as_str().to_string()))
                .unwrap_or_default(),
            self.weight.map(trim_number).unwrap_or_default(),
            self.coverage.map(percent).unwrap_or_default(),
            self.key_metric,
            self.key_value
                .map(|v| value_text(v, self.key_unit.as_ref()))
                .unwrap_or_default(),
            self.key_unit.as_ref().map_or(self.key_note, unit_text),
            finding,
            recommendation,
            self.points.map(|p| format!("{p:.1}")).unwrap_or_default(),
        ]
    }
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// A metric's value as a slide shows it: shares as percentages, times to the hundredth.
fn value_text(value: f64, unit: Option<&Unit>) -> String {
    match unit {
        Some(Unit::Ratio) => percent(value),
        Some(Unit::Days) => format!("{value:.1}"),
        Some(Unit::Seconds | Unit::OutOf100 | Unit::Other(_)) | None => trim_number(value),
    }
}

/// The unit column: a share is written as a percentage, so its unit is `%`.
fn unit_text(unit: &Unit) -> String {
    match unit {
        Unit::Ratio => "%".into(),
        other => other.as_str().into(),
    }
}

pub fn render(report: &Report, bom: bool) -> Vec<u8> {
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
        grade: report.grade.map(|g| {
            let provisional = if report.provisional {
                " (provisional)"
            } else {
                ""
            };
            format!("{}{provisional}", g.as_str())
        }),
        coverage: report.coverage,
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
                title: channel.channel.to_string(),
                weight: Some(channel.weight),
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
                key_note: channel
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
            key_unit: metric.and_then(|m| m.unit.clone()),
            // An errored check's finding is its error: that is what to fix first.
            top_finding: check.top_finding().cloned().or_else(|| {
                check.error.as_ref().map(|e| Finding {
                    code: String::new(),
                    subject: None,
                    severity: super::model::Severity::Fail,
                    message: e.clone(),
                    recommendation: "Fix the error and run again.".into(),
                })
            }),
            ..Row::default()
        });
    }
    // What to do first, most points first: each a check raised to 100, re-scored.
    rows.extend(report.top_actions.iter().map(|action| {
        let check = report.checks.iter().find(|c| c.id == action.check);
        Row {
            level: "action",
            id: action.check.clone(),
            title: action.title.clone(),
            category: check
                .map(|c| c.category.id().to_string())
                .unwrap_or_default(),
            kind: check.map(|c| c.kind.clone()).unwrap_or_default(),
            score: check.and_then(|c| c.score),
            // An action's advice stands even when its check has no warning to quote.
            top_finding: Some(Finding {
                code: String::new(),
                subject: None,
                severity: super::model::Severity::Warn,
                message: action.finding.clone().unwrap_or_default(),
                recommendation: action.recommendation.clone(),
            }),
            points: Some(action.points),
            ..Row::default()
        }
    }));
    // The plan read against the run: an action's status in `status`, this audit's verdict as
    // its key figure, what to do as its recommendation.
    rows.extend(
        report
            .actions
            .iter()
            .flat_map(|review| &review.items)
            .map(|item| Row {
                level: "plan",
                id: item.id.clone(),
                status: item.status.as_str().into(),
                key_metric: "verdict".into(),
                key_note: item.verdict.as_str().into(),
                top_finding: Some(Finding {
                    code: String::new(),
                    subject: None,
                    severity: if item.overdue {
                        super::model::Severity::Fail
                    } else {
                        super::model::Severity::Info
                    },
                    message: [
                        (!item.owner.is_empty()).then(|| format!("owner {}", item.owner)),
                        item.due.map(|d| format!("due {d}")),
                        item.overdue.then(|| "overdue".to_string()),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("; "),
                    recommendation: item.recommendation.clone(),
                }),
                ..Row::default()
            }),
    );
    write(
        bom,
        COLUMNS.iter().map(|c| (*c).to_string()),
        rows.into_iter().map(Row::cells),
    )
}

/// One row per audit, one column per category and per channel measured: what a chart in a
/// slide reads. Runs of several audits concatenate under one header when their channels agree.
pub fn render_matrix(report: &Report, bom: bool) -> Vec<u8> {
    let mut header: Vec<String> = [
        "audit",
        "site",
        "date",
        "overall",
        "grade",
        "coverage",
        "confidence",
    ]
    .map(String::from)
    .to_vec();
    let mut row = vec![
        report.audit.name.clone(),
        report.audit.site.clone().unwrap_or_default(),
        report.audit.started_at.date_naive().to_string(),
        score_text(report.score),
        report
            .grade
            .map_or(String::new(), |g| g.as_str().to_string()),
        report.coverage.map(percent).unwrap_or_default(),
        report
            .confidence
            .map_or(String::new(), |c| c.as_str().to_string()),
    ];
    for category in &report.categories {
        header.push(category.id.id().to_string());
        row.push(score_text(category.score));
    }
    for channel in report.categories.iter().flat_map(|c| &c.channels) {
        header.push(format!("channel_{}", channel.channel));
        row.push(score_text(Some(channel.score)));
    }
    write(bom, header.into_iter(), std::iter::once(row))
}

fn score_text(score: Option<f64>) -> String {
    score.map(|s| format!("{s:.1}")).unwrap_or_default()
}

fn write<R: IntoIterator<Item = String>>(
    bom: bool,
    header: impl Iterator<Item = String>,
    rows: impl Iterator<Item = R>,
) -> Vec<u8> {
    let mut sheet = Sheet::new(bom);
    sheet.row(header);
    for row in rows {
        sheet.row(row);
    }
    sheet.into_bytes()
}
