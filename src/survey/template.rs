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
            let hint = match &question.kind {
                Kind::YesNo | Kind::Scale { .. } | Kind::Maturity4 => {
                    let mut options: Vec<String> = question
                        .kind
                        .labels()
                        .iter()
                        .map(|l| format!("☐ {l}"))
                        .collect();
                    options.push("☐ Don't know".into());
                    options.join("  \n")
                }
                Kind::Number { unit, .. } => format!(
                    "Number{}: ______",
                    if unit.is_empty() {
                        String::new()
                    } else {
                        format!(" of {unit}")
                    }
                ),
                Kind::Multi { options, none, .. } => {
                    let mut lines: Vec<String> = options.iter().map(|o| format!("☐ {o}")).collect();
                    if let Some(none) = none {
                        lines.push(format!("☐ {none}"));
                    }
                    format!("Select all that apply:  \n{}", lines.join("  \n"))
                }
                Kind::Text => "______________________________".into(),
            };
            out.push_str(&hint);
            out.push('\n');
        }
    }
    out.into_bytes()
}
