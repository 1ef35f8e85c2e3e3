//! The plan's file: written through the one CSV writer (so nothing in it turns live in a
//! spreadsheet), read back as spreadsheets save it (`,` `;` or tab, UTF-8, UTF-16 or
//! Windows-1252), every bad cell named by its row and column.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use super::PlanRow;
use crate::report::Sheet;
use crate::report::model::ActionStatus;
use crate::spanned::{InputError, Location, Problem};

const COLUMNS: [&str; 12] = [
    "id",
    "check",
    "title",
    "severity",
    "finding",
    "recommendation",
    "points",
    "owner",
    "due",
    "status",
    "notes",
    "measured",
];

/// The plan as CSV, `bom` first for Excel.
pub fn to_csv(rows: &[PlanRow], bom: bool) -> Vec<u8> {
    let mut sheet = Sheet::new(bom);
    sheet.row(COLUMNS);
    for row in rows {
        sheet.row([
            row.id.clone(),
            row.check.clone(),
            row.title.clone(),
            row.severity.clone(),
            row.finding.clone(),
            row.recommendation.clone(),
            row.points.map(|p| format!("{p:.1}")).unwrap_or_default(),
            row.owner.clone(),
            row.due.map(|d| d.to_string()).unwrap_or_default(),
            row.status.as_str().to_string(),
            row.notes.clone(),
            match row.present {
                Some(true) => "yes".into(),
                Some(false) => "gone".into(),
                None => String::new(),
            },
        ]);
    }
    sheet.into_bytes()
}

/// Reads a plan: `id` and `status` columns at least (the others as this tool writes them,
/// any order, more of the consultant's own ignored); every bad cell is reported.
pub fn read(bytes: &[u8], path: &Path) -> Result<Vec<PlanRow>, InputError> {
    let text = crate::spreadsheet::decode(bytes);
    let (mut reader, mut headers) = crate::spreadsheet::csv_with_header(&text, path)?;
    headers.iter_mut().for_each(|h| h.make_ascii_lowercase());
    let missing: Vec<&str> = ["id", "status"]
        .into_iter()
        .filter(|c| !headers.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        return Err(InputError::whole_file(
            path,
            format!(
                "the plan needs the column(s) {}; expected a header like {}",
                missing.join(", "),
                COLUMNS.join(",")
            ),
        ));
    }
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    let mut sheet_rows = crate::spreadsheet::SheetRows::new(&text);
    for record in reader.records() {
        let number = sheet_rows.row_of(record.as_ref().ok());
        let mut problem = |column: &str, message: String| {
            problems.push(Problem {
                location: Location::Cell {
                    row: number,
                    column: column.into(),
                },
                message,
            });
        };
        let record = match record {
            Ok(r) => r,
            Err(err) => {
                problem("(row)", format!("unreadable row: {err}"));
                continue;
            }
        };
        let cell = |name: &str| -> String {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| record.get(i))
                .map(|c| c.trim().to_string())
                .unwrap_or_default()
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let id = cell("id");
        if id.is_empty() {
            problem(
                "id",
                "expected the action's id (`<check id>/<code>`)".into(),
            );
            continue;
        }
        if let Some(first) = first_row_of.insert(id.clone(), number) {
            problem(
                "id",
                format!(
                    "`{}` is already the id of row {first}",
                    crate::report::sanitize::terminal(&id)
                ),
            );
        }
        let status = match parse_status(&cell("status")) {
            Ok(status) => status,
            Err(message) => {
                problem("status", message);
                ActionStatus::Open
            }
        };
        let due = match cell("due") {
            text if text.is_empty() => None,
            text => match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
                Ok(date) => Some(date),
                Err(_) => {
                    problem("due", "expected a date as YYYY-MM-DD, or nothing".into());
                    None
                }
            },
        };
        let points = match cell("points") {
            text if text.is_empty() => None,
            // European Excel re-saves 9.2 as 9,2.
            text => match text.replacen(',', ".", 1).parse::<f64>() {
                Ok(p) if (0.0..=100.0).contains(&p) => Some(p),
                _ => {
                    problem(
                        "points",
                        "expected a number from 0 to 100, or nothing".into(),
                    );
                    None
                }
            },
        };
        let severity = cell("severity");
        if !matches!(severity.as_str(), "" | "fail" | "warn") {
            problem(
                "severity",
                "expected fail or warn, or nothing on a row of your own".into(),
            );
        }
        let present = match cell("measured").as_str() {
            "" => None,
            "yes" => Some(true),
            "gone" => Some(false),
            _ => {
                problem("measured", "expected yes or gone, or nothing".into());
                None
            }
        };
        let check = match cell("check") {
            text if text.is_empty() => id.split('/').next().unwrap_or_default().to_string(),
            text => text,
        };
        rows.push(PlanRow {
            check,
            title: cell("title"),
            severity,
            finding: cell("finding"),
            recommendation: cell("recommendation"),
            points,
            owner: cell("owner"),
            due,
            status,
            notes: cell("notes"),
            present,
            id,
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(InputError {
            file: path.to_path_buf(),
            problems,
        })
    }
}

/// `open`, `in_progress`, `done`, `wont_do`, as people type them (`In progress`, `won't do`);
/// nothing is `open`.
fn parse_status(text: &str) -> Result<ActionStatus, String> {
    let words: String = text
        .chars()
        .filter(|c| *c != '\'' && *c != '’')
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    if words.is_empty() {
        return Ok(ActionStatus::Open);
    }
    ActionStatus::ALL
        .into_iter()
        .find(|s| s.as_str() == words)
        .ok_or_else(|| "expected open, in_progress, done or wont_do".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_read_as_people_type_them() {
        for (typed, status) in [
            ("", ActionStatus::Open),
            ("Done", ActionStatus::Done),
            ("in progress", ActionStatus::InProgress),
            ("In-Progress", ActionStatus::InProgress),
            ("won't do", ActionStatus::WontDo),
        ] {
            assert_eq!(parse_status(typed), Ok(status), "{typed}");
        }
        assert!(parse_status("finished").is_err());
    }

    #[test]
    fn every_bad_cell_is_named_and_a_written_plan_reads_back() {
        let bad =
            "id,status,due\nreviews/low-rating,done,2026-02-30\n,open,\nreviews/low-rating,open,\n";
        let err = read(bad.as_bytes(), Path::new("plan.csv"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("row 2, column `due`"), "{err}");
        assert!(err.contains("row 3, column `id`"), "{err}");
        assert!(
            err.contains("row 4, column `id`: `reviews/low-rating` is already the id of row 2"),
            "{err}"
        );
        let rows = vec![PlanRow {
            id: "reviews/low-rating".into(),
            check: "reviews".into(),
            severity: "fail".into(),
            owner: "@ops; =1+1".into(),
            due: NaiveDate::from_ymd_opt(2027, 1, 15),
            status: ActionStatus::InProgress,
            present: Some(true),
            ..PlanRow::default()
        }];
        let again = read(&to_csv(&rows, true), Path::new("plan.csv")).unwrap();
        assert_eq!(again[0].due, rows[0].due);
        assert_eq!(again[0].status, ActionStatus::InProgress);
        assert_eq!(again[0].owner, "'@ops; '=1+1");
        assert_eq!(
            to_csv(&again, true),
            to_csv(
                &[PlanRow {
                    owner: again[0].owner.clone(),
                    ..rows[0].clone()
                }],
                true
            )
        );
    }
}
