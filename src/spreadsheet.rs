//! Spreadsheet files as people save them: UTF-8 with or without a BOM, UTF-16
//! with a BOM (Excel's "Unicode text"), Windows-1252 (older Excel), and `,`,
//! `;` (European Excel) or tab between cells. Survey exports and contact logs
//! are read the same way.

use std::borrow::Cow;
use std::path::Path;

use crate::spanned::InputError;

/// The file's text, whatever of those encodings it is in: UTF-8 borrowed, not copied.
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return encoding_rs::UTF_16LE.decode_without_bom_handling(rest).0;
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return encoding_rs::UTF_16BE.decode_without_bom_handling(rest).0;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// `,`, `;` or tab: the one that splits the first lines into the same number
/// of columns (question texts are full of commas, so counting characters is not enough).
pub fn sniff_delimiter(text: &str) -> u8 {
    let sample: String = text.lines().take(6).collect::<Vec<_>>().join("\n");
    let widths = |delimiter: u8| -> Vec<usize> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(sample.as_bytes())
            .records()
            .filter_map(Result::ok)
            .map(|r| r.len())
            .collect()
    };
    [b',', b';', b'\t']
        .into_iter()
        .map(|d| (d, widths(d)))
        .filter(|(_, w)| w.first().is_some_and(|first| *first > 1))
        .max_by_key(|(_, w)| {
            let first = w[0];
            // Consistent widths first, then more columns.
            (w.iter().filter(|x| **x == first).count(), first)
        })
        .map_or(b',', |(d, _)| d)
}

/// A decoded spreadsheet read as the house reads CSV: its delimiter sniffed, every row as
/// wide as the header, and the header's cells trimmed; an unreadable header is the file's error.
pub fn csv_with_header<'a>(
    text: &'a str,
    path: &Path,
) -> Result<(csv::Reader<&'a [u8]>, Vec<String>), InputError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    match reader.headers() {
        Ok(h) => {
            let headers = h.iter().map(|c| c.trim().to_string()).collect();
            Ok((reader, headers))
        }
        Err(err) => Err(InputError::whole_file(
            path,
            format!("cannot read the CSV header: {err}"),
        )),
    }
}

/// The spreadsheet row each record of a CSV stands in, as the person who saved it sees it:
/// the csv reader skips blank lines, which are rows of the sheet, and a cell holding a line
/// break is one row over several lines.
#[derive(Debug)]
pub struct SheetRows<'a> {
    /// The text the records are read from: a record's position is where the reader started
    /// on it, before the blank lines it skipped.
    text: &'a [u8],
    /// Line breaks inside the cells of the records read so far.
    breaks_in_cells: u64,
    /// The row last given; the header's before any.
    last: usize,
}

impl<'a> SheetRows<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            breaks_in_cells: 0,
            last: 1,
        }
    }

    /// The row of `record` (a readable one: it knows where it started), else the next row.
    pub fn row_of(&mut self, record: Option<&csv::StringRecord>) -> usize {
        let Some(position) = record.and_then(csv::StringRecord::position) else {
            self.last += 1;
            return self.last;
        };
        let skipped = (self
            .text
            .get(usize::try_from(position.byte()).unwrap_or(usize::MAX)..))
        .unwrap_or_default()
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .filter(|b| **b == b'\n')
        .count() as u64;
        let line = position.line() + skipped;
        let row = usize::try_from(line.saturating_sub(self.breaks_in_cells)).unwrap_or(usize::MAX);
        self.breaks_in_cells += record
            .into_iter()
            .flatten()
            .map(|cell| cell.bytes().filter(|b| *b == b'\n').count() as u64)
            .sum::<u64>();
        self.last = row.max(self.last + 1);
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_the_sheets_past_blank_lines_and_cells_of_several_lines() {
        let text = "id,notes\na,one\n\n\nb,\"two\nlines\"\nc,three\n";
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut rows = SheetRows::new(text);
        let numbers: Vec<usize> = reader
            .records()
            .map(|r| rows.row_of(r.as_ref().ok()))
            .collect();
        // a is row 2; two blank rows; b is row 5 (over two lines); c is row 6.
        assert_eq!(numbers, [2, 5, 6]);
    }

    #[test]
    fn every_encoding_excel_writes_is_read() {
        let utf16 = |big_endian: bool| {
            let mut bytes = if big_endian {
                vec![0xFE, 0xFF]
            } else {
                vec![0xFF, 0xFE]
            };
            for unit in "notes\tCafé".encode_utf16() {
                let pair = if big_endian {
                    unit.to_be_bytes()
                } else {
                    unit.to_le_bytes()
                };
                bytes.extend_from_slice(&pair);
            }
            bytes
        };
        for (bytes, want) in [
            (b"\xef\xbb\xbfnotes\nCaf\xc3\xa9".to_vec(), "notes\nCafé"),
            (b"notes\nCaf\xe9 cr\xe8me".to_vec(), "notes\nCafé crème"),
            (utf16(false), "notes\tCafé"),
            (utf16(true), "notes\tCafé"),
        ] {
            assert_eq!(decode(&bytes), want);
        }
    }

    #[test]
    fn the_delimiter_is_the_one_that_splits_rows_evenly() {
        assert_eq!(sniff_delimiter("a,b,c;d\n1,2,3;4\n"), b',');
        assert_eq!(
            sniff_delimiter("channel;contact_id;sent_at\nphone;1;2026\n"),
            b';'
        );
        assert_eq!(sniff_delimiter("q, with comma\tb\nx, y\tz\n"), b'\t');
    }
}
