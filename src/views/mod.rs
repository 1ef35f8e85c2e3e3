//! The outputs that are not the report: each view renders to bytes in the formats it offers,
//! like the report's renderers; commands only pick the format and print.

pub mod compare;
pub mod history;
pub mod survey;

/// How a view is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Tables for a terminal (outside text made inert).
    Table,
    /// Rows for a spreadsheet or a chart (the safe CSV writer).
    Csv,
    Json,
}

/// Pretty JSON with a final newline: what every view prints as JSON.
fn json(value: &impl serde::Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// A table in the views' one style, fitted to its content.
fn table(header: &[&str]) -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table
        .load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .force_no_tty();
    table.set_header(header);
    table
}
