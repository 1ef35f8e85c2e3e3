//! The consultant's logo, embedded in the report as a data URI: a PNG as it is, an SVG rebuilt
//! from an allowlist. A browser runs no script and fetches nothing for an image, but the SVG is
//! the consultant's file from anywhere (a designer, a download) and the report is the client's:
//! what is kept is drawing only — shapes, text, gradients, styles, references inside the file.

use std::fmt::Write as _;

use base64::Engine as _;
use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// The largest logo file read: a logo is a few kilobytes; this keeps a report's size sane.
pub const MAX_BYTES: usize = 256 * 1024;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// Drawing elements kept, with their attributes (as the HTML parser spells them in SVG).
const ELEMENTS: &[&str] = &[
    "svg",
    "g",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "defs",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
    "pattern",
    "symbol",
    "use",
    "title",
    "desc",
    "style",
    "filter",
    "feGaussianBlur",
    "feOffset",
    "feBlend",
    "feColorMatrix",
    "feFlood",
    "feComposite",
    "feMerge",
    "feMergeNode",
];

/// Elements whose tag goes but whose drawing is kept (a link around a shape).
const UNWRAPPED: &[&str] = &["a", "switch"];

/// A logo ready to embed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    media_type: &'static str,
    bytes: Vec<u8>,
}

/// Why a file cannot be the report's logo.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogoError {
    #[error("the logo is larger than {} KiB, the most a report embeds (export it smaller)", MAX_BYTES / 1024)]
    TooLarge,
    #[error("the logo must be a PNG or an SVG file (`.png` or `.svg`)")]
    NotAnImage,
    #[error("the logo is not a PNG file: its first bytes are not PNG's signature")]
    NotPng,
    #[error("the logo has no <svg> element")]
    NoSvg,
}

impl Logo {
    /// The logo in `bytes`, read from a file named `file_name` (its extension says which kind).
    pub fn read(file_name: &str, bytes: &[u8]) -> Result<Logo, LogoError> {
        if bytes.len() > MAX_BYTES {
            return Err(LogoError::TooLarge);
        }
        let extension = file_name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase());
        match extension.as_deref() {
            Some("png") => {
                // The signature, then the first chunk, which PNG requires to be IHDR.
                if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.get(12..16) != Some(b"IHDR") {
                    return Err(LogoError::NotPng);
                }
                Ok(Logo {
                    media_type: "image/png",
                    bytes: bytes.to_vec(),
                })
            }
            Some("svg") => Ok(Logo {
                media_type: "image/svg+xml",
                bytes: sanitized_svg(&String::from_utf8_lossy(bytes))?.into_bytes(),
            }),
            _ => Err(LogoError::NotAnImage),
        }
    }

    /// `data:image/…;base64,…`: the whole of it is base64's alphabet, safe in any attribute.
    pub fn data_uri(&self) -> String {
        format!(
            "data:{};base64,{}",
            self.media_type,
            base64::engine::general_purpose::STANDARD.encode(&self.bytes)
        )
    }
}

/// The first `<svg>` in `text` rewritten as well-formed SVG of allowlisted elements and
/// attributes: no script, no event handler, no foreign content, no reference out of the file.
fn sanitized_svg(text: &str) -> Result<String, LogoError> {
    let document = Html::parse_fragment(text);
    let svg = document
        .tree
        .root()
        .descendants()
        .find(|node| {
            node.value()
                .as_element()
                .is_some_and(|e| e.name() == "svg" && &*e.name.ns == SVG_NS)
        })
        .ok_or(LogoError::NoSvg)?;
    let mut out = String::with_capacity(text.len());
    // The node whose subtree is being left out, until it closes.
    let mut skipping = None;
    for edge in svg.traverse() {
        match edge {
            Edge::Open(node) if skipping.is_none() => match node.value() {
                Node::Element(element) => {
                    let name = element.name();
                    if UNWRAPPED.contains(&name) {
                        continue;
                    }
                    if !ELEMENTS.contains(&name)
                        || &*element.name.ns != SVG_NS
                        || (name == "style" && !style_is_local(&node_text(node)))
                    {
                        skipping = Some(node.id());
                        continue;
                    }
                    out.push('<');
                    out.push_str(name);
                    if node.id() == svg.id() {
                        let _ = write!(out, " xmlns=\"{SVG_NS}\"");
                    }
                    for (attribute, value) in element.attrs() {
                        if attribute_is_drawing(attribute, value) {
                            let _ = write!(out, " {attribute}=\"{}\"", xml_escape(value));
                        }
                    }
                    out.push('>');
                }
                Node::Text(text) => out.push_str(&xml_escape(text)),
                _ => {}
            },
            Edge::Open(_) => {}
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                } else if skipping.is_none()
                    && let Some(element) = node.value().as_element()
                    && !UNWRAPPED.contains(&element.name())
                {
                    let _ = write!(out, "</{}>", element.name());
                }
            }
        }
    }
    Ok(out)
}

fn node_text(node: ego_tree::NodeRef<'_, Node>) -> String {
    node.descendants()
        .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
        .collect()
}

/// An attribute that only draws: a plain name (no `on…` handler, no prefix needing a namespace),
/// and no reference outside the file (`href` only to `#id`, `url()` only to `#id`).
fn attribute_is_drawing(name: &str, value: &str) -> bool {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.starts_with(|c: char| c.is_ascii_alphabetic());
    let lower = name.to_ascii_lowercase();
    if !plain || lower.starts_with("on") || lower == "xmlns" {
        return false;
    }
    if lower == "href" {
        return value.trim_start().starts_with('#');
    }
    style_is_local(value)
}

/// CSS that refers to nothing outside the file: every `url(` points at `#id`, no `@import`.
fn style_is_local(css: &str) -> bool {
    let lower = css.to_ascii_lowercase();
    if lower.contains("@import") || lower.contains("expression(") {
        return false;
    }
    lower.split("url(").skip(1).all(|after| {
        after
            .trim_start_matches([' ', '\t', '\n', '"', '\''])
            .starts_with('#')
    })
}

/// Text as XML character data or a double-quoted attribute value; characters XML 1.0 forbids
/// are dropped, as the image would not load with them.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|c| super::sanitize::xml_allows(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg(text: &str) -> String {
        sanitized_svg(text).unwrap()
    }

    #[test]
    fn drawing_is_kept_and_made_a_standalone_svg() {
        let kept = svg(
            "<?xml version=\"1.0\"?><!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\
             <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"#0a7d5a\"/></linearGradient></defs>\
             <style>.a{fill:url(#g)}</style><rect class=\"a\" width=\"10\" height=\"10\" fill=\"url(#g)\"/><text x=\"1\">A &amp; B</text></svg>",
        );
        assert_eq!(
            kept,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"#0a7d5a\"></stop></linearGradient></defs>\
             <style>.a{fill:url(#g)}</style><rect class=\"a\" fill=\"url(#g)\" height=\"10\" width=\"10\"></rect><text x=\"1\">A &amp; B</text></svg>"
        );
    }

    #[test]
    fn scripts_handlers_foreign_content_and_outside_references_are_removed() {
        let kept = svg(
            "<svg onload=\"alert(1)\"><script>alert(2)</script><foreignObject><p>x</p></foreignObject>\
             <image href=\"https://tracker.example/p.png\"/><use href=\"https://x.example/s.svg#a\"/><use href=\"#a\"/>\
             <a href=\"javascript:alert(3)\"><circle r=\"1\" style=\"fill:url(https://x.example/)\"/></a>\
             <style>@import url(https://x.example/a.css);</style><sodipodi:namedview/><rect inkscape:label=\"x\" ONCLICK=\"y\"/></svg>",
        );
        for gone in [
            "alert",
            "foreignObject",
            "https:",
            "javascript",
            "image",
            "@import",
            "sodipodi",
            "inkscape",
            "onclick",
        ] {
            assert!(
                !kept
                    .to_ascii_lowercase()
                    .contains(&gone.to_ascii_lowercase()),
                "{gone} in {kept}"
            );
        }
        assert!(kept.contains("<use href=\"#a\"></use>"), "{kept}");
        assert!(kept.contains("<circle r=\"1\"></circle>"), "{kept}");
    }

    #[test]
    fn a_hostile_logo_keeps_its_drawing_and_nothing_that_runs_or_fetches() {
        let kept = svg(include_str!("../../fixtures/logos/hostile.svg"));
        for gone in [
            "<script",
            "onload",
            "onmouseover",
            "onclick",
            "foreignObject",
            "iframe",
            "<image",
            "<animate",
            "<set",
            "@import",
            "evil.example",
            "tracker.example",
            "javascript",
        ] {
            assert!(!kept.contains(gone), "{gone} in {kept}");
        }
        // The CDATA's markup is text now, shown and never parsed.
        assert!(kept.contains("&lt;/text&gt;&lt;script&gt;"), "{kept}");
        assert!(kept.contains("<g><g><g><g><g><circle r=\"1\"></circle></g></g></g></g></g>"));
        let clean = svg(include_str!("../../fixtures/logos/partners.svg"));
        assert!(clean.contains("fill=\"url(#band)\""), "{clean}");
        assert!(clean.contains(">PARTNERS</text>"));
    }

    #[test]
    fn files_that_are_not_a_png_or_an_svg_are_refused() {
        assert_eq!(
            Logo::read("logo.jpg", b"\xff\xd8\xff"),
            Err(LogoError::NotAnImage)
        );
        assert_eq!(Logo::read("logo.png", b"<svg/>"), Err(LogoError::NotPng));
        assert_eq!(
            Logo::read("logo.svg", b"<html>no drawing</html>"),
            Err(LogoError::NoSvg)
        );
        let big = vec![b' '; MAX_BYTES + 1];
        assert_eq!(Logo::read("logo.svg", &big), Err(LogoError::TooLarge));
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
        assert!(
            Logo::read("Logo.PNG", png)
                .unwrap()
                .data_uri()
                .starts_with("data:image/png;base64,iVBORw0KGgo")
        );
    }
}
