//! Which question each column of an export answers: the tool's own columns and the role by
//! name, questions by id, text or mapping (`matching`), runs of bare option labels, abbreviated
//! headings (`abbreviated`); a question's later copies ignored. What is left is said in a note.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::Headings;
use super::layout::Layout;
use super::matching::{self, Bank, Column, How, Matched, display, shorten};
use super::{Mapping, abbreviated, words};
use crate::survey::labels::normalise;
use crate::survey::questionnaire::{Kind, Questionnaire};

/// Every column's match: the tool's own columns by name, the role, then questions
/// (see `matching`), then runs of bare option labels, and abbreviated headings that one
/// header cannot place (see `abbreviated`, whose answers `answers` reads); the rest ignored
/// with a note.
pub(super) fn map_columns<'q>(
    headers: &[(String, Option<String>)],
    (layout, headings): (Layout, Option<Headings>),
    bank: &Bank<'q>,
    mapping: &Mapping,
    answers: abbreviated::Answers<'_>,
) -> (Vec<Matched>, Vec<String>) {
    let (respondent, submitted, fixed) = layout.fixed_columns(headings);
    let (finished, status) = layout.standing_columns();
    let mut notes = Vec::new();
    let mut matched = Vec::with_capacity(headers.len());
    let mut bare_labels = Vec::new();
    // Abbreviated headings left for later: option columns, and columns whose cut text begins
    // several questions.
    let mut cut_options: Vec<(usize, String, String)> = Vec::new();
    let mut cut_columns: Vec<abbreviated::Begun<'q>> = Vec::new();
    // Columns of another shipped questionnaire (a combined export): said once per questionnaire.
    let mut elsewhere: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, (main, sub)) in headers.iter().enumerate() {
        let key = normalise(main);
        let tool = |column: Column| Ok((column, How::Tool));
        let found = if !respondent.is_empty() && key == respondent {
            tool(Column::Respondent)
        } else if key == submitted {
            tool(Column::SubmittedAt)
        } else if Some(key.as_str()) == finished {
            tool(Column::Completion)
        } else if Some(key.as_str()) == status {
            tool(Column::Status)
        } else if fixed.contains(&key.as_str())
            || key.is_empty()
            || layout.is_timing(headings, &key)
        {
            tool(Column::Ignored)
        } else if key == "role"
            || key.starts_with("what is your role")
            || key == "your role"
            || bank.cut(main).is_some_and(|cut| {
                let cut = normalise(cut);
                cut.len() >= "what is".len() && "what is your role".starts_with(&cut)
            })
        {
            Ok((Column::Segment, How::Segment))
        } else {
            matching::match_question(main, sub.as_deref(), bank, mapping)
        };
        let (column, how) = found.unwrap_or_else(|note| {
            let cut_option = matching::bracketed(main).filter(|_| bank.abbreviates());
            let begun = bank.several_begun(main);
            match (note, bank.owner(main, sub.as_deref())) {
                (None, _) if cut_option.is_some() => {
                    if let Some((title, row)) = cut_option {
                        cut_options.push((index, title.to_string(), row.to_string()));
                    }
                }
                (None, _) if !begun.is_empty() => {
                    cut_columns.push((index, main.trim().to_string(), begun));
                }
                (Some(note), _) => notes.push(note),
                (None, Some(owner)) => *elsewhere.entry(owner).or_default() += 1,
                // Typeform heads option columns with the labels alone: tried as runs below.
                (None, None) if layout == Layout::Typeform && sub.is_none() => {
                    bare_labels.push((index, words::canonical(main)));
                }
                (None, None) => notes.push(format!(
                    "column `{}` ignored: not a question of `{}`",
                    shorten(main),
                    bank.questionnaire.id
                )),
            }
            (Column::Ignored, How::None)
        });
        matched.push(describe(
            display(main, sub.as_deref()),
            column,
            how,
            bank.questionnaire,
        ));
    }
    let (runs, mut run_notes) = matching::bare_option_runs(&bare_labels, bank);
    // Cut headings: an option column by its run, a single column by its answers.
    let mut settled = abbreviated::option_runs(&cut_options, bank);
    if !cut_columns.is_empty() {
        let indices: Vec<usize> = cut_columns.iter().map(|(i, ..)| *i).collect();
        let by_answers =
            abbreviated::by_answers(&cut_columns, &answers(&indices), &bank.questionnaire.id);
        settled.matched.extend(by_answers.matched);
        settled.elsewhere.extend(by_answers.elsewhere);
        settled.notes.extend(by_answers.notes);
    }
    for (index, column) in settled.matched {
        matched[index] = describe(
            matched[index].header.clone(),
            column,
            How::Abbreviated,
            bank.questionnaire,
        );
    }
    let mut placed: BTreeSet<usize> = settled.elsewhere.iter().map(|(i, _)| *i).collect();
    for (_, owner) in settled.elsewhere {
        *elsewhere.entry(owner).or_default() += 1;
    }
    run_notes.extend(settled.notes);
    let explained: Vec<usize> = run_notes
        .iter()
        .flat_map(|(_, columns)| columns.clone())
        .collect();
    notes.extend(run_notes.into_iter().map(|(note, _)| note));
    // Cut columns neither placed nor explained are what any unknown column is.
    placed.extend(&explained);
    for index in cut_options
        .iter()
        .map(|(i, ..)| *i)
        .chain(cut_columns.iter().map(|(i, ..)| *i))
    {
        if matched[index].how == How::None && !placed.contains(&index) {
            let (main, sub) = &headers[index];
            match bank.owner(main, sub.as_deref()) {
                Some(owner) => *elsewhere.entry(owner).or_default() += 1,
                None => notes.push(format!(
                    "column `{}` ignored: not a question of `{}`",
                    shorten(&matched[index].header),
                    bank.questionnaire.id
                )),
            }
        }
    }
    for (owner, count) in &elsewhere {
        notes.push(format!(
            "{count} column(s) are questions of `{owner}`, not `{}`: import the file again with --questionnaire {owner}",
            bank.questionnaire.id
        ));
    }
    for (index, column) in runs {
        matched[index] = describe(
            matched[index].header.clone(),
            column,
            How::BareOptions,
            bank.questionnaire,
        );
    }
    for (index, _) in &bare_labels {
        if matched[*index].how == How::None && !explained.contains(index) {
            notes.push(format!(
                "column `{}` ignored: not a question of `{}`",
                shorten(&matched[*index].header),
                bank.questionnaire.id
            ));
        }
    }
    // First, as they change the counts most: said before the columns merely ignored.
    let duplicates = ignore_duplicates(&mut matched);
    notes.splice(0..0, duplicates);
    (matched, notes)
}

/// One answer per respondent and question: a question copied in the form (or two exports
/// pasted side by side) gives two columns for it, which would count every respondent twice.
/// The first column is read; each later one is ignored and named, with the first, in a note.
fn ignore_duplicates(matched: &mut [Matched]) -> Vec<String> {
    let mut first_of: HashMap<Column, usize> = HashMap::new();
    let mut notes = Vec::new();
    for index in 0..matched.len() {
        let column = &matched[index].column;
        if column.question().is_none() {
            continue;
        }
        let Some(&first) = first_of.get(column) else {
            first_of.insert(column.clone(), index);
            continue;
        };
        let later = &mut matched[index];
        let question = match (&later.question, &later.option) {
            (Some(q), Some(option)) => format!("{q} [{option}]"),
            (Some(q), None) => q.clone(),
            (None, _) => String::new(),
        };
        later.column = Column::Ignored;
        later.how = How::Duplicate { first: first + 1 };
        let (shown_first, shown_later) =
            quoted_pair(&matched[first].header, &matched[index].header);
        notes.push(format!(
            "columns {} \"{shown_first}\" and {} \"{shown_later}\" both match {question}; the first is used",
            first + 1,
            index + 1,
        ));
    }
    notes
}

/// Two headers as a note quotes them: shortened, but a copy never shortened into its original
/// (`… (copy)` is what tells them apart).
fn quoted_pair(first: &str, later: &str) -> (String, String) {
    let (a, b) = (shorten(first), shorten(later));
    if a != b || first == later {
        return (a, b);
    }
    let common = first
        .chars()
        .zip(later.chars())
        .take_while(|(x, y)| x == y)
        .count();
    let tail: String = later.chars().skip(common).collect();
    let head: String = later.chars().take(40).collect();
    let tail = crate::text::shorten(tail.trim(), 30);
    (a, format!("{}… {tail}", head.trim_end()))
}

/// A match with its question and option named, for people and mapping files.
fn describe(header: String, column: Column, how: How, questionnaire: &Questionnaire) -> Matched {
    let multi = |id: &str| {
        questionnaire.question(id).and_then(|q| match &q.kind {
            Kind::Multi { options, none, .. } => Some((options, none)),
            Kind::YesNo
            | Kind::Scale { .. }
            | Kind::Maturity4
            | Kind::Number { .. }
            | Kind::Text => None,
        })
    };
    let option = match &column {
        Column::Option { question, option } => {
            multi(question).and_then(|(options, _)| options.get(*option).cloned())
        }
        Column::OtherText(_) => Some("Other (please specify)".into()),
        Column::NoneOfThese(id) => multi(id).and_then(|(_, none)| none.clone()),
        Column::Answer(_)
        | Column::Respondent
        | Column::SubmittedAt
        | Column::Segment
        | Column::Completion
        | Column::Status
        | Column::Ignored => None,
    };
    Matched {
        header,
        question: column.question().map(str::to_string),
        option,
        column,
        how,
    }
}
