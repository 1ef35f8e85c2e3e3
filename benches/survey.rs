//! Survey benchmark (divan, wall time).
//!
//! Importing and scoring a Google Forms export of 10,000 respondents (both questionnaires'
//! employee questions) should take under 1 s. Baseline benched beside it: reading the same file
//! with the csv crate alone (`bare_csv_read`).
//!
//! Run: `cargo bench --bench survey`

use std::path::Path;
use std::sync::LazyLock;

use centricity::survey::aggregate::{Options, aggregate};
use centricity::survey::import::{Options as ImportOptions, import};
use centricity::survey::questionnaire::{Kind, MATURITY4, Questionnaire, shipped};
use divan::Bencher;

const RESPONDENTS: usize = 10_000;

static QUESTIONNAIRES: LazyLock<Vec<Questionnaire>> = LazyLock::new(shipped);

/// The export: a header of every question's text, then one varied row per respondent.
static EXPORT: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let questions: Vec<_> = QUESTIONNAIRES.iter().flat_map(|q| q.questions()).collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["Timestamp".to_string(), "What is your role?".to_string()];
    header.extend(questions.iter().map(|q| q.text.clone()));
    writer.write_record(&header).expect("header");
    let roles = ["Sales", "Customer service", "Manager"];
    for i in 0..RESPONDENTS {
        let mut row = vec![
            format!("2026/11/10 9:{:02}:00 AM GMT+1", i % 60),
            roles[i % 3].to_string(),
        ];
        for (j, q) in questions.iter().enumerate() {
            let pick = (i * 7 + j * 3) % 5;
            row.push(match &q.kind {
                Kind::YesNo => ["Yes", "No", "Don't know"][pick % 3].to_string(),
                Kind::Scale { options, .. } => options[pick].clone(),
                Kind::Maturity4 => MATURITY4[pick % 4].to_string(),
                Kind::Number { .. } => format!("{}", 2 + pick * 10),
                Kind::Multi { options, .. } => options[..1 + pick % options.len()].join(";"),
                Kind::Text if pick == 0 => "Prices, mostly, and \"roaming\"".into(),
                Kind::Text => String::new(),
            });
        }
        writer.write_record(&row).expect("row");
    }
    writer.into_inner().expect("csv")
});

fn main() {
    let questions: usize = QUESTIONNAIRES.iter().map(|q| q.questions().count()).sum();
    println!(
        "export: {RESPONDENTS} respondents x {questions} questions, {:.1} MB (target: import_and_score under 1 s)",
        EXPORT.len() as f64 / 1e6
    );
    divan::main();
}

fn questionnaire(id: &str) -> &'static Questionnaire {
    QUESTIONNAIRES
        .iter()
        .find(|q| q.id == id)
        .expect("a shipped questionnaire")
}

/// Baseline: every cell read by the csv crate alone.
#[divan::bench(sample_count = 5)]
fn bare_csv_read(bencher: Bencher) {
    bencher.bench(|| {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(EXPORT.as_slice());
        let cells: usize = reader
            .records()
            .map(|r| r.map(|r| r.len()).unwrap_or(0))
            .sum();
        assert!(cells > 0);
    });
}

#[divan::bench(args = ["feedback-loop", "frontline"], sample_count = 5)]
fn import_alone(bencher: Bencher, id: &str) {
    let q = questionnaire(id);
    bencher.bench(|| {
        import(
            &EXPORT,
            Path::new("bench.csv"),
            q,
            &ImportOptions::default(),
        )
    });
}

#[divan::bench(args = ["feedback-loop", "frontline"], sample_count = 5)]
fn import_and_score(bencher: Bencher, id: &str) {
    let q = questionnaire(id);
    bencher.bench(|| {
        let imported = import(
            &EXPORT,
            Path::new("bench.csv"),
            q,
            &ImportOptions::default(),
        )
        .expect("import");
        let result = aggregate(q, &imported.rows, Options { equal_voice: true });
        assert_eq!(result.respondents, RESPONDENTS);
    });
}
