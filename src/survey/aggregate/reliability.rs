//! How far a survey result can be read: by how many respondents it rests on.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reliability {
    /// Under 3 respondents: not scored.
    Insufficient,
    /// 3 or 4.
    Indicative,
    /// 5 to 9.
    Reportable,
    /// 10 or more.
    Robust,
    /// Interview answers only: one view, not a survey's.
    Interview,
}

impl Reliability {
    pub fn for_respondents(n: usize) -> Reliability {
        match n {
            0..=2 => Reliability::Insufficient,
            3..=4 => Reliability::Indicative,
            5..=9 => Reliability::Reportable,
            _ => Reliability::Robust,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Reliability::Insufficient => "insufficient",
            Reliability::Indicative => "indicative",
            Reliability::Reportable => "reportable",
            Reliability::Robust => "robust",
            Reliability::Interview => "interview",
        }
    }
}

impl fmt::Display for Reliability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_is_written_alike_in_words_and_json() {
        let every = [
            Reliability::Insufficient,
            Reliability::Indicative,
            Reliability::Reportable,
            Reliability::Robust,
            Reliability::Interview,
        ];
        for label in every {
            assert_eq!(serde_json::to_value(label).unwrap(), label.as_str());
        }
    }
}
