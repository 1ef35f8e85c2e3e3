//! The export layouts: how each survey tool writes its header rows, which
//! columns it adds itself, and how it marks unfinished and test responses.

use super::super::labels::normalise;
use super::headings::{Headings, lime_text};
use crate::text::{UnknownName, by_name};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    GoogleForms,
    MicrosoftForms,
    Typeform,
    Surveymonkey,
    Qualtrics,
    QualtricsLegacy,
    Limesurvey,
    Centricity,
}

impl std::str::FromStr for Layout {
    type Err = UnknownName;

    fn from_str(name: &str) -> Result<Self, UnknownName> {
        by_name(Self::ALL, Self::name, "layout", name)
    }
}

impl std::fmt::Display for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether a response counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Complete,
    /// Started and not finished.
    Partial,
    /// A response the tool's own status says is no respondent's.
    NotARespondent(Marked),
}

/// What a tool's status marks a response that is no respondent's as. In the order of their
/// names, the order an import's notes list what was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Marked {
    Preview,
    Spam,
    Test,
}

impl Marked {
    pub fn name(self) -> &'static str {
        match self {
            Marked::Preview => "preview",
            Marked::Spam => "spam",
            Marked::Test => "test",
        }
    }
}

impl Layout {
    /// Every layout, in the order `--help` lists them.
    pub const ALL: &'static [Layout] = &[
        Layout::GoogleForms,
        Layout::MicrosoftForms,
        Layout::Typeform,
        Layout::Surveymonkey,
        Layout::Qualtrics,
        Layout::QualtricsLegacy,
        Layout::Limesurvey,
        Layout::Centricity,
    ];

    /// The name `--layout` and the audit file's `layout` take.
    pub fn name(self) -> &'static str {
        match self {
            Layout::GoogleForms => "google-forms",
            Layout::MicrosoftForms => "microsoft-forms",
            Layout::Typeform => "typeform",
            Layout::Surveymonkey => "surveymonkey",
            Layout::Qualtrics => "qualtrics",
            Layout::QualtricsLegacy => "qualtrics-legacy",
            Layout::Limesurvey => "limesurvey",
            Layout::Centricity => "centricity",
        }
    }

    /// What a layout is, where its name does not say it (`--help` shows it).
    pub fn help(self) -> Option<&'static str> {
        match self {
            Layout::QualtricsLegacy => Some(
                "Qualtrics' legacy format (`V1`, `V2`… codes over the texts, two header rows), still in older accounts and many archives",
            ),
            Layout::Centricity => Some("`centricity survey template --format csv`, filled in"),
            Layout::GoogleForms
            | Layout::MicrosoftForms
            | Layout::Typeform
            | Layout::Surveymonkey
            | Layout::Qualtrics
            | Layout::Limesurvey => None,
        }
    }

    pub fn header_rows(self) -> usize {
        match self {
            Layout::Surveymonkey | Layout::QualtricsLegacy => 2,
            Layout::Qualtrics => 3,
            Layout::GoogleForms
            | Layout::MicrosoftForms
            | Layout::Typeform
            | Layout::Limesurvey
            | Layout::Centricity => 1,
        }
    }

    /// Columns the tool writes itself: (respondent id, submission time, everything else it adds).
    pub fn fixed_columns(
        self,
        headings: Option<Headings>,
    ) -> (&'static str, &'static str, &'static [&'static str]) {
        match self {
            // Its field map's English names for `id`, `submitdate`, `lastpage`…
            Layout::Limesurvey if headings.is_some() => (
                "response id",
                "date submitted",
                &[
                    "last page",
                    "start language",
                    "seed",
                    "date started",
                    "date last action",
                    "ip address",
                    "referrer url",
                    "token",
                    "access code",
                ],
            ),
            Layout::GoogleForms => ("", "timestamp", &["email address", "username", "score"]),
            Layout::MicrosoftForms => (
                "id",
                "completion time",
                &[
                    "start time",
                    "email",
                    "name",
                    "last modified time",
                    "total points",
                    "quiz feedback",
                ],
            ),
            Layout::Typeform => (
                "#",
                "submit date (utc)",
                &[
                    "start date (utc)",
                    "stage date (utc)",
                    "network id",
                    "tags",
                    "ending",
                ],
            ),
            Layout::Surveymonkey => (
                "respondent id",
                "end date",
                &[
                    "collector id",
                    "start date",
                    "ip address",
                    "email address",
                    "first name",
                    "last name",
                    "custom data 1",
                ],
            ),
            Layout::Qualtrics => (
                "responseid",
                "recordeddate",
                &[
                    "startdate",
                    "enddate",
                    "ipaddress",
                    "progress",
                    "duration (in seconds)",
                    "recipientlastname",
                    "recipientfirstname",
                    "recipientemail",
                    "externalreference",
                    "locationlatitude",
                    "locationlongitude",
                    "distributionchannel",
                    "userlanguage",
                ],
            ),
            Layout::QualtricsLegacy => (
                "responseid",
                "enddate",
                &[
                    "responseset",
                    "name",
                    "externaldatareference",
                    "emailaddress",
                    "ipaddress",
                    "startdate",
                    "locationlatitude",
                    "locationlongitude",
                    "locationaccuracy",
                ],
            ),
            Layout::Limesurvey => (
                "id",
                "submitdate",
                &[
                    "lastpage",
                    "startlanguage",
                    "seed",
                    "startdate",
                    "datestamp",
                    "refurl",
                    "ipaddr",
                ],
            ),
            Layout::Centricity => ("respondent", "submitted_at", &[]),
        }
    }

    /// Whether a column of this key is the tool's timing of the response (LimeSurvey's
    /// `Total time`, `Group time: …`, `Question time: …`, or `interviewtime`, `groupTime12`
    /// with codes), written beside the answers when the survey saves timings.
    pub fn is_timing(self, headings: Option<Headings>, key: &str) -> bool {
        match (self, headings) {
            (Layout::Limesurvey, Some(_)) => {
                key == "total time"
                    || key.starts_with("group time: ")
                    || key.starts_with("question time: ")
            }
            (Layout::Limesurvey, None) => {
                key == "interviewtime"
                    || key.starts_with("grouptime") && key.len() > "grouptime".len()
            }
            (
                Layout::GoogleForms
                | Layout::MicrosoftForms
                | Layout::Typeform
                | Layout::Surveymonkey
                | Layout::Qualtrics
                | Layout::QualtricsLegacy
                | Layout::Centricity,
                _,
            ) => false,
        }
    }

    /// The column saying whether a response was finished (Qualtrics `Finished`, Typeform
    /// `Response Type`), and the column of the tool's own status (Qualtrics `Status`).
    pub fn standing_columns(self) -> (Option<&'static str>, Option<&'static str>) {
        match self {
            Layout::Qualtrics | Layout::QualtricsLegacy => (Some("finished"), Some("status")),
            Layout::Typeform => (Some("response type"), None),
            Layout::GoogleForms
            | Layout::MicrosoftForms
            | Layout::Surveymonkey
            | Layout::Limesurvey
            | Layout::Centricity => (None, None),
        }
    }

    /// A response's standing from its completion and status cells and its submission time.
    pub fn standing(
        self,
        finished: Option<&str>,
        status: Option<&str>,
        submitted: Option<&str>,
    ) -> Standing {
        let status = status.map(normalise).unwrap_or_default();
        // Qualtrics writes the status as text, its legacy format as a number.
        match status.as_str() {
            "survey preview" | "1" => return Standing::NotARespondent(Marked::Preview),
            "survey test" | "2" => return Standing::NotARespondent(Marked::Test),
            "spam" | "8" => return Standing::NotARespondent(Marked::Spam),
            _ => {}
        }
        let unfinished = match finished.map(normalise).as_deref() {
            Some("false" | "0" | "partial") => true,
            // LimeSurvey writes `submitdate` only when the respondent submits.
            _ => self == Layout::Limesurvey && submitted.is_none_or(|s| s.trim().is_empty()),
        };
        if unfinished {
            Standing::Partial
        } else {
            Standing::Complete
        }
    }

    pub fn detect(
        first: &[String],
        second: Option<&[String]>,
        third: Option<&[String]>,
    ) -> Option<Layout> {
        let has = |name: &str| first.iter().any(|h| normalise(h) == name);
        let head = first.first().map(|h| normalise(h)).unwrap_or_default();
        if has("responseid")
            && has("startdate")
            && third.is_some_and(|t| t.iter().any(|c| c.contains("ImportId")))
        {
            Some(Layout::Qualtrics)
        } else if head == "v1"
            && has("v2")
            && second.is_some_and(|s| s.first().is_some_and(|c| normalise(c) == "responseid"))
        {
            Some(Layout::QualtricsLegacy)
        } else if has("respondent id") && has("collector id") {
            Some(Layout::Surveymonkey)
        } else if head == "timestamp" {
            Some(Layout::GoogleForms)
        } else if has("start time") && has("completion time") {
            Some(Layout::MicrosoftForms)
        } else if head == "#" && has("submit date (utc)") {
            Some(Layout::Typeform)
        } else if has("submitdate") && has("lastpage")
            // Text headings; Alchemer too starts `Response ID`, `Date Submitted`, but writes
            // neither of these.
            || Headings::of(first).is_some()
                && first
                    .iter()
                    .any(|h| matches!(lime_text(h).as_str(), "last page" | "start language"))
        {
            Some(Layout::Limesurvey)
        } else if head == "respondent" {
            Some(Layout::Centricity)
        } else {
            None
        }
    }

    /// One (main, sub) header per column: SurveyMonkey's question row is forward-filled
    /// over its option row; Qualtrics' second row holds the texts (the first the codes, the
    /// third the import ids); legacy Qualtrics' second row holds everything's name.
    pub fn headers(
        self,
        header_rows: &[Vec<String>],
        headings: Option<Headings>,
    ) -> Vec<(String, Option<String>)> {
        let width = header_rows.iter().map(Vec::len).max().unwrap_or(0);
        let underscores = header_rows
            .first()
            .and_then(|r| r.first())
            .is_some_and(|h| h.contains("Response_ID"));
        let cell = |row: usize, col: usize| {
            header_rows
                .get(row)
                .and_then(|r| r.get(col))
                .cloned()
                .unwrap_or_default()
        };
        let mut out = Vec::with_capacity(width);
        let mut last_question = String::new();
        for col in 0..width {
            let header = match self {
                Layout::Surveymonkey => {
                    let top = cell(0, col);
                    if !top.trim().is_empty() {
                        last_question = top.clone();
                    }
                    let sub = cell(1, col);
                    if top.trim().is_empty() {
                        (last_question.clone(), Some(sub))
                    } else {
                        (top, Some(sub).filter(|s| !s.trim().is_empty()))
                    }
                }
                Layout::Qualtrics => {
                    let (code, text) = (cell(0, col), cell(1, col));
                    // Fixed columns are known by their code; questions by their text.
                    if text.trim().is_empty()
                        || code.starts_with(|c: char| c.is_ascii_uppercase())
                            && !code.starts_with('Q')
                    {
                        (code, None)
                    } else {
                        (text, None)
                    }
                }
                Layout::QualtricsLegacy => {
                    let (code, text) = (cell(0, col), cell(1, col));
                    (if text.trim().is_empty() { code } else { text }, None)
                }
                Layout::GoogleForms
                | Layout::MicrosoftForms
                | Layout::Typeform
                | Layout::Limesurvey
                | Layout::Centricity => match headings {
                    Some(headings) => (headings.text(&cell(0, col), underscores), None),
                    None => (cell(0, col), None),
                },
            };
            out.push(header);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(headers: &[&str]) -> Vec<String> {
        headers.iter().map(|h| (*h).to_string()).collect()
    }

    #[test]
    fn limesurvey_headings_are_told_by_their_first_row() {
        let full = row(&[
            "Response ID",
            "Date submitted",
            "Last page",
            "If I get help, ...",
        ]);
        assert_eq!(
            Headings::of(&full),
            Some(Headings::FullTexts),
            "three dots are the text's"
        );
        assert_eq!(Layout::detect(&full, None, None), Some(Layout::Limesurvey));
        let cut = row(&[
            "Response ID",
            "Date submitted",
            "Last page",
            "Through which c..  [Email]",
            "Describe the la.. ",
        ]);
        assert_eq!(Headings::of(&cut), Some(Headings::AbbreviatedTexts));
        let coded = row(&[
            "id. Response ID",
            "submitdate. Date submitted",
            "lastpage. Last page",
        ]);
        assert_eq!(Headings::of(&coded), Some(Headings::CodesAndTexts));
        assert_eq!(Layout::detect(&coded, None, None), Some(Layout::Limesurvey));
        let underscores = row(&["Response_ID", "Date_submitted", "Start_language"]);
        assert_eq!(
            Layout::detect(&underscores, None, None),
            Some(Layout::Limesurvey)
        );
        // Alchemer starts the same way, without LimeSurvey's own columns.
        let alchemer = row(&["Response ID", "Time Started", "Date Submitted", "Status"]);
        assert_eq!(Layout::detect(&alchemer, None, None), None);
        assert_eq!(Headings::of(&row(&["id", "submitdate", "lastpage"])), None);
    }
}
