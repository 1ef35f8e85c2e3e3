//! Reply classification benchmark: prints figures, asserts nothing.
//!
//! Judging a message (parse, classify, match to probes) must stay cheap: 10,000 messages of
//! the labelled corpora (`fixtures/mail/replies` and `fixtures/mail/public`, and the fetched
//! corpus's `tune/` and `heldout/` when `CENTRICITY_MAIL_CORPUS` names it; cycled), per-message
//! time, beside parsing alone (mail-parser) as the baseline measured in the same run.
//! `cargo bench --bench mail` measures the audit on a mailbox of 4,000 messages.
//!
//! Run: `cargo bench --bench replies`

use std::time::Instant;

use centricity::kind::reply_probe::judge;
use centricity::store::Probe;

const MESSAGES: usize = 10_000;

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mail");
    let mut corpus: Vec<Vec<u8>> = Vec::new();
    let mut folders = vec![root.join("replies"), root.join("public")];
    if let Some(outside) = std::env::var_os("CENTRICITY_MAIL_CORPUS") {
        let outside = std::path::PathBuf::from(outside);
        folders.extend([outside.join("tune"), outside.join("heldout")]);
    }
    for folder in folders {
        let mut files: Vec<_> = std::fs::read_dir(folder)
            .expect("corpus")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        files.sort();
        corpus.extend(files.iter().map(|f| std::fs::read(f).expect("readable")));
    }
    let probes = vec![Probe {
        audit: "Acme".into(),
        check_id: "support-email".into(),
        token: "cx0a1b2c3d4e5f".into(),
        message_id: "<centricity.cx0a1b2c3d4e5f@auditor.example>".into(),
        sent_to: "support@acme.example".into(),
        sent_at: chrono::DateTime::parse_from_rfc3339("2026-01-05T09:00:00+01:00").unwrap(),
    }];
    let rules = centricity::kind::reply_probe::signals::Rules::shipped();
    let bytes: usize = (0..MESSAGES).map(|i| corpus[i % corpus.len()].len()).sum();
    let started = Instant::now();
    let mut parsed = 0;
    for i in 0..MESSAGES {
        parsed += usize::from(
            mail_parser::MessageParser::default()
                .parse(&corpus[i % corpus.len()])
                .is_some(),
        );
    }
    let parse_only = started.elapsed();
    let started = Instant::now();
    let mut judged = 0;
    for i in 0..MESSAGES {
        judged += usize::from(judge(&corpus[i % corpus.len()], &probes, rules).is_some());
    }
    let judging = started.elapsed();
    let per = |d: std::time::Duration| d.as_secs_f64() * 1e6 / MESSAGES as f64;
    println!(
        "{MESSAGES} messages ({} distinct, {:.1} MB in all):",
        corpus.len(),
        bytes as f64 / 1e6
    );
    println!(
        "  parse only  {:>8.1} µs/message  ({parsed} parsed; baseline)",
        per(parse_only)
    );
    println!(
        "  judge       {:>8.1} µs/message  ({judged} judged)  {:.1}x parsing alone",
        per(judging),
        judging.as_secs_f64() / parse_only.as_secs_f64()
    );
}
