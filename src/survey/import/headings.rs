//! How a LimeSurvey export heads its columns: full or abbreviated question texts, with or
//! without codes, and how a heading is read back to the text it stands for.

use super::super::labels::normalise;

/// How a LimeSurvey export heads its columns when not with codes ("Export questions as" in
/// its export dialog): `Response ID`, `Date submitted`, then each question's text, a
/// subquestion's as `Question [Subquestion]`. Abbreviated, LimeSurvey keeps each text whole up
/// to its "Text abbreviated" length (15 by default) plus 3 characters, and beyond that cuts it
/// there and adds `.. ` (its `ellipsize`); with codes, it writes `CODE. ` before each heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Headings {
    FullTexts,
    AbbreviatedTexts,
    CodesAndTexts,
    CodesAndAbbreviatedTexts,
}

impl Headings {
    /// How a LimeSurvey export's first header row heads it; `None` for codes (`id`, `submitdate`).
    pub fn of(first: &[String]) -> Option<Headings> {
        let head = first.first()?;
        if lime_text(head) != "response id"
            || !first.iter().any(|h| lime_text(h) == "date submitted")
        {
            return None;
        }
        let coded = strip_code(head).len() < head.len();
        let abbreviated = first.iter().any(|h| is_abbreviated(h));
        Some(match (coded, abbreviated) {
            (false, false) => Headings::FullTexts,
            (false, true) => Headings::AbbreviatedTexts,
            (true, false) => Headings::CodesAndTexts,
            (true, true) => Headings::CodesAndAbbreviatedTexts,
        })
    }

    pub fn abbreviated(self) -> bool {
        matches!(
            self,
            Headings::AbbreviatedTexts | Headings::CodesAndAbbreviatedTexts
        )
    }

    pub fn describe(self) -> &'static str {
        match self {
            Headings::FullTexts => "full question texts",
            Headings::AbbreviatedTexts => "abbreviated question texts",
            Headings::CodesAndTexts => "question codes and texts",
            Headings::CodesAndAbbreviatedTexts => "question codes and abbreviated texts",
        }
    }

    /// A header as it reads without LimeSurvey's code before it (`G01Q03[SQ001]. `) and with
    /// spaces where its "spaces to underscores" option put underscores.
    pub(super) fn text(self, header: &str, underscores: bool) -> String {
        let text = match self {
            Headings::CodesAndTexts | Headings::CodesAndAbbreviatedTexts => strip_code(header),
            Headings::FullTexts | Headings::AbbreviatedTexts => header,
        };
        if underscores {
            text.replace('_', " ")
        } else {
            text.to_string()
        }
    }
}

/// The text of a header LimeSurvey abbreviated (`Through which c.. `): what stands before its
/// two dots, never empty. Three dots are the text's own (`If I get help, ...`), not a cut.
pub fn abbreviation(text: &str) -> Option<&str> {
    let body = text.trim_end().strip_suffix("..")?;
    (!body.ends_with('.') && !body.trim().is_empty()).then_some(body)
}

/// Whether a header, or the question or subquestion in it, ends as LimeSurvey cuts a text:
/// two dots and a space (`Through which c.. `, `[Post-interactio.. ]`).
fn is_abbreviated(header: &str) -> bool {
    let cut = |part: &str| part.ends_with(".. ") && abbreviation(part).is_some();
    let (question, sub) = match header
        .trim_end()
        .strip_suffix(']')
        .and_then(|t| t.rsplit_once(" ["))
    {
        Some((question, sub)) => (question, Some(sub)),
        None => (header, None),
    };
    cut(question) || sub.is_some_and(cut)
}

/// `G01Q03[SQ001]. Text` → `Text`: a LimeSurvey code (letters, digits, `_`, bracketed
/// subquestion codes) and its `. ` separator; anything else is left as it is.
fn strip_code(header: &str) -> &str {
    let Some((code, text)) = header.split_once(". ") else {
        return header;
    };
    let mut depth = 0usize;
    let is_code = !code.is_empty()
        && code.chars().all(|c| match c {
            '[' => {
                depth += 1;
                depth == 1
            }
            ']' if depth == 1 => {
                depth = 0;
                true
            }
            _ => c.is_ascii_alphanumeric() || c == '_' || c == '#',
        })
        && depth == 0;
    if is_code { text } else { header }
}

/// A header as LimeSurvey's text headings are compared: code gone, spaces for underscores.
pub(super) fn lime_text(header: &str) -> String {
    normalise(strip_code(header)).replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_text_is_what_stands_before_two_dots() {
        assert_eq!(abbreviation("Through which c.. "), Some("Through which c"));
        assert_eq!(abbreviation("How often is a .."), Some("How often is a "));
        for whole in ["If I get help, ...", "..", "Plain text"] {
            assert_eq!(abbreviation(whole), None, "{whole}");
        }
        assert_eq!(
            strip_code("G01Q03[SQ001]. Through which c.. "),
            "Through which c.. "
        );
        assert_eq!(strip_code("id. Response ID"), "Response ID");
        assert_eq!(strip_code("Is it? Yes. No"), "Is it? Yes. No");
        assert_eq!(strip_code("Q1[a[b]]. x"), "Q1[a[b]]. x");
    }
}
