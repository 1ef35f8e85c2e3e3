//! Questionnaire definitions (`checks/questionnaires/*.toml`, embedded; users
//! add their own folder): sections, questions with stable ids, answer types,
//! weights, audience and conditions. Validated at load, with places.

use std::collections::HashSet;
use std::path::Path;

use toml_span::de_helpers::TableHelper;
use toml_span::value::ValueInner;

use crate::category::Category;
use crate::spanned::{InputError, at};
use crate::spanned::{Number, parse_toml, read_table};

const SHIPPED: &[(&str, &str)] = &[
    (
        "checks/questionnaires/feedback-loop.toml",
        include_str!("../../checks/questionnaires/feedback-loop.toml"),
    ),
    (
        "checks/questionnaires/frontline.toml",
        include_str!("../../checks/questionnaires/frontline.toml"),
    ),
];

pub const LIKERT5: [&str; 5] = [
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
];
pub const MATURITY4: [&str; 4] = [
    "Not done",
    "Ad hoc (depends on the person)",
    "Defined process, mostly followed",
    "Systematic (always followed, tracked)",
];
pub const YES_NO: [&str; 2] = ["Yes", "No"];
pub const DONT_KNOW: &str = "Don't know";

#[derive(Debug, Clone, PartialEq)]
pub struct Questionnaire {
    pub id: String,
    pub title: String,
    pub category: Category,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub weight: f64,
    /// What to do when the section scores low.
    pub recommendation: String,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub kind: Kind,
    pub weight: f64,
    pub audience: Audience,
    /// Ask only when another question got this answer.
    pub when: Option<Condition>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Employee,
    Manager,
    Both,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub question: String,
    /// The option label that must have been chosen.
    pub equals: String,
}

/// An answer type and what it needs to score.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    YesNo,
    /// Five options, worst to best (likert5 and freq5); `reversed` flips the scoring.
    Scale {
        options: Vec<String>,
        reversed: bool,
    },
    Maturity4,
    Number {
        unit: String,
        best: f64,
        worst: f64,
        log: bool,
        integer: bool,
    },
    Multi {
        options: Vec<String>,
        none: Option<String>,
        target: u32,
    },
    Text,
}

impl Kind {
    /// The option labels of a choice type, in order; empty for numbers, multi and text.
    pub fn labels(&self) -> Vec<&str> {
        match self {
            Kind::YesNo => YES_NO.to_vec(),
            Kind::Scale { options, .. } => options.iter().map(String::as_str).collect(),
            Kind::Maturity4 => MATURITY4.to_vec(),
            Kind::Number { .. } | Kind::Multi { .. } | Kind::Text => Vec::new(),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Kind::YesNo => "yes_no",
            Kind::Scale { .. } => "scale",
            Kind::Maturity4 => "maturity4",
            Kind::Number { .. } => "number",
            Kind::Multi { .. } => "multi",
            Kind::Text => "text",
        }
    }

    pub fn is_scored(&self) -> bool {
        !matches!(self, Kind::Text)
    }
}

impl Questionnaire {
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|q| q.id.eq_ignore_ascii_case(id))
    }
}

/// The shipped questionnaires; their validity is a test.
pub fn shipped() -> Vec<Questionnaire> {
    SHIPPED
        .iter()
        .map(|(path, text)| {
            parse(text, Path::new(path))
                .unwrap_or_else(|e| panic!("shipped questionnaire invalid:\n{e}"))
        })
        .collect()
}

/// The shipped questionnaires, parsed once: the question bank a survey column is matched against.
pub fn bank() -> &'static [Questionnaire] {
    static BANK: std::sync::OnceLock<Vec<Questionnaire>> = std::sync::OnceLock::new();
    BANK.get_or_init(shipped)
}

/// Finds a questionnaire by id among the shipped ones, or reads it from a path.
pub fn find(id_or_path: &str, base: &Path) -> Result<Questionnaire, InputError> {
    if let Some(q) = shipped().into_iter().find(|q| q.id == id_or_path) {
        return Ok(q);
    }
    let path = base.join(id_or_path);
    if id_or_path.ends_with(".toml") || path.is_file() {
        let text = std::fs::read_to_string(&path).map_err(|e| {
            InputError::whole_file(&path, format!("cannot read the questionnaire: {e}"))
        })?;
        return parse(&text, &path);
    }
    let known: Vec<String> = shipped().into_iter().map(|q| q.id).collect();
    Err(InputError::whole_file(
        Path::new(id_or_path),
        format!(
            "no questionnaire `{id_or_path}`; shipped: {} (or give a path to a .toml file)",
            known.join(", ")
        ),
    ))
}

/// Parses a questionnaire file; every problem is reported with its place.
pub fn parse(text: &str, file: &Path) -> Result<Questionnaire, InputError> {
    let located = |errors| InputError::in_toml(file, text, errors);
    let mut root = parse_toml(text, file)?;
    let mut th = TableHelper::new(&mut root).map_err(located)?;
    let id = th.required::<String>("id").ok();
    let title = th.required::<String>("title").ok();
    let category = th.required::<Category>("category").ok();
    let mut sections = Vec::new();
    let mut seen = HashSet::new();
    if let Some((_, mut list)) = th.take("section")
        && let ValueInner::Array(items) = list.take()
    {
        for mut item in items {
            if let Some(Some(section)) =
                read_table(&mut item, &mut th.errors, |st| read_section(st, &mut seen))
            {
                sections.push(section);
            }
        }
    }
    if sections.is_empty() {
        th.errors.extend(
            at(
                "a questionnaire needs at least one [[section]]",
                &toml_span::Spanned {
                    value: (),
                    span: toml_span::Span::new(0, 0),
                },
            )
            .errors,
        );
    }
    check_conditions(&sections, &mut th.errors);
    th.finalize(None).map_err(located)?;
    let (Some(id), Some(title), Some(category)) = (id, title, category) else {
        unreachable!("missing keys are reported by finalize")
    };
    Ok(Questionnaire {
        id,
        title,
        category,
        sections,
    })
}

fn read_section(st: &mut TableHelper<'_>, seen: &mut HashSet<String>) -> Option<Section> {
    let id = st.required::<String>("id").ok();
    let title = st.required::<String>("title").ok();
    let weight = st.required::<Number>("weight").ok();
    let recommendation = st.required::<String>("recommendation").ok();
    let mut questions = Vec::new();
    if let Some((_, mut list)) = st.take("question")
        && let ValueInner::Array(items) = list.take()
    {
        for mut item in items {
            if let Some(Some(q)) =
                read_table(&mut item, &mut st.errors, |qt| read_question(qt, seen))
            {
                questions.push(q);
            }
        }
    }
    Some(Section {
        id: id?,
        title: title?,
        weight: weight?.0,
        recommendation: recommendation?,
        questions,
    })
}

fn read_question(qt: &mut TableHelper<'_>, seen: &mut HashSet<String>) -> Option<Question> {
    let id = qt.required_s::<String>("id").ok();
    let text = qt.required::<String>("text").ok();
    let kind_name = qt.required_s::<String>("type").ok();
    let weight = qt.optional::<Number>("weight").map(|n| n.0);
    let audience = qt.optional_s::<String>("audience");
    let when = qt.take("when").and_then(|(_, mut v)| {
        read_table(&mut v, &mut qt.errors, |ct| {
            Some(Condition {
                question: ct.required::<String>("question").ok()?,
                equals: ct.required::<String>("equals").ok()?,
            })
        })
        .flatten()
    });
    if let Some(id) = &id
        && !seen.insert(id.value.to_ascii_uppercase())
    {
        qt.errors
            .extend(at(format!("duplicate question id `{}`", id.value), id).errors);
    }
    let audience = match audience {
        None => Some(Audience::Both),
        Some(a) => match a.value.as_str() {
            "employee" => Some(Audience::Employee),
            "manager" => Some(Audience::Manager),
            "both" => Some(Audience::Both),
            _ => {
                qt.errors
                    .extend(at("`audience` is `employee`, `manager` or `both`", &a).errors);
                None
            }
        },
    };
    let kind = kind_name.and_then(|k| read_kind(qt, &k));
    let kind = kind?;
    // Text is evidence, never scored; everything else defaults to weight 1.
    let weight = weight.unwrap_or(if kind.is_scored() { 1.0 } else { 0.0 });
    Some(Question {
        id: id?.value,
        text: text?,
        kind,
        weight,
        audience: audience?,
        when,
    })
}

fn read_kind(qt: &mut TableHelper<'_>, name: &toml_span::Spanned<String>) -> Option<Kind> {
    let options = |qt: &mut TableHelper<'_>, n: Option<usize>| -> Option<Vec<String>> {
        let list = qt.required_s::<Vec<String>>("options").ok()?;
        if let Some(n) = n.filter(|n| list.value.len() != *n) {
            qt.errors.extend(
                at(
                    format!("this type needs exactly {n} options, worst first"),
                    &list,
                )
                .errors,
            );
            return None;
        }
        Some(list.value)
    };
    match name.value.as_str() {
        "yes_no" => Some(Kind::YesNo),
        "likert5" => {
            let reversed = qt.optional::<bool>("reversed").unwrap_or(false);
            Some(Kind::Scale {
                options: LIKERT5.iter().map(|s| (*s).to_string()).collect(),
                reversed,
            })
        }
        "freq5" => {
            let reversed = qt.optional::<bool>("reversed").unwrap_or(false);
            Some(Kind::Scale {
                options: options(qt, Some(5))?,
                reversed,
            })
        }
        "maturity4" => Some(Kind::Maturity4),
        "number" => {
            let unit = qt.optional::<String>("unit").unwrap_or_default();
            let best = qt.required_s::<Number>("best").ok();
            let worst = qt.required::<Number>("worst").ok();
            let scale = qt.optional_s::<String>("scale");
            let integer = qt.optional::<bool>("integer").unwrap_or(false);
            let log = match scale {
                None => false,
                Some(s) if s.value == "log" => true,
                Some(s) if s.value == "linear" => false,
                Some(s) => {
                    qt.errors
                        .extend(at("`scale` is `linear` or `log`", &s).errors);
                    false
                }
            };
            let (best_spanned, worst) = (best?, worst?);
            let best = best_spanned.value.0;
            if best == worst.0 || (log && best.min(worst.0) <= 0.0) {
                qt.errors.extend(
                    at(
                        "`best` and `worst` must differ (and be above 0 on a log scale)",
                        &best_spanned,
                    )
                    .errors,
                );
            }
            Some(Kind::Number {
                unit,
                best,
                worst: worst.0,
                log,
                integer,
            })
        }
        "multi" => {
            let options = options(qt, None)?;
            let none = qt.optional::<String>("none");
            let target = qt.required_s::<u32>("target").ok()?;
            if target.value == 0 || target.value as usize > options.len() {
                qt.errors.extend(
                    at(
                        "`target` must be between 1 and the number of options",
                        &target,
                    )
                    .errors,
                );
            }
            Some(Kind::Multi {
                options,
                none,
                target: target.value,
            })
        }
        "text" => Some(Kind::Text),
        other => {
            qt.errors.extend(
                at(format!("unknown question type `{other}`; expected yes_no, likert5, freq5, maturity4, number, multi or text"), name)
                    .errors,
            );
            None
        }
    }
}

/// A condition must name an earlier choice question and one of its options.
fn check_conditions(sections: &[Section], errors: &mut Vec<toml_span::Error>) {
    let questions: Vec<&Question> = sections.iter().flat_map(|s| &s.questions).collect();
    for (i, q) in questions.iter().enumerate() {
        let Some(cond) = &q.when else { continue };
        let target = questions[..i].iter().find(|t| t.id == cond.question);
        let valid = target.is_some_and(|t| {
            t.kind
                .labels()
                .iter()
                .any(|l| l.eq_ignore_ascii_case(&cond.equals))
        });
        if !valid {
            errors.push(toml_span::Error {
                kind: toml_span::ErrorKind::Custom(
                    format!(
                        "question `{}` depends on `{}` = \"{}\", which is not an earlier choice question with that option",
                        q.id, cond.question, cond.equals
                    )
                    .into(),
                ),
                span: toml_span::Span::new(0, 0),
                line_info: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bank_is_the_reference_bank() {
        let all = shipped();
        let questions: Vec<&Question> = all.iter().flat_map(|q| q.questions()).collect();
        assert_eq!(questions.len(), 29);
        assert_eq!(questions.iter().filter(|q| q.kind.is_scored()).count(), 26);
        let sections: Vec<(&str, f64)> = all
            .iter()
            .flat_map(|q| q.sections.iter().map(|s| (s.id.as_str(), s.weight)))
            .collect();
        assert_eq!(
            sections,
            [
                ("capture", 20.0),
                ("routing", 20.0),
                ("action", 25.0),
                ("information", 20.0),
                ("channels", 15.0)
            ]
        );
        let act04 = all[0].question("ACT-04").unwrap();
        assert_eq!(
            act04.when,
            Some(Condition {
                question: "ACT-03".into(),
                equals: "Yes".into()
            })
        );
    }

    #[test]
    fn bad_definitions_are_reported_with_places() {
        let text = "id = \"x\"\ntitle = \"X\"\ncategory = \"feedback\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\nweight = 1\nrecommendation = \"r\"\n[[section.question]]\nid = \"Q1\"\ntext = \"t\"\ntype = \"likert7\"\n[[section.question]]\nid = \"Q1\"\ntext = \"t\"\ntype = \"freq5\"\noptions = [\"a\", \"b\"]\n";
        let err = parse(text, Path::new("q.toml")).unwrap_err().to_string();
        assert!(
            err.contains("q.toml:12:9: unknown question type `likert7`"),
            "{err}"
        );
        assert!(
            err.contains("q.toml:14:7: duplicate question id `Q1`"),
            "{err}"
        );
        assert!(
            err.contains("q.toml:17:11: this type needs exactly 5 options"),
            "{err}"
        );
    }
}
