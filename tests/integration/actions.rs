//! The consultant's loop on the bundled example: audit → `actions` → the client edits the plan
//! → the audit, pointed at the plan, runs again with one finding fixed and one not → what the
//! measurement confirmed; `--update` keeps what people wrote; a bad plan stops the audit.

use std::path::{Path, PathBuf};

use crate::common::{Scratch, audit_json, centricity, point_audit_at_plan, postgres, write_plan};
use crate::html::{browser, dump_dom};

const FIXED: &str = "mystery-shopping/slow-channel/social";
const NOT_FIXED: &str = "mystery-shopping/unanswered-contacts/phone";
const LATE: &str = "mystery-shopping/slow-channel/in_store";
const OWN_ROW: &str = "training/brief-the-shop-staff";

/// The test's own store: tests run side by side, and each reads its own `last` run.
fn store(scratch: &Scratch) -> String {
    scratch.path("history.db").to_string_lossy().into_owned()
}

/// The example in a scratch folder with a store, audited once, and its plan written.
fn audited_once(scratch: &Scratch, store: &str) -> (PathBuf, PathBuf) {
    let dir = scratch.copy_fixture("fixtures/acme", "acme");
    let audit = dir.join("centricity.toml");
    let (code, _, stderr) = audit_json(&audit, &["--offline", "--store", store]);
    assert_eq!(code, 0, "{stderr}");
    let plan = dir.join("actions.csv");
    write_plan(store, &audit, &plan);
    (audit, plan)
}

fn rows(plan: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let text = std::fs::read_to_string(plan).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().iter().map(String::from).collect();
    (headers, reader.records().map(Result::unwrap).collect())
}

fn cell<'a>(headers: &[String], row: &'a csv::StringRecord, name: &str) -> &'a str {
    row.get(headers.iter().position(|h| h == name).unwrap())
        .unwrap()
}

/// What the client did: one action done and really fixed, one done but not, one late, one of
/// their own; an owner a spreadsheet would run as a formula.
fn edit_plan(plan: &Path) {
    let (headers, records) = rows(plan);
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&headers).unwrap();
    for record in &records {
        let mut cells: Vec<String> = record.iter().map(String::from).collect();
        let mut set = |name: &str, value: &str| {
            cells[headers.iter().position(|h| h == name).unwrap()] = value.into();
        };
        match cell(&headers, record, "id") {
            FIXED => {
                set("owner", "Dana (social team)");
                set("due", "2026-12-15");
                set("status", "Done");
            }
            NOT_FIXED => {
                set("owner", "=HYPERLINK(\"http://x\")");
                set("status", "done");
                set("notes", "hired two agents");
            }
            LATE => {
                set("owner", "Shop manager");
                set("due", "2026-01-31");
                set("status", "in progress");
            }
            _ => {}
        }
        out.write_record(&cells).unwrap();
    }
    let mut own = vec![String::new(); headers.len()];
    own[0] = OWN_ROW.into();
    own[headers.iter().position(|h| h == "status").unwrap()] = "open".into();
    own[headers.iter().position(|h| h == "notes").unwrap()] = "our own idea".into();
    out.write_record(&own).unwrap();
    std::fs::write(plan, out.into_inner().unwrap()).unwrap();
}

/// The client answers social messages within minutes now; the phone is still unanswered.
fn fix_social(dir: &Path) {
    let log = dir.join("mystery-log.csv");
    let text = std::fs::read_to_string(&log)
        .unwrap()
        .replace("2026-11-16T13:40:00+01:00", "2026-11-16T10:05:00+01:00")
        .replace("2026-11-19T09:05:00+01:00", "2026-11-18T20:19:00+01:00");
    std::fs::write(log, text).unwrap();
}

fn item<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["actions"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no action {id}: {}", report["actions"]))
}

#[test]
fn the_next_audit_confirms_what_was_fixed_and_not_what_was_only_marked_done() {
    let scratch = Scratch::new();
    the_loop(&scratch, &store(&scratch));
}

#[test]
#[ignore = "needs PostgreSQL: eval \"$(bash scripts/postgres.sh start)\""]
fn the_next_audit_confirms_what_was_fixed_and_not_what_was_only_marked_done_in_postgres() {
    the_loop(&Scratch::new(), &postgres());
}

fn the_loop(scratch: &Scratch, store: &str) {
    let (audit, plan) = audited_once(scratch, store);
    let (_, first) = rows(&plan);
    let first_ids: Vec<String> = first.iter().map(|r| r[0].to_string()).collect();
    for id in [FIXED, NOT_FIXED, LATE] {
        assert!(
            first_ids.iter().any(|i| i == id),
            "{id} not in {first_ids:?}"
        );
    }
    edit_plan(&plan);
    fix_social(audit.parent().unwrap());
    point_audit_at_plan(&audit);

    let (code, report, stderr) = audit_json(&audit, &["--offline", "--store", store]);
    assert_eq!(code, 0, "{stderr}");
    let review = &report["actions"];
    assert_eq!(review["plan"], "actions.csv");
    assert_eq!(item(&report, FIXED)["verdict"], "confirmed");
    assert_eq!(item(&report, FIXED)["finding_present"], false);
    assert_eq!(item(&report, NOT_FIXED)["verdict"], "not_confirmed");
    assert_eq!(item(&report, NOT_FIXED)["notes"], "hired two agents");
    assert_eq!(item(&report, LATE)["verdict"], "open");
    assert_eq!(item(&report, LATE)["overdue"], true);
    assert_eq!(review["confirmed"], 1);
    assert_eq!(review["not_confirmed"], 1);
    assert_eq!(review["done"], 2);
    assert_eq!(review["in_progress"], 1);
    assert_eq!(review["overdue"], 1);
    assert_eq!(review["new"], 0, "{review}");
    // Since the first audit (before any plan, so every finding was open then): two marked
    // done, one of them confirmed.
    assert_eq!(
        review["since_last"],
        serde_json::json!({"closed": 2, "of": first_ids.len(), "confirmed": 1})
    );
    let history = centricity()
        .args(["history", "--store", store, "--audit"])
        .arg(&audit)
        .output()
        .unwrap();
    let history = String::from_utf8(history.stdout).unwrap();
    assert!(
        history.contains(&format!(
            "actions closed since the last audit: 2 of {}, 1 confirmed by measurement",
            first_ids.len()
        )),
        "{history}"
    );
    // The store keeps each run's figures: the history lists how the plan moved.
    let listed = centricity()
        .args(["history", "--format", "json", "--store", store, "--audit"])
        .arg(&audit)
        .output()
        .unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed[0].get("actions"), None, "the first run had no plan");
    assert_eq!(
        listed[1]["actions"],
        serde_json::json!({"total": review["total"], "done": 2, "confirmed": 1, "overdue": 1})
    );
    assert!(
        history.contains(&format!("┆ 2/{} ✓1 late 1 ", review["total"])),
        "{history}"
    );
    // A store of the schema before the figures had their table fills it from its reports.
    let older = "DROP TABLE run_actions; DELETE FROM schema_version WHERE version = 7;";
    if store.starts_with("postgres") {
        crate::common::execute_on(store, older);
    } else {
        rusqlite::Connection::open(store)
            .unwrap()
            .execute_batch(older)
            .unwrap();
    }
    let migrated = centricity()
        .args(["history", "--format", "json", "--store", store, "--audit"])
        .arg(&audit)
        .output()
        .unwrap();
    let migrated: serde_json::Value = serde_json::from_slice(&migrated.stdout).unwrap();
    assert_eq!(migrated, listed);

    // Nothing measures the client's own idea, so nothing claims to have confirmed it.
    assert!(
        review["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["id"] != OWN_ROW)
    );

    // A check that measured nothing this run confirms nothing.
    let (_, skipped, _) = audit_json(
        &audit,
        &[
            "--offline",
            "--no-store",
            "--skip",
            "mystery-shopping",
            "--allow-incomplete",
        ],
    );
    assert_eq!(item(&skipped, FIXED)["verdict"], "unmeasured");
    assert_eq!(skipped["actions"]["confirmed"], 0);

    // Every format says it.
    let table = centricity()
        .arg("audit")
        .arg(&audit)
        .args(["--offline", "--no-store"])
        .output()
        .unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.contains("Action plan (actions.csv):") && table.contains("1 confirmed by this audit"),
        "{table}"
    );
    let markdown = centricity()
        .arg("audit")
        .arg(&audit)
        .args(["--offline", "--no-store", "--format", "markdown"])
        .output()
        .unwrap();
    let markdown = String::from_utf8(markdown.stdout).unwrap();
    assert!(markdown.contains("### Action plan"), "{markdown}");
    assert!(
        markdown.contains("**marked done, but still measured**"),
        "{markdown}"
    );
    assert!(markdown.contains("**2026-01-31 overdue**"), "{markdown}");
    let csv = centricity()
        .arg("audit")
        .arg(&audit)
        .args(["--offline", "--no-store", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(csv.contains(&format!("plan,{FIXED},")), "{csv}");
    assert!(
        !csv.contains(",=HYPERLINK"),
        "a formula reached the CSV: {csv}"
    );

    // The CI gate: late and still measured is exit 2, named.
    let gate = centricity()
        .arg("audit")
        .arg(&audit)
        .args([
            "--offline",
            "--no-store",
            "--format",
            "json",
            "--fail-on-overdue",
        ])
        .output()
        .unwrap();
    assert_eq!(gate.status.code(), Some(2));
    let said = String::from_utf8_lossy(&gate.stderr);
    assert!(said.contains(LATE), "{said}");
}

#[test]
fn update_keeps_what_people_wrote_and_their_own_rows() {
    let scratch = Scratch::new();
    let (audit, plan) = audited_once(&scratch, &store(&scratch));
    edit_plan(&plan);
    fix_social(audit.parent().unwrap());
    let (code, _, stderr) = audit_json(&audit, &["--offline", "--store", &store(&scratch)]);
    assert_eq!(code, 0, "{stderr}");
    centricity()
        .args(["actions", "last", "--store", &store(&scratch), "--audit"])
        .arg(&audit)
        .arg("--update")
        .arg(&plan)
        .assert()
        .success();
    let (headers, records) = rows(&plan);
    let by_id = |id: &str| {
        records
            .iter()
            .find(|r| cell(&headers, r, "id") == id)
            .unwrap_or_else(|| panic!("{id} lost"))
    };
    let fixed = by_id(FIXED);
    assert_eq!(cell(&headers, fixed, "owner"), "Dana (social team)");
    assert_eq!(cell(&headers, fixed, "due"), "2026-12-15");
    assert_eq!(cell(&headers, fixed, "status"), "done");
    assert_eq!(cell(&headers, fixed, "measured"), "gone");
    let not_fixed = by_id(NOT_FIXED);
    assert_eq!(cell(&headers, not_fixed, "measured"), "yes");
    assert_eq!(cell(&headers, not_fixed, "notes"), "hired two agents");
    // Kept, and still harmless in a spreadsheet.
    assert_eq!(
        cell(&headers, not_fixed, "owner"),
        "'=HYPERLINK(\"http://x\")"
    );
    assert_eq!(cell(&headers, by_id(LATE), "status"), "in_progress");
    assert_eq!(cell(&headers, by_id(OWN_ROW), "notes"), "our own idea");
    // The same findings keep their ids from run to run: only the fixed one changed state.
    let (_, before) = {
        let again = scratch.path("again.csv");
        centricity()
            .args(["actions", "1", "--store", &store(&scratch), "--audit"])
            .arg(&audit)
            .arg("--output")
            .arg(&again)
            .assert()
            .success();
        rows(&again)
    };
    for row in &before {
        assert!(
            records.iter().any(|r| r[0] == row[0]),
            "{} of the first run is not in the updated plan",
            &row[0]
        );
    }
}

#[test]
fn a_malformed_plan_is_refused_at_its_row_and_column_and_nothing_runs() {
    let scratch = Scratch::new();
    let (audit, plan) = audited_once(&scratch, &store(&scratch));
    let text = std::fs::read_to_string(&plan).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[2] = lines[2].replacen(",,,open,", ",,2026-13-01,finished,", 1);
    std::fs::write(&plan, lines.join("\n")).unwrap();
    point_audit_at_plan(&audit);
    let history = |_: &Path| {
        let out = centricity()
            .args(["history", "--format", "json", "--store", &store(&scratch)])
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
            .as_array()
            .unwrap()
            .len()
    };
    let runs_before = history(&audit);
    let out = centricity()
        .arg("audit")
        .arg(&audit)
        .args(["--offline", "--store", &store(&scratch)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("row 3, column `due`: expected a date"),
        "{said}"
    );
    assert!(
        said.contains("row 3, column `status`: expected open, in_progress"),
        "{said}"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(history(&audit), runs_before, "a run was recorded");
    // `--update` refuses it the same way, and leaves it as it was.
    let before = std::fs::read(&plan).unwrap();
    centricity()
        .args(["actions", "last", "--store", &store(&scratch), "--audit"])
        .arg(&audit)
        .arg("--update")
        .arg(&plan)
        .assert()
        .code(3);
    assert_eq!(std::fs::read(&plan).unwrap(), before);
}

#[test]
#[ignore = "needs Chromium: eval \"$(bash scripts/chromium.sh start)\""]
fn the_action_plan_section_renders_in_a_browser() {
    let scratch = Scratch::new();
    let (audit, plan) = audited_once(&scratch, &store(&scratch));
    edit_plan(&plan);
    fix_social(audit.parent().unwrap());
    point_audit_at_plan(&audit);
    let page = scratch.path("report.html");
    centricity()
        .arg("audit")
        .arg(&audit)
        .args(["--offline", "--no-store", "--format", "html", "--output"])
        .arg(&page)
        .assert()
        .success();
    let dom = dump_dom(&browser(), &scratch, &page);
    assert!(
        dom.contains("<section id=\"action-plan\"><h2>Action plan</h2>"),
        "no section"
    );
    assert!(
        dom.contains(&format!("<tr class=\"action confirmed\"><td>{FIXED}</td>")),
        "{dom}"
    );
    assert!(dom.contains(&format!(
        "<tr class=\"action not_confirmed\"><td>{NOT_FIXED}</td>"
    )));
    assert!(dom.contains("<span class=\"fail overdue\">2026-01-31 (overdue)</span>"));
    assert!(dom.contains("=HYPERLINK(\"http://x\")") && !dom.contains("<a href=\"http://x\""));
}

/// A plug-in whose finding is about a phone line, in the words people write it.
fn phone_line_audit(scratch: &Scratch) -> PathBuf {
    scratch.plugin(
        "line.sh",
        r#"printf '%s' '{"score": 40, "findings": [{"code": "missing", "subject": "hotline, +33 1 23 45 67 89", "severity": "fail", "message": "No answer on the hotline", "recommendation": "Staff it"}]}'"#,
    );
    scratch.write(
        "audit.toml",
        "[audit]\nname = \"Line Co\"\nactions = \"plan.csv\"\n\n[[check]]\nid = \"line\"\nkind = \"exec\"\ncategory = \"feedback\"\ncommand = [\"sh\", \"line.sh\"]\n",
    )
}

/// What a spreadsheet does to a plan (quotes, `+` after a comma, cleared cells, a removed
/// check) never turns a finding still measured into a confirmed one.
#[test]
fn a_plan_through_a_spreadsheet_never_confirms_what_is_still_measured() {
    let scratch = Scratch::new();
    let audit = phone_line_audit(&scratch);
    let plan = scratch.path("plan.csv");
    let args = ["--offline", "--no-store", "--allow-incomplete"];
    // Before the plan exists, the audit refuses it, but `actions` can still write one.
    centricity()
        .arg("audit")
        .arg(&audit)
        .args(args)
        .assert()
        .code(3);
    let store = store(&scratch);
    let (code, _, stderr) = audit_json(
        &scratch.write(
            "first.toml",
            &std::fs::read_to_string(&audit)
                .unwrap()
                .replace("actions = \"plan.csv\"\n", ""),
        ),
        &["--offline", "--allow-incomplete", "--store", &store],
    );
    assert_eq!(code, 0, "{stderr}");
    write_plan(&store, &audit, &plan);
    let (headers, rows) = rows(&plan);
    let id = cell(&headers, &rows[0], "id").to_string();
    assert_eq!(id, "line/missing/hotline-33-1-23-45-67-89");

    // Marked done, re-saved: the id comes back as it went, and the finding is still there.
    let written = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(&plan, written.replacen(",open,", ",done,", 1)).unwrap();
    let (code, report, stderr) = audit_json(&audit, &args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(item(&report, &id)["verdict"], "not_confirmed");
    assert_eq!(report["actions"]["confirmed"], 0);
    assert_eq!(report["actions"]["new"], 0);

    // A plan of ids and statuses only is still the checks' plan: its late action is late.
    let late = "\u{1b}]0;pwned\u{7}";
    std::fs::write(
        &plan,
        format!(
            "id,status,due\n{id},in progress,2020-01-31\nline/missing/{late},open,2020-01-31\n"
        ),
    )
    .unwrap();
    let mut gate: Vec<&str> = args.to_vec();
    gate.push("--fail-on-overdue");
    let (code, report, stderr) = audit_json(&audit, &gate);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(item(&report, &id)["overdue"], true);
    assert_eq!(report["actions"]["new"], 0, "{}", report["actions"]);
    assert!(
        !stderr.contains('\u{1b}'),
        "an escape reached the terminal: {stderr:?}"
    );

    // A check taken out of the audit measured nothing: its action (as the tool wrote it) is
    // unmeasured, not dropped.
    std::fs::write(&plan, written.replacen(",open,", ",done,", 1)).unwrap();
    let without = scratch.write(
        "without.toml",
        "[audit]\nname = \"Line Co\"\nactions = \"plan.csv\"\n\n[[check]]\nid = \"other\"\nkind = \"exec\"\ncategory = \"reach\"\ncommand = [\"sh\", \"line.sh\"]\n",
    );
    let (code, report, stderr) = audit_json(&without, &args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(item(&report, &id)["verdict"], "unmeasured");
    assert_eq!(report["actions"]["confirmed"], 0);
}
