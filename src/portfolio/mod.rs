//! Many companies at once: a CSV of companies and an audit file with `{column}` placeholders
//! make one audit per row, run concurrently under one bound, each company's result kept as a
//! small summary (nothing else stays in memory), then ranked (`rank.rs`). `--shard K/N` runs a
//! stable subset of the rows, so a CI matrix or an indexed job can split a study; `merge`
//! ranks the shards' outputs together.

mod companies;
mod merge;
pub mod page;
pub mod rank;
pub mod schedule;
mod template;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use companies::{Company, read_companies, read_companies_from};
pub use merge::Merged;
pub use template::Template;

use crate::report::Report;
use crate::report::model::{Confidence, Status};

/// A company is ranked only from this coverage: below it, its grade is provisional.
pub const RANK_FLOOR: f64 = Confidence::PROVISIONAL_BELOW;

/// Which of the rows a run takes: shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// `K/N`, 1 ≤ K ≤ N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let wrong = || format!("`{text}` is not a shard: write K/N, such as 2/5 (1 ≤ K ≤ N)");
        let (k, n) = text.split_once('/').ok_or_else(wrong)?;
        let (index, count) = (
            k.trim().parse::<u32>().map_err(|_| wrong())?,
            n.trim().parse::<u32>().map_err(|_| wrong())?,
        );
        if index == 0 || index > count {
            return Err(wrong());
        }
        Ok(Shard { index, count })
    }

    /// Whether this shard takes the company: by a hash of its name, so adding a row moves
    /// only that company and every shard of a run agrees without talking to the others.
    pub fn takes(self, name: &str) -> bool {
        fnv1a(name.trim().to_lowercase().as_bytes()) % u64::from(self.count)
            == u64::from(self.index - 1)
    }
}

/// FNV-1a, 64 bits: stable across runs, machines and versions (the standard library's hasher
/// is seeded per process).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What the ranking keeps of one company's audit.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CompanyResult {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    /// The CSV row it came from (1 is the header).
    pub row: usize,
    pub score: Option<f64>,
    pub coverage: Option<f64>,
    /// Category id → score (null when not assessed).
    pub categories: BTreeMap<String, Option<f64>>,
    /// Channel → score, across the categories that measured channels.
    pub channels: BTreeMap<String, f64>,
    /// Why the company has no result, when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The checks that could not be measured, when the run is incomplete (absent in outputs of
    /// versions that did not say: those are taken as complete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incomplete: Option<String>,
    /// Its HTML report (`--reports DIR`), as a link from where the portfolio's page is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_file: Option<String>,
    /// The whole report, only until it is recorded.
    #[serde(skip)]
    pub report: Option<Report>,
    /// Its audit's `[report]` settings, for its HTML report (`--reports DIR`), as long as the report.
    #[serde(skip)]
    pub presentation: Option<crate::report::presentation::Presentation>,
    /// What its run sent to the company (forms submitted), only until it is recorded.
    #[serde(skip)]
    pub sent: Vec<crate::store::Probe>,
}

impl CompanyResult {
    pub fn from_report(company: &Company, report: &Report) -> Self {
        let categories = report
            .categories
            .iter()
            .map(|c| (c.id.id().to_string(), c.score))
            .collect();
        let channels = report
            .categories
            .iter()
            .flat_map(|c| &c.channels)
            .map(|c| (c.channel.to_string(), c.score))
            .collect();
        let error = report
            .score
            .is_none()
            .then(|| "nothing could be scored: see each check's error".to_string());
        let errored: Vec<String> = (report.checks.iter())
            .filter(|c| c.status == Status::Error)
            .map(|c| match c.error_code {
                Some(code) => format!("{} ({})", c.id, code.as_str()),
                None => c.id.clone(),
            })
            .collect();
        let incomplete = (!report.complete).then(|| {
            if errored.is_empty() {
                "the run was interrupted".to_string()
            } else {
                format!("not measured: {}", errored.join(", "))
            }
        });
        Self {
            name: company.name.clone(),
            sector: company.sector.clone(),
            row: company.row,
            score: report.score,
            coverage: report.coverage,
            categories,
            channels,
            error,
            incomplete,
            report_file: None,
            report: None,
            presentation: None,
            sent: Vec::new(),
        }
    }

    /// Why the company is not ranked among the others, or `None` when it is: a company is
    /// ranked only when its run completed and at least [`RANK_FLOOR`] of its audit was
    /// measured (below it, the grade itself is provisional).
    pub fn unranked_reason(&self) -> Option<String> {
        if self.score.is_none() {
            return Some(self.error.clone().unwrap_or_else(|| "no score".into()));
        }
        if let Some(incomplete) = &self.incomplete {
            return Some(format!("incomplete run, {incomplete}"));
        }
        match self.coverage {
            Some(coverage) if coverage >= RANK_FLOOR => None,
            Some(coverage) => Some(format!(
                "only {:.0}% of the audit was measured, below the {:.0}% a ranking needs",
                coverage * 100.0,
                RANK_FLOOR * 100.0
            )),
            None => Some("how much of the audit was measured is unknown".into()),
        }
    }

    pub fn failed(company: &Company, reason: String) -> Self {
        Self {
            name: company.name.clone(),
            sector: company.sector.clone(),
            row: company.row,
            score: None,
            coverage: None,
            categories: BTreeMap::new(),
            channels: BTreeMap::new(),
            error: Some(reason),
            incomplete: None,
            report_file: None,
            report: None,
            presentation: None,
            sent: Vec::new(),
        }
    }
}

/// Where a run's company stands in the portfolio the run was recorded for, if any.
pub fn standing_of_run(
    store: &mut dyn crate::store::RunStore,
    run_id: i64,
    audit: &str,
) -> Option<crate::report::Standing> {
    let portfolio = store.context(run_id).ok()?.portfolio?;
    let companies = from_store(store.portfolio(&portfolio).ok()?);
    rank::standing(&portfolio, &companies, audit)
}

/// The companies of a portfolio as the store holds them: each audit's newest run and sector.
pub fn from_store(runs: Vec<(Option<String>, Report)>) -> Vec<CompanyResult> {
    runs.into_iter()
        .enumerate()
        .map(|(i, (sector, report))| {
            let company = Company {
                row: i + 2,
                name: report.audit.name.clone(),
                sector,
                fields: BTreeMap::new(),
            };
            CompanyResult::from_report(&company, &report)
        })
        .collect()
}

/// A portfolio run's output, what `merge` reads back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioOutput {
    pub portfolio: String,
    /// `K/N` when the run took one shard of the rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    pub companies: Vec<CompanyResult>,
}

/// Where a company's saved evidence goes: its own folder beside the template, so two companies'
/// checks of the same id never read each other's observations. The folder is named by the
/// SHA-256 of the exact name, all 256 bits of it (no two names share one, crafted or not: a
/// shorter hash once let `Acme Telecom!=<#!!|{` overwrite `Acme Telecom`'s), after a slug of the
/// name for people to find theirs.
pub fn evidence_dir(template: &Path, company: &str) -> PathBuf {
    let hash = crate::text::sha256_hex(company.as_bytes());
    company_dir(template, company, &hash).join("evidence")
}

/// A company's evidence folder, for a run about to use it, and a note for the user when its
/// evidence was moved there from where an older version kept it.
pub fn open_evidence(template: &Path, company: &str) -> (PathBuf, Option<String>) {
    let note = adopt_legacy_evidence(template, company);
    (evidence_dir(template, company), note)
}

/// Moves a company's evidence from the folder versions before this one named by a 32-bit hash,
/// when the new one does not exist yet: it holds what `--offline` re-scores and the form
/// submissions that must not be sent again. Returns what was done, for the user. Two names
/// that shared the old folder cannot be told apart: the first to run takes it.
fn adopt_legacy_evidence(template: &Path, company: &str) -> Option<String> {
    let new = evidence_dir(template, company);
    let new = new.parent()?;
    let old = portfolio_dir(template).join(format!(
        "{}-{:08x}",
        slug(company),
        fnv1a(company.as_bytes()) as u32
    ));
    if new.exists() || !old.join("evidence").is_dir() {
        return None;
    }
    Some(match std::fs::rename(&old, new) {
        Ok(()) => format!(
            "moved the saved evidence of {company} to {} (from {}, named as older versions did)",
            new.display(),
            old.display()
        ),
        Err(e) => format!(
            "the saved evidence of {company} is in {}, named as older versions did, and cannot \
             be moved to {} ({e}): move it there to use it",
            old.display(),
            new.display()
        ),
    })
}

/// A company's folder beside the template.
fn company_dir(template: &Path, company: &str, id: &str) -> PathBuf {
    portfolio_dir(template).join(company_file_name(company, id))
}

/// A slug of the company's name cut to [`SLUG_BYTES`] (a file name has 255), then `id`.
fn company_file_name(company: &str, id: &str) -> String {
    let slug = slug(company);
    let slug = crate::text::prefix(&slug, SLUG_BYTES).trim_end_matches('-');
    if slug.is_empty() {
        id.to_string()
    } else {
        format!("{slug}-{id}")
    }
}

/// Writes a company's HTML report into `dir` for the portfolio page to link to, and returns
/// the file's name: named as its evidence folder is (the SHA-256 of the exact name, whole), so
/// no two companies, crafted names included, share a report.
pub fn write_report(
    dir: &Path,
    company: &str,
    report: &Report,
    presentation: Option<&crate::report::presentation::Presentation>,
) -> std::io::Result<String> {
    let hash = crate::text::sha256_hex(company.as_bytes());
    let file = format!("{}.html", company_file_name(company, &hash));
    let surroundings = crate::report::History {
        presentation,
        ..crate::report::History::default()
    };
    let page = crate::report::Format::Html.render(
        report,
        crate::report::Decoration::default(),
        &surroundings,
    );
    crate::output::write_atomically(&dir.join(&file), &page)?;
    Ok(file)
}

fn portfolio_dir(template: &Path) -> PathBuf {
    let base = template.parent().unwrap_or(Path::new("."));
    base.join(".centricity").join("portfolio")
}

fn slug(company: &str) -> String {
    let slug: String = company
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    slug.trim_matches('-').to_string()
}

/// How much of a company's name its folder shows.
const SLUG_BYTES: usize = 48;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_the_rows_between_them_stably() {
        let names: Vec<String> = (0..300).map(|i| format!("Company {i}")).collect();
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
        for name in &names {
            let takers = shards.iter().filter(|s| s.takes(name)).count();
            assert_eq!(takers, 1, "{name} is taken by {takers} shards");
        }
        let sizes: Vec<usize> = shards
            .iter()
            .map(|s| names.iter().filter(|n| s.takes(n)).count())
            .collect();
        assert!(sizes.iter().all(|n| (70..=130).contains(n)), "{sizes:?}");
        // The same name lands in the same shard however it is cased or padded.
        assert_eq!(shards[0].takes("Acme"), shards[0].takes(" ACME "));
        assert_eq!(Shard::parse("2/5"), Ok(Shard { index: 2, count: 5 }));
        for bad in ["0/3", "4/3", "x", "1/0", "2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_differing_only_in_punctuation_never_share_an_evidence_folder() {
        let template = Path::new("study/template.toml");
        // The first two shared a folder when it was named by a 32-bit hash.
        let names = [
            "Acme Telecom",
            "Acme Telecom!=<#!!|{",
            "acme telecom",
            "Acme-Telecom",
            "Acme  Telecom",
            "Acme Telecom.",
            "ACME TELECOM!",
        ];
        let folders: std::collections::BTreeSet<PathBuf> =
            names.iter().map(|n| evidence_dir(template, n)).collect();
        assert_eq!(folders.len(), names.len(), "{folders:#?}");
        // People still see whose folder it is.
        let folder = evidence_dir(template, "Acme Telecom");
        let name = folder.parent().and_then(Path::file_name).unwrap();
        assert!(
            name.to_string_lossy().starts_with("acme-telecom-"),
            "{name:?}"
        );
        // A name of any length makes a folder name a file system takes.
        let long = evidence_dir(template, &"Ab".repeat(5000));
        let name = long.parent().and_then(Path::file_name).unwrap();
        assert!(name.len() <= 255, "{} bytes", name.len());
    }

    #[test]
    fn evidence_in_the_folder_an_older_version_named_is_moved_once() {
        let scratch = tempfile::tempdir().unwrap();
        let template = scratch.path().join("template.toml");
        // Where versions before this one kept Acme Telecom's evidence (slug, 32-bit FNV-1a).
        let old = scratch
            .path()
            .join(".centricity/portfolio/acme-telecom-42d3828e");
        std::fs::create_dir_all(old.join("evidence")).unwrap();
        std::fs::write(old.join("evidence/site.json"), "{}").unwrap();
        let (dir, note) = open_evidence(&template, "Acme Telecom");
        assert!(note.is_some_and(|n| n.starts_with("moved the saved evidence of Acme Telecom")));
        assert!(dir.join("site.json").is_file(), "{dir:?}");
        assert!(!old.exists());
        // Once moved, nothing more is said, and a name that never had a folder gets a new one.
        assert_eq!(open_evidence(&template, "Acme Telecom"), (dir, None));
        assert_eq!(open_evidence(&template, "Acme Telecom!=<#!!|{").1, None);
    }
}
