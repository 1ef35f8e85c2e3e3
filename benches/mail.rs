//! E-mail probe benchmark: prints figures, asserts nothing.
//!
//! How long an audit takes to read an auditor's mailbox as unrelated mail piles
//! up: the reading is bounded (at most the newest 2,000 messages' headers), so
//! past the cap the time should stop growing. Baselines in the same run:
//! `centricity --version` (process start) and the same audit on a fresh mailbox.
//!
//! Needs the local mail server: `eval "$(bash scripts/mail.sh start)"`, then
//! `cargo bench --bench mail`.

use std::process::Command;
use std::time::{Duration, Instant};

// The tests' bulk sender: one SMTP session per 50 messages.
#[path = "../tests/integration/smtp_flood.rs"]
mod smtp_flood;

const BINARY: &str = env!("CARGO_BIN_EXE_centricity");

fn main() {
    let Some(address) = std::env::var("CENTRICITY_TEST_MAIL")
        .ok()
        .filter(|a| !a.is_empty())
    else {
        println!(
            "mail benchmark skipped: start the server with `eval \"$(bash scripts/mail.sh start)\"`"
        );
        return;
    };
    let parts: Vec<&str> = address.split(':').collect();
    let (host, submission, imap) = (parts[0], parts[1], parts[2]);
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
    let store = dir.path().join("history.db");
    let run = |args: &[&str]| {
        let start = Instant::now();
        let out = Command::new(BINARY)
            .args(args)
            .env("BENCH_MAIL_PASSWORD", "customer-pass")
            .env("CENTRICITY_STORE", &store)
            .output()
            .expect("run");
        assert!(
            out.status.success() || out.status.code() == Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        start.elapsed()
    };
    let median = |args: &[&str]| {
        let mut times: Vec<Duration> = (0..5).map(|_| run(args)).collect();
        times.sort();
        times[2]
    };
    let audit_path = audit.to_string_lossy().into_owned();
    run(&["probe", "send", &audit_path]);
    let collect = ["audit", &audit_path, "--no-progress", "--format", "json"];

    let start_only = median(&["--version"]);
    let fresh = median(&collect);
    println!("mail: one e-mail probe, audit reading the customer mailbox (median of 5)");
    println!(
        "  centricity --version (process start)        {:>8.1} ms",
        ms(start_only)
    );
    println!(
        "  audit, mailbox as it was                    {:>8.1} ms   1.00x",
        ms(fresh)
    );
    let mut added = 0;
    for target in [500, 2_000, 4_000] {
        let send = Instant::now();
        smtp_flood::flood(host, submission, added..target, |n| {
            format!(
                "From: news@localhost\r\nTo: customer@localhost\r\nMessage-ID: <bench.{n}.{}@localhost>\r\nSubject: Offer {n}\r\nList-Unsubscribe: <mailto:u@localhost>\r\n\r\nnews\r\n",
                std::process::id()
            )
        });
        let sent_in = send.elapsed();
        added = target;
        std::thread::sleep(Duration::from_secs(2));
        let time = median(&collect);
        println!(
            "  audit, {target:>5} unrelated messages added      {:>8.1} ms   {:.2}x   (sending them took {:.1} s)",
            ms(time),
            time.as_secs_f64() / fresh.as_secs_f64(),
            sent_in.as_secs_f64()
        );
    }
    println!(
        "  target: bounded — the 4,000 figure within 1.5x of the 2,000 one (only the newest 2,000 are read)"
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
