//! Reply classification benchmark (divan, wall time).
//!
//! Judging a message (parse, classify, match to probes) must stay cheap: every message of the
//! labelled corpora (`fixtures/mail/replies` and `fixtures/mail/public`, and the fetched corpus's
//! `tune/` and `heldout/` when `CENTRICITY_MAIL_CORPUS` names it) per iteration, so the
//! throughput is messages/s; `parse_only` (mail-parser alone) is the baseline benched beside it.
//! `cargo bench --bench mail` measures the audit on a mailbox of 4,000 messages, and `cargo bench
//! --bench instructions` counts the instructions of judging one message.
//!
//! Run: `cargo bench --bench replies`

use std::sync::LazyLock;

use centricity::kind::reply_probe::{judge, signals::Rules};
use centricity::store::Probe;
use divan::Bencher;

#[path = "shared/fixture_probe.rs"]
mod fixture_probe;
use divan::counter::{BytesCount, ItemsCount};

static CORPUS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mail");
    let mut folders = vec![root.join("replies"), root.join("public")];
    if let Some(outside) = std::env::var_os("CENTRICITY_MAIL_CORPUS") {
        let outside = std::path::PathBuf::from(outside);
        folders.extend([outside.join("tune"), outside.join("heldout")]);
    }
    let mut corpus = Vec::new();
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
    corpus
});

/// The probe every message is matched against.
static PROBES: LazyLock<Vec<Probe>> = LazyLock::new(|| vec![fixture_probe::fixture_probe()]);

fn main() {
    let bytes: usize = CORPUS.iter().map(Vec::len).sum();
    println!(
        "corpus: {} messages, {:.2} MB",
        CORPUS.len(),
        bytes as f64 / 1e6
    );
    divan::main();
}

/// Baseline: parsing alone.
#[divan::bench]
fn parse_only(bencher: Bencher) {
    over_corpus(bencher, |raw| {
        mail_parser::MessageParser::default().parse(raw).is_some()
    });
}

#[divan::bench]
fn judge_reply(bencher: Bencher) {
    let rules = Rules::shipped();
    over_corpus(bencher, |raw| judge(raw, &PROBES, rules).is_some());
}

/// One iteration reads every message of the corpus.
fn over_corpus(bencher: Bencher, work: impl Fn(&[u8]) -> bool + Sync) {
    let bytes: usize = CORPUS.iter().map(Vec::len).sum();
    bencher
        .counter(ItemsCount::new(CORPUS.len()))
        .counter(BytesCount::new(bytes))
        .bench(|| CORPUS.iter().filter(|raw| work(raw)).count());
}
