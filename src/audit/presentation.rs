//! The audit file's `[report]` table: how the consultant's report looks (paper, evidence,
//! logo, accent) and what it says in their words (`[report.notes]`). Each problem is reported
//! at its key, as everywhere in the audit file.

use std::io::Read as _;
use std::path::Path;

use toml_span::Spanned;
use toml_span::de_helpers::TableHelper;

use crate::category::Category;
use crate::report::presentation::{Accent, EvidencePlacement, Logo, Paper, Presentation};
use crate::spanned::{at, read_table};

/// The longest note read: a note is a paragraph or a few, not a chapter.
const MAX_NOTE_CHARS: usize = 4000;

/// Reads `[report]`; `dir` anchors the logo's path.
pub fn parse_report(th: &mut TableHelper<'_>, dir: &Path) -> Presentation {
    let mut look = Presentation::default();
    if let Some(paper) = th.optional_s::<String>("paper") {
        match paper.value.parse::<Paper>() {
            Ok(parsed) => look.paper = parsed,
            Err(err) => th
                .errors
                .extend(at(format!("{err}: expected \"a4\" or \"letter\""), &paper).errors),
        }
    }
    if let Some(evidence) = th.optional_s::<String>("evidence") {
        match evidence.value.parse::<EvidencePlacement>() {
            Ok(parsed) => look.evidence = parsed,
            Err(err) => th.errors.extend(
                at(
                    format!("{err}: expected \"appendix\" or \"none\""),
                    &evidence,
                )
                .errors,
            ),
        }
    }
    if let Some(accent) = th.optional_s::<String>("accent") {
        match accent.value.parse::<Accent>() {
            Ok(parsed) => look.accent = Some(parsed),
            Err(message) => th.errors.extend(at(message, &accent).errors),
        }
    }
    if let Some(logo) = th.optional_s::<String>("logo") {
        match read_logo(&dir.join(&logo.value)) {
            Ok(read) => look.logo = Some(read),
            Err(message) => th
                .errors
                .extend(at(format!("logo `{}`: {message}", logo.value), &logo).errors),
        }
    }
    if let Some((_, mut notes)) = th.take("notes") {
        read_table(&mut notes, &mut th.errors, |nt| {
            look.notes.summary = note(nt, "summary");
            for category in Category::ALL {
                if let Some(text) = note(nt, category.id()) {
                    look.notes.by_category.insert(category, text);
                }
            }
        });
    }
    look
}

/// A note's text, refused at its place when it is longer than a note should be.
fn note(th: &mut TableHelper<'_>, key: &'static str) -> Option<String> {
    let text: Spanned<String> = th.optional_s(key)?;
    if text.value.chars().count() > MAX_NOTE_CHARS {
        th.errors.extend(
            at(
                format!("the note is longer than {MAX_NOTE_CHARS} characters: shorten it"),
                &text,
            )
            .errors,
        );
        return None;
    }
    Some(text.value)
}

/// The logo file, read no further than the cap, checked and (an SVG) sanitised.
fn read_logo(path: &Path) -> Result<Logo, String> {
    let file = std::fs::File::open(path).map_err(|err| format!("cannot read it: {err}"))?;
    let mut bytes = Vec::new();
    let limit = u64::try_from(crate::report::presentation::LOGO_MAX_BYTES + 1).unwrap_or(u64::MAX);
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|err| format!("cannot read it: {err}"))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    Logo::read(&name, &bytes).map_err(|err| err.to_string())
}
