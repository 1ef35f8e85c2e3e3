//! Repairs for JSON-LD as pages really write it: each takes a block's text and returns it
//! mended, or `None` when its fault is not there (the block is then read as it was).

/// `{&quot;@type&quot;: …}`: a block HTML-escaped twice over.
pub(super) fn decode_entities(text: &str) -> Option<String> {
    if !text.contains("&quot;") || text.contains('"') {
        return None;
    }
    Some(
        text.replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// `<!-- … -->`, `<![CDATA[ … ]]>` and `// <![CDATA[` lines around the JSON.
pub(super) fn strip_wrappers(text: &str) -> Option<String> {
    let original = text.trim();
    let mut s = original;
    loop {
        let before = s;
        for prefix in ["<!--", "<![CDATA[", "//"] {
            s = s.strip_prefix(prefix).unwrap_or(s).trim_start();
        }
        // JSON never starts or ends with these, so peeling them off cannot cut data.
        for suffix in ["-->", "]]>", "]]&gt;", "//"] {
            s = s.strip_suffix(suffix).unwrap_or(s).trim_end();
        }
        if s == before {
            break;
        }
    }
    (s.len() != original.len()).then(|| s.to_string())
}

pub(super) fn strip_trailing_semicolon(text: &str) -> Option<String> {
    let trimmed = text.trim_end();
    trimmed.strip_suffix(';').map(str::to_string)
}

/// Walks JSON text outside strings; `edit` decides what each byte becomes.
fn outside_strings(text: &str, mut edit: impl FnMut(&str, usize) -> Option<usize>) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut in_string, mut escaped) = (0, false, false);
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_string = false;
            }
        } else if c == b'"' {
            in_string = true;
        } else if let Some(skip_to) = edit(text, i) {
            i = skip_to;
            continue;
        }
        let len = text
            .get(i..)
            .and_then(|t| t.chars().next())
            .map_or(1, char::len_utf8);
        out.push_str(text.get(i..i + len).unwrap_or_default());
        i += len;
    }
    out
}

pub(super) fn strip_comments(text: &str) -> Option<String> {
    let out = outside_strings(text, |t, i| {
        let rest = t.get(i..)?;
        if rest.starts_with("//") {
            Some(i + rest.find('\n').unwrap_or(rest.len()))
        } else if rest.starts_with("/*") {
            Some(i + rest.find("*/").map_or(rest.len(), |e| e + 2))
        } else {
            None
        }
    });
    (out != text).then_some(out)
}

pub(super) fn strip_trailing_commas(text: &str) -> Option<String> {
    let out = outside_strings(text, |t, i| {
        let after = t.get(i..)?.strip_prefix(',')?;
        matches!(after.trim_start().chars().next(), Some('}' | ']')).then_some(i + 1)
    });
    (out != text).then_some(out)
}

/// Raw newlines and tabs inside strings (serde_json refuses them; browsers' JSON.parse too,
/// but publishers ship them).
pub(super) fn escape_control_characters(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped, mut changed) = (false, false, false);
    for c in text.chars() {
        if in_string && !escaped && (c as u32) < 0x20 {
            out.push_str(&format!("\\u{:04x}", c as u32));
            changed = true;
            continue;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        }
        out.push(c);
    }
    changed.then_some(out)
}
