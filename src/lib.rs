//! centricity: audits how customer-centric a company is.
//!
//! Data flows one way: audit file ([`audit`]) → checks collect observations
//! ([`kinds`], each a [`kind::Kind`], run by [`mod@run`]) → pure scoring ([`score`]) → report
//! and renderers ([`report`]). `main.rs` only maps [`run()`]'s result to an exit code.

// Outside text is never cut by a byte index, which panics inside a character: cuts go
// through `str::get`, `split_once` or `text::prefix` (CI runs clippy with -D warnings).
#![warn(clippy::string_slice)]

pub mod actions;
pub mod audit;
pub mod benchmarks;
pub mod budget;
pub mod category;
pub mod channel;
pub mod children;
pub mod cli;
mod commands;
pub mod exit;
pub mod extract;
pub mod input;
pub mod kind;
pub mod kinds;
pub mod local_time;
pub mod net;
pub mod output;
pub mod portfolio;
pub mod report;
pub mod run;
pub mod score;
pub mod secret;
pub mod serve;
pub mod spanned;
pub mod spreadsheet;
pub mod stats;
pub mod store;
pub mod survey;
pub mod text;
pub mod verdict;
pub mod views;

use std::ffi::OsString;
use std::io::IsTerminal;

use clap::{CommandFactory, FromArgMatches};

use cli::{Cli, ColorChoice, Command};
pub use exit::Exit;

/// Parses the arguments and runs the command. Usage errors exit 3, like any
/// other invalid input (clap's own default would be 2, our threshold code).
pub fn run<I, T>(args: I) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = match Cli::command().try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                Exit::InvalidInput
            } else {
                Exit::Ok
            };
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return Exit::InvalidInput;
        }
    };
    init_logging(&cli);
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal() && no_color_unset(),
    };
    let decoration = report::Decoration {
        color,
        width: table_width(),
        full_text: cli.verbose > 0,
        ..report::Decoration::default()
    };
    match &cli.command {
        Command::Audit(args) => {
            let sub = matches.subcommand_matches("audit").unwrap_or(&matches);
            commands::audit::run(args, sub, decoration, (cli.quiet, cli.no_progress))
        }
        Command::Init {
            dir,
            force,
            site,
            delay,
        } => commands::init::run(dir, *force, cli.quiet, site.as_deref(), *delay),
        Command::Checks { id } => commands::checks::run(id.as_deref()),
        Command::Reviews(cli::ReviewsCommand::Extract {
            sources,
            format,
            country,
            sites,
            delay,
        }) => commands::reviews::run(&commands::reviews::Request {
            sources,
            json: *format == cli::ExtractFormat::Json,
            country: country.as_deref(),
            sites: sites.as_deref(),
            delay: *delay,
        }),
        Command::Survey(cli::SurveyCommand::Import {
            export,
            format,
            equal_voice,
        }) => commands::survey::import(export, *equal_voice, *format == cli::ExtractFormat::Json),
        Command::Survey(cli::SurveyCommand::Map {
            export,
            format,
            write_mapping,
        }) => commands::survey::map(
            export,
            write_mapping.as_deref(),
            *format == cli::ExtractFormat::Json,
        ),
        Command::Survey(cli::SurveyCommand::Interview {
            questionnaire,
            out,
            respondent,
            role,
        }) => commands::survey::interview(questionnaire, out, respondent, role.as_deref()),
        Command::Survey(cli::SurveyCommand::Template {
            questionnaire,
            format,
        }) => commands::survey::template(questionnaire, *format),
        Command::Probe(cli::ProbeCommand::Send {
            file,
            template,
            pace,
            check,
            store,
        }) => commands::probe::send(
            file,
            check.as_deref(),
            store.as_deref(),
            template.as_deref().map(|t| (t, *pace)),
            cli.quiet,
        ),
        Command::Probe(cli::ProbeCommand::Classify {
            files,
            audit,
            signals,
            store,
        }) => commands::probe::classify(
            files,
            audit.as_deref(),
            signals.as_deref(),
            store.as_deref(),
        ),
        Command::History(args) => commands::history::history(args),
        Command::Compare {
            run_a,
            run_b,
            store,
            audit,
            format,
        } => commands::history::compare(
            *run_a,
            *run_b,
            store.store.as_deref(),
            audit.as_deref(),
            *format == cli::ExtractFormat::Json,
        ),
        Command::Actions {
            run,
            format,
            output,
            update,
            fail_on_overdue,
            store,
            audit,
            csv_bom,
        } => commands::actions::run(&commands::actions::ActionsRequest {
            run: *run,
            store: store.store.as_deref(),
            audit: audit.as_deref(),
            format: *format,
            output: output.as_deref(),
            update: update.as_deref(),
            fail_on_overdue: *fail_on_overdue,
            csv_bom: *csv_bom,
        }),
        Command::Report {
            run,
            format,
            output,
            store,
            audit,
            csv_bom,
        } => commands::history::report(
            *run,
            (*format, output.as_deref()),
            store.store.as_deref(),
            audit.as_deref(),
            report::Decoration {
                csv_bom: *csv_bom,
                ..decoration
            },
        ),
        Command::Portfolio(args) => commands::portfolio::run(args, (cli.quiet, cli.no_progress)),
        Command::Serve(args) => commands::serve::run(args),
        Command::Rank {
            portfolio,
            store,
            format,
            output,
            reports,
            allow_incomplete,
        } => commands::portfolio::rank_stored(
            portfolio,
            store.as_deref(),
            *allow_incomplete,
            *format,
            (output.as_deref(), reports.as_deref()),
        ),
        Command::Merge {
            files,
            format,
            output,
            allow_incomplete,
        } => commands::portfolio::merge(files, *allow_incomplete, *format, output.as_deref()),
        Command::Completions { shell } => {
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "centricity",
                &mut std::io::stdout(),
            );
            Exit::Ok
        }
    }
}

/// The width tables are laid out in: `COLUMNS` when set (the shell's or the user's say), else
/// the terminal's when stdout is one; `None` off a terminal.
fn table_width() -> Option<u16> {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok());
    // Narrower than this no table is readable; wider, it is the user's choice.
    columns.filter(|w| *w >= 40).or_else(|| {
        std::io::stdout()
            .is_terminal()
            .then(|| comfy_table::Table::new().width())
            .flatten()
    })
}

/// NO_COLOR (no-color.org): any non-empty value turns colour off.
fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn init_logging(cli: &Cli) {
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => tracing::Level::ERROR,
        (false, 0) => tracing::Level::WARN,
        (false, 1) => tracing::Level::DEBUG,
        (false, _) => tracing::Level::TRACE,
    };
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && no_color_unset())
        .without_time()
        .try_init();
}
