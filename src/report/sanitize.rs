//! The one sanitizer for text from outside (pages, plug-ins, mail servers,
//! saved evidence) on its way to a person. Terminals obey control characters
//! (ESC starts colour, cursor and title sequences; BEL rings; NUL and CR
//! overwrite) and bidi controls reorder what is shown, so such characters are
//! shown escaped (`\u{1b}`) rather than passed through; XML 1.0 forbids some
//! characters outright, so JUnit drops them.

use std::borrow::Cow;

/// Whether a terminal would act on `c` instead of showing it.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Bidi embeddings, overrides, isolates and marks.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
            // Line and paragraph separators, and non-characters.
            | '\u{2028}' | '\u{2029}' | '\u{FDD0}'..='\u{FDEF}' | '\u{FFFE}' | '\u{FFFF}'
        )
}

/// `text` as it may appear on one line of a terminal: tabs and line breaks
/// become spaces, every other control or bidi character is written `\u{…}`.
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_unsafe(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text of several lines for a terminal (a rendered table, a listing): each line as
/// [`terminal`] shows it, the line breaks kept.
pub fn terminal_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<Cow<'_, str>> = text.split('\n').map(terminal).collect();
    Cow::Owned(lines.join("\n"))
}

/// Outside text as a Markdown code span that nothing in it can end: the fence is one
/// backtick longer than the longest run of backticks inside (CommonMark), padded when
/// the text starts or ends with one; in a table cell a `|` is escaped, as GFM splits cells
/// before it reads code spans.
pub fn code_span(text: &str, in_table: bool) -> String {
    let text = terminal(text);
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.trim().is_empty() {
        " "
    } else {
        ""
    };
    let inside = if in_table {
        text.replace('|', "\\|")
    } else {
        text.into_owned()
    };
    format!("{fence}{pad}{inside}{pad}{fence}")
}

/// A table cell holding outside text, sanitized for the terminal.
pub fn cell(text: impl AsRef<str>) -> comfy_table::Cell {
    comfy_table::Cell::new(terminal(text.as_ref()))
}

/// Whether XML 1.0 allows `c` in a document (its `Char` production).
pub fn xml_allows(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Text for HTML content and attribute values: control and bidi characters shown escaped
/// (`\u{202e}`), as in a terminal, so no text reorders or hides what is around it.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in terminal_lines(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if xml_allows(c) => out.push(c),
            _ => out.push('\u{fffd}'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_shown_not_obeyed() {
        let hostile = "ok\u{1b}]0;pwned\u{7}\u{1b}[2J\0 \u{202E}txt.exe\u{85}\nnext";
        let shown = terminal(hostile);
        assert!(!shown.chars().any(is_unsafe), "{shown:?}");
        assert_eq!(
            shown,
            "ok\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{0} \\u{202e}txt.exe\\u{85} next"
        );
        assert!(matches!(terminal("Café – 4.5 ★"), Cow::Borrowed(_)));
    }

    #[test]
    fn lines_keep_their_breaks_and_lose_their_controls() {
        assert_eq!(
            terminal_lines("a\u{1b}[31m\nb\u{202e}"),
            "a\\u{1b}[31m\nb\\u{202e}"
        );
        assert!(matches!(terminal_lines("a\nb"), Cow::Borrowed(_)));
    }

    #[test]
    fn no_text_ends_its_code_span() {
        for (text, want) in [
            ("web-form", "`web-form`"),
            (
                "a`<img src=x onerror=alert(1)>`",
                "`` a`<img src=x onerror=alert(1)>` ``",
            ),
            ("``x", "``` ``x ```"),
            ("a|b", "`a\\|b`"),
            ("", "`  `"),
        ] {
            assert_eq!(code_span(text, true), want, "{text:?}");
        }
        assert_eq!(code_span("a|b", false), "`a|b`");
    }

    #[test]
    fn xml_forbidden_characters_are_known() {
        for c in ['\u{0}', '\u{1b}', '\u{FFFE}', '\u{FFFF}'] {
            assert!(!xml_allows(c), "{c:?}");
        }
        for c in ['\t', 'é', '★', '\u{1F600}'] {
            assert!(xml_allows(c), "{c:?}");
        }
    }
}
