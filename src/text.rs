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

/// `text` with its first letter in capitals: a phrase made a heading.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
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

/// The words of `text` in lines of at most `width` characters (a longer word stands alone).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("never empty");
        let used = line.chars().count();
        if used == 0 {
            line.push_str(word);
        } else if used + 1 + word.chars().count() <= width {
            line.push(' ');
            line.push_str(word);
        } else {
            lines.push(word.to_string());
        }
    }
    lines
}

/// The SHA-256 of `bytes` in lower-case hex: the name of a saved page or a company's folder.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    use std::fmt::Write;
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn wrapped_lines_keep_every_word_within_the_width() {
        assert_eq!(
            super::wrap("one two three four", 9),
            ["one two", "three", "four"]
        );
        assert_eq!(
            super::wrap("a https://very.long/word b", 5),
            ["a", "https://very.long/word", "b"]
        );
        assert_eq!(super::wrap("", 5), [""]);
    }

    #[test]
    fn sha256_is_written_in_lower_case_hex() {
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

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
