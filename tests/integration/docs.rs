//! The documentation names only what exists: every repository path it writes as code (inline
//! or in a code block), every fixture it mentions anywhere, and every relative link, down to the
//! heading a link points to. Pages: the README, CONTRIBUTING.md and everything in `docs/`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::common::repo_path;

/// Folders that building or running the tool leaves in a checkout (`.centricity/` beside an
/// audit file, cargo's `target/`): the docs name them, a fresh clone does not hold them.
const LEFT_BY_RUNNING: &[&str] = &[".centricity", "target", ".git"];

struct Page {
    /// As the repository names it (`docs/checks.md`), for messages.
    name: String,
    path: PathBuf,
    text: String,
}

fn pages() -> Vec<Page> {
    let root = repo_path("");
    let mut paths = vec![root.join("README.md"), root.join("CONTRIBUTING.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    paths.extend(docs);
    paths
        .into_iter()
        .map(|path| Page {
            name: path.strip_prefix(&root).unwrap().display().to_string(),
            text: std::fs::read_to_string(&path).unwrap(),
            path,
        })
        .collect()
}

/// The page's prose (fenced blocks blanked out) and its code: inline spans and fenced blocks.
fn split_code(markdown: &str) -> (String, Vec<String>) {
    let (mut prose, mut code, mut fenced) = (String::new(), Vec::new(), None::<String>);
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            match fenced.take() {
                Some(block) => code.push(block),
                None => fenced = Some(String::new()),
            }
        } else if let Some(block) = fenced.as_mut() {
            block.push_str(line);
            block.push('\n');
        } else {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    code.extend(inline_spans(&prose));
    (prose, code)
}

/// Inline code: a run of backticks up to the next run of the same length (spans may wrap).
fn inline_spans(prose: &str) -> Vec<String> {
    let (mut spans, mut rest) = (Vec::new(), prose);
    while let Some(open) = rest.find('`') {
        let after = &rest[open..];
        let fence_len = after.len() - after.trim_start_matches('`').len();
        let fence = &after[..fence_len];
        let body = &after[fence_len..];
        let Some(close) = body.find(fence) else { break };
        spans.push(body[..close].to_string());
        rest = &body[close + fence_len..];
    }
    spans
}

/// A path as the docs write it, checkable: placeholders (`<kind>`) and globs (`*.toml`) cut
/// back to the folder they stand in; `None` for what a fresh clone does not hold.
fn checkable(written: &str) -> Option<&str> {
    let cut = written.find(['<', '*', '{']).map_or(written, |at| {
        written[..at]
            .rfind('/')
            .map_or("", |slash| &written[..=slash])
    });
    let path = cut.trim_end_matches(['.', '/', ':']);
    let left = path.split('/').any(|part| LEFT_BY_RUNNING.contains(&part));
    (!path.is_empty() && !left).then_some(path)
}

/// What the repository holds at its top: a code token starting with one of these names is a
/// repository path.
fn top_level() -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut folders, mut files) = (BTreeSet::new(), BTreeSet::new());
    for entry in std::fs::read_dir(repo_path("")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if LEFT_BY_RUNNING.contains(&name.as_str()) {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            folders.insert(name);
        } else {
            files.insert(name);
        }
    }
    (folders, files)
}

/// Repository paths written as code: tokens that start with a top-level folder and a `/`, or
/// name a top-level file.
fn paths_in_code(code: &str) -> Vec<String> {
    let (folders, files) = top_level();
    code.split(|c: char| c.is_whitespace() || "\"'(),;=[]|`".contains(c))
        .filter(|token| match token.split_once('/') {
            Some((first, _)) => folders.contains(first),
            None => files.contains(*token),
        })
        .map(str::to_string)
        .collect()
}

/// Fixtures named anywhere, prose included: `fixtures/` up to the first character a path does
/// not hold.
fn fixtures_in(text: &str) -> Vec<String> {
    text.match_indices("fixtures/")
        .map(|(at, _)| {
            text[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || "/._-".contains(*c))
                .collect()
        })
        .collect()
}

#[test]
fn every_path_the_docs_name_exists() {
    let root = repo_path("");
    let (mut checked, mut fixtures, mut missing) = (0, 0, Vec::new());
    for page in pages() {
        let (_, code) = split_code(&page.text);
        let named = code.iter().flat_map(|block| paths_in_code(block));
        let anywhere = fixtures_in(&page.text);
        fixtures += anywhere.len();
        for written in named.chain(anywhere) {
            let Some(path) = checkable(&written) else {
                continue;
            };
            if !root.join(path).exists() {
                missing.push(format!("{} names {path}", page.name));
            }
            checked += 1;
        }
    }
    assert!(missing.is_empty(), "paths that do not exist: {missing:#?}");
    assert!(fixtures > 5, "only {fixtures} fixtures named");
    assert!(
        checked > 100,
        "only {checked} paths checked: is the parsing broken?"
    );
}

/// A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as `-`, a
/// repeated heading numbered.
fn anchors(markdown: &str) -> BTreeSet<String> {
    let (prose, _) = split_code(markdown);
    let mut seen = BTreeSet::new();
    for line in prose.lines().filter(|line| line.starts_with('#')) {
        let title = line.trim_start_matches('#').trim();
        let slug: String = title
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let unique = (0..)
            .map(|n| {
                if n == 0 {
                    slug.clone()
                } else {
                    format!("{slug}-{n}")
                }
            })
            .find(|candidate| !seen.contains(candidate))
            .unwrap();
        seen.insert(unique);
    }
    seen
}

/// Relative link targets of a page's prose: `[text](target)`.
fn links(prose: &str) -> Vec<&str> {
    prose
        .match_indices("](")
        .filter_map(|(at, _)| {
            let rest = &prose[at + 2..];
            rest.find(')').map(|end| &rest[..end])
        })
        .filter(|target| !target.contains("://") && !target.starts_with("mailto:"))
        .collect()
}

#[test]
fn every_link_between_the_docs_leads_somewhere() {
    let (mut followed, mut broken) = (0, Vec::new());
    for page in pages() {
        let (prose, _) = split_code(&page.text);
        let folder = page.path.parent().unwrap();
        for target in links(&prose) {
            let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
            let destination = if file.is_empty() {
                page.path.clone()
            } else {
                folder.join(file)
            };
            followed += 1;
            let leads = destination.exists()
                && (anchor.is_empty()
                    || std::fs::read_to_string(&destination)
                        .is_ok_and(|text| anchors(&text).contains(anchor)));
            if !leads {
                broken.push(format!("{} links to {target}", page.name));
            }
        }
    }
    assert!(broken.is_empty(), "links to nothing: {broken:#?}");
    assert!(followed > 20, "only {followed} links followed");
}

#[test]
fn the_readme_is_a_landing_page_whose_first_code_is_the_two_commands() {
    let readme = std::fs::read_to_string(repo_path("README.md")).unwrap();
    let (_, code) = split_code(&readme);
    assert_eq!(
        code.first().map(String::as_str),
        Some(
            "cargo run --locked -- audit fixtures/acme/centricity.toml --offline\n\
             cargo test --locked\n"
        ),
        "the README's first code block is not the two set-up commands"
    );
    let lines = readme.lines().count();
    assert!(
        lines <= 250,
        "the README has {lines} lines; the guide is docs/"
    );
    let wide: Vec<&str> = readme.lines().filter(|l| l.chars().count() > 80).collect();
    assert!(
        wide.is_empty(),
        "README lines wider than 80 columns: {wide:#?}"
    );
}

#[test]
fn paths_are_read_as_the_docs_write_them() {
    assert_eq!(checkable("fixtures/fuzz/<target>/"), Some("fixtures/fuzz"));
    assert_eq!(checkable("checks/sites/*.toml"), Some("checks/sites"));
    assert_eq!(checkable("src/kinds/<kind>/"), Some("src/kinds"));
    assert_eq!(checkable("fixtures/acme/.centricity/history.db"), None);
    assert_eq!(checkable("fixtures/acme/."), Some("fixtures/acme"));
    assert_eq!(
        inline_spans("a `b` and ``c ` d`` e `f\ng`"),
        ["b", "c ` d", "f\ng"]
    );
    assert!(
        anchors("# A\n## `[[check]]`\n## One audit, one history\n## A\n").is_superset(
            &["a", "check", "one-audit-one-history", "a-1"]
                .map(String::from)
                .into()
        )
    );
}
