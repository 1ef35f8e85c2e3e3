//! Terminal tables: categories (score, bar, coverage, grade), then checks
//! (status, score, key metric, top finding), then what to do first.

use comfy_table::{
    Attribute, Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED,
};

use super::model::{Grade, Status};
use super::sanitize::{cell, terminal};
use super::{
    CHANNEL_HEADER, Decoration, Report, channel_rows, grade_text, key_metric, score_text, shorten,
};

const BAR_WIDTH: usize = 10;

pub fn render(report: &Report, decoration: Decoration) -> Vec<u8> {
    let mut out = String::new();
    let grade = grade_text(report);
    out.push_str(&format!(
        "{} — overall {} ({grade})",
        terminal(&report.audit.name),
        score_text(report.score)
    ));
    if !report.complete {
        out.push_str(" — INCOMPLETE: some checks could not be measured");
    }
    out.push_str("\n\n");

    let mut categories = new_table(decoration, ["Category", "Score", "", "Coverage", "Grade"]);
    for category in &report.categories {
        categories.add_row(vec![
            Cell::new(&category.title),
            score_cell(category.score, decoration),
            Cell::new(bar(category.score)),
            Cell::new(format!("{:.0}%", category.coverage * 100.0)),
            Cell::new(
                category
                    .score
                    .map_or("not assessed", |s| Grade::for_score(s).as_str()),
            ),
        ]);
    }
    out.push_str(&categories.to_string());
    out.push_str("\n\n");
    let channels = channel_rows(report);
    if !channels.is_empty() {
        let mut table = new_table(decoration, CHANNEL_HEADER);
        for row in channels {
            table.add_row(row.iter().map(cell));
        }
        out.push_str(&table.to_string());
        out.push_str("\n\n");
    }

    let mut checks = new_table(
        decoration,
        [
            "Check",
            "Kind",
            "Status",
            "Score",
            "Key metric",
            "Top finding",
        ],
    );
    for check in &report.checks {
        let metric = key_metric(check)
            .map(|(name, value)| format!("{name} {value}"))
            .unwrap_or_default();
        let finding = check
            .error
            .as_deref()
            .or_else(|| check.top_finding().map(|f| f.message.as_str()))
            .unwrap_or_default();
        checks.add_row(vec![
            cell(&check.id),
            cell(&check.kind),
            status_cell(check.status, decoration),
            score_cell(check.score, decoration),
            cell(metric),
            cell(shorten(finding, 90)),
        ]);
    }
    out.push_str(&checks.to_string());
    out.push('\n');

    let notes: Vec<String> = report
        .categories
        .iter()
        .flat_map(|c| c.findings.iter().map(move |f| (c, f)))
        .filter(|(_, f)| f.severity > super::model::Severity::Info)
        .map(|(c, f)| {
            let note = format!("- {}: {} {}", c.id.id(), f.message, f.recommendation);
            terminal(&note).into_owned()
        })
        .collect();
    if !notes.is_empty() {
        out.push('\n');
        out.push_str(&notes.join("\n"));
        out.push('\n');
    }
    out.into_bytes()
}

fn new_table<const N: usize>(decoration: Decoration, header: [&str; N]) -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if decoration.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    // Off a terminal (a file, a pipe) comfy-table cannot know a width: pick one that fits a slide.
    if table.width().is_none() {
        table.set_width(140);
    }
    table.set_header(
        header
            .iter()
            .map(|h| Cell::new(h).add_attribute(Attribute::Bold)),
    );
    table
}

fn bar(score: Option<f64>) -> String {
    let Some(score) = score else {
        return String::new();
    };
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "0–100 maps to 0–10"
    )]
    let filled = ((score / 100.0) * BAR_WIDTH as f64)
        .round()
        .clamp(0.0, BAR_WIDTH as f64) as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(BAR_WIDTH - filled))
}

fn score_cell(score: Option<f64>, decoration: Decoration) -> Cell {
    let cell = Cell::new(score_text(score));
    match (decoration.color, score) {
        (true, Some(s)) => cell.fg(match Grade::for_score(s) {
            Grade::CustomerCentric => Color::Green,
            Grade::InTransition => Color::Yellow,
            Grade::ProductCentric => Color::Red,
        }),
        _ => cell,
    }
}

fn status_cell(status: Status, decoration: Decoration) -> Cell {
    let cell = Cell::new(status.as_str());
    if !decoration.color {
        return cell;
    }
    match status {
        Status::Pass => cell.fg(Color::Green),
        Status::Warn | Status::Pending => cell.fg(Color::Yellow),
        Status::Fail | Status::Error => cell.fg(Color::Red),
        Status::Skipped | Status::NotApplicable => cell.fg(Color::DarkGrey),
    }
}
