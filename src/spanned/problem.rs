//! Input problems with their location: every bad input is reported as
//! `file:line:col: message` (or `file: row N, column C: message` for CSV),
//! all at once, so a user fixes a file in one pass.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in an input file a problem sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// 1-based line and column in a text file.
    LineCol { line: usize, col: usize },
    /// 1-based data row (the header is row 1) and the column's name.
    Cell { row: usize, column: String },
    /// The file as a whole (missing, unreadable, empty).
    File,
}

/// One problem found in an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub location: Location,
    pub message: String,
}

/// Every problem found in one input file. Exit code 3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: PathBuf,
    pub problems: Vec<Problem>,
}

impl InputError {
    pub fn whole_file(file: &Path, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            problems: vec![Problem {
                location: Location::File,
                message: message.into(),
            }],
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match &problem.location {
                Location::LineCol { line, col } => write!(f, "{file}:{line}:{col}: ")?,
                Location::Cell { row, column } => {
                    write!(f, "{file}: row {row}, column `{column}`: ")?
                }
                Location::File => write!(f, "{file}: ")?,
            }
            f.write_str(&problem.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Turns byte offsets into 1-based line and column (columns count characters).
pub struct LineIndex<'a> {
    text: &'a str,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        Self { text }
    }

    pub fn locate(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        // The offset may fall inside a character: count up to the boundary before it.
        let before = (0..=offset)
            .rev()
            .find_map(|end| self.text.get(..end))
            .unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before.get(line_start..).unwrap_or_default().chars().count() + 1;
        Location::LineCol { line, col }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_columns_from_one() {
        let index = LineIndex::new("a = 1\nbé = 2\n");
        assert_eq!(index.locate(0), Location::LineCol { line: 1, col: 1 });
        assert_eq!(index.locate(6), Location::LineCol { line: 2, col: 1 });
        // "é" is two bytes but one column.
        assert_eq!(index.locate(9), Location::LineCol { line: 2, col: 3 });
    }

    #[test]
    fn display_names_file_and_place() {
        let err = InputError {
            file: "a.toml".into(),
            problems: vec![
                Problem {
                    location: Location::LineCol { line: 3, col: 7 },
                    message: "bad".into(),
                },
                Problem {
                    location: Location::Cell {
                        row: 4,
                        column: "sent_at".into(),
                    },
                    message: "worse".into(),
                },
            ],
        };
        assert_eq!(
            err.to_string(),
            "a.toml:3:7: bad\na.toml: row 4, column `sent_at`: worse"
        );
    }
}
