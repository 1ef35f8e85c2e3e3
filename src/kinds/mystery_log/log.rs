//! Reading a mystery-shopping log (CSV as spreadsheets save it): every bad cell reported with
//! its row and column.

use super::COLUMNS;
use crate::benchmarks;
use crate::channel::Channel;
use crate::kind::Contact;
use crate::kind::contacts::Outcome;
use crate::local_time::LocalTimes;
use crate::spanned::{InputError, Location, Problem};
use crate::text::by_name;
use chrono::{DateTime, FixedOffset};
use std::collections::HashMap;
use std::path::Path;

/// Reads a mystery-shopping log; every bad cell is reported with its row and column.
/// Times without an offset are read as `times` says (`[audit] timezone`, `date_order`).
pub fn read_log(bytes: &[u8], path: &Path, times: &LocalTimes) -> Result<Vec<Contact>, InputError> {
    // Excel saves with `;` or tabs, in UTF-16 or Windows-1252, as often as plain CSV.
    let text = crate::spreadsheet::decode(bytes);
    let (mut reader, headers) = crate::spreadsheet::csv_with_header(&text, path)?;
    if headers.iter().all(String::is_empty) {
        return Err(InputError::whole_file(
            path,
            format!(
                "the log is empty; expected a header with {}",
                column_names().join(",")
            ),
        ));
    }
    let mut problems = header_problems(&headers);
    if !problems.is_empty() {
        return Err(InputError {
            file: path.to_path_buf(),
            problems,
        });
    }
    let channels = benchmarks::shipped().contact_channels();
    let mut contacts = Vec::new();
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    let mut sheet_rows = crate::spreadsheet::SheetRows::new(&text);
    for record in reader.records() {
        let number = sheet_rows.row_of(record.as_ref().ok());
        let record = match record {
            Ok(r) => r,
            Err(err) => {
                problems.push(Problem {
                    location: Location::Cell {
                        row: number,
                        column: "(row)".into(),
                    },
                    message: format!("unreadable row: {err}"),
                });
                continue;
            }
        };
        let row = Row {
            number,
            headers: &headers,
            record: &record,
            times,
            problems: &mut problems,
        };
        contacts.extend(row.contact(&channels, &mut first_row_of));
    }
    if !problems.is_empty() {
        return Err(InputError {
            file: path.to_path_buf(),
            problems,
        });
    }
    if contacts.is_empty() {
        return Err(InputError::whole_file(
            path,
            "the log has a header but no contacts",
        ));
    }
    Ok(contacts)
}

fn column_names() -> Vec<&'static str> {
    COLUMNS.iter().map(|c| c.name).collect()
}

/// Columns we do not know, and required ones missing.
fn header_problems(headers: &[String]) -> Vec<Problem> {
    let problem = |column: &str, message: String| Problem {
        location: Location::Cell {
            row: 1,
            column: column.to_string(),
        },
        message,
    };
    let unknown = headers
        .iter()
        .filter(|name| !column_names().contains(&name.as_str()))
        .map(|name| {
            problem(
                name,
                format!(
                    "unknown column; expected columns: {}",
                    column_names().join(", ")
                ),
            )
        });
    let missing = (COLUMNS.iter())
        .filter(|column| column.required && !headers.iter().any(|h| h == column.name))
        .map(|column| problem(column.name, "required column is missing".into()));
    unknown.chain(missing).collect()
}

/// One row of the log being read: its cells by column name, and where its problems go.
struct Row<'a> {
    number: usize,
    headers: &'a [String],
    record: &'a csv::StringRecord,
    times: &'a LocalTimes,
    problems: &'a mut Vec<Problem>,
}

impl<'a> Row<'a> {
    fn cell(&self, name: &str) -> Option<&'a str> {
        let record: &'a csv::StringRecord = self.record;
        self.headers
            .iter()
            .position(|h| h == name)
            .and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    fn bad(&mut self, column: &str, message: String) {
        self.problems.push(Problem {
            location: Location::Cell {
                row: self.number,
                column: column.to_string(),
            },
            message,
        });
    }

    fn time(&mut self, name: &str) -> Option<DateTime<FixedOffset>> {
        let written = self.cell(name)?;
        self.times
            .read(written)
            .map_err(|err| self.bad(name, err.to_string()))
            .ok()
    }

    /// The row's contact, or `None` when it lacks what a contact needs (problems said).
    fn contact(
        mut self,
        channels: &[&str],
        first_row_of: &mut HashMap<String, usize>,
    ) -> Option<Contact> {
        let channel = self.channel(channels);
        let contact_id = self.contact_id(first_row_of);
        let sent_at = self.time("sent_at");
        if self.cell("sent_at").is_none() {
            self.bad("sent_at", "empty; when was the contact made?".into());
        }
        let first_response_at = self.time("first_response_at");
        let first_human_response_at = self.time("first_human_response_at");
        let resolved_at = self.time("resolved_at");
        if let Some(sent) = sent_at {
            for (name, value) in [
                ("first_response_at", first_response_at),
                ("first_human_response_at", first_human_response_at),
                ("resolved_at", resolved_at),
            ] {
                if value.is_some_and(|v| v < sent) {
                    self.bad(name, "earlier than sent_at".into());
                }
            }
        }
        if let (Some(any), Some(human)) = (first_response_at, first_human_response_at)
            && human < any
        {
            self.bad(
                "first_human_response_at",
                "earlier than first_response_at (the first response of any kind)".into(),
            );
        }
        let outcome = self.outcome();
        Some(Contact {
            row: self.number,
            channel: Channel::new(channel?),
            contact_id: contact_id?,
            sent_at: sent_at?,
            first_response_at,
            first_human_response_at,
            resolved_at,
            outcome,
            notes: self.cell("notes").map(str::to_string),
        })
    }

    fn channel(&mut self, channels: &[&str]) -> Option<String> {
        let channel = self.cell("channel").map(str::to_ascii_lowercase);
        match &channel {
            None => self.bad(
                "channel",
                "empty; expected one of: ".to_string() + &channels.join(", "),
            ),
            Some(c) if !channels.contains(&c.as_str()) => self.bad(
                "channel",
                format!(
                    "unknown channel `{c}`; expected one of: {}",
                    channels.join(", ")
                ),
            ),
            Some(_) => {}
        }
        channel
    }

    fn contact_id(&mut self, first_row_of: &mut HashMap<String, usize>) -> Option<String> {
        let Some(id) = self.cell("contact_id").map(str::to_string) else {
            self.bad("contact_id", "empty; every contact needs an id".into());
            return None;
        };
        if let Some(first) = first_row_of.insert(id.clone(), self.number) {
            self.bad(
                "contact_id",
                format!("duplicate contact id `{id}` (also on row {first})"),
            );
        }
        Some(id)
    }

    /// Written in any case, with spaces or hyphens: `Partially resolved` is `partially_resolved`.
    fn outcome(&mut self) -> Option<Outcome> {
        let written = self
            .cell("outcome")
            .map(|o| o.to_ascii_lowercase().replace([' ', '-'], "_"))?;
        by_name(&Outcome::LOGGED, Outcome::as_str, "outcome", &written)
            .map_err(|unknown| {
                let names = Outcome::LOGGED.map(Outcome::as_str);
                self.bad(
                    "outcome",
                    format!("{unknown}; expected one of: {}", names.join(", ")),
                );
            })
            .ok()
    }
}
