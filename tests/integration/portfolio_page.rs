//! The portfolio's page to hand over: the ranking, the company × category heat map, each
//! sector's spread, who was not ranked and why, and links to each company's report, from a
//! portfolio run and from the store; self-contained, escaped, and rendered in Chromium.

use std::path::{Path, PathBuf};

use crate::common::{Scratch, centricity};

/// Plug-ins that score three categories (enough of the audit to rank) from the companies' CSV;
/// a negative score fails.
fn study(scratch: &Scratch) -> PathBuf {
    scratch.write(
        "companies.csv",
        "name,sector,reach,reputation,feedback\n\
         Northgrid,energy,91,88,79\n\
         Voltline,energy,55,48,70\n\
         \"Signal & Co <b onmouseover=x>\",telecom,72,80,66\n\
         Fibrecast,telecom,35,41,22\n\
         Ghost Ltd,banking,-1,-1,-1\n",
    );
    scratch.plugin(
        "score.sh",
        "if [ \"$1\" -lt 0 ]; then exit 3; fi\necho \"{\\\"score\\\": $1}\"",
    );
    scratch.write(
        "template.toml",
        "[audit]\nname = \"{name}\"\n\n\
         [[check]]\nid = \"reach\"\nkind = \"exec\"\ncategory = \"reach\"\ncommand = [\"sh\", \"score.sh\", \"{reach}\"]\n\n\
         [[check]]\nid = \"reputation\"\nkind = \"exec\"\ncategory = \"reputation\"\ncommand = [\"sh\", \"score.sh\", \"{reputation}\"]\n\n\
         [[check]]\nid = \"feedback\"\nkind = \"exec\"\ncategory = \"feedback\"\ncommand = [\"sh\", \"score.sh\", \"{feedback}\"]\n",
    )
}

fn run_portfolio(scratch: &Scratch, page: &Path, reports: &Path) {
    let template = study(scratch);
    let output = centricity()
        .arg("portfolio")
        .arg(scratch.path("companies.csv"))
        .arg("--template")
        .arg(&template)
        .args([
            "--name",
            "Utilities",
            "--allow-incomplete",
            "--format",
            "html",
            "--output",
        ])
        .arg(page)
        .arg("--reports")
        .arg(reports)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The hrefs of a page, in order.
fn links(page: &str) -> Vec<String> {
    page.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(href, _)| href.to_string()))
        .collect()
}

#[test]
fn the_portfolio_page_ranks_maps_places_and_links_each_companys_report() {
    let scratch = Scratch::new();
    let (page, reports) = (
        scratch.path("out/portfolio.html"),
        scratch.path("out/reports"),
    );
    std::fs::create_dir(scratch.path("out")).unwrap();
    run_portfolio(&scratch, &page, &reports);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("Content-Security-Policy"), "no CSP");
    assert_eq!(html.matches("<script").count(), 0);
    // The company's own markup is text.
    assert!(
        html.contains("Signal &amp; Co &lt;b onmouseover=x&gt;"),
        "{html}"
    );
    assert!(!html.contains("<b onmouseover"), "markup from the CSV");
    // Ranked best first, Ghost Ltd not ranked, with why.
    let at = |name: &str| html.find(name).unwrap_or_else(|| panic!("no {name}"));
    assert!(at("Northgrid") < at("Voltline"));
    assert!(html.contains("Not ranked, and why"));
    assert!(html.contains("nothing could be scored"), "{html}");
    // Heat-map cells: Northgrid's reach (91) in the top band, Fibrecast's feedback (22) in the lowest.
    assert!(html.contains("<td class=\"num h4\">91</td>"), "{html}");
    assert!(html.contains("<td class=\"num h0\">22</td>"), "{html}");
    // Each sector placed on its strip, with its median.
    assert!(
        html.contains("energy <span class=\"muted\">(2 companies, median ")
            && html.matches("<circle").count() == 4,
        "{html}"
    );
    // Links relative to the page, to report files that exist and are the companies' reports.
    let hrefs = links(&html);
    assert!(!hrefs.is_empty());
    for href in &hrefs {
        assert!(href.starts_with("reports/"), "{href}");
        let report = std::fs::read_to_string(scratch.path("out").join(href)).unwrap();
        assert!(report.contains("Customer-centricity audit"), "{href}");
    }
    assert!(
        hrefs.iter().any(|h| h.starts_with("reports/northgrid-")),
        "{hrefs:?}"
    );
}

#[test]
fn rank_renders_the_same_page_from_the_store_with_reports_written_again() {
    let scratch = Scratch::new();
    let (page, reports) = (scratch.path("first.html"), scratch.path("reports"));
    run_portfolio(&scratch, &page, &reports);
    let again = scratch.path("again.html");
    let output = centricity()
        .current_dir(scratch.path(""))
        .args([
            "rank",
            "--portfolio",
            "Utilities",
            "--allow-incomplete",
            "--format",
            "html",
        ])
        .arg("--output")
        .arg(&again)
        .arg("--reports")
        .arg(scratch.path("stored-reports"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let html = std::fs::read_to_string(&again).unwrap();
    assert!(html.contains("<td class=\"num h4\">91</td>"), "{html}");
    let hrefs = links(&html);
    // The ranking's 4, the heat map's 5, the unranked 1.
    assert_eq!(hrefs.len(), 10, "{hrefs:?}");
    for href in hrefs {
        assert!(href.starts_with("stored-reports/"), "{href}");
        assert!(scratch.path("").join(&href).is_file(), "{href}");
    }
}

#[test]
#[ignore = "needs Chromium: eval \"$(bash scripts/chromium.sh start)\""]
fn the_portfolio_page_renders_in_a_browser_with_its_parts_and_nothing_runs() {
    let binary = crate::html::browser();
    let scratch = Scratch::new();
    let (page, reports) = (scratch.path("portfolio.html"), scratch.path("reports"));
    run_portfolio(&scratch, &page, &reports);
    let dom = crate::html::dump_dom(&binary, &scratch, &page);
    for part in [
        "Ranking",
        "Companies by category",
        "Sectors",
        "Not ranked, and why",
        "<svg",
        "<circle",
    ] {
        assert!(dom.contains(part), "no {part:?} in the rendered page");
    }
    assert!(
        !dom.contains("<b onmouseover"),
        "the CSV's markup became an element"
    );
}
