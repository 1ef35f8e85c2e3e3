//! `centricity init`: writes a commented starter audit file that validates as
//! is, or, with `--site`, drafts one from a crawl of the company's site.

use std::path::Path;
use std::time::Duration;

use url::Url;

use crate::audit::{DEFAULT_FILE, draft};
use crate::cli::TemplateFormat;
use crate::exit::Exit;
use crate::kind::CollectContext;
use crate::kinds::{contact_reach, mystery_log};
use crate::survey::questionnaire;

use super::survey::form;

/// The starter file; a test checks that it passes validation.
pub const STARTER: &str = include_str!("starter.toml");

pub fn run(dir: &Path, force: bool, quiet: bool, site: Option<&str>, delay: Duration) -> Exit {
    let path = dir.join(DEFAULT_FILE);
    if path.exists() && !force {
        eprintln!(
            "error: {} already exists; use --force to replace it",
            path.display()
        );
        return Exit::InvalidInput;
    }
    if dir.exists() && !dir.is_dir() {
        eprintln!("error: {} is not a folder", dir.display());
        return Exit::InvalidInput;
    }
    let text = match site {
        None => STARTER.to_string(),
        Some(site) => match draft(site, delay) {
            Ok(text) => text,
            Err(exit) => return exit,
        },
    };
    // A drafted file must be a valid audit before it is written.
    if let Err(e) = crate::audit::parse(&text, &path) {
        eprintln!("error: the drafted audit file is invalid (a bug, please report it):\n{e}");
        return Exit::Runtime;
    }
    if let Err(err) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot create the folder {}: {err}", dir.display());
        return Exit::Runtime;
    }
    if let Err(err) = crate::output::write_atomically(&path, text.as_bytes()) {
        eprintln!("error: cannot write {}: {err}", path.display());
        return Exit::Runtime;
    }
    let written = match write_templates(dir) {
        Ok(written) => written,
        Err(message) => {
            eprintln!("error: {message}");
            return Exit::Runtime;
        }
    };
    if !quiet {
        eprintln!(
            "wrote {}{}; review it, then run: centricity audit {}",
            path.display(),
            if written.is_empty() {
                String::new()
            } else {
                format!(" and the templates {}", written.join(", "))
            },
            path.display()
        );
    }
    Exit::Ok
}

/// The files a consultant fills in, beside the audit file: the mystery log (blank, and an
/// example) and each shipped questionnaire's form with the answers its columns take. A file
/// already there is kept, `--force` or not: it may hold a client's answers.
fn write_templates(dir: &Path) -> Result<Vec<String>, String> {
    let mut files = vec![
        (
            "mystery-log.csv".to_string(),
            mystery_log::blank_log().into_bytes(),
        ),
        (
            "mystery-log.example.csv".to_string(),
            mystery_log::example_log().into_bytes(),
        ),
    ];
    for q in questionnaire::shipped() {
        files.push((
            format!("surveys/{}.csv", q.id),
            form(&q, TemplateFormat::Csv),
        ));
        files.push((
            format!("surveys/{}.answers.csv", q.id),
            form(&q, TemplateFormat::CsvAnswers),
        ));
    }
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(&name);
        if path.exists() {
            continue;
        }
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
        }
        crate::output::write_atomically(&path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(name);
    }
    Ok(written)
}

/// Crawls the site as `contact-reach` does and drafts the audit file from what it found.
fn draft(site: &str, delay: Duration) -> Result<String, Exit> {
    let start = match Url::parse(site) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url,
        _ => {
            eprintln!("error: `{site}` is not an http(s) URL");
            return Err(Exit::InvalidInput);
        }
    };
    let params = contact_reach::Params {
        start: start.clone(),
        max_depth: 3,
        max_pages: 50,
        delay,
    };
    let ctx = CollectContext::standalone("init", ".".into(), ".".into(), Duration::from_secs(300));
    let runtime = super::runtime(false)?;
    let observation = runtime
        .block_on(contact_reach::collect(&params, &ctx))
        .map_err(|e| {
            eprintln!("error: {e}");
            Exit::Runtime
        })?;
    Ok(draft::from_crawl(&start, &observation))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_file_is_a_valid_audit() {
        let audit = crate::audit::parse(STARTER, Path::new("centricity.toml"))
            .unwrap_or_else(|e| panic!("starter is invalid:\n{e}"));
        assert_eq!(audit.checks.len(), 1);
    }
}
