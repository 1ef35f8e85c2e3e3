//! The shape of the house (DESIGN.md, "The house as it should be"): each module imports only
//! from the layers below it, so nothing reaches back up (a check kind never imports the
//! report, the store, the audit file or run-level scoring); a kind imports no other kind; and
//! there are no import circles, between top-level modules or between files. Read from the
//! source, test code left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules of `src/`, from the top layer down; a module may import only from
/// layers after its own. The kinds speak the vocabulary of `kind` and of the leaves (which
/// is where the check-result words, `verdict`, live, so `net` and `survey` speak them too);
/// the report is above the kinds: it is built from their results, and a kind's section of
/// the HTML report is the kind's own.
const LAYERS: &[&[&str]] = &[
    &["lib", "main"],
    &["commands"],
    &["cli"],
    // The dashboard: pages over the store, in the report's and the views' words.
    &["serve"],
    &["views"],
    &["portfolio"],
    &["run"],
    &["score"],
    &["audit"],
    &["store"],
    // The action plan: read by the audit file, reviewed against a run in the report's words.
    &["actions"],
    &["report"],
    &["kinds"],
    &["kind"],
    &["net", "extract", "survey"],
    // Spreadsheet files as people save them, with errors at their rows and columns.
    &[
        "benchmarks",
        "category",
        "channel",
        "local_time",
        "spreadsheet",
    ],
    &[
        "budget", "children", "spanned", "stats", "secret", "output", "exit", "input", "verdict",
    ],
    // Words about words (shortening, capitals, wrapping), which the leaves speak too.
    &["text"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// A file's code without comment lines and without its test code: the item after each
/// `#[cfg(test)]` (a `mod tests;` line, or a braced item up to its closing brace).
fn without_tests(source: &str) -> String {
    let mut kept = Vec::new();
    let mut lines = source.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            let mut depth = 0i64;
            for item in lines.by_ref() {
                depth += item.matches('{').count() as i64 - item.matches('}').count() as i64;
                if depth <= 0 && (item.contains('}') || item.trim_end().ends_with(';')) {
                    break;
                }
            }
        } else if !line.trim_start().starts_with("//") {
            kept.push(line);
        }
    }
    kept.join("\n")
}

/// Reads paths as `use` and code write them: `a::b::C`, groups `a::{b, c::{D, E}}` expanded
/// into one path per leaf, `as` renames and globs passed over.
struct PathReader<'a> {
    text: &'a [char],
    at: usize,
}

impl PathReader<'_> {
    fn peek(&self) -> Option<char> {
        self.text.get(self.at).copied()
    }

    fn skip_blanks(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn name(&mut self) -> Option<String> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '*')
        {
            self.at += 1;
        }
        (self.at > start).then(|| self.text[start..self.at].iter().collect())
    }

    fn path(&mut self) -> Vec<Vec<String>> {
        let mut segments = Vec::new();
        loop {
            self.skip_blanks();
            if self.peek() == Some('{') {
                self.at += 1;
                let group = self.group();
                if group.is_empty() {
                    return vec![segments];
                }
                return (group.into_iter())
                    .map(|tail| segments.iter().cloned().chain(tail).collect())
                    .collect();
            }
            match self.name() {
                Some(name) => segments.push(name),
                None => return vec![segments],
            }
            if self.text[self.at..].starts_with(&[':', ':']) {
                self.at += 2;
            } else {
                return vec![segments];
            }
        }
    }

    fn group(&mut self) -> Vec<Vec<String>> {
        let mut paths = Vec::new();
        loop {
            while self.peek().is_some_and(|c| c.is_whitespace() || c == ',') {
                self.at += 1;
            }
            match self.peek() {
                None => return paths,
                Some('}') => {
                    self.at += 1;
                    return paths;
                }
                Some(_) => {}
            }
            let before = self.at;
            paths.extend(self.path().into_iter().filter(|p| !p.is_empty()));
            self.skip_blanks();
            if self.text[self.at..].starts_with(&['a', 's', ' ']) {
                self.at += 3;
                self.skip_blanks();
                self.name();
            }
            if self.at == before {
                self.at += 1;
            }
        }
    }
}

/// The paths a file's code names from the crate: those starting with `crate`, `super` or
/// `self`, and those starting with one of `children`, the modules the file declares.
fn crate_paths(code: &str, children: &[String]) -> Vec<Vec<String>> {
    let text: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
    for at in 0..text.len() {
        let after_boundary =
            at == 0 || !(text[at - 1].is_alphanumeric() || matches!(text[at - 1], '_' | ':' | '$'));
        if !after_boundary {
            continue;
        }
        let mut reader = PathReader { text: &text, at };
        let Some(first) = reader.name() else {
            continue;
        };
        let starts =
            ["crate", "super", "self"].contains(&first.as_str()) || children.contains(&first);
        if starts && text[reader.at..].starts_with(&[':', ':']) {
            let mut reader = PathReader { text: &text, at };
            found.extend(reader.path());
        }
    }
    found
}

/// The modules a file declares as files of their own (`mod x;`).
fn declared_children(code: &str) -> Vec<String> {
    code.lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line
                .strip_prefix("pub ")
                .or_else(|| line.strip_prefix("pub(crate) "))
                .or_else(|| line.strip_prefix("pub(super) "))
                .unwrap_or(line);
            line.strip_prefix("mod ")?
                .strip_suffix(';')
                .map(|name| name.trim().to_string())
        })
        .collect()
}

/// The crate modules a source text names (`crate::x::…`, `use crate::{x, y::…}`).
fn imports(source: &str) -> BTreeSet<String> {
    crate_paths(&without_tests(source), &[])
        .into_iter()
        .filter(|path| path.first().is_some_and(|s| s == "crate"))
        .filter_map(|path| path.get(1).cloned())
        .collect()
}

/// One source file under `src/`, read for its imports.
struct Source {
    /// Its path under `src/`.
    file: String,
    /// Its module path: `kinds::email` for `kinds/email/mod.rs`, empty for the crate root.
    module: Vec<String>,
    code: String,
}

impl Source {
    fn new(file: &str, text: &str) -> Self {
        let mut module: Vec<String> = file
            .trim_end_matches(".rs")
            .split('/')
            .map(str::to_string)
            .collect();
        if module.last().is_some_and(|m| m == "mod") || file == "lib.rs" || file == "main.rs" {
            module.pop();
        }
        Source {
            file: file.to_string(),
            module,
            code: without_tests(text),
        }
    }

    /// Its top-level module (`lib` and `main` for the crate roots).
    fn top(&self) -> &str {
        self.module
            .first()
            .map_or(self.file.trim_end_matches(".rs"), String::as_str)
    }

    /// The kind whose folder it is in, for files under `kinds/<kind>/`.
    fn kind(&self) -> Option<&str> {
        match self.module.as_slice() {
            [top, kind, ..] if top == "kinds" => Some(kind),
            _ => None,
        }
    }

    /// Each path it names, made absolute from the crate root.
    fn absolute_paths(&self) -> Vec<Vec<String>> {
        let children = declared_children(&self.code);
        crate_paths(&self.code, &children)
            .into_iter()
            .map(|path| {
                let mut at = self.module.clone();
                let mut rest = path.as_slice();
                match rest.first().map(String::as_str) {
                    Some("crate") => {
                        at.clear();
                        rest = &rest[1..];
                    }
                    Some("super" | "self") => {
                        while let Some(step) =
                            rest.first().filter(|s| *s == "super" || *s == "self")
                        {
                            if step == "super" {
                                at.pop();
                            }
                            rest = &rest[1..];
                        }
                    }
                    // A child module of this file.
                    _ => {}
                }
                at.extend(rest.iter().cloned());
                at
            })
            .collect()
    }
}

/// The files of the crate and, for each, the files holding what it imports.
struct Graph {
    sources: Vec<Source>,
    /// Per file, the absolute paths it names and the file each resolves to.
    imports: Vec<Vec<(Vec<String>, usize)>>,
}

impl Graph {
    fn new(sources: Vec<Source>) -> Self {
        // The binary's root is a crate of its own: nothing resolves to it.
        let by_module: BTreeMap<&[String], usize> = (sources.iter().enumerate())
            .filter(|(_, s)| s.file != "main.rs")
            .map(|(i, s)| (s.module.as_slice(), i))
            .collect();
        let imports = (sources.iter())
            .map(|source| {
                if source.file == "main.rs" {
                    return Vec::new();
                }
                (source.absolute_paths().into_iter())
                    .filter_map(|path| {
                        // The longest prefix of the path that is a module with a file holds it.
                        let holder = (0..=path.len())
                            .rev()
                            .find_map(|n| by_module.get(&path[..n]).copied())?;
                        Some((path, holder))
                    })
                    .collect()
            })
            .collect();
        Graph { sources, imports }
    }

    fn from_src() -> Self {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let sources = (files.iter())
            .map(|path| {
                let file = path.strip_prefix(&src).unwrap().to_string_lossy();
                Source::new(&file, &std::fs::read_to_string(path).unwrap())
            })
            .collect();
        Graph::new(sources)
    }

    /// Imports of a module from its own layer or one above it.
    fn upward_imports(&self) -> Vec<String> {
        let mut problems = BTreeSet::new();
        for (source, imports) in self.sources.iter().zip(&self.imports) {
            let own = source.top();
            let ours = layer_of(own).unwrap_or_else(|| panic!("{own} is in no layer"));
            for (_, holder) in imports {
                let target = self.sources[*holder].top();
                let theirs = layer_of(target).unwrap_or_else(|| panic!("{target} is in no layer"));
                if target != own && theirs <= ours {
                    problems.insert(format!("{} imports `{target}`", source.file));
                }
            }
        }
        problems.into_iter().collect()
    }

    /// Imports, from a kind's folder, of anything else under `kinds`: another kind, or the
    /// registry (which lists the kinds, so a kind using it would be a circle).
    fn kind_imports_outside_its_folder(&self) -> Vec<String> {
        let mut problems = BTreeSet::new();
        for (source, imports) in self.sources.iter().zip(&self.imports) {
            let Some(kind) = source.kind() else {
                continue;
            };
            for (path, _) in imports {
                if path.first().is_some_and(|top| top == "kinds")
                    && path.get(1).is_none_or(|other| other != kind)
                {
                    problems.insert(format!(
                        "{} (kind `{kind}`) imports `{}`",
                        source.file,
                        path.join("::")
                    ));
                }
            }
        }
        problems.into_iter().collect()
    }

    /// Top-level modules that import each other, directly or around a loop.
    fn module_circles(&self) -> Vec<Vec<String>> {
        let tops: Vec<&str> = (self.sources.iter().map(Source::top))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let index = |top: &str| tops.iter().position(|t| *t == top).unwrap();
        let mut edges = vec![BTreeSet::new(); tops.len()];
        for (source, imports) in self.sources.iter().zip(&self.imports) {
            for (_, holder) in imports {
                let (from, to) = (index(source.top()), index(self.sources[*holder].top()));
                if from != to {
                    edges[from].insert(to);
                }
            }
        }
        circles(&edges)
            .into_iter()
            .map(|circle| {
                let mut names: Vec<String> = circle.into_iter().map(|i| tops[i].into()).collect();
                names.sort();
                names
            })
            .collect()
    }

    /// Files that import each other, directly or around a loop. A file using the module it
    /// is part of (a child's `super::Params`) is the tree's shape, not a circle: only imports
    /// of files that are not its ancestors count.
    fn file_circles(&self) -> Vec<Vec<String>> {
        let edges: Vec<BTreeSet<usize>> = (self.imports.iter().enumerate())
            .map(|(from, imports)| {
                let own = &self.sources[from].module;
                (imports.iter())
                    .map(|(_, holder)| *holder)
                    .filter(|holder| {
                        let theirs = &self.sources[*holder].module;
                        *holder != from && !own.starts_with(theirs)
                    })
                    .collect()
            })
            .collect();
        circles(&edges)
            .into_iter()
            .map(|circle| {
                let mut files: Vec<String> = (circle.into_iter())
                    .map(|i| self.sources[i].file.clone())
                    .collect();
                files.sort();
                files
            })
            .collect()
    }
}

/// The strongly connected components of more than one node (Tarjan's algorithm): each a set
/// of nodes that reach one another.
fn circles(edges: &[BTreeSet<usize>]) -> Vec<Vec<usize>> {
    struct Walk<'e> {
        edges: &'e [BTreeSet<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        stack: Vec<usize>,
        on_stack: Vec<bool>,
        next: usize,
        found: Vec<Vec<usize>>,
    }
    impl Walk<'_> {
        fn visit(&mut self, node: usize) {
            self.index[node] = Some(self.next);
            self.low[node] = self.next;
            self.next += 1;
            self.stack.push(node);
            self.on_stack[node] = true;
            for &next in self.edges[node].iter() {
                match self.index[next] {
                    None => {
                        self.visit(next);
                        self.low[node] = self.low[node].min(self.low[next]);
                    }
                    Some(index) if self.on_stack[next] => {
                        self.low[node] = self.low[node].min(index);
                    }
                    Some(_) => {}
                }
            }
            if Some(self.low[node]) == self.index[node] {
                let mut component = Vec::new();
                while let Some(member) = self.stack.pop() {
                    self.on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                if component.len() > 1 {
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: vec![None; edges.len()],
        low: vec![0; edges.len()],
        stack: Vec::new(),
        on_stack: vec![false; edges.len()],
        next: 0,
        found: Vec::new(),
    };
    for node in 0..edges.len() {
        if walk.index[node].is_none() {
            walk.visit(node);
        }
    }
    walk.found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && path.file_name().is_some_and(|n| n != "tests.rs")
        {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_from_its_own_layer_or_above() {
    let graph = Graph::from_src();
    assert!(
        graph.sources.len() > 60,
        "only {} files read",
        graph.sources.len()
    );
    let problems = graph.upward_imports();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_kind_imports_no_other_kind() {
    let problems = Graph::from_src().kind_imports_outside_its_folder();
    assert!(
        problems.is_empty(),
        "what two kinds share belongs in `kind` or a leaf:\n{}",
        problems.join("\n")
    );
}

#[test]
fn no_modules_or_files_import_each_other() {
    let graph = Graph::from_src();
    let modules = graph.module_circles();
    assert!(
        modules.is_empty(),
        "top-level modules in a circle: {modules:?}"
    );
    let files = graph.file_circles();
    assert!(files.is_empty(), "files in a circle: {files:?}");
}

/// centricity is a child subreaper (`src/kinds/exec/tree.rs`): it reaps every child not listed
/// in `src/children.rs`, so a process started without that list would lose its exit status.
/// Two places start processes, the plug-in tree and the PDF printer, and only the list spawns.
#[test]
fn every_process_is_started_through_the_list_of_children() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let read = |file: &PathBuf| std::fs::read_to_string(file).unwrap();
    let name = |file: &PathBuf| file.strip_prefix(&src).unwrap().display().to_string();
    let starters: Vec<String> = (files.iter())
        .filter(|file| {
            ["Command::new(", "libc::fork", "libc::exec", "posix_spawn"]
                .iter()
                .any(|call| read(file).contains(call))
        })
        .map(name)
        .collect();
    assert_eq!(starters, ["kinds/exec/mod.rs", "report/pdf.rs"]);
    let spawners: Vec<String> = (files.iter())
        .filter(|file| read(file).contains(".spawn()"))
        .map(name)
        .collect();
    assert_eq!(
        spawners,
        ["kinds/exec/tree.rs", "report/pdf.rs"],
        "who spawns"
    );
    for spawner in &spawners {
        let text = read(&src.join(spawner));
        assert_eq!(
            text.matches(".spawn()").count(),
            text.matches("spawn_listed(|| command.spawn()").count(),
            "{spawner} spawns without the list"
        );
    }
}

#[test]
fn the_import_reader_sees_groups_and_paths() {
    let text = "use crate::{a::{B, C}, d, e::f, z};\nfn x() { crate::g::h(); }\n// crate::ignored\n#[cfg(test)]\nmod tests { use crate::late; }";
    let found: Vec<String> = imports(text).into_iter().collect();
    assert_eq!(found, ["a", "d", "e", "g", "z"]);
}

#[test]
fn test_code_is_left_out_wherever_it_is() {
    let text = "#[cfg(test)]\nmod tests;\nuse crate::kept;\n#[cfg(test)]\nfn helper() {\n    crate::gone::x();\n}\nfn f() { crate::also_kept::y(); }";
    let found: Vec<String> = imports(text).into_iter().collect();
    assert_eq!(found, ["also_kept", "kept"]);
}

/// A small crate with every kind of problem the rules refuse, each found where it is.
fn tree(files: &[(&str, &str)]) -> Graph {
    Graph::new(
        (files.iter())
            .map(|(file, text)| Source::new(file, text))
            .collect(),
    )
}

#[test]
fn paths_resolve_from_where_they_are_written() {
    let graph = tree(&[
        ("lib.rs", "pub mod kinds;\npub mod kind;"),
        ("kind/mod.rs", ""),
        ("kinds/mod.rs", "pub mod email;\npub mod web_form;"),
        ("kinds/email/mod.rs", "mod score;\nuse score::x;"),
        ("kinds/email/score.rs", "use super::Params;"),
        ("kinds/web_form/mod.rs", "use super::email::Params;"),
        (
            "kinds/web_form/probe.rs",
            "use super::super::email;\nuse crate::kind::{self, Kind};",
        ),
    ]);
    let resolved = |file: &str| -> Vec<(String, String)> {
        let at = graph.sources.iter().position(|s| s.file == file).unwrap();
        (graph.imports[at].iter())
            .map(|(path, holder)| (path.join("::"), graph.sources[*holder].file.clone()))
            .collect()
    };
    assert_eq!(
        resolved("kinds/email/mod.rs"),
        [(
            "kinds::email::score::x".into(),
            "kinds/email/score.rs".into()
        )]
    );
    assert_eq!(
        resolved("kinds/web_form/probe.rs"),
        [
            ("kinds::email".into(), "kinds/email/mod.rs".into()),
            ("kind::self".into(), "kind/mod.rs".into()),
            ("kind::Kind".into(), "kind/mod.rs".into()),
        ]
    );
    assert_eq!(
        graph.kind_imports_outside_its_folder(),
        [
            "kinds/web_form/mod.rs (kind `web_form`) imports `kinds::email::Params`",
            "kinds/web_form/probe.rs (kind `web_form`) imports `kinds::email`",
        ]
    );
}

#[test]
fn a_kind_using_the_registry_is_refused() {
    let graph = tree(&[
        ("lib.rs", "pub mod kinds;"),
        ("kinds/mod.rs", "pub mod http;\npub struct CheckParams;"),
        ("kinds/http/mod.rs", "use crate::kinds::CheckParams;"),
    ]);
    assert_eq!(
        graph.kind_imports_outside_its_folder(),
        ["kinds/http/mod.rs (kind `http`) imports `kinds::CheckParams`"]
    );
}

#[test]
fn circles_are_found_between_modules_and_between_files() {
    let graph = tree(&[
        (
            "lib.rs",
            "pub mod report;\npub mod kind;\npub mod commands;",
        ),
        ("report/mod.rs", "mod html;\nuse crate::kind::Status;"),
        (
            "report/html.rs",
            "use super::Report;\nuse super::table::row;",
        ),
        ("report/table.rs", "use super::html::esc;"),
        ("kind/mod.rs", "use crate::report::Report;"),
        ("commands/mod.rs", "mod audit;\nmod history;"),
        ("commands/audit.rs", "use super::history::trend;"),
        (
            "commands/history.rs",
            "use super::audit::input_error;\nuse super::runtime;",
        ),
    ]);
    assert_eq!(graph.module_circles(), [["kind", "report"]]);
    let mut files = graph.file_circles();
    files.sort();
    assert_eq!(
        files,
        [
            ["commands/audit.rs", "commands/history.rs"],
            ["kind/mod.rs", "report/mod.rs"],
            ["report/html.rs", "report/table.rs"],
        ]
    );
    assert_eq!(
        graph.upward_imports(),
        ["kind/mod.rs imports `report`"],
        "report is above kind"
    );
}
