//! The command line, clap definitions only.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;
use crate::survey::import::Layout;

/// The command line's view of closed sets the lower layers name without knowing clap: each
/// member's name, with the help `--help` lists beside it.
macro_rules! value_enum {
    ($($set:ty),+) => {$(
        impl ValueEnum for $set {
            fn value_variants<'a>() -> &'a [Self] {
                <$set>::ALL
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                let value = PossibleValue::new(self.name());
                let help: Option<&'static str> = self.help().into();
                Some(match help {
                    Some(help) => value.help(help),
                    None => value,
                })
            }
        }
    )+};
}

value_enum!(Format, Layout);

const EXIT_CODES: &str = "\
Exit codes:
  0  the audit ran and every threshold was met
  1  runtime failure: nothing could be scored
  2  a gate failed (--fail-under, [thresholds], --baseline with --max-drop)
  3  invalid input: audit file, CSV log, arguments
  4  the run is incomplete (a check errored or Ctrl-C) and --allow-incomplete was not given";

/// The help of every `--store`: what a store may be, then where the command looks without one.
macro_rules! store_help {
    ($default:literal) => {
        concat!(
            "History store: a SQLite file, sqlite:PATH, or a PostgreSQL URL postgres://user@host/db [default: ",
            $default,
            "]"
        )
    };
}

/// Audit how customer-centric a company is: responsiveness across channels,
/// ease of contact, reputation, feedback loop and frontline information,
/// scored and explained.
#[derive(Debug, Parser)]
#[command(name = "centricity", version, after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour terminal output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Never show progress on stderr (the audit's bar, a portfolio's line per company).
    #[arg(long, global = true)]
    pub no_progress: bool,
    /// Log what happens (-v details, -vv everything).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run an audit and report its scores.
    Audit(AuditArgs),
    /// Write a commented starter audit file.
    Init {
        /// Folder to write centricity.toml into.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Replace an existing centricity.toml.
        #[arg(long)]
        force: bool,
        /// Draft the file from a polite crawl of this site: contact pages, help centre, review profiles.
        #[arg(long, value_name = "URL")]
        site: Option<String>,
        /// With --site: pause between two requests to the site.
        #[arg(long, default_value = "1s", value_parser = crate::spanned::parse_duration)]
        delay: std::time::Duration,
    },
    /// List check kinds and shipped definitions, or explain one.
    Checks {
        /// A check kind (http, mystery-log, exec) or a benchmark (contact.phone).
        id: Option<String>,
    },
    /// Ratings and reviews found on pages.
    #[command(subcommand)]
    Reviews(ReviewsCommand),
    /// Questionnaires: score survey exports, print blank forms.
    #[command(subcommand)]
    Survey(SurveyCommand),
    /// Probes that wait for replies: `probe send` e-mails each `email` check's question.
    #[command(subcommand)]
    Probe(ProbeCommand),
    /// Scores over time (and `history prune|export|import` to keep the store tidy).
    History(HistoryArgs),
    /// What changed between two stored runs [default: the last two].
    Compare {
        run_a: Option<i64>,
        run_b: Option<i64>,
        #[command(flatten)]
        store: StoreArg,
        /// Only runs of this audit: its `[audit] id` (else name), or its audit file (whose store is
        /// then read); needed when the store holds several audits.
        #[arg(long)]
        audit: Option<String>,
        #[arg(long, value_enum, default_value_t = ExtractFormat::Table)]
        format: ExtractFormat,
    },
    /// A stored run's action plan (its id, or `last`): one action per warning or failure, with
    /// owner, due, status and notes to fill in; `--update` merges the run into a plan you keep.
    Actions {
        #[arg(value_parser = parse_run)]
        run: RunRef,
        /// How the plan is written (`--update` writes the plan back as the CSV it is).
        #[arg(long, value_enum, default_value_t = crate::actions::PlanFormat::Csv, conflicts_with = "update")]
        format: crate::actions::PlanFormat,
        /// Write it to FILE (`-` is stdout), whole or not at all. [default: stdout]
        #[arg(long, value_name = "FILE", conflicts_with = "update")]
        output: Option<PathBuf>,
        /// Merge the run into this plan and write it back: what people wrote is kept, the run's
        /// new findings are added as open, findings no longer measured are marked gone, rows of
        /// your own stay.
        #[arg(long, value_name = "PLAN")]
        update: Option<PathBuf>,
        /// Exit 2 if an action of the plan the run was audited with is past due and still measured.
        #[arg(long)]
        fail_on_overdue: bool,
        #[command(flatten)]
        store: StoreArg,
        /// The audit file whose store to read (its `.centricity/history.db`).
        #[arg(long, value_name = "FILE")]
        audit: Option<PathBuf>,
        /// Start CSV with a UTF-8 byte-order mark; `--csv-bom=false` for tools that dislike it.
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
        csv_bom: bool,
    },
    /// Re-render a stored run: its id, or `last`.
    Report {
        #[arg(value_parser = parse_run)]
        run: RunRef,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Write it to FILE (`-` is stdout), whole or not at all. [default: stdout]
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArg,
        /// The audit file whose store to read (its `.centricity/history.db`).
        #[arg(long, value_name = "FILE")]
        audit: Option<PathBuf>,
        /// Start CSV with a UTF-8 byte-order mark; `--csv-bom=false` for tools that dislike it.
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
        csv_bom: bool,
    },
    /// Audit many companies: one audit per row of a CSV, from an audit file with `{column}`
    /// placeholders, run concurrently, each recorded under its own name, then ranked.
    Portfolio(PortfolioArgs),
    /// Rank a portfolio again from the store: each company's newest run recorded for it.
    Rank {
        /// The portfolio's name (`portfolio --name`, or its CSV file's name).
        #[arg(long)]
        portfolio: String,
        #[arg(
            long,
            env = "CENTRICITY_STORE",
            hide_env_values = true,
            value_name = "URL",
            help = store_help!(".centricity/history.db here")
        )]
        store: Option<String>,
        #[arg(long, value_enum, default_value_t = PortfolioFormat::Table)]
        format: PortfolioFormat,
        /// Write here instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Write each company's HTML report into DIR (created if missing); `--format html`
        /// links to them.
        #[arg(long, value_name = "DIR")]
        reports: Option<PathBuf>,
        /// Exit 0 even when some companies could not be ranked.
        #[arg(long)]
        allow_incomplete: bool,
    },
    /// Serve the dashboard over the history store: portfolios, audits over time, every run's
    /// report and what changed between two runs, as pages, JSON and CSV (read-only).
    Serve(ServeArgs),
    /// Rank the JSON outputs of several `portfolio --shard K/N` runs together.
    Merge {
        /// The shards' outputs (`portfolio --format json`).
        #[arg(required = true, value_name = "SHARD.json")]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = PortfolioFormat::Table)]
        format: PortfolioFormat,
        /// Write here instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Exit 0 even when some companies could not be ranked.
        #[arg(long)]
        allow_incomplete: bool,
    },
    /// Print a shell completion script.
    Completions { shell: clap_complete::Shell },
}

#[derive(Debug, Subcommand)]
pub enum ProbeCommand {
    /// Send the tagged question of every `email` check, and submit every `web-form` (with
    /// `reply_via`, its answer comes by e-mail; else its answer page becomes its evidence), or
    /// only `--check ID`, and record each probe in the history store.
    /// Exit 0 when all were sent and recorded, 1 when one was not, 3 on invalid input.
    Send {
        /// The audit file; with --template, the companies CSV of a portfolio.
        file: PathBuf,
        /// Send a whole study's probes: FILE is the companies, this the audit file made for
        /// each (as `portfolio`); a company already probed is skipped, so a study resumes.
        #[arg(long, value_name = "AUDIT_FILE")]
        template: Option<PathBuf>,
        /// With --template, the pause between two companies' probes.
        #[arg(long, default_value = "2s", value_parser = crate::spanned::parse_duration)]
        pace: std::time::Duration,
        /// Only this check (an `email` check, or a `web-form` with `reply_via`).
        #[arg(long, value_name = "ID")]
        check: Option<String>,
        #[arg(
            long,
            env = "CENTRICITY_STORE",
            hide_env_values = true,
            value_name = "URL",
            help = store_help!(".centricity/history.db beside the audit file")
        )]
        store: Option<String>,
    },
    /// Say how saved messages (.eml) would be read as replies: bounce, automatic, newsletter or
    /// a person, with the reasons; with --audit, which probe of that audit each answers. The
    /// audit reads replies the same way.
    Classify {
        /// Messages saved from a mail client (.eml, RFC 5322).
        #[arg(required = true, value_name = "FILE.eml")]
        files: Vec<PathBuf>,
        /// The audit file whose probes the messages are matched to (and whose email check's
        /// `signals` are used).
        #[arg(long, value_name = "FILE")]
        audit: Option<PathBuf>,
        /// Reply signals of your own, added to the shipped checks/replies.toml (same shape).
        #[arg(long, value_name = "FILE")]
        signals: Option<PathBuf>,
        #[arg(
            long,
            env = "CENTRICITY_STORE",
            hide_env_values = true,
            value_name = "URL",
            help = store_help!("the store beside --audit's file; read only with --audit")
        )]
        store: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct PortfolioArgs {
    /// The companies: a CSV with a header, a `name` column, optionally `sector`, and any
    /// columns the template's placeholders name.
    pub companies: PathBuf,
    /// The audit file every company's audit is made from: `{name}`, `{site}`, any column.
    #[arg(long, value_name = "AUDIT_FILE")]
    pub template: PathBuf,
    /// The portfolio's name [default: the CSV file's name].
    #[arg(long)]
    pub name: Option<String>,
    /// Only shard K of N (rows split by a hash of the company's name), for a CI matrix or an
    /// indexed job; `centricity merge` ranks the shards together.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    #[arg(long, value_enum, default_value_t = PortfolioFormat::Table)]
    pub format: PortfolioFormat,
    /// Write here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write each company's HTML report into DIR (created if missing); `--format html`
    /// links to them.
    #[arg(long, value_name = "DIR")]
    pub reports: Option<PathBuf>,
    /// Companies audited at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,
    /// A check's limit unless the template sets one.
    #[arg(long, default_value = "60s", value_parser = crate::spanned::parse_duration)]
    pub timeout: std::time::Duration,
    /// Re-score from each company's saved evidence, no network.
    #[arg(long)]
    pub offline: bool,
    #[arg(
        long,
        env = "CENTRICITY_STORE",
        hide_env_values = true,
        value_name = "URL",
        help = store_help!(".centricity/history.db beside the template")
    )]
    pub store: Option<String>,
    /// Record nothing.
    #[arg(long)]
    pub no_store: bool,
    /// Exit 0 even when some companies could not be ranked (listed apart, with why).
    #[arg(long)]
    pub allow_incomplete: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PortfolioFormat {
    /// The ranking, for people.
    Table,
    /// Every company with its place and sector percentile (what `merge` reads).
    Json,
    /// One row per company, a column per category and channel, for a chart.
    CsvMatrix,
    /// One self-contained page to hand over: the ranking, a company × category heat map, each
    /// sector's spread, who was not ranked and why.
    Html,
}

/// A stored run: its id, or the newest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunRef {
    Last,
    Id(i64),
}

fn parse_run(text: &str) -> Result<RunRef, String> {
    if text == "last" {
        return Ok(RunRef::Last);
    }
    text.parse()
        .map(RunRef::Id)
        .map_err(|_| "a run id (a number, see `centricity history`) or `last`".to_string())
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ServeArgs {
    #[command(subcommand)]
    pub action: Option<ServeAction>,
    #[arg(
        long,
        env = "CENTRICITY_STORE",
        hide_env_values = true,
        value_name = "URL",
        help = store_help!(".centricity/history.db here")
    )]
    pub store: Option<String>,
    /// The address to listen on; any but a loopback one needs --tokens.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8040")]
    pub listen: std::net::SocketAddr,
    /// Who may read what: a TOML file whose `[tokens]` map `"sha256:<hex>"` to portfolio names
    /// (`["*"]` for all); `centricity serve hash-token` makes a line of it.
    #[arg(long, value_name = "FILE")]
    pub tokens: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ServeAction {
    /// Read a token on stdin and print its line for the tokens file (the token itself is
    /// never stored).
    HashToken,
}

#[derive(Debug, Args)]
pub struct StoreArg {
    #[arg(
        long,
        global = true,
        env = "CENTRICITY_STORE",
        hide_env_values = true,
        value_name = "URL",
        help = store_help!("the store beside --audit's file, else .centricity/history.db here")
    )]
    pub store: Option<String>,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub action: Option<HistoryAction>,
    /// Only runs of this audit: its `[audit] id` (else name), or its audit file (whose store is
    /// then read); needed when the store holds several audits.
    #[arg(long, global = true)]
    pub audit: Option<String>,
    #[arg(long, value_enum, default_value_t = HistoryFormat::Table)]
    pub format: HistoryFormat,
    #[command(flatten)]
    pub store: StoreArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    /// Runs, then a trend per category.
    Table,
    /// Long format: one row per run and category or check, ready for a chart.
    Csv,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum HistoryAction {
    /// Delete old runs: keep the newest N per audit, and/or drop those older than a duration.
    Prune {
        #[arg(long, value_name = "N")]
        keep: Option<usize>,
        #[arg(long, value_name = "DURATION", value_parser = crate::spanned::parse_duration)]
        older_than: Option<std::time::Duration>,
    },
    /// Write every run as JSON lines (to move them to another store).
    Export,
    /// Read runs written by `history export`.
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum ReviewsCommand {
    /// Print every rating found on pages: URLs (fetched politely) or saved files.
    Extract {
        /// Pages to read: http(s) URLs, paths or file:// URLs.
        #[arg(required = true, value_name = "FILE|URL")]
        sources: Vec<String>,
        /// json: one record per rating (or per source without one); table: for people.
        #[arg(long, value_enum, default_value_t = ExtractFormat::Table)]
        format: ExtractFormat,
        /// Two-letter country for app stores (`gl`, `country` parameters).
        #[arg(long)]
        country: Option<String>,
        /// A folder of extra site profiles (*.toml), tried before the shipped ones.
        #[arg(long, value_name = "DIR")]
        sites: Option<std::path::PathBuf>,
        /// Pause between two requests to the same host.
        #[arg(long, default_value = "1s", value_parser = crate::spanned::parse_duration)]
        delay: std::time::Duration,
    },
}

#[derive(Debug, Subcommand)]
pub enum SurveyCommand {
    /// Score a survey export (Google Forms, Microsoft Forms, Typeform, SurveyMonkey, Qualtrics, LimeSurvey, template).
    Import {
        #[command(flatten)]
        export: ExportArgs,
        #[arg(long, value_enum, default_value_t = ExtractFormat::Table)]
        format: ExtractFormat,
        /// Give each role one voice: average the role means.
        #[arg(long)]
        equal_voice: bool,
    },
    /// Show how each column of an export was matched to a question (and how), and which
    /// questions have no column; write the matches as an editable mapping file.
    Map {
        #[command(flatten)]
        export: ExportArgs,
        #[arg(long, value_enum, default_value_t = ExtractFormat::Table)]
        format: ExtractFormat,
        /// Write the matches as a mapping file to review, edit and pass back with --mapping.
        #[arg(long, value_name = "FILE")]
        write_mapping: Option<PathBuf>,
    },
    /// Ask the questions in the terminal; answers are saved after each, and the same command resumes.
    Interview {
        #[arg(long)]
        questionnaire: String,
        /// The answers file (TOML); an existing one is resumed.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Who is interviewed (a label, not a name, if answers should stay anonymous).
        #[arg(long, default_value = "interview")]
        respondent: String,
        /// Their role (Sales, Customer service, Manager…).
        #[arg(long)]
        role: Option<String>,
    },
    /// Print a blank form: a CSV whose header, filled in, imports back; the answers each of its
    /// columns takes (`csv-answers`, a sheet to keep beside it); or Markdown.
    Template {
        #[arg(long)]
        questionnaire: String,
        #[arg(long, value_enum, default_value_t = TemplateFormat::Csv)]
        format: TemplateFormat,
    },
}

/// A survey export and how to read it.
#[derive(Debug, Args)]
pub struct ExportArgs {
    pub file: PathBuf,
    /// A shipped questionnaire id (feedback-loop, frontline) or a path to a .toml definition.
    #[arg(long)]
    pub questionnaire: String,
    /// Force the layout instead of detecting it.
    #[arg(long, value_enum)]
    pub layout: Option<Layout>,
    /// A TOML file with `[columns]` QUESTION-ID = "header as exported" (`survey map --write-mapping` writes one).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Keep responses the survey tool marks unfinished (left out by default, with a note).
    #[arg(long)]
    pub include_partial: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TemplateFormat {
    Csv,
    CsvAnswers,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct AuditArgs {
    /// The audit file.
    #[arg(default_value = crate::audit::DEFAULT_FILE)]
    pub file: PathBuf,
    /// Output format; repeat it to write several (each --output goes with the --format before it).
    #[arg(long, value_enum)]
    pub format: Vec<Format>,
    /// Write the preceding --format to FILE (`-` is stdout). [default: stdout]
    #[arg(long, value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Run only these checks (ids, comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    pub only: Vec<String>,
    /// Skip these checks (ids, comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    pub skip: Vec<String>,
    /// Exit 2 if the overall score is below N.
    #[arg(long, value_name = "N", value_parser = parse_score)]
    pub fail_under: Option<f64>,
    /// Exit 0 (or 2) even when some checks errored.
    #[arg(long)]
    pub allow_incomplete: bool,
    #[arg(
        long,
        env = "CENTRICITY_STORE",
        hide_env_values = true,
        value_name = "URL",
        help = store_help!(".centricity/history.db beside the audit file")
    )]
    pub store: Option<String>,
    /// Do not record this run in the history (wins over --store and CENTRICITY_STORE).
    #[arg(long)]
    pub no_store: bool,
    /// Start CSV with a UTF-8 byte-order mark (Excel on Windows needs it); `--csv-bom=false`
    /// for tools that dislike it.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub csv_bom: bool,
    /// Compare with a stored run: `last` (this audit's previous run) or a run id.
    #[arg(long, value_name = "last|RUN_ID")]
    pub baseline: Option<String>,
    /// With --baseline: exit 2 if the overall score, any category or any check dropped more than N points.
    #[arg(long, value_name = "N", requires = "baseline", value_parser = parse_score)]
    pub max_drop: Option<f64>,
    /// Exit 2 if an action of the plan (`[audit] actions`) is past due and this run still
    /// measures its finding.
    #[arg(long)]
    pub fail_on_overdue: bool,
    /// How many checks run at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// A check's time limit unless the audit file sets one (`30s`, `2m`).
    #[arg(long, default_value = "60s", value_parser = crate::spanned::parse_duration)]
    pub timeout: std::time::Duration,
    /// Use saved evidence instead of the network.
    #[arg(long)]
    pub offline: bool,
    /// Submit the contact forms again: without it, a `web-form` check submits once, and later
    /// runs (of any format) read that submission back from the saved evidence.
    #[arg(long, conflicts_with = "offline")]
    pub resubmit: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

fn parse_score(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (0.0..=100.0).contains(&v) => Ok(v),
        _ => Err(format!("`{text}` is not a score from 0 to 100")),
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, ValueEnum};

    use super::{Format, Layout};

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }

    /// The command line takes each member by the name its layer gives it, and reads it back as
    /// that layer does.
    #[test]
    fn formats_and_layouts_are_offered_by_their_own_names() {
        for format in Format::ALL {
            assert_eq!(Format::from_str(format.name(), false), Ok(*format));
            assert_eq!(format.name().parse(), Ok(*format));
            assert_eq!(format.to_string(), format.name());
        }
        for layout in Layout::ALL {
            assert_eq!(Layout::from_str(layout.name(), false), Ok(*layout));
            assert_eq!(layout.name().parse(), Ok(*layout));
        }
        assert_eq!(
            "docx".parse::<Format>().map_err(|e| e.to_string()),
            Err("unknown format `docx`".into())
        );
        assert_eq!(
            "excel".parse::<Layout>().map_err(|e| e.to_string()),
            Err("unknown layout `excel`".into())
        );
    }
}
