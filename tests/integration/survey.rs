//! Questionnaires end to end: every vendor export of the same answers gives
//! the same scores, the template imports back, and bad files are refused with
//! their row and column.

use serde_json::Value;

use crate::common::{Scratch, centricity, repo_path, success_json};

fn import(file: &str, questionnaire: &str, extra: &[&str]) -> (i32, Value, String) {
    let output = centricity()
        .args(["survey", "import"])
        .arg(repo_path(file))
        .args(["--questionnaire", questionnaire, "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.code().unwrap_or(-1), json, stderr)
}

/// What must not depend on the tool the answers came through.
fn scores(report: &Value) -> Value {
    serde_json::json!({
        "respondents": report["respondents"],
        "score": report["score"],
        "sections": report["sections"],
        "questions": report["questions"],
    })
}

#[test]
fn every_export_layout_yields_the_same_scores() {
    let layouts = [
        ("google-forms.csv", "google-forms"),
        ("microsoft-forms.csv", "microsoft-forms"),
        ("surveymonkey.csv", "surveymonkey"),
        ("qualtrics.csv", "qualtrics"),
        ("limesurvey.csv", "limesurvey"),
        ("typeform.csv", "typeform"),
    ];
    for questionnaire in ["frontline", "feedback-loop"] {
        let mut reference: Option<Value> = None;
        for (file, layout) in layouts {
            // The Typeform form holds the frontline questions only.
            if layout == "typeform" && questionnaire == "feedback-loop" {
                continue;
            }
            let (code, report, stderr) =
                import(&format!("fixtures/surveys/{file}"), questionnaire, &[]);
            assert_eq!(code, 0, "{file}: {stderr}");
            assert_eq!(report["layout"], layout, "{file}: layout detected");
            match &reference {
                None => reference = Some(scores(&report)),
                Some(expected) => assert_eq!(
                    &scores(&report),
                    expected,
                    "{file} differs for {questionnaire}"
                ),
            }
        }
        let reference = reference.unwrap();
        assert_eq!(reference["respondents"], 6);
        let question = |id: &str| {
            reference["questions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|q| q["id"] == id)
                .unwrap()
                .clone()
        };
        if questionnaire == "frontline" {
            // Agree, Strongly agree, Agree, Disagree, Disagree, Agree → (.75 + 1 + .75 + .25 + .25 + .75) / 6.
            assert_eq!(question("INF-01")["mean_score"], 62.5);
            assert_eq!(question("INF-01")["distribution"]["Agree"], 3);
            // CHN-03: Yes, Don't know, No, No, No, Yes.
            assert_eq!(
                (
                    question("CHN-03")["n"].clone(),
                    question("CHN-03")["dont_know"].clone()
                ),
                (Value::from(5), Value::from(1))
            );
        } else {
            // CAP-02 (target 4): 3, 2 + Other, 1, 2, 2, None → (.75 + .75 + .25 + .5 + .5 + 0) / 6.
            assert_eq!(question("CAP-02")["mean_score"], 45.8);
            // A text answer with quotes and commas is read, not scored.
            assert_eq!(question("CAP-05")["n"], 0);
        }
    }
}

#[test]
fn the_json_report_has_the_documented_shape() {
    let (_, report, stderr) = import("fixtures/surveys/google-forms.csv", "frontline", &[]);
    for key in [
        "layout",
        "questionnaire",
        "respondents",
        "score",
        "sections",
        "questions",
        "findings",
    ] {
        assert!(report.get(key).is_some(), "missing {key}");
    }
    let section = &report["sections"][0];
    assert_eq!(section["id"], "information");
    assert!(section["answered_weight"].is_number());
    let question = &report["questions"][0];
    for key in ["id", "n", "dont_know", "mean_score", "distribution"] {
        assert!(question.get(key).is_some(), "question lacks {key}");
    }
    // Columns of the other questionnaire are ignored with a note; a question without a column is named.
    assert!(
        stderr.contains("ignored: not a question of `frontline`"),
        "{stderr}"
    );
    assert!(stderr.contains("CHN-04 has no column"), "{stderr}");
}

#[test]
fn windows_1252_and_semicolons_from_excel() {
    let (code, report, stderr) =
        import("fixtures/surveys/excel-windows-1252.csv", "frontline", &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["respondents"], 3);
    assert_eq!(report["reliability"], "indicative");
}

#[test]
fn the_template_imports_back() {
    let scratch = Scratch::new();
    let output = centricity()
        .args([
            "survey",
            "template",
            "--questionnaire",
            "frontline",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let header = String::from_utf8(output.stdout).unwrap();
    assert!(header.starts_with("respondent,submitted_at,role,INF-01: I can quickly find"));
    let columns = header.trim_end().split(',').count();
    let mut filled = header.clone();
    // Three respondents fill every question column in order (commas inside quoted cells).
    let answers = [
        "Agree",
        "Rarely",
        "2",
        "Agree",
        "Agree",
        "Yes",
        "\"Prices, mostly\"",
        "\"Phone; Email; Live chat\"",
        "Agree",
        "Yes",
        "To most negative reviews",
        "Yes",
    ];
    assert!(columns > answers.len() + 3, "the header has all questions");
    for who in ["a", "b", "c"] {
        filled.push_str(&format!("{who},2026-11-20,Sales,{}\n", answers.join(",")));
    }
    let file = scratch.write("filled.csv", &filled);
    let report = success_json(centricity().args(["survey", "import"]).arg(&file).args([
        "--questionnaire",
        "frontline",
        "--format",
        "json",
    ]));
    assert_eq!(report["layout"], "centricity");
    assert_eq!(report["respondents"], 3);
    let inf03 = report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "INF-03")
        .unwrap();
    assert_eq!(inf03["mean_score"], 100.0, "2 systems is the best answer");
    let markdown = centricity()
        .args([
            "survey",
            "template",
            "--questionnaire",
            "feedback-loop",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    let markdown = String::from_utf8(markdown.stdout).unwrap();
    assert!(markdown.contains("**ACT-04**") && markdown.contains("_Only if ACT-03 is \"Yes\"._"));
}

#[test]
fn bad_exports_are_refused_with_row_and_column() {
    // (file, questionnaire, what stderr must say)
    let cases = [
        (
            "fixtures/surveys/bad/number-as-text.csv",
            "frontline",
            "row 3, column `How many different systems",
        ),
        (
            "fixtures/surveys/bad/number-as-text.csv",
            "frontline",
            "INF-03: `three or four` is not a number of systems",
        ),
        (
            "fixtures/surveys/bad/number-as-text.csv",
            "frontline",
            "row 5, column `I can quickly find",
        ),
        (
            "fixtures/surveys/bad/truncated-row.csv",
            "frontline",
            "row 7, column `(row)`: has 6 of 27 columns: a truncated row?",
        ),
        (
            "fixtures/surveys/bad/unknown-layout.csv",
            "frontline",
            "unknown export layout (first header `Name`)",
        ),
        (
            "fixtures/surveys/typeform.csv",
            "feedback-loop",
            "is this the export of another questionnaire?",
        ),
    ];
    for (file, questionnaire, expected) in cases {
        let (code, report, stderr) = import(file, questionnaire, &[]);
        assert_eq!(code, 3, "{file}");
        assert!(
            stderr.contains(expected),
            "{file}: stderr lacks {expected:?}:\n{stderr}"
        );
        assert_eq!(report, Value::Null, "{file}: nothing on stdout");
    }
    let (code, _, stderr) = import(
        "fixtures/surveys/google-forms.csv",
        "no-such-questionnaire",
        &[],
    );
    assert_eq!(code, 3);
    assert!(
        stderr.contains("shipped: feedback-loop, frontline"),
        "{stderr}"
    );
}

#[test]
fn a_forced_layout_and_a_mapping_file() {
    let scratch = Scratch::new();
    // A form that reworded one question: the mapping file names its header.
    let csv = "Timestamp,What is your role?,Finding answers for customers is quick\n\"2026/11/10\",Sales,Agree\n\"2026/11/11\",Sales,Strongly agree\n\"2026/11/12\",Sales,Disagree\n";
    let file = scratch.write("reworded.csv", csv);
    let mapping = scratch.write(
        "mapping.toml",
        "[columns]\nINF-01 = \"Finding answers for customers is quick\"\n",
    );
    let report = success_json(
        centricity()
            .args(["survey", "import"])
            .arg(&file)
            .args([
                "--questionnaire",
                "frontline",
                "--format",
                "json",
                "--layout",
                "google-forms",
                "--mapping",
            ])
            .arg(&mapping),
    );
    assert_eq!(report["questions"][0]["n"], 3);
    assert_eq!(report["questions"][0]["mean_score"], 66.7);
}
