//! The signals replies are judged by: `checks/replies.toml`, embedded, plus the entries of a
//! user's file of the same shape (an email check's `signals`, `probe classify --signals`).

use std::path::Path;
use std::sync::OnceLock;

use toml_span::de_helpers::TableHelper;
use toml_span::value::ValueInner;

use crate::spanned::{InputError, at, parse_toml, read_table};

const SHIPPED_PATH: &str = "checks/replies.toml";

/// The table an entry belongs to: the class it is evidence for, or a discussion list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Bounce,
    Automatic,
    Newsletter,
    /// A machine sent it, of whichever kind: counts towards automatic or newsletter, decides
    /// neither.
    Machine,
    /// A discussion list delivered the message: its transport signals are set aside.
    List,
}

impl Table {
    const ALL: [(Table, &'static str); 5] = [
        (Table::Bounce, "bounce"),
        (Table::Automatic, "automatic"),
        (Table::Newsletter, "newsletter"),
        (Table::Machine, "machine"),
        (Table::List, "list"),
    ];
}

/// Where an entry's phrases are looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    From,
    /// From, Sender and Return-Path.
    Sender,
    Subject,
    SubjectStart,
    /// The message's own words: its body text (HTML as text), quoted replies left out.
    Text,
    /// The first characters of its own words.
    Opening,
    /// Every text part, returned copies included: where a failure notice says what failed.
    Notice,
    /// The value of this header.
    Header(String),
    Links,
}

const PLACES: &str = "from, sender, subject, subject-start, text, opening, notice, header or links";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// Decides alone.
    Strong,
    /// Decides with another weak signal of the class.
    Weak,
}

impl Strength {
    pub fn weight(self) -> u32 {
        match self {
            Strength::Strong => 2,
            Strength::Weak => 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub table: Table,
    /// The reason shown when the entry matches.
    pub signal: String,
    pub place: Place,
    pub strength: Strength,
    /// What a mailing list adds to every post it delivers.
    pub transport: bool,
    /// Lower case, runs of whitespace as one space; empty only for a header's presence.
    pub phrases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    pub rules: Vec<Rule>,
}

impl Rules {
    /// The shipped signals; their validity is a test.
    pub fn shipped() -> &'static Rules {
        Rules::shared_shipped()
    }

    /// The shipped signals, shared: every check without a file of its own holds this one copy.
    pub fn shared_shipped() -> &'static std::sync::Arc<Rules> {
        static SHIPPED: OnceLock<std::sync::Arc<Rules>> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            std::sync::Arc::new(
                Rules::parse(
                    include_str!("../../../checks/replies.toml"),
                    Path::new(SHIPPED_PATH),
                )
                .unwrap_or_else(|e| panic!("shipped reply signals invalid:\n{e}")),
            )
        })
    }

    /// The shipped signals with a user's file's entries added.
    pub fn shipped_and(file: &Path) -> Result<Rules, InputError> {
        let bytes = crate::input::read(file, &crate::input::TABLE)
            .map_err(|e| InputError::whole_file(file, e.to_string()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| InputError::whole_file(file, "is not UTF-8 text"))?;
        let mut rules = Rules::shipped().clone();
        rules.rules.extend(Rules::parse(&text, file)?.rules);
        Ok(rules)
    }

    pub fn parse(text: &str, file: &Path) -> Result<Rules, InputError> {
        let located = |errors| InputError::in_toml(file, text, errors);
        let mut root = parse_toml(text, file)?;
        let mut th = TableHelper::new(&mut root).map_err(located)?;
        let mut rules = Vec::new();
        for (table, key) in Table::ALL {
            let Some((_, mut list)) = th.take(key) else {
                continue;
            };
            let ValueInner::Array(items) = list.take() else {
                th.errors.extend(
                    crate::spanned::custom(
                        format!("`{key}` is a list of [[{key}]] entries"),
                        &list,
                    )
                    .errors,
                );
                continue;
            };
            for mut item in items {
                let rule = read_table(&mut item, &mut th.errors, |t| read_rule(t, table));
                rules.extend(rule.flatten());
            }
        }
        th.finalize(None).map_err(located)?;
        Ok(Rules { rules })
    }
}

fn read_rule(t: &mut TableHelper<'_>, table: Table) -> Option<Rule> {
    let signal = t.required_s::<String>("signal").ok();
    let place = t.required_s::<String>("in").ok();
    let strength = t.required_s::<String>("strength").ok();
    let header = t.optional_s::<String>("header");
    let transport = t.optional::<bool>("transport").unwrap_or(false);
    let phrases = t.optional_s::<Vec<String>>("phrases");
    let mut problems = Vec::new();
    let strength = match strength.as_ref().map(|s| s.value.as_str()) {
        Some("strong") => Some(Strength::Strong),
        Some("weak") => Some(Strength::Weak),
        Some(_) => {
            problems.extend(
                strength
                    .as_ref()
                    .map(|s| at("`strength` is \"strong\" or \"weak\"", s)),
            );
            None
        }
        None => None,
    };
    let place = place.and_then(|p| {
        let place = match p.value.as_str() {
            "from" => Place::From,
            "sender" => Place::Sender,
            "subject" => Place::Subject,
            "subject-start" => Place::SubjectStart,
            "text" => Place::Text,
            "opening" => Place::Opening,
            "notice" => Place::Notice,
            "links" => Place::Links,
            "header" => match &header {
                Some(name) if valid_header_name(&name.value) => Place::Header(name.value.clone()),
                Some(name) => {
                    problems.push(at("`header` is a header's name, such as X-Autoreply", name));
                    return None;
                }
                None => {
                    problems.push(at(
                        "`in = \"header\"` needs `header`, the header's name",
                        &p,
                    ));
                    return None;
                }
            },
            _ => {
                problems.push(at(format!("`in` is one of {PLACES}"), &p));
                return None;
            }
        };
        if let (Some(name), false) = (&header, matches!(place, Place::Header(_))) {
            problems.push(at("`header` goes with `in = \"header\"`", name));
        }
        Some(place)
    });
    let phrases: Vec<String> = match phrases {
        Some(list) if list.value.iter().any(|p| normalise(p).is_empty()) => {
            problems.push(at("an empty phrase would match every message", &list));
            Vec::new()
        }
        Some(list) => list.value.iter().map(|p| normalise(p)).collect(),
        None => Vec::new(),
    };
    if let Some(signal) = signal.as_ref().filter(|_| {
        phrases.is_empty()
            && place
                .as_ref()
                .is_some_and(|p| !matches!(p, Place::Header(_)))
    }) {
        problems.push(at("this entry needs `phrases`, what to look for", signal));
    }
    let valid = problems.is_empty();
    t.errors.extend(problems.into_iter().flat_map(|p| p.errors));
    Some(Rule {
        table,
        signal: signal?.value,
        place: place?,
        strength: strength?,
        transport,
        phrases,
    })
    .filter(|_| valid)
}

fn valid_header_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
}

/// How phrases and the text they are looked for in are compared: lower case, typographic
/// apostrophes as `'`, every run of whitespace one space, no space at either end.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' => out.push('\''),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_signals_load_with_every_class() {
        let rules = &Rules::shipped().rules;
        for (table, _) in Table::ALL {
            assert!(rules.iter().any(|r| r.table == table), "{table:?}");
        }
        assert!(rules.len() > 40);
    }

    #[test]
    fn a_users_file_is_checked_where_it_is_wrong() {
        let text = "[[automatic]]\nsignal = \"x\"\nin = \"subjekt\"\nstrength = \"strong\"\nphrases = [\"a\"]\n\
                    [[newsletter]]\nsignal = \"y\"\nin = \"text\"\nstrength = \"loud\"\nphrases = [\" \"]\n";
        let err = Rules::parse(text, Path::new("mine.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("mine.toml:3:"), "{err}");
        assert!(err.contains("`in` is one of"), "{err}");
        assert!(err.contains("mine.toml:9:"), "{err}");
        assert!(err.contains("\"strong\" or \"weak\""), "{err}");
        assert!(err.contains("empty phrase"), "{err}");
    }

    #[test]
    fn phrases_are_compared_however_they_are_spaced_and_cased() {
        assert_eq!(
            normalise("  We’ve\r\n  RECEIVED\tyour "),
            "we've received your"
        );
        assert_eq!(normalise("Automātiskā  ATBILDE"), "automātiskā atbilde");
    }
}
