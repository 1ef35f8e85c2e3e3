//! Local inputs past their size cap are refused with exit 3, the file's size, the cap and the
//! variable that raises it; raised, the same file is read.

use std::time::Duration;

use crate::common::{Scratch, centricity, repo_path};

/// Runs the binary with one cap variable set; (exit code, stderr).
fn run_with(variable: &str, cap: &str, args: &[&str]) -> (i32, String) {
    let output = centricity()
        .env(variable, cap)
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_saved_page_past_the_cap_exits_3_naming_the_cap_and_how_to_raise_it() {
    let page = repo_path("fixtures/reviews/data-vocabulary.html");
    let page = page.to_str().unwrap();
    let size = std::fs::metadata(page).unwrap().len();
    let args = ["reviews", "extract", "--format", "json", page];
    let (code, stderr) = run_with("CENTRICITY_MAX_PAGE_BYTES", "100", &args);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{page}: file too large: {size} bytes, the cap is 100 (raise it with CENTRICITY_MAX_PAGE_BYTES=BYTES)"
        )),
        "{stderr}"
    );
    let (code, stderr) = run_with("CENTRICITY_MAX_PAGE_BYTES", &size.to_string(), &args);
    assert_eq!(code, 0, "{stderr}");
    let (code, stderr) = run_with("CENTRICITY_MAX_PAGE_BYTES", "lots", &args);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("CENTRICITY_MAX_PAGE_BYTES=\"lots\" is not a number of bytes"),
        "{stderr}"
    );
}

#[test]
fn a_survey_export_or_a_mystery_log_past_the_cap_exits_3() {
    let export = repo_path("fixtures/surveys/google-forms.csv");
    let export = export.to_str().unwrap();
    let (code, stderr) = run_with(
        "CENTRICITY_MAX_TABLE_BYTES",
        "1000",
        &[
            "survey",
            "import",
            export,
            "--questionnaire",
            "feedback-loop",
        ],
    );
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("file too large:")
            && stderr.contains("the cap is 1000 (raise it with CENTRICITY_MAX_TABLE_BYTES=BYTES)"),
        "{stderr}"
    );

    // In an audit, the file's place in the audit file says which check named it.
    let scratch = Scratch::new();
    let log = std::fs::read_to_string(repo_path("fixtures/acme/mystery-log.csv")).unwrap();
    scratch.write("log.csv", &log);
    let audit =
        scratch.audit("[[check]]\nid = \"mystery\"\nkind = \"mystery-log\"\nfile = \"log.csv\"\n");
    let (code, stderr) = run_with(
        "CENTRICITY_MAX_TABLE_BYTES",
        "1000",
        &["audit", audit.to_str().unwrap(), "--no-store"],
    );
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("centricity.toml:")
            && stderr.contains("log.csv: file too large:")
            && stderr.contains("the cap is 1000"),
        "{stderr}"
    );
}
