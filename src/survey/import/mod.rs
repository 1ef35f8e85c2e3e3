//! Survey exports (Google Forms, Microsoft Forms, Typeform, SurveyMonkey,
//! Qualtrics, LimeSurvey, and our own template) into the long format. The
//! layout is detected from the header rows; columns are matched to questions
//! by id, by text or by a mapping file — never by position.

mod abbreviated;
mod columns;
mod headings;
pub(super) mod layout;
mod mapping;
pub mod matching;
mod records;
mod words;

use records::{Rows, ToolColumns, cell, read_record};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::answers::AnswerRow;
use super::questionnaire::{Question, Questionnaire};
use crate::spanned::{InputError, Location, Problem};
use columns::map_columns;
pub use headings::Headings;
pub use layout::{Layout, Marked, Standing};
pub use mapping::{Mapping, read_mapping};
use matching::{Bank, Column, How, Matched, shorten};

/// How to read an export beyond what it says itself.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The layout, when detection should not decide.
    pub layout: Option<Layout>,
    pub mapping: Mapping,
    /// Keep responses their tool marks unfinished (they are left out by default).
    pub include_partial: bool,
}

/// How an export's columns were matched to a questionnaire's questions.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    pub layout: Layout,
    /// How a LimeSurvey export headed its columns, when with texts.
    pub headings: Option<Headings>,
    /// Every column and how it was matched, in the file's order.
    pub columns: Vec<Matched>,
    /// Questions no column answers.
    pub unanswered: Vec<String>,
    /// Unknown columns ignored, questions without a column, doubtful matches, responses left
    /// out: said, not fatal.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub mapped: Mapped,
    pub rows: Vec<AnswerRow>,
    /// Responses left out: unfinished ones (unless kept) and previews, tests, spam by status.
    pub excluded: BTreeMap<LeftOut, usize>,
}

/// Why a response was left out of an import. Ordered as the notes list them, by their
/// words: `preview`, `spam`, `test`, then `unfinished`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LeftOut {
    NotARespondent(Marked),
    Unfinished,
}

impl Mapped {
    /// The layout as people read it: `limesurvey (abbreviated question texts)`.
    pub fn layout_label(&self) -> String {
        match self.headings {
            Some(headings) => format!("{} ({})", self.layout.name(), headings.describe()),
            None => self.layout.name().to_string(),
        }
    }

    /// One line on how the columns were matched, for stderr.
    pub fn summary(&self) -> String {
        let count = |f: &dyn Fn(&How) -> bool| self.columns.iter().filter(|c| f(&c.how)).count();
        let matched = count(&|h| {
            !matches!(
                h,
                How::Tool | How::Segment | How::None | How::Duplicate { .. }
            )
        });
        let similar = count(&|h| matches!(h, How::Similar { .. }));
        let grid = count(&|h| matches!(h, How::GridRow));
        let ignored = count(&|h| matches!(h, How::None | How::Duplicate { .. }));
        let abbreviated = match count(&|h| matches!(h, How::Abbreviated)) {
            0 => String::new(),
            n => format!(", {n} by abbreviated text"),
        };
        format!(
            "{} export: {matched} column(s) matched to questions ({grid} by grid row, {similar} by similarity{abbreviated}), {ignored} ignored; {} question(s) without a column",
            self.layout_label(),
            self.unanswered.len()
        )
    }
}

/// How the columns of an export match `questionnaire`, without reading its answers
/// (`survey map`: worth seeing even when nothing matched).
pub fn map(
    bytes: &[u8],
    path: &Path,
    questionnaire: &Questionnaire,
    options: &Options,
) -> Result<Mapped, InputError> {
    let text = crate::spreadsheet::decode(bytes);
    read_and_map(&text, path, questionnaire, options).map(|read| read.mapped)
}

/// The file's first rows (headers, and maybe answers), the rows after them still to read,
/// its headers, and how they were matched.
struct Read<'t> {
    head: Vec<Vec<String>>,
    rest: Rows<'t>,
    headers: Vec<(String, Option<String>)>,
    mapped: Mapped,
}

/// Rows read to detect the layout: the most header rows a layout has.
const HEAD_ROWS: usize = 3;

fn read_and_map<'t>(
    text: &'t str,
    path: &Path,
    questionnaire: &Questionnaire,
    options: &Options,
) -> Result<Read<'t>, InputError> {
    let mut rest = Rows::new(text);
    let mut head: Vec<Vec<String>> = Vec::new();
    while head.len() < HEAD_ROWS {
        let Some((_, row)) = rest.next(path)? else {
            break;
        };
        head.push(row.into_iter().map(str::to_string).collect());
    }
    let Some(first) = head.first() else {
        return Err(InputError::whole_file(path, "the file is empty"));
    };
    let detected = Layout::detect(
        first,
        head.get(1).map(Vec::as_slice),
        head.get(2).map(Vec::as_slice),
    );
    let Some(layout) = options.layout.or(detected) else {
        return Err(InputError::whole_file(
            path,
            format!(
                "unknown export layout (first header `{}`); expected a Google Forms, Microsoft Forms, Typeform, \
                 SurveyMonkey, Qualtrics (current or legacy), LimeSurvey or centricity template export, or name one with --layout",
                first.first().map(String::as_str).unwrap_or_default()
            ),
        ));
    };
    let header_rows = layout.header_rows();
    if head.len() < header_rows {
        return Err(InputError::whole_file(
            path,
            format!("a {} export has {header_rows} header rows", layout.name()),
        ));
    }
    let headings = (layout == Layout::Limesurvey)
        .then(|| Headings::of(first))
        .flatten();
    let headers = layout.headers(&head[..header_rows], headings);
    let bank = Bank::new(questionnaire, super::questionnaire::bank())
        .abbreviated(headings.is_some_and(Headings::abbreviated));
    let answers = |wanted: &[usize]| distinct_answers(text, header_rows, wanted);
    let (columns, mut notes) = map_columns(
        &headers,
        (layout, headings),
        &bank,
        &options.mapping,
        &answers,
    );
    let unanswered: Vec<String> = questionnaire
        .questions()
        .filter(|q| !columns.iter().any(|m| m.question.as_deref() == Some(&q.id)))
        .map(|q| q.id.clone())
        .collect();
    for id in &unanswered {
        if let Some(q) = questionnaire.question(id) {
            notes.push(format!("{id} has no column: \"{}\"", shorten(&q.text)));
        }
    }
    Ok(Read {
        head,
        rest,
        headers,
        mapped: Mapped {
            layout,
            headings,
            columns,
            unanswered,
            notes,
        },
    })
}

/// The distinct non-empty answers in each of the `wanted` columns, read in one pass over the
/// rows after the headers; `None` for a column with more than `abbreviated::DISTINCT_ANSWERS`.
/// A row the CSV reader refuses ends the pass: the import reports it with its row.
fn distinct_answers(
    text: &str,
    header_rows: usize,
    wanted: &[usize],
) -> Vec<Option<BTreeSet<String>>> {
    let mut found: Vec<Option<BTreeSet<String>>> = vec![Some(BTreeSet::new()); wanted.len()];
    let mut rows = Rows::new(text);
    let path = Path::new("");
    let mut number = 0;
    while let Ok(Some((_, record))) = rows.next(path) {
        number += 1;
        if number <= header_rows {
            continue;
        }
        for (column, answers) in wanted.iter().zip(found.iter_mut()) {
            let (Some(set), Some(value)) = (answers.as_mut(), cell(&record, Some(*column))) else {
                continue;
            };
            set.insert(value.to_string());
            if set.len() > abbreviated::DISTINCT_ANSWERS {
                *answers = None;
            }
        }
    }
    found
}

/// Reads an export for `questionnaire`. Every bad cell is reported with its row and column,
/// and nothing is imported from a file with a bad cell.
pub fn import(
    bytes: &[u8],
    path: &Path,
    questionnaire: &Questionnaire,
    options: &Options,
) -> Result<Imported, InputError> {
    let text = crate::spreadsheet::decode(bytes);
    let Read {
        head,
        mut rest,
        headers,
        mut mapped,
    } = read_and_map(&text, path, questionnaire, options)?;
    let layout = mapped.layout;
    let header_rows = layout.header_rows();
    let matched = &mapped.columns;
    if !matched
        .iter()
        .any(|m| m.question.is_some() && m.how != How::BareOptions)
    {
        return Err(InputError::whole_file(
            path,
            format!(
                "no column matches a question of `{}`: is this the export of another questionnaire?",
                questionnaire.id
            ),
        ));
    }
    let columns: Vec<Column> = matched.iter().map(|m| m.column.clone()).collect();
    // Each column's question and id, looked up once rather than once per cell.
    let questions: Vec<Option<(&Question, std::sync::Arc<str>)>> = columns
        .iter()
        .map(|c| match c {
            Column::Answer(id) => questionnaire.question(id).map(|q| (q, id.as_str().into())),
            Column::Option { .. }
            | Column::OtherText(_)
            | Column::NoneOfThese(_)
            | Column::Respondent
            | Column::SubmittedAt
            | Column::Segment
            | Column::Completion
            | Column::Status
            | Column::Ignored => None,
        })
        .collect();
    // A row that stops before a question column was cut off (trailing empty columns are fine).
    let last_question_column = columns.iter().rposition(|c| c.question().is_some());
    let tool = ToolColumns::of(&columns);
    let mut excluded: BTreeMap<LeftOut, usize> = BTreeMap::new();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    // The rows read with the headers, then the rest one at a time.
    let mut head_rows = head.iter().enumerate().skip(header_rows);
    loop {
        let (row_number, record): (usize, Vec<&str>) = match head_rows.next() {
            Some((index, row)) => (index + 1, row.iter().map(String::as_str).collect()),
            None => match rest.next(path)? {
                Some(row) => row,
                None => break,
            },
        };
        let record = record.as_slice();
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if last_question_column.is_some_and(|last| record.len() <= last) {
            problems.push(Problem {
                location: Location::Cell {
                    row: row_number,
                    column: "(row)".into(),
                },
                message: format!(
                    "has {} of {} columns: a truncated row?",
                    record.len(),
                    headers.len()
                ),
            });
            continue;
        }
        let standing = layout.standing(
            cell(record, tool.completion),
            cell(record, tool.status),
            cell(record, tool.submitted_at),
        );
        match standing {
            Standing::Complete => {}
            Standing::Partial if options.include_partial => {}
            Standing::Partial => {
                *excluded.entry(LeftOut::Unfinished).or_default() += 1;
                continue;
            }
            Standing::NotARespondent(marked) => {
                *excluded.entry(LeftOut::NotARespondent(marked)).or_default() += 1;
                continue;
            }
        }
        read_record(
            record,
            row_number,
            layout,
            &headers,
            &columns,
            &tool,
            &questions,
            &mut rows,
            &mut problems,
        );
    }
    if !problems.is_empty() {
        return Err(InputError {
            file: path.to_path_buf(),
            problems,
        });
    }
    for (why, count) in &excluded {
        mapped.notes.push(match why {
            LeftOut::Unfinished => {
                format!("{count} unfinished response(s) left out (--include-partial keeps them)")
            }
            LeftOut::NotARespondent(marked) => format!(
                "{count} {} response(s) left out: not respondents",
                marked.name()
            ),
        });
    }
    if rows.is_empty() {
        mapped.notes.push("the export has no answers".into());
    }
    Ok(Imported {
        mapped,
        rows,
        excluded,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_left_out_is_noted_in_the_order_of_its_words() {
        let mut left_out = [
            LeftOut::Unfinished,
            LeftOut::NotARespondent(Marked::Test),
            LeftOut::NotARespondent(Marked::Preview),
            LeftOut::NotARespondent(Marked::Spam),
        ];
        left_out.sort();
        let words = left_out.map(|why| match why {
            LeftOut::NotARespondent(marked) => marked.name(),
            LeftOut::Unfinished => "unfinished",
        });
        assert!(words.is_sorted(), "{words:?}");
    }

    #[test]
    fn a_question_in_two_columns_is_read_once_from_the_first() {
        let feedback = super::super::questionnaire::bank()
            .iter()
            .find(|q| q.id == "feedback-loop")
            .expect("shipped");
        let channels =
            "Through which channels does the company ask for or accept customer feedback?";
        let reaches = "Customer feedback reaches the people who can act on it (product, operations, management), not only the team that received it.";
        let export = |copies: bool| {
            let mut header = vec!["Timestamp".to_string(), "ROU-02".into()];
            let mut row = vec!["2026/11/10 9:10:03 AM GMT+1", "Agree"];
            if copies {
                header.push(format!("{reaches} (copy)"));
                row.push("Strongly disagree");
            }
            header.push(format!("{channels} [Email]"));
            row.push("Yes");
            if copies {
                header.push(format!("{channels} [Email]"));
                row.push("Yes");
            }
            let quoted: Vec<String> = header.iter().map(|h| format!("\"{h}\"")).collect();
            format!("{}\n{}\n", quoted.join(","), row.join(","))
        };
        let options = Options {
            layout: Some(Layout::GoogleForms),
            ..Options::default()
        };
        let read = |text: String| {
            import(text.as_bytes(), Path::new("export.csv"), feedback, &options)
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let (copied, plain) = (read(export(true)), read(export(false)));
        assert_eq!(
            copied.rows, plain.rows,
            "each answer once, from the first column"
        );
        let notes = copied.mapped.notes.join("\n");
        assert!(
            notes.contains(
                "columns 2 \"ROU-02\" and 3 \"Customer feedback reaches the people who can act on it"
            ) && notes.contains("both match ROU-02; the first is used"),
            "{notes}"
        );
        assert!(
            notes.contains("columns 4 \"Through which channels")
                && notes.contains("both match CAP-02 [Email]; the first is used"),
            "{notes}"
        );
        assert_eq!(
            copied.mapped.columns[2].how,
            How::Duplicate { first: 2 },
            "{:?}",
            copied.mapped.columns[2]
        );
        // A mapping file written from it reads back: one line per question, the copy a comment.
        let file = copied
            .mapped
            .mapping_file(feedback, Path::new("export.csv"));
        assert_eq!(file.matches("\n\"ROU-02\" = ").count(), 1, "{file}");
        assert!(file.contains("is a copy of column 2, ignored"), "{file}");
    }
}
