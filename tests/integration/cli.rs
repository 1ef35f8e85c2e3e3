//! The command line as users and CI jobs meet it: commands, outputs, exit codes.

use predicates::prelude::*;

use crate::common::{Scratch, assert_valid_report, audit_json, centricity, check, repo_path};

fn example() -> std::path::PathBuf {
    repo_path("fixtures/acme/centricity.toml")
}

fn plugin_check(scratch: &Scratch, id: &str, category: &str, json: &str) -> String {
    scratch.plugin(&format!("{id}.sh"), &format!("cat <<'JSON'\n{json}\nJSON"));
    format!(
        "[[check]]\nid = \"{id}\"\nkind = \"exec\"\ncategory = \"{category}\"\ncommand = [\"sh\", \"{id}.sh\"]\n\n"
    )
}

#[test]
fn help_documents_commands_and_exit_codes() {
    centricity().arg("--help").assert().success().stdout(
        predicate::str::contains("audit").and(predicate::str::contains("4  the run is incomplete")),
    );
    centricity()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("centricity {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn the_example_audit_runs_offline_and_fills_every_category() {
    let (code, report, stderr) = audit_json(&example(), &["--offline"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["complete"], true);
    for category in report["categories"].as_array().unwrap() {
        assert!(
            category["score"].is_number(),
            "category {} not scored",
            category["id"]
        );
        assert_eq!(category["coverage"], 1.0);
    }
    // Every check in the example is scored and traced to evidence.
    for c in report["checks"].as_array().unwrap() {
        assert!(c["score"].is_number(), "{c}");
        assert!(
            !c["evidence"].as_array().unwrap().is_empty(),
            "{} has no evidence",
            c["id"]
        );
    }
    // The table shows the same overall score as the JSON.
    let table = centricity()
        .args(["audit"])
        .arg(example())
        .arg("--offline")
        .output()
        .unwrap();
    let overall = format!("overall {:.1}", report["score"].as_f64().unwrap());
    assert!(
        String::from_utf8_lossy(&table.stdout).contains(&overall),
        "table lacks {overall}"
    );
}

#[test]
fn several_formats_in_one_run_each_to_its_place() {
    let scratch = Scratch::new();
    let (json, csv, md) = (
        scratch.path("r.json"),
        scratch.path("r.csv"),
        scratch.path("r.md"),
    );
    let output = centricity()
        .args(["audit"])
        .arg(example())
        .args(["--offline", "--format", "json", "--output"])
        .arg(&json)
        .args(["--format", "csv", "--output"])
        .arg(&csv)
        .args(["--format", "table", "--format", "markdown", "--output"])
        .arg(&md)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("Acme Telecom — overall"),
        "the table goes to stdout"
    );
    assert!(!stdout.contains("\u{1b}["), "no colour off a terminal");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_valid_report(&report);
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .starts_with("## Customer-centricity audit: Acme Telecom")
    );
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header,
        [
            "level",
            "id",
            "title",
            "category",
            "kind",
            "channel",
            "status",
            "score",
            "grade",
            "weight",
            "coverage",
            "key_metric",
            "key_value",
            "key_unit",
            "top_finding",
            "recommendation",
            "points"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let checks = report["checks"].as_array().unwrap().len();
    let channels = report["categories"][0]["channels"].as_array().unwrap();
    let actions = report["top_actions"].as_array().unwrap().len();
    assert!(actions > 0, "the example has checks below 100");
    assert_eq!(
        rows.len(),
        1 + 5 + channels.len() + checks + actions,
        "overall + 5 categories + one row per responsiveness channel + one row per check + one per top action"
    );
    // Each action row carries the points raising its check to 100 adds, most first.
    let points: Vec<f64> = (rows.iter().filter(|r| &r[0] == "action"))
        .map(|r| r[16].parse().unwrap())
        .collect();
    assert_eq!(points.len(), actions);
    assert!(points.windows(2).all(|w| w[0] >= w[1]), "{points:?}");
    // The channel rows follow their category and carry the unanswered contacts (the example's
    // mystery log has one phone call that never reached a person).
    let phone = rows
        .iter()
        .find(|r| &r[0] == "channel" && &r[1] == "phone")
        .unwrap();
    assert_eq!(
        (&phone[11], &phone[12], &phone[13]),
        ("unanswered", "1", "of 3 contacts")
    );
    assert_eq!(&rows[1][0], "category");
    assert_eq!(&rows[2][0], "channel");
    assert_eq!(
        &rows[0][7],
        format!("{:.1}", report["score"].as_f64().unwrap())
    );
}

#[test]
fn output_options_must_follow_their_format() {
    centricity()
        .args(["audit"])
        .arg(example())
        .args(["--output", "x.json", "--format", "json"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("comes before any --format"));
    centricity()
        .args(["audit"])
        .arg(example())
        .args(["--format", "json", "--format", "csv"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("only one format can go to stdout"));
}

#[test]
fn scraped_text_is_neutralised_in_csv_and_escaped_in_markdown() {
    let scratch = Scratch::new();
    let hostile = r#"{"score": 40, "findings": [{"severity": "fail", "message": "=HYPERLINK(\"http://evil.test\",\"click\") | <script>alert(1)</script>", "recommendation": "@SUM(A1:A9);=1+1; -2+3"}]}"#;
    let audit = scratch.audit(&plugin_check(&scratch, "hostile", "reputation", hostile));
    let csv = centricity()
        .arg("audit")
        .arg(&audit)
        .args(["--format", "csv", "--allow-incomplete"])
        .output()
        .unwrap();
    let mut reader = csv::Reader::from_reader(&csv.stdout[..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let row = rows.iter().find(|r| &r[1] == "hostile").unwrap();
    assert!(
        row[14].starts_with("'=HYPERLINK("),
        "finding cell not neutralised: {:?}",
        &row[14]
    );
    assert_eq!(&row[15], "'@SUM(A1:A9);'=1+1; '-2+3");
    // A spreadsheet set to split on `;` (Europe's default) or tab sees no formula either.
    for delimiter in [b';', b'\t', b','] {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(&csv.stdout[..]);
        for record in reader.records() {
            for field in record.unwrap().iter() {
                let field = field.trim_start();
                let formula = field.starts_with(['=', '+', '@'])
                    || (field.starts_with('-') && field.parse::<f64>().is_err());
                assert!(!formula, "split on {:?}: {field:?}", delimiter as char);
            }
        }
    }
    let md = centricity()
        .arg("audit")
        .arg(&audit)
        .args(["--format", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(!md.contains("<script>"), "{md}");
    assert!(md.contains("&lt;script&gt;") && md.contains("\\|"), "{md}");
}

#[test]
fn exit_codes_follow_the_contract() {
    let scratch = Scratch::new();
    let good = plugin_check(&scratch, "good", "feedback", r#"{"score": 64}"#);
    scratch.plugin("bad.sh", "exit 1");
    let bad = "[[check]]\nid = \"bad\"\nkind = \"exec\"\ncategory = \"frontline\"\ncommand = [\"sh\", \"bad.sh\"]\n";

    let all_good = scratch.write("good.toml", &format!("[audit]\nname = \"T\"\n{good}"));
    centricity().arg("audit").arg(&all_good).assert().code(0);
    centricity()
        .arg("audit")
        .arg(&all_good)
        .args(["--fail-under", "64"])
        .assert()
        .code(0);
    centricity()
        .arg("audit")
        .arg(&all_good)
        .args(["--fail-under", "70"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "overall score 64.0 is below --fail-under 70",
        ));

    let mixed = scratch.write("mixed.toml", &format!("[audit]\nname = \"T\"\n{good}{bad}"));
    centricity()
        .arg("audit")
        .arg(&mixed)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("incomplete: bad"));
    centricity()
        .arg("audit")
        .arg(&mixed)
        .arg("--allow-incomplete")
        .assert()
        .code(0);
    centricity()
        .arg("audit")
        .arg(&mixed)
        .args(["--fail-under", "90"])
        .assert()
        .code(2);

    let all_bad = scratch.write("bad.toml", &format!("[audit]\nname = \"T\"\n{bad}"));
    centricity()
        .arg("audit")
        .arg(&all_bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nothing could be scored"));

    centricity()
        .arg("audit")
        .arg(scratch.path("none.toml"))
        .assert()
        .code(3);
}

#[test]
fn only_and_skip_choose_the_checks() {
    let scratch = Scratch::new();
    let checks = format!(
        "{}{}",
        plugin_check(&scratch, "one", "feedback", r#"{"score": 10}"#),
        plugin_check(&scratch, "two", "feedback", r#"{"score": 90}"#)
    );
    let audit = scratch.audit(&checks);
    let (_, only, _) = audit_json(&audit, &["--only", "two"]);
    assert_eq!(check(&only, "one")["status"], "skipped");
    assert_eq!(only["categories"][3]["score"], 90.0);
    let (_, skip, _) = audit_json(&audit, &["--skip", "two"]);
    assert_eq!(skip["categories"][3]["score"], 10.0);
    centricity()
        .arg("audit")
        .arg(&audit)
        .args(["--only", "three"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("no check `three`").and(predicate::str::contains("one, two")),
        );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let colored = centricity()
        .arg("audit")
        .arg(example())
        .args(["--offline", "--color", "always"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&colored.stdout).contains("\u{1b}["));
    let plain = centricity()
        .arg("audit")
        .arg(example())
        .args(["--offline"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("\u{1b}["));
    // A file never gets colour, even with --color always.
    let scratch = Scratch::new();
    let file = scratch.path("t.txt");
    centricity()
        .arg("audit")
        .arg(example())
        .args([
            "--offline",
            "--color",
            "always",
            "--format",
            "table",
            "--output",
        ])
        .arg(&file)
        .assert()
        .code(0);
    assert!(!std::fs::read_to_string(&file).unwrap().contains("\u{1b}["));
}

#[test]
fn init_writes_a_starter_that_validates_and_never_overwrites() {
    let scratch = Scratch::new();
    centricity()
        .arg("init")
        .arg(scratch.dir.path())
        .assert()
        .success();
    let file = scratch.path("centricity.toml");
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("[[check]]")
    );
    // Skipping its only check runs nothing: exit 1 (nothing scored), not 3 (invalid).
    centricity()
        .arg("audit")
        .arg(&file)
        .args(["--skip", "contact-page"])
        .assert()
        .code(1);
    centricity()
        .arg("init")
        .arg(scratch.dir.path())
        .assert()
        .code(3)
        .stderr(predicate::str::contains("--force"));
    centricity()
        .arg("init")
        .arg(scratch.dir.path())
        .arg("--force")
        .assert()
        .success();
}

#[test]
fn init_makes_the_folder_it_is_given() {
    let scratch = Scratch::new();
    let folder = scratch.path("my-client/");
    centricity().arg("init").arg(&folder).assert().success();
    assert!(folder.join("centricity.toml").is_file());
}

/// Beside the audit file, the files a consultant fills in; filled, the survey form imports
/// back; a second init keeps them as they were filled.
#[test]
fn init_writes_the_templates_a_consultant_fills_in_and_never_overwrites_them() {
    let scratch = Scratch::new();
    let folder = scratch.path("client");
    centricity().arg("init").arg(&folder).assert().success();
    for file in [
        "mystery-log.csv",
        "mystery-log.example.csv",
        "surveys/feedback-loop.csv",
        "surveys/feedback-loop.answers.csv",
        "surveys/frontline.csv",
        "surveys/frontline.answers.csv",
    ] {
        assert!(folder.join(file).is_file(), "no {file}");
    }
    // One respondent fills the form's first question, as its answers sheet says.
    let form = folder.join("surveys/feedback-loop.csv");
    let header = std::fs::read_to_string(&form).unwrap();
    let answers =
        std::fs::read_to_string(folder.join("surveys/feedback-loop.answers.csv")).unwrap();
    assert!(
        answers.contains("one of: Yes | No | Don't know"),
        "{answers}"
    );
    let columns = csv::Reader::from_reader(header.as_bytes())
        .headers()
        .unwrap()
        .len();
    let filled = format!(
        "{header}r1,2026-11-20,Sales,Yes{}\n",
        ",".repeat(columns.saturating_sub(4))
    );
    std::fs::write(&form, &filled).unwrap();
    let imported = centricity()
        .args(["survey", "import"])
        .arg(&form)
        .args(["--questionnaire", "feedback-loop", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    centricity()
        .arg("init")
        .arg(&folder)
        .arg("--force")
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&form).unwrap(),
        filled,
        "a filled form was overwritten"
    );
}

#[test]
fn an_audit_without_checks_is_invalid_input_at_its_place() {
    let scratch = Scratch::new();
    let file = scratch.write("empty.toml", "[audit]\nname = \"Acme\"\n");
    centricity()
        .arg("audit")
        .arg(&file)
        .arg("--no-store")
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "empty.toml:1:1: the audit has no check",
        ));
}

#[test]
fn checks_lists_and_explains() {
    centricity().arg("checks").assert().success().stdout(
        predicate::str::contains("mystery-log").and(predicate::str::contains("contact.phone")),
    );
    centricity()
        .args(["checks", "http"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("How it is scored")
                .and(predicate::str::contains("How to improve")),
        );
    centricity()
        .args(["checks", "contact.email"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Source: Toister"));
    centricity().args(["checks", "nope"]).assert().code(3);
}

#[test]
fn shell_completions_are_generated() {
    centricity()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("centricity"));
}

#[test]
fn ctrl_c_reports_what_finished_and_marks_the_run_incomplete() {
    let scratch = Scratch::new();
    scratch.plugin("slow.sh", "sleep 30; echo '{\"score\": 1}'");
    let checks = format!(
        "{}[[check]]\nid = \"slow\"\nkind = \"exec\"\ncategory = \"reach\"\ncommand = [\"sh\", \"slow.sh\"]\n",
        plugin_check(&scratch, "quick", "feedback", r#"{"score": 77}"#)
    );
    let audit = scratch.audit(&checks);
    let out = scratch.path("report.json");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("centricity"))
        .arg("audit")
        .arg(&audit)
        .args(["--format", "json", "--output"])
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once the quick check has had time to finish.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(4));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_valid_report(&report);
    assert_eq!(report["complete"], false);
    assert_eq!(check(&report, "quick")["score"], 77.0);
    assert_eq!(
        check(&report, "slow")["error"],
        "interrupted before it finished"
    );
}

#[test]
fn csv_is_ready_for_a_slide() {
    let csv = |extra: &[&str]| {
        let output = centricity()
            .arg("audit")
            .arg(example())
            .args(["--offline", "--no-store"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        output.stdout
    };
    let rows = csv(&["--format", "csv"]);
    assert!(
        rows.starts_with("\u{feff}level,".as_bytes()),
        "no byte-order mark"
    );
    assert!(!csv(&["--format", "csv", "--csv-bom=false"]).starts_with("\u{feff}".as_bytes()));
    let text = String::from_utf8(rows).unwrap();
    let line = |prefix: &str| {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap()
            .to_string()
    };
    // Shares are percentages, not 0.7142857142857143; coverage too, not 1.000.
    assert!(line("overall,").contains(",100%,"), "{}", line("overall,"));
    let email = line("check,support-email,");
    assert!(email.contains(",response_rate,50%,%,"), "{email}");
    // A channel row's title is the channel, not the ids of the checks that measured it.
    assert!(line("channel,web,").starts_with("channel,web,web,"));
    let matrix = String::from_utf8(csv(&["--format", "csv-matrix", "--csv-bom=false"])).unwrap();
    let lines: Vec<&str> = matrix.lines().collect();
    assert_eq!(lines.len(), 2, "{matrix}");
    assert!(
        lines[0].starts_with("audit,site,date,overall,grade,coverage,confidence,responsiveness,")
    );
    assert!(lines[0].contains(",channel_phone,"));
    assert!(lines[1].starts_with("Acme Telecom,https://www.acme.example,"));
    assert_eq!(lines[0].split(',').count(), lines[1].split(',').count());
}

#[test]
fn tables_fit_the_terminal_and_verbose_shows_errors_in_full() {
    let scratch = Scratch::new();
    let words = "the plug-in could not reach the survey tool ".repeat(4);
    scratch.plugin(
        "broken.sh",
        &format!("echo '{words} END-OF-ERROR' >&2; exit 1"),
    );
    let audit = scratch.audit(
        "[[check]]\nid = \"broken\"\nkind = \"exec\"\ncategory = \"feedback\"\ncommand = [\"sh\", \"broken.sh\"]\n",
    );
    let table = |verbose: bool| {
        let mut cmd = centricity();
        cmd.env("COLUMNS", "80")
            .arg("audit")
            .arg(&audit)
            .arg("--no-store");
        if verbose {
            cmd.arg("-v");
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    let short = table(false);
    let widest = short.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest <= 80, "a line of {widest} characters:\n{short}");
    assert!(!short.contains("END-OF-ERROR"), "{short}");
    let full = table(true);
    assert!(full.contains("END-OF-ERROR"), "{full}");
    assert!(full.lines().all(|l| l.chars().count() <= 80), "{full}");
}

#[test]
fn checks_lines_up_its_columns_within_80_columns() {
    let out = centricity().arg("checks").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for line in text.lines() {
        assert!(
            line.chars().count() <= 80,
            "wider than 80 columns: {line:?}"
        );
    }
    // In each section, every row's description starts in one column, and so does every line it
    // wraps onto: the kinds' names, however long, never push it out of line.
    for section in text.split("\n\n") {
        let mut starts = std::collections::BTreeSet::new();
        for line in section.lines().skip_while(|l| !l.starts_with("  ")) {
            let indent = line.len() - line.trim_start().len();
            let start = if indent == 2 {
                line.rfind("  ").map_or(0, |at| at + 2)
            } else {
                indent
            };
            starts.insert(start);
        }
        assert_eq!(starts.len(), 1, "columns out of line:\n{section}");
    }
    assert!(text.contains("  contact-reach  How easily"), "{text}");
}

#[test]
fn every_store_option_says_it_takes_sqlite_or_postgresql() {
    for command in [
        &["audit"][..],
        &["portfolio"],
        &["rank"],
        &["probe", "send"],
        &["probe", "classify"],
        &["history"],
        &["compare"],
        &["report"],
    ] {
        let out = centricity().args(command).arg("--help").output().unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            help.contains("--store <URL> History store: a SQLite file, sqlite:PATH, or a PostgreSQL URL postgres://user@host/db [default: "),
            "{command:?}: {help}"
        );
    }
}

#[test]
fn long_running_commands_take_no_progress_and_quiet() {
    use clap::Parser;
    for command in [
        &["audit", "a.toml"][..],
        &["portfolio", "c.csv", "--template", "t.toml"],
        &["probe", "send", "a.toml"],
        &["reviews", "extract", "page.html"],
        &["merge", "shard.json"],
        &["survey", "import", "e.csv", "--questionnaire", "frontline"],
        &["init", "--site", "https://example.test"],
    ] {
        let args = [&["centricity"], command, &["--no-progress", "-q"]].concat();
        let parsed = centricity::cli::Cli::try_parse_from(&args);
        let cli = parsed.unwrap_or_else(|e| panic!("{command:?}: {e}"));
        assert!(cli.no_progress && cli.quiet, "{command:?}");
    }
}

#[test]
fn a_portfolio_without_progress_still_says_how_it_went() {
    let scratch = Scratch::new();
    scratch.plugin("check.sh", "echo '{\"score\": 70}'");
    scratch.write(
        "template.toml",
        "[audit]\nname = \"{name}\"\n\n[[check]]\nid = \"plug\"\nkind = \"exec\"\ncategory = \"feedback\"\ncommand = [\"sh\", \"check.sh\"]\n",
    );
    scratch.write("companies.csv", "name\nAlpha\nBeta\n");
    let run = |extra: &[&str]| {
        let out = centricity()
            .arg("portfolio")
            .arg(scratch.path("companies.csv"))
            .arg("--template")
            .arg(scratch.path("template.toml"))
            .args(["--no-store", "--allow-incomplete", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let chatty = run(&[]);
    assert!(chatty.contains("[1 done, 0 failed]"), "{chatty}");
    assert!(chatty.contains("2 companies in"), "{chatty}");
    let calm = run(&["--no-progress"]);
    assert!(!calm.contains("done,"), "{calm}");
    assert!(calm.contains("2 companies in"), "{calm}");
    assert_eq!(run(&["-q"]), "");
}

/// A mystery log as Excel writes it: local times without offset, read in `[audit] timezone`;
/// day-first dates only with `date_order = "dmy"`; without a zone, or at a time the clocks
/// skipped, exit 3 at the cell.
#[test]
fn a_log_with_excel_times_is_read_in_the_audit_time_zone() {
    let scratch = Scratch::new();
    let audit = |audit_keys: &str, log: &str| {
        scratch.write("log.csv", log);
        scratch.write(
            "centricity.toml",
            &format!(
                "[audit]\nname = \"Excel Co\"\n{audit_keys}\n[[check]]\nid = \"log\"\nkind = \"mystery-log\"\nfile = \"log.csv\"\n"
            ),
        )
    };
    let header = "channel,contact_id,sent_at,first_human_response_at\n";
    let excel = format!("{header}phone,c1,2026-11-18 17:45,2026-11-18 18:15\n");
    // No zone: the cell, and what to set.
    let file = audit("", &excel);
    let out = centricity().arg("audit").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("row 2, column `sent_at`") && stderr.contains("set `timezone` in [audit]"),
        "{stderr}"
    );
    assert!(!stderr.contains("the audit has no check"), "{stderr}");
    // In Paris: half an hour to a person.
    let file = audit("timezone = \"Europe/Paris\"", &excel);
    let (_, report, stderr) = audit_json(&file, &["--no-store"]);
    let metrics = &check(&report, "log")["metrics"];
    let median = metrics
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "phone.first_human_response_median")
        .unwrap_or_else(|| panic!("{metrics}\n{stderr}"));
    assert_eq!(median["value"], 1800.0);
    // Day first only when the file says so.
    let day_first = format!("{header}phone,c1,18/11/2026 17:45,18/11/2026 18:15\n");
    let file = audit("timezone = \"Europe/Paris\"", &day_first);
    let out = centricity().arg("audit").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("date_order"));
    let file = audit(
        "timezone = \"Europe/Paris\"\ndate_order = \"dmy\"",
        &day_first,
    );
    let (_, report, _) = audit_json(&file, &["--no-store"]);
    assert!(check(&report, "log")["score"].is_number(), "{report}");
    // A time the clocks skipped (29 March 2026, 02:00 → 03:00 in Paris) is refused at its cell.
    let gap = format!("{header}phone,c1,2026-03-29 02:30,2026-03-29 04:00\n");
    let file = audit("timezone = \"Europe/Paris\"", &gap);
    let out = centricity().arg("audit").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("row 2, column `sent_at`")
            && stderr.contains("does not exist in Europe/Paris"),
        "{stderr}"
    );
    // An unknown zone is the audit file's error, at its line.
    let file = audit("timezone = \"Europe/Pariss\"", &excel);
    let out = centricity().arg("audit").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown time zone `Europe/Pariss`") && stderr.contains(":3:"),
        "{stderr}"
    );
}

#[test]
fn every_finding_carries_a_code_its_kind_documents() {
    let (code, report, stderr) = audit_json(&example(), &["--offline"]);
    assert_eq!(code, 0, "{stderr}");
    let mut coded = 0;
    let mut explained: std::collections::HashMap<String, String> = Default::default();
    for check in report["checks"].as_array().unwrap() {
        let kind = check["kind"].as_str().unwrap().to_string();
        let documented = explained.entry(kind.clone()).or_insert_with(|| {
            let out = centricity().args(["checks", &kind]).output().unwrap();
            String::from_utf8(out.stdout).unwrap()
        });
        for finding in check["findings"].as_array().unwrap() {
            let code = finding["code"]
                .as_str()
                .unwrap_or_else(|| panic!("no code: {finding}"));
            if kind != "exec" {
                assert!(
                    documented.contains(&format!("  {code}  ")),
                    "`checks {kind}` does not list {code}"
                );
            }
            coded += 1;
        }
    }
    for category in report["categories"].as_array().unwrap() {
        for finding in category["findings"].as_array().into_iter().flatten() {
            assert!(finding["code"].is_string(), "{finding}");
        }
    }
    assert!(coded >= 5, "the example raised only {coded} findings");
}
