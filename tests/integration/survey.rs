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
            // A text answer with quotes and commas is read and counted, not scored.
            assert_eq!(question("CAP-05")["n"], 1);
            assert!(question("CAP-05")["mean_score"].is_null());
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
    // Columns of the other questionnaire are named once; a question without a column is named.
    assert!(
        stderr.contains("are questions of `feedback-loop`, not `frontline`"),
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

/// `survey map --format json` for a file.
fn map(file: &str, questionnaire: &str, extra: &[&str]) -> Value {
    success_json(
        centricity()
            .args(["survey", "map"])
            .arg(repo_path(file))
            .args(["--questionnaire", questionnaire, "--format", "json"])
            .args(extra),
    )
}

#[test]
fn exports_built_the_way_consultants_build_them_score_like_the_plain_form() {
    // (file, layout, what the tool marked and must be left out)
    let files = [
        ("google-forms.csv", "google-forms", None),
        ("microsoft-forms.csv", "microsoft-forms", None),
        ("surveymonkey.csv", "surveymonkey", None),
        ("qualtrics.csv", "qualtrics", Some("1 preview response")),
        (
            "qualtrics-legacy.csv",
            "qualtrics-legacy",
            Some("1 preview response"),
        ),
        (
            "limesurvey.csv",
            "limesurvey",
            Some("1 unfinished response"),
        ),
        ("typeform.csv", "typeform", Some("1 unfinished response")),
    ];
    for questionnaire in ["frontline", "feedback-loop"] {
        let (code, plain, stderr) = import("fixtures/surveys/google-forms.csv", questionnaire, &[]);
        assert_eq!(code, 0, "{stderr}");
        for (file, layout, left_out) in files {
            if layout == "typeform" && questionnaire == "feedback-loop" {
                continue;
            }
            let path = format!("fixtures/surveys/consultant/{file}");
            let (code, report, stderr) = import(&path, questionnaire, &[]);
            assert_eq!(code, 0, "{file}: {stderr}");
            assert_eq!(report["layout"], layout, "{file}");
            assert_eq!(
                scores(&report),
                scores(&plain),
                "{file} scores differently for {questionnaire}"
            );
            if let Some(left_out) = left_out {
                assert!(stderr.contains(left_out), "{file}: {stderr}");
            }
            // A combined export: the other questionnaire's columns are named once, not guessed at.
            let other = if questionnaire == "frontline" {
                "feedback-loop"
            } else {
                "frontline"
            };
            if layout != "typeform" {
                assert!(
                    stderr.contains(&format!("questions of `{other}`")),
                    "{file}: {stderr}"
                );
            }
        }
    }
    // Kept on request: the Typeform partial response joins the six.
    let (_, kept, _) = import(
        "fixtures/surveys/consultant/typeform.csv",
        "frontline",
        &["--include-partial"],
    );
    assert_eq!(kept["respondents"], 7);
}

#[test]
fn survey_map_shows_each_match_and_a_near_miss_stays_unmatched() {
    let mapped = map(
        "fixtures/surveys/consultant/google-forms.csv",
        "frontline",
        &[],
    );
    let columns = mapped["columns"].as_array().unwrap();
    let how_of = |needle: &str| {
        columns
            .iter()
            .find(|c| c["header"].as_str().unwrap_or("").contains(needle))
            .unwrap_or_else(|| panic!("no column with {needle}"))
            .clone()
    };
    let own = how_of("answer most customer questions");
    assert_eq!(
        (own["question"].as_str(), own["how"].as_str()),
        (Some("INF-01"), Some("grid-row"))
    );
    let near_miss = how_of("answer most supplier questions");
    assert!(near_miss["question"].is_null(), "{near_miss}");
    let reworded = how_of("How many systems or tools");
    assert_eq!(reworded["question"], "INF-03");
    assert_eq!(reworded["how"], "similar");
    assert!(reworded["similarity"].as_f64().unwrap() >= 0.8);
    let hinted = how_of("customers reach customer service? (select all that apply)");
    assert_eq!(hinted["question"], "CHN-01");
    assert!(
        mapped["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap_or("").contains("supplier")),
        "{mapped}"
    );
    assert_eq!(
        mapped["questions_without_column"],
        serde_json::json!(["CHN-04", "CHN-05"])
    );
}

#[test]
fn bare_option_labels_that_fit_two_questions_are_never_guessed() {
    let file = "fixtures/surveys/consultant/typeform-shared-options.csv";
    for questionnaire in ["frontline", "feedback-loop"] {
        let mapped = map(file, questionnaire, &[]);
        let taken: Vec<&Value> = mapped["columns"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["how"] == "bare-options")
            .collect();
        assert!(taken.is_empty(), "{questionnaire}: {taken:?}");
        let notes = mapped["notes"].to_string();
        assert!(
            notes.contains("fit several questions (")
                && notes.contains("CAP-02")
                && notes.contains("CHN-01"),
            "{mapped}"
        );
    }
    // The frontline import scores nothing from it rather than something invented.
    let (code, _, stderr) = import(file, "frontline", &[]);
    assert_eq!(code, 3, "{stderr}");
    // A mapping file settles it: the options are CAP-02's.
    let mapping = repo_path("fixtures/surveys/consultant/typeform-shared-options.mapping.toml");
    let (code, report, stderr) = import(
        file,
        "feedback-loop",
        &["--mapping", mapping.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    let cap02 = report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "CAP-02")
        .unwrap()
        .clone();
    assert_eq!(cap02["n"], 3, "{cap02}");
}

#[test]
fn a_written_mapping_reads_back_to_the_same_scores() {
    let scratch = Scratch::new();
    let written = scratch.path("mapping.toml");
    let file = "fixtures/surveys/consultant/surveymonkey.csv";
    centricity()
        .args(["survey", "map"])
        .arg(repo_path(file))
        .args(["--questionnaire", "feedback-loop", "--write-mapping"])
        .arg(&written)
        .assert()
        .success();
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(text.contains("\"CAP-02[Email]\" = "), "{text}");
    let (_, direct, _) = import(file, "feedback-loop", &[]);
    let (code, via_mapping, stderr) = import(
        file,
        "feedback-loop",
        &["--mapping", written.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(scores(&via_mapping), scores(&direct));
    assert!(stderr.contains("matched to questions"), "{stderr}");
}

#[test]
fn excel_unicode_text_is_read_like_the_csv() {
    // Excel's "Unicode text": UTF-16 LE with a BOM, tab separated.
    let scratch = Scratch::new();
    let original = std::fs::read_to_string(repo_path("fixtures/surveys/google-forms.csv")).unwrap();
    let mut tabbed = String::new();
    for record in csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(original.as_bytes())
        .records()
    {
        let record = record.unwrap();
        tabbed.push_str(
            &record
                .iter()
                .map(|c| c.replace('\t', " "))
                .collect::<Vec<_>>()
                .join("\t"),
        );
        tabbed.push_str("\r\n");
    }
    let mut bytes = vec![0xFF, 0xFE];
    tabbed
        .encode_utf16()
        .for_each(|u| bytes.extend_from_slice(&u.to_le_bytes()));
    let path = scratch.path("unicode.txt");
    std::fs::write(&path, bytes).unwrap();
    for questionnaire in ["frontline", "feedback-loop"] {
        let (_, csv, _) = import("fixtures/surveys/google-forms.csv", questionnaire, &[]);
        let (code, unicode, stderr) = import(path.to_str().unwrap(), questionnaire, &[]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(scores(&unicode), scores(&csv));
    }
}

#[test]
fn real_qualtrics_exports_current_and_legacy_read_their_one_respondent() {
    // Real exports kept by the qualtRics R package (fixtures/surveys/upstream/SOURCES.md).
    let definition = repo_path("fixtures/surveys/upstream/qualtrics-sample.toml");
    for (file, layout) in [
        ("qualtrics-sample.csv", "qualtrics"),
        ("qualtrics-sample-legacy.csv", "qualtrics-legacy"),
    ] {
        let (code, report, stderr) = import(
            &format!("fixtures/surveys/upstream/{file}"),
            definition.to_str().unwrap(),
            &[],
        );
        assert_eq!(code, 0, "{file}: {stderr}");
        assert_eq!(report["layout"], layout, "{file}");
        assert_eq!(
            report["respondents"], 1,
            "{file}: a header row read as a respondent, or the respondent lost"
        );
        assert_eq!(report["questions"][0]["n"], 1, "{file}");
    }
}

#[test]
fn a_question_in_two_columns_counts_each_respondent_once_and_says_so() {
    const COPIED: &str = "fixtures/surveys/google-forms-copied-question.csv";
    // Column 28 is a copy of column 9 (ROU-02), answered "Strongly disagree" by all six.
    let (code, copied, stderr) = import(COPIED, "feedback-loop", &[]);
    assert_eq!(code, 0, "{stderr}");
    let (_, plain, _) = import("fixtures/surveys/google-forms.csv", "feedback-loop", &[]);
    assert_eq!(
        scores(&copied),
        scores(&plain),
        "the first column is used, the copy ignored"
    );
    let rou_02 = copied["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "ROU-02")
        .unwrap();
    assert_eq!(rou_02["n"], 6, "six respondents, each once: {rou_02}");
    let names_both = |text: &str| {
        text.contains("columns 9 \"Customer feedback reaches the people")
            && text.contains("and 28 \"Customer feedback reaches the people")
            && text.contains("… (copy)\" both match ROU-02; the first is used")
    };
    assert!(names_both(&stderr), "survey import: {stderr}");
    // survey map, JSON: the note, and the copy shown as a duplicate of column 9.
    let mapped = map(COPIED, "feedback-loop", &[]);
    assert!(
        mapped["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| names_both(n.as_str().unwrap_or_default())),
        "{mapped:#}"
    );
    let copy = &mapped["columns"][27];
    assert_eq!(
        (&copy["question"], &copy["how"], &copy["first"]),
        (
            &Value::from("ROU-02"),
            &Value::from("duplicate"),
            &Value::from(9)
        ),
        "{copy}"
    );
    // survey map, table.
    let output = centricity()
        .args(["survey", "map"])
        .arg(repo_path(COPIED))
        .args(["--questionnaire", "feedback-loop"])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(names_both(&table), "{table}");
    assert!(table.contains("duplicate of 9"), "{table}");
    // An audit's questionnaire check names it among its import notes.
    let scratch = Scratch::new();
    std::fs::copy(repo_path(COPIED), scratch.path("copied.csv")).unwrap();
    let audit = scratch.audit(
        "[[check]]\nid = \"loop\"\nkind = \"questionnaire\"\nquestionnaire = \"feedback-loop\"\nanswers = [\"copied.csv\"]\n",
    );
    let (_, report, stderr) = crate::common::audit_json(&audit, &["--no-store"]);
    let findings: Vec<&str> = crate::common::check(&report, "loop")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        findings.iter().any(|f| names_both(f)),
        "{findings:#?}\n{stderr}"
    );
}

/// The LimeSurvey exports of `fixtures/surveys/limesurvey.csv`'s answers headed with texts
/// (see `fixtures/surveys/limesurvey-headings/build.py`): (file, `headings` in the JSON,
/// the layout `survey map` names).
const LIMESURVEY_HEADINGS: [(&str, &str, &str); 3] = [
    (
        "full-texts.csv",
        "full-texts",
        "limesurvey (full question texts)",
    ),
    (
        "abbreviated-texts.csv",
        "abbreviated-texts",
        "limesurvey (abbreviated question texts)",
    ),
    (
        "codes-and-texts.csv",
        "codes-and-texts",
        "limesurvey (question codes and texts)",
    ),
];

#[test]
fn limesurvey_headed_with_texts_counts_and_scores_like_its_code_headings() {
    for questionnaire in ["frontline", "feedback-loop"] {
        let (_, plain, _) = import("fixtures/surveys/limesurvey.csv", questionnaire, &[]);
        // The code-headed export with the same unsubmitted response, kept.
        let (_, plain_kept, _) = import(
            "fixtures/surveys/consultant/limesurvey.csv",
            questionnaire,
            &["--include-partial"],
        );
        assert_eq!(plain_kept["respondents"], 7);
        for (file, headings, _) in LIMESURVEY_HEADINGS {
            let path = format!("fixtures/surveys/limesurvey-headings/{file}");
            // Detected, and forced: --layout limesurvey reads text headings too.
            for forced in [&[][..], &["--layout", "limesurvey"][..]] {
                let (code, report, stderr) = import(&path, questionnaire, forced);
                assert_eq!(code, 0, "{file} {forced:?}: {stderr}");
                assert_eq!(report["layout"], "limesurvey", "{file}");
                assert_eq!(report["headings"], headings, "{file}");
                assert_eq!(report["respondents"], 6, "{file} {forced:?}: {stderr}");
                assert!(
                    stderr.contains("1 unfinished response(s) left out"),
                    "{file}: the empty `Date submitted` is a partial response: {stderr}"
                );
                assert_eq!(
                    scores(&report),
                    scores(&plain),
                    "{file} scores differently for {questionnaire}: {stderr}"
                );
            }
            let (_, kept, stderr) = import(&path, questionnaire, &["--include-partial"]);
            assert_eq!(kept["respondents"], 7, "{file}: {stderr}");
            assert_eq!(
                scores(&kept),
                scores(&plain_kept),
                "{file} with its partial response scores differently for {questionnaire}"
            );
        }
    }
}

#[test]
fn survey_map_names_the_limesurvey_headings_and_how_abbreviated_ones_matched() {
    for (file, headings, label) in LIMESURVEY_HEADINGS {
        let path = format!("fixtures/surveys/limesurvey-headings/{file}");
        let mapped = map(&path, "feedback-loop", &[]);
        assert_eq!(
            (&mapped["layout"], &mapped["headings"]),
            (&Value::from("limesurvey"), &Value::from(headings)),
            "{file}"
        );
        assert_eq!(
            mapped["questions_without_column"],
            serde_json::json!(["CAP-03", "ROU-04", "ROU-05"]),
            "{file}"
        );
        let output = centricity()
            .args(["survey", "map"])
            .arg(repo_path(&path))
            .args(["--questionnaire", "feedback-loop"])
            .env("COLUMNS", "80")
            .output()
            .unwrap();
        let table = String::from_utf8_lossy(&output.stdout);
        assert!(
            table.starts_with(&format!("{label} export, questionnaire `feedback-loop`")),
            "{table}"
        );
    }
    let mapped = map(
        "fixtures/surveys/limesurvey-headings/abbreviated-texts.csv",
        "feedback-loop",
        &[],
    );
    let columns = mapped["columns"].as_array().unwrap();
    let column = |header: &str| {
        columns
            .iter()
            .find(|c| c["header"] == header)
            .unwrap_or_else(|| panic!("no column {header}: {mapped:#}"))
            .clone()
    };
    let matched = |header: &str| {
        let c = column(header);
        (
            c["question"].as_str().map(str::to_string),
            c["option"].as_str().map(str::to_string),
            c["how"].as_str().map(str::to_string),
        )
    };
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        matched("Can a customer .."),
        (some("CAP-01"), None, some("abbreviated"))
    );
    // CAP-02 and CHN-01 both begin "Through which c": the run's options tell them apart
    // (Post-interaction survey is CAP-02's alone), also for the options both have.
    assert_eq!(
        matched("Through which c..  [Email]"),
        (some("CAP-02"), some("Email"), some("abbreviated"))
    );
    assert_eq!(
        matched("Through which c..  [Post-interactio.. ]"),
        (
            some("CAP-02"),
            some("Post-interaction survey"),
            some("abbreviated")
        )
    );
    // CAP-03, ACT-05 and CHN-04 all begin "How often does ": the answers fit ACT-05 only.
    assert_eq!(
        matched("How often does .."),
        (some("ACT-05"), None, some("abbreviated"))
    );
    let notes = mapped["notes"].to_string();
    assert!(
        notes.contains("begins CAP-03, ACT-05 and CHN-04")
            && notes.contains("its answers fit ACT-05 only"),
        "{notes}"
    );
    // The frontline questions in the same export are named once, not guessed at.
    assert!(notes.contains("are questions of `frontline`"), "{notes}");
}

#[test]
fn abbreviated_headings_that_fit_several_questions_stay_unmatched() {
    let scratch = Scratch::new();
    // Options both CAP-02 and CHN-01 have, and a "How often does" column answered "Never" only.
    let csv = "\u{feff}\"Response ID\",\"Date submitted\",\"Last page\",\"Through which c..  [Email]\",\"Through which c..  [Phone]\",\"How often does .. \",\"Is there a name.. \"\r\n\
               \"1\",\"2026-11-10 09:00:03\",\"2\",\"Y\",\"\",\"Never\",\"Yes\"\r\n\
               \"2\",\"2026-11-10 09:01:03\",\"2\",\"\",\"Y\",\"Never\",\"No\"\r\n\
               \"3\",\"2026-11-10 09:02:03\",\"2\",\"Y\",\"Y\",\"\",\"Yes\"\r\n";
    let file = scratch.write("lime.csv", csv);
    let mapped = map(file.to_str().unwrap(), "feedback-loop", &[]);
    assert_eq!(mapped["headings"], "abbreviated-texts", "{mapped:#}");
    let columns = mapped["columns"].as_array().unwrap();
    for index in [3, 4, 5] {
        assert!(
            columns[index]["question"].is_null(),
            "column {} is not sure: {mapped:#}",
            index + 1
        );
    }
    assert_eq!(columns[6]["question"], "ROU-01", "{mapped:#}");
    let notes = mapped["notes"].to_string();
    assert!(
        notes.contains("fit several questions (CAP-02, CHN-01)"),
        "{notes}"
    );
    assert!(
        notes.contains("`How often does ..` begins CAP-03, ACT-05 and CHN-04")
            && notes.contains("name it in a mapping file"),
        "{notes}"
    );
}

#[test]
fn a_free_text_question_counts_the_respondents_who_answered_it() {
    // Eight respondents; seven wrote something for CAP-05, one left it empty (and one wrote
    // only spaces for ACT-04, which is no answer).
    const FILE: &str = "fixtures/surveys/free-text-answers.csv";
    let (code, report, stderr) = import(FILE, "feedback-loop", &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["respondents"], 8);
    let question = |id: &str| {
        report["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(question("CAP-05")["n"], 7, "{report:#}");
    assert_eq!(question("ACT-04")["n"], 2, "{report:#}");
    assert!(
        question("CAP-05")["mean_score"].is_null(),
        "a text is not scored"
    );
    // The table `survey import` prints: CAP-05's row says 7.
    let output = centricity()
        .args(["survey", "import"])
        .arg(repo_path(FILE))
        .args(["--questionnaire", "feedback-loop"])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&output.stdout);
    let row = table
        .lines()
        .find(|l| l.contains("CAP-05"))
        .unwrap_or_else(|| panic!("{table}"));
    let cells: Vec<&str> = row.split(['│', '┆']).map(str::trim).collect();
    assert_eq!(cells.get(2), Some(&"7"), "{row}");
    // An audit: the JSON and HTML reports count the answers beside showing them.
    let scratch = Scratch::new();
    std::fs::copy(repo_path(FILE), scratch.path("answers.csv")).unwrap();
    let audit = scratch.audit(
        "[[check]]\nid = \"loop\"\nkind = \"questionnaire\"\nquestionnaire = \"feedback-loop\"\nanswers = [\"answers.csv\"]\n",
    );
    let (_, report, stderr) = crate::common::audit_json(&audit, &["--no-store"]);
    let evidence = crate::common::check(&report, "loop")["evidence"].clone();
    let counted = evidence
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["source"].as_str().unwrap_or("").starts_with("CAP-05 “"))
        .unwrap_or_else(|| panic!("no count for CAP-05: {evidence:#}\n{stderr}"));
    assert_eq!(counted["excerpt"], "7 answered (free text)", "{counted}");
    let free: Vec<&Value> = evidence
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["source"] == "CAP-05 (free text)")
        .collect();
    assert_eq!(free.len(), 7, "each answer kept as evidence");
    let html = scratch.path("report.html");
    centricity()
        .arg("audit")
        .arg(&audit)
        .args(["--no-store", "--format", "html", "--output"])
        .arg(&html)
        .assert()
        .code(predicates::ord::lt(3));
    let html = std::fs::read_to_string(&html).unwrap();
    assert!(
        html.contains("7 answered (free text)"),
        "the HTML report counts them"
    );
}

/// Where real exports that the repository may not hold are kept: `CENTRICITY_UPSTREAM_SURVEYS`,
/// or `../shared/surveys/upstream/` beside the repository (see
/// `fixtures/surveys/upstream/SOURCES.md`). `None`, said on stderr, when neither holds `file`.
fn upstream_export(file: &str) -> Option<std::path::PathBuf> {
    let dirs = [
        std::env::var_os("CENTRICITY_UPSTREAM_SURVEYS").map(std::path::PathBuf::from),
        Some(repo_path("../shared/surveys/upstream")),
    ];
    let found = dirs
        .into_iter()
        .flatten()
        .map(|d| d.join(file))
        .find(|p| p.is_file());
    if found.is_none() {
        eprintln!(
            "skipping {file}: not in $CENTRICITY_UPSTREAM_SURVEYS nor ../shared/surveys/upstream"
        );
    }
    found
}

#[test]
fn real_limesurvey_exports_with_full_text_headings_read_their_respondents() {
    // (file, our definition, complete, unfinished left out, kept with --include-partial)
    let cases = [
        (
            "survey_100001_R_data_file.csv",
            "limonaid-survey-100001.toml",
            2,
            1,
            2,
        ),
        (
            "survey_998192_R_data_file.csv",
            "limonaid-survey-998192.toml",
            2,
            5,
            4,
        ),
    ];
    for (file, definition, complete, unfinished, kept) in cases {
        let Some(path) = upstream_export(file) else {
            continue;
        };
        let definition = repo_path(&format!("fixtures/surveys/upstream/{definition}"));
        let definition = definition.to_str().unwrap();
        let (code, report, stderr) = import(path.to_str().unwrap(), definition, &[]);
        assert_eq!(code, 0, "{file}: {stderr}");
        assert_eq!(
            (&report["layout"], &report["headings"]),
            (&Value::from("limesurvey"), &Value::from("full-texts")),
            "{file}"
        );
        assert_eq!(report["respondents"], complete, "{file}: {stderr}");
        assert!(
            stderr.contains(&format!("{unfinished} unfinished response(s) left out")),
            "{file}: {stderr}"
        );
        // No question of the definition is left without its column.
        assert!(
            stderr.contains("0 question(s) without a column"),
            "{file}: {stderr}"
        );
        let (_, with_partial, _) =
            import(path.to_str().unwrap(), definition, &["--include-partial"]);
        assert_eq!(with_partial["respondents"], kept, "{file}");
    }
}
