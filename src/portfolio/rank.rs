//! Ranking a portfolio: by overall score and by each category and channel, with each
//! company's percentile within its sector; as a table, long CSV, the wide matrix, or JSON.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{CompanyResult, PortfolioOutput};
use crate::report::Standing;
use crate::report::sanitize::terminal;

/// The companies with a score, best first (ties by name), then the ones without.
pub fn ranked(companies: &[CompanyResult]) -> Vec<&CompanyResult> {
    let mut order: Vec<&CompanyResult> = companies.iter().collect();
    order.sort_by(|a, b| {
        b.score
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.score.unwrap_or(f64::NEG_INFINITY))
            .then_with(|| a.name.cmp(&b.name))
    });
    order
}

/// Where the company `name` stands among `companies`: its place, and its sector percentile.
pub fn standing(portfolio: &str, companies: &[CompanyResult], name: &str) -> Option<Standing> {
    let order = ranked(companies);
    let scored = order.iter().filter(|c| c.score.is_some()).count();
    let (place, company) = order
        .iter()
        .enumerate()
        .find(|(_, c)| c.name == name && c.score.is_some())?;
    Some(Standing {
        portfolio: portfolio.to_string(),
        place: place + 1,
        of: scored,
        sector: company.sector.clone(),
        sector_percentile: sector_percentile(companies, company, |c| c.score),
    })
}

/// Where `value` stands among its sector's values: the share below it, ties counting half,
/// 0–100. `None` without a sector or a value.
pub fn sector_percentile(
    companies: &[CompanyResult],
    company: &CompanyResult,
    value_of: impl Fn(&CompanyResult) -> Option<f64>,
) -> Option<f64> {
    let sector = company.sector.as_deref()?;
    let own = value_of(company)?;
    let peers: Vec<f64> = companies
        .iter()
        .filter(|c| c.sector.as_deref() == Some(sector))
        .filter_map(&value_of)
        .collect();
    if peers.len() < 2 {
        return None;
    }
    let below = peers.iter().filter(|v| **v < own).count() as f64;
    let equal = peers.iter().filter(|v| (**v - own).abs() < 1e-9).count() as f64;
    Some(((below + (equal - 1.0) / 2.0) / (peers.len() - 1) as f64 * 100.0).clamp(0.0, 100.0))
}

fn categories(companies: &[CompanyResult]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for c in companies {
        for id in c.categories.keys() {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
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
    for (place, company) in ranked(companies).iter().enumerate() {
        if company.score.is_none() {
            continue;
        }
        let mut cells = vec![
            (place + 1).to_string(),
            terminal(&company.name).into_owned(),
            terminal(company.sector.as_deref().unwrap_or("")).into_owned(),
            score(company.score),
            sector_percentile(companies, company, |c| c.score)
                .map_or_else(String::new, |p| format!("{p:.0}")),
        ];
        cells.extend(
            ids.iter()
                .map(|id| score(company.categories.get(id).copied().flatten())),
        );
        out.push_str(&cells.join(" | "));
        out.push('\n');
    }
    let failed: Vec<&CompanyResult> = companies.iter().filter(|c| c.score.is_none()).collect();
    if !failed.is_empty() {
        out.push_str("\nNot ranked:\n");
        for company in failed {
            out.push_str(&format!(
                "- {} (row {}): {}\n",
                terminal(&company.name),
                company.row,
                terminal(company.error.as_deref().unwrap_or("no score"))
            ));
        }
    }
    out.into_bytes()
}

/// One row per company: its place, overall, sector percentile, each category and each channel.
pub fn matrix(output: &PortfolioOutput) -> Vec<u8> {
    let companies = &output.companies;
    let ids = categories(companies);
    let channels = channels(companies);
    let mut writer = csv::Writer::from_writer(Vec::new());
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
    header.push("error".into());
    let clean = |cell: String| crate::report::neutralise(&terminal(&cell)).into_owned();
    let _ = writer.write_record(header.into_iter().map(clean));
    for (place, company) in ranked(companies).iter().enumerate() {
        let mut row = vec![
            company
                .score
                .map_or_else(String::new, |_| (place + 1).to_string()),
            company.name.clone(),
            company.sector.clone().unwrap_or_default(),
            company
                .score
                .map_or_else(String::new, |s| format!("{s:.1}")),
            sector_percentile(companies, company, |c| c.score)
                .map_or_else(String::new, |p| format!("{p:.0}")),
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
        row.push(company.error.clone().unwrap_or_default());
        let _ = writer.write_record(row.into_iter().map(clean));
    }
    writer.into_inner().unwrap_or_default()
}

#[derive(Serialize)]
struct RankedCompany<'a> {
    place: Option<usize>,
    #[serde(flatten)]
    company: &'a CompanyResult,
    sector_percentile: Option<f64>,
}

#[derive(Serialize)]
struct Ranking<'a> {
    portfolio: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    shard: Option<&'a str>,
    companies: Vec<RankedCompany<'a>>,
}

/// The ranking as JSON: every company with its place and sector percentile; `merge` reads it.
pub fn json(output: &PortfolioOutput) -> Vec<u8> {
    let companies = &output.companies;
    let ranking = Ranking {
        portfolio: &output.portfolio,
        shard: output.shard.as_deref(),
        companies: ranked(companies)
            .into_iter()
            .enumerate()
            .map(|(place, company)| RankedCompany {
                place: company.score.map(|_| place + 1),
                company,
                sector_percentile: sector_percentile(companies, company, |c| c.score)
                    .map(|p| (p * 10.0).round() / 10.0),
            })
            .collect(),
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
            report: None,
        }
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
        let names: Vec<&str> = ranked(&all).iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["D", "A", "B", "C", "E"]);
        let pct = |name: &str| {
            let c = all.iter().find(|c| c.name == name).unwrap();
            sector_percentile(&all, c, |c| c.score)
        };
        // Among telecom's three scores (70, 70, 40): 40 is the bottom, the 70s share the top.
        assert_eq!(pct("C"), Some(0.0));
        assert_eq!(pct("A"), Some(75.0));
        assert_eq!(pct("E"), None);
    }
}
