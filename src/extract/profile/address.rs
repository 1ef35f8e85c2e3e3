//! What a saved page says about itself in its head: its address and the software that built it.

use scraper::{Html, Selector};

/// The address a page states for itself, and where: a browser's `saved from url` mark, the
/// canonical link, `og:url`, or `<base href>` — what a saved file has instead of a URL.
pub fn stated_address(text: &str) -> Option<(url::Url, &'static str)> {
    let head = crate::text::prefix(text, HEAD_BYTES);
    let absolute = |candidate: &str| {
        url::Url::parse(candidate.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
    };
    if let Some(at) = head.find("saved from url=(") {
        let rest = &head[at + 16..];
        if let Some(url) = rest
            .find(')')
            .and_then(|close| {
                let rest = &rest[close + 1..];
                rest.find("-->").map(|end| &rest[..end])
            })
            .and_then(absolute)
        {
            return Some((url, "saved-from mark"));
        }
    }
    let tags = head_tags(head);
    let first = |selector: &str, attr: &str| {
        let selector = Selector::parse(selector).ok()?;
        tags.select(&selector)
            .find_map(|e| e.attr(attr).and_then(absolute))
    };
    first("link[rel~=canonical]", "href")
        .map(|u| (u, "canonical link"))
        .or_else(|| first("meta[property=\"og:url\"]", "content").map(|u| (u, "og:url")))
        .or_else(|| first("base[href]", "href").map(|u| (u, "base href")))
}

/// The software a page says built it (`<meta name="generator" content="…">`).
pub(super) fn generator_of(text: &str) -> Option<String> {
    let selector = Selector::parse("meta[name][content]").ok()?;
    head_tags(crate::text::prefix(text, HEAD_BYTES))
        .select(&selector)
        .find(|e| {
            e.attr("name")
                .is_some_and(|n| n.eq_ignore_ascii_case("generator"))
        })
        .and_then(|e| e.attr("content"))
        .map(|c| c.trim().to_string())
}

/// How much of a page is read for what its head states about it.
const HEAD_BYTES: usize = 256 * 1024;

fn head_tags(head: &str) -> Html {
    crate::extract::html::parse(head).html
}
