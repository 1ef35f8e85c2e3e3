//! The answers of an interview, saved as TOML after every answer so nothing is
//! lost on Ctrl-C, and readable as an answer source of the `questionnaire` check.

use std::path::Path;

use toml_span::de_helpers::TableHelper;
use toml_span::value::ValueInner;

use super::answers::{AnswerRow, Origin, Value, parse_cell};
use super::questionnaire::{DONT_KNOW, Kind, Questionnaire};
use crate::spanned::parse_toml;
use crate::spanned::{InputError, at};

/// An interview in progress or done.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Interview {
    pub questionnaire: String,
    pub respondent: String,
    pub role: Option<String>,
    pub started_at: String,
    /// (question id, answer) in the order given.
    pub answers: Vec<(String, Value)>,
    /// Questions passed over on purpose.
    pub skipped: Vec<String>,
}

impl Interview {
    pub fn answer(&self, id: &str) -> Option<&Value> {
        self.answers.iter().find(|(q, _)| q == id).map(|(_, v)| v)
    }

    pub fn set(&mut self, id: &str, value: Option<Value>) {
        self.answers.retain(|(q, _)| q != id);
        self.skipped.retain(|q| q != id);
        match value {
            Some(v) => self.answers.push((id.to_string(), v)),
            None => self.skipped.push(id.to_string()),
        }
    }

    pub fn rows(&self) -> Vec<AnswerRow> {
        self.answers
            .iter()
            .map(|(question, value)| AnswerRow {
                respondent: self.respondent.as_str().into(),
                source: Origin::Interview,
                submitted_at: Some(self.started_at.as_str().into()),
                segment: self.role.as_deref().map(Into::into),
                question: question.as_str().into(),
                value: value.clone(),
            })
            .collect()
    }

    /// The file, written as labels so a person can read and correct it.
    pub fn to_toml(&self, q: &Questionnaire) -> String {
        let quote = crate::spanned::toml_string;
        let mut out = format!(
            "# centricity interview: answers are saved after each question.\nquestionnaire = {}\nrespondent = {}\n",
            quote(&self.questionnaire),
            quote(&self.respondent)
        );
        if let Some(role) = &self.role {
            out.push_str(&format!("role = {}\n", quote(role)));
        }
        out.push_str(&format!("started_at = {}\n", quote(&self.started_at)));
        let skipped: Vec<String> = self.skipped.iter().map(|s| quote(s)).collect();
        out.push_str(&format!(
            "skipped = [{}]\n\n[answers]\n",
            skipped.join(", ")
        ));
        for (id, value) in &self.answers {
            let Some(question) = q.question(id) else {
                continue;
            };
            let text = match (value, &question.kind) {
                (Value::DontKnow, _) => quote(DONT_KNOW),
                (Value::Choice(i), kind) => {
                    quote(kind.labels().get(*i).copied().unwrap_or_default())
                }
                (Value::Number(x), _) => format!("{x}"),
                (Value::Multi { chosen, other }, Kind::Multi { options, .. }) => {
                    let mut items: Vec<String> = chosen
                        .iter()
                        .filter_map(|i| options.get(*i))
                        .map(|o| quote(o))
                        .collect();
                    items.extend(other.iter().map(|o| quote(o)));
                    format!("[{}]", items.join(", "))
                }
                (Value::Text(t), _) => quote(t),
                (Value::Multi { .. }, _) => continue,
            };
            out.push_str(&format!("{} = {text}\n", quote(id)));
        }
        out
    }
}

/// Reads an interview file; answers are checked against the questionnaire, each problem at its place.
pub fn read(
    text: &str,
    file: &Path,
    questionnaire: &Questionnaire,
) -> Result<Interview, InputError> {
    let located = |errors| InputError::in_toml(file, text, errors);
    let mut root = parse_toml(text, file)?;
    let mut th = TableHelper::new(&mut root).map_err(located)?;
    let mut interview = Interview {
        questionnaire: th.required::<String>("questionnaire").unwrap_or_default(),
        respondent: th
            .optional::<String>("respondent")
            .unwrap_or_else(|| "interview".into()),
        role: th.optional::<String>("role"),
        started_at: th.optional::<String>("started_at").unwrap_or_default(),
        answers: Vec::new(),
        skipped: th.optional::<Vec<String>>("skipped").unwrap_or_default(),
    };
    if interview.questionnaire != questionnaire.id {
        th.errors.push(toml_span::Error {
            kind: toml_span::ErrorKind::Custom(
                format!(
                    "these answers are for `{}`, not `{}`",
                    interview.questionnaire, questionnaire.id
                )
                .into(),
            ),
            span: toml_span::Span::new(0, 0),
            line_info: None,
        });
    }
    if let Some((_, mut answers)) = th.take("answers")
        && let ValueInner::Table(table) = answers.take()
    {
        for (key, value) in table {
            let Some(question) = questionnaire.question(&key.name) else {
                th.errors.extend(
                    at(
                        format!("no question `{}` in `{}`", key.name, questionnaire.id),
                        &toml_span::Spanned {
                            value: (),
                            span: key.span,
                        },
                    )
                    .errors,
                );
                continue;
            };
            let raw = match value
                .as_str()
                .map(str::to_string)
                .or_else(|| value.as_integer().map(|i| i.to_string()))
                .or_else(|| value.as_float().map(|f| f.to_string()))
            {
                Some(raw) => raw,
                None => value
                    .as_array()
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|i| i.as_str())
                            .collect::<Vec<_>>()
                            .join(";")
                    })
                    .unwrap_or_default(),
            };
            match parse_cell(question, &raw) {
                Ok(Some(v)) => interview.answers.push((question.id.clone(), v)),
                Ok(None) => {}
                Err(message) => th.errors.extend(
                    at(
                        format!("{}: {message}", question.id),
                        &toml_span::Spanned {
                            value: (),
                            span: value.span,
                        },
                    )
                    .errors,
                ),
            }
        }
    }
    th.finalize(None).map_err(located)?;
    Ok(interview)
}
