//! Reading what `history export` wrote, one line at a time: an import holds one run in
//! memory however long the file, and each line is checked — no longer than a stated cap,
//! UTF-8, the JSON of a run, and a run this tool could have recorded — before it is stored.

use std::io::{BufRead, Read};

use super::ExportedRun;

/// Why a line of an export is not a run: where (1-based line, and column) and what;
/// printed after the file's name and a colon.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{line}: unreadable (not UTF-8 text)")]
    Unreadable { line: usize },
    #[error("{line}: longer than {cap} bytes, more than one run can be (raise it with {variable})")]
    TooLong {
        line: usize,
        cap: u64,
        variable: &'static str,
    },
    #[error("{line}:{column}: not a run exported by centricity: {message}")]
    NotARun {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{line}: not a run centricity could have recorded: {problem}")]
    Impossible { line: usize, problem: String },
}

/// The runs of an export, in order; the first bad line ends it with its error. A line may
/// hold `max_line` bytes; `raise_with` is the variable that raises that cap.
pub fn read_export<R: BufRead>(
    reader: R,
    max_line: u64,
    raise_with: &'static str,
) -> ExportLines<R> {
    ExportLines {
        reader,
        line: 0,
        max_line,
        variable: raise_with,
        done: false,
    }
}

pub struct ExportLines<R> {
    reader: R,
    line: usize,
    max_line: u64,
    variable: &'static str,
    done: bool,
}

impl<R: BufRead> ExportLines<R> {
    fn read_line(&mut self) -> Result<Option<ExportedRun>, ExportError> {
        loop {
            let mut bytes = Vec::new();
            let reader: &mut R = &mut self.reader;
            let read = <&mut R as Read>::take(reader, self.max_line.saturating_add(1))
                .read_until(b'\n', &mut bytes);
            self.line += 1;
            let line = self.line;
            match read {
                Err(_) => return Err(ExportError::Unreadable { line }),
                Ok(0) => return Ok(None),
                Ok(_) => {}
            }
            let body = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
            let body = body.strip_suffix(b"\r").unwrap_or(body);
            if body.len() as u64 > self.max_line {
                return Err(ExportError::TooLong {
                    line,
                    cap: self.max_line,
                    variable: self.variable,
                });
            }
            let text = std::str::from_utf8(body).map_err(|_| ExportError::Unreadable { line })?;
            if text.trim().is_empty() {
                continue;
            }
            let run: ExportedRun =
                serde_json::from_str(text).map_err(|e| ExportError::NotARun {
                    line,
                    column: e.column(),
                    message: crate::text::shorten(&e.to_string(), 200),
                })?;
            run.report
                .validate()
                .map_err(|problem| ExportError::Impossible { line, problem })?;
            return Ok(Some(run));
        }
    }
}

impl<R: BufRead> Iterator for ExportLines<R> {
    type Item = Result<ExportedRun, ExportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = self.read_line().transpose();
        self.done = !matches!(next, Some(Ok(_)));
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8], max_line: u64) -> Result<Vec<ExportedRun>, String> {
        read_export(text, max_line, "CENTRICITY_MAX_TABLE_BYTES")
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())
    }

    #[test]
    fn an_export_is_read_whole_or_stops_at_its_first_bad_line() {
        let runs = include_str!("../../fixtures/history/two-runs.jsonl");
        assert_eq!(
            read(format!("\n{runs}\n  \n").as_bytes(), 1 << 20)
                .unwrap()
                .len(),
            2
        );
        let first = runs.lines().next().unwrap();
        let bad = format!("{first}\n{{\"context\": 1}}\n{first}\n");
        let e = read(bad.as_bytes(), 1 << 20).unwrap_err();
        assert!(
            e.starts_with("2:13: not a run exported by centricity"),
            "{e}"
        );
        assert_eq!(
            read(b"\n\xff\n", 1 << 20).unwrap_err(),
            "2: unreadable (not UTF-8 text)"
        );
        let e = read(format!("{first}\n").as_bytes(), 100).unwrap_err();
        assert!(e.starts_with("1: longer than 100 bytes"), "{e}");
        assert!(e.contains("CENTRICITY_MAX_TABLE_BYTES"), "{e}");
    }

    #[test]
    fn a_line_of_exactly_the_cap_is_read() {
        let runs = include_str!("../../fixtures/history/two-runs.jsonl");
        let first = runs.lines().next().unwrap();
        let exact = first.len() as u64;
        assert_eq!(
            read(format!("{first}\n").as_bytes(), exact).unwrap().len(),
            1
        );
        assert_eq!(read(first.as_bytes(), exact).unwrap().len(), 1);
        assert_eq!(
            read(format!("{first}\r\n").as_bytes(), exact)
                .unwrap()
                .len(),
            1
        );
        assert!(read(first.as_bytes(), exact - 1).is_err());
    }
}
