//! Hostile input: pages shaped to crash or exhaust extraction are read in
//! bounded time, without a panic, and the honest rating beside them is still found.

use std::time::{Duration, Instant};

use super::common::hostile_pages;
use super::common::{Scratch, TestServer, assert_valid_report, centricity, check, success_json};

#[test]
fn hostile_pages_are_read_in_bounded_time_and_keep_the_control_rating() {
    for (name, page) in hostile_pages::all(1) {
        let started = Instant::now();
        let found = std::panic::catch_unwind(|| centricity::extract::extract_html(&page))
            .unwrap_or_else(|_| panic!("{name}: extraction panicked"));
        let took = started.elapsed();
        // Generous for a loaded debug build; the naive extractor took minutes or crashed.
        assert!(took < Duration::from_secs(10), "{name}: {took:?}");
        assert!(
            found
                .ratings
                .iter()
                .any(|r| (r.value - 4.2).abs() < 1e-9 && r.rating_count == Some(17)),
            "{name}: the control rating was lost: {:?}",
            found.ratings
        );
    }
}

#[test]
fn a_page_nested_too_deep_is_flattened_and_says_so() {
    let found = centricity::extract::extract_html(&hostile_pages::deep_nesting(2_000));
    assert!(
        found.repairs.contains(&centricity::extract::FLATTENED),
        "{:?}",
        found.repairs
    );
    let shallow = centricity::extract::extract_html(hostile_pages::CONTROL_RATING);
    assert!(shallow.repairs.is_empty(), "{:?}", shallow.repairs);
}

#[test]
fn shared_items_are_read_once_not_copied_per_path() {
    // 3^40 paths through the items: only sharing finishes, and the nested
    // aggregate ratings' hosts are still read (none of them has a value, so none is reported).
    let found = centricity::extract::extract_html(&hostile_pages::multi_property_microdata(40));
    assert_eq!(found.ratings.len(), 1, "{:?}", found.ratings);
    let chain = centricity::extract::extract_html(&hostile_pages::reference_chain(60));
    assert_eq!(chain.ratings.len(), 1, "{:?}", chain.ratings);
}

/// The binary as a plain process (to signal it or watch its memory), with a clean environment.
fn spawnable() -> std::process::Command {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("centricity"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
}

/// Runs `command` to the end and returns its output with its own peak resident memory in MB:
/// the kernel's high-water mark of the program it runs (`VmHWM`), read while it runs. (The
/// rusage of a spawned child would count the test process's memory it shared before exec.)
fn run_measured(command: &mut std::process::Command) -> (std::process::Output, f64) {
    let child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let watcher = std::thread::spawn(move || {
        let mut peak_kb = 0.0_f64;
        // The status of a process that has exited has no VmHWM line: that ends the watch.
        while let Some(kb) = std::fs::read_to_string(&status).ok().and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        }) {
            peak_kb = peak_kb.max(kb);
            std::thread::sleep(Duration::from_millis(5));
        }
        peak_kb / 1024.0
    });
    let output = child.wait_with_output().unwrap();
    (output, watcher.join().unwrap())
}

/// Whether any process on the machine was started with exactly these arguments.
fn process_running(args: &[&str]) -> bool {
    let wanted: Vec<u8> = args.iter().flat_map(|a| a.bytes().chain([0])).collect();
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .any(|entry| std::fs::read(entry.path().join("cmdline")).is_ok_and(|c| c == wanted))
}

/// The checks both hostile audits share: a healthy page that must still be scored, and a
/// plug-in whose own child (`sleep MARKER`) must die with it.
fn control_and_stuck_plugin(
    server: &TestServer,
    scratch: &Scratch,
    marker: u32,
    extra: &str,
) -> String {
    scratch.plugin(
        "stuck.sh",
        &format!("sleep {marker} &\nsleep {}", marker + 1),
    );
    format!(
        "[[check]]\nid = \"control\"\nkind = \"http\"\nurl = \"{}\"\nsamples = 1\n\n\
         [[check]]\nid = \"stuck-plugin\"\nkind = \"exec\"\ncategory = \"feedback\"\ncommand = [\"sh\", \"stuck.sh\"]\n{extra}\n",
        server.url("/ok")
    )
}

#[test]
fn a_hostile_audit_ends_on_time_names_each_reason_and_scores_the_control() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    let hostile: Vec<String> = hostile_pages::all(1)
        .iter()
        .map(|(name, _)| format!("\"{}\"", server.url(&format!("/hostile/{name}/1"))))
        .collect();
    let audit = scratch.audit(&format!(
        r#"{shared}

[[check]]
id = "deep-a"
kind = "reviews"
sources = ["{deep}"]
delay = "10ms"
timeout = "5s"

[[check]]
id = "deep-b"
kind = "reviews"
sources = ["{deep}"]
delay = "10ms"
timeout = "5s"

[[check]]
id = "shapes"
kind = "reviews"
sources = [{hostile}]
delay = "10ms"
timeout = "5s"

[[check]]
id = "slow-crawl"
kind = "contact-reach"
start = "{slow}"
delay = "10ms"
timeout = "3s"
"#,
        shared = control_and_stuck_plugin(&server, &scratch, 4711, "timeout = \"2s\""),
        deep = server.url("/hostile/deep-nesting/100"),
        hostile = hostile.join(", "),
        slow = server.url("/slow-site"),
    ));
    let store = scratch.path("history.db");
    let started = Instant::now();
    let (output, peak_mb) = run_measured(
        spawnable()
            .args(["audit", "--format", "json", "--no-progress", "--store"])
            .arg(&store)
            .arg(&audit),
    );
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr:\n{stderr}"));
    assert_valid_report(&report);
    // The longest timeout is 5 s; a second more for start-up and the report.
    assert!(took < Duration::from_secs(6), "the audit took {took:?}");
    eprintln!("the hostile audit: {took:?}, peak RSS {peak_mb:.0} MB");
    assert!((1.0..200.0).contains(&peak_mb), "peak RSS {peak_mb} MB");

    assert!(
        check(&report, "control")["score"].as_f64().is_some(),
        "{report}"
    );
    for id in ["deep-a", "deep-b", "shapes"] {
        // Read, not timed out: the attack pages cost their size, and the honest rating beside each is found.
        let found = check(&report, id);
        assert!(found["score"].as_f64().is_some(), "{id}: {found}");
    }
    let crawl = check(&report, "slow-crawl");
    assert!(
        crawl["error"].is_null(),
        "the crawl lost what it found: {crawl}"
    );
    assert!(crawl.to_string().contains("care@example.test"), "{crawl}");
    assert!(crawl.to_string().contains("time ran out"), "{crawl}");
    let plugin = check(&report, "stuck-plugin");
    assert!(
        plugin["error"].as_str().unwrap_or("").contains("timed out"),
        "{plugin}"
    );
    // The plug-in's own child went with it.
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !process_running(&["sleep", "4711"]),
        "the plug-in's child survived the timeout"
    );

    let history = success_json(
        centricity()
            .args(["history", "--format", "json", "--store"])
            .arg(&store),
    );
    assert_eq!(history.as_array().map(Vec::len), Some(1), "{history}");
}

#[test]
fn control_text_from_a_plug_in_is_shown_escaped_in_every_human_format() {
    let scratch = Scratch::new();
    // ESC sequences (OSC title, clear screen), BEL, NUL, a right-to-left override and
    // XML's forbidden U+FFFE/U+FFFF, as JSON escapes so the script itself stays plain.
    let message = r"Owned\u001b]0;pwned\u0007\u001b[2J\u0000 \u202eexe.pdf \ufffe\uffff";
    scratch.plugin(
        "evil.sh",
        &format!(
            "cat <<'EOF'\n{{\"score\": 40, \"findings\": [{{\"severity\": \"fail\", \"message\": \"{message}\", \"recommendation\": \"Fix\\u001b[31m it\"}}]}}\nEOF"
        ),
    );
    let audit = scratch.audit(
        "[[check]]\nid = \"evil\"\nkind = \"exec\"\ncategory = \"feedback\"\ncommand = [\"sh\", \"evil.sh\"]\n",
    );
    for format in ["table", "markdown", "junit", "csv"] {
        let output = centricity()
            .args([
                "audit",
                "--no-store",
                "--no-progress",
                "--color",
                "never",
                "--format",
                format,
            ])
            .arg(&audit)
            .output()
            .unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        let raw: Vec<char> = text
            .chars()
            .filter(|c| {
                (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
                    || matches!(c, '\u{202E}' | '\u{FFFE}' | '\u{FFFF}')
            })
            .collect();
        assert!(
            raw.is_empty(),
            "{format}: raw control text {raw:?} in\n{text}"
        );
        assert!(
            text.contains("Owned"),
            "{format}: the finding is gone:\n{text}"
        );
        if format != "junit" && format != "csv" {
            assert!(
                text.contains(r"\u{1b}"),
                "{format}: not shown escaped:\n{text}"
            );
        }
    }
}

#[test]
fn a_drafted_audit_holds_only_the_checks_centricity_chose() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    centricity()
        .arg("init")
        .arg(scratch.dir.path())
        .args(["--site", &server.url("/evil-site"), "--delay", "5ms"])
        .assert()
        .success();
    let path = scratch.path("centricity.toml");
    let drafted = std::fs::read_to_string(&path).unwrap();
    let audit = centricity::audit::parse(&drafted, &path)
        .unwrap_or_else(|e| panic!("the draft is not a valid audit:\n{e}\n{drafted}"));
    let ids: Vec<&str> = audit.checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["home-page", "contact-reach", "ratings"], "{drafted}");
    assert!(
        audit.checks.iter().all(|c| c.params.kind().name != "exec"),
        "{drafted}"
    );
    // What the site said is still there, as text.
    assert!(drafted.contains("touch pwned"), "{drafted}");
}

/// Everything a process printed, stdout then stderr.
fn printed(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn store_secrets_never_reach_help_errors_or_file_names() {
    let scratch = Scratch::new();
    for args in [
        vec!["audit", "--help"],
        vec!["history", "--help"],
        vec!["compare", "--help"],
    ] {
        let output = centricity()
            .env(
                "CENTRICITY_STORE",
                "postgres://ci:Pa55-in-env@db.example/runs",
            )
            .args(&args)
            .output()
            .unwrap();
        let text = printed(&output);
        assert!(
            !text.contains("Pa55-in-env"),
            "{args:?} shows the store's password:\n{text}"
        );
    }
    for url in [
        "postgres://ci:Pa55-bad@127.0.0.1:99999/runs",
        "postgres://ci:Pa55-bad@[::1/runs",
        "postgres://ci:Pa55-bad@h1,h2:x/runs",
        "postgres://ci@/runs?password=Pa55-bad&host=",
        "host=127.0.0.1 port=1 password=Pa55-bad dbname=runs",
    ] {
        let output = centricity()
            .current_dir(scratch.dir.path())
            .args(["history", "--store", url])
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap();
        let text = printed(&output);
        assert!(!output.status.success(), "{url}: accepted?\n{text}");
        assert!(
            !text.contains("Pa55-bad"),
            "{url} echoed with its password:\n{text}"
        );
    }
    // No store was created under a name made of the connection string.
    let left: Vec<_> = std::fs::read_dir(scratch.dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn ctrl_c_reports_what_finished_within_a_second_and_takes_the_plug_ins_down() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    let audit = scratch.audit(&format!(
        r#"{shared}

[[check]]
id = "deep"
kind = "reviews"
sources = ["{deep}", "{deep}", "{deep}"]
delay = "10ms"
"#,
        shared = control_and_stuck_plugin(&server, &scratch, 4721, ""),
        deep = server.url("/hostile/deep-nesting/300"),
    ));
    let child = spawnable()
        .args(["audit", "--no-store", "--no-progress", "--format", "json"])
        .arg(&audit)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Until the plug-in's child runs: then the audit is surely under way.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !process_running(&["sleep", "4721"]) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: signals the child this test started.
    unsafe { libc::kill(pid, libc::SIGINT) };
    let interrupted = Instant::now();
    let output = child.wait_with_output().unwrap();
    let took = interrupted.elapsed();
    assert!(
        took < Duration::from_millis(1_500),
        "exited {took:?} after Ctrl-C"
    );
    // 4 (incomplete), or 1 when not even the control check had finished on a loaded machine.
    assert!(
        matches!(output.status.code(), Some(1 | 4)),
        "{:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["complete"], false);
    assert!(
        check(&report, "stuck-plugin")["error"]
            .as_str()
            .unwrap_or("")
            .contains("interrupted"),
        "{report}"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !process_running(&["sleep", "4721"]),
        "the plug-in's child survived Ctrl-C"
    );
}
