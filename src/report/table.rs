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
/// Off a terminal (a file, a pipe) tables are laid out to fit a slide.
const SLIDE_WIDTH: u16 = 140;

pub fn render(report: &Report, decoration: Decoration) -> Vec<u8> {
    let mut out = String::new();
    let width = usize::from(decoration.width.unwrap_or(SLIDE_WIDTH));
    let grade = grade_text(report);
    let mut headline = format!(
        "{} — overall {} ({grade})",
        terminal(&report.audit.name),
        score_text(report.score)
    );
    if !report.complete {
        headline.push_str(" — INCOMPLETE: some checks could not be measured");
    }
    out.push_str(&wrap(&headline, width));
    out.push_str("\n\n");

    let mut categories = new_table(decoration, &["Category", "Score", "", "Coverage", "Grade"]);
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
        let mut table = new_table(decoration, &CHANNEL_HEADER);
        for row in channels {
            table.add_row(row.iter().map(cell));
        }
        out.push_str(&table.to_string());
        out.push_str("\n\n");
    }

    // On a narrow terminal the kind is the column to lose: the id says most of it.
    let with_kind = decoration.width.is_none_or(|w| w >= 100);
    let header: Vec<&str> = [
        "Check",
        "Kind",
        "Status",
        "Score",
        "Key metric",
        "Top finding",
    ]
    .into_iter()
    .filter(|h| with_kind || *h != "Kind")
    .collect();
    let mut checks = new_table(decoration, &header);
    for check in &report.checks {
        let metric = key_metric(check).unwrap_or_default();
        let finding = check
            .error
            .as_deref()
            .or_else(|| check.top_finding().map(|f| f.message.as_str()))
            .unwrap_or_default();
        let finding = if decoration.full_text {
            finding.to_string()
        } else {
            shorten(finding, 90)
        };
        let mut row = vec![cell(&check.id)];
        if with_kind {
            row.push(cell(&check.kind));
        }
        row.extend([
            status_cell(check.status, decoration),
            score_cell(check.score, decoration),
            cell(metric),
            cell(finding),
        ]);
        checks.add_row(row);
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
            wrap(&terminal(&note), width)
        })
        .collect();
    if !notes.is_empty() {
        out.push('\n');
        out.push_str(&notes.join("\n"));
        out.push('\n');
    }
    if let Some(review) = &report.actions {
        out.push('\n');
        out.push_str(&wrap(&terminal(&review.summary()), width));
        out.push('\n');
    }
    let actions = super::top_actions(report, 5);
    if !actions.is_empty() {
        out.push_str("\nTop actions (what the overall gains with the check at 100):\n");
        for action in actions {
            let line = format!(
                "- +{:.1} {}: {}",
                action.points, action.title, action.recommendation
            );
            out.push_str(&wrap(&terminal(&line), width));
            out.push('\n');
        }
    }
    out.into_bytes()
}

fn new_table(decoration: Decoration, header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    // The width is decided once by the command (terminal, COLUMNS, or a slide's width off one).
    table.force_no_tty();
    if decoration.color {
        table.enforce_styling();
    }
    table.set_width(decoration.width.unwrap_or(SLIDE_WIDTH));
    table.set_header(
        header
            .iter()
            .map(|h| Cell::new(h).add_attribute(Attribute::Bold)),
    );
    table
}

/// Words laid out in lines of at most `width` characters, later lines indented under the
/// first's text ("- "); a word longer than a line stands alone.
fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let used = line.chars().count();
        if used > 0 && used + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
            line.push_str("  ");
        } else if used > 0 && !line.ends_with("  ") {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
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
