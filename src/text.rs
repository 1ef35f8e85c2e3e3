//! Small text helpers every layer uses.

/// The longest prefix of `text` of at most `max_bytes` bytes that ends on a character boundary:
/// how much of a large input is read (robots.txt's 500 KiB, a page's head).
pub fn prefix(text: &str, max_bytes: usize) -> &str {
    let end = (0..=max_bytes.min(text.len()))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    text.get(..end).unwrap_or_default()
}

/// The first `n` characters of `text` (all of it when shorter): a short form of an outside
/// identifier, such as a commit or a digest, that may hold any character.
pub fn first_chars(text: &str, n: usize) -> &str {
    text.char_indices()
        .nth(n)
        .map_or(text, |(end, _)| text.get(..end).unwrap_or(text))
}

/// `text` trimmed and cut to `max_chars` characters with an ellipsis, for a one-line cell or note.
pub fn shorten(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// A name that is none of a closed set's (an output format, an export layout).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{name}`")]
pub struct UnknownName {
    /// What the set's members are, for the message: "layout".
    pub what: &'static str,
    pub name: String,
}

/// The member of `all` that `name_of` calls `name`: how a closed set is read from its names.
pub fn by_name<T: Copy>(
    all: &[T],
    name_of: fn(T) -> &'static str,
    what: &'static str,
    name: &str,
) -> Result<T, UnknownName> {
    (all.iter().copied())
        .find(|member| name_of(*member) == name)
        .ok_or_else(|| UnknownName {
            what,
            name: name.to_string(),
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_prefix_never_cuts_a_character() {
        assert_eq!(super::prefix("aツb", 2), "a");
        assert_eq!(super::prefix("aツb", 4), "aツ");
        assert_eq!(super::prefix("abc", 10), "abc");
    }

    #[test]
    fn first_chars_counts_characters_not_bytes() {
        assert_eq!(super::first_chars("ééééé", 2), "éé");
        assert_eq!(super::first_chars("abcdefghijkl", 10), "abcdefghij");
        assert_eq!(super::first_chars("ab", 10), "ab");
        assert_eq!(super::first_chars("", 3), "");
    }
}
