//! How much respondents agree: r_wg for scales, consensus for yes/no, dispersion for numbers.

use std::fmt;

use serde::Serialize;

use super::{Agreement, SEGMENT_MINIMUM};
use crate::stats::percentile;
use crate::survey::questionnaire::Kind;

/// What an agreement figure is: one measure per kind of question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// r_wg, for ordinal scales.
    RWg,
    /// |2p − 1|, for yes/no.
    Consensus,
    /// The quartile coefficient of dispersion, for numbers.
    Qcd,
}

impl Measure {
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::RWg => "r_wg",
            Measure::Consensus => "consensus",
            Measure::Qcd => "qcd",
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// r_wg for ordinal scales (James, Demaree & Wolf), consensus |2p − 1| for
/// yes/no, the quartile coefficient of dispersion for numbers. Five answers at least.
pub(super) fn agreement(kind: &Kind, choices: &[usize], numbers: &[f64]) -> Option<Agreement> {
    match kind {
        Kind::Scale { .. } | Kind::Maturity4 if choices.len() >= SEGMENT_MINIMUM => {
            let a = kind.labels().len() as f64;
            let values: Vec<f64> = choices.iter().map(|c| *c as f64 + 1.0).collect();
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>()
                / (values.len() as f64 - 1.0);
            let uniform = (a * a - 1.0) / 12.0;
            let r_wg = (1.0 - variance / uniform).clamp(0.0, 1.0);
            Some(Agreement {
                measure: Measure::RWg,
                value: (r_wg * 1000.0).round() / 1000.0,
                split: r_wg < 0.5,
            })
        }
        Kind::YesNo if choices.len() >= SEGMENT_MINIMUM => {
            let p = choices.iter().filter(|c| **c == 0).count() as f64 / choices.len() as f64;
            let consensus = (2.0 * p - 1.0).abs();
            Some(Agreement {
                measure: Measure::Consensus,
                value: (consensus * 1000.0).round() / 1000.0,
                split: consensus < 0.5,
            })
        }
        Kind::Number { .. } if numbers.len() >= SEGMENT_MINIMUM => {
            let (q1, q3) = (percentile(numbers, 25.0)?, percentile(numbers, 75.0)?);
            let qcd = if q1 + q3 > 0.0 {
                (q3 - q1) / (q3 + q1)
            } else {
                0.0
            };
            Some(Agreement {
                measure: Measure::Qcd,
                value: (qcd * 1000.0).round() / 1000.0,
                split: qcd > 0.5,
            })
        }
        // Too few answers for the kind's measure, or a kind without one.
        Kind::Scale { .. }
        | Kind::Maturity4
        | Kind::YesNo
        | Kind::Number { .. }
        | Kind::Multi { .. }
        | Kind::Text => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_measure_is_written_alike_in_words_and_json() {
        for measure in [Measure::RWg, Measure::Consensus, Measure::Qcd] {
            assert_eq!(serde_json::to_value(measure).unwrap(), measure.as_str());
        }
    }
}
