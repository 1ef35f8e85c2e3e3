//! The registry holds together: names, documentation, declared keys and saved evidence.

use std::path::Path;

use super::*;

#[test]
fn kinds_are_unique_and_documented() {
    let mut seen = std::collections::HashSet::new();
    for kind in KINDS {
        assert!(
            seen.insert(kind.name),
            "kind {} registered twice",
            kind.name
        );
        for (what, text) in [
            ("summary", kind.summary),
            ("motivation", kind.motivation),
            ("measures", kind.measures),
            ("scoring", kind.scoring),
            ("improve", kind.improve),
        ] {
            assert!(text.len() > 20, "kind {} has no real {what}", kind.name);
        }
    }
}

/// The text of a `[[check]]` of `kind` with every key it declares, each set to `value`.
fn check_with_declared_keys(kind: &KindInfo, value: &str) -> String {
    let mut text = format!("[[check]]\nid = \"probe\"\nkind = \"{}\"\n", kind.name);
    for key in kind.key_names() {
        text.push_str(&format!("{key} = {value}\n"));
    }
    text
}

#[test]
fn every_declared_key_is_read_by_its_kind() {
    // Values of the wrong type are reported at their place; a key the parser never reads
    // is reported as unknown, whatever its value.
    for kind in KINDS {
        for value in ["\"x\"", "1", "[\"x\"]"] {
            let text = check_with_declared_keys(kind, value);
            let Err(problems) = crate::audit::parse(&text, Path::new("keys.toml")) else {
                continue;
            };
            let problems = problems.to_string();
            for key in kind.key_names() {
                assert!(
                    !problems.contains(&format!("unknown key `{key}`")),
                    "`{}` declares `{key}` but does not read it:\n{problems}",
                    kind.name
                );
            }
        }
    }
}

/// Keys every check has, read by the audit rather than by its kind.
const SHARED_KEYS: &[&str] = &["id", "kind", "title", "weight", "timeout"];

#[test]
fn every_key_the_shipped_audits_use_is_declared_by_its_kind() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![
        root.join("fixtures/acme/centricity.toml"),
        root.join("src/commands/starter.toml"),
    ];
    let configs = std::fs::read_dir(root.join("fixtures/configs")).expect("fixtures/configs");
    files.extend(
        configs
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml")),
    );
    let mut kinds_seen = std::collections::BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable fixture");
        // The fixtures of bad audit files misspell keys on purpose.
        let (Ok(_), Ok(value)) = (crate::audit::parse(&text, &file), toml_span::parse(&text))
        else {
            continue;
        };
        let checks = value
            .as_table()
            .and_then(|t| t.get("check"))
            .and_then(|c| c.as_array());
        for check in checks.into_iter().flatten().filter_map(|c| c.as_table()) {
            let Some(kind) = check
                .get("kind")
                .and_then(|k| k.as_str())
                .and_then(find_kind)
            else {
                continue;
            };
            for key in check.keys().map(|k| &*k.name) {
                assert!(
                    SHARED_KEYS.contains(&key) || kind.key_names().any(|k| k == key),
                    "{}: `{key}` is read by `{}` but not among its declared keys",
                    file.display(),
                    kind.name
                );
            }
            kinds_seen.insert(kind.name);
        }
    }
    assert!(kinds_seen.len() >= 6, "only {kinds_seen:?} were looked at");
}

#[test]
fn saved_evidence_is_tagged_with_its_kind_and_scored_by_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let audit = crate::audit::load(&root.join("fixtures/acme/centricity.toml")).expect("example");
    let benchmarks = crate::benchmarks::shipped();
    let mut scored = 0;
    for check in audit.checks.iter().filter(|c| c.params.networked()) {
        let path = root.join(format!("fixtures/acme/evidence/{}.json", check.id));
        let observation: Observation =
            serde_json::from_slice(&std::fs::read(&path).expect("saved evidence"))
                .expect("evidence loads");
        assert_eq!(observation.kind().name, check.kind());
        let json = serde_json::to_value(&observation).expect("serializable");
        assert_eq!(json["kind"], check.kind(), "{}", path.display());
        let result = observation.score(&check.params, benchmarks);
        assert!(result.error.is_none(), "{}: {:?}", check.id, result.error);
        scored += 1;
    }
    assert!(scored >= 3, "only {scored} checks have saved evidence");
}

#[test]
fn evidence_of_another_kind_is_the_checks_error() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let audit = crate::audit::load(&root.join("fixtures/acme/centricity.toml")).expect("example");
    let find = |kind: &str| audit.checks.iter().find(|c| c.kind() == kind).expect(kind);
    let (http, email) = (find("http"), find("email"));
    let text = std::fs::read(root.join(format!("fixtures/acme/evidence/{}.json", http.id)));
    let observation: Observation = serde_json::from_slice(&text.expect("evidence")).expect("loads");
    let result = observation.score(&email.params, crate::benchmarks::shipped());
    assert_eq!(
        result.error.as_deref(),
        Some("saved evidence is of kind `http` but the check is `email`: delete it and run online")
    );
}

#[test]
fn the_docs_table_of_kinds_is_the_registry() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks.md");
    let docs = std::fs::read_to_string(&page).expect("docs/checks.md");
    let (start, end) = ("<!-- kinds: generated -->\n", "<!-- kinds: end -->");
    let table = docs
        .split_once(start)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(table, _)| table)
        .expect("docs/checks.md marks its table of kinds");
    let expected = markdown_table();
    assert!(
        table == expected,
        "docs/checks.md's table of kinds is not the registry's; replace it with:\n{expected}"
    );
}

/// `WebForm` in kebab case (`web-form`) or snake case (`web_form`): a word starts at each
/// capital, as serde's `rename_all` reads a variant.
fn words_joined(variant: &str, separator: char) -> String {
    let mut out = String::new();
    for (i, c) in variant.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(separator);
        }
        out.extend(c.to_lowercase());
    }
    out
}

#[test]
fn each_registry_line_is_one_name_three_ways() {
    // The variant tags saved evidence (kebab case, `#[serde(rename_all)]`), the kind's name is
    // what audit files write after `kind =`, and the folder holds the kind: they must agree.
    for (variant, folder, info) in REGISTRY {
        assert_eq!(
            words_joined(variant, '-'),
            info.name,
            "variant `{variant}` tags evidence `{}`, but its kind is named `{}`",
            words_joined(variant, '-'),
            info.name
        );
        assert_eq!(
            words_joined(variant, '_'),
            *folder,
            "variant `{variant}` is in the folder `{folder}/`"
        );
    }
    assert_eq!(words_joined("WebForm", '-'), "web-form");
    assert_eq!(words_joined("MysteryLog", '_'), "mystery_log");
}

#[test]
fn every_folder_under_kinds_is_registered() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/kinds");
    let folders: std::collections::BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("src/kinds")
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    let registered: std::collections::BTreeSet<String> = REGISTRY
        .iter()
        .map(|(_, folder, _)| (*folder).to_string())
        .collect();
    let unregistered: Vec<&String> = folders.difference(&registered).collect();
    assert!(
        unregistered.is_empty(),
        "src/kinds/ holds {unregistered:?}, which the `kinds!` list does not register: \
         add a line `Variant => folder::Type` for each"
    );
    assert_eq!(folders, registered);
}
