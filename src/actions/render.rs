//! A plan for people: CSV to edit (the plan file itself), Markdown and HTML to read, JSON for
//! tools. Outside text is escaped for each.

use std::fmt::Write as _;

use super::PlanRow;
use crate::report::html::page_start;
use crate::report::markdown_escape as md;
use crate::report::sanitize::html as esc;

/// The formats `centricity actions` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    Csv,
    Markdown,
    Json,
    Html,
}

/// The plan of `audit`'s run in `format`.
pub fn render(rows: &[PlanRow], audit: &str, format: PlanFormat, bom: bool) -> Vec<u8> {
    match format {
        PlanFormat::Csv => super::to_csv(rows, bom),
        PlanFormat::Json => {
            let doc = serde_json::json!({ "audit": audit, "actions": rows });
            let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
            bytes.push(b'\n');
            bytes
        }
        PlanFormat::Markdown => markdown(rows, audit).into_bytes(),
        PlanFormat::Html => html(rows, audit).into_bytes(),
    }
}

/// The columns a reader sees, and a row's cells in them, outside text made safe by `escape`.
const HEADINGS: [&str; 7] = [
    "Action",
    "Finding",
    "What to do",
    "Points",
    "Owner",
    "Due",
    "Status",
];
const FINDING_COLUMN: usize = 1;
const POINTS_COLUMN: usize = 3;

fn cells(row: &PlanRow, escape: fn(&str) -> String) -> [String; 7] {
    [
        escape(&row.id),
        escape(&row.finding),
        escape(&row.recommendation),
        points(row),
        escape(&row.owner),
        row.due.map(|d| d.to_string()).unwrap_or_default(),
        row.status.as_str().to_string(),
    ]
}

fn markdown(rows: &[PlanRow], audit: &str) -> String {
    let rule: Vec<&str> = (0..HEADINGS.len())
        .map(|i| if i == POINTS_COLUMN { "---:" } else { "---" })
        .collect();
    let mut out = format!(
        "## Action plan: {}\n\n| {} |\n|{}|\n",
        md(audit),
        HEADINGS.join(" | "),
        rule.join("|")
    );
    for row in rows {
        let _ = writeln!(out, "| {} |", cells(row, md).join(" | "));
    }
    if rows.is_empty() {
        out.push_str("| nothing to do: no check warned or failed | | | | | | |\n");
    }
    out
}

fn html(rows: &[PlanRow], audit: &str) -> String {
    let mut out = page_start(&format!("Action plan: {}", esc(audit)), "");
    let _ = write!(
        out,
        "<section><h1>Action plan: {}</h1><table><tr>",
        esc(audit)
    );
    for (i, heading) in HEADINGS.iter().enumerate() {
        let class = if i == POINTS_COLUMN {
            " class=\"num\""
        } else {
            ""
        };
        let _ = write!(out, "<th{class}>{heading}</th>");
    }
    out.push_str("</tr>");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in cells(row, esc).iter().enumerate() {
            // The finding is coloured by how bad it is.
            let class = match i {
                FINDING_COLUMN if row.severity == "fail" => " class=\"fail\"",
                FINDING_COLUMN => " class=\"warn\"",
                POINTS_COLUMN => " class=\"num\"",
                _ => "",
            };
            let _ = write!(out, "<td{class}>{cell}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</table></section></body></html>\n");
    out
}

fn points(row: &PlanRow) -> String {
    row.points.map(|p| format!("+{p:.1}")).unwrap_or_default()
}
