//! The audit file: the serde-free, span-keeping model of `centricity.toml`,
//! validated in one pass that reports every problem with its place.

pub mod draft;
mod presentation;
mod thresholds;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml_span::de_helpers::TableHelper;
use toml_span::value::ValueInner;
use toml_span::{DeserError, Spanned, Value};

use crate::spanned::{
    DurationValue, InputError, LineIndex, Location, Number, at, custom, parse_toml, read_table,
};

use crate::category::Category;
use crate::kind::{LoadContext, OtherCheck};
use crate::kinds::{self, CheckParams};
use crate::local_time::{DateOrder, LocalTimes};
use thresholds::parse_thresholds;

pub use thresholds::ThresholdKey;

/// The file `centricity audit` reads when none is named.
pub const DEFAULT_FILE: &str = "centricity.toml";

/// Without two answering channels the responsiveness category is capped here:
/// one fast channel does not prove a company answers wherever customers are.
pub const DEFAULT_SINGLE_CHANNEL_CAP: f64 = 60.0;

/// An audit without a check would run, score nothing and look like a failed run.
const NO_CHECKS: &str = "the audit has no check; add a [[check]] table (`centricity checks` lists the kinds, `centricity init` writes a starter file)";

/// A validated audit, ready to run.
#[derive(Debug, Clone)]
pub struct Audit {
    pub file: PathBuf,
    /// Relative paths in the audit file resolve against this folder.
    pub dir: PathBuf,
    pub name: String,
    /// `[audit] id`: the audit's stable identity in the history store (runs, baselines,
    /// compare); without one, the name is. Renaming `name` then keeps the history.
    pub id: Option<String>,
    pub site: Option<String>,
    /// `[audit] auditor`: who made the audit, for the report's cover.
    pub auditor: Option<String>,
    /// Where network observations are saved, and read back by `--offline`.
    pub evidence_dir: PathBuf,
    pub scoring: ScoringConfig,
    /// `[thresholds]`: the minimum score a run must reach, overall or in a category.
    pub thresholds: BTreeMap<ThresholdKey, f64>,
    /// `[report]`: how the consultant's report looks and the notes it carries.
    pub presentation: crate::report::presentation::Presentation,
    pub checks: Vec<CheckSpec>,
    /// `[audit] actions`: the action plan every run is read against.
    pub actions: Option<crate::actions::Plan>,
}

impl Audit {
    /// The audit's identity in the history store: `[audit] id`, else the name.
    pub fn key(&self) -> &str {
        self.id.as_deref().unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScoringConfig {
    pub weights: BTreeMap<Category, f64>,
    pub single_channel_cap: f64,
    /// `[scoring] channel_weights`: a channel's voice in responsiveness, over the benchmarks'.
    pub channel_weights: BTreeMap<String, f64>,
}

impl Default for ScoringConfig {
    fn default() -> Self {
        Self {
            weights: Category::ALL
                .iter()
                .map(|c| (*c, c.default_weight()))
                .collect(),
            single_channel_cap: DEFAULT_SINGLE_CHANNEL_CAP,
            channel_weights: BTreeMap::new(),
        }
    }
}

/// One `[[check]]` entry.
#[derive(Debug, Clone)]
pub struct CheckSpec {
    pub id: String,
    pub title: Option<String>,
    pub category: Category,
    pub weight: f64,
    /// The check's own time limit; `--timeout` applies otherwise.
    pub timeout: Option<Duration>,
    pub params: CheckParams,
}

impl CheckSpec {
    pub fn kind(&self) -> &'static str {
        self.params.kind().name
    }

    pub fn title(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.id)
    }
}

/// Every problem found while loading an audit: the audit file's own and
/// those of the files it points to (a mystery-shopping CSV, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput(pub Vec<InputError>);

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, err) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{err}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidInput {}

impl From<InputError> for InvalidInput {
    fn from(err: InputError) -> Self {
        InvalidInput(vec![err])
    }
}

/// Reads and validates an audit file.
pub fn load(file: &Path) -> Result<Audit, InvalidInput> {
    load_reading_plan(file, true)
}

/// The audit file as the history's readers need it (its identity, folder and `[report]`),
/// without reading its action plan: a missing or broken plan must not stop the command that
/// writes a new one (`centricity actions last --audit FILE --output PLAN`).
pub fn load_for_history(file: &Path) -> Result<Audit, InvalidInput> {
    load_reading_plan(file, false)
}

fn load_reading_plan(file: &Path, with_plan: bool) -> Result<Audit, InvalidInput> {
    let text = std::fs::read_to_string(file).map_err(|err| {
        InputError::whole_file(file, format!("cannot read the audit file: {err}"))
    })?;
    parse_reading_plan(&text, file, with_plan)
}

/// Validates an audit file's text; `file` names it in messages and anchors relative paths.
pub fn parse(text: &str, file: &Path) -> Result<Audit, InvalidInput> {
    parse_reading_plan(text, file, true)
}

fn parse_reading_plan(text: &str, file: &Path, with_plan: bool) -> Result<Audit, InvalidInput> {
    let mut root = parse_toml(text, file)?;
    let mut errors = DeserError { errors: Vec::new() };
    refuse_inline_secrets(&mut root, &mut errors);
    let dir = file
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    let mut ctx = LoadContext {
        dir: &dir,
        site: None,
        times: LocalTimes::default(),
        referenced: Vec::new(),
    };

    let mut top = match TableHelper::new(&mut root) {
        Ok(top) => top,
        Err(err) => {
            errors.merge(err);
            return Err(located(errors, text, file, ctx));
        }
    };
    let header = take_table(&mut top, "audit", &mut errors, |th| {
        let name = th.required::<String>("name").ok();
        let site = th.optional::<String>("site");
        let evidence = th.optional::<String>("evidence");
        let auditor = th.optional::<String>("auditor");
        ctx.times = local_times(th);
        let actions = th
            .optional_s::<String>("actions")
            .filter(|_| with_plan)
            .and_then(|file| read_plan(th, &mut ctx, &file));
        let id =
            th.optional_s::<String>("id")
                .and_then(|id| match validate_id("audit", &id.value) {
                    Ok(()) => Some(id.value),
                    Err(problem) => {
                        th.errors.extend(at(problem, &id).errors);
                        None
                    }
                });
        (name, site, evidence, auditor, id, actions)
    });
    ctx.site = header.as_ref().and_then(|(_, site, ..)| site.clone());
    let scoring = take_table(&mut top, "scoring", &mut errors, parse_scoring).unwrap_or_default();
    let thresholds =
        take_table(&mut top, "thresholds", &mut errors, parse_thresholds).unwrap_or_default();
    let presentation = take_table(&mut top, "report", &mut errors, |th| {
        presentation::parse_report(th, &dir)
    })
    .unwrap_or_default();
    let checks = match top.take("check") {
        Some((_, mut list)) => {
            let span = list.span;
            let checks = parse_checks(&mut list, &mut ctx, &LineIndex::new(text), &mut errors);
            // A check refused for its file's problems is not a missing check.
            if checks.is_empty() && errors.errors.is_empty() && ctx.referenced.is_empty() {
                errors.merge(at(NO_CHECKS, &Spanned { value: (), span }));
            }
            checks
        }
        None => {
            errors.merge(custom(NO_CHECKS, &root));
            Vec::new()
        }
    };
    if let Err(err) = top.finalize(None) {
        errors.merge(err);
    }
    if header.is_none() {
        errors.merge(custom(
            "the audit file needs an [audit] table with at least `name`",
            &root,
        ));
    }
    if !errors.errors.is_empty() || !ctx.referenced.is_empty() {
        return Err(located(errors, text, file, ctx));
    }
    let Some((Some(name), site, evidence, auditor, id, actions)) = header else {
        unreachable!("a missing [audit] name is reported above")
    };
    Ok(Audit {
        file: file.to_path_buf(),
        evidence_dir: dir.join(evidence.as_deref().unwrap_or(".centricity/evidence")),
        dir,
        name,
        id,
        site,
        auditor,
        scoring,
        thresholds,
        presentation,
        checks,
        actions,
    })
}

/// The plan `[audit] actions` names, read now so a bad row stops the audit before it runs.
fn read_plan(
    th: &mut TableHelper<'_>,
    ctx: &mut LoadContext<'_>,
    file: &Spanned<String>,
) -> Option<crate::actions::Plan> {
    let path = ctx.resolve(&file.value);
    let bytes = match crate::input::read(&path, &crate::input::TABLE) {
        Ok(bytes) => bytes,
        Err(err) => {
            let hint = "; write one with `centricity actions last --output` and the file's name";
            th.errors.extend(at(format!("{err}{hint}"), file).errors);
            return None;
        }
    };
    match crate::actions::read(&bytes, &path) {
        Ok(rows) => Some(crate::actions::Plan {
            name: file.value.clone(),
            rows,
        }),
        Err(err) => {
            ctx.referenced.push(err);
            None
        }
    }
}

/// `timezone` and `date_order`: how the files the audit points to wrote their local times.
fn local_times(th: &mut TableHelper<'_>) -> LocalTimes {
    let mut times = LocalTimes::default();
    if let Some(zone) = th.optional_s::<String>("timezone") {
        match zone.value.parse::<chrono_tz::Tz>() {
            Ok(tz) => times.zone = Some(tz),
            Err(_) => th.errors.extend(
                at(
                    format!(
                        "unknown time zone `{}`: expected an IANA name such as \"Europe/Paris\" or \"America/New_York\"",
                        zone.value
                    ),
                    &zone,
                )
                .errors,
            ),
        }
    }
    if let Some(order) = th.optional_s::<String>("date_order") {
        match order.value.parse::<DateOrder>() {
            Ok(parsed) => times.order = parsed,
            Err(err) => th.errors.extend(at(err.to_string(), &order).errors),
        }
    }
    times
}

fn located(errors: DeserError, text: &str, file: &Path, ctx: LoadContext<'_>) -> InvalidInput {
    let mut all = Vec::new();
    if !errors.errors.is_empty() {
        all.push(InputError::in_toml(file, text, errors));
    }
    all.extend(ctx.referenced);
    InvalidInput(all)
}

/// Takes an optional sub-table and reads it (see [`values::read_table`]).
fn take_table<'de, T>(
    parent: &mut TableHelper<'de>,
    key: &'static str,
    errors: &mut DeserError,
    read: impl FnOnce(&mut TableHelper<'de>) -> T,
) -> Option<T> {
    let (_, mut value) = parent.take(key)?;
    read_table(&mut value, &mut errors.errors, read)
}

fn parse_scoring(th: &mut TableHelper<'_>) -> ScoringConfig {
    let mut scoring = ScoringConfig::default();
    if let Some((_, mut weights)) = th.take("weights") {
        read_table(&mut weights, &mut th.errors, |wt| {
            for category in Category::ALL {
                if let Some(w) = wt.optional_s::<Number>(category.id()) {
                    if w.value.0 < 0.0 {
                        wt.errors.extend(negative("a category weight", &w).errors);
                    }
                    scoring.weights.insert(category, w.value.0);
                }
            }
        });
    }
    if let Some((_, mut table)) = th.take("channel_weights") {
        scoring.channel_weights = crate::benchmarks::read_weights(&mut table, &mut th.errors);
    }
    if let Some(cap) = th.optional_s::<Number>("single_channel_cap") {
        if !(0.0..=100.0).contains(&cap.value.0) {
            th.errors
                .extend(out_of_range("single_channel_cap", &cap).errors);
        }
        scoring.single_channel_cap = cap.value.0;
    }
    scoring
}

fn parse_checks(
    list: &mut Value<'_>,
    ctx: &mut LoadContext<'_>,
    index: &LineIndex<'_>,
    errors: &mut DeserError,
) -> Vec<CheckSpec> {
    let entries = match list.take() {
        ValueInner::Array(entries) => entries,
        other => {
            errors.merge(
                toml_span::de_helpers::expected("an array of [[check]] tables", other, list.span)
                    .into(),
            );
            return Vec::new();
        }
    };
    let mut checks = Vec::new();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for mut entry in entries {
        let mut th = match TableHelper::new(&mut entry) {
            Ok(th) => th,
            Err(err) => {
                errors.merge(err);
                continue;
            }
        };
        let id = th.required_s::<String>("id").ok();
        let kind = th.required_s::<String>("kind").ok();
        let title = th.optional::<String>("title");
        let weight = th.optional_s::<Number>("weight");
        let timeout = th.optional::<DurationValue>("timeout").map(|d| d.0);
        if let Some(w) = &weight
            && w.value.0 < 0.0
        {
            th.errors.extend(negative("a check weight", w).errors);
        }
        if let Some(id) = &id {
            if let Err(message) = validate_id("check", &id.value) {
                th.errors.extend(at(message, id).errors);
            } else if let Some(first) = first_seen.get(&id.value) {
                let line = match index.locate(*first) {
                    Location::LineCol { line, .. } => line,
                    Location::Cell { .. } | Location::File => 0,
                };
                th.errors.extend(
                    at(
                        format!(
                            "duplicate check id `{}` (first used on line {line})",
                            id.value
                        ),
                        id,
                    )
                    .errors,
                );
            } else {
                first_seen.insert(id.value.clone(), id.span.start);
            }
        }
        let parsed = kind.as_ref().and_then(|kind| {
            CheckParams::parse(&kind.value, &mut th, ctx).unwrap_or_else(|| {
                th.errors.extend(
                    at(
                        format!(
                            "unknown check kind `{}`; known kinds: {}",
                            kind.value,
                            kinds::kind_names()
                        ),
                        kind,
                    )
                    .errors,
                );
                // Other keys cannot be judged without a kind: do not also call them unknown.
                th.table.clear();
                None
            })
        });
        let ok = th.errors.is_empty();
        if let Err(err) = th.finalize(None) {
            errors.merge(err);
            continue;
        }
        if let (true, Some(id), Some((category, params))) = (ok, id, parsed) {
            checks.push(CheckSpec {
                id: id.value,
                title,
                category,
                weight: weight.map_or(1.0, |w| w.value.0),
                timeout,
                params,
            });
        }
    }
    link_checks(&mut checks, &first_seen, errors);
    checks
}

/// Lets each check take what it needs from another check of the audit (see `Kind::link`).
/// A check that had problems of its own is not in `checks`, but its id is in `seen`.
fn link_checks(checks: &mut [CheckSpec], seen: &HashMap<String, usize>, errors: &mut DeserError) {
    for i in 0..checks.len() {
        let (before, rest) = checks.split_at_mut(i);
        let Some((spec, after)) = rest.split_first_mut() else {
            continue;
        };
        let (before, after, own_id) = (&*before, &*after, spec.id.clone());
        let other = |id: &str| match before.iter().chain(after.iter()).find(|c| c.id == id) {
            Some(check) => OtherCheck::Loaded {
                mailbox: check.params.mailbox(),
            },
            // A check naming itself lends itself nothing.
            None if id == own_id => OtherCheck::Loaded { mailbox: None },
            None if seen.contains_key(id) => OtherCheck::Unloadable,
            None => OtherCheck::Missing,
        };
        if let Err(problem) = spec.params.link(&other) {
            errors.merge(problem);
        }
    }
}

/// Keys that would hold a secret in the file itself. Audit files get shared,
/// committed and attached to reports; secrets come from the environment.
const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "token",
    "secret",
    "api_key",
    "apikey",
    "access_token",
];

/// Reports (and removes, so they are not also called unknown) keys that hold a secret inline.
fn refuse_inline_secrets(value: &mut Value<'_>, errors: &mut DeserError) {
    let mut inner = value.take();
    match &mut inner {
        ValueInner::Table(table) => {
            table.retain(|key, _| {
                let name = key.name.to_ascii_lowercase();
                let secret = SECRET_KEYS.iter().any(|s| name == *s || name.ends_with(&format!("_{s}")));
                if secret {
                    let place = Spanned { value: (), span: key.span };
                    errors.merge(at(
                        format!(
                            "`{}` would put a secret in the audit file; write `{}_env = \"VARIABLE\"` and set that \
                             environment variable instead",
                            key.name, key.name
                        ),
                        &place,
                    ));
                }
                !secret
            });
            table
                .values_mut()
                .for_each(|child| refuse_inline_secrets(child, errors));
        }
        ValueInner::Array(items) => items
            .iter_mut()
            .for_each(|item| refuse_inline_secrets(item, errors)),
        _ => {}
    }
    value.set(inner);
}

/// Check and audit ids go into JSON, CSV, history and file names: keep them kebab-case.
fn validate_id(what: &str, id: &str) -> Result<(), String> {
    let valid = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{what} id `{id}` must be 1 to 64 characters of lowercase letters, digits and `-` (kebab-case)"
        ))
    }
}

fn negative(what: &str, value: &Spanned<Number>) -> DeserError {
    at(
        format!("{what} cannot be negative (found {})", value.value.0),
        value,
    )
}

fn out_of_range(what: &str, value: &Spanned<Number>) -> DeserError {
    at(
        format!(
            "`{what}` must be between 0 and 100 (found {})",
            value.value.0
        ),
        value,
    )
}
