//! Decoding a page's bytes the way a browser would: BOM, then the HTTP
//! `Content-Type` charset, then `<meta charset>` in the first 1024 bytes,
//! then UTF-8. Never lossy guessing on top of a declared charset.

use encoding_rs::{Encoding, UTF_8};

/// The decoded text and the encoding's name. A UTF-8 page (most of them) becomes its text
/// without a copy: a large page is not held twice.
pub fn decode(bytes: Vec<u8>, content_type: Option<&str>) -> (String, &'static str) {
    let encoding = Encoding::for_bom(&bytes)
        .map(|(e, _)| e)
        .or_else(|| {
            content_type
                .and_then(charset_parameter)
                .and_then(|l| Encoding::for_label(l.as_bytes()))
        })
        .or_else(|| meta_charset(&bytes))
        .unwrap_or(UTF_8);
    if encoding == UTF_8 && !bytes.starts_with(b"\xEF\xBB\xBF") {
        return match String::from_utf8(bytes) {
            Ok(text) => (text, UTF_8.name()),
            Err(invalid) => (
                String::from_utf8_lossy(invalid.as_bytes()).into_owned(),
                UTF_8.name(),
            ),
        };
    }
    let (text, used, _) = encoding.decode(&bytes);
    (text.into_owned(), used.name())
}

fn charset_parameter(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// The HTML prescan, simplified: `<meta charset=…>` or
/// `<meta http-equiv="Content-Type" content="…charset=…">` in the first 1024 bytes.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(at) = rest.find("<meta") {
        rest = rest.get(at + 5..).unwrap_or_default();
        let tag = rest.split('>').next().unwrap_or_default();
        if let Some((_, after)) = tag.split_once("charset") {
            let after = after.trim_start().strip_prefix('=')?.trim_start();
            let label: String = after
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| !matches!(c, '"' | '\'' | ';' | ' ' | '/' | '>'))
                .collect();
            if let Some(encoding) = Encoding::for_label(label.as_bytes()) {
                // A page cannot declare UTF-16 in ASCII-compatible bytes: the standard reads it as UTF-8.
                return Some(
                    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                        UTF_8
                    } else {
                        encoding
                    },
                );
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn charset_sources_in_order() {
        // "Café" in windows-1252 is 43 61 66 E9.
        let latin1 =
            b"<html><head><meta charset=\"windows-1252\"></head><body>Caf\xe9</body></html>";
        assert!(decode(latin1.to_vec(), None).0.contains("Café"));
        let http_equiv =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">Caf\xe9";
        assert!(decode(http_equiv.to_vec(), None).0.contains("Café"));
        // The HTTP header wins over the meta tag.
        let (text, name) = decode(
            b"<meta charset=utf-8>Caf\xe9".to_vec(),
            Some("text/html; charset=ISO-8859-1"),
        );
        assert!(text.contains("Café"));
        assert_eq!(name, "windows-1252");
        // A BOM wins over everything.
        let (text, name) = decode(
            b"\xef\xbb\xbfCaf\xc3\xa9".to_vec(),
            Some("text/html; charset=iso-8859-1"),
        );
        assert_eq!((text.as_str(), name), ("Café", "UTF-8"));
        // Shift_JIS declared in the page.
        let sjis = b"<meta charset=\"Shift_JIS\">\x93\xfa\x96\x7b";
        assert!(decode(sjis.to_vec(), None).0.contains("日本"));
    }
}
