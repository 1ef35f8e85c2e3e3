//! Every bad input in fixtures/configs/ must exit 3 with the messages its
//! `.expected` file lists (one substring per line, with file:line:col or
//! row and column; `!text` for a message that must not appear), and never
//! panic or write anything.

use crate::common::{centricity, repo_path};

#[test]
fn every_bad_config_is_refused_with_its_located_messages() {
    let dir = repo_path("fixtures/configs");
    let mut cases = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        cases += 1;
        let expected = std::fs::read_to_string(path.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{} has no .expected file", path.display()));
        let scratch = tempfile::tempdir().unwrap();
        let report = scratch.path().join("report.json");
        let output = centricity()
            .current_dir(&dir)
            .args([
                "audit",
                path.file_name().unwrap().to_str().unwrap(),
                "--format",
                "json",
                "--output",
            ])
            .arg(&report)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let name = path.file_name().unwrap().to_string_lossy();
        assert_eq!(
            output.status.code(),
            Some(3),
            "{name}: exit code; stderr:\n{stderr}"
        );
        for line in expected.lines().filter(|l| !l.trim().is_empty()) {
            // A line starting with `!` names a message that must not appear (a false alarm).
            match line.strip_prefix('!') {
                Some(absent) => assert!(
                    !stderr.contains(absent),
                    "{name}: stderr has\n  {absent}\nstderr was:\n{stderr}"
                ),
                None => assert!(
                    stderr.contains(line),
                    "{name}: stderr lacks\n  {line}\nstderr was:\n{stderr}"
                ),
            }
        }
        assert!(!stderr.contains("panicked"), "{name} panicked:\n{stderr}");
        assert!(
            stderr.lines().count() <= 24,
            "{name}: the message should fit one screen:\n{stderr}"
        );
        assert!(output.stdout.is_empty(), "{name}: nothing goes to stdout");
        assert!(
            !report.exists(),
            "{name}: an output was written for a refused audit"
        );
    }
    assert!(cases >= 10, "only {cases} bad configs found");
}

#[test]
fn a_missing_audit_file_is_invalid_input() {
    centricity()
        .args(["audit", "/no/such/centricity.toml"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains(
            "/no/such/centricity.toml: cannot read the audit file",
        ));
}

#[test]
fn bad_arguments_are_invalid_input_too() {
    for args in [
        &["audit", "--format", "pdf"][..],
        &["audit", "--fail-under", "150"],
        &["audit", "--timeout", "soon"],
        &["audit", "--concurrency", "0"],
        &["frobnicate"],
    ] {
        centricity().args(args).assert().code(3);
    }
}
