//! The companies of a portfolio, one per CSV row, read as a stream: a study of thousands of
//! rows never sits in memory whole.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::spanned::{InputError, Location, Problem};

/// One row: the company's name, its sector when the CSV has that column, and every column's
/// value for the template's placeholders.
#[derive(Debug, Clone, PartialEq)]
pub struct Company {
    /// The CSV row (1 is the header).
    pub row: usize,
    pub name: String,
    pub sector: Option<String>,
    pub fields: BTreeMap<String, String>,
}

/// The header's columns and the rows after it, each a company or the reason it is not one.
pub fn read_companies(
    path: &Path,
) -> Result<
    (
        Vec<String>,
        impl Iterator<Item = Result<Company, InputError>>,
    ),
    InputError,
> {
    let file = std::fs::File::open(path)
        .map_err(|e| InputError::whole_file(path, format!("cannot read the companies: {e}")))?;
    read_companies_from(file, path)
}

/// The same from any reader (`path` names it in messages).
pub fn read_companies_from<R: std::io::Read>(
    source: R,
    path: &Path,
) -> Result<
    (
        Vec<String>,
        impl Iterator<Item = Result<Company, InputError>>,
    ),
    InputError,
> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(source);
    let columns: Vec<String> = reader
        .headers()
        .map_err(|e| InputError::whole_file(path, format!("cannot read the CSV header: {e}")))?
        .iter()
        .map(|c| c.trim().to_string())
        .collect();
    if !columns.iter().any(|c| c == "name") {
        return Err(at_cell(
            path,
            1,
            "name",
            "the companies need a `name` column",
        ));
    }
    let path: PathBuf = path.to_path_buf();
    let header = columns.clone();
    let rows = reader.into_records().enumerate().map(move |(i, record)| {
        let row = i + 2;
        let record =
            record.map_err(|e| at_cell(&path, row, "(row)", &format!("unreadable row: {e}")))?;
        let fields: BTreeMap<String, String> = header
            .iter()
            .zip(record.iter())
            .map(|(column, value)| (column.clone(), value.trim().to_string()))
            .collect();
        let name = fields.get("name").cloned().unwrap_or_default();
        if name.is_empty() {
            return Err(at_cell(
                &path,
                row,
                "name",
                "empty: every company needs a name",
            ));
        }
        let sector = fields.get("sector").filter(|s| !s.is_empty()).cloned();
        Ok(Company {
            row,
            name,
            sector,
            fields,
        })
    });
    Ok((columns, rows))
}

fn at_cell(path: &Path, row: usize, column: &str, message: &str) -> InputError {
    InputError {
        file: path.to_path_buf(),
        problems: vec![Problem {
            location: Location::Cell {
                row,
                column: column.to_string(),
            },
            message: message.to_string(),
        }],
    }
}
