//! `mystery-log`: the CSV a consultant keeps of contacts made by hand (phone,
//! social, in store, chat…). Read and validated when the audit loads, so a
//! bad row stops the audit before anything runs.

mod log;
pub mod score;

pub use log::read_log;

use serde::{Deserialize, Serialize};
use toml_span::de_helpers::TableHelper;

use crate::benchmarks::Benchmarks;
use crate::category::Category;
use crate::kind::{
    CheckError, CollectContext, Contact, FileColumn, Kind, KindCategory, KindInfo, LoadContext,
    Scored,
};
use crate::spanned::at;
use std::future::Future;

/// The contacts a mystery-shopping log holds, as its check read them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MysteryLogObservation {
    pub file: String,
    pub contacts: Vec<Contact>,
}

/// The `mystery-log` kind.
pub struct MysteryLog;

impl Kind for MysteryLog {
    const INFO: KindInfo = KindInfo {
        name: "mystery-log",
        summary: "Contacts made by hand (phone, social, chat, in store, e-mail), imported from a CSV log.",
        category: KindCategory::Fixed(Category::Responsiveness),
        keys: &["file"],
        motivation: "Phone, social and in-store service cannot be probed by a program, yet customers use them; \
                     a mystery-shopping log measures them the way a customer lives them.",
        measures: "Per channel: contacts made, response rate (share answered by a person) and the median time \
                   from contact to the first human response; where outcomes say, the share resolved on that \
                   contact. Metrics <channel>.contacts, <channel>.response_rate, \
                   <channel>.first_human_response_median (seconds), <channel>.resolution_rate (resolved among \
                   resolved, partially_resolved, unresolved and escalated; reported, not scored). Outcomes: \
                   answered, resolved, partially_resolved, unresolved, escalated, transferred, callback, voicemail, \
                   no_answer, abandoned, bounced (any case; spaces and hyphens read as `_`).",
        scoring: "Each contact's time to a first human response is scored on its channel's log-normal curve \
                  (checks/benchmarks.toml); an unanswered contact scores 0. A channel's score is the mean over \
                  its contacts; the check's score is the mean over its channels.",
        improve: "Publish and staff the channels you offer, answer social messages within the hour, and keep \
                  phone queues under a minute; an automatic acknowledgement is good manners but not an answer.",
        report_note: None,
        file_columns: COLUMNS,
        findings: &[crate::kind::CONTACT_CODES],
    };
    type Params = Params;
    type Observation = MysteryLogObservation;

    fn parse(th: &mut TableHelper<'_>, ctx: &mut LoadContext<'_>) -> Option<(Category, Params)> {
        parse(th, ctx)
    }

    fn collect(
        params: &Params,
        _ctx: &CollectContext,
    ) -> impl Future<Output = Result<MysteryLogObservation, CheckError>> + Send {
        std::future::ready(Ok(MysteryLogObservation {
            file: params.file.clone(),
            contacts: params.contacts.clone(),
        }))
    }

    fn score(
        _params: &Params,
        observation: &MysteryLogObservation,
        benchmarks: &Benchmarks,
    ) -> Scored {
        score::score(observation, benchmarks)
    }
}

/// The columns a log may have, in the order a template writes them.
pub const COLUMNS: &[FileColumn] = &[
    FileColumn {
        name: "channel",
        required: true,
        meaning: "How the contact was made: a channel of checks/benchmarks.toml's [contact.*] \
                  (email, web_form, chat, social, phone, in_store), any case.",
    },
    FileColumn {
        name: "contact_id",
        required: true,
        meaning: "Your own id for the contact, unique in the log (c1, c2…).",
    },
    FileColumn {
        name: "sent_at",
        required: true,
        meaning: "When the contact was made: 2026-11-18 17:45 (as Excel writes it, read in [audit] \
                  timezone) or with its offset, 2026-11-18T17:45:00+01:00.",
    },
    FileColumn {
        name: "first_response_at",
        required: false,
        meaning: "When anything answered, a machine's acknowledgement included.",
    },
    FileColumn {
        name: "first_human_response_at",
        required: false,
        meaning: "When a person first answered; empty if nobody did.",
    },
    FileColumn {
        name: "resolved_at",
        required: false,
        meaning: "When the question was settled, if it was.",
    },
    FileColumn {
        name: "outcome",
        required: false,
        meaning: "answered, resolved, partially_resolved, unresolved, escalated, transferred, \
                  callback, voicemail, no_answer, abandoned or bounced.",
    },
    FileColumn {
        name: "notes",
        required: false,
        meaning: "Anything worth keeping: who answered, what was said.",
    },
];

/// A blank log: its header, to fill in a spreadsheet.
pub fn blank_log() -> String {
    let names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
    format!("{}\n", names.join(","))
}

/// Two contacts as a consultant logs them, in local time (read in `[audit] timezone`): a
/// call answered by a person, and a social message nobody answered.
pub fn example_log() -> String {
    blank_log()
        + "phone,c1,2026-11-18 09:02,2026-11-18 09:03,2026-11-18 09:06,2026-11-18 09:10,resolved,Waited 4 min in the queue; Sam fixed the bill\n\
           social,c2,2026-11-18 10:15,,,,no_answer,Direct message on the company's page; no reply after 48 h\n"
}

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// The log's path as the audit file wrote it, for evidence.
    pub file: String,
    pub contacts: Vec<Contact>,
}

fn parse(th: &mut TableHelper<'_>, ctx: &mut LoadContext<'_>) -> Option<(Category, Params)> {
    let file = th.required_s::<String>("file").ok()?;
    let path = ctx.resolve(&file.value);
    let text = match crate::input::read(&path, &crate::input::TABLE) {
        Ok(bytes) => bytes,
        Err(err) => {
            th.errors.extend(at(err.to_string(), &file).errors);
            return None;
        }
    };
    match read_log(&text, &path, &ctx.times) {
        Ok(contacts) => Some((
            Category::Responsiveness,
            Params {
                file: file.value,
                contacts,
            },
        )),
        Err(err) => {
            ctx.referenced.push(err);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::kind::contacts::Outcome;
    use crate::local_time::LocalTimes;

    #[test]
    fn the_templates_init_writes_read_back() {
        let london = LocalTimes {
            zone: "Europe/London".parse().ok(),
            ..LocalTimes::default()
        };
        let path = Path::new("mystery-log.example.csv");
        let contacts = read_log(example_log().as_bytes(), path, &london).unwrap();
        assert_eq!(contacts.len(), 2);
        assert_eq!(
            contacts[0].sent_at.to_rfc3339(),
            "2026-11-18T09:02:00+00:00"
        );
        assert_eq!(contacts[1].first_human_response_at, None);
        // The blank one asks for contacts, not for columns.
        let err = read_log(blank_log().as_bytes(), path, &london).unwrap_err();
        assert!(err.to_string().contains("no contacts"), "{err}");
    }

    const LOG: &str = "channel,contact_id,sent_at,first_human_response_at,outcome,notes\n\
        phone,P-01,2026-11-16T09:14:05+01:00,2026-11-16T09:16:40+01:00,Partially resolved,\"IVR, then Zoë\"\n\
        chat,C-01,2026-11-16T10:00:00+01:00,2026-11-16T10:01:00+01:00,unresolved,\n";

    /// The log as Excel saves it: `;` in Windows-1252, tabs in UTF-16 with a BOM.
    fn as_excel_saves(delimiter: char, utf16: bool) -> Vec<u8> {
        let mut text = String::new();
        for record in csv::Reader::from_reader(LOG.as_bytes()).records() {
            let record = record.unwrap_or_default();
            let cells: Vec<String> = record
                .iter()
                .map(|c| {
                    if c.contains(',') || c.contains(delimiter) {
                        format!("\"{c}\"")
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            text.push_str(&cells.join(&delimiter.to_string()));
            text.push('\n');
        }
        let header = LOG
            .lines()
            .next()
            .unwrap_or_default()
            .replace(',', &delimiter.to_string());
        let text = format!("{header}\n{text}");
        if utf16 {
            let mut bytes = vec![0xFF, 0xFE];
            text.encode_utf16()
                .for_each(|u| bytes.extend_from_slice(&u.to_le_bytes()));
            bytes
        } else {
            encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
        }
    }

    #[test]
    fn logs_saved_by_excel_read_like_plain_csv() {
        let path = Path::new("log.csv");
        let plain = read_log(LOG.as_bytes(), path, &LocalTimes::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plain.len(), 2);
        assert_eq!(plain[0].outcome, Some(Outcome::PartiallyResolved));
        assert_eq!(plain[0].notes.as_deref(), Some("IVR, then Zoë"));
        for (delimiter, utf16) in [(';', false), ('\t', true), ('\t', false), (';', true)] {
            let read = read_log(
                &as_excel_saves(delimiter, utf16),
                path,
                &LocalTimes::default(),
            )
            .unwrap_or_else(|e| panic!("{delimiter:?} utf16={utf16}: {e}"));
            assert_eq!(read, plain, "{delimiter:?} utf16={utf16}");
        }
    }

    #[test]
    fn an_outcome_a_log_may_not_state_is_refused_with_those_it_may() {
        for written in ["lost", "no reply"] {
            let log = format!(
                "channel,contact_id,sent_at,outcome\nphone,P-01,2026-11-16T09:14:05+01:00,{written}\n"
            );
            let err = read_log(log.as_bytes(), Path::new("log.csv"), &LocalTimes::default())
                .unwrap_err()
                .to_string();
            let expected = format!(
                "unknown outcome `{}`; expected one of: answered, resolved, partially_resolved, \
                 unresolved, escalated, transferred, callback, voicemail, no_answer, abandoned, bounced",
                written.replace(' ', "_")
            );
            assert!(err.contains(&expected), "{err}");
        }
    }
}
