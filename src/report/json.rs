//! The JSON report, schema version 1.

use super::Report;

pub fn render(report: &Report) -> Vec<u8> {
    // The report holds only strings, numbers and plain structs: serialising cannot fail.
    let mut bytes = serde_json::to_vec_pretty(report)
        .unwrap_or_else(|e| unreachable!("report serialises: {e}"));
    bytes.push(b'\n');
    bytes
}
