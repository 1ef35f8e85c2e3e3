//! The one CSV writer: every CSV the tool emits (report, matrix, history, rank, merge,
//! survey form) goes through it, so that no cell becomes live content in any spreadsheet,
//! whatever its locale. A spreadsheet may split on `,`, `;` or tab (Excel follows the
//! system's list separator, `;` in much of Europe), so:
//!
//! - a cell holding `,` `;` tab, a quote or a line break is quoted, whole;
//! - a formula trigger (`=` `+` `-` `@`) that starts the cell, or starts a piece after
//!   any `,` `;` or tab inside it, gets a `'` before it, which spreadsheets show as text
//!   (OWASP's CSV-injection advice, widened to every separator a spreadsheet may use);
//! - control and bidi characters are shown escaped, as in a terminal.
//!
//! A plain negative number (`-2.5`) is a number, not a formula, and is left as it is.

use std::borrow::Cow;

use super::sanitize::terminal;

/// Excel on Windows reads a CSV as UTF-8 only when it starts with this.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// A CSV being written, in memory.
pub struct Sheet {
    out: Vec<u8>,
}

impl Sheet {
    /// A new sheet; `bom` starts it with the byte-order mark Excel wants.
    pub fn new(bom: bool) -> Self {
        Sheet {
            out: if bom { BOM.to_vec() } else { Vec::new() },
        }
    }

    /// Appends one record.
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        for (i, cell) in cells.into_iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            let cell = neutralise(&terminal(cell.as_ref())).into_owned();
            if cell.contains([',', ';', '\t', '"', '\r', '\n']) {
                self.out.push(b'"');
                self.out
                    .extend_from_slice(cell.replace('"', "\"\"").as_bytes());
                self.out.push(b'"');
            } else {
                self.out.extend_from_slice(cell.as_bytes());
            }
        }
        self.out.push(b'\n');
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }
}

/// `cell` with a `'` before every formula trigger that starts it or starts a piece after
/// a separator inside it.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if is_number(cell) {
        return Cow::Borrowed(cell);
    }
    let mut out = String::new();
    let mut at_start = true;
    for (i, c) in cell.char_indices() {
        // Full-width forms too: some spreadsheets read them as the ASCII ones.
        if at_start
            && matches!(
                c,
                '=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠'
            )
        {
            if out.is_empty() {
                out.push_str(cell.get(..i).unwrap_or_default());
            }
            out.push('\'');
        }
        if !out.is_empty() {
            out.push(c);
        }
        // Spaces before a trigger do not disarm it: some spreadsheets trim them.
        at_start =
            matches!(c, ',' | ';' | '\t') || (at_start && (c.is_whitespace() || c == '\u{feff}'));
    }
    if out.is_empty() {
        Cow::Borrowed(cell)
    } else {
        Cow::Owned(out)
    }
}

/// `-12`, `3.5`: a number as the tool writes one, never a formula.
fn is_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let fraction = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_triggers_are_neutralised_at_the_start_and_after_every_separator() {
        for (cell, want) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("x;=1+1;", "x;'=1+1;"),
            ("a,@b", "a,'@b"),
            ("a\t+b", "a\t'+b"),
            ("a; =b", "a; '=b"),
            ("  =b", "  '=b"),
            ("\u{a0}=1+1", "\u{a0}'=1+1"),
            ("\u{feff}=1", "\u{feff}'=1"),
            ("x;\u{3000}＝1", "x;\u{3000}'＝1"),
            ("é;-x", "é;'-x"),
            ("plain", "plain"),
            ("72.4", "72.4"),
            ("-2.5", "-2.5"),
            ("-", "'-"),
            ("", ""),
        ] {
            assert_eq!(neutralise(cell), want, "cell {cell:?}");
        }
    }

    #[test]
    fn cells_holding_any_separator_are_quoted() {
        let mut sheet = Sheet::new(false);
        sheet.row([
            "x;=1+1;",
            "a,b",
            "say \"hi\"",
            "plain",
            "-2.5",
            "\u{1b}]8;;x",
        ]);
        assert_eq!(
            String::from_utf8(sheet.into_bytes()).unwrap(),
            "\"x;'=1+1;\",\"a,b\",\"say \"\"hi\"\"\",plain,-2.5,\"\\u{1b}]8;;x\"\n"
        );
    }

    #[test]
    fn a_bom_starts_the_sheet_when_asked() {
        let mut sheet = Sheet::new(true);
        sheet.row(["a"]);
        assert_eq!(sheet.into_bytes(), b"\xEF\xBB\xBFa\n");
    }
}
