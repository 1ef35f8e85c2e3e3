//! Outside text planted in every field a stranger can fill — a plug-in's findings, a stored
//! run's check id and commit (imported from a file), a shard's company, sector and category —
//! reaches every human format shown, not obeyed: no raw terminal controls (ESC, OSC 8
//! hyperlinks, OSC 52 clipboard writes, BEL, NUL), no bidi overrides or isolates, no formula a
//! spreadsheet would run (split on `,`, `;` or tab), no markup out of a Markdown code span.

use serde_json::Value;

use crate::common::{Scratch, centricity};

/// ESC colour, an OSC 8 hyperlink, an OSC 52 clipboard write, BEL, NUL, RLO, LRI, and
/// backticks around markup that would run if it left its code span.
const PLANTED: &str = "x\u{1b}[31m\u{1b}]8;;http://evil.test\u{7}link\u{1b}]8;;\u{7}\
    \u{1b}]52;c;cHduZWQ=\u{7}\u{7}\0\u{202e}\u{2066};=1+1;`<img src=x onerror=alert(1)>`";

/// `out` has no control a terminal obeys; `what` names it (stderr may be empty).
fn assert_shown_not_obeyed(what: &str, out: &[u8]) {
    assert!(
        what.ends_with("(stderr)") || !out.is_empty(),
        "{what}: no output"
    );
    let text = String::from_utf8_lossy(out);
    for bad in ['\u{1b}', '\u{7}', '\0', '\u{202e}', '\u{2066}', '\u{9b}'] {
        assert!(!text.contains(bad), "{what}: raw {bad:?} in\n{text}");
    }
}

fn assert_no_formula(what: &str, out: &[u8]) {
    for delimiter in [b',', b';', b'\t'] {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(out);
        for record in reader.records() {
            for field in record.unwrap().iter() {
                let field = field.trim_start();
                let formula = field.starts_with(['=', '+', '@'])
                    || (field.starts_with('-') && field.parse::<f64>().is_err());
                assert!(
                    !formula,
                    "{what} split on {:?}: {field:?}",
                    delimiter as char
                );
            }
        }
    }
}

/// The Markdown as a renderer (GFM tables) turns it into HTML: no element came from outside.
fn assert_no_markup(what: &str, markdown: &[u8]) {
    let markdown = String::from_utf8_lossy(markdown);
    let parser = pulldown_cmark::Parser::new_ext(&markdown, pulldown_cmark::Options::ENABLE_TABLES);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    assert!(!html.contains("<img"), "{what}: live markup in\n{html}");
}

fn run(cmd: &mut assert_cmd::Command, what: &str) -> Vec<u8> {
    let out = cmd.output().unwrap();
    assert!(
        out.status.code().is_some_and(|c| c == 0 || c == 4),
        "{what}: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_shown_not_obeyed(&format!("{what} (stderr)"), &out.stderr);
    out.stdout
}

#[test]
fn planted_controls_reach_no_human_format_live() {
    let scratch = Scratch::new();
    let finding = serde_json::json!({
        "score": 40,
        "findings": [{"severity": "fail", "message": PLANTED, "recommendation": PLANTED}],
    });
    scratch.write("planted.json", &finding.to_string());
    scratch.plugin("planted.sh", "cat planted.json");
    let audit = scratch.audit(
        "[[check]]\nid = \"planted\"\nkind = \"exec\"\ncategory = \"feedback\"\ncommand = [\"sh\", \"planted.sh\"]\n",
    );
    let first = scratch.path("first.db");
    let record = |score: u32| {
        let finding = serde_json::json!({
            "score": score,
            "findings": [{"severity": "fail", "message": PLANTED, "recommendation": PLANTED}],
        });
        scratch.write("planted.json", &finding.to_string());
        run(
            centricity()
                .env("CENTRICITY_STORE", &first)
                .env("GITHUB_SHA", PLANTED.replace('\0', ""))
                .arg("audit")
                .arg(&audit)
                .args(["--format", "json"]),
            "audit",
        );
    };
    record(40);
    record(60);
    // A stored run's every field is outside text once imported: plant the check id too.
    let export = run(
        centricity()
            .env("CENTRICITY_STORE", &first)
            .args(["history", "export"]),
        "export",
    );
    let lines: Vec<String> = String::from_utf8_lossy(&export)
        .lines()
        .map(|line| line.replace("\"planted\"", &serde_json::to_string(PLANTED).unwrap()))
        .collect();
    let jsonl = scratch.write("runs.jsonl", &(lines.join("\n") + "\n"));
    let store = scratch.path("imported.db");
    let cmd = || {
        let mut cmd = centricity();
        cmd.env("CENTRICITY_STORE", &store).env("COLUMNS", "200");
        cmd
    };
    run(cmd().args(["history", "import"]).arg(&jsonl), "import");

    for format in ["table", "markdown", "html", "junit", "csv", "csv-matrix"] {
        let what = format!("report --format {format}");
        let out = run(cmd().args(["report", "last", "--format", format]), &what);
        assert_shown_not_obeyed(&what, &out);
        match format {
            "csv" | "csv-matrix" => assert_no_formula(&what, &out),
            "markdown" => assert_no_markup(&what, &out),
            "html" => assert!(!String::from_utf8_lossy(&out).contains("<img"), "{what}"),
            _ => {}
        }
    }
    for format in ["table", "csv"] {
        let what = format!("history --format {format}");
        let out = run(cmd().args(["history", "--format", format]), &what);
        assert_shown_not_obeyed(&what, &out);
        if format == "csv" {
            assert_no_formula(&what, &out);
        }
    }
    let out = run(cmd().arg("compare"), "compare");
    assert_shown_not_obeyed("compare", &out);

    // A shard's companies, sectors and categories come from whoever ran that shard.
    let mut categories = serde_json::Map::new();
    categories.insert(PLANTED.to_string(), Value::from(50.0));
    let shard = serde_json::json!({
        "portfolio": PLANTED,
        "shard": "1/1",
        "companies": [
            {"name": PLANTED, "sector": PLANTED, "row": 2, "score": 50.0, "coverage": 1.0,
             "categories": categories, "channels": {}},
            {"name": "Plain", "sector": PLANTED, "row": 3, "score": 40.0, "coverage": 1.0,
             "categories": {}, "channels": {}, "error": PLANTED},
        ],
    });
    let shard = scratch.write("shard.json", &shard.to_string());
    for format in ["table", "csv-matrix", "json"] {
        let what = format!("merge --format {format}");
        let out = run(
            centricity()
                .args(["merge", "--allow-incomplete", "--format", format])
                .arg(&shard),
            &what,
        );
        if format != "json" {
            assert_shown_not_obeyed(&what, &out);
        }
        if format == "csv-matrix" {
            assert_no_formula(&what, &out);
        }
    }
}
