//! Shared test helpers: a real HTTP server on 127.0.0.1, the binary, scratch
//! audits, and schema validation.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use assert_cmd::Command;

/// The attack pages, served under `/hostile/` and measured by `benches/hostile.rs`.
#[path = "hostile_pages.rs"]
pub mod hostile_pages;

/// A real HTTP/1.1 server on loopback, one thread per connection, with routes
/// that misbehave the ways customer-facing sites do.
///
/// - `/ok`: 200 with a contact page
/// - `/delay/MS`: 200 after MS milliseconds
/// - `/status/CODE`: that status
/// - `/redirect`: 302 to `/ok`; `/loop`: 302 to itself
/// - `/hang`: reads the request and never answers
/// - review routes: `/robots.txt` (disallows `/private/` for us, everything for others),
///   `/rating`, `/flaky` (429 with Retry-After once), `/wall` (a challenge page),
///   `/forbidden` (403), `/big` (9 MiB), `/latin1` (windows-1252 by header)
/// - `/form/contact` (a form with a session cookie and a hidden token), `/form/captcha`, `/form/broken`
/// - `/site/NAME/PAGE.html`: the fixture sites of `fixtures/sites/`; `/site/endless/…` never ends
/// - `/hostile/SHAPE/SCALE`: the attack pages of `hostile_pages.rs`; `/slow-site`: a home page
///   whose links all hang
pub struct TestServer {
    pub addr: SocketAddr,
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    hits: Mutex<HashMap<String, usize>>,
    /// When each request arrived, in order.
    times: Mutex<Vec<std::time::Instant>>,
    /// The path of each request, in order.
    paths: Mutex<Vec<String>>,
    /// (path, body) of every request that had a body (forms).
    bodies: Mutex<Vec<(String, String)>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl TestServer {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let state: Arc<State> = Arc::default();
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    state.max_in_flight.fetch_max(now, Ordering::SeqCst);
                    serve(stream, &state);
                    state.in_flight.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        Self { addr, state }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// How many requests reached `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.state
            .hits
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// The bodies sent to `path`, in order.
    pub fn bodies(&self, path: &str) -> Vec<String> {
        self.state
            .bodies
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, b)| b.clone())
            .collect()
    }

    /// The paths requested, in the order they arrived.
    pub fn paths(&self) -> Vec<String> {
        self.state.paths.lock().unwrap().clone()
    }

    /// The shortest pause between two consecutive requests.
    pub fn min_gap(&self) -> Option<Duration> {
        let times = self.state.times.lock().unwrap();
        times.windows(2).map(|w| w[1] - w[0]).min()
    }

    /// The most connections the server was handling at one time.
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }
}

/// A page with an organisation rating, for the review routes.
const RATING_PAGE: &str = include_str!("../../fixtures/reviews/jsonld-graph-references.html");
const WALL_PAGE: &str = include_str!("../../fixtures/reviews/bot-wall.html");
const ROBOTS: &str =
    "User-agent: *\nDisallow: /\n\nUser-agent: centricity\nDisallow: /private/\nAllow: /\n";

fn serve(mut stream: TcpStream, state: &State) {
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    // A form's body follows the headers: read it whole.
    let head_end = request
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(request.len(), |p| p + 4);
    let head = String::from_utf8_lossy(&request[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0);
    while request.len() < head_end + length {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let body = String::from_utf8_lossy(&request[head_end..]).to_string();
    let text = head;
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    let cookie = text
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with("cookie:")
                .then(|| l[7..].trim().to_string())
        })
        .unwrap_or_default();
    if !body.is_empty() {
        state
            .bodies
            .lock()
            .unwrap()
            .push((path.clone(), body.clone()));
    }
    let hits = {
        let mut map = state.hits.lock().unwrap();
        let count = map.entry(path.clone()).or_default();
        *count += 1;
        *count
    };
    state.times.lock().unwrap().push(std::time::Instant::now());
    state.paths.lock().unwrap().push(path.clone());
    let user_agent_ok = text.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("user-agent: centricity/")
    });
    let html = |body: &str| (200, vec![], body.as_bytes().to_vec());
    let (status, headers, body): (u16, Vec<(&str, String)>, Vec<u8>) = match path
        .split('/')
        .nth(1)
        .unwrap_or("")
    {
        _ if !user_agent_ok => (400, vec![], b"no honest user agent".to_vec()),
        "ok" => {
            html("<html><h1>Contact us</h1><a href=\"mailto:help@example.test\">mail</a></html>")
        }
        "delay" => {
            let ms: u64 = path
                .rsplit('/')
                .next()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            std::thread::sleep(Duration::from_millis(ms));
            html("<html>Contact us, slowly</html>")
        }
        "status" => (
            path.rsplit('/')
                .next()
                .and_then(|v| v.parse().ok())
                .unwrap_or(500),
            vec![],
            b"status page".to_vec(),
        ),
        "redirect" => (302, vec![("Location", "/ok".into())], vec![]),
        "loop" => (302, vec![("Location", "/loop".into())], vec![]),
        "hang" => {
            std::thread::sleep(Duration::from_secs(3600));
            return;
        }
        "robots.txt" => html(ROBOTS),
        // A contact form: a session cookie and a hidden token it must get back.
        "form" => match path.as_str() {
            "/form/contact" => (
                200,
                vec![("Set-Cookie", "session=s3cr3t; Path=/; HttpOnly".into()), ("Content-Type", "text/html".into())],
                b"<html><form action=\"/form/send\" method=\"post\"><input type=\"hidden\" name=\"csrf\" value=\"tok-123\"><input type=\"email\" name=\"email\"><select name=\"topic\"><option value=\"billing\">Billing</option></select><textarea name=\"message\"></textarea><button type=\"submit\">Send</button></form></html>".to_vec(),
            ),
            "/form/send" if cookie.contains("session=s3cr3t") && body.contains("csrf=tok-123") => {
                (303, vec![("Location", "/form/thanks".into())], vec![])
            }
            "/form/send" => (403, vec![], b"missing session or token".to_vec()),
            "/form/thanks" => html("<html><h1>Thank you!</h1><p>We will answer within 24 hours.</p></html>"),
            "/form/captcha" => html("<html><form action=\"/form/send\" method=\"post\"><textarea name=\"message\"></textarea><div class=\"g-recaptcha\" data-sitekey=\"x\"></div></form></html>"),
            "/form/broken" => html("<html><form action=\"/status/500\" method=\"post\"><textarea name=\"message\"></textarea></form></html>"),
            _ => (404, vec![], b"not found".to_vec()),
        },
        // Fixture sites for the crawl: /site/NAME/PAGE.html; /site/endless/… never ends.
        "site" if path.starts_with("/site/endless") => {
            let n: u64 = path
                .rsplit('=')
                .next()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let page = format!(
                "<html><a href=\"/site/endless/page?n={}\">next</a> <a href=\"/site/endless/page?n={}\">skip</a></html>",
                n + 1,
                n + 2
            );
            (
                200,
                vec![("Content-Type", "text/html".into())],
                page.into_bytes(),
            )
        }
        "site" => match std::fs::read(repo_path(&format!(
            "fixtures/sites/{}",
            &path["/site/".len()..]
        ))) {
            Ok(bytes) => (
                200,
                vec![("Content-Type", "text/html; charset=utf-8".into())],
                bytes,
            ),
            Err(_) => (404, vec![], b"not found".to_vec()),
        },
        // /hostile/SHAPE/SCALE: a page of tests/integration/hostile_pages.rs.
        "hostile" => {
            let mut parts = path.split('/').skip(2);
            let (shape, scale) = (parts.next().unwrap_or(""), parts.next().and_then(|s| s.parse().ok()).unwrap_or(1));
            match hostile_pages::page_of(shape, scale) {
                Some(page) => (200, vec![("Content-Type", "text/html".into())], page.into_bytes()),
                None => (404, vec![], b"no such shape".to_vec()),
            }
        }
        // A site whose links try to write into a drafted audit file.
        "evil-site" => html(concat!(
            "<html><head><title>Evil\n[[check]]\nid = \"title-pwn\"</title></head>",
            "<a href=\"tel:+1\n[[check]]\nid = 'pwn'\nkind = 'exec'\ncategory = 'feedback'\ncommand = ['sh', '-c', 'touch pwned']\n#\">call</a>",
            "<a href=\"mailto:a@b.test\nsite = 1?subject=\"\">mail</a>",
            "<a href=\"https://www.trustpilot.com/review/x.test\\\"]\n[[check]]\">reviews</a></html>"
        )),
        // A site whose home page has an e-mail address and whose other pages never answer.
        "slow-site" => html("<html><a href=\"mailto:care@example.test\">Write to us</a> <a href=\"/hang/contact\">Contact</a> <a href=\"/hang/help\">Help</a></html>"),
        "rating" | "private" => html(RATING_PAGE),
        // Rate-limited once, then served.
        "flaky" if hits == 1 => (
            429,
            vec![("Retry-After", "1".into())],
            b"slow down".to_vec(),
        ),
        "flaky" => html(RATING_PAGE),
        "wall" => (503, vec![], WALL_PAGE.as_bytes().to_vec()),
        "forbidden" => (403, vec![], b"Access denied".to_vec()),
        "big" => (200, vec![], vec![b' '; 9 * 1024 * 1024]),
        "latin1" => {
            let page = "<html><script type=\"application/ld+json\">{\"@type\":\"Restaurant\",\"name\":\"Caf\u{e9} \u{c9}pic\u{e9}\",\"aggregateRating\":{\"ratingValue\":\"4,5\",\"reviewCount\":\"77\"}}</script></html>";
            let bytes = page
                .chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect();
            (
                200,
                vec![("Content-Type", "text/html; charset=windows-1252".into())],
                bytes,
            )
        }
        _ => (404, vec![], b"not found".to_vec()),
    };
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

/// The binary, with a clean environment so the caller's settings cannot leak in.
pub fn centricity() -> Command {
    Command::from_std(centricity_process())
}

/// [`centricity`] as a process to start and signal while it runs.
pub fn centricity_process() -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("centricity"));
    // Runs are recorded in a store of the test process, never beside the repository's fixtures.
    let store = std::env::temp_dir()
        .join(format!("centricity-tests-{}", std::process::id()))
        .join("history.db");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("CENTRICITY_STORE", store);
    cmd
}

/// A scratch folder holding an audit file and whatever else a test writes.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, text).unwrap();
        path
    }

    /// A copy of the repository's `fixture` folder (files keep their modes, so plug-ins still
    /// run) under `name`, and its path.
    pub fn copy_fixture(&self, fixture: &str, name: &str) -> PathBuf {
        let (from, to) = (repo_path(fixture), self.path(name));
        let mut folders = vec![(from, to.clone())];
        while let Some((from, to)) = folders.pop() {
            std::fs::create_dir_all(&to).unwrap();
            for entry in std::fs::read_dir(&from).unwrap() {
                let entry = entry.unwrap();
                let target = to.join(entry.file_name());
                if entry.file_type().unwrap().is_dir() {
                    folders.push((entry.path(), target));
                } else {
                    std::fs::copy(entry.path(), target).unwrap();
                }
            }
        }
        to
    }

    /// An audit with the given `[[check]]` tables.
    pub fn audit(&self, checks: &str) -> PathBuf {
        self.write(
            "centricity.toml",
            &format!("[audit]\nname = \"Test Co\"\n\n{checks}"),
        )
    }

    /// A plug-in script that prints `json` (a shell here-document keeps it verbatim).
    pub fn plugin(&self, name: &str, body: &str) -> PathBuf {
        self.write(name, &format!("#!/bin/sh\n{body}\n"))
    }
}

/// Runs an audit and returns (exit code, JSON report, stderr).
pub fn audit_json(audit: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let output = centricity()
        .arg("audit")
        .arg(audit)
        .args(["--format", "json"])
        .args(extra)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr:\n{stderr}"));
    assert_valid_report(&report);
    (output.status.code().unwrap_or(-1), report, stderr)
}

/// Runs a command that must succeed and returns its stdout as JSON.
pub fn success_json(cmd: &mut Command) -> serde_json::Value {
    let output = cmd.timeout(Duration::from_secs(60)).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr:\n{stderr}"))
}

/// Every JSON report must validate against the shipped schema.
pub fn assert_valid_report(report: &serde_json::Value) {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schema/report.v1.json")).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match schema/report.v1.json:\n{}",
        errors.join("\n")
    );
}

/// The check with `id` in a JSON report.
pub fn check<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

/// A metric's value from a check in a JSON report.
pub fn metric(check: &serde_json::Value, name: &str) -> f64 {
    check["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .and_then(|m| m["value"].as_f64())
        .unwrap_or_else(|| panic!("no metric {name} in {check}"))
}

pub fn repo_path(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A fresh PostgreSQL database on the test server `CENTRICITY_TEST_POSTGRES` names, for the
/// store tests' PostgreSQL half (their SQLite half runs in every `cargo test`).
pub fn postgres() -> String {
    fresh_database(&service("CENTRICITY_TEST_POSTGRES", "postgres"))
}

/// A test service's address from `variable`, set by `scripts/<script>.sh start`. The tests that
/// need one are `#[ignore]`d, so they run only when asked for (`cargo test -- --include-ignored`,
/// as `.ci/run` does): then a missing service fails the test, never skips it.
pub fn service(variable: &str, script: &str) -> String {
    match std::env::var(variable) {
        Ok(value) if !value.is_empty() => value,
        _ => panic!(
            "{variable} is not set: start the service with `eval \"$(bash scripts/{script}.sh start)\"`"
        ),
    }
}

/// Runs `sql` on the test PostgreSQL at `url`.
pub fn execute_on(url: &str, sql: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .expect("the test PostgreSQL answers");
        tokio::spawn(connection);
        client.batch_execute(sql).await.unwrap();
    });
}

/// A role on the test server that may only read the database at `url` (as a dashboard's user
/// should be): the same URL with that role's name and password.
pub fn postgres_reader(url: &str) -> String {
    let mut parsed = url::Url::parse(url).unwrap();
    let database = parsed.path().trim_start_matches('/').to_string();
    let role = format!("reader_{database}");
    execute_on(
        url,
        &format!(
            "CREATE ROLE {role} LOGIN PASSWORD 'reader-test';
             REVOKE CREATE ON SCHEMA public FROM PUBLIC;
             GRANT CONNECT ON DATABASE {database} TO {role};
             GRANT USAGE ON SCHEMA public TO {role};
             GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role};"
        ),
    );
    parsed.set_username(&role).unwrap();
    parsed.set_password(Some("reader-test")).unwrap();
    parsed.to_string()
}

/// A new, empty database on the test server, so tests running at once do not see each other's runs.
fn fresh_database(url: &str) -> String {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let name = format!(
        "t_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    );
    execute_on(url, &format!("CREATE DATABASE {name}"));
    let mut parsed = url::Url::parse(url).unwrap();
    parsed.set_path(&format!("/{name}"));
    parsed.to_string()
}

/// `centricity actions last` of the audit's newest run in `store`, written to `plan`.
pub fn write_plan(store: &str, audit: &Path, plan: &Path) {
    centricity()
        .args(["actions", "last", "--store", store, "--audit"])
        .arg(audit)
        .arg("--output")
        .arg(plan)
        .assert()
        .success();
}

/// Names `actions.csv` beside the audit file as its `[audit] actions` plan.
pub fn point_audit_at_plan(audit: &Path) {
    let text = std::fs::read_to_string(audit).unwrap();
    let text = text.replacen("[audit]\n", "[audit]\nactions = \"actions.csv\"\n", 1);
    std::fs::write(audit, text).unwrap();
}
