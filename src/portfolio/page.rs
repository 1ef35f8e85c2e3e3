//! The portfolio as one page to hand over: the ranking, the company × category matrix as a
//! heat map, each sector's spread with its companies placed, and who was not ranked and why.
//! Self-contained like the HTML report (its CSP, its look, no script); every name from the
//! companies' CSV is escaped, and the only links are the report files we wrote ourselves.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::rank::{Placed, rank};
use super::{CompanyResult, PortfolioOutput};
use crate::category::Category;
use crate::report::html::{bar, page_start};
use crate::report::sanitize::html as esc;

/// The page's own style, also for a page that shows [`body`] among other parts.
pub const STYLE: &str = "
.heat{table-layout:fixed}.heat th:first-child{width:24%}.heat th{white-space:normal;font-size:.85em;vertical-align:bottom}.heat td.num{font-variant-numeric:tabular-nums}.h0{background:#f4c7c0}.h1{background:#f8ddb4}
.h2{background:#f6edb0}.h3{background:#d3ebc6}.h4{background:#a9d8a6}.hn{background:#eef0f4;color:#5b6478}
.unranked td{color:#5b6478}svg text{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif}
";

/// The page. A company's `report_file` is its link, relative to where the page is written.
pub fn html(output: &PortfolioOutput) -> Vec<u8> {
    let name = esc(&output.portfolio);
    let mut out = page_start(&format!("Portfolio: {name}"), STYLE);
    out.push_str(&body(output));
    out.push_str("</body></html>\n");
    out.into_bytes()
}

/// The page's parts, without the document around them.
pub fn body(output: &PortfolioOutput) -> String {
    let ranking = rank(&output.companies);
    let name = esc(&output.portfolio);
    let mut out = String::new();
    let shard = output
        .shard
        .as_deref()
        .map_or(String::new(), |s| format!(" (shard {})", esc(s)));
    let _ = write!(
        out,
        "<section class=\"cover\"><p class=\"muted\">Customer-centricity portfolio</p><h1>{name}{shard}</h1>\
         <p>{} audited, {} ranked{}.</p>",
        match output.companies.len() {
            1 => "1 company".to_string(),
            n => format!("{n} companies"),
        },
        ranking.ranked.len(),
        match ranking.unranked.len() {
            0 => String::new(),
            n => format!(", {n} not ranked (see why at the end)"),
        }
    );
    ranked_table(&mut out, &ranking.ranked);
    out.push_str("</section>\n");
    heat_map(&mut out, &ranking.ranked, &ranking.unranked);
    sectors(&mut out, &ranking.ranked);
    unranked(&mut out, &ranking.unranked);
    out
}

/// The company's name, linked to its report when one was written beside the page.
fn company_cell(company: &CompanyResult) -> String {
    match company
        .report_file
        .as_deref()
        .filter(|link| is_file_link(link))
    {
        Some(link) => format!("<a href=\"{}\">{}</a>", esc(link), esc(&company.name)),
        None => esc(&company.name),
    }
}

/// A link to a file beside the page (or an absolute path): no scheme, no host. `merge` reads
/// `report_file` from shards' JSON, which is outside input; a `javascript:` or `https:` there
/// stays the company's name as text.
fn is_file_link(link: &str) -> bool {
    let before_path = link.split('/').next().unwrap_or_default();
    !link.starts_with("//") && !before_path.contains(':')
}

fn ranked_table(out: &mut String, ranked: &[Placed<'_>]) {
    if ranked.is_empty() {
        out.push_str("<p>No company was measured well enough to be ranked.</p>");
        return;
    }
    out.push_str("<h2>Ranking</h2><table><tr><th class=\"num\">#</th><th>Company</th><th>Sector</th><th>Overall</th><th class=\"num\">Sector percentile</th><th class=\"num\">Coverage</th></tr>");
    for placed in ranked {
        let company = placed.company;
        let _ = write!(
            out,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            placed.place,
            company_cell(company),
            esc(company.sector.as_deref().unwrap_or("—")),
            bar(company.score),
            placed
                .sector_percentile
                .map_or_else(|| "—".into(), |p| format!("{p:.0}")),
            company
                .coverage
                .map_or_else(|| "—".into(), |c| format!("{:.0}%", c * 100.0)),
        );
    }
    out.push_str("</table>");
}

/// Where a score falls, for the heat map's colour: the report's 50 and 90 lines, and the
/// halves between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Band {
    NotAssessed,
    Low,
    Weak,
    Middling,
    Good,
    Top,
}

impl Band {
    fn of(score: Option<f64>) -> Self {
        match score {
            None => Self::NotAssessed,
            Some(s) if s >= 90.0 => Self::Top,
            Some(s) if s >= 70.0 => Self::Good,
            Some(s) if s >= 50.0 => Self::Middling,
            Some(s) if s >= 25.0 => Self::Weak,
            Some(_) => Self::Low,
        }
    }

    fn class(self) -> &'static str {
        match self {
            Self::NotAssessed => "hn",
            Self::Low => "h0",
            Self::Weak => "h1",
            Self::Middling => "h2",
            Self::Good => "h3",
            Self::Top => "h4",
        }
    }

    /// A dot's colour on a sector's strip.
    fn ink(self) -> &'static str {
        match self {
            Self::Top | Self::Good => "#2e8b57",
            Self::Middling => "#d9a400",
            Self::Low | Self::Weak => "#c0392b",
            Self::NotAssessed => "#9aa3b5",
        }
    }
}

fn heat_map(out: &mut String, ranked: &[Placed<'_>], unranked: &[(&CompanyResult, String)]) {
    let companies: Vec<&CompanyResult> = ranked
        .iter()
        .map(|p| p.company)
        .chain(unranked.iter().map(|(c, _)| *c))
        .collect();
    let categories: Vec<Category> = Category::ALL
        .into_iter()
        .filter(|c| {
            (companies.iter()).any(|co| co.categories.get(c.id()).copied().flatten().is_some())
        })
        .collect();
    if categories.is_empty() {
        return;
    }
    out.push_str("<section><h2>Companies by category</h2><p class=\"muted\">Each company's score in each part of the audit: green from 70, red under 25; grey where it was not assessed. Ranked companies first, in their order.</p><table class=\"heat\"><tr><th>Company</th><th class=\"num\">Overall</th>");
    for category in &categories {
        let _ = write!(out, "<th class=\"num\">{}</th>", esc(category.title()));
    }
    out.push_str("</tr>");
    for company in companies {
        let ranked = company.unranked_reason().is_none();
        let _ = write!(
            out,
            "<tr{}><td>{}</td>{}",
            if ranked { "" } else { " class=\"unranked\"" },
            company_cell(company),
            heat_cell(company.score)
        );
        for category in &categories {
            out.push_str(&heat_cell(
                company.categories.get(category.id()).copied().flatten(),
            ));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table></section>\n");
}

fn heat_cell(score: Option<f64>) -> String {
    let value = score.map_or_else(|| "—".into(), |s| format!("{s:.0}"));
    format!("<td class=\"num {}\">{value}</td>", Band::of(score).class())
}

/// Each sector's ranked companies on a 0–100 line, with the sector's median marked.
fn sectors(out: &mut String, ranked: &[Placed<'_>]) {
    let mut by_sector: BTreeMap<&str, Vec<(&str, f64)>> = BTreeMap::new();
    for placed in ranked {
        if let (Some(sector), Some(score)) =
            (placed.company.sector.as_deref(), placed.company.score)
        {
            by_sector
                .entry(sector)
                .or_default()
                .push((placed.company.name.as_str(), score));
        }
    }
    if by_sector.is_empty() {
        return;
    }
    out.push_str("<section><h2>Sectors</h2><p class=\"muted\">Each ranked company placed on the 0–100 overall scale among its sector; the dashed line marks the sector's median.</p>");
    for (sector, companies) in &by_sector {
        let _ = write!(
            out,
            "<h3>{} <span class=\"muted\">({} compan{}{})</span></h3>{}",
            esc(sector),
            companies.len(),
            if companies.len() == 1 { "y" } else { "ies" },
            median(companies).map_or(String::new(), |m| format!(", median {m:.1}")),
            strip(sector, companies)
        );
    }
    out.push_str("</section>\n");
}

fn median(companies: &[(&str, f64)]) -> Option<f64> {
    crate::stats::median(&companies.iter().map(|(_, s)| *s).collect::<Vec<_>>())
}

/// One sector's strip, in SVG: an axis with ticks, a dot and a label per company (labels
/// alternate above and below so neighbours stay readable), and the median.
fn strip(sector: &str, companies: &[(&str, f64)]) -> String {
    const WIDTH: f64 = 640.0;
    const LEFT: f64 = 20.0;
    const RIGHT: f64 = 620.0;
    let x = |score: f64| LEFT + (RIGHT - LEFT) * score.clamp(0.0, 100.0) / 100.0;
    let mut sorted: Vec<(&str, f64)> = companies.to_vec();
    sorted.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"{} companies on the overall scale\" width=\"{WIDTH}\" height=\"120\" viewBox=\"0 0 {WIDTH} 120\">\
         <line x1=\"{LEFT}\" y1=\"60\" x2=\"{RIGHT}\" y2=\"60\" stroke=\"#c9d0dc\" stroke-width=\"2\"/>",
        esc(sector)
    );
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let _ = write!(
            svg,
            "<line x1=\"{0:.1}\" y1=\"55\" x2=\"{0:.1}\" y2=\"65\" stroke=\"#c9d0dc\"/>\
             <text x=\"{0:.1}\" y=\"118\" font-size=\"10\" fill=\"#5b6478\" text-anchor=\"middle\">{tick:.0}</text>",
            x(tick)
        );
    }
    if let Some(median) = median(companies) {
        let _ = write!(
            svg,
            "<line x1=\"{0:.1}\" y1=\"44\" x2=\"{0:.1}\" y2=\"76\" stroke=\"#1d2433\" stroke-dasharray=\"3 2\"/>",
            x(median)
        );
    }
    for (i, (name, score)) in sorted.iter().enumerate() {
        let (label_y, anchor) = if i % 2 == 0 {
            (95.0, 92.0)
        } else {
            (24.0, 28.0)
        };
        let _ = write!(
            svg,
            "<circle cx=\"{cx:.1}\" cy=\"60\" r=\"5\" fill=\"{}\"><title>{} {score:.1}</title></circle>\
             <line x1=\"{cx:.1}\" y1=\"{anchor}\" x2=\"{cx:.1}\" y2=\"{}\" stroke=\"#e3e7ef\"/>\
             <text x=\"{cx:.1}\" y=\"{label_y}\" font-size=\"10\" text-anchor=\"middle\">{} {score:.0}</text>",
            Band::of(Some(*score)).ink(),
            esc(name),
            if i % 2 == 0 { 66.0 } else { 54.0 },
            esc(&crate::text::shorten(name, 18)),
            cx = x(*score),
        );
    }
    svg.push_str("</svg>");
    svg
}

fn unranked(out: &mut String, unranked: &[(&CompanyResult, String)]) {
    if unranked.is_empty() {
        return;
    }
    out.push_str("<section><h2>Not ranked, and why</h2><p class=\"muted\">A company is ranked only when its run completed and enough of its audit was measured: a number nobody could measure is not placed.</p><table><tr><th>Company</th><th>Row</th><th>Why</th></tr>");
    for (company, why) in unranked {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            company_cell(company),
            company.row,
            esc(why)
        );
    }
    out.push_str("</table></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_links_to_files_beside_the_page_become_links() {
        for link in [
            "reports/acme-1a2b.html",
            "/srv/out/reports/acme.html",
            "acme.html",
        ] {
            assert!(is_file_link(link), "{link}");
        }
        for link in [
            "javascript:alert(1)",
            "https://evil.example/",
            "//evil.example/x",
            "data:text/html,x",
        ] {
            assert!(!is_file_link(link), "{link}");
        }
        let company = CompanyResult {
            name: "Acme".into(),
            report_file: Some("javascript:alert(1)".into()),
            ..CompanyResult::default()
        };
        assert_eq!(company_cell(&company), "Acme");
    }
}
