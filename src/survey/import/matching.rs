//! Which column answers which question. Consultants reword, number, hint and
//! group questions into grids, so both sides are compared in a canonical form;
//! grid rows are read as the questions they usually are; a similarity match is
//! allowed only when it is unmistakable. A wrong match puts invented numbers in
//! front of a client, so anything doubtful stays unmatched, with a note saying why.

use super::headings::abbreviation;
use super::words::{canonical, contained, dice, negations, words};
use std::collections::BTreeSet;

use serde::Serialize;

use super::super::labels::normalise;
use super::super::questionnaire::{Kind, Question, Questionnaire};
use super::Mapping;

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Column {
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
    /// Whether the response was finished (Qualtrics `Finished`, Typeform `Response Type`).
    Completion,
    /// Qualtrics `Status`: a real response, a preview, a test…
    Status,
    Ignored,
}

impl Column {
    /// The question the column answers, if any.
    pub fn question(&self) -> Option<&str> {
        match self {
            Column::Answer(id)
            | Column::Option { question: id, .. }
            | Column::OtherText(id)
            | Column::NoneOfThese(id) => Some(id),
            Column::Respondent
            | Column::SubmittedAt
            | Column::Segment
            | Column::Completion
            | Column::Status
            | Column::Ignored => None,
        }
    }
}

/// How a column was matched: shown by `survey map`, so a consultant can check
/// every match before a number reaches a client.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "how")]
pub enum How {
    /// A column the survey tool writes itself (respondent, dates, status).
    Tool,
    /// The respondent's role.
    Segment,
    /// The mapping file names it.
    Mapping,
    /// The header starts with the question's id.
    Id,
    /// The header is the question's text (after normalising case, quotes, numbering, hints).
    Text,
    /// The header is a grid or matrix, and its row is the question's text.
    GridRow,
    /// An option column under its question's header.
    Option,
    /// Most of the header's words are the question's and no other question comes close.
    Similar { similarity: f64 },
    /// Bare option labels that fit one multi-select of the whole question bank (Typeform).
    BareOptions,
    /// The header is the start of the question's text (of its grid row, or of a multi-select
    /// and its option), cut by the survey tool (LimeSurvey's abbreviated headings), and that
    /// start fits no other question of the bank (or, of those it fits, its answers fit only
    /// this one's, or its run of option columns only this one's options).
    Abbreviated,
    /// The same question (or option) as an earlier column, `first` (counted from 1): ignored,
    /// so each respondent answers it once, and said in a note.
    Duplicate { first: usize },
    /// Not matched: said in a note.
    None,
}

/// One column as matched, for `survey map` and the import summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Matched {
    /// The header as a person reads it (`Question [Row]` for a two-row header).
    pub header: String,
    #[serde(skip)]
    pub column: Column,
    pub question: Option<String>,
    /// The option of a multi-select the column stands for.
    pub option: Option<String>,
    #[serde(flatten)]
    pub how: How,
}

/// A header as `survey map` shows it and a mapping file names it.
pub fn display(main: &str, sub: Option<&str>) -> String {
    match sub {
        Some(sub) if !sub.trim().is_empty() => format!("{} [{}]", main.trim(), sub.trim()),
        _ => main.trim().to_string(),
    }
}

/// A similarity match needs this much of the two texts' words in common…
pub const SIMILAR: f64 = 0.8;
/// …all the shorter text's words in the longer one, the same negations, and no
/// other question of the bank within this distance of it.
pub const MARGIN: f64 = 0.1;
/// Below `SIMILAR` but above this, the closest question is named in a note.
const NEAR: f64 = 0.6;
/// An abbreviated text shorter than this (canonical characters) is matched to nothing: so
/// short a start fits too many texts to stand for one.
const SHORTEST_ABBREVIATION: usize = 8;

/// What the question bank offers a column: its questions, this questionnaire's first.
pub struct Bank<'q> {
    pub questionnaire: &'q Questionnaire,
    /// Every questionnaire whose questions a column could belong to (the shipped ones and this one).
    pub all: Vec<&'q Questionnaire>,
    /// Every question of `all` with its canonical text and words, worked out once per file
    /// (an export may have hundreds of columns to compare).
    questions: Vec<Known<'q>>,
    /// The export's headings may be abbreviated texts: one ending in an ellipsis is matched
    /// by its start.
    abbreviated: bool,
}

/// A question of the bank, ready to compare.
struct Known<'q> {
    questionnaire: &'q Questionnaire,
    question: &'q Question,
    canonical: String,
    words: BTreeSet<String>,
}

impl<'q> Bank<'q> {
    /// The bank for `questionnaire`: it first, then the shipped ones.
    pub fn new(questionnaire: &'q Questionnaire, shipped: &'q [Questionnaire]) -> Self {
        let mut all: Vec<&Questionnaire> = vec![questionnaire];
        all.extend(shipped.iter().filter(|q| q.id != questionnaire.id));
        let questions = all
            .iter()
            .flat_map(|qn| {
                qn.questions().map(move |q| Known {
                    questionnaire: qn,
                    question: q,
                    canonical: canonical(&q.text),
                    words: words(&q.text),
                })
            })
            .collect();
        Self {
            questionnaire,
            all,
            questions,
            abbreviated: false,
        }
    }

    /// The bank for an export whose headings may be abbreviated texts.
    pub fn abbreviated(self, abbreviated: bool) -> Self {
        Self {
            abbreviated,
            ..self
        }
    }

    /// Whether this export's headings may be abbreviated texts.
    pub fn abbreviates(&self) -> bool {
        self.abbreviated
    }

    fn ours(&self, known: &Known<'_>) -> bool {
        known.questionnaire.id == self.questionnaire.id
    }

    /// What stands before the ellipsis of `text`, when this export abbreviates and `text` is cut.
    pub fn cut<'t>(&self, text: &'t str) -> Option<&'t str> {
        if self.abbreviated {
            abbreviation(text)
        } else {
            None
        }
    }

    /// The questions of the whole bank `text` can be: those with that text or, when it was
    /// cut, every one whose text it begins.
    fn fitting(&self, text: &str) -> Vec<&Known<'q>> {
        match self.cut(text) {
            Some(cut) => {
                let start = canonical(cut);
                if start.chars().count() < SHORTEST_ABBREVIATION {
                    return Vec::new();
                }
                self.questions
                    .iter()
                    .filter(|k| k.canonical.starts_with(&start))
                    .collect()
            }
            None => {
                let wanted = canonical(text);
                if wanted.is_empty() {
                    return Vec::new();
                }
                self.questions
                    .iter()
                    .filter(|k| k.canonical == wanted)
                    .collect()
            }
        }
    }

    /// The questions (with their questionnaire) a cut `text` begins, when it begins several and
    /// one is ours: only the answers can tell which it is.
    pub fn several_begun(&self, text: &str) -> Vec<(&'q Questionnaire, &'q Question)> {
        if self.cut(text).is_none() {
            return Vec::new();
        }
        let fits = self.fitting(text);
        if fits.len() < 2 || !fits.iter().any(|k| self.ours(k)) {
            return Vec::new();
        }
        fits.into_iter()
            .map(|k| (k.questionnaire, k.question))
            .collect()
    }

    /// The multi-selects (with their questionnaire) whose text is `text`, or which it begins.
    pub fn multis_fitting(&self, text: &str) -> Vec<(&'q Questionnaire, &'q Question)> {
        self.fitting(text)
            .into_iter()
            .filter(|k| matches!(k.question.kind, Kind::Multi { .. }))
            .map(|k| (k.questionnaire, k.question))
            .collect()
    }

    fn question_by_text(&self, text: &str) -> Option<&Question> {
        let fits = self.fitting(text);
        if self.cut(text).is_some() {
            // A start stands for a question only when it begins no other of the whole bank.
            return match fits.as_slice() {
                [one] if self.ours(one) => Some(one.question),
                _ => None,
            };
        }
        fits.into_iter().find(|k| self.ours(k)).map(|k| k.question)
    }

    /// Whether a question of another questionnaire has this text: then it is not ours to guess at.
    fn elsewhere(&self, text: &str) -> bool {
        self.owner_of_text(text).is_some()
    }

    fn owner_of_text(&self, text: &str) -> Option<&str> {
        let fits = self.fitting(text);
        // A start that also begins one of ours belongs to no other questionnaire for sure.
        if self.cut(text).is_some() && fits.iter().any(|k| self.ours(k)) {
            return None;
        }
        fits.into_iter()
            .find(|k| !self.ours(k))
            .map(|k| k.questionnaire.id.as_str())
    }

    /// The other questionnaire a header belongs to (its text, a grid row, or a multi-select's title).
    pub fn owner(&self, main: &str, sub: Option<&str>) -> Option<&str> {
        std::iter::once(main)
            .chain(
                grid_parts(main, sub)
                    .into_iter()
                    .flat_map(|(title, row)| [title, row]),
            )
            .find_map(|text| self.owner_of_text(text))
    }
}

/// The column for a header, and how it was found; `None` with a note when nothing is sure.
pub fn match_question(
    main: &str,
    sub: Option<&str>,
    bank: &Bank<'_>,
    mapping: &Mapping,
) -> Result<(Column, How), Option<String>> {
    let shown = display(main, sub);
    if let Some(found) = by_mapping(&shown, bank.questionnaire, mapping) {
        return Ok((found, How::Mapping));
    }
    let leading = normalise(main);
    let leading = leading.split([' ', ':']).next().unwrap_or_default();
    if let Some(q) = bank.questionnaire.question(&leading.to_ascii_uppercase()) {
        return Ok((Column::Answer(q.id.clone()), How::Id));
    }
    if let Some(q) = bank.question_by_text(main) {
        let how = if bank.cut(main).is_some() {
            How::Abbreviated
        } else {
            How::Text
        };
        let sub = sub.map(canonical);
        return match sub.as_deref() {
            None | Some("" | "response" | "open-ended response") => {
                Ok((Column::Answer(q.id.clone()), how))
            }
            Some(sub) => option_column(q, sub).map(|c| (c, How::Option)).ok_or(None),
        };
    }
    let parts = grid_parts(main, sub);
    for &(title, row) in &parts {
        // A grid's row is a statement of the bank more often than an option.
        if let Some(q) = bank.question_by_text(row) {
            let how = if bank.cut(row).is_some() {
                How::Abbreviated
            } else {
                How::GridRow
            };
            return Ok((Column::Answer(q.id.clone()), how));
        }
        // Abbreviated option columns are matched as runs (`abbreviated::option_runs`): one
        // cut title may begin several multi-selects.
        if bank.abbreviated {
            continue;
        }
        if let Some(column) = bank
            .question_by_text(title)
            .and_then(|q| option_column(q, &canonical(row)))
        {
            return Ok((column, How::Option));
        }
    }
    // The words of a cut text are not the question's: similarity would mean nothing. And an
    // abbreviated export's option columns are matched as runs, never one by one.
    if bank.cut(main).is_some() || bank.abbreviated && !parts.is_empty() {
        return Err(None);
    }
    similar(main, sub, bank)
}

/// `Title [Row]` → (title, row), as Google Forms and LimeSurvey write a grid's row or a
/// multi-select's option in one header.
pub fn bracketed(main: &str) -> Option<(&str, &str)> {
    let trimmed = main.trim_end();
    let open = trimmed.rfind(" [")?;
    if !trimmed.ends_with(']') {
        return None;
    }
    let title = trimmed.get(..open).unwrap_or_default();
    let row = trimmed.get(open + 2..trimmed.len() - 1).unwrap_or_default();
    Some((title, row))
}

/// The (title, row) readings of a grid or matrix header: Google and LimeSurvey
/// `Title [Row]`, Qualtrics `Title - Row`, SurveyMonkey's two header rows.
fn grid_parts<'a>(main: &'a str, sub: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    let mut parts = Vec::new();
    if let Some(sub) = sub.filter(|s| !s.trim().is_empty()) {
        parts.push((main, sub));
    }
    parts.extend(bracketed(main));
    if let Some((title, row)) = main.rsplit_once(" - ") {
        parts.push((title, row));
    }
    parts
}

/// The best similar question, only when it is unmistakable: its words hold all
/// of the header's (or the header's all of its), negations agree, and no other
/// question of the whole bank comes within `MARGIN`.
fn similar(
    main: &str,
    sub: Option<&str>,
    bank: &Bank<'_>,
) -> Result<(Column, How), Option<String>> {
    // The header's own text, and each grid row: the likeliest places for a reworded question.
    let mut texts = vec![main];
    texts.extend(grid_parts(main, sub).into_iter().map(|(_, row)| row));
    if texts.iter().any(|text| bank.elsewhere(text)) {
        return Err(None);
    }
    let mut scored: Vec<(f64, &Questionnaire, &Question, &str)> = Vec::new();
    for text in texts {
        let mine = words(text);
        for known in &bank.questions {
            scored.push((
                dice(&mine, &known.words),
                known.questionnaire,
                known.question,
                text,
            ));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let Some(&(value, questionnaire, q, text)) = scored.first() else {
        return Err(None);
    };
    // Closest to another questionnaire's question: not ours to guess at.
    if value < NEAR || questionnaire.id != bank.questionnaire.id {
        return Err(None);
    }
    let close = scored
        .iter()
        .find(|(_, _, other, _)| other.id != q.id)
        .filter(|(r, ..)| *r >= value - MARGIN && *r >= NEAR);
    let (mine, theirs) = (words(text), words(&q.text));
    let sure =
        value >= SIMILAR && contained(&mine, &theirs) && negations(&mine) == negations(&theirs);
    match (sure, close) {
        (true, None) => Ok((
            Column::Answer(q.id.clone()),
            How::Similar {
                similarity: (value * 100.0).round() / 100.0,
            },
        )),
        (_, Some((r, _, other, _))) => Err(Some(format!(
            "`{}` is as close to {} ({value:.2}) as to {} ({r:.2}): left unmatched; name the right one in a mapping file",
            shorten(text),
            q.id,
            other.id
        ))),
        (false, None) => Err(Some(format!(
            "`{}` resembles {} ({value:.2}) but its wording differs in ways that may change the meaning: left unmatched; map it in a mapping file if it is the same question",
            shorten(text),
            q.id
        ))),
    }
}

/// A mapping file names the header: `QID = "header"`, or `"QID[Option]" = "header"` for an option column.
fn by_mapping(shown: &str, questionnaire: &Questionnaire, mapping: &Mapping) -> Option<Column> {
    let wanted = canonical(shown);
    let (key, _) = mapping
        .iter()
        .find(|(_, header)| canonical(header) == wanted)?;
    match key.split_once('[') {
        Some((id, option)) => {
            let q = questionnaire.question(id.trim())?;
            option_column(q, &canonical(option.trim_end_matches(']')))
        }
        None => questionnaire
            .question(key.trim())
            .map(|q| Column::Answer(q.id.clone())),
    }
}

/// The option column of multi-select `q` whose label is `label` (canonical).
pub fn option_column(q: &Question, label: &str) -> Option<Column> {
    let Kind::Multi { options, none, .. } = &q.kind else {
        return None;
    };
    if label.starts_with("other") && label.contains("specify") {
        return Some(Column::OtherText(q.id.clone()));
    }
    if none.as_deref().is_some_and(|n| canonical(n) == label) {
        return Some(Column::NoneOfThese(q.id.clone()));
    }
    options
        .iter()
        .position(|o| canonical(o) == label)
        .map(|option| Column::Option {
            question: q.id.clone(),
            option,
        })
}

/// A note, and the columns (by index) it explains.
pub type Explained = (String, Vec<usize>);

/// Typeform heads a multi-select's columns with the option labels alone. A run
/// of such columns is attributed only when its labels fit one multi-select of
/// the whole bank and no other; a run that fits none is split where it stops
/// fitting. Returns the columns attributed, and the notes with the columns they explain.
pub fn bare_option_runs(
    labels: &[(usize, String)],
    bank: &Bank<'_>,
) -> (Vec<(usize, Column)>, Vec<Explained>) {
    let multis: Vec<(&Questionnaire, &Question)> = bank
        .all
        .iter()
        .flat_map(|qn| qn.questions().map(move |q| (*qn, q)))
        .filter(|(_, q)| matches!(q.kind, Kind::Multi { .. }))
        .collect();
    let fits = |run: &[(usize, String)]| -> Vec<(&Questionnaire, &Question)> {
        multis
            .iter()
            .filter(|(_, q)| {
                run.iter()
                    .all(|(_, label)| option_column(q, label).is_some())
            })
            .copied()
            .collect()
    };
    let (mut columns, mut notes) = (Vec::new(), Vec::new());
    let mut start = 0;
    while start < labels.len() {
        // The longest run of consecutive columns from `start` that still fits some question.
        let mut end = start + 1;
        while end < labels.len()
            && labels[end].0 == labels[end - 1].0 + 1
            && !fits(&labels[start..=end]).is_empty()
        {
            end += 1;
        }
        let run = &labels[start..end];
        let shown = run
            .iter()
            .map(|(_, l)| l.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let indices = run.iter().map(|(i, _)| *i).collect();
        match fits(run).as_slice() {
            [(qn, q)] if qn.id == bank.questionnaire.id => {
                columns.extend(run.iter().filter_map(|(i, label)| option_column(q, label).map(|c| (*i, c))));
            }
            [(qn, q)] => notes.push((
                format!(
                    "option columns {shown} belong to {} of `{}`, not to `{}`",
                    q.id, qn.id, bank.questionnaire.id
                ),
                indices,
            )),
            [] => {}
            several => notes.push((
                format!(
                    "option columns {shown} fit several questions ({}): left unmatched; name them in a mapping file",
                    several.iter().map(|(_, q)| q.id.as_str()).collect::<Vec<_>>().join(", ")
                ),
                indices,
            )),
        }
        start = end;
    }
    (columns, notes)
}

/// Headers and questions as notes quote them.
pub fn shorten(text: &str) -> String {
    crate::text::shorten(text, 70)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_compared_without_numbering_hints_quotes_or_trailing_marks() {
        let plain = canonical(
            "Through which channels does the company ask for or accept customer feedback?",
        );
        for variant in [
            "Through which channels does the company ask for or accept customer feedback? (select all that apply)",
            "3. Through which channels does the company ask for or accept customer feedback?",
            "Q3) Through which channels does the company ask for or accept customer feedback *",
            "<b>Through which channels</b> does the company ask for or accept customer feedback",
            "  THROUGH which channels does the company   ask for or accept customer feedback ?  ",
        ] {
            assert_eq!(canonical(variant), plain, "{variant}");
        }
        assert_eq!(
            canonical("“Customer first” isn’t a slogan"),
            "\"customer first\" isn't a slogan"
        );
        assert_eq!(canonical("3 systems"), "3 systems");
        assert_eq!(canonical("Q3"), "q3");
    }

    #[test]
    fn similarity_needs_the_same_words_not_just_many() {
        let q = words(
            "How many different systems or tools do you usually need to check to answer a typical customer question?",
        );
        let dropped = words(
            "How many systems or tools do you need to check to answer a typical customer question?",
        );
        let replaced = words(
            "How many different systems or tools do you usually need to check to answer a typical supplier question?",
        );
        let negated = words(
            "I cannot quickly find the information I need to answer most customer questions.",
        );
        let positive =
            words("I can quickly find the information I need to answer most customer questions.");
        assert!(dice(&q, &dropped) >= SIMILAR && contained(&q, &dropped));
        assert!(dice(&q, &replaced) >= SIMILAR && !contained(&q, &replaced));
        assert_ne!(negations(&negated), negations(&positive));
    }
}
