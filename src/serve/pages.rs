//! The dashboard's views: the store's audits and portfolios, a portfolio's ranking, an audit's
//! runs over time, a run's report, and what changed between two runs. Each reads the store in
//! one job on a worker, through indexed queries and the figures stored with each run, never by
//! reading every report; a name the request's scope may not read is a 404, as one that does not
//! exist.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, PreEscaped, html};
use serde::{Deserialize, Serialize};

use super::layout::{self, Format, Text, answer, figure, message_page, percent, segment};
use super::{App, Scope};
use crate::category::Category;
use crate::portfolio::{CompanyResult, PortfolioOutput};
use crate::report::{Decoration, History, TrendPoint};
use crate::store::{RunFigures, ScoreLevel, StoreError};

/// Runs shown in an audit's trend on the front page.
const FRONT_TREND: i64 = 12;

/// What narrows a view (its `?format=` is the [`Format`] extractor's).
#[derive(Debug, Default, Deserialize)]
pub struct ViewQuery {
    /// `/portfolio/{name}?sector=energy`: only that sector's companies.
    sector: Option<String>,
    /// `/audit/{name}?baseline=ID`: the run the others are compared with (else the first).
    baseline: Option<i64>,
}

fn not_found_page() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "Not found",
        "Nothing by that name is here for you.",
    )
}

fn store_failed(e: &StoreError) -> Response {
    match e {
        StoreError::NoSuchRun(_) => not_found_page(),
        _ => {
            tracing::warn!("the store failed a page: {e}");
            message_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "The store did not answer",
                "The history store could not be read; try again in a moment.",
            )
        }
    }
}

pub async fn not_found() -> Response {
    not_found_page()
}

pub async fn healthz(State(app): State<Arc<App>>) -> Response {
    match app.pool.with(|store| store.ping()).await {
        Ok(_) => layout::typed("text/plain; charset=utf-8", b"ok\n".to_vec()),
        Err(e) => store_failed(&e),
    }
}

// ---------------------------------------------------------------------------------------
// The front page

#[derive(Debug, Serialize)]
struct Front {
    portfolios: Vec<PortfolioLine>,
    audits: Vec<AuditLine>,
}

#[derive(Debug, Serialize)]
struct PortfolioLine {
    name: String,
    companies: usize,
    /// How many of them were measured well enough to be ranked.
    ranked: usize,
    /// The mean of the ranked companies' latest overall scores.
    mean: Option<f64>,
    latest: String,
}

#[derive(Debug, Serialize)]
struct AuditLine {
    #[serde(flatten)]
    latest: RunFigures,
    runs_shown: usize,
    /// The overall score of the audit's last runs, oldest first.
    trend: Vec<Option<f64>>,
}

pub async fn index(
    State(app): State<Arc<App>>,
    Extension(scope): Extension<Scope>,
    format: Format,
) -> Response {
    let read = app
        .pool
        .with(|store| Ok((store.recent(FRONT_TREND)?, store.portfolio_members()?)))
        .await;
    let front = match read {
        Ok((recent, members)) => front(recent, members, &scope),
        Err(e) => return store_failed(&e),
    };
    answer(
        format,
        || front_html(&front),
        || serde_json::to_vec_pretty(&front).unwrap_or_default(),
        || {
            layout::sheet(|sheet| {
                sheet.row([
                    "audit",
                    "portfolio",
                    "sector",
                    "run",
                    "date",
                    "score",
                    "grade",
                    "coverage",
                    "complete",
                ]);
                for line in &front.audits {
                    let run = &line.latest;
                    sheet.row([
                        run.audit.clone(),
                        run.portfolio.clone().unwrap_or_default(),
                        run.sector.clone().unwrap_or_default(),
                        run.id.to_string(),
                        day(&run.started_at).to_string(),
                        run.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
                        run.grade.clone().unwrap_or_default(),
                        percent(run.coverage),
                        run.complete.to_string(),
                    ]);
                }
            })
        },
    )
}

/// The newest runs of each audit that the scope reads, folded into one line per audit, and the
/// portfolios it reads, each from the companies its own page shows.
fn front(recent: Vec<RunFigures>, members: Vec<RunFigures>, scope: &Scope) -> Front {
    let mut audits: Vec<AuditLine> = Vec::new();
    for run in recent
        .into_iter()
        .filter(|run| scope.reads(run.portfolio.as_deref()))
    {
        match audits.last_mut() {
            Some(line) if line.latest.audit == run.audit => {
                line.trend.push(run.score);
                line.runs_shown += 1;
                line.latest = run;
            }
            _ => audits.push(AuditLine {
                trend: vec![run.score],
                runs_shown: 1,
                latest: run,
            }),
        }
    }
    Front {
        portfolios: portfolio_lines(members, scope),
        audits,
    }
}

/// One line per portfolio from its companies' newest runs in it (`members`, by portfolio): the
/// mean is of the ranked companies only, as the portfolio's page ranks them, since a company
/// nobody could measure well enough would pull the mean toward a number nobody measured.
fn portfolio_lines(members: Vec<RunFigures>, scope: &Scope) -> Vec<PortfolioLine> {
    let mut lines: Vec<PortfolioLine> = Vec::new();
    let mut sum = 0.0;
    for run in members {
        let Some(name) = run.portfolio.clone() else {
            continue;
        };
        if !scope.reads_portfolio(&name) {
            continue;
        }
        if lines.last().is_none_or(|line| line.name != name) {
            sum = 0.0;
            lines.push(PortfolioLine {
                name,
                companies: 0,
                ranked: 0,
                mean: None,
                latest: String::new(),
            });
        }
        let Some(line) = lines.last_mut() else {
            continue;
        };
        line.companies += 1;
        let date = day(&run.started_at);
        if date > line.latest.as_str() {
            line.latest = date.to_string();
        }
        let score = run.score;
        if let (Some(score), None) = (score, company(0, run, Vec::new()).unranked_reason()) {
            sum += score;
            line.ranked += 1;
            #[expect(clippy::cast_precision_loss, reason = "company counts")]
            let mean = sum / line.ranked as f64;
            line.mean = Some(mean);
        }
    }
    lines
}

fn front_html(front: &Front) -> String {
    let body = html! {
        h1 { "Customer-centricity dashboard" }
        @if front.portfolios.is_empty() && front.audits.is_empty() {
            p { "No run is recorded in this store yet, or none you may read." }
        }
        @if !front.portfolios.is_empty() {
            h2 { "Portfolios" }
            table {
                tr { th { "Portfolio" } th.num { "Companies" } th.num { "Ranked" } th { "Mean overall (ranked)" } th { "Latest run" } }
                @for p in &front.portfolios {
                    tr {
                        td { a href=(format!("/portfolio/{}", segment(&p.name))) { (Text(&p.name)) } }
                        td.num { (p.companies) }
                        td.num { (p.ranked) }
                        td { (PreEscaped(crate::report::html::bar(p.mean))) }
                        td { (Text(&p.latest)) }
                    }
                }
            }
        }
        @if !front.audits.is_empty() {
            h2 { "Audits" }
            table {
                tr { th { "Audit" } th { "Portfolio" } th { "Latest" } th { "Grade" } th.num { "Coverage" } th { "Trend" } th { "Date" } }
                @for line in &front.audits {
                    @let run = &line.latest;
                    tr {
                        td { a href=(format!("/audit/{}", segment(&run.audit))) { (Text(&run.audit)) } }
                        td { (Text(run.portfolio.as_deref().unwrap_or(""))) }
                        td { (PreEscaped(crate::report::html::bar(run.score))) }
                        td { (Text(run.grade.as_deref().unwrap_or("not scored"))) }
                        td.num { (percent(run.coverage)) }
                        td.spark title=(format!("the last {} runs", line.runs_shown)) { (crate::views::history::sparkline(&line.trend)) }
                        td { a href=(format!("/run/{}", run.id)) { (Text(day(&run.started_at))) } }
                    }
                }
            }
        }
    };
    layout::page("Dashboard", "", "/", body)
}

/// The day of a stored time (`2026-11-18T09:10:00Z` → `2026-11-18`).
fn day(time: &str) -> &str {
    time.get(..10).unwrap_or(time)
}

// ---------------------------------------------------------------------------------------
// A portfolio

#[derive(Debug, Serialize)]
struct PortfolioView {
    #[serde(flatten)]
    output: PortfolioOutput,
    sectors: Vec<String>,
    /// The portfolio's mean overall score per day it was run (all its sectors), the days when
    /// at least half its companies were scored.
    trend: Vec<TrendDay>,
}

#[derive(Debug, Serialize)]
struct TrendDay {
    date: String,
    /// The mean of the overall scores recorded that day.
    mean: f64,
    /// How many scored runs that mean is of.
    runs: i64,
}

/// A day's mean stands for the portfolio when at least half its companies were scored that day:
/// three companies re-run on a Tuesday are not the portfolio's overall.
fn whole_portfolio_days(
    days: Vec<(String, f64, i64)>,
    companies: usize,
) -> impl Iterator<Item = TrendDay> {
    days.into_iter()
        .filter(move |(_, _, runs)| usize::try_from(*runs).unwrap_or(0) * 2 >= companies)
        .map(|(date, mean, runs)| TrendDay { date, mean, runs })
}

pub async fn portfolio(
    State(app): State<Arc<App>>,
    Extension(scope): Extension<Scope>,
    Path(name): Path<String>,
    Query(query): Query<ViewQuery>,
    format: Format,
) -> Response {
    if !scope.reads_portfolio(&name) {
        return not_found_page();
    }
    let wanted = name.clone();
    let read = app
        .pool
        .with(move |store| Ok((store.board(&wanted)?, store.portfolio_trend(&wanted)?)))
        .await;
    let (board, trend) = match read {
        Ok(read) => read,
        Err(e) => return store_failed(&e),
    };
    if board.is_empty() {
        return not_found_page();
    }
    let mut sectors: Vec<String> = board
        .iter()
        .filter_map(|(run, _)| run.sector.clone())
        .collect();
    sectors.sort();
    sectors.dedup();
    let trend = whole_portfolio_days(trend, board.len()).collect();
    let companies = board
        .into_iter()
        .filter(|(run, _)| query.sector.is_none() || run.sector == query.sector)
        .enumerate()
        .map(|(i, (run, categories))| company(i, run, categories))
        .collect();
    let view = PortfolioView {
        output: PortfolioOutput {
            portfolio: name.clone(),
            shard: None,
            companies,
        },
        sectors,
        trend,
    };
    answer(
        format,
        || portfolio_html(&view, query.sector.as_deref()),
        || serde_json::to_vec_pretty(&view).unwrap_or_default(),
        || crate::portfolio::rank::matrix(&view.output),
    )
}

/// A company of the board as the ranking reads it, linked to its audit's page.
fn company(index: usize, run: RunFigures, categories: Vec<(String, Option<f64>)>) -> CompanyResult {
    let error = run
        .score
        .is_none()
        .then(|| "nothing could be scored: see each check's error".to_string());
    let incomplete = (!run.complete)
        .then(|| "the run did not complete (its report names the checks)".to_string());
    CompanyResult {
        report_file: Some(format!("../audit/{}", segment(&run.audit))),
        name: run.audit,
        sector: run.sector,
        row: index + 2,
        score: run.score,
        coverage: run.coverage,
        categories: categories.into_iter().collect(),
        channels: BTreeMap::new(),
        error,
        incomplete,
        report: None,
        presentation: None,
        sent: Vec::new(),
    }
}

fn portfolio_html(view: &PortfolioView, sector: Option<&str>) -> String {
    let name = &view.output.portfolio;
    let path = format!("/portfolio/{}", segment(name));
    let points: Vec<TrendPoint> = view
        .trend
        .iter()
        .map(|d| TrendPoint {
            date: d.date.clone(),
            score: d.mean,
        })
        .collect();
    let body = html! {
        @if view.sectors.len() > 1 {
            p.formats {
                "Sector: "
                @if sector.is_none() { b { "all" } } @else { a href=(path) { "all" } }
                @for s in &view.sectors {
                    " · "
                    @if sector == Some(s.as_str()) { b { (Text(s)) } }
                    @else { a href=(format!("{path}?sector={}", segment(s))) { (Text(s)) } }
                }
            }
        }
        (PreEscaped(crate::portfolio::page::body(&view.output)))
        @if let Some(chart) = crate::report::html::trend_chart(&points) {
            section {
                h2 { "Over time" }
                p.muted {
                    "The mean overall score of the portfolio's runs on each day at least half its companies were scored"
                    @if sector.is_some() { ", all sectors" }
                    "."
                }
                (PreEscaped(chart))
            }
        }
    };
    layout::page(
        &format!("Portfolio: {name}"),
        crate::portfolio::page::STYLE,
        &sector.map_or(path.clone(), |s| format!("{path}?sector={}", segment(s))),
        body,
    )
}

// ---------------------------------------------------------------------------------------
// An audit over time

#[derive(Debug, Serialize)]
struct AuditView {
    audit: String,
    baseline: Option<i64>,
    categories: Vec<String>,
    runs: Vec<AuditRun>,
    /// The newest run's action plan as that audit read it; absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    actions: Option<crate::report::model::ActionsReview>,
}

#[derive(Debug, Serialize)]
struct AuditRun {
    #[serde(flatten)]
    figures: RunFigures,
    categories: BTreeMap<String, Option<f64>>,
}

pub async fn audit(
    State(app): State<Arc<App>>,
    Extension(scope): Extension<Scope>,
    Path(name): Path<String>,
    Query(query): Query<ViewQuery>,
    format: Format,
) -> Response {
    let wanted = name.clone();
    let read = app
        .pool
        .with(move |store| Ok((store.audit_runs(&wanted)?, store.scores(Some(&wanted))?)))
        .await;
    let (runs, scores) = match read {
        Ok(read) => read,
        Err(e) => return store_failed(&e),
    };
    // An audit's key is a company's name, which two clients' portfolios may share: each sees
    // the runs recorded for what it may read, and an audit with none of those is not there.
    let runs: Vec<RunFigures> = runs
        .into_iter()
        .filter(|run| scope.reads(run.portfolio.as_deref()))
        .collect();
    if runs.is_empty() {
        return not_found_page();
    }
    let shown: std::collections::BTreeSet<i64> = runs.iter().map(|r| r.id).collect();
    let mut by_run: BTreeMap<i64, BTreeMap<String, Option<f64>>> = BTreeMap::new();
    for row in scores
        .into_iter()
        .filter(|s| s.level == ScoreLevel::Category && shown.contains(&s.run_id))
    {
        by_run
            .entry(row.run_id)
            .or_default()
            .insert(row.key, row.score);
    }
    let categories: Vec<String> = Category::ALL
        .iter()
        .map(|c| c.id().to_string())
        .filter(|id| by_run.values().any(|c| c.contains_key(id)))
        .collect();
    let baseline = query
        .baseline
        .filter(|id| runs.iter().any(|r| r.id == *id))
        .or_else(|| runs.first().map(|r| r.id));
    // One report read, the newest shown: where the plan stands beside the trend.
    let newest = runs.last().map(|r| r.id);
    let actions = match newest {
        Some(id) => match app.pool.with(move |store| store.report(id)).await {
            Ok(report) => report.actions,
            Err(e) => return store_failed(&e),
        },
        None => None,
    };
    let view = AuditView {
        audit: name,
        baseline,
        categories,
        actions,
        runs: runs
            .into_iter()
            .map(|figures| AuditRun {
                categories: by_run.remove(&figures.id).unwrap_or_default(),
                figures,
            })
            .collect(),
    };
    answer(
        format,
        || audit_html(&view),
        || serde_json::to_vec_pretty(&view).unwrap_or_default(),
        || {
            layout::sheet(|sheet| {
                let mut header: Vec<String> = [
                    "run", "date", "score", "grade", "coverage", "complete", "commit", "branch",
                    "baseline",
                ]
                .map(String::from)
                .to_vec();
                header.extend(view.categories.iter().cloned());
                sheet.row(header);
                for run in &view.runs {
                    let f = &run.figures;
                    let mut row = vec![
                        f.id.to_string(),
                        day(&f.started_at).to_string(),
                        f.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
                        f.grade.clone().unwrap_or_default(),
                        percent(f.coverage),
                        f.complete.to_string(),
                        f.commit.clone().unwrap_or_default(),
                        f.branch.clone().unwrap_or_default(),
                        (view.baseline == Some(f.id)).to_string(),
                    ];
                    row.extend(view.categories.iter().map(|c| {
                        run.categories
                            .get(c)
                            .copied()
                            .flatten()
                            .map(|s| format!("{s:.1}"))
                            .unwrap_or_default()
                    }));
                    sheet.row(row);
                }
            })
        },
    )
}

fn audit_html(view: &AuditView) -> String {
    let path = format!("/audit/{}", segment(&view.audit));
    let points: Vec<TrendPoint> = view
        .runs
        .iter()
        .filter_map(|r| {
            r.figures.score.map(|score| TrendPoint {
                date: day(&r.figures.started_at).to_string(),
                score,
            })
        })
        .collect();
    let base = view
        .runs
        .iter()
        .find(|r| Some(r.figures.id) == view.baseline)
        .and_then(|r| r.figures.score);
    let body = html! {
        p.muted { "Audit" }
        h1 { (Text(&view.audit)) }
        @if let Some(chart) = crate::report::html::trend_chart(&points) {
            (PreEscaped(chart))
        }
        h2 { "Runs" }
        p.muted { "Δ is against the baseline run, marked; choose another with ?baseline=RUN." }
        div.wide { table {
            tr {
                th { "Run" } th { "Date" } th { "Score" } th.num { "Δ" } th { "Grade" } th.num { "Coverage" } th { "Commit" }
                @for c in &view.categories { th.num { (category_title(c)) } }
                th { "" }
            }
            @for run in view.runs.iter().rev() {
                @let f = &run.figures;
                @let is_base = view.baseline == Some(f.id);
                tr class=[is_base.then_some("baseline")] {
                    td { a href=(format!("/run/{}", f.id)) { "#" (f.id) } }
                    td { (Text(day(&f.started_at))) }
                    td { (PreEscaped(crate::report::html::bar(f.score))) }
                    td.num { (change(f.score, base)) }
                    td { (Text(f.grade.as_deref().unwrap_or("not scored"))) @if !f.complete { " (incomplete)" } }
                    td.num { (percent(f.coverage)) }
                    td { (Text(&commit(f))) }
                    @for c in &view.categories { td.num { (figure(run.categories.get(c).copied().flatten())) } }
                    td {
                        @if is_base { b { "baseline" } }
                        @else if let Some(b) = view.baseline { a href=(format!("/compare/{b}/{}", f.id)) { "compare" } }
                    }
                }
            }
        } }
        // Below the runs: a plan runs to dozens of rows, the runs table is what a reader scans.
        @if let Some(review) = &view.actions {
            (PreEscaped(crate::report::html::action_plan(review)))
        }
    };
    layout::page(&format!("Audit: {}", view.audit), "", &path, body)
}

/// A category by its title (an id this build does not know, as it is).
fn category_title(id: &str) -> &str {
    Category::ALL
        .iter()
        .find(|c| c.id() == id)
        .map_or(id, |c| c.title())
}

fn commit(f: &RunFigures) -> String {
    let sha = f.commit.as_deref().map(|c| crate::text::first_chars(c, 8));
    match (sha, f.branch.as_deref()) {
        (Some(sha), Some(branch)) => format!("{sha} ({branch})"),
        (Some(sha), None) => sha.to_string(),
        (None, Some(branch)) => branch.to_string(),
        (None, None) => String::new(),
    }
}

fn change(now: Option<f64>, base: Option<f64>) -> String {
    match (now, base) {
        (Some(n), Some(b)) if (n - b).abs() < 0.05 => "±0".into(),
        (Some(n), Some(b)) if n > b => format!("+{:.1}", n - b),
        (Some(n), Some(b)) => format!("−{:.1}", b - n),
        _ => "—".into(),
    }
}

// ---------------------------------------------------------------------------------------
// A run, and two runs compared

pub async fn run(
    State(app): State<Arc<App>>,
    Extension(scope): Extension<Scope>,
    Path(id): Path<String>,
    format: Format,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return not_found_page();
    };
    let read = app
        .pool
        .with(move |store| {
            // Scope first: a run another client's is as absent as one that never was, and as
            // quick to say so.
            if !scope.reads(store.context(id)?.portfolio.as_deref()) {
                return Err(StoreError::NoSuchRun(id));
            }
            let report = store.report(id)?;
            let runs = store.audit_runs(report.audit_key())?;
            let trend = crate::store::history::trend(
                runs.iter()
                    .filter(|r| r.id <= id && scope.reads(r.portfolio.as_deref()))
                    .map(|r| (r.started_at.as_str(), r.score)),
            );
            Ok((report, trend))
        })
        .await;
    let (report, trend) = match read {
        Ok(read) => read,
        Err(e) => return store_failed(&e),
    };
    let surroundings = History {
        trend: &trend,
        ..History::default()
    };
    answer(
        format,
        || {
            let page =
                crate::report::Format::Html.render(&report, Decoration::default(), &surroundings);
            // The report as `report ID --format html` writes it, with a way back.
            let back = format!(
                "<nav class=\"top\"><a href=\"/\">centricity</a> · <a href=\"/audit/{}\">{}</a> · run #{id}</nav>",
                segment(report.audit_key()),
                crate::report::sanitize::html(report.audit_key())
            );
            String::from_utf8_lossy(&page).replacen("<body>\n", &format!("<body>\n{back}"), 1)
        },
        || crate::report::Format::Json.render(&report, Decoration::default(), &surroundings),
        || {
            let decoration = Decoration {
                csv_bom: false,
                ..Decoration::default()
            };
            crate::report::Format::Csv.render(&report, decoration, &surroundings)
        },
    )
}

pub async fn compare(
    State(app): State<Arc<App>>,
    Extension(scope): Extension<Scope>,
    Path((a, b)): Path<(String, String)>,
    format: Format,
) -> Response {
    let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) else {
        return not_found_page();
    };
    let read = app
        .pool
        .with(move |store| {
            for id in [a, b] {
                if !scope.reads(store.context(id)?.portfolio.as_deref()) {
                    return Err(StoreError::NoSuchRun(id));
                }
            }
            Ok((store.report(a)?, store.report(b)?))
        })
        .await;
    let (before, after) = match read {
        Ok(read) => read,
        Err(e) => return store_failed(&e),
    };
    if before.audit_key() != after.audit_key() {
        return message_page(
            StatusCode::BAD_REQUEST,
            "Two audits",
            "These runs are of two audits: compare two runs of one audit.",
        );
    }
    let comparison = crate::score::compare::compare(a, &before, b, &after);
    answer(
        format,
        || compare_html(&comparison, before.audit_key()),
        || crate::views::compare::render(&comparison, crate::views::Format::Json),
        || {
            layout::sheet(|sheet| {
                sheet.row(["level", "key", "before", "after", "change"]);
                let delta = |d: &crate::score::compare::Delta| {
                    [d.before, d.after, d.change]
                        .map(|v| v.map(|s| format!("{s:.1}")).unwrap_or_default())
                };
                let [x, y, z] = delta(&comparison.overall);
                sheet.row(["overall".to_string(), String::new(), x, y, z]);
                for (level, rows) in [
                    ("category", &comparison.categories),
                    ("check", &comparison.checks),
                ] {
                    for (key, d) in rows {
                        let [x, y, z] = delta(d);
                        sheet.row([level.to_string(), key.clone(), x, y, z]);
                    }
                }
                for (level, texts) in [
                    ("finding appeared", &comparison.findings_appeared),
                    ("finding gone", &comparison.findings_disappeared),
                    ("check added", &comparison.checks_added),
                    ("check removed", &comparison.checks_removed),
                ] {
                    for text in texts {
                        sheet.row([level, text.as_str(), "", "", ""]);
                    }
                }
            })
        },
    )
}

fn compare_html(c: &crate::score::compare::Comparison, audit: &str) -> String {
    let row = |name: &str, d: &crate::score::compare::Delta| {
        html! {
            tr {
                td { (Text(name)) }
                td.num { (figure(d.before)) }
                td.num { (figure(d.after)) }
                td.num { (change(d.after, d.before)) }
            }
        }
    };
    let list = |title: &str, items: &[String]| -> Markup {
        html! {
            @if !items.is_empty() {
                h3 { (Text(title)) }
                ul { @for item in items { li { (Text(item)) } } }
            }
        }
    };
    let body = html! {
        p.muted { "Audit " a href=(format!("/audit/{}", segment(audit))) { (Text(audit)) } }
        h1 { "Run #" (c.from) " → run #" (c.to) }
        table {
            tr { th { "" } th.num { a href=(format!("/run/{}", c.from)) { "#" (c.from) } } th.num { a href=(format!("/run/{}", c.to)) { "#" (c.to) } } th.num { "Δ" } }
            (row("Overall", &c.overall))
            @for (id, d) in &c.categories { (row(category_title(id), d)) }
        }
        @if !c.checks.is_empty() {
            h2 { "Checks" }
            table {
                tr { th { "Check" } th.num { "Before" } th.num { "After" } th.num { "Δ" } }
                @for (id, d) in &c.checks { (row(id, d)) }
            }
        }
        h2 { "Findings" }
        @if c.findings_appeared.is_empty() && c.findings_disappeared.is_empty() {
            p { "The same findings in both runs." }
        }
        (list("Appeared", &c.findings_appeared))
        (list("Gone", &c.findings_disappeared))
        (list("Checks added", &c.checks_added))
        (list("Checks removed", &c.checks_removed))
    };
    layout::page(
        &format!("Compare #{} and #{}", c.from, c.to),
        "",
        &format!("/compare/{}/{}", c.from, c.to),
        body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_few_companies_ran_is_not_the_portfolios_mean() {
        let days = vec![
            ("2026-11-02".to_string(), 61.0, 10),
            ("2026-11-03".to_string(), 20.0, 3),
            ("2026-11-09".to_string(), 64.0, 5),
        ];
        let shown: Vec<String> = whole_portfolio_days(days, 10).map(|d| d.date).collect();
        assert_eq!(shown, ["2026-11-02", "2026-11-09"]);
    }

    fn member(
        portfolio: &str,
        audit: &str,
        score: f64,
        coverage: f64,
        complete: bool,
    ) -> RunFigures {
        RunFigures {
            id: 1,
            audit: audit.into(),
            started_at: "2026-11-02T09:00:00Z".into(),
            score: Some(score),
            coverage: Some(coverage),
            grade: None,
            complete,
            portfolio: Some(portfolio.into()),
            sector: None,
            commit: None,
            branch: None,
        }
    }

    #[test]
    fn a_portfolios_mean_is_of_its_ranked_companies_and_a_token_sees_its_own() {
        let members = vec![
            member("Banks", "First", 80.0, 1.0, true),
            member("Banks", "Thin", 10.0, 0.2, true),
            member("Banks", "Halted", 5.0, 1.0, false),
            member("Banks", "Second", 60.0, 0.9, true),
            member("Hidden", "Other", 50.0, 1.0, true),
        ];
        let all = portfolio_lines(members.clone(), &Scope::All);
        assert_eq!(all.len(), 2);
        let banks = &all[0];
        assert_eq!(
            (banks.name.as_str(), banks.companies, banks.ranked),
            ("Banks", 4, 2)
        );
        assert_eq!(banks.mean, Some(70.0));
        let scoped = Scope::Portfolios(["Banks".to_string()].into());
        let seen: Vec<String> = portfolio_lines(members, &scoped)
            .into_iter()
            .map(|l| l.name)
            .collect();
        assert_eq!(seen, ["Banks"]);
    }
}
