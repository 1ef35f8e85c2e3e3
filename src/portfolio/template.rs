//! An audit file with `{column}` placeholders, filled from one company's row. Values land
//! inside TOML strings, so they are escaped for them: a company name cannot add a key.

use std::path::{Path, PathBuf};

use super::Company;
use crate::spanned::{InputError, LineIndex, Problem};

#[derive(Debug, Clone)]
pub struct Template {
    pub path: PathBuf,
    text: String,
}

/// A placeholder: `{` a column name `}` (letters, digits, `_`, `-`). Inline tables
/// (`{ host = … }`) have spaces and `=`, so they are never taken for one.
fn placeholders(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.match_indices('{').filter_map(move |(at, _)| {
        let (name, _) = text.get(at + 1..)?.split_once('}')?;
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        valid.then_some((at, name))
    })
}

impl Template {
    pub fn load(path: &Path) -> Result<Template, InputError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| InputError::whole_file(path, format!("cannot read the template: {e}")))?;
        Ok(Template {
            path: path.to_path_buf(),
            text,
        })
    }

    /// Every placeholder names a column of the CSV; the ones that do not, at their place.
    pub fn check_columns(&self, columns: &[String], csv: &Path) -> Result<(), InputError> {
        let index = LineIndex::new(&self.text);
        let problems: Vec<Problem> = placeholders(&self.text)
            .filter(|(_, name)| !columns.iter().any(|c| c == name))
            .map(|(at, name)| Problem {
                location: index.locate(at),
                message: format!(
                    "placeholder `{{{name}}}` has no column in {} (columns: {})",
                    csv.display(),
                    columns.join(", ")
                ),
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(InputError {
                file: self.path.clone(),
                problems,
            })
        }
    }

    /// The audit file for `company`: every placeholder replaced by its value, escaped for a
    /// TOML string.
    pub fn fill(&self, company: &Company) -> String {
        let mut out = String::with_capacity(self.text.len());
        let mut from = 0;
        for (at, name) in placeholders(&self.text) {
            out.push_str(self.text.get(from..at).unwrap_or_default());
            let value = company.fields.get(name).map_or("", String::as_str);
            out.push_str(&escape(value));
            from = at + name.len() + 2;
        }
        out.push_str(self.text.get(from..).unwrap_or_default());
        out
    }
}

/// A value as the inside of a TOML basic string.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_fill_placeholders_and_cannot_add_keys() {
        let template = Template {
            path: "t.toml".into(),
            text: "[audit]\nname = \"{name}\"\n[[check]]\nsmtp = { host = \"x\" }\nurl = \"{site}/contact\"\n".into(),
        };
        let company = Company {
            row: 2,
            name: "Evil".into(),
            sector: None,
            fields: [
                ("name".to_string(), "Evil\"\nsite = \"x".to_string()),
                ("site".to_string(), "https://e.example".to_string()),
            ]
            .into_iter()
            .collect(),
        };
        let filled = template.fill(&company);
        assert!(
            filled.contains("name = \"Evil\\\"\\u000Asite = \\\"x\"\n"),
            "{filled}"
        );
        assert!(filled.contains("url = \"https://e.example/contact\""));
        assert!(filled.contains("smtp = { host = \"x\" }"));
        let columns = vec!["name".to_string()];
        let err = template
            .check_columns(&columns, Path::new("c.csv"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("t.toml:5:8: placeholder `{site}` has no column in c.csv"),
            "{err}"
        );
    }
}
