//! Snapshots of every output, as the binary prints it: the report in each format (the table at
//! 80 and 140 columns), history, compare, a stored report, portfolio, rank and merge, survey
//! import, map and template, reviews extract, checks and probe classify. They pin what users
//! and other tools read while the code under them is reorganised: a changed output fails here
//! with its diff, to be accepted on purpose (CONTRIBUTING.md, "Snapshot tests").
//!
//! What varies from run to run is redacted by one function, [`normalize`]; everything else,
//! control characters made visible, is compared byte for byte.

use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;
use regex_lite::Regex;

use crate::common::{Scratch, centricity, repo_path};

/// What one command printed, and the days (UTC) it ran on: a date of those days is the run's.
struct Ran {
    command: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
    days: Vec<NaiveDate>,
}

/// Runs `centricity ARGS` in `dir` with `env` (and TZ=UTC, so local times read the same
/// everywhere), off a terminal.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Ran {
    let before = chrono::Utc::now().date_naive();
    let output = centricity()
        .current_dir(dir)
        .env("TZ", "UTC")
        .envs(env.iter().copied())
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let after = chrono::Utc::now().date_naive();
    let settings: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v} ")).collect();
    Ran {
        command: format!("{}centricity {}", settings.concat(), args.join(" ")),
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        days: if before == after {
            vec![before]
        } else {
            vec![before, after]
        },
    }
}

impl Ran {
    /// The command, its exit code, stderr and stdout, normalised.
    fn text(&self) -> String {
        self.text_with(|stdout| stdout.to_string())
    }

    /// [`Ran::text`] with stdout laid out by `layout` first (HTML one tag a line, to diff).
    fn text_with(&self, layout: impl Fn(&str) -> String) -> String {
        let text = format!(
            "$ {}\nexit: {}\n--- stderr\n{}--- stdout\n{}",
            self.command,
            self.code.map_or_else(|| "signal".into(), |c| c.to_string()),
            self.stderr,
            layout(&self.stdout)
        );
        normalize(&text, &self.days)
    }

    /// Stdout of a command that must have succeeded.
    fn ok_stdout(&self) -> &str {
        assert_eq!(self.code, Some(0), "{}\n{}", self.command, self.stderr);
        &self.stdout
    }
}

/// The one normalisation: the run's own times and dates (masked by [`mask`]), durations, the
/// "N days before this audit" that grows each day, the repository's path and the tool's version
/// are redacted; control characters (a CSV's byte-order mark, a carriage return) are shown as
/// `[U+XXXX]`, so a change to them shows.
fn normalize(text: &str, days: &[NaiveDate]) -> String {
    let mut text: String = text
        .chars()
        .map(|c| {
            if (c.is_control() && c != '\n' && c != '\t') || c == '\u{feff}' {
                format!("[U+{:04X}]", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect();
    for day in days {
        let iso = day.format("%Y-%m-%d").to_string();
        let stamp = Regex::new(&format!(
            r"{iso}([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?)?"
        ))
        .unwrap();
        text = stamp
            .replace_all(&text, |found: &regex_lite::Captures<'_>| mask(&found[0]))
            .into_owned();
        text = text.replace(&day.format("%-d %B %Y").to_string(), "[today]");
    }
    text = text.replace(env!("CARGO_MANIFEST_DIR"), "[repo]");
    let version = env!("CARGO_PKG_VERSION");
    text = text.replace(&format!("centricity {version}"), "centricity [version]");
    for (pattern, with) in [
        (r"\d+ days before this audit", "[N] days before this audit"),
        (r#""duration_ms": \d+"#, r#""duration_ms": [ms]"#),
        (r#" time="[\d.]+""#, r#" time="[s]""#),
        // Runs imported from a fixture carry the version that recorded them: redacted alike.
        (
            r#""(tool_)?version": "[^"]*""#,
            r#""${1}version": "[version]""#,
        ),
    ] {
        text = Regex::new(pattern)
            .unwrap()
            .replace_all(&text, with)
            .into_owned();
    }
    text
}

/// A time of the run as `####-##-##T##:##:##.###Z`: its shape stays, and so do the tables it
/// stands in. Nanoseconds print with 3, 6 or 9 digits as they fall, so a fraction is `.###`.
fn mask(stamp: &str) -> String {
    let stamp = Regex::new(r"\.\d+").unwrap().replace(stamp, ".000");
    stamp
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// One snapshot, named without the module prefix (`report-json.snap`).
fn check(name: &str, text: String) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// An HTML page one tag a line, so a change shows as a line of the diff, not the whole page.
fn tag_lines(html: &str) -> String {
    html.replace("><", ">\n<")
}

const ACME: &str = "fixtures/acme/centricity.toml";

/// The example audit, offline and not recorded, in `format`.
fn acme(format: &str) -> Ran {
    run(
        &repo_path(""),
        &["audit", ACME, "--offline", "--no-store", "--format", format],
        &[],
    )
}

#[test]
fn report_table_at_80_and_140_columns() {
    let root = repo_path("");
    let audit = ["audit", ACME, "--offline", "--no-store"];
    let narrow = run(&root, &audit, &[("COLUMNS", "80")]);
    let wide = run(&root, &audit, &[("COLUMNS", "140")]);
    for line in narrow.ok_stdout().lines() {
        assert!(line.chars().count() <= 80, "wider than 80 columns: {line}");
    }
    // Off a terminal, without COLUMNS, tables are laid out for a slide: 140 columns.
    assert_eq!(run(&root, &audit, &[]).ok_stdout(), wide.ok_stdout());
    check("report-table-80", narrow.text());
    check("report-table-140", wide.text());
}

#[test]
fn report_json() {
    check("report-json", acme("json").text());
}

#[test]
fn report_csv_and_csv_matrix() {
    check("report-csv", acme("csv").text());
    check("report-csv-matrix", acme("csv-matrix").text());
}

#[test]
fn report_markdown() {
    let ran = acme("markdown");
    assert_tables_render(ran.ok_stdout());
    check("report-markdown", ran.text());
}

#[test]
fn report_junit() {
    check("report-junit", acme("junit").text());
}

/// The whole page (no image is embedded: charts are inline SVG, so the text is all there is).
#[test]
fn report_html() {
    check("report-html", acme("html").text_with(tag_lines));
}

/// Every Markdown table (a delimiter row `|---…`) is one a renderer reads as a table.
fn assert_tables_render(markdown: &str) {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let written = markdown.lines().filter(|l| l.starts_with("|---")).count();
    let read = Parser::new_ext(markdown, Options::ENABLE_TABLES)
        .filter(|e| matches!(e, Event::Start(Tag::Table(_))))
        .count();
    assert_eq!(
        read, written,
        "a table whose delimiter row does not match its header"
    );
}

/// A store of the example's two recorded runs (a fixture) and a third, run now with four
/// checks skipped: scores move, checks and findings disappear, a category goes unassessed.
/// Returns what the import printed.
fn store_of_three_runs(scratch: &Scratch) -> Ran {
    let dir = scratch.dir.path();
    std::fs::copy(
        repo_path("fixtures/history/two-runs.jsonl"),
        scratch.path("two-runs.jsonl"),
    )
    .unwrap();
    let import = run(
        dir,
        &["history", "import", "two-runs.jsonl", "--store", "runs.db"],
        &[],
    );
    let audit = repo_path(ACME);
    let third = run(
        dir,
        &[
            "audit",
            audit.to_str().unwrap(),
            "--offline",
            "--store",
            "runs.db",
            "--skip",
            "contact-options,ratings,mystery-shopping,support-email",
            "--format",
            "json",
        ],
        &[],
    );
    third.ok_stdout();
    import
}

#[test]
fn history_compare_and_a_stored_run() {
    let scratch = Scratch::new();
    let dir = scratch.dir.path();
    check("history-import", store_of_three_runs(&scratch).text());
    for format in ["table", "csv", "json"] {
        let ran = run(
            dir,
            &["history", "--store", "runs.db", "--format", format],
            &[("COLUMNS", "80")],
        );
        check(&format!("history-{format}"), ran.text());
    }
    for format in ["table", "json"] {
        let ran = run(
            dir,
            &["compare", "--store", "runs.db", "--format", format],
            &[("COLUMNS", "80")],
        );
        check(&format!("compare-{format}"), ran.text());
    }
    // The other way round, the findings that disappeared are the ones that appeared.
    let reversed = run(dir, &["compare", "3", "2", "--store", "runs.db"], &[]);
    check("compare-reversed-table", reversed.text());
    // A stored run's page shows its audit's trend.
    let page = run(
        dir,
        &["report", "last", "--store", "runs.db", "--format", "html"],
        &[],
    );
    check("report-stored-html", page.text_with(tag_lines));
    // Markdown against a baseline shows each category's change.
    let audit = repo_path(ACME);
    let against = run(
        dir,
        &[
            "audit",
            audit.to_str().unwrap(),
            "--offline",
            "--store",
            "runs.db",
            "--baseline",
            "last",
            "--format",
            "markdown",
        ],
        &[],
    );
    assert_tables_render(against.ok_stdout());
    check("report-markdown-baseline", against.text());
}

/// Each company's checks are a plug-in printing the score its row gives, so the ranking is
/// known in advance: Delta's phone plug-in fails (not ranked), Epsilon has no sector, Gamma and
/// Zeta tie (ties go by name).
const TEMPLATE: &str = r#"[audit]
name = "{name}"

[scoring]
weights = { responsiveness = 50, reputation = 50, reach = 0, feedback = 0, frontline = 0 }

[[check]]
id = "phone"
kind = "exec"
category = "responsiveness"
channel = "phone"
command = ["sh", "score.sh", "{phone}"]

[[check]]
id = "chat"
kind = "exec"
category = "responsiveness"
channel = "chat"
command = ["sh", "score.sh", "{chat}"]

[[check]]
id = "reviews"
kind = "exec"
category = "reputation"
command = ["sh", "score.sh", "{reviews}"]
"#;

const SCORE_PLUGIN: &str = r#"[ "$1" = fail ] && { echo "no data" >&2; exit 1; }
printf '{"score": %s}\n' "$1"
"#;

const COMPANIES: &str = "name,sector,phone,chat,reviews
Alpha Telecom,telecom,82,75,90
Beta Mobile,telecom,40,55,61.5
Gamma Energy,energy,70,66,48
Delta Power,energy,fail,50,70
Epsilon,,95,90,88
Zeta Grid,energy,70,66,48
";

#[test]
fn portfolio_rank_and_merge() {
    let scratch = Scratch::new();
    let dir = scratch.dir.path();
    scratch.write("template.toml", TEMPLATE);
    scratch.write("score.sh", SCORE_PLUGIN);
    scratch.write("companies.csv", COMPANIES);
    let portfolio = |extra: &[&str]| {
        let args = [
            &[
                "portfolio",
                "companies.csv",
                "--template",
                "template.toml",
                "--name",
                "study",
                "--quiet",
            ],
            extra,
        ]
        .concat();
        run(dir, &args, &[])
    };
    // One at a time, so the store holds the runs in row order whatever the machine's load.
    let whole = portfolio(&["--store", "study.db", "--concurrency", "1"]);
    check("portfolio-table", whole.text());
    for format in ["table", "json", "csv-matrix"] {
        let ran = run(
            dir,
            &[
                "rank",
                "--portfolio",
                "study",
                "--store",
                "study.db",
                "--format",
                format,
            ],
            &[],
        );
        check(&format!("rank-{format}"), ran.text());
    }
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let output = format!("shard-{k}.json");
        let ran = portfolio(&[
            "--no-store",
            "--allow-incomplete",
            "--shard",
            &shard,
            "--format",
            "json",
            "--output",
            &output,
        ]);
        ran.ok_stdout();
    }
    for format in ["table", "json", "csv-matrix"] {
        let ran = run(
            dir,
            &["merge", "shard-1.json", "shard-2.json", "--format", format],
            &[],
        );
        check(&format!("merge-{format}"), ran.text());
    }
}

#[test]
fn survey_import_map_and_template() {
    let root = repo_path("");
    let export = "fixtures/surveys/google-forms.csv";
    for format in ["table", "json"] {
        let ran = run(
            &root,
            &[
                "survey",
                "import",
                export,
                "--questionnaire",
                "feedback-loop",
                "--format",
                format,
            ],
            &[("COLUMNS", "80")],
        );
        check(&format!("survey-import-{format}"), ran.text());
    }
    // LimeSurvey's abbreviated headings: matched by their start, options under their question.
    let abbreviated = "fixtures/surveys/limesurvey-headings/abbreviated-texts.csv";
    for format in ["table", "json"] {
        let ran = run(
            &root,
            &[
                "survey",
                "map",
                abbreviated,
                "--questionnaire",
                "feedback-loop",
                "--format",
                format,
            ],
            &[("COLUMNS", "80")],
        );
        check(&format!("survey-map-{format}"), ran.text());
    }
    let scratch = Scratch::new();
    let written = scratch.path("mapping.toml");
    let map = run(
        &root,
        &[
            "survey",
            "map",
            abbreviated,
            "--questionnaire",
            "feedback-loop",
            "--write-mapping",
            written.to_str().unwrap(),
        ],
        &[],
    );
    map.ok_stdout();
    let mapping = std::fs::read_to_string(&written).unwrap();
    check("survey-map-mapping-file", normalize(&mapping, &map.days));
    for questionnaire in ["feedback-loop", "frontline"] {
        for format in ["csv", "markdown"] {
            let ran = run(
                &root,
                &[
                    "survey",
                    "template",
                    "--questionnaire",
                    questionnaire,
                    "--format",
                    format,
                ],
                &[],
            );
            check(
                &format!("survey-template-{questionnaire}-{format}"),
                ran.text(),
            );
        }
    }
}

#[test]
fn reviews_extract() {
    let pages = [
        "reviews",
        "extract",
        "trustpilot-page-data.html",
        "google-play.html",
        "app-store-lookup.json",
        "bot-wall.html",
        "no-rating.html",
        "implausible-value.html",
        "jsonld-broken.html",
        "locale-numbers.html",
    ];
    let dir = repo_path("fixtures/reviews");
    let table = run(&dir, &pages, &[("COLUMNS", "80")]);
    check("reviews-extract-table", table.text());
    let json = run(&dir, &[&pages[..], &["--format", "json"]].concat(), &[]);
    check("reviews-extract-json", json.text());
}

#[test]
fn checks_list_and_explanations() {
    let root = repo_path("");
    check("checks-list", run(&root, &["checks"], &[]).text());
    check(
        "checks-kind",
        run(&root, &["checks", "mystery-log"], &[]).text(),
    );
    check(
        "checks-benchmark",
        run(&root, &["checks", "contact.phone"], &[]).text(),
    );
}

#[test]
fn probe_classify() {
    let ran = run(
        &repo_path("fixtures/mail"),
        &[
            "probe",
            "classify",
            "human-reply.eml",
            "auto-reply.eml",
            "bounce.eml",
            "replies/newsletter.eml",
            "replies/reponse-automatique.eml",
            "replies/read-receipt.eml",
            "replies/human-reply-about-a-failed-delivery.eml",
        ],
        &[],
    );
    check("probe-classify", ran.text());
}
