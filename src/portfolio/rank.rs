//! Ranking a portfolio: by overall score and by each category and channel, with each
//! company's percentile within its sector; as a table, long CSV, the wide matrix, or JSON.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use super::{CompanyResult, PortfolioOutput};
use crate::report::sanitize::{terminal, terminal_lines};
use crate::report::{Sheet, Standing};

/// A portfolio ranked: the companies measured well enough, best first (ties by name), each
/// with its place and its percentile among the ranked companies of its sector; then the
/// others in row order, each with why it is not ranked. A company nobody could measure is never
/// placed.
pub struct Ranking<'a> {
    pub ranked: Vec<Placed<'a>>,
    pub unranked: Vec<(&'a CompanyResult, String)>,
}

pub struct Placed<'a> {
    pub place: usize,
    pub company: &'a CompanyResult,
    pub sector_percentile: Option<f64>,
}

/// Ranks in O(n log n): one sort, then each sector's sorted scores searched for each company.
pub fn rank(companies: &[CompanyResult]) -> Ranking<'_> {
    let mut ranked: Vec<(&CompanyResult, f64)> = Vec::new();
    let mut unranked = Vec::new();
    for company in companies {
        match (company.unranked_reason(), company.score) {
            (None, Some(score)) => ranked.push((company, score)),
            (reason, _) => unranked.push((company, reason.unwrap_or_else(|| "no score".into()))),
        }
    }
    ranked.sort_by(|(a, x), (b, y)| y.total_cmp(x).then_with(|| a.name.cmp(&b.name)));
    // In the order of the rows, not the order the companies finished in (concurrent audits).
    unranked.sort_by_key(|(company, _)| company.row);
    let mut sectors: HashMap<&str, Vec<f64>> = HashMap::new();
    for (company, score) in &ranked {
        if let Some(sector) = company.sector.as_deref() {
            sectors.entry(sector).or_default().push(*score);
        }
    }
    for scores in sectors.values_mut() {
        scores.sort_by(f64::total_cmp);
    }
    let ranked = ranked
        .into_iter()
        .enumerate()
        .map(|(i, (company, score))| Placed {
            place: i + 1,
            company,
            sector_percentile: company
                .sector
                .as_deref()
                .and_then(|s| sectors.get(s))
                .and_then(|peers| percentile_among(peers, score)),
        })
        .collect();
    Ranking { ranked, unranked }
}

/// Where `own` stands among `peers` (sorted, own included): the share below it, ties counting
/// half, 0–100; `None` when it has no peer.
fn percentile_among(peers: &[f64], own: f64) -> Option<f64> {
    if peers.len() < 2 {
        return None;
    }
    let below = peers.partition_point(|v| *v < own);
    let equal = peers.partition_point(|v| *v <= own) - below;
    #[expect(
        clippy::cast_precision_loss,
        reason = "company counts are far below 2^52"
    )]
    let (below, equal, others) = (below as f64, equal as f64, (peers.len() - 1) as f64);
    Some(((below + (equal - 1.0) / 2.0) / others * 100.0).clamp(0.0, 100.0))
}

/// Where the company `name` stands among `companies`: its place among the ranked, and its
/// sector percentile; `None` when it is not ranked.
pub fn standing(portfolio: &str, companies: &[CompanyResult], name: &str) -> Option<Standing> {
    let ranking = rank(companies);
    let placed = ranking.ranked.iter().find(|p| p.company.name == name)?;
    Some(Standing {
        portfolio: portfolio.to_string(),
        place: placed.place,
        of: ranking.ranked.len(),
        sector: placed.company.sector.clone(),
        sector_percentile: placed.sector_percentile,
    })
}

/// Every category id, in the order the companies first name them (one lookup per id: a
/// shard is outside input, with as many ids as it likes).
fn categories(companies: &[CompanyResult]) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut ids: Vec<String> = Vec::new();
    for id in companies.iter().flat_map(|c| c.categories.keys()) {
        if seen.insert(id.as_str()) {
            ids.push(id.clone());
        }
    }
    ids
}

fn channels(companies: &[CompanyResult]) -> BTreeSet<String> {
    companies
        .iter()
        .flat_map(|c| c.channels.keys().cloned())
        .collect()
}

fn score(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_string(), |v| format!("{v:.1}"))
}

/// The ranking for people: place, company, sector, overall and its sector percentile, each
/// category; then the companies that could not be scored, with their reason.
pub fn table(output: &PortfolioOutput) -> Vec<u8> {
    let companies = &output.companies;
    let ids = categories(companies);
    let mut out = format!(
        "Portfolio {}{}: {} companies\n\n",
        terminal(&output.portfolio),
        output
            .shard
            .as_deref()
            .map_or(String::new(), |s| format!(" (shard {s})")),
        companies.len()
    );
    let mut header = vec!["#", "Company", "Sector", "Overall", "Sector pct"];
    header.extend(ids.iter().map(String::as_str));
    out.push_str(&header.join(" | "));
    out.push('\n');
    let ranking = rank(companies);
    for placed in &ranking.ranked {
        let company = placed.company;
        let mut cells = vec![
            placed.place.to_string(),
            terminal(&company.name).into_owned(),
            terminal(company.sector.as_deref().unwrap_or("")).into_owned(),
            score(company.score),
            placed
                .sector_percentile
                .map_or_else(String::new, |p| format!("{p:.0}")),
        ];
        cells.extend(
            ids.iter()
                .map(|id| score(company.categories.get(id).copied().flatten())),
        );
        out.push_str(&cells.join(" | "));
        out.push('\n');
    }
    if !ranking.unranked.is_empty() {
        out.push_str(&format!(
            "\nNot ranked ({}): what was measured is not enough to compare\n",
            ranking.unranked.len()
        ));
        for (company, reason) in &ranking.unranked {
            out.push_str(&format!(
                "- {} (row {}, coverage {}): {}\n",
                terminal(&company.name),
                company.row,
                company
                    .coverage
                    .map_or_else(|| "—".to_string(), |c| format!("{:.0}%", c * 100.0)),
                terminal(reason)
            ));
        }
    }
    terminal_lines(&out).into_owned().into_bytes()
}

/// One row per company: its place, overall, sector percentile, each category and each channel.
pub fn matrix(output: &PortfolioOutput) -> Vec<u8> {
    let companies = &output.companies;
    let ids = categories(companies);
    let channels = channels(companies);
    let mut sheet = Sheet::new(false);
    let mut header = vec![
        "place".to_string(),
        "company".into(),
        "sector".into(),
        "overall".into(),
        "sector_percentile".into(),
        "coverage".into(),
    ];
    header.extend(ids.iter().cloned());
    header.extend(channels.iter().map(|c| format!("channel_{c}")));
    // Why a company is not ranked (its error, an incomplete run, too little measured).
    header.push("error".into());
    sheet.row(header);
    let ranking = rank(companies);
    let rows = (ranking.ranked.iter())
        .map(|p| (Some(p.place), p.company, p.sector_percentile, None))
        .chain(
            (ranking.unranked.iter()).map(|(company, reason)| (None, *company, None, Some(reason))),
        );
    for (place, company, percentile, not_ranked) in rows {
        let mut row = vec![
            place.map_or_else(String::new, |p| p.to_string()),
            company.name.clone(),
            company.sector.clone().unwrap_or_default(),
            company
                .score
                .map_or_else(String::new, |s| format!("{s:.1}")),
            percentile.map_or_else(String::new, |p| format!("{p:.0}")),
            company
                .coverage
                .map_or_else(String::new, |c| format!("{:.0}%", c * 100.0)),
        ];
        row.extend(ids.iter().map(|id| {
            company
                .categories
                .get(id)
                .copied()
                .flatten()
                .map_or_else(String::new, |s| format!("{s:.1}"))
        }));
        row.extend(channels.iter().map(|c| {
            company
                .channels
                .get(c)
                .map_or_else(String::new, |s| format!("{s:.1}"))
        }));
        row.push(not_ranked.cloned().unwrap_or_default());
        sheet.row(row);
    }
    sheet.into_bytes()
}

#[derive(Serialize)]
struct RankedCompany<'a> {
    place: Option<usize>,
    #[serde(flatten)]
    company: &'a CompanyResult,
    sector_percentile: Option<f64>,
    /// Why the company is not ranked; absent when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    not_ranked: Option<&'a str>,
}

#[derive(Serialize)]
struct RankingJson<'a> {
    portfolio: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    shard: Option<&'a str>,
    companies: Vec<RankedCompany<'a>>,
}

/// The ranking as JSON: every company with its place and sector percentile; `merge` reads it.
pub fn json(output: &PortfolioOutput) -> Vec<u8> {
    let ranking = rank(&output.companies);
    let placed = ranking.ranked.iter().map(|p| RankedCompany {
        place: Some(p.place),
        company: p.company,
        sector_percentile: p.sector_percentile.map(|p| (p * 10.0).round() / 10.0),
        not_ranked: None,
    });
    let apart = ranking
        .unranked
        .iter()
        .map(|(company, reason)| RankedCompany {
            place: None,
            company,
            sector_percentile: None,
            not_ranked: Some(reason),
        });
    let ranking = RankingJson {
        portfolio: &output.portfolio,
        shard: output.shard.as_deref(),
        companies: placed.chain(apart).collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&ranking).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company(name: &str, sector: &str, score: Option<f64>) -> CompanyResult {
        CompanyResult {
            name: name.into(),
            sector: Some(sector.into()),
            row: 2,
            score,
            coverage: Some(1.0),
            categories: Default::default(),
            channels: Default::default(),
            error: None,
            incomplete: None,
            report_file: None,
            report: None,
            presentation: None,
            sent: Vec::new(),
        }
    }

    fn names<'a>(ranking: &Ranking<'a>) -> Vec<&'a str> {
        (ranking.ranked.iter())
            .map(|p| p.company.name.as_str())
            .collect()
    }

    #[test]
    fn ranks_by_score_and_places_each_within_its_sector() {
        let all = vec![
            company("B", "telecom", Some(70.0)),
            company("A", "telecom", Some(70.0)),
            company("C", "telecom", Some(40.0)),
            company("D", "energy", Some(90.0)),
            company("E", "telecom", None),
        ];
        let ranking = rank(&all);
        assert_eq!(names(&ranking), ["D", "A", "B", "C"]);
        assert_eq!(ranking.unranked[0].0.name, "E");
        let pct = |name: &str| {
            (ranking.ranked.iter().find(|p| p.company.name == name))
                .and_then(|p| p.sector_percentile)
        };
        // Among telecom's three scores (70, 70, 40): 40 is the bottom, the 70s share the top.
        assert_eq!(pct("C"), Some(0.0));
        assert_eq!(pct("A"), Some(75.0));
        assert_eq!(pct("E"), None);
    }

    #[test]
    fn a_company_measured_too_little_or_incompletely_is_listed_apart_and_not_a_peer() {
        let mut thin = company("Thin", "telecom", Some(95.0));
        thin.coverage = Some(0.32);
        let mut broken = company("Broken", "telecom", Some(99.0));
        broken.incomplete = Some("not measured: ratings (connection-refused)".into());
        let all = vec![
            company("A", "telecom", Some(70.0)),
            thin,
            broken,
            company("B", "telecom", Some(40.0)),
        ];
        let ranking = rank(&all);
        assert_eq!(
            names(&ranking),
            ["A", "B"],
            "neither ranks above the measured ones"
        );
        // Percentiles among ranked companies only: A tops its sector, B is its bottom.
        assert_eq!(ranking.ranked[0].sector_percentile, Some(100.0));
        assert_eq!(ranking.ranked[1].sector_percentile, Some(0.0));
        let reasons: Vec<(&str, &str)> = (ranking.unranked.iter())
            .map(|(c, r)| (c.name.as_str(), r.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                (
                    "Thin",
                    "only 32% of the audit was measured, below the 60% a ranking needs"
                ),
                (
                    "Broken",
                    "incomplete run, not measured: ratings (connection-refused)"
                ),
            ]
        );
        assert!(standing("p", &all, "Thin").is_none());
        assert_eq!(
            standing("p", &all, "B").map(|s| (s.place, s.of)),
            Some((2, 2))
        );
    }

    #[test]
    fn companies_not_ranked_are_listed_in_row_order_whatever_order_they_finished_in() {
        let failed = |name: &str, row: usize| {
            let mut c = company(name, "telecom", None);
            c.row = row;
            c
        };
        let all = vec![failed("Late", 9), failed("Early", 3), failed("Middle", 5)];
        let rows: Vec<usize> = (rank(&all).unranked.iter()).map(|(c, _)| c.row).collect();
        assert_eq!(rows, [3, 5, 9]);
    }
}
