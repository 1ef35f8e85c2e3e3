//! Survey exports (Google Forms, Microsoft Forms, Typeform, SurveyMonkey,
//! Qualtrics, LimeSurvey, and our own template) into the long format. The
//! layout is detected from the header rows; columns are matched to questions
//! by id, by text or by a mapping file — never by position.

use std::collections::BTreeMap;
use std::path::Path;

use super::answers::{AnswerRow, Value, normalise, parse_cell};
use super::questionnaire::{Kind, Question, Questionnaire};
use crate::audit::{InputError, Location, Problem};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    GoogleForms,
    MicrosoftForms,
    Typeform,
    Surveymonkey,
    Qualtrics,
    Limesurvey,
    /// `centricity survey template --format csv`, filled in.
    Centricity,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Layout::GoogleForms => "google-forms",
            Layout::MicrosoftForms => "microsoft-forms",
            Layout::Typeform => "typeform",
            Layout::Surveymonkey => "surveymonkey",
            Layout::Qualtrics => "qualtrics",
            Layout::Limesurvey => "limesurvey",
            Layout::Centricity => "centricity",
        }
    }

    fn header_rows(self) -> usize {
        match self {
            Layout::Surveymonkey => 2,
            Layout::Qualtrics => 3,
            _ => 1,
        }
    }

    /// Columns the tool writes itself: (respondent id, submission time, everything else it adds).
    fn fixed_columns(self) -> (&'static str, &'static str, &'static [&'static str]) {
        match self {
            Layout::GoogleForms => ("", "timestamp", &["email address", "username", "score"]),
            Layout::MicrosoftForms => (
                "id",
                "completion time",
                &[
                    "start time",
                    "email",
                    "name",
                    "last modified time",
                    "total points",
                    "quiz feedback",
                ],
            ),
            Layout::Typeform => (
                "#",
                "submit date (utc)",
                &[
                    "response type",
                    "start date (utc)",
                    "stage date (utc)",
                    "network id",
                    "tags",
                    "ending",
                ],
            ),
            Layout::Surveymonkey => (
                "respondent id",
                "end date",
                &[
                    "collector id",
                    "start date",
                    "ip address",
                    "email address",
                    "first name",
                    "last name",
                    "custom data 1",
                ],
            ),
            Layout::Qualtrics => (
                "responseid",
                "recordeddate",
                &[
                    "startdate",
                    "enddate",
                    "status",
                    "ipaddress",
                    "progress",
                    "duration (in seconds)",
                    "finished",
                    "recipientlastname",
                    "recipientfirstname",
                    "recipientemail",
                    "externalreference",
                    "locationlatitude",
                    "locationlongitude",
                    "distributionchannel",
                    "userlanguage",
                ],
            ),
            Layout::Limesurvey => (
                "id",
                "submitdate",
                &[
                    "lastpage",
                    "startlanguage",
                    "seed",
                    "startdate",
                    "datestamp",
                    "refurl",
                    "ipaddr",
                ],
            ),
            Layout::Centricity => ("respondent", "submitted_at", &[]),
        }
    }

    fn detect(first: &[String], third: Option<&[String]>) -> Option<Layout> {
        let has = |name: &str| first.iter().any(|h| normalise(h) == name);
        let head = first.first().map(|h| normalise(h)).unwrap_or_default();
        if has("responseid")
            && has("startdate")
            && third.is_some_and(|t| t.iter().any(|c| c.contains("ImportId")))
        {
            Some(Layout::Qualtrics)
        } else if has("respondent id") && has("collector id") {
            Some(Layout::Surveymonkey)
        } else if head == "timestamp" {
            Some(Layout::GoogleForms)
        } else if has("start time") && has("completion time") {
            Some(Layout::MicrosoftForms)
        } else if head == "#" && has("submit date (utc)") {
            Some(Layout::Typeform)
        } else if has("submitdate") && has("lastpage") {
            Some(Layout::Limesurvey)
        } else if head == "respondent" {
            Some(Layout::Centricity)
        } else {
            None
        }
    }
}

/// Which column answers which question (and which option, for one-column-per-option layouts).
#[derive(Debug, Clone, PartialEq)]
enum Column {
    Answer(String),
    Option {
        question: String,
        option: usize,
    },
    /// The free text of a multi-select's "Other".
    OtherText(String),
    /// A multi-select's "None" option: answered, with nothing chosen.
    NoneOfThese(String),
    Respondent,
    SubmittedAt,
    Segment,
    Ignored,
}

/// Explicit column headers per question id, for forms whose wording differs from the bank.
pub type Mapping = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub layout: Layout,
    pub rows: Vec<AnswerRow>,
    /// Unknown columns ignored, questions without a column: said, not fatal.
    pub notes: Vec<String>,
}

/// Reads an export for `questionnaire`. Every bad cell is reported with its row and column.
pub fn import(
    bytes: &[u8],
    path: &Path,
    questionnaire: &Questionnaire,
    forced: Option<Layout>,
    mapping: &Mapping,
) -> Result<Imported, InputError> {
    let text = crate::spreadsheet::decode(bytes);
    let delimiter = crate::spreadsheet::sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records: Vec<Vec<String>> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        match record {
            Ok(r) => records.push(r.iter().map(str::to_string).collect()),
            Err(e) => {
                return Err(InputError {
                    file: path.to_path_buf(),
                    problems: vec![Problem {
                        location: Location::Cell {
                            row: i + 1,
                            column: "(row)".into(),
                        },
                        message: format!("unreadable CSV: {e}"),
                    }],
                });
            }
        }
    }
    let Some(first) = records.first() else {
        return Err(InputError::whole_file(path, "the file is empty"));
    };
    let layout = match forced.or_else(|| Layout::detect(first, records.get(2).map(Vec::as_slice))) {
        Some(layout) => layout,
        None => {
            return Err(InputError::whole_file(
                path,
                format!(
                    "unknown export layout (first header `{}`); expected a Google Forms, Microsoft Forms, Typeform, \
                     SurveyMonkey, Qualtrics, LimeSurvey or centricity template export, or name one with --layout",
                    first.first().map(String::as_str).unwrap_or_default()
                ),
            ));
        }
    };
    let header_rows = layout.header_rows();
    if records.len() < header_rows {
        return Err(InputError::whole_file(
            path,
            format!("a {} export has {header_rows} header rows", layout.name()),
        ));
    }
    let headers = composite_headers(&records[..header_rows], layout);
    let (columns, mut notes, named) = map_columns(&headers, layout, questionnaire, mapping);
    if named == 0 {
        return Err(InputError::whole_file(
            path,
            format!(
                "no column matches a question of `{}`: is this the export of another questionnaire?",
                questionnaire.id
            ),
        ));
    }
    // Each column's question, looked up once rather than once per cell.
    let questions: Vec<Option<&Question>> = columns
        .iter()
        .map(|c| match c {
            Column::Answer(id) => questionnaire.question(id),
            _ => None,
        })
        .collect();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (index, record) in records.iter().enumerate().skip(header_rows) {
        let row_number = index + 1;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // A row that stops before a question column was cut off (trailing empty columns are fine).
        let last_question_column = columns.iter().rposition(|c| {
            matches!(
                c,
                Column::Answer(_)
                    | Column::Option { .. }
                    | Column::OtherText(_)
                    | Column::NoneOfThese(_)
            )
        });
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
        read_record(
            record,
            row_number,
            layout,
            &headers,
            &columns,
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
    if rows.is_empty() {
        notes.push("the export has no answers".into());
    }
    Ok(Imported {
        layout,
        rows,
        notes,
    })
}

/// One (main, sub) header per column: SurveyMonkey's question row is forward-filled
/// over its option row; Qualtrics' second row holds the texts, the third the import ids.
fn composite_headers(header_rows: &[Vec<String>], layout: Layout) -> Vec<(String, Option<String>)> {
    let width = header_rows.iter().map(Vec::len).max().unwrap_or(0);
    let cell = |row: usize, col: usize| {
        header_rows
            .get(row)
            .and_then(|r| r.get(col))
            .cloned()
            .unwrap_or_default()
    };
    let mut out = Vec::with_capacity(width);
    let mut last_question = String::new();
    for col in 0..width {
        let header = match layout {
            Layout::Surveymonkey => {
                let top = cell(0, col);
                if !top.trim().is_empty() {
                    last_question = top.clone();
                }
                let sub = cell(1, col);
                if top.trim().is_empty() {
                    (last_question.clone(), Some(sub))
                } else {
                    (top, Some(sub).filter(|s| !s.trim().is_empty()))
                }
            }
            Layout::Qualtrics => {
                let (code, text) = (cell(0, col), cell(1, col));
                // Fixed columns are known by their code; questions by their text.
                if text.trim().is_empty()
                    || code.starts_with(|c: char| c.is_ascii_uppercase()) && !code.starts_with('Q')
                {
                    (code, None)
                } else {
                    (text, None)
                }
            }
            _ => (cell(0, col), None),
        };
        out.push(header);
    }
    out
}

fn map_columns(
    headers: &[(String, Option<String>)],
    layout: Layout,
    questionnaire: &Questionnaire,
    mapping: &Mapping,
) -> (Vec<Column>, Vec<String>, usize) {
    let (respondent, submitted, fixed) = layout.fixed_columns();
    let mut notes = Vec::new();
    // Columns matched by a question's id or text: bare option labels alone do not prove the questionnaire.
    let mut named = 0;
    let mut columns = Vec::with_capacity(headers.len());
    for (main, sub) in headers {
        let key = normalise(main);
        let column = if !respondent.is_empty() && key == respondent {
            Column::Respondent
        } else if key == submitted {
            Column::SubmittedAt
        } else if fixed.contains(&key.as_str()) || key.is_empty() {
            Column::Ignored
        } else if key == "role" || key.starts_with("what is your role") || key == "your role" {
            Column::Segment
        } else if let Some(column) = match_question(main, sub.as_deref(), questionnaire, mapping) {
            named += 1;
            column
        } else if let Some(column) = (layout == Layout::Typeform)
            .then(|| bare_option(&key, questionnaire))
            .flatten()
        {
            column
        } else {
            notes.push(format!(
                "column `{}` ignored: not a question of `{}`",
                shorten(main),
                questionnaire.id
            ));
            Column::Ignored
        };
        columns.push(column);
    }
    for q in questionnaire.questions() {
        let present = columns.iter().any(|c| match c {
            Column::Answer(id) | Column::Option { question: id, .. } | Column::NoneOfThese(id) => {
                id == &q.id
            }
            _ => false,
        });
        if !present {
            notes.push(format!("{} has no column: \"{}\"", q.id, shorten(&q.text)));
        }
    }
    (columns, notes, named)
}

fn shorten(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() > 70 {
        format!("{}…", text.chars().take(69).collect::<String>())
    } else {
        text.to_string()
    }
}

/// By mapping, by id (`CAP-01`, `CAP-01: text`), by text, or `text [sub]` / `text - sub` / SurveyMonkey's
/// (text, sub) for grids and one-column-per-option multi-selects.
fn match_question(
    main: &str,
    sub: Option<&str>,
    questionnaire: &Questionnaire,
    mapping: &Mapping,
) -> Option<Column> {
    let key = normalise(main);
    if let Some((id, _)) = mapping.iter().find(|(_, header)| normalise(header) == key) {
        return questionnaire
            .question(id)
            .map(|q| Column::Answer(q.id.clone()));
    }
    let leading = key.split([' ', ':']).next().unwrap_or_default();
    if let Some(q) = questionnaire.question(leading) {
        return Some(Column::Answer(q.id.clone()));
    }
    let by_text = |text: &str| {
        questionnaire
            .questions()
            .find(|q| normalise(&q.text) == normalise(text))
    };
    if let Some(q) = by_text(main) {
        return match sub.map(normalise).as_deref() {
            None | Some("response" | "open-ended response") => Some(Column::Answer(q.id.clone())),
            Some(sub) => option_column(q, sub),
        };
    }
    for (open, close) in [(" [", "]"), (" - ", "")] {
        if let Some(at) = main.rfind(open) {
            let (text, rest) = (&main[..at], &main[at + open.len()..]);
            if let Some(q) = by_text(text) {
                return option_column(q, &normalise(rest.trim_end_matches(close)));
            }
        }
    }
    None
}

/// Typeform heads a multi-select's columns with the option labels alone: such a
/// column is read when exactly one multi-select of the questionnaire offers it.
fn bare_option(label: &str, questionnaire: &Questionnaire) -> Option<Column> {
    let offering: Vec<Column> = questionnaire
        .questions()
        .filter_map(|q| option_column(q, label))
        .collect();
    match offering.as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    }
}

fn option_column(q: &Question, label: &str) -> Option<Column> {
    let Kind::Multi { options, none, .. } = &q.kind else {
        return None;
    };
    if label.starts_with("other") && label.contains("specify") {
        return Some(Column::OtherText(q.id.clone()));
    }
    if none.as_deref().is_some_and(|n| normalise(n) == label) {
        return Some(Column::NoneOfThese(q.id.clone()));
    }
    options
        .iter()
        .position(|o| normalise(o) == label)
        .map(|option| Column::Option {
            question: q.id.clone(),
            option,
        })
}

#[expect(
    clippy::too_many_arguments,
    reason = "one record's context, kept explicit"
)]
fn read_record(
    record: &[String],
    row_number: usize,
    layout: Layout,
    headers: &[(String, Option<String>)],
    columns: &[Column],
    questions: &[Option<&Question>],
    rows: &mut Vec<AnswerRow>,
    problems: &mut Vec<Problem>,
) {
    let get = |i: usize| record.get(i).map(String::as_str).unwrap_or_default().trim();
    let find = |wanted: &Column| {
        columns
            .iter()
            .position(|c| c == wanted)
            .map(get)
            .filter(|v| !v.is_empty())
    };
    let respondent =
        find(&Column::Respondent).map_or_else(|| format!("row {row_number}"), str::to_string);
    let submitted_at = find(&Column::SubmittedAt).map(str::to_string);
    let segment = find(&Column::Segment).map(str::to_string);
    let mut multi: BTreeMap<String, (Vec<usize>, Option<String>)> = BTreeMap::new();
    for (i, column) in columns.iter().enumerate() {
        let cell = get(i);
        match column {
            Column::Answer(id) => {
                let Some(question) = questions[i] else {
                    continue;
                };
                match parse_cell(question, cell) {
                    Ok(Some(value)) => rows.push(AnswerRow {
                        respondent: respondent.clone(),
                        source: layout.name().into(),
                        submitted_at: submitted_at.clone(),
                        segment: segment.clone(),
                        question: id.clone(),
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
            _ => {}
        }
    }
    for (question, (mut chosen, other)) in multi {
        chosen.sort_unstable();
        rows.push(AnswerRow {
            respondent: respondent.clone(),
            source: layout.name().into(),
            submitted_at: submitted_at.clone(),
            segment: segment.clone(),
            question,
            value: Value::Multi { chosen, other },
        });
    }
}

/// A mapping file: `[columns]` with `QUESTION-ID = "column header as exported"`.
pub fn read_mapping(path: &Path) -> Result<Mapping, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let mut root = crate::audit::values::parse_toml(&text, path).map_err(|e| e.to_string())?;
    let mut errors = Vec::new();
    let mapping = toml_span::de_helpers::TableHelper::new(&mut root)
        .ok()
        .and_then(|mut th| {
            let columns = th.take("columns").and_then(|(_, mut v)| {
                crate::audit::values::read_table(&mut v, &mut errors, |ct| {
                    let keys: Vec<String> = ct.table.keys().map(|k| k.name.to_string()).collect();
                    keys.into_iter()
                        .filter_map(|k| {
                            ct.table
                                .remove(k.as_str())
                                .and_then(|v| v.as_str().map(|s| (k.clone(), s.to_string())))
                        })
                        .collect::<Mapping>()
                })
            });
            th.finalize(None).ok()?;
            columns
        });
    if !errors.is_empty() {
        return Err(crate::audit::InputError {
            file: path.to_path_buf(),
            problems: crate::audit::values::problems_from(toml_span::DeserError { errors }, &text),
        }
        .to_string());
    }
    mapping.ok_or_else(|| {
        format!(
            "{}: expected a [columns] table of QUESTION-ID = \"header\"",
            path.display()
        )
    })
}
