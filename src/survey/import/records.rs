//! Reading an export's records: decoded, delimiter found, each row turned into one
//! respondent's answers, the tool's own columns (respondent, date, role, status) located once.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::layout::Layout;
use super::matching::{Column, shorten};
use crate::spanned::{InputError, Location, Problem};
use crate::survey::answers::{AnswerRow, Origin, Value, parse_cell};
use crate::survey::questionnaire::Question;

/// An export's rows, read one at a time from its decoded text, whatever delimiter it was
/// saved with: the whole file held as cells would cost many times the file.
pub(super) struct Rows<'t> {
    reader: csv::Reader<&'t [u8]>,
    record: csv::StringRecord,
    /// 1-based number of the row last read.
    number: usize,
}

impl<'t> Rows<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(crate::spreadsheet::sniff_delimiter(text))
            .from_reader(text.as_bytes());
        Self {
            reader,
            record: csv::StringRecord::new(),
            number: 0,
        }
    }

    /// The next row's number (from 1) and cells, `None` after the last.
    pub(super) fn next(&mut self, path: &Path) -> Result<Option<(usize, Vec<&str>)>, InputError> {
        self.number += 1;
        match self.reader.read_record(&mut self.record) {
            Ok(true) => Ok(Some((self.number, self.record.iter().collect()))),
            Ok(false) => Ok(None),
            Err(e) => Err(InputError {
                file: path.to_path_buf(),
                problems: vec![Problem {
                    location: Location::Cell {
                        row: self.number,
                        column: "(row)".into(),
                    },
                    message: format!("unreadable CSV: {e}"),
                }],
            }),
        }
    }
}

/// Where the survey tool's own columns are, found once for the whole file.
pub(super) struct ToolColumns {
    pub(super) respondent: Option<usize>,
    pub(super) submitted_at: Option<usize>,
    pub(super) segment: Option<usize>,
    pub(super) completion: Option<usize>,
    pub(super) status: Option<usize>,
}

impl ToolColumns {
    pub(super) fn of(columns: &[Column]) -> Self {
        let at = |wanted: Column| columns.iter().position(|c| *c == wanted);
        Self {
            respondent: at(Column::Respondent),
            submitted_at: at(Column::SubmittedAt),
            segment: at(Column::Segment),
            completion: at(Column::Completion),
            status: at(Column::Status),
        }
    }
}

/// A record's cell at `at`, trimmed, when it holds anything.
pub(super) fn cell<'r>(record: &[&'r str], at: Option<usize>) -> Option<&'r str> {
    at.and_then(|i| record.get(i))
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
}

#[expect(
    clippy::too_many_arguments,
    reason = "one record's context, kept explicit"
)]
pub(super) fn read_record(
    record: &[&str],
    row_number: usize,
    layout: Layout,
    headers: &[(String, Option<String>)],
    columns: &[Column],
    tool: &ToolColumns,
    questions: &[Option<(&Question, Arc<str>)>],
    rows: &mut Vec<AnswerRow>,
    problems: &mut Vec<Problem>,
) {
    let get = |i: usize| cell(record, Some(i)).unwrap_or_default();
    let respondent: Arc<str> =
        cell(record, tool.respondent).map_or_else(|| format!("row {row_number}").into(), Arc::from);
    let submitted_at = cell(record, tool.submitted_at).map(Arc::from);
    let segment = cell(record, tool.segment).map(Arc::from);
    let mut multi: BTreeMap<String, (Vec<usize>, Option<String>)> = BTreeMap::new();
    for (i, column) in columns.iter().enumerate() {
        let cell = get(i);
        match column {
            Column::Answer(_) => {
                let Some((question, id)) = &questions[i] else {
                    continue;
                };
                match parse_cell(question, cell) {
                    Ok(Some(value)) => rows.push(AnswerRow {
                        respondent: respondent.clone(),
                        source: Origin::Export(layout),
                        submitted_at: submitted_at.clone(),
                        segment: segment.clone(),
                        question: Arc::clone(id),
                        value,
                    }),
                    Ok(None) => {}
                    Err(message) => problems.push(Problem {
                        location: Location::Cell {
                            row: row_number,
                            column: shorten(&headers[i].0),
                        },
                        message: format!("{id}: {message}"),
                    }),
                }
            }
            // Chosen when the cell holds anything but an explicit "no".
            Column::Option { question, option }
                if !cell.is_empty() && !matches!(cell, "0" | "N" | "No") =>
            {
                multi.entry(question.clone()).or_default().0.push(*option);
            }
            Column::NoneOfThese(question)
                if !cell.is_empty() && !matches!(cell, "0" | "N" | "No") =>
            {
                multi.entry(question.clone()).or_default();
            }
            Column::OtherText(question) if !cell.is_empty() => {
                multi.entry(question.clone()).or_default().1 = Some(cell.to_string());
            }
            // An unchosen option, an empty "Other", and the tool's own columns (read apart).
            Column::Option { .. }
            | Column::NoneOfThese(_)
            | Column::OtherText(_)
            | Column::Respondent
            | Column::SubmittedAt
            | Column::Segment
            | Column::Completion
            | Column::Status
            | Column::Ignored => {}
        }
    }
    for (question, (mut chosen, other)) in multi {
        chosen.sort_unstable();
        rows.push(AnswerRow {
            respondent: respondent.clone(),
            source: Origin::Export(layout),
            submitted_at: submitted_at.clone(),
            segment: segment.clone(),
            question: question.into(),
            value: Value::Multi { chosen, other },
        });
    }
}
