//! The shape of the house: each module imports only from the layers below it, so there are
//! no import circles and nothing reaches back up (a check kind never imports the audit file
//! or run-level scoring). Read from the source, test code left out.

use std::collections::BTreeSet;
use std::path::Path;

/// Top-level modules of `src/`, from the top layer down; a module may import only from
/// layers after its own.
const LAYERS: &[&[&str]] = &[
    &["lib", "main"],
    &["commands"],
    &["cli"],
    &["views"],
    &["portfolio"],
    &["run"],
    &["score"],
    &["audit"],
    &["kinds"],
    &["kind"],
    &["store", "net", "extract", "survey"],
    &["report"],
    &["benchmarks", "category", "channel"],
    &[
        "spanned",
        "stats",
        "text",
        "secret",
        "spreadsheet",
        "output",
        "exit",
        "input",
    ],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The crate modules a source text names (`crate::x::…`, `use crate::{x, y::…}`).
fn imports(source: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let code: String = source
        .lines()
        .take_while(|line| line.trim() != "#[cfg(test)]")
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level names of the group: depth 0 within its braces.
            let mut depth = 0;
            let mut name = String::new();
            let mut expecting_name = true;
            for c in group.chars() {
                if depth == 0 && expecting_name && (c.is_alphanumeric() || c == '_') {
                    name.push(c);
                    continue;
                }
                if !name.is_empty() {
                    found.insert(std::mem::take(&mut name));
                    expecting_name = false;
                }
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => expecting_name = true,
                    _ => {}
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.insert(name);
        }
    }
    found
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && path.file_name().is_some_and(|n| n != "tests.rs")
        {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_from_its_own_layer_or_above() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut problems = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let module = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap()
            .trim_end_matches(".rs");
        let own = layer_of(module).unwrap_or_else(|| panic!("{module} is in no layer"));
        for target in imports(&std::fs::read_to_string(file).unwrap()) {
            if target == module {
                continue;
            }
            let theirs = layer_of(&target).unwrap_or_else(|| panic!("{target} is in no layer"));
            if theirs <= own {
                problems.push(format!("{} imports `{target}`", relative.display()));
            }
        }
    }
    assert!(files.len() > 60, "only {} files read", files.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// centricity is a child subreaper (`src/kinds/exec/tree.rs`): it reaps every child it did
/// not start through the plug-in tree, so a process started anywhere else would lose its
/// exit status to it.
#[test]
fn only_the_plugin_tree_starts_processes() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let starters: Vec<String> = (files.iter())
        .filter(|file| {
            let text = std::fs::read_to_string(file).unwrap();
            ["Command::new(", "libc::fork", "libc::exec", "posix_spawn"]
                .iter()
                .any(|call| text.contains(call))
        })
        .map(|file| file.strip_prefix(&src).unwrap().display().to_string())
        .collect();
    assert_eq!(
        starters,
        ["kinds/exec/mod.rs"],
        "they must spawn through `Tree::spawn`"
    );
}

#[test]
fn the_import_reader_sees_groups_and_paths() {
    let text = "use crate::{a::{B, C}, d, e::f, z};\nfn x() { crate::g::h(); }\n// crate::ignored\n#[cfg(test)]\nmod tests { use crate::late; }";
    let found: Vec<String> = imports(text).into_iter().collect();
    assert_eq!(found, ["a", "d", "e", "g", "z"]);
}
