//! Columns of an export whose headings are abbreviated (LimeSurvey's "abbreviated question
//! texts": `Through which c..  [Post-interactio.. ]`) that one header alone cannot place: a cut
//! title can begin several questions. A multi-select's option columns are placed as a run,
//! by the options they name together; a single column by its answers, read once. Anything
//! still doubtful stays unmatched, with a note.

use std::collections::BTreeSet;

use super::matching::{Bank, Column, Explained, option_column, shorten};
use super::words::canonical;
use crate::survey::answers::parse_cell;
use crate::survey::questionnaire::{Kind, Question, Questionnaire};

/// Distinct answers kept per column to tell its question by: a column with more is free text
/// or numbers, which cannot tell questions apart anyway.
pub const DISTINCT_ANSWERS: usize = 64;

/// Each asked column's distinct answers (`None`: more than `DISTINCT_ANSWERS`), by column index.
pub type Answers<'a> = &'a dyn Fn(&[usize]) -> Vec<Option<BTreeSet<String>>>;

/// What the runs and the answers settled: columns matched (with their index), columns that
/// are another questionnaire's (its id), and notes with the columns they explain.
#[derive(Default)]
pub struct Settled<'q> {
    pub matched: Vec<(usize, Column)>,
    pub elsewhere: Vec<(usize, &'q str)>,
    pub notes: Vec<Explained>,
}

/// Option columns (index, title, option as headed), consecutive ones with the same title taken
/// as one multi-select's: matched only when one multi-select of the whole bank has that title
/// (or begins with it) and every option the run names.
pub fn option_runs<'q>(columns: &[(usize, String, String)], bank: &Bank<'q>) -> Settled<'q> {
    let mut settled = Settled::default();
    let mut start = 0;
    while start < columns.len() {
        let mut end = start + 1;
        while end < columns.len()
            && columns[end].0 == columns[end - 1].0 + 1
            && columns[end].1 == columns[start].1
        {
            end += 1;
        }
        let run = &columns[start..end];
        start = end;
        let fits: Vec<(&Questionnaire, &Question)> = bank
            .multis_fitting(&run[0].1)
            .into_iter()
            .filter(|(_, q)| run.iter().all(|(_, _, row)| option(bank, q, row).is_some()))
            .collect();
        match fits.as_slice() {
            [] => {}
            [(qn, q)] if qn.id == bank.questionnaire.id => {
                settled.matched.extend(
                    run.iter()
                        .filter_map(|(i, _, row)| option(bank, q, row).map(|c| (*i, c))),
                );
            }
            [(qn, _)] => settled
                .elsewhere
                .extend(run.iter().map(|(i, ..)| (*i, qn.id.as_str()))),
            several => {
                let shown: Vec<String> = run.iter().map(|(_, _, row)| shorten(row)).collect();
                let ids: Vec<&str> = several.iter().map(|(_, q)| q.id.as_str()).collect();
                settled.notes.push((
                    format!(
                        "option columns {} under `{}` fit several questions ({}): left unmatched; name them in a mapping file",
                        shown.join(", "),
                        shorten(&run[0].1),
                        ids.join(", ")
                    ),
                    run.iter().map(|(i, ..)| *i).collect(),
                ));
            }
        }
    }
    settled
}

/// The option column of multi-select `q` that `label` names, whole or cut.
fn option(bank: &Bank<'_>, q: &Question, label: &str) -> Option<Column> {
    let Some(cut) = bank.cut(label) else {
        return option_column(q, &canonical(label));
    };
    let Kind::Multi { options, none, .. } = &q.kind else {
        return None;
    };
    let start = canonical(cut);
    if start.is_empty() {
        return None;
    }
    let mut begun = options
        .iter()
        .enumerate()
        .filter(|(_, o)| canonical(o).starts_with(&start));
    match (begun.next(), begun.next()) {
        (Some((option, _)), None) => Some(Column::Option {
            question: q.id.clone(),
            option,
        }),
        (Some(_), Some(_)) => None,
        (None, _) => none
            .as_deref()
            .filter(|n| canonical(n).starts_with(&start))
            .map(|_| Column::NoneOfThese(q.id.clone())),
    }
}

/// A column whose cut heading begins several questions, one of them ours: (index, heading,
/// the questions it begins).
pub type Begun<'q> = (usize, String, Vec<(&'q Questionnaire, &'q Question)>);

/// Each column placed by its answers (`None`: too many distinct ones to tell by): the one
/// question whose answers they all are, if exactly one.
pub fn by_answers<'q>(
    columns: &[Begun<'q>],
    answers: &[Option<BTreeSet<String>>],
    ours: &str,
) -> Settled<'q> {
    let mut settled = Settled::default();
    for ((index, heading, begun), answers) in columns.iter().zip(answers) {
        let ids: Vec<&str> = begun.iter().map(|(_, q)| q.id.as_str()).collect();
        let begins = format!("`{}` begins {}", shorten(heading), and_list(&ids));
        let fit: Vec<&(&Questionnaire, &Question)> = match answers {
            Some(answers) => begun
                .iter()
                .filter(|(_, q)| answers.iter().all(|a| parse_cell(q, a).is_ok()))
                .collect(),
            None => Vec::new(),
        };
        match fit.as_slice() {
            [(qn, q)] if qn.id == ours => {
                settled.matched.push((*index, Column::Answer(q.id.clone())));
                settled.notes.push((
                    format!("{begins}; its answers fit {} only", q.id),
                    Vec::new(),
                ));
            }
            [(qn, _)] => settled.elsewhere.push((*index, qn.id.as_str())),
            [] if answers.is_some() => settled.notes.push((
                format!("{begins}, and its answers fit none of them: left unmatched"),
                vec![*index],
            )),
            _ => settled.notes.push((
                format!(
                    "{begins}, and its answers do not tell which: left unmatched; name it in a mapping file"
                ),
                vec![*index],
            )),
        }
    }
    settled
}

/// `A, B and C`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
