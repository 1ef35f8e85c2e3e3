//! `centricity compare`: what changed between two runs, as a table or JSON.

use super::Format;
use crate::report::sanitize::{terminal, terminal_lines};
use crate::score::compare::{Comparison, Delta};

/// The comparison in `format`; a table for CSV too (a comparison has no rows of one shape).
pub fn render(comparison: &Comparison, format: Format) -> Vec<u8> {
    match format {
        Format::Json => super::json(comparison),
        Format::Table | Format::Csv => table(comparison).into_bytes(),
    }
}

fn table(comparison: &Comparison) -> String {
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
    let mut table = super::table(&[
        "",
        &format!("Run #{}", comparison.from),
        &format!("Run #{}", comparison.to),
        "Change",
    ]);
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
                out.push_str(&format!("  - {item}\n"));
            }
        }
    }
    terminal_lines(&out).into_owned()
}
