//! Blank forms to send out: the header of a CSV that, filled in, imports back (the
//! `centricity` layout), and a Markdown version for reading or printing.

use super::questionnaire::{Kind, Questionnaire};

/// The columns before the questions.
pub const FIXED: [&str; 3] = ["respondent", "submitted_at", "role"];

/// The header of the blank CSV form: the fixed columns, then one per question headed
/// `ID: text`, as the `centricity` layout reads it back.
pub fn csv_header(q: &Questionnaire) -> Vec<String> {
    FIXED
        .iter()
        .map(|s| (*s).to_string())
        .chain(
            q.questions()
                .map(|question| format!("{}: {}", question.id, question.text)),
        )
        .collect()
}

/// The answers a question offers, as the form shows them: its labels and "Don't know" for
/// choices, its options (and "none of these") for a multiple choice; none for numbers and text.
fn answers(kind: &Kind) -> Vec<String> {
    match kind {
        Kind::YesNo | Kind::Scale { .. } | Kind::Maturity4 => kind
            .labels()
            .iter()
            .map(|l| (*l).to_string())
            .chain(std::iter::once(super::questionnaire::DONT_KNOW.to_string()))
            .collect(),
        Kind::Multi { options, none, .. } => options.iter().chain(none).cloned().collect(),
        Kind::Number { .. } | Kind::Text => Vec::new(),
    }
}

/// The companion of the blank CSV form: a row per question with the answers it takes, for
/// whoever fills the form in a spreadsheet (the form itself stays one header row, so it imports
/// back as it is).
pub fn csv_answers(q: &Questionnaire) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        "column".to_string(),
        "answers".to_string(),
        "only if".to_string(),
    ]];
    for question in q.questions() {
        let answers = match &question.kind {
            Kind::Number { unit, .. } if unit.is_empty() => "a number".to_string(),
            Kind::Number { unit, .. } => format!("a number of {unit}"),
            Kind::Text => "free text".to_string(),
            Kind::Multi { .. } => format!("any of: {}", answers(&question.kind).join(" | ")),
            Kind::YesNo | Kind::Scale { .. } | Kind::Maturity4 => {
                format!("one of: {}", answers(&question.kind).join(" | "))
            }
        };
        let only_if = question.when.as_ref().map_or(String::new(), |when| {
            format!("{} is \"{}\"", when.question, when.equals)
        });
        rows.push(vec![
            format!("{}: {}", question.id, question.text),
            answers,
            only_if,
        ]);
    }
    rows
}

pub fn markdown(q: &Questionnaire) -> Vec<u8> {
    let mut out = format!(
        "# {}\n\nAnswer what you know; \"Don't know\" is a fine answer.\n",
        q.title
    );
    for section in &q.sections {
        out.push_str(&format!("\n## {}\n", section.title));
        for question in &section.questions {
            out.push_str(&format!("\n**{}** {}\n\n", question.id, question.text));
            if let Some(when) = &question.when {
                out.push_str(&format!(
                    "_Only if {} is \"{}\"._\n\n",
                    when.question, when.equals
                ));
            }
            let choices: Vec<String> = answers(&question.kind)
                .iter()
                .map(|a| format!("☐ {a}"))
                .collect();
            let hint = match &question.kind {
                Kind::YesNo | Kind::Scale { .. } | Kind::Maturity4 => choices.join("  \n"),
                Kind::Number { unit, .. } => format!(
                    "Number{}: ______",
                    if unit.is_empty() {
                        String::new()
                    } else {
                        format!(" of {unit}")
                    }
                ),
                Kind::Multi { .. } => format!("Select all that apply:  \n{}", choices.join("  \n")),
                Kind::Text => "______________________________".into(),
            };
            out.push_str(&hint);
            out.push('\n');
        }
    }
    out.into_bytes()
}
