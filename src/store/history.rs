//! The run-history service every reader uses: an audit's trend as it stood at a run, and the
//! run a new one is compared with. The audit, `report` and `history` commands read it alike.

use crate::report::{Report, TrendPoint};

use super::{RunStore, RunSummary, StoreError};

/// A trend line shows at most this many runs, the newest.
const TREND_POINTS: usize = 24;

/// Runs' start times and overall scores, oldest first, as a trend line's points: the newest 24.
pub fn trend<'a>(runs: impl IntoIterator<Item = (&'a str, Option<f64>)>) -> Vec<TrendPoint> {
    let points: Vec<TrendPoint> = runs
        .into_iter()
        .filter_map(|(started_at, score)| {
            Some(TrendPoint {
                date: started_at.get(..10)?.to_string(),
                score: score?,
            })
        })
        .collect();
    points[points.len().saturating_sub(TREND_POINTS)..].to_vec()
}

/// `audit`'s trend up to run `through` (all its runs when `None`), as it stood then; none when
/// the store cannot say.
pub fn trend_through(
    store: &mut dyn RunStore,
    audit: &str,
    through: Option<i64>,
) -> Vec<TrendPoint> {
    let runs = store.runs(Some(audit)).unwrap_or_default();
    let earlier: Vec<RunSummary> = runs
        .into_iter()
        .filter(|r| r.audit == audit && through.is_none_or(|id| r.id <= id))
        .collect();
    trend(earlier.iter().map(|r| (r.started_at.as_str(), r.score)))
}

/// Which recorded run a new one is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaselineRef {
    /// The audit's latest recorded run.
    Last,
    Id(i64),
}

impl std::str::FromStr for BaselineRef {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if text == "last" {
            return Ok(BaselineRef::Last);
        }
        text.parse()
            .map(BaselineRef::Id)
            .map_err(|_| format!("--baseline takes `last` or a run id, not `{text}`"))
    }
}

/// Why a baseline could not be had.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A baseline is one of this audit's own runs, never another company's.
    #[error(
        "run #{id} is a run of `{of}`, not of `{audit}`: a baseline must be a run of the same audit"
    )]
    OtherAudit { id: i64, of: String, audit: String },
}

/// The baseline run and its report; `None` for `last` when the audit has no run yet.
pub fn baseline(
    store: &mut dyn RunStore,
    which: BaselineRef,
    audit: &str,
) -> Result<Option<(i64, Report)>, BaselineError> {
    let id = match which {
        BaselineRef::Id(id) => id,
        BaselineRef::Last => match store.runs(Some(audit))?.last() {
            Some(run) => run.id,
            None => return Ok(None),
        },
    };
    let report = store.report(id)?;
    if report.audit_key() != audit {
        return Err(BaselineError::OtherAudit {
            id,
            of: crate::report::sanitize::terminal(report.audit_key()).into_owned(),
            audit: audit.to_string(),
        });
    }
    Ok(Some((id, report)))
}

/// The last two runs of one audit (the one named, or the only one in the store): two audits'
/// runs are never compared, one company against another is not a change.
pub fn last_two(store: &mut dyn RunStore, audit: Option<&str>) -> Result<(i64, i64), LastTwoError> {
    let runs = store.runs(audit)?;
    let mut audits: Vec<String> = runs.iter().map(|r| r.audit.clone()).collect();
    audits.sort();
    audits.dedup();
    if audits.len() > 1 {
        return Err(LastTwoError::SeveralAudits(audits));
    }
    match runs.as_slice() {
        [.., a, b] => Ok((a.id, b.id)),
        _ => Err(LastTwoError::TooFew),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LastTwoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the store holds runs of several audits")]
    SeveralAudits(Vec<String>),
    #[error("fewer than two runs recorded; nothing to compare")]
    TooFew,
}
