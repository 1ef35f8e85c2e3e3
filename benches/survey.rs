//! Survey benchmark: prints figures, asserts nothing.
//!
//! Importing and scoring a Google Forms export of 10,000 respondents (both
//! questionnaires' employee questions) should take under 1 s. Baseline in the
//! same run: reading the same file with the csv crate alone.
//!
//! Run: `cargo bench --bench survey`

use std::path::Path;
use std::time::{Duration, Instant};

use centricity::survey::aggregate::{Options, aggregate};
use centricity::survey::import::{Options as ImportOptions, import};
use centricity::survey::questionnaire::{Kind, shipped};

const RESPONDENTS: usize = 10_000;

fn main() {
    let questionnaires = shipped();
    let questions: Vec<_> = questionnaires.iter().flat_map(|q| q.questions()).collect();
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
                Kind::Maturity4 => {
                    centricity::survey::questionnaire::MATURITY4[pick % 4].to_string()
                }
                Kind::Number { .. } => format!("{}", 2 + pick * 10),
                Kind::Multi { options, .. } => options[..1 + pick % options.len()].join(";"),
                Kind::Text => {
                    if pick == 0 {
                        "Prices, mostly, and \"roaming\"".into()
                    } else {
                        String::new()
                    }
                }
            });
        }
        writer.write_record(&row).expect("row");
    }
    let bytes = writer.into_inner().expect("csv");
    println!(
        "export: {RESPONDENTS} respondents x {} questions, {:.1} MB",
        questions.len(),
        bytes.len() as f64 / 1e6
    );

    let baseline = best_of(3, || {
        let start = Instant::now();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice());
        let cells: usize = reader
            .records()
            .map(|r| r.map(|r| r.len()).unwrap_or(0))
            .sum();
        assert!(cells > 0);
        start.elapsed()
    });
    for q in &questionnaires {
        let mut import_time = Duration::MAX;
        let total = best_of(3, || {
            let start = Instant::now();
            let imported = import(&bytes, Path::new("bench.csv"), q, &ImportOptions::default())
                .expect("import");
            import_time = import_time.min(start.elapsed());
            let result = aggregate(q, &imported.rows, Options { equal_voice: true });
            assert_eq!(result.respondents, RESPONDENTS);
            start.elapsed()
        });
        println!(
            "  {:<14} import alone   {:>7.1} ms",
            q.id,
            import_time.as_secs_f64() * 1000.0
        );
        println!(
            "  {:<14} import + score {:>7.1} ms   target < 1000 ms   ({:.1}x the bare CSV read)",
            q.id,
            total.as_secs_f64() * 1000.0,
            total.as_secs_f64() / baseline.as_secs_f64()
        );
    }
    println!(
        "  bare CSV read (baseline) {:>7.1} ms",
        baseline.as_secs_f64() * 1000.0
    );
}

fn best_of(tries: usize, mut measure: impl FnMut() -> Duration) -> Duration {
    (0..tries).map(|_| measure()).min().unwrap_or_default()
}
