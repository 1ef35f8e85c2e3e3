//! One self-contained HTML file for the client: inline CSS and SVG, no script and a
//! Content-Security-Policy that forbids any, no request to anywhere; light, and printable to
//! PDF with a page per part. Every text from outside (names, findings, evidence, free-text
//! answers) is escaped, and only http(s) evidence becomes a link.

use std::fmt::Write as _;

use super::model::{CategoryReport, CheckReport, Evidence, Finding, Report, Severity};
use super::presentation::{EvidencePlacement, Presentation};
use super::sanitize::html as esc;
use super::{History, Standing, TrendPoint, grade_text};
use crate::benchmarks::{self, Benchmark};
use crate::kinds::KINDS;

/// Scripts, plug-ins, frames, forms, fonts and fetches are all refused; inline styles and
/// inline images (none today) are the only things the page may use.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE: &str = "
body{font:15px/1.45 'DejaVu Sans',Helvetica,Arial,sans-serif;color:#1d2433;margin:0 auto;max-width:60rem;padding:2rem}
h1{font-size:2rem;margin:0 0 .3rem;color:var(--accent,#1d2433)}h2{border-bottom:2px solid var(--accent,#d8dde8);padding-bottom:.2rem;margin-top:2rem}
h3 small.id{font-size:.7em;font-weight:normal;color:#8a93a6;margin-left:.4rem}
.note{border-left:4px solid var(--accent,#9aa3b5);background:#f6f8fb;padding:.2rem 1rem;margin:.8rem 0}
.measures{display:grid;grid-template-columns:minmax(0,1fr) auto minmax(0,1fr) auto;gap:.15rem 1rem;margin:.5rem 0}
.measures dt{color:#384055;border-bottom:1px solid #e3e7ef}.measures dd{margin:0;text-align:right;white-space:nowrap;border-bottom:1px solid #e3e7ef}
.logo{float:right;max-height:4rem;max-width:14rem}.line{stroke:var(--accent,#1d2433)}
section{page-break-after:always;break-after:page}section:last-child{page-break-after:auto}
table{border-collapse:collapse;width:100%;margin:.6rem 0}th,td{border-bottom:1px solid #e3e7ef;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f9}.num{text-align:right;white-space:nowrap}.muted{color:#5b6478}
.cover dl{display:grid;grid-template-columns:8rem 1fr;gap:.2rem 1rem}.cover dt{color:#5b6478}
.bar{background:#e9edf4;height:.7rem;width:12rem;display:inline-block;vertical-align:middle}
.bar i{display:block;height:100%}.good{background:#2e8b57}.mid{background:#d9a400}.bad{background:#c0392b}
.fail{color:#c0392b}.pass{color:#1e7d32}.warn{color:#9a6b00}.info{color:#5b6478}.provisional{color:#c0392b;font-weight:bold}
.excerpt{font-size:.9em;color:#384055;overflow-wrap:anywhere}
@page{size:A4;margin:14mm 12mm}
@media print{body{padding:0;max-width:none}a{color:inherit}}
";

/// The start of a page of ours, up to `<body>`: the CSP, the house style and `more_style`;
/// `title` is already escaped.
pub fn page_start(title: &str, more_style: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title}</title><style>{STYLE}{more_style}</style></head><body>\n"
    )
}

pub fn render(report: &Report, history: &History<'_>) -> Vec<u8> {
    let look = history.presentation();
    let mut out = String::with_capacity(64 * 1024);
    let name = esc(&report.audit.name);
    out.push_str(&page_start(
        &format!("Customer-centricity audit: {name}"),
        &look_style(look),
    ));
    cover(&mut out, report, history.standing, look);
    summary(&mut out, report);
    if let Some(review) = &report.actions {
        out.push_str(&action_plan(review));
    }
    over_time(&mut out, history.trend);
    for category in &report.categories {
        category_section(
            &mut out,
            report,
            category,
            look.notes.by_category.get(&category.id),
        );
    }
    if look.evidence == EvidencePlacement::Appendix {
        evidence(&mut out, report);
    }
    methodology(&mut out, report, look.evidence);
    out.push_str("</body></html>\n");
    out.into_bytes()
}

/// The style the `[report]` settings add: the paper size, and the accent colour on headings
/// and lines (an [`Accent`](super::presentation::Accent) is only ever a hex colour).
fn look_style(look: &Presentation) -> String {
    let mut style = format!("@page{{size:{}}}", look.paper.name());
    if let Some(accent) = look.accent {
        let _ = write!(style, ":root{{--accent:{}}}", accent.css());
    }
    style
}

/// The consultant's own words (a summary, a category's note): escaped, a blank line starting
/// a new paragraph.
fn note(out: &mut String, text: &str) {
    out.push_str("<div class=\"note\">");
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let _ = write!(out, "<p>{}</p>", esc(paragraph));
    }
    out.push_str("</div>");
}

fn cover(out: &mut String, report: &Report, standing: Option<&Standing>, look: &Presentation) {
    let audit = &report.audit;
    out.push_str("<section class=\"cover\">");
    if let Some(logo) = &look.logo {
        let _ = write!(
            out,
            "<img class=\"logo\" alt=\"\" src=\"{}\">",
            logo.data_uri()
        );
    }
    let _ = write!(
        out,
        "<p class=\"muted\">Customer-centricity audit</p><h1>{}</h1><dl>",
        esc(&audit.name)
    );
    let mut row = |term: &str, value: String| {
        let _ = write!(out, "<dt>{term}</dt><dd>{value}</dd>");
    };
    if let Some(site) = &audit.site {
        row("Site", link_or_text(site));
    }
    row("Date", audit.started_at.format("%-d %B %Y").to_string());
    if let Some(auditor) = &audit.auditor {
        row("Auditor", esc(auditor));
    }
    row(
        "Tool",
        format!("{} {}", esc(&report.tool.name), esc(&report.tool.version)),
    );
    out.push_str("</dl>");
    out.push_str(&gauge(report.score));
    let grade = grade_text(report);
    let class = if report.provisional {
        " class=\"provisional\""
    } else {
        ""
    };
    let _ = write!(out, "<p{class}>Overall: {}</p>", esc(&grade));
    if !report.complete {
        out.push_str("<p class=\"fail\">Incomplete: some checks could not be measured.</p>");
    }
    if let Some(s) = standing {
        let sector = match (&s.sector, s.sector_percentile) {
            (Some(sector), Some(p)) => format!(
                "; in its sector ({}), ahead of {p:.0}% of its peers",
                esc(sector)
            ),
            _ => String::new(),
        };
        let _ = write!(
            out,
            "<p>In the portfolio {}: place {} of {}{sector}.</p>",
            esc(&s.portfolio),
            s.place,
            s.of
        );
    }
    if let Some(summary) = &look.notes.summary {
        note(out, summary);
    }
    out.push_str("</section>\n");
}

/// The overall score on a half-circle dial, in SVG.
fn gauge(score: Option<f64>) -> String {
    let value = score.unwrap_or(0.0).clamp(0.0, 100.0);
    let angle = std::f64::consts::PI * (1.0 - value / 100.0);
    let (x, y) = (100.0 + 80.0 * angle.cos(), 100.0 - 80.0 * angle.sin());
    let large = 0;
    let label = score.map_or_else(|| "—".to_string(), |s| format!("{s:.1}"));
    format!(
        "<svg role=\"img\" aria-label=\"overall score {label}\" width=\"220\" height=\"130\" viewBox=\"0 0 200 120\">\
         <path d=\"M20 100 A80 80 0 0 1 180 100\" fill=\"none\" stroke=\"#e9edf4\" stroke-width=\"16\"/>\
         <path d=\"M20 100 A80 80 0 {large} 1 {x:.1} {y:.1}\" fill=\"none\" stroke=\"{}\" stroke-width=\"16\"/>\
         <text x=\"100\" y=\"95\" text-anchor=\"middle\" font-size=\"28\" font-weight=\"bold\">{label}</text>\
         <text x=\"100\" y=\"115\" text-anchor=\"middle\" font-size=\"11\" fill=\"#5b6478\">out of 100</text></svg>",
        colour(score)
    )
}

fn colour(score: Option<f64>) -> &'static str {
    match score {
        Some(s) if s >= 90.0 => "#2e8b57",
        Some(s) if s >= 50.0 => "#d9a400",
        Some(_) => "#c0392b",
        None => "#9aa3b5",
    }
}

/// A score as a coloured bar and its value (the report's look, for pages beside it).
pub fn bar(score: Option<f64>) -> String {
    let Some(s) = score else {
        return "<span class=\"muted\">not assessed</span>".into();
    };
    let class = match s {
        s if s >= 90.0 => "good",
        s if s >= 50.0 => "mid",
        _ => "bad",
    };
    format!(
        "<span class=\"bar\"><i class=\"{class}\" style=\"width:{:.0}%\"></i></span> {s:.1}",
        s.clamp(0.0, 100.0)
    )
}

fn summary(out: &mut String, report: &Report) {
    out.push_str("<section><h2>Executive summary</h2><table><tr><th>Category</th><th>Score</th><th class=\"num\">Weight</th><th class=\"num\">Coverage</th></tr>");
    for c in &report.categories {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.0}%</td></tr>",
            esc(&c.title),
            bar(c.score),
            c.weight,
            c.coverage * 100.0
        );
    }
    out.push_str("</table><h3>Top actions</h3>");
    let actions = super::top_actions(report, 5);
    if actions.is_empty() {
        let _ = write!(out, "<p>{}</p>", super::no_actions_text(report));
    } else {
        out.push_str("<ol>");
        for action in actions {
            let _ = write!(
                out,
                "<li><b>+{:.1} points</b> — {}: {}",
                action.points,
                esc(&action.title),
                esc(&action.recommendation),
            );
            if let Some(finding) = &action.finding {
                let _ = write!(out, " <span class=\"muted\">({})</span>", esc(finding));
            }
            out.push_str("</li>");
        }
        out.push_str("</ol>");
    }
    out.push_str("</section>\n");
}

/// The plan read against the run: confirmed, marked done but still measured (called out),
/// overdue in red, new. The dashboard's audit page shows the same section.
pub fn action_plan(review: &super::model::ActionsReview) -> String {
    use super::model::ActionVerdict;
    let mut out = String::new();
    let _ = write!(
        out,
        "<section id=\"action-plan\"><h2>Action plan</h2><p>{}</p>\
         <table><tr><th>Action</th><th>Status</th><th>Owner</th><th>Due</th><th>This audit</th><th>What to do</th></tr>",
        esc(&review.summary())
    );
    for item in &review.items {
        let verdict_class = match item.verdict {
            ActionVerdict::Confirmed => "pass",
            ActionVerdict::NotConfirmed => "fail",
            ActionVerdict::New => "warn",
            _ => "muted",
        };
        let due = item.due.map(|d| d.to_string()).unwrap_or_default();
        let due = if item.overdue {
            format!("<span class=\"fail overdue\">{due} (overdue)</span>")
        } else {
            due
        };
        let _ = write!(
            out,
            "<tr class=\"action {}\"><td>{}</td><td>{}</td><td>{}</td><td>{due}</td><td class=\"{verdict_class}\">{}</td><td>{}</td></tr>",
            item.verdict.as_str(),
            esc(&item.id),
            item.status.as_str(),
            esc(&item.owner),
            item.verdict.words(),
            esc(&item.recommendation),
        );
    }
    out.push_str("</table></section>\n");
    out
}

/// The overall score of the stored runs, as a chart, when there are two or more.
fn over_time(out: &mut String, trend: &[TrendPoint]) {
    let (Some(first), Some(last), Some(svg)) = (trend.first(), trend.last(), trend_chart(trend))
    else {
        return;
    };
    let _ = writeln!(
        out,
        "<section><h2>Over time</h2><p>The overall score of this audit's {} recorded runs, from {} ({:.1}) to {} ({:.1}), on the 0–100 scale.</p>{svg}</section>",
        trend.len(),
        esc(&first.date),
        first.score,
        esc(&last.date),
        last.score,
    );
}

/// Scores over time as an SVG chart (for two points or more): a labelled 0–100 axis with
/// gridlines, a point and its value per run, and the dates, thinned to about six when many.
pub fn trend_chart(trend: &[TrendPoint]) -> Option<String> {
    if trend.len() < 2 {
        return None;
    }
    let (width, height) = (600.0, 220.0);
    let (left, right, top, bottom) = (36.0, width - 16.0, 18.0, height - 34.0);
    // The points sit inside the axis, so the first value and date clear the axis labels.
    let (first_x, last_x) = (left + 30.0, right - 30.0);
    let step = (last_x - first_x) / (trend.len() - 1) as f64;
    let at = |i: usize, score: f64| {
        let x = first_x + step * i as f64;
        let y = top + (bottom - top) * (1.0 - score.clamp(0.0, 100.0) / 100.0);
        (x, y)
    };
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"overall score over time\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"
    );
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let (_, y) = at(0, tick);
        let _ = write!(
            svg,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{right}\" y2=\"{y:.1}\" stroke=\"#e3e7ef\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#5b6478\" text-anchor=\"end\">{tick:.0}</text>",
            left - 6.0,
            y + 3.0
        );
    }
    let points: Vec<String> = (trend.iter().enumerate())
        .map(|(i, p)| {
            let (x, y) = at(i, p.score);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = write!(
        svg,
        "<polyline class=\"line\" points=\"{}\" fill=\"none\" stroke-width=\"2\"/>",
        points.join(" ")
    );
    // Every value when they fit, else every n-th and the last.
    let every = trend.len().div_ceil(12).max(1);
    let dated = trend.len().div_ceil(6).max(1);
    for (i, point) in trend.iter().enumerate() {
        let (x, y) = at(i, point.score);
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{}\"><title>{} {:.1}</title></circle>",
            colour(Some(point.score)),
            esc(&point.date),
            point.score
        );
        let is_last = i + 1 == trend.len();
        if i % every == 0 || is_last {
            let _ = write!(
                svg,
                "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{:.1}</text>",
                y - 8.0,
                point.score
            );
        }
        if i % dated == 0 || is_last {
            let _ = write!(
                svg,
                "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#5b6478\" text-anchor=\"middle\">{}</text>",
                height - 14.0,
                esc(&point.date)
            );
        }
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// Each channel of the category: its score, voice, contacts answered, and the time to a person
/// placed on its benchmark curve.
fn channels(out: &mut String, report: &Report, category: &CategoryReport) {
    if category.channels.is_empty() {
        return;
    }
    out.push_str("<h3>By channel</h3><p class=\"muted\">Each channel is one voice in the category; the time to a person is placed on its benchmark curve (90 at the p10 time, 50 at the median).</p><table><tr><th>Channel</th><th>Score</th><th class=\"num\">Voice</th><th>Answered</th><th>Time to a person</th></tr>");
    let shipped = benchmarks::shipped();
    for channel in &category.channels {
        let name = channel.channel.as_str();
        let metric = format!("{name}.first_human_response_median");
        let measured = report
            .checks
            .iter()
            .flat_map(|c| &c.metrics)
            .find(|m| m.name == metric)
            .map(|m| m.value);
        let placed = match (measured, shipped.contact.get(name)) {
            (Some(seconds), Some(benchmark)) => on_curve(seconds, benchmark),
            (Some(seconds), None) => super::model::human_seconds(seconds),
            _ => String::new(),
        };
        let answered = match (channel.contacts, channel.unanswered) {
            (Some(n), Some(left)) => format!("{} of {n} contacts", n.saturating_sub(left)),
            _ if channel.answered => "yes".into(),
            _ => "no".into(),
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{answered}</td><td>{placed}</td></tr>",
            esc(&channel.channel.title()),
            bar(Some(channel.score)),
            channel.weight
        );
    }
    out.push_str("</table>");
}

/// A measured time on a line from 0 to three times the benchmark's median, with the p10 and
/// median marked: where the company stands against the anchors.
fn on_curve(seconds: f64, benchmark: &Benchmark) -> String {
    let end = benchmark.curve.median * 3.0;
    let x = |s: f64| 10.0 + 180.0 * (s / end).clamp(0.0, 1.0);
    format!(
        "<svg width=\"200\" height=\"34\" viewBox=\"0 0 200 34\" role=\"img\" aria-label=\"measured against the benchmark\">\
         <line x1=\"10\" y1=\"14\" x2=\"190\" y2=\"14\" stroke=\"#c9d0dc\" stroke-width=\"4\"/>\
         <line x1=\"{p10:.1}\" y1=\"6\" x2=\"{p10:.1}\" y2=\"22\" stroke=\"#2e8b57\"/>\
         <line x1=\"{median:.1}\" y1=\"6\" x2=\"{median:.1}\" y2=\"22\" stroke=\"#d9a400\"/>\
         <circle cx=\"{at:.1}\" cy=\"14\" r=\"5\" fill=\"#1d2433\"/>\
         <text x=\"10\" y=\"32\" font-size=\"9\" fill=\"#5b6478\">{time} (p10 {p10_text}, median {median_text})</text></svg>",
        p10 = x(benchmark.curve.p10),
        median = x(benchmark.curve.median),
        at = x(seconds),
        time = super::model::human_seconds(seconds),
        p10_text = super::model::human_seconds(benchmark.curve.p10),
        median_text = super::model::human_seconds(benchmark.curve.median),
    )
}

/// One category: its score, the consultant's note, its own findings, its channels, then each
/// check with its measures and findings (and, after a kind's checks, how to read them).
fn category_section(
    out: &mut String,
    report: &Report,
    category: &CategoryReport,
    consultant_note: Option<&String>,
) {
    let _ = write!(
        out,
        "<section><h2>{}</h2><p>{}</p>",
        esc(&category.title),
        bar(category.score)
    );
    if let Some(text) = consultant_note {
        note(out, text);
    }
    finding_list(out, &category.findings);
    channels(out, report, category);
    let checks: Vec<&CheckReport> = report
        .checks
        .iter()
        .filter(|c| c.category == category.id)
        .collect();
    for check in &checks {
        check_block(out, check);
    }
    let mut kinds: Vec<&str> = checks.iter().map(|c| c.kind.as_str()).collect();
    kinds.dedup();
    for note in KINDS
        .iter()
        .filter(|k| kinds.contains(&k.name))
        .filter_map(|k| k.report_note)
    {
        let _ = write!(out, "<p class=\"muted\">{note}</p>");
    }
    out.push_str("</section>\n");
}

/// A check by its title (its id small beside it), its score, why it could not measure, its
/// measures in words with their units, and its findings.
fn check_block(out: &mut String, check: &CheckReport) {
    let _ = write!(
        out,
        "<h3>{} <small class=\"id\">{}</small></h3><p>{}</p>",
        esc(&check.title),
        esc(&check.id),
        bar(check.score)
    );
    if let Some(error) = &check.error {
        let _ = write!(
            out,
            "<p class=\"fail\">Could not be measured: {}</p>",
            esc(error)
        );
    }
    if !check.metrics.is_empty() {
        // Two measures a row: a check's figures on half the paper a table would take.
        out.push_str("<dl class=\"measures\">");
        for metric in &check.metrics {
            let _ = write!(
                out,
                "<dt>{}</dt><dd>{}</dd>",
                esc(&metric.label()),
                esc(&metric.display_value())
            );
        }
        out.push_str("</dl>");
    }
    finding_list(out, &check.findings);
}

fn finding_list(out: &mut String, findings: &[Finding]) {
    if findings.is_empty() {
        return;
    }
    out.push_str("<ul>");
    for finding in findings {
        let _ = write!(
            out,
            "<li class=\"{}\"><b>{}</b> {} <span class=\"muted\">→ {}</span></li>",
            severity_class(finding.severity),
            severity_word(finding.severity),
            esc(&finding.message),
            esc(&finding.recommendation)
        );
    }
    out.push_str("</ul>");
}

fn evidence(out: &mut String, report: &Report) {
    out.push_str("<section><h2>Appendix: evidence</h2><p class=\"muted\">What each check saw, as it was recorded.</p>");
    for check in report.checks.iter().filter(|c| !c.evidence.is_empty()) {
        let _ = write!(
            out,
            "<h3>{} <small class=\"id\">{}</small></h3>",
            esc(&check.title),
            esc(&check.id)
        );
        evidence_table(out, &check.evidence);
    }
    out.push_str("</section>\n");
}

fn evidence_table(out: &mut String, evidence: &[Evidence]) {
    if evidence.is_empty() {
        return;
    }
    out.push_str("<table><tr><th>Source</th><th>When</th><th>What was seen</th></tr>");
    for item in evidence {
        let when = item
            .observed_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{when}</td><td class=\"excerpt\">{}</td></tr>",
            link_or_text(&item.source),
            esc(&item.excerpt)
        );
    }
    out.push_str("</table>");
}

fn methodology(out: &mut String, report: &Report, evidence: EvidencePlacement) {
    out.push_str("<section><h2>Appendix: methodology</h2><p>Checks score 0–100; a category is the weighted mean of its checks, responsiveness the mean of its channels by their voice; the overall is the weighted mean of the categories that could be scored, with its coverage (the share of the audit that was measured). Below 60% coverage the grade is provisional. Grades: 90–100 customer-centric, 50–89 in transition, 0–49 product- or channel-centric.</p>");
    if evidence == EvidencePlacement::None {
        out.push_str("<p>The evidence behind each finding (pages seen, contacts logged, answers counted) is kept with the audit and left out of this report.</p>");
    }
    out.push_str("<table><tr><th>Category</th><th class=\"num\">Weight</th></tr>");
    for c in &report.categories {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(&c.title),
            c.weight
        );
    }
    out.push_str("</table><p>Times score on a log-normal curve: 90 at the p10 time, 50 at the median.</p><table><tr><th>Benchmark</th><th class=\"num\">p10</th><th class=\"num\">Median</th><th>Source</th></tr>");
    for b in benchmarks::shipped().all() {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"excerpt\">{}</td></tr>",
            esc(&crate::text::capitalised(&b.measure)),
            super::model::human_seconds(b.curve.p10),
            super::model::human_seconds(b.curve.median),
            esc(&b.source)
        );
    }
    out.push_str("</table></section>\n");
}

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Fail => "fail",
        Severity::Warn => "warn",
        Severity::Info => "info",
    }
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Fail => "Fail",
        Severity::Warn => "Warn",
        Severity::Info => "Note",
    }
}

/// A link when the text is an http(s) URL (so `javascript:` and the like stay text), else text.
fn link_or_text(text: &str) -> String {
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => {
            let href = esc(url.as_str());
            format!("<a href=\"{href}\" rel=\"noreferrer\">{}</a>", esc(text))
        }
        _ => esc(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_text_cannot_become_markup_or_a_script_link() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(link_or_text("javascript:alert(1)"), "javascript:alert(1)");
        assert!(
            link_or_text("https://a.example/?q=\"><b>")
                .starts_with("<a href=\"https://a.example/?q=%22%3E%3Cb%3E\"")
        );
    }
}
