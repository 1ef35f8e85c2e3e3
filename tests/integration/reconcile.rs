//! The numbers a client reads reconcile: every check that moves responsiveness is in one of
//! its channel rows (JSON and CSV), a form's automatic "Thank you" is not a person answering,
//! and a client's form is submitted once however often the audit is run.

use crate::common::{Scratch, TestServer, audit_json, centricity, check};

const LOG: &str =
    "channel,contact_id,sent_at,first_response_at,first_human_response_at,resolved_at,outcome,notes
phone,P-01,2026-11-16T09:00:00+01:00,,2026-11-16T09:03:00+01:00,,answered,
phone,P-02,2026-11-16T10:00:00+01:00,,,,abandoned,
chat,C-01,2026-11-16T11:00:00+01:00,,2026-11-16T11:04:00+01:00,,answered,
email,E-01,2026-11-16T12:00:00+01:00,,2026-11-17T18:00:00+01:00,,answered,
";

/// A site whose form answers "Thank you", beside a mystery log and a page check.
fn engagement(scratch: &Scratch, server: &TestServer) -> std::path::PathBuf {
    scratch.write("log.csv", LOG);
    scratch.audit(&format!(
        "[[check]]\nid = \"log\"\nkind = \"mystery-log\"\nfile = \"log.csv\"\n\n\
         [[check]]\nid = \"page\"\nkind = \"http\"\nurl = \"{}\"\nsamples = 2\n\n\
         [[check]]\nid = \"form\"\nkind = \"web-form\"\nurl = \"{}\"\nsuccess_contains = \"Thank you\"\n\
         fields = {{ email = \"auditor@example.test\", message = \"Where is my order?\" }}\n",
        server.url("/ok"),
        server.url("/form/contact"),
    ))
}

fn weighted(rows: &[(f64, f64)]) -> f64 {
    let weight: f64 = rows.iter().map(|(_, w)| w).sum();
    rows.iter().map(|(s, w)| s * w).sum::<f64>() / weight
}

#[test]
fn responsiveness_recomputes_from_its_rows_and_a_thank_you_page_is_not_a_person() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    let audit = engagement(&scratch, &server);
    let (_, report, stderr) = audit_json(&audit, &["--no-store"]);
    let form = check(&report, "form");
    assert_eq!(form["score"], 100.0, "{form}\n{stderr}");
    assert_eq!(
        form["category"], "reach",
        "a confirmation page proves the form works, not that a person answers"
    );
    let responsiveness = report["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "responsiveness")
        .unwrap();
    let rows = responsiveness["channels"].as_array().unwrap();
    // Every scored check of the category is in a row shown.
    for id in responsiveness["checks"].as_array().unwrap() {
        assert!(
            rows.iter()
                .any(|r| r["checks"].as_array().unwrap().contains(id)),
            "{id} is in no channel row: {rows:?}"
        );
    }
    let from_rows = weighted(
        &rows
            .iter()
            .map(|r| (r["score"].as_f64().unwrap(), r["weight"].as_f64().unwrap()))
            .collect::<Vec<_>>(),
    );
    let shown = responsiveness["score"].as_f64().unwrap();
    assert!(
        (from_rows - shown).abs() < 0.051,
        "rows give {from_rows}, category {shown}"
    );

    // The same from the CSV a consultant pastes into a slide.
    let output = centricity()
        .arg("audit")
        .arg(&audit)
        .args([
            "--format",
            "csv",
            "--no-store",
            "--offline",
            "--csv-bom=false",
        ])
        .output()
        .unwrap();
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let channel_rows: Vec<(f64, f64)> = records
        .iter()
        .filter(|r| &r[at("level")] == "channel" && &r[at("category")] == "responsiveness")
        .map(|r| {
            (
                r[at("score")].parse().unwrap(),
                r[at("weight")].parse().unwrap(),
            )
        })
        .collect();
    let category: f64 = records
        .iter()
        .find(|r| &r[at("level")] == "category" && &r[at("id")] == "responsiveness")
        .unwrap()[at("score")]
    .parse()
    .unwrap();
    assert!(
        (weighted(&channel_rows) - category).abs() < 0.051,
        "CSV rows {channel_rows:?} give {}, category {category}",
        weighted(&channel_rows)
    );
    assert!(
        records
            .iter()
            .all(|r| &r[at("level")] != "channel" || &r[at("category")] == "responsiveness"),
        "only responsiveness is scored by channel, so only it has channel rows"
    );
}

/// The form submissions the store holds for the `form` check.
fn submissions(store: &str) -> usize {
    centricity::store::open(store)
        .unwrap()
        .probes("Test Co", Some("form"))
        .unwrap()
        .len()
}

#[test]
fn a_form_is_submitted_once_however_often_the_audit_runs() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    let audit = engagement(&scratch, &server);
    let store = scratch.path("h.db").to_string_lossy().into_owned();
    for format in ["json", "table", "csv"] {
        let output = centricity()
            .arg("audit")
            .arg(&audit)
            .args(["--format", format, "--store", &store])
            .output()
            .unwrap();
        assert!(output.status.code().is_some_and(|c| c <= 2));
    }
    assert_eq!(server.hits("/form/send"), 1, "three runs, one submission");
    assert_eq!(
        submissions(&store),
        1,
        "the submission is recorded in the store"
    );
    let (_, report, _) = audit_json(&audit, &["--store", &store]);
    let evidence = &check(&report, "form")["evidence"][0];
    assert!(
        evidence["observed_at"].is_string(),
        "the evidence says when the form was submitted: {evidence}"
    );
    assert_eq!(server.hits("/form/send"), 1);
    // Told to, the audit submits again; so does `probe send`, and the audits after it read
    // what that submission answered.
    audit_json(&audit, &["--store", &store, "--resubmit"]);
    assert_eq!((server.hits("/form/send"), submissions(&store)), (2, 2));
    centricity()
        .args(["probe", "send"])
        .arg(&audit)
        .args(["--check", "form", "--store", &store])
        .assert()
        .success()
        .stdout(predicates::str::contains("form: sent probe"));
    assert_eq!((server.hits("/form/send"), submissions(&store)), (3, 3));
    audit_json(&audit, &["--store", &store]);
    assert_eq!(
        server.hits("/form/send"),
        3,
        "the audit reads probe send's submission"
    );
}
