//! E-mail probe benchmark (divan, wall time).
//!
//! How long an audit takes to read an auditor's mailbox as unrelated mail piles up: the reading
//! is bounded (at most the newest 2,000 messages' headers), so past the cap the time should stop
//! growing: target, the 4,000 figure within 1.5× of the 2,000 one. Baselines benched beside it:
//! `centricity --version` (process start) and the same audit on the mailbox as it was (0 added).
//!
//! Needs the local mail server, freshly started: `eval "$(bash scripts/mail.sh start)"`, then
//! `cargo bench --bench mail`.

use std::path::PathBuf;
use std::process::Command;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use divan::Bencher;

// The tests' bulk sender: one SMTP session per 50 messages.
#[path = "../tests/integration/smtp_flood.rs"]
mod smtp_flood;

const BINARY: &str = env!("CARGO_BIN_EXE_centricity");

/// The server (`host:submission:imap`), and an audit whose probe was sent through it.
struct Mailbox {
    _dir: tempfile::TempDir,
    host: String,
    submission: String,
    audit: PathBuf,
    store: PathBuf,
}

static MAILBOX: LazyLock<Option<Mailbox>> = LazyLock::new(|| {
    let address = std::env::var("CENTRICITY_TEST_MAIL")
        .ok()
        .filter(|a| !a.is_empty())?;
    let parts: Vec<&str> = address.split(':').collect();
    let [host, submission, imap] = parts[..] else {
        panic!("CENTRICITY_TEST_MAIL is host:submission:imap, not {address}");
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let audit = dir.path().join("centricity.toml");
    std::fs::write(
        &audit,
        format!(
            "[audit]\nname = \"Bench\"\n\n[[check]]\nid = \"mail\"\nkind = \"email\"\nto = \"support@localhost\"\nfrom = \"customer@localhost\"\nwait = \"1h\"\n\
             smtp = {{ host = \"{host}\", port = {submission}, user = \"customer\", password_env = \"BENCH_MAIL_PASSWORD\", tls = \"none\" }}\n\
             imap = {{ host = \"{host}\", port = {imap}, user = \"customer\", password_env = \"BENCH_MAIL_PASSWORD\", tls = \"none\" }}\n"
        ),
    )
    .expect("audit file");
    let mailbox = Mailbox {
        store: dir.path().join("history.db"),
        host: host.into(),
        submission: submission.into(),
        audit,
        _dir: dir,
    };
    let audit = mailbox.audit.to_string_lossy().into_owned();
    run(&mailbox, &["probe", "send", &audit]);
    Some(mailbox)
});

/// Unrelated messages sent so far.
static ADDED: AtomicUsize = AtomicUsize::new(0);

fn main() {
    if MAILBOX.is_none() {
        println!(
            "mail benchmark skipped: start the server with `eval \"$(bash scripts/mail.sh start)\"`"
        );
        return;
    }
    divan::main();
}

/// Baseline: the process start.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn version() {
    run(mailbox(), &["--version"]);
}

/// The audit with `added` unrelated messages in the mailbox (0: the baseline, as it was).
#[divan::bench(args = [0, 500, 2_000, 4_000], sample_count = 5, sample_size = 1)]
fn audit_reading_mailbox(bencher: Bencher, added: usize) {
    let mailbox = mailbox();
    let before = ADDED.load(Ordering::SeqCst);
    if before < added {
        ADDED.store(added, Ordering::SeqCst);
        let send = Instant::now();
        smtp_flood::flood(&mailbox.host, &mailbox.submission, before..added, |n| {
            format!(
                "From: news@localhost\r\nTo: customer@localhost\r\nMessage-ID: <bench.{n}.{}@localhost>\r\nSubject: Offer {n}\r\nList-Unsubscribe: <mailto:u@localhost>\r\n\r\nnews\r\n",
                std::process::id()
            )
        });
        eprintln!(
            "({} messages sent in {:.1} s)",
            added - before,
            send.elapsed().as_secs_f64()
        );
        // Delivery is asynchronous: let the server file them before timing.
        std::thread::sleep(Duration::from_secs(2));
    }
    let audit = mailbox.audit.to_string_lossy().into_owned();
    bencher.bench(|| {
        run(
            mailbox,
            &["audit", &audit, "--no-progress", "--format", "json"],
        )
    });
}

fn mailbox() -> &'static Mailbox {
    MAILBOX.as_ref().expect("checked in main")
}

fn run(mailbox: &Mailbox, args: &[&str]) {
    let out = Command::new(BINARY)
        .args(args)
        .env("BENCH_MAIL_PASSWORD", "customer-pass")
        .env("CENTRICITY_STORE", &mailbox.store)
        .output()
        .expect("run");
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
