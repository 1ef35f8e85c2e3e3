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

fn markdown(rows: &[PlanRow], audit: &str) -> String {
    let mut out = format!(
        "## Action plan: {}\n\n| Action | Finding | What to do | Points | Owner | Due | Status |\n|---|---|---|---:|---|---|---|\n",
        md(audit)
    );
    for row in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md(&row.id),
            md(&row.finding),
            md(&row.recommendation),
            points(row),
            md(&row.owner),
            row.due.map(|d| d.to_string()).unwrap_or_default(),
            row.status.as_str()
        );
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
        "<section><h1>Action plan: {}</h1><table><tr><th>Action</th><th>Finding</th><th>What to do</th>\
         <th class=\"num\">Points</th><th>Owner</th><th>Due</th><th>Status</th></tr>",
        esc(audit)
    );
    for row in rows {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&row.id),
            if row.severity == "fail" {
                "fail"
            } else {
                "warn"
            },
            esc(&row.finding),
            esc(&row.recommendation),
            points(row),
            esc(&row.owner),
            row.due.map(|d| d.to_string()).unwrap_or_default(),
            row.status.as_str()
        );
    }
    out.push_str("</table></section></body></html>\n");
    out
}

fn points(row: &PlanRow) -> String {
    row.points.map(|p| format!("+{p:.1}")).unwrap_or_default()
}
