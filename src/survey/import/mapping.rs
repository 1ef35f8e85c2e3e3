//! Mapping files: which column answers which question, where a form's wording differs from
//! the bank. `survey map --write-mapping` writes one from the matches, `--mapping` reads it back.

use std::collections::BTreeMap;
use std::path::Path;

use super::Mapped;
use super::matching::How;
use crate::spanned::{InputError, toml_string};
use crate::survey::questionnaire::Questionnaire;

/// Explicit column headers per question id, for forms whose wording differs from the bank.
pub type Mapping = BTreeMap<String, String>;

impl Mapped {
    /// The matches as a mapping file (`--write-mapping`), to review, edit and read back.
    pub fn mapping_file(&self, questionnaire: &Questionnaire, export: &Path) -> String {
        let mut out = format!(
            "# How the columns of {} were matched to `{}` (written by `centricity survey map`).\n\
             # Each line is QUESTION-ID = \"column header\", or \"QUESTION-ID[option]\" for an option column.\n\
             # Fix a line to correct a match, add one for a column left unmatched; read back with --mapping.\n\n[columns]\n",
            export.display(),
            questionnaire.id
        );
        for column in &self.columns {
            // A second line for a question would make the file unreadable (a key twice): said only.
            if let (Some(question), How::Duplicate { first }) = (&column.question, column.how) {
                out.push_str(&format!(
                    "# {question}: {} is a copy of column {first}, ignored\n",
                    toml_string(&column.header)
                ));
                continue;
            }
            let (Some(question), false) = (
                &column.question,
                matches!(column.how, How::Tool | How::Segment),
            ) else {
                continue;
            };
            let key = match &column.option {
                Some(option) => format!("{question}[{option}]"),
                None => question.clone(),
            };
            out.push_str(&format!(
                "{} = {}\n",
                toml_string(&key),
                toml_string(&column.header)
            ));
        }
        for id in &self.unanswered {
            out.push_str(&format!("# {id} = \"\"\n"));
        }
        out
    }
}

/// A mapping file: `[columns]` with `QUESTION-ID = "column header as exported"`.
pub fn read_mapping(path: &Path) -> Result<Mapping, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let mut root = crate::spanned::parse_toml(&text, path).map_err(|e| e.to_string())?;
    let mut errors = Vec::new();
    let mapping = toml_span::de_helpers::TableHelper::new(&mut root)
        .ok()
        .and_then(|mut th| {
            let columns = th.take("columns").and_then(|(_, mut v)| {
                crate::spanned::read_table(&mut v, &mut errors, |ct| {
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
        return Err(InputError::in_toml(path, &text, toml_span::DeserError { errors }).to_string());
    }
    mapping.ok_or_else(|| {
        format!(
            "{}: expected a [columns] table of QUESTION-ID = \"header\"",
            path.display()
        )
    })
}
