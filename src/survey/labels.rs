//! Labels and headers as they are compared: the same text however a tool or a person
//! cased, spaced or quoted it.

/// Folds case, whitespace and typographic apostrophes, for matching labels and headers.
pub fn normalise(text: &str) -> String {
    let text = strip_tags(text);
    text.replace(['’', '‘'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn strip_tags(text: &str) -> String {
    if !text.contains('<') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}
