//! HTML parsing with bounded work. html5ever checks "is X in scope" by
//! scanning its stack of open elements, so each tag costs time in proportion
//! to the nesting depth and a page of 200,000 nested `<div>`s takes minutes.
//! Browsers cap the depth (Blink at 512) by putting deeper elements beside
//! their parent; we do the same before parsing, with a linear pre-scan that
//! drops start tags nested deeper than the cap (their text is kept).

use std::time::{Duration, Instant};

use scraper::Html;

/// Deepest nesting parsed as written; deeper start tags are dropped.
pub const MAX_NESTING: usize = 512;

/// A parsed page, whether it had to be flattened to be parsed, and whether its time ran
/// out (then the page is what was parsed so far).
pub struct Parsed {
    pub html: Html,
    pub flattened: bool,
    pub cut: bool,
}

/// Parses a document with its nesting capped at [`MAX_NESTING`], within a time budget.
pub fn parse(text: &str) -> Parsed {
    let flat = flatten(text, MAX_NESTING);
    let (html, cut) = parse_within(flat.as_deref().unwrap_or(text), budget_for(text.len()));
    Parsed {
        html,
        flattened: flat.is_some(),
        cut,
    }
}

/// Time a page may take to parse: far more than a real page needs (a second and a half per
/// MB in a debug build), little enough that a page the nesting count misjudges cannot hold a
/// check for minutes. The parse is fed in chunks and stops between two when the time is up.
fn budget_for(bytes: usize) -> Duration {
    Duration::from_secs(2) + Duration::from_millis(2 * (bytes / 1024) as u64)
}

const CHUNK: usize = 16 * 1024;

fn parse_within(text: &str, budget: Duration) -> (Html, bool) {
    use html5ever::tendril::TendrilSink;
    let mut parser = html5ever::driver::parse_document(
        scraper::HtmlTreeSink::new(Html::new_document()),
        html5ever::ParseOpts::default(),
    );
    let started = Instant::now();
    let mut rest = text;
    while !rest.is_empty() {
        // At least one character, so a chunk boundary never stalls on a multi-byte one.
        let mut chunk = crate::text::prefix(rest, CHUNK);
        if chunk.is_empty() {
            chunk = &rest[..rest.chars().next().map_or(rest.len(), char::len_utf8)];
        }
        parser.process(chunk.into());
        rest = &rest[chunk.len()..];
        if !rest.is_empty() && started.elapsed() > budget {
            return (parser.finish(), true);
        }
    }
    (parser.finish(), false)
}

/// Elements that never stay open around their successors: void elements and
/// those whose end tag the parser implies when a sibling starts.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th",
    "tbody", "thead", "tfoot", "colgroup", "rb", "rt", "rtc", "rp",
];

/// Elements whose content is text up to their end tag, not markup.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

/// The text with start tags deeper than `cap` removed (and as many end tags
/// after them), or `None` when the page is shallow enough as it is. The depth
/// is an estimate from the tags alone; it only has to be close, and it never
/// runs ahead of the parser's by more than the elements it ignores.
pub fn flatten(text: &str, cap: usize) -> Option<String> {
    let scan = scan(text, cap, None, None);
    (!scan.cuts.is_empty()).then(|| without(text, &scan.cuts))
}

/// A page parsed for rating extraction: its JSON-LD blocks are lifted out of the text before
/// html5ever sees it (they can be most of a page, and the DOM would hold a copy), and returned
/// as slices of the page itself. The page is parsed only when some start tag's attribute text
/// passes `needs_dom` (a DOM costs several times the markup it holds, and a page whose data is
/// all JSON-LD needs none).
pub fn parse_lifting_json_ld<'t>(
    text: &'t str,
    needs_dom: &dyn Fn(&str) -> bool,
) -> (Option<Parsed>, Vec<&'t str>) {
    let json_ld = |attributes: &str| attribute(attributes, "type").is_some_and(is_json_ld);
    let scan = scan(text, MAX_NESTING, Some(&json_ld), Some(needs_dom));
    let blocks = scan.blocks.iter().map(|(a, b)| &text[*a..*b]).collect();
    if !scan.wanted_tag {
        return (None, blocks);
    }
    let flattened = scan.cuts.len() > scan.blocks.len();
    let (html, cut) = if scan.cuts.is_empty() {
        parse_within(text, budget_for(text.len()))
    } else {
        parse_within(&without(text, &scan.cuts), budget_for(text.len()))
    };
    (
        Some(Parsed {
            html,
            flattened,
            cut,
        }),
        blocks,
    )
}

/// The text of the first `<script id="…">` with this id, found by the same linear scan (a
/// site profile's page data, such as Trustpilot's `__NEXT_DATA__`): no DOM is built for it.
pub fn script_text<'t>(text: &'t str, id: &str) -> Option<&'t str> {
    let with_id = |attributes: &str| attribute(attributes, "id") == Some(id);
    let scan = scan(text, usize::MAX, Some(&with_id), None);
    scan.blocks.first().map(|(start, end)| &text[*start..*end])
}

/// Where a scan would cut the text, the script contents it found, and whether a start tag's
/// attributes were wanted.
struct Scan {
    cuts: Vec<(usize, usize)>,
    blocks: Vec<(usize, usize)>,
    wanted_tag: bool,
}

fn without(text: &str, cuts: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (start, end) in cuts {
        out.push_str(&text[from..*start]);
        from = *end;
    }
    out.push_str(&text[from..]);
    out
}

/// One linear pass over the tags: start tags deeper than `cap` to cut (and as many end tags
/// after them), the contents of the scripts whose attributes `scripts` wants (to cut too), and
/// whether any other start tag's attributes pass `tags`.
fn scan(
    text: &str,
    cap: usize,
    scripts: Option<&dyn Fn(&str) -> bool>,
    tags: Option<&dyn Fn(&str) -> bool>,
) -> Scan {
    let bytes = text.as_bytes();
    let mut wanted_tag = false;
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    let (mut depth, mut dropped, mut i) = (0usize, 0usize, 0usize);
    while let Some(offset) = memchr(b'<', &bytes[i..]) {
        let start = i + offset;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            i = find(bytes, start + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_at = start + 1 + usize::from(closing);
        let name_len = bytes[name_at..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if name_len == 0 || !bytes[name_at].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let name = text[name_at..name_at + name_len].to_ascii_lowercase();
        let end = tag_end(bytes, name_at + name_len);
        if closing {
            if dropped > 0 {
                dropped -= 1;
                cuts.push((start, end));
            } else if !NOT_NESTING.contains(&name.as_str()) {
                depth = depth.saturating_sub(1);
            }
            i = end;
            continue;
        }
        let self_closing = end >= 2 && bytes[end - 2] == b'/';
        if !wanted_tag && tags.is_some_and(|wanted| wanted(&text[name_at + name_len..end])) {
            wanted_tag = true;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            // Its content cannot open elements; skip to its end tag.
            let close = find_end_tag(bytes, end, &name).unwrap_or(bytes.len());
            if name == "script"
                && scripts.is_some_and(|wanted| wanted(&text[name_at + name_len..end]))
            {
                blocks.push((end, close));
                cuts.push((end, close));
            }
            i = close;
            continue;
        }
        if !self_closing && !NOT_NESTING.contains(&name.as_str()) {
            if depth >= cap {
                dropped += 1;
                cuts.push((start, end));
            } else {
                depth += 1;
            }
        }
        i = end;
    }
    cuts.sort_unstable();
    Scan {
        cuts,
        blocks,
        wanted_tag,
    }
}

/// A MIME type whose essence is JSON-LD (`application/ld+json; charset=utf-8` too).
fn is_json_ld(mime: &str) -> bool {
    mime.split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .eq_ignore_ascii_case("application/ld+json")
}

/// The value of attribute `wanted` in a tag's attribute text (quoted or not), as the HTML
/// tokenizer reads it: names are case-insensitive, quotes open a value only after `=`.
fn attribute<'a>(attributes: &'a str, wanted: &str) -> Option<&'a str> {
    let bytes = attributes.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>')
        {
            i += 1;
        }
        let name = &attributes[name_start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = "";
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(q @ (b'"' | b'\'')) => {
                    let close = bytes[i + 1..]
                        .iter()
                        .position(|c| c == q)
                        .map_or(bytes.len(), |p| i + 1 + p);
                    value = &attributes[i + 1..close];
                    i = close + 1;
                }
                _ => {
                    let value_start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = &attributes[value_start..i];
                }
            }
        }
        if name.eq_ignore_ascii_case(wanted) {
            return Some(value);
        }
        if name.is_empty() {
            i += 1;
        }
    }
    None
}

/// Just past the `>` closing a tag. As the HTML tokenizer does, a quote starts a quoted value
/// only after `=` (a stray `"` in an attribute name is just a character), so a page cannot
/// hide tags from this count with unbalanced quotes.
fn tag_end(bytes: &[u8], mut i: usize) -> usize {
    let mut after_equals = false;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'>' => return i + 1,
            b'=' => after_equals = true,
            b'"' | b'\'' if after_equals => {
                i = bytes[i + 1..]
                    .iter()
                    .position(|c| *c == b)
                    .map_or(bytes.len(), |p| i + 1 + p);
                after_equals = false;
            }
            b if b.is_ascii_whitespace() => {}
            _ => after_equals = false,
        }
        i += 1;
    }
    bytes.len()
}

/// Where `</name` starts at or after `from`, ASCII case-insensitively.
fn find_end_tag(bytes: &[u8], from: usize, name: &str) -> Option<usize> {
    let mut i = from;
    while let Some(offset) = find(bytes, i, b"</") {
        let after = offset + 2;
        if bytes
            .get(after..after + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
        {
            return Some(offset);
        }
        i = after;
    }
    None
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|b| *b == needle)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(open: &str, close: &str, n: usize) -> String {
        format!("<body>{}x{}</body>", open.repeat(n), close.repeat(n))
    }

    #[test]
    fn shallow_pages_are_parsed_as_written() {
        let page = "<div class=\"a>b\"><script>if (a <div) {}</script><p>one<p>two<br/></div>";
        assert!(flatten(page, 3).is_none());
        assert!(flatten(&nested("<div>", "</div>", 50), 51).is_none());
    }

    #[test]
    fn deep_nesting_is_flattened_and_keeps_the_text() {
        let page = nested("<div>", "</div>", 600);
        let parsed = parse(&page);
        assert!(parsed.flattened);
        let depth = parsed
            .html
            .root_element()
            .descendent_elements()
            .map(|e| e.ancestors().count())
            .max()
            .unwrap_or(0);
        assert!(depth <= MAX_NESTING + 4, "depth {depth}");
        assert_eq!(parsed.html.root_element().text().collect::<String>(), "x");
    }

    #[test]
    fn tags_after_the_deep_part_still_parse() {
        let page = format!(
            "{}<script type=\"application/ld+json\">{{}}</script><span id=\"after\">after</span>",
            nested("<section>", "</section>", 2_000)
        );
        let parsed = parse(&page);
        let selector =
            scraper::Selector::parse("#after, script").unwrap_or_else(|_| unreachable!());
        assert_eq!(parsed.html.select(&selector).count(), 2);
    }

    #[test]
    fn a_stray_quote_cannot_hide_the_nesting() {
        // `#"` is an attribute name to the HTML tokenizer, not the start of a value.
        let page = format!("<x a#\"=1>{}", "<div>".repeat(600));
        assert!(flatten(&page, 100).is_some());
        let quoted = format!("<x title=\"a > b\">{}", "<div>".repeat(50));
        assert!(flatten(&quoted, 100).is_none());
    }

    #[test]
    fn a_parse_out_of_time_stops_between_chunks_with_what_it_has() {
        let page = format!(
            "<p id=\"first\">one</p>{}<p id=\"last\">x</p>",
            " ".repeat(3 * CHUNK)
        );
        let (html, cut) = parse_within(&page, Duration::ZERO);
        assert!(cut);
        let found = |id: &str| {
            let selector =
                scraper::Selector::parse(&format!("#{id}")).unwrap_or_else(|_| unreachable!());
            html.select(&selector).count()
        };
        assert_eq!((found("first"), found("last")), (1, 0));
        let (whole, cut) = parse_within(&page, Duration::from_secs(60));
        assert!(!cut);
        assert_eq!(
            whole.root_element().text().collect::<String>().trim_end(),
            format!("one{}x", " ".repeat(3 * CHUNK))
        );
    }

    #[test]
    fn json_ld_blocks_are_lifted_out_before_parsing() {
        let page = concat!(
            "<head><script TYPE='Application/LD+JSON; charset=utf-8'>{\"a\":1}</script>",
            "<script type=application/ld+json>[2]</script>",
            "<!-- <script type=\"application/ld+json\">{\"hidden\":1}</script> -->",
            "<script>var x = '<script type=\"application/ld+json\">';</script>",
            "<script data-x=\"type=application/ld+json\" type=\"text/javascript\">var y;</script></head>",
        );
        let (parsed, blocks) = parse_lifting_json_ld(page, &|_| true);
        assert_eq!(blocks, ["{\"a\":1}", "[2]"]);
        let parsed = parsed.expect("a tag was wanted");
        // The DOM keeps the scripts, without the lifted text.
        let scripts = scraper::Selector::parse("script").unwrap_or_else(|_| unreachable!());
        let texts: Vec<String> = parsed
            .html
            .select(&scripts)
            .map(|s| s.text().collect())
            .collect();
        assert_eq!(
            texts,
            [
                "",
                "",
                "var x = '<script type=\"application/ld+json\">';",
                "var y;"
            ]
        );
        assert!(!parsed.flattened);
        let (unparsed, blocks) = parse_lifting_json_ld(page, &|_| false);
        assert!(unparsed.is_none());
        assert_eq!(blocks, ["{\"a\":1}", "[2]"]);
    }

    #[test]
    fn a_script_is_found_by_id_without_a_dom() {
        let page = concat!(
            "<!-- <script id=\"__NEXT_DATA__\">{\"commented\":1}</script> -->",
            "<script id=other>{}</script>",
            "<script type=\"application/json\" ID='__NEXT_DATA__'>{\"props\":1}</script>",
            "<script id=\"__NEXT_DATA__\">{\"second\":1}</script>",
        );
        assert_eq!(script_text(page, "__NEXT_DATA__"), Some("{\"props\":1}"));
        assert_eq!(script_text(page, "missing"), None);
    }
}
