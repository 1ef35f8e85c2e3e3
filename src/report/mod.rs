//! The report and its renderers. Each renderer is a pure function from a
//! [`Report`] to bytes; one enum selects it, and one run can write several.

mod csv;
pub use markdown::escape as markdown_escape;
pub use sheet::Sheet;
pub mod html;
mod json;
mod junit;
mod logo;
mod markdown;
pub mod model;
pub mod pdf;
pub mod presentation;
pub mod sanitize;
mod sheet;
mod table;

pub use model::Report;
use model::trim_number;

use crate::text::{UnknownName, by_name};

/// What surrounds a report: what the run history adds (an earlier run to compare with, the
/// overall score of this audit's runs up to this one, oldest first) and how the audit file's
/// `[report]` table wants it shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct History<'a> {
    /// The `[report]` settings; none is [`presentation::PLAIN`].
    pub presentation: Option<&'a presentation::Presentation>,
    pub baseline: Option<&'a Report>,
    pub trend: &'a [TrendPoint],
    /// Where the company stands in the portfolio its run was recorded for.
    pub standing: Option<&'a Standing>,
    /// The CI gates judged on this run (`--fail-under`, `[thresholds]`, `--max-drop`).
    pub gates: &'a [GateVerdict],
}

impl History<'_> {
    pub fn presentation(&self) -> &presentation::Presentation {
        self.presentation.unwrap_or(&presentation::PLAIN)
    }
}

/// One CI gate judged on a run: its name (`fail-under`, `threshold reach`, `max-drop check
/// faq`), whether it held, and the figures in words.
#[derive(Debug, Clone, PartialEq)]
pub struct GateVerdict {
    pub name: String,
    pub held: bool,
    pub message: String,
}

/// A company's place in its portfolio.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub portfolio: String,
    pub place: usize,
    /// Companies ranked.
    pub of: usize,
    pub sector: Option<String>,
    /// Where it stands in its sector, 0–100.
    pub sector_percentile: Option<f64>,
}

/// One run's overall score, for a trend line.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    /// The run's day, `YYYY-MM-DD`.
    pub date: String,
    pub score: f64,
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
    CsvMatrix,
    Markdown,
    Junit,
    Html,
    Pdf,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: &'static [Format] = &[
        Format::Table,
        Format::Json,
        Format::Csv,
        Format::CsvMatrix,
        Format::Markdown,
        Format::Junit,
        Format::Html,
        Format::Pdf,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::CsvMatrix => "csv-matrix",
            Format::Markdown => "markdown",
            Format::Junit => "junit",
            Format::Html => "html",
            Format::Pdf => "pdf",
        }
    }

    /// What the format is for, as `--help` says it.
    pub fn help(self) -> &'static str {
        match self {
            Format::Table => "Tables for a terminal",
            Format::Json => "The schema-versioned report (schema/report.v1.json)",
            Format::Csv => {
                "One row for the overall score, one per category, one per check, for spreadsheets and slides"
            }
            Format::CsvMatrix => {
                "One row per audit, one column per category and channel: the matrix a slide's chart reads"
            }
            Format::Markdown => {
                "For CI job summaries and pull-request comments (with deltas against a baseline run)"
            }
            Format::Junit => "JUnit XML, one test case per check, for CI dashboards",
            Format::Html => {
                "One self-contained page for the client (no script, no network), printable to PDF"
            }
            Format::Pdf => {
                "The HTML report printed to PDF by headless Chromium (on PATH, or CENTRICITY_CHROMIUM)"
            }
        }
    }
}

impl std::str::FromStr for Format {
    type Err = UnknownName;

    fn from_str(name: &str) -> Result<Self, UnknownName> {
        by_name(Self::ALL, Self::name, "format", name)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How a human-facing format is decorated; machine formats ignore it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decoration {
    pub color: bool,
    /// CSV starts with a UTF-8 byte-order mark, so Excel on Windows reads it as UTF-8.
    pub csv_bom: bool,
    /// The terminal's width tables fit; `None` off a terminal (a slide's width then).
    pub width: Option<u16>,
    /// Texts in full (`-v`): errors and findings are not cut to fit a cell.
    pub full_text: bool,
}

impl Default for Decoration {
    fn default() -> Self {
        Self {
            color: false,
            csv_bom: true,
            width: None,
            full_text: false,
        }
    }
}

impl Format {
    /// The format's bytes: the rendering, printed to PDF by the browser for `Pdf`.
    pub fn produce(
        self,
        report: &Report,
        decoration: Decoration,
        history: &History<'_>,
    ) -> Result<Vec<u8>, pdf::PdfError> {
        let rendered = self.render(report, decoration, history);
        if self == Format::Pdf {
            pdf::print(&rendered, &pdf::Browser::find()?)
        } else {
            Ok(rendered)
        }
    }

    /// Renders `report`; the history around it adds deltas and trends where a format shows them.
    /// Pure: `Pdf` renders the page that prints ([`Format::produce`] prints it).
    pub fn render(self, report: &Report, decoration: Decoration, history: &History<'_>) -> Vec<u8> {
        let baseline = history.baseline;
        match self {
            Format::Table => table::render(report, decoration),
            Format::Json => json::render(report),
            Format::Csv => csv::render(report, decoration.csv_bom),
            Format::CsvMatrix => csv::render_matrix(report, decoration.csv_bom),
            Format::Markdown => markdown::render(report, baseline, &history.presentation().notes),
            Format::Junit => junit::render(report, history.gates),
            Format::Html | Format::Pdf => html::render(report, history),
        }
    }
}

pub(crate) use crate::text::shorten;

/// A score as shown to people: one decimal, or a dash when it could not be measured.
pub(crate) fn score_text(score: Option<f64>) -> String {
    score.map_or_else(|| "—".to_string(), |s| format!("{s:.1}"))
}

/// The grade as every format states it, with what it rests on: "in transition; 40% of the
/// audit assessed, confidence low, grade provisional".
pub(crate) fn grade_text(report: &Report) -> String {
    let Some(grade) = report.grade else {
        return "not scored".into();
    };
    let mut text = grade.as_str().to_string();
    if let Some(coverage) = report.coverage {
        text.push_str(&format!("; {:.0}% of the audit assessed", coverage * 100.0));
    }
    if let Some(confidence) = report.confidence {
        text.push_str(&format!(", confidence {}", confidence.as_str()));
    }
    if report.provisional {
        text.push_str(", grade provisional");
    }
    text
}

/// The first `count` top actions (scoring ranked them), as every format for people lists them.
pub(crate) fn top_actions(report: &Report, count: usize) -> &[model::TopAction] {
    &report.top_actions[..report.top_actions.len().min(count)]
}

/// What a report says when it lists no action: why, in words.
pub(crate) fn no_actions_text(report: &Report) -> &'static str {
    if report.score.is_none() {
        "Nothing was scored, so no action can be weighed yet."
    } else if report
        .checks
        .iter()
        .any(|c| c.score.is_some_and(|s| s < 100.0))
    {
        "This run was recorded before top actions were reported: run the audit again."
    } else {
        "Every scored check is at 100."
    }
}

/// Each category with its own findings and its checks', labelled (`category` or the check's
/// label), the most severe first; categories without any are left out.
pub(crate) fn findings_by_category<'r>(
    report: &'r Report,
    label: impl Fn(&'r model::CheckReport) -> &'r str,
) -> Vec<(
    &'r model::CategoryReport,
    Vec<(&'r str, &'r model::Finding)>,
)> {
    report
        .categories
        .iter()
        .filter_map(|category| {
            let mut found: Vec<(&str, &model::Finding)> = category
                .findings
                .iter()
                .map(|f| ("category", f))
                .chain(
                    report
                        .checks
                        .iter()
                        .filter(|c| c.category == category.id)
                        .flat_map(|c| c.findings.iter().map(|f| (label(c), f))),
                )
                .collect();
            found.sort_by_key(|(_, f)| std::cmp::Reverse(f.severity));
            (!found.is_empty()).then_some((category, found))
        })
        .collect()
}

/// The header and rows of the per-channel view of the responsiveness category, as text
/// (channel and check ids are ours; renderers escape as their format needs).
/// The voice is each row's weight in the category's score, so the category recomputes from them.
pub(crate) const CHANNEL_HEADER: [&str; 6] = [
    "Channel",
    "Score",
    "Voice",
    "Answered",
    "Unanswered",
    "Checks",
];

pub(crate) fn channel_rows(report: &Report) -> Vec<[String; 6]> {
    report
        .categories
        .iter()
        .flat_map(|c| &c.channels)
        .map(|channel| {
            [
                channel.channel.title(),
                format!("{:.1}", channel.score),
                trim_number(channel.weight),
                if channel.answered { "yes" } else { "no" }.to_string(),
                match (channel.unanswered, channel.contacts) {
                    (Some(unanswered), Some(contacts)) => format!("{unanswered} of {contacts}"),
                    _ => "—".to_string(),
                },
                channel.checks.join(", "),
            ]
        })
        .collect()
}

/// The first metric of a check in words with its value ("Contacts a person answered: 80%"),
/// for one-line views.
pub(crate) fn key_metric(check: &model::CheckReport) -> Option<String> {
    check
        .metrics
        .first()
        .map(|m| format!("{}: {}", m.label(), m.display_value()))
}
