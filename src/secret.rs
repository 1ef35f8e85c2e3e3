//! Secrets kept out of everything the tool prints or stores. A secret is known by
//! value (a password read from the environment, or found in a store URL) and is
//! replaced in every form a peer may echo it back in: as typed, percent-encoded
//! or decoded, quoted the way IMAP quotes it, and base64-encoded with or without
//! padding (SMTP `AUTH LOGIN` and `AUTH PLAIN`).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

/// What a secret is replaced by.
pub const MASK: &str = "***";

/// The texts to replace, every echoed form of every secret added.
#[derive(Debug, Default, Clone)]
pub struct Secrets {
    forms: Vec<Vec<u8>>,
}

impl Secrets {
    /// `secret` and the forms it is echoed in. A secret under three bytes is ignored: it
    /// would blank out ordinary text, and there is nothing to recognise it by.
    pub fn add(&mut self, secret: &str) {
        if secret.len() < 3 || secret == MASK {
            return;
        }
        let mut forms = vec![
            secret.to_string(),
            imap_quoted(secret),
            STANDARD.encode(secret),
            STANDARD_NO_PAD.encode(secret),
        ];
        let decoded = percent_encoding::percent_decode_str(secret).decode_utf8_lossy();
        forms.push(decoded.into_owned());
        forms.push(
            percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
                .to_string(),
        );
        self.forms.extend(forms.into_iter().map(String::into_bytes));
    }

    /// A login's password, also in the SASL PLAIN forms that carry the user beside it.
    pub fn add_login(&mut self, user: &str, password: &str) {
        self.add(password);
        if password.len() < 3 {
            return;
        }
        for plain in [
            format!("\0{user}\0{password}"),
            format!("{user}\0{user}\0{password}"),
        ] {
            self.forms.push(STANDARD.encode(&plain).into_bytes());
            self.forms.push(STANDARD_NO_PAD.encode(&plain).into_bytes());
        }
    }

    /// `text` with every form of every secret replaced by [`MASK`].
    pub fn scrub_bytes(&self, text: &[u8]) -> Vec<u8> {
        // Longest first, so a form that contains another (padded base64 contains the
        // unpadded) is replaced whole; sorted once here, not at every `add`.
        let mut forms: Vec<&[u8]> = self.forms.iter().map(Vec::as_slice).collect();
        forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        forms.dedup();
        let mut out = text.to_vec();
        for form in forms {
            out = replace_all(&out, form, MASK.as_bytes());
        }
        out
    }

    /// [`Secrets::scrub_bytes`] for text.
    pub fn scrub(&self, text: &str) -> String {
        if self.forms.is_empty() {
            return text.to_string();
        }
        String::from_utf8_lossy(&self.scrub_bytes(text.as_bytes())).into_owned()
    }
}

/// A string as IMAP writes it inside a quoted string (RFC 3501: `\` before `"` and `\`).
fn imap_quoted(secret: &str) -> String {
    let mut out = String::with_capacity(secret.len() + 2);
    for c in secret.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Every occurrence of `needle` in `haystack` replaced by `with`, in one pass.
fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return haystack.to_vec();
    }
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack.get(i..i + needle.len()) == Some(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(password: &str) -> Secrets {
        let mut s = Secrets::default();
        s.add_login("auditor", password);
        s
    }

    #[test]
    fn every_echoed_form_is_masked() {
        let password = r#"pa"ss\wörd 1"#;
        let s = secrets(password);
        let echoed = [
            password.to_string(),
            format!("LOGIN auditor \"{}\"", imap_quoted(password)),
            STANDARD.encode(password),
            STANDARD_NO_PAD.encode(password),
            STANDARD.encode(format!("\0auditor\0{password}")),
            STANDARD_NO_PAD.encode(format!("\0auditor\0{password}")),
            percent_encoding::utf8_percent_encode(password, percent_encoding::NON_ALPHANUMERIC)
                .to_string(),
        ];
        for text in echoed {
            let shown = s.scrub(&format!("NO [AUTH] {text} failed"));
            assert!(!shown.contains("ss"), "{text} → {shown}");
            assert!(shown.contains(MASK), "{text} → {shown}");
        }
    }

    #[test]
    fn a_percent_encoded_secret_is_masked_decoded_too() {
        let mut s = Secrets::default();
        s.add("S3c%40ret%21");
        assert_eq!(s.scrub("login S3c@ret! refused"), "login *** refused");
    }

    #[test]
    fn short_secrets_and_plain_text_are_left_alone() {
        let s = secrets("ab");
        assert_eq!(s.scrub("abc ab YWI="), "abc ab YWI=");
    }
}
