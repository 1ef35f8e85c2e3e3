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

/// Parses a document with its nesting capped at [`MAX_NESTING`] and each tag's attributes at
/// [`MAX_ATTRIBUTES`], within a time budget.
pub fn parse(text: &str) -> Parsed {
    let scan = scan(text, MAX_NESTING, None, None);
    parse_scanned(text, &scan)
}

fn parse_scanned(text: &str, scan: &Scan) -> Parsed {
    let budget = budget_for(text.len());
    let (html, cut) = if scan.cuts.is_empty() {
        parse_within(text, budget)
    } else {
        parse_within(&without(text, &scan.cuts), budget)
    };
    Parsed {
        html,
        flattened: scan.flattened,
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
            chunk = rest
                .get(..rest.chars().next().map_or(rest.len(), char::len_utf8))
                .unwrap_or(rest);
        }
        parser.process(chunk.into());
        rest = rest.get(chunk.len()..).unwrap_or_default();
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

/// Elements whose content is text up to their end tag, not markup (`noscript` too: the
/// parser runs with scripting on, as browsers do).
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// The text with start tags deeper than `cap` removed (and as many end tags
/// after them), or `None` when the page is shallow enough as it is. The depth
/// is an estimate from the tags alone; it only has to be close, and it never
/// runs ahead of the parser's by more than the elements it ignores.
#[cfg(test)]
fn flatten(text: &str, cap: usize) -> Option<String> {
    let scan = scan(text, cap, None, None);
    scan.flattened.then(|| without(text, &scan.cuts))
}

/// A page parsed for rating extraction: its JSON-LD blocks are lifted out of the text before
/// html5ever sees it (they can be most of a page, and the DOM would hold a copy), and returned
/// as slices of the page itself. The page is parsed only when some start tag's attribute text
/// passes `needs_dom` (a DOM costs several times the markup it holds, and a page whose data is
/// all JSON-LD needs none).
pub fn parse_lifting_json_ld<'t>(text: &'t str, needs_dom: &dyn Fn(&str) -> bool) -> Lifted<'t> {
    let json_ld = |attributes: &str| attribute(attributes, "type").is_some_and(is_json_ld);
    // Once one tag wants a DOM, the others need not be asked.
    let mut wanted = false;
    let mut tags = |_: &str, attributes: &str| {
        wanted = wanted || needs_dom(attributes);
        wanted
    };
    let scan = scan(text, MAX_NESTING, Some(&json_ld), Some(&mut tags));
    Lifted {
        json_ld: scan
            .blocks
            .iter()
            .filter_map(|(a, b)| text.get(*a..*b))
            .collect(),
        parsed: scan.wanted_tag.then(|| parse_scanned(text, &scan)),
        capped: scan.capped,
    }
}

/// What [`parse_lifting_json_ld`] found.
pub struct Lifted<'t> {
    /// The page, when some tag wanted a DOM.
    pub parsed: Option<Parsed>,
    /// The JSON-LD blocks' text, slices of the page.
    pub json_ld: Vec<&'t str>,
    /// Whether a tag had attributes past [`MAX_ATTRIBUTES`] (said whether or not a DOM was
    /// built, so a page's repairs do not depend on which way it was read).
    pub capped: bool,
}

/// The text of the first `<script id="…">` with this id, found by the same linear scan (a
/// site profile's page data, such as Trustpilot's `__NEXT_DATA__`): no DOM is built for it.
pub fn script_text<'t>(text: &'t str, id: &str) -> Option<&'t str> {
    let with_id = |attributes: &str| attribute(attributes, "id") == Some(id);
    let scan = scan(text, usize::MAX, Some(&with_id), None);
    scan.blocks
        .first()
        .and_then(|(start, end)| text.get(*start..*end))
}

/// The start tags named `wanted` (lower case), in the page's order, with their attribute text,
/// found by the same linear scan as the rest: no DOM is built for what a page's head states.
pub fn start_tags<'t>(text: &'t str, wanted: &[&str]) -> Vec<(String, &'t str)> {
    let mut found = Vec::new();
    let mut each = |name: &str, attributes: &'t str| {
        if wanted.contains(&name) {
            found.push((name.to_string(), attributes));
        }
        false
    };
    scan(text, usize::MAX, None, Some(&mut each));
    found
}

/// The value of attribute `name` in a tag's attribute text, character references decoded as
/// the parser decodes them (by the parser itself, for the few values that hold one).
pub fn attribute_value(tag: &str, attributes: &str, name: &str) -> Option<String> {
    let raw = attribute(attributes, name)?;
    if !raw.contains('&') {
        return Some(raw.to_string());
    }
    let fragment = Html::parse_fragment(&format!("<{tag}{attributes}"));
    let selector = scraper::Selector::parse(tag).ok()?;
    fragment
        .select(&selector)
        .next()
        .and_then(|e| e.attr(name))
        .map(str::to_string)
}

/// Asked of every complete start tag: its name (lower case; empty when the tokenizer would
/// read a name the scan does not) and attribute text; whether it wants a DOM.
type TagVisitor<'f, 't> = dyn FnMut(&str, &'t str) -> bool + 'f;

/// Where a scan would cut the text, the script contents it found, whether a start tag's
/// attributes were wanted, and whether tags nested too deep or attributes past the cap were cut.
struct Scan {
    cuts: Vec<(usize, usize)>,
    blocks: Vec<(usize, usize)>,
    wanted_tag: bool,
    flattened: bool,
    capped: bool,
}

fn without(text: &str, cuts: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (start, end) in cuts {
        out.push_str(text.get(from..*start).unwrap_or_default());
        from = *end;
    }
    out.push_str(text.get(from..).unwrap_or_default());
    out
}

/// One linear pass over the tags: start tags deeper than `cap` to cut (and as many end tags
/// after them), attributes past [`MAX_ATTRIBUTES`] (to cut too), the contents of the scripts
/// whose attributes `scripts` wants (to cut too), and
/// whether any start tag's (name, attributes) pass `tags` (asked of every start tag).
fn scan<'t>(
    text: &'t str,
    cap: usize,
    scripts: Option<&dyn Fn(&str) -> bool>,
    mut tags: Option<&mut TagVisitor<'_, 't>>,
) -> Scan {
    let bytes = text.as_bytes();
    let (mut wanted_tag, mut flattened, mut capped) = (false, false, false);
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
        let name = text
            .get(name_at..name_at + name_len)
            .unwrap_or_default()
            .to_ascii_lowercase();
        let Tag {
            end,
            complete,
            excess,
        } = read_tag(bytes, name_at + name_len);
        // A tag cut whole (below) needs no attributes cut.
        let mut cut_excess = || {
            if let Some(excess) = excess {
                cuts.push(excess);
                capped = true;
            }
        };
        if closing {
            if dropped > 0 {
                dropped -= 1;
                cuts.push((start, end));
            } else {
                cut_excess();
                if !NOT_NESTING.contains(&name.as_str()) {
                    depth = depth.saturating_sub(1);
                }
            }
            i = end;
            continue;
        }
        let self_closing = end >= 2 && bytes[end - 2] == b'/';
        if let Some(tags) = tags.as_mut().filter(|_| complete) {
            // The name as the tokenizer reads it: up to a space, `/` or `>`.
            let full = bytes[name_at..]
                .iter()
                .take_while(|b| !b.is_ascii_whitespace() && !matches!(b, b'/' | b'>'))
                .count();
            let tag_name = if full == name_len { name.as_str() } else { "" };
            wanted_tag |= tags(
                tag_name,
                text.get(name_at + name_len..end).unwrap_or_default(),
            );
        }
        let deep = !self_closing && !NOT_NESTING.contains(&name.as_str()) && depth >= cap;
        if !deep {
            cut_excess();
        }
        if RAW_TEXT.contains(&name.as_str()) {
            // Its content cannot open elements; skip to its end tag.
            let close = find_end_tag(bytes, end, &name).unwrap_or(bytes.len());
            if name == "script"
                && scripts.is_some_and(|wanted| {
                    wanted(text.get(name_at + name_len..end).unwrap_or_default())
                })
            {
                blocks.push((end, close));
                cuts.push((end, close));
            }
            i = close;
            continue;
        }
        if deep {
            dropped += 1;
            flattened = true;
            cuts.push((start, end));
        } else if !self_closing && !NOT_NESTING.contains(&name.as_str()) {
            depth += 1;
        }
        i = end;
    }
    cuts.sort_unstable();
    Scan {
        cuts,
        blocks,
        wanted_tag,
        flattened,
        capped,
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
        let name = attributes.get(name_start..i).unwrap_or_default();
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
                    value = attributes.get(i + 1..close).unwrap_or_default();
                    i = close + 1;
                }
                _ => {
                    let value_start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = attributes.get(value_start..i).unwrap_or_default();
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

/// Attributes one tag keeps; later ones are cut before parsing. html5ever drops a duplicate
/// attribute by comparing its name with every attribute before it in the tag, so a tag's cost
/// is the square of its attribute count: one element with 400,000 of them took seconds. No
/// real element carries more than a few dozen; the cap makes a tag's cost at most
/// `MAX_ATTRIBUTES` comparisons per byte of it.
pub const MAX_ATTRIBUTES: usize = 128;

/// A tag read as the HTML tokenizer reads it, from just after its name's first characters.
struct Tag {
    /// Just past its closing `>` (or the end of the text).
    end: usize,
    /// Whether it has its `>`: the tokenizer drops a tag the text ends in.
    complete: bool,
    /// Where its attributes past [`MAX_ATTRIBUTES`] start and end, when it has more.
    excess: Option<(usize, usize)>,
}

/// The tokenizer's states inside a tag (HTML's tag name, attribute and self-closing states).
#[derive(Clone, Copy, PartialEq)]
enum At {
    TagName,
    BeforeName,
    Name,
    AfterName,
    BeforeValue,
    Quoted(u8),
    Unquoted,
    AfterQuoted,
    SelfClosing,
}

/// Walks a tag as the tokenizer does, so a page cannot hide tags from the nesting count with
/// quotes (a quote opens a value only after `=`), and counts its attributes.
fn read_tag(bytes: &[u8], from: usize) -> Tag {
    let (mut state, mut i, mut count) = (At::TagName, from, 0usize);
    let (mut excess_from, mut last_end) = (None, from);
    while i < bytes.len() {
        let b = bytes[i];
        let space = b.is_ascii_whitespace();
        let mut start_name = false;
        state = match state {
            _ if b == b'>' && !matches!(state, At::Quoted(_)) => {
                return Tag {
                    end: i + 1,
                    complete: true,
                    excess: excess_from.map(|s| (s, last_end)),
                };
            }
            At::TagName | At::Unquoted | At::AfterQuoted if space => At::BeforeName,
            At::TagName | At::Name | At::AfterQuoted if b == b'/' => At::SelfClosing,
            At::TagName => At::TagName,
            At::BeforeName | At::AfterName | At::BeforeValue if space => state,
            At::Name if space => At::AfterName,
            At::BeforeName | At::AfterName if b == b'/' => At::SelfClosing,
            At::Name | At::AfterName if b == b'=' => At::BeforeValue,
            At::Name => At::Name,
            At::BeforeValue if b == b'"' || b == b'\'' => At::Quoted(b),
            At::BeforeValue | At::Unquoted => At::Unquoted,
            At::Quoted(q) if b == q => At::AfterQuoted,
            At::Quoted(q) => At::Quoted(q),
            // Anything else after a value or a `/` starts the next attribute, as does any
            // character (`=` too) where a name may begin.
            At::AfterQuoted | At::SelfClosing => {
                state = At::BeforeName;
                continue;
            }
            At::BeforeName | At::AfterName => {
                start_name = true;
                At::Name
            }
        };
        if start_name {
            count += 1;
            if count == MAX_ATTRIBUTES + 1 {
                excess_from = Some(i);
            }
        }
        // Where the last attribute ends: its name, `=`, value or closing quote.
        let in_attribute = matches!(
            state,
            At::Name | At::BeforeValue | At::Quoted(_) | At::Unquoted | At::AfterQuoted
        );
        if in_attribute && (!space || matches!(state, At::Quoted(_))) {
            last_end = i + 1;
        }
        i += 1;
    }
    Tag {
        end: bytes.len(),
        complete: false,
        excess: excess_from.map(|s| (s, last_end)),
    }
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
        let Lifted {
            parsed, json_ld, ..
        } = parse_lifting_json_ld(page, &|_| true);
        assert_eq!(json_ld, ["{\"a\":1}", "[2]"]);
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
        let unparsed = parse_lifting_json_ld(page, &|_| false);
        assert!(unparsed.parsed.is_none());
        assert_eq!(unparsed.json_ld, ["{\"a\":1}", "[2]"]);
    }

    /// The attributes of the page's first element named `name`.
    fn attributes_of(html: &Html, name: &str) -> Vec<(String, String)> {
        let selector = scraper::Selector::parse(name).unwrap_or_else(|_| unreachable!());
        html.select(&selector)
            .next()
            .map(|e| {
                e.value()
                    .attrs()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn a_tag_reaches_the_parser_with_at_most_the_capped_attributes() {
        // html5ever compares each attribute with those before it in the tag: with the cap, the
        // comparisons a tag costs are bounded by MAX_ATTRIBUTES per attribute, whatever its count.
        let names: Vec<String> = (0..20_000).map(|i| format!("a{i}")).collect();
        let page = format!(
            "<div itemscope itemtype=\"https://schema.org/Thing\" {} last='x>y'>text</div \
             {}><p>after</p>",
            names.join(" "),
            names.join("=1 ")
        );
        let lifted = parse_lifting_json_ld(&page, &|_| true);
        assert!(lifted.capped);
        let parsed = lifted.parsed.expect("a DOM");
        let kept = attributes_of(&parsed.html, "div");
        assert_eq!(kept.len(), MAX_ATTRIBUTES);
        // The first ones are kept (scraper sorts them by name), and the tag ends where the
        // tokenizer says.
        assert!(
            kept.contains(&("itemscope".into(), String::new())),
            "{kept:?}"
        );
        assert!(kept.contains(&("a125".into(), String::new())), "{kept:?}");
        assert!(!kept.contains(&("a126".into(), String::new())), "{kept:?}");
        assert_eq!(attributes_of(&parsed.html, "p").len(), 0);
        assert_eq!(
            parsed.html.root_element().text().collect::<String>(),
            "textafter"
        );
        assert!(!parsed.flattened);
    }

    #[test]
    fn tags_within_the_attribute_cap_are_parsed_as_written() {
        let names: Vec<String> = (0..MAX_ATTRIBUTES).map(|i| format!("a{i}")).collect();
        for page in [
            format!("<div {}>x</div>", names.join(" ")),
            format!("<div {} />x", names.join("='1' ")),
            "<div a b= =\"x>y\" c>z</div>".to_string(),
        ] {
            let scan = scan(&page, MAX_NESTING, None, None);
            assert!(scan.cuts.is_empty() && !scan.capped, "{page}");
        }
        // `b`'s unquoted value is `="x`: the tag ends at the first `>`, as the tokenizer reads it.
        let parsed = parse("<div a b= =\"x>y\" c>z</div>");
        assert_eq!(
            attributes_of(&parsed.html, "div")[1],
            ("b".into(), "=\"x".into())
        );
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
