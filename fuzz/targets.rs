//! The fuzz targets: one per parser that reads what strangers write, each a function
//! that must not panic on any input (errors are values, and are dropped). The one
//! definition of what each target does, shared by the libFuzzer binaries
//! (`fuzz/fuzz_targets/<name>.rs`, run by `scripts/fuzz.sh`) and the stable test that
//! replays every seed and every input that once crashed one (`fixtures/fuzz/<name>/`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use centricity::extract::profile::Profiles;
use centricity::survey::import::{self, Layout};
use centricity::survey::questionnaire::{self, Questionnaire};

/// A parser under test: its name is its libFuzzer binary's and its folders'.
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
}

pub const TARGETS: &[Target] = &[
    Target {
        name: "audit-file",
        run: audit_file,
    },
    Target {
        name: "mystery-log",
        run: mystery_log,
    },
    Target {
        name: "action-plan",
        run: action_plan,
    },
    Target {
        name: "survey-import",
        run: survey_import,
    },
    Target {
        name: "interview-file",
        run: interview_file,
    },
    Target {
        name: "extract-html",
        run: extract_html,
    },
    Target {
        name: "jsonld-repair",
        run: jsonld_repair,
    },
    Target {
        name: "site-profiles",
        run: site_profiles,
    },
    Target {
        name: "saved-evidence",
        run: saved_evidence,
    },
    Target {
        name: "email-replies",
        run: email_replies,
    },
    Target {
        name: "reply-signals",
        run: reply_signals,
    },
    Target {
        name: "portfolio-companies",
        run: portfolio_companies,
    },
    Target {
        name: "robots-txt",
        run: robots_txt,
    },
    Target {
        name: "history-jsonl",
        run: history_jsonl,
    },
    Target {
        name: "shard-json",
        run: shard_json,
    },
    Target {
        name: "store-url",
        run: store_url,
    },
    Target {
        name: "svg-logo",
        run: svg_logo,
    },
];

/// `path` in the repository (the fuzz crate is its `fuzz/` folder).
pub fn repo(path: &str) -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = if env!("CARGO_PKG_NAME") == "centricity-fuzz" {
        manifest.parent().unwrap_or(manifest)
    } else {
        manifest
    };
    root.join(path)
}

/// Each target's seed files and folders, as `fuzz/seeds.txt` lists them.
pub fn seeds(target: &Target) -> Vec<&'static str> {
    include_str!("seeds.txt")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once(' '))
        .filter(|(name, _)| *name == target.name)
        .flat_map(|(_, paths)| paths.split_whitespace())
        .collect()
}

/// The files a target starts from: its seeds, then every input it once crashed on.
pub fn inputs(target: &Target) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for seed in seeds(target) {
        collect_files(&repo(seed), &mut files);
    }
    collect_files(&repo(&format!("fixtures/fuzz/{}", target.name)), &mut files);
    files
}

fn collect_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_path_buf());
    } else if let Ok(entries) = std::fs::read_dir(path) {
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for entry in entries {
            collect_files(&entry, out);
        }
    }
}

fn text(input: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(input)
}

pub fn audit_file(input: &[u8]) {
    let _ = centricity::audit::parse(&text(input), Path::new("fuzz.toml"));
}

pub fn mystery_log(input: &[u8]) {
    // Local times read in a zone with daylight saving, day first, as a consultant's Excel writes.
    let times = centricity::local_time::LocalTimes {
        zone: "Europe/Paris".parse().ok(),
        order: centricity::local_time::DateOrder::DayFirst,
    };
    let _ = centricity::kinds::mystery_log::read_log(input, Path::new("fuzz.csv"), &times);
}

pub fn action_plan(input: &[u8]) {
    // Whatever a spreadsheet saved, read without a panic, and what was read writes back.
    if let Ok(rows) = centricity::actions::read(input, Path::new("fuzz.csv")) {
        let _ = centricity::actions::to_csv(&rows, true);
    }
}

fn questionnaires() -> &'static [Questionnaire] {
    static SHIPPED: OnceLock<Vec<Questionnaire>> = OnceLock::new();
    SHIPPED.get_or_init(questionnaire::shipped)
}

/// Each input is read by every questionnaire, detected and forced into a layout picked by its
/// length, with partial responses kept or not.
pub fn survey_import(input: &[u8]) {
    let layouts = <Layout as clap::ValueEnum>::value_variants();
    for q in questionnaires() {
        for layout in [None, Some(layouts[input.len() % layouts.len()])] {
            let options = import::Options {
                layout,
                include_partial: input.len().is_multiple_of(2),
                ..import::Options::default()
            };
            if let Ok(imported) = import::import(input, Path::new("fuzz.csv"), q, &options) {
                let options = centricity::survey::aggregate::Options { equal_voice: false };
                let _ = centricity::survey::aggregate::aggregate(q, &imported.rows, options);
                let _ = imported.mapped.mapping_file(q, Path::new("fuzz.csv"));
            }
        }
    }
}

pub fn interview_file(input: &[u8]) {
    for q in questionnaires() {
        let _ = centricity::survey::interview_file::read(&text(input), Path::new("fuzz.toml"), q);
    }
}

/// A portfolio's companies CSV: every row filled into the template and read as an audit file
/// (a value must never break out of its TOML string).
pub fn portfolio_companies(input: &[u8]) {
    use centricity::portfolio::{Template, read_companies_from};
    static TEMPLATE: OnceLock<Option<Template>> = OnceLock::new();
    let Some(template) =
        TEMPLATE.get_or_init(|| Template::load(&repo("fixtures/portfolio/template.toml")).ok())
    else {
        return;
    };
    let Ok((_, rows)) = read_companies_from(input, Path::new("fuzz.csv")) else {
        return;
    };
    for company in rows.flatten() {
        let filled = template.fill(&company);
        if let Ok(audit) = centricity::audit::parse(&filled, &template.path) {
            // Whatever a row holds, it lands only where its placeholder stands.
            assert_eq!(audit.checks.len(), 1, "a row added a check:\n{filled}");
        }
    }
}

pub fn extract_html(input: &[u8]) {
    let (decoded, _) = centricity::extract::charset::decode(input.to_vec(), None);
    let _ = centricity::extract::extract_html(&decoded);
    let _ = centricity::extract::visible_text(&decoded);
}

/// Every shipped profile (JSON pointers into page data, selectors, regexes) on the input, and
/// the choice of profile by the address the page states or by its content.
pub fn site_profiles(input: &[u8]) {
    static PROFILES: OnceLock<Profiles> = OnceLock::new();
    let profiles = PROFILES.get_or_init(Profiles::shipped);
    let decoded = text(input);
    for profile in profiles.iter() {
        let _ = profile.apply("https://www.trustpilot.com/review/fuzz.example", &decoded);
    }
    let address = centricity::extract::profile::stated_address(&decoded).map_or_else(
        || "file:///fuzz.html".to_string(),
        |(url, _)| url.to_string(),
    );
    let (chosen, _) = profiles.choose(&address, &decoded);
    let _ = chosen.apply(&address, &decoded);
    let _ = centricity::net::walls::recognise(input);
}

/// A reply-signals file (an email check's `signals`), read, then used to judge messages: any
/// phrase, header name or place a user writes.
pub fn reply_signals(input: &[u8]) {
    use centricity::kind::reply_probe::signals::Rules;
    let Ok(rules) = Rules::parse(&text(input), Path::new("fuzz.toml")) else {
        return;
    };
    for raw in [
        &b"From: a@b.example\r\nSubject: Re: Question\r\n\r\nHello, here is the answer.\r\n"[..],
        &b"From: MAILER-DAEMON\r\nSubject: Undeliverable\r\nContent-Type: text/html\r\n\r\n<a href=x>unsubscribe</a>\r\n"[..],
    ] {
        let _ = centricity::kind::reply_probe::judge(raw, &[], &rules);
    }
}

/// A robots.txt from any host, and the paths it is asked about.
pub fn robots_txt(input: &[u8]) {
    let robots = centricity::net::robots::Robots::parse(&text(input), "centricity");
    for path in [
        "/",
        "/review/acme.example",
        "/foo/bar/%E3%83%84",
        "/a?b=c",
        "/robots.txt",
    ] {
        let _ = robots.allows(path);
    }
}

/// Saved evidence is read back by `--offline`: parsed, then scored.
pub fn saved_evidence(input: &[u8]) {
    if let Ok(observation) = serde_json::from_slice::<centricity::kinds::Observation>(input) {
        score_with_example(&observation);
    }
}

/// Scores an observation as every check of the example audit would.
fn score_with_example(observation: &centricity::kinds::Observation) {
    static EXAMPLE: OnceLock<Option<centricity::audit::Audit>> = OnceLock::new();
    let example = EXAMPLE
        .get_or_init(|| centricity::audit::load(&repo("fixtures/acme/centricity.toml")).ok());
    let benchmarks = centricity::benchmarks::shipped();
    for spec in example.iter().flat_map(|a| &a.checks) {
        let _ = observation.score(&spec.params, benchmarks);
    }
}

/// A message in the mailbox, judged as a reply to a probe (threading, tokens, bounce/automatic/human).
pub fn email_replies(input: &[u8]) {
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
    let (Some(sent_at), Some(observed_at)) = (
        at("2026-01-05T09:00:00+01:00"),
        at("2026-01-07T09:00:00+01:00"),
    ) else {
        return;
    };
    let probe = centricity::store::Probe {
        audit: "fuzz".into(),
        check_id: "support-email".into(),
        token: "cx7fuzz".into(),
        message_id: "<probe.cx7fuzz@centricity.test>".into(),
        sent_to: "support@acme.example".into(),
        sent_at,
    };
    let header = centricity::net::mail::Header {
        uid: 1,
        received_at: Some(observed_at),
        raw: input.to_vec(),
    };
    let results = centricity::kind::reply_probe::read_replies(
        &[probe],
        &[header],
        observed_at,
        centricity::kind::reply_probe::signals::Rules::shipped(),
    );
    score_with_example(&centricity::kinds::Observation::Email(
        centricity::kind::reply_probe::EmailObservation {
            channel: "email".into(),
            observed_at,
            wait_s: 48.0 * 3600.0,
            probes: results,
        },
    ));
}

/// A JSON-LD block as pages write it (escaped twice, wrapped in comments, with trailing
/// commas, several values), in a page: repaired, then read into the page's graph.
pub fn jsonld_repair(input: &[u8]) {
    let page = format!(
        "<script type=\"application/ld+json\">{}</script>",
        text(input)
    );
    let _ = centricity::extract::extract_html(&page);
}

/// `history import`: each line a run, checked and recorded in a store (SQLite in memory) in
/// one transaction, and read back.
pub fn history_jsonl(input: &[u8]) {
    let Ok(mut store) = centricity::store::open(":memory:") else {
        return;
    };
    let mut runs = centricity::store::read_export(input, 1 << 20, "CENTRICITY_MAX_TABLE_BYTES");
    if store.import(&mut runs).is_err() {
        return;
    }
    if let Ok(listed) = store.runs(None) {
        for run in listed {
            let _ = store.report(run.id);
            let _ = store.context(run.id);
            let _ = store.probes(&run.audit, None);
        }
    }
    let _ = store.scores(None);
}

/// A shard's output read back by `merge`: ranked and written in every format.
pub fn shard_json(input: &[u8]) {
    use centricity::portfolio::rank;
    if let Ok(output) = serde_json::from_slice::<centricity::portfolio::PortfolioOutput>(input) {
        let _ = rank::table(&output);
        let _ = rank::matrix(&output);
        let _ = rank::json(&output);
    }
}

/// A store URL (`CENTRICITY_STORE`, `--store`): the backend it names, and how it is printed.
pub fn store_url(input: &[u8]) {
    let url = text(input);
    if let Ok(parsed) = centricity::store::StoreUrl::parse(&url) {
        let _ = parsed.shown();
    }
    let _ = centricity::store::redact(&url);
}

/// A logo from wherever the consultant got it, embedded in the client's report.
pub fn svg_logo(input: &[u8]) {
    if let Ok(logo) = centricity::report::presentation::Logo::read("logo.svg", input) {
        let _ = logo.data_uri();
    }
}
