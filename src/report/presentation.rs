//! How the consultant's report looks and what it says besides the findings: the audit file's
//! `[report]` table (paper, evidence, logo, accent colour, notes). Pure data, validated where
//! the audit file is read; the HTML and Markdown renderers read it, machine formats ignore it.

use std::collections::BTreeMap;

use crate::category::Category;
use crate::text::{UnknownName, by_name};

pub use super::logo::{Logo, MAX_BYTES as LOGO_MAX_BYTES};

/// The `[report]` settings; a report without any has [`PLAIN`]'s.
#[derive(Debug, Clone, PartialEq)]
pub struct Presentation {
    pub paper: Paper,
    pub evidence: EvidencePlacement,
    pub logo: Option<Logo>,
    pub accent: Option<Accent>,
    pub notes: Notes,
}

/// No settings: A4, evidence in an appendix, no logo, the house colour, no notes.
pub static PLAIN: Presentation = Presentation {
    paper: Paper::A4,
    evidence: EvidencePlacement::Appendix,
    logo: None,
    accent: None,
    notes: Notes {
        summary: None,
        by_category: BTreeMap::new(),
    },
};

impl Default for Presentation {
    fn default() -> Self {
        PLAIN.clone()
    }
}

/// The page size the report prints on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    /// US Letter.
    Letter,
}

impl Paper {
    pub const ALL: &'static [Paper] = &[Paper::A4, Paper::Letter];

    /// The name `[report] paper` takes, and CSS's `@page size` too.
    pub fn name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        }
    }
}

impl std::str::FromStr for Paper {
    type Err = UnknownName;

    fn from_str(name: &str) -> Result<Self, UnknownName> {
        by_name(
            Self::ALL,
            Self::name,
            "paper size",
            &name.to_ascii_lowercase(),
        )
    }
}

/// Where the evidence (pages seen, contacts logged, answers counted) goes in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidencePlacement {
    /// After the findings, as an appendix a reader may skip.
    Appendix,
    /// Left out (the JSON report and the store still hold it).
    None,
}

impl EvidencePlacement {
    pub const ALL: &'static [EvidencePlacement] =
        &[EvidencePlacement::Appendix, EvidencePlacement::None];

    pub fn name(self) -> &'static str {
        match self {
            EvidencePlacement::Appendix => "appendix",
            EvidencePlacement::None => "none",
        }
    }
}

impl std::str::FromStr for EvidencePlacement {
    type Err = UnknownName;

    fn from_str(name: &str) -> Result<Self, UnknownName> {
        by_name(Self::ALL, Self::name, "evidence placement", name)
    }
}

/// The consultant's colour for headings and lines: `#rgb` or `#rrggbb`, nothing else, so it
/// can stand in a style sheet as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accent([u8; 3]);

impl Accent {
    /// `#rrggbb`.
    pub fn css(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}

impl std::str::FromStr for Accent {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let invalid =
            || format!("`{text}` is not a colour: expected #rrggbb or #rgb, as \"#0a7d5a\"");
        let hex = text.strip_prefix('#').ok_or_else(invalid)?;
        let digit = |c: char| c.to_digit(16).ok_or_else(invalid);
        let digits: Vec<u32> = hex.chars().map(digit).collect::<Result<_, _>>()?;
        #[expect(clippy::cast_possible_truncation, reason = "two hex digits fit a byte")]
        let channels: Vec<u8> = match digits.as_slice() {
            [r, g, b] => [r, g, b].iter().map(|d| (*d * 17) as u8).collect(),
            [r1, r2, g1, g2, b1, b2] => [(r1, r2), (g1, g2), (b1, b2)]
                .iter()
                .map(|(high, low)| (*high * 16 + *low) as u8)
                .collect(),
            _ => return Err(invalid()),
        };
        Ok(Accent([channels[0], channels[1], channels[2]]))
    }
}

/// The consultant's own words: a summary for the cover, a note per category for its section.
/// Outside text to the renderers: escaped like any other.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Notes {
    pub summary: Option<String>,
    pub by_category: BTreeMap<Category, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_accent_is_a_hex_colour_and_nothing_a_style_sheet_would_obey() {
        assert_eq!("#0a7d5a".parse::<Accent>().unwrap().css(), "#0a7d5a");
        assert_eq!("#fA0".parse::<Accent>().unwrap().css(), "#ffaa00");
        for bad in [
            "0a7d5a",
            "#0a7d5",
            "red",
            "#0a7d5a;}body{x",
            "#ggg",
            "#０a7d5a",
        ] {
            assert!(bad.parse::<Accent>().is_err(), "{bad}");
        }
    }

    #[test]
    fn paper_and_evidence_are_read_by_name() {
        assert_eq!("Letter".parse::<Paper>().unwrap(), Paper::Letter);
        assert_eq!(
            "none".parse::<EvidencePlacement>().unwrap(),
            EvidencePlacement::None
        );
        assert!("a5".parse::<Paper>().is_err());
    }
}
