//! `centricity portfolio COMPANIES.csv --template AUDIT_FILE`: one audit per company, run
//! concurrently under one bound, each recorded under its own name, then ranked; and
//! `centricity merge` to rank the outputs of several shards together.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::input_error;
use crate::cli::{PortfolioArgs, PortfolioFormat};
use crate::exit::Exit;
use crate::portfolio::schedule::{Schedule, audit_all};
use crate::portfolio::{Merged, PortfolioOutput, Shard, Template, rank, read_companies};
use crate::report::sanitize::terminal;
use crate::store;

/// `(quiet, no_progress)`: `-q` hides the progress and the summary, `--no-progress` the progress.
pub fn run(args: &PortfolioArgs, (quiet, no_progress): (bool, bool)) -> Exit {
    let shard = match args.shard.as_deref().map(Shard::parse).transpose() {
        Ok(shard) => shard,
        Err(message) => return input_error(&message),
    };
    let template = match Template::load(&args.template) {
        Ok(t) => t,
        Err(e) => return input_error(&e.to_string()),
    };
    let (columns, rows) = match read_companies(&args.companies) {
        Ok(read) => read,
        Err(e) => return input_error(&e.to_string()),
    };
    if let Err(e) = template.check_columns(&columns, &args.companies) {
        return input_error(&e.to_string());
    }
    let mut store = if args.no_store {
        None
    } else {
        let url = args.store.clone().unwrap_or_else(|| {
            store::default_url(template.path.parent().unwrap_or(Path::new(".")))
        });
        match store::open(&url) {
            Ok(s) => Some(s),
            Err(e) => return input_error(&e.to_string()),
        }
    };
    let name = args.name.clone().unwrap_or_else(|| {
        args.companies
            .file_stem()
            .map_or_else(|| "portfolio".into(), |s| s.to_string_lossy().into_owned())
    });
    if let Some(dir) = &args.reports
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("error: cannot create {}: {e}", dir.display());
        return Exit::Runtime;
    }
    let runtime = match super::runtime(true) {
        Ok(rt) => rt,
        Err(exit) => return exit,
    };
    // Ctrl-C: no new company starts; those running stop as an audit does, and every company
    // already finished stays recorded.
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&interrupted);
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            flag.store(true, Ordering::SeqCst);
        }
    });
    let schedule = Schedule {
        template: &template,
        concurrency: usize::from(args.concurrency),
        timeout: args.timeout,
        offline: args.offline,
        shard,
        portfolio: &name,
        quiet,
        no_progress,
        reports: args.reports.as_deref(),
    };
    let mut scheduled = audit_all(
        runtime.handle(),
        rows,
        &schedule,
        store.as_deref_mut(),
        &interrupted,
    );
    let mut output = PortfolioOutput {
        portfolio: name,
        shard: args.shard.clone(),
        companies: std::mem::take(&mut scheduled.companies),
    };
    if let Some(dir) = &args.reports {
        let base = link_base(args.output.as_deref(), dir);
        for file in output
            .companies
            .iter_mut()
            .filter_map(|c| c.report_file.as_mut())
        {
            file.insert_str(0, &base);
        }
    }
    let unranked = rank::rank(&output.companies).unranked.len();
    scheduled.summary(unranked);
    let exit = write(
        &output,
        args.format,
        args.output.as_deref(),
        (unranked, args.allow_incomplete),
    );
    if scheduled.bad_rows {
        Exit::InvalidInput
    } else if interrupted.load(Ordering::SeqCst) {
        Exit::Incomplete
    } else {
        exit
    }
}

/// Writes the ranking; exit 4 when `unranked` companies could not be ranked, unless allowed.
fn write(
    output: &PortfolioOutput,
    format: PortfolioFormat,
    to: Option<&Path>,
    (unranked, allow_incomplete): (usize, bool),
) -> Exit {
    let bytes = match format {
        PortfolioFormat::Table => rank::table(output),
        PortfolioFormat::Json => rank::json(output),
        PortfolioFormat::CsvMatrix => rank::matrix(output),
        PortfolioFormat::Html => crate::portfolio::page::html(output),
    };
    match to {
        Some(path) => {
            if let Err(e) = crate::output::write_atomically(path, &bytes) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return Exit::Runtime;
            }
        }
        None => print!("{}", String::from_utf8_lossy(&bytes)),
    }
    if unranked > 0 && !allow_incomplete {
        eprintln!(
            "{unranked} of {} companies not ranked (see why in the output); --allow-incomplete to exit 0",
            output.companies.len()
        );
        Exit::Incomplete
    } else {
        Exit::Ok
    }
}

/// `centricity rank --portfolio NAME`: the ranking again, from each company's newest run in the
/// store (a shared PostgreSQL store holds every shard's).
pub fn rank_stored(
    portfolio: &str,
    url: Option<&str>,
    allow_incomplete: bool,
    format: PortfolioFormat,
    (to, reports): (Option<&Path>, Option<&Path>),
) -> Exit {
    let url = url.map_or_else(|| store::default_url(Path::new(".")), str::to_string);
    let runs = store::open_to_read(&url).and_then(|mut store| store.portfolio(portfolio));
    let runs = match runs {
        Ok(runs) => runs,
        Err(e) => return super::history::store_error(&e),
    };
    if runs.is_empty() {
        return input_error(&format!(
            "no run of portfolio `{}` in {}",
            terminal(portfolio),
            store::redact(&url)
        ));
    }
    let links = match reports
        .map(|dir| write_stored_reports(dir, to, &runs))
        .transpose()
    {
        Ok(links) => links,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Runtime;
        }
    };
    let mut companies = crate::portfolio::from_store(runs);
    for (company, link) in companies.iter_mut().zip(links.into_iter().flatten()) {
        company.report_file = Some(link);
    }
    let output = PortfolioOutput {
        portfolio: portfolio.to_string(),
        shard: None,
        companies,
    };
    let unranked = rank::rank(&output.companies).unranked.len();
    write(&output, format, to, (unranked, allow_incomplete))
}

/// `centricity merge SHARD.json…`: the shards' companies ranked together.
pub fn merge(
    files: &[PathBuf],
    allow_incomplete: bool,
    format: PortfolioFormat,
    to: Option<&Path>,
) -> Exit {
    let mut merged = Merged::default();
    for file in files {
        let read = std::fs::read(file)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                serde_json::from_slice::<PortfolioOutput>(&bytes).map_err(|e| e.to_string())
            });
        let part = match read {
            Ok(part) => part,
            Err(e) => {
                return input_error(&format!(
                    "{}: not a portfolio's JSON output ({e})",
                    file.display()
                ));
            }
        };
        if let Err(twice) = merged.add(part) {
            return input_error(&format!(
                "{}: {}",
                file.display(),
                terminal(&twice.to_string())
            ));
        }
    }
    match merged.finish() {
        Some(output) => {
            let unranked = rank::rank(&output.companies).unranked.len();
            write(&output, format, to, (unranked, allow_incomplete))
        }
        None => input_error("give the shards' JSON outputs to merge"),
    }
}

/// Each stored run's HTML report written into `dir`, as links from the page at `page`.
fn write_stored_reports(
    dir: &Path,
    page: Option<&Path>,
    runs: &[(Option<String>, crate::report::Report)],
) -> Result<Vec<String>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let base = link_base(page, dir);
    runs.iter()
        .map(|(_, report)| {
            crate::portfolio::write_report(dir, &report.audit.name, report, None)
                .map(|file| format!("{base}{file}"))
                .map_err(|e| format!("cannot write a report into {}: {e}", dir.display()))
        })
        .collect()
}

/// The reports folder as a link from the page's folder: relative when it is inside it (so the
/// page and its reports move together), else its absolute path.
fn link_base(page: Option<&Path>, dir: &Path) -> String {
    let page_dir = page
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let (Ok(page_dir), Ok(dir)) = (page_dir.canonicalize(), dir.canonicalize()) else {
        return format!("{}/", dir.display());
    };
    match dir.strip_prefix(&page_dir) {
        Ok(inside) if inside.as_os_str().is_empty() => String::new(),
        Ok(inside) => format!("{}/", inside.display()),
        Err(_) => format!("{}/", dir.display()),
    }
}
