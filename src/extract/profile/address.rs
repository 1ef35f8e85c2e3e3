//! What a saved page says about itself in its head: its address and the software that built it.

use crate::extract::html;

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
        let rest = head.get(at + 16..).unwrap_or_default();
        if let Some(url) = rest
            .split_once(')')
            .and_then(|(_, rest)| rest.split_once("-->").map(|(url, _)| url))
            .and_then(absolute)
        {
            return Some((url, "saved-from mark"));
        }
    }
    let tags = html::start_tags(head, &["link", "meta", "base"]);
    // The first tag of a kind with the attribute, as `link[rel~=canonical]` would select it
    // (`rel` compares without case in HTML, `property` with).
    let first = |tag: &str, has: &dyn Fn(&str) -> bool, attr: &str| {
        tags.iter()
            .filter(|(name, attributes)| name == tag && has(attributes))
            .find_map(|(name, attributes)| {
                html::attribute_value(name, attributes, attr).and_then(|value| absolute(&value))
            })
    };
    let canonical = |attributes: &str| {
        html::attribute_value("link", attributes, "rel").is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case("canonical"))
        })
    };
    let og_url = |attributes: &str| {
        html::attribute_value("meta", attributes, "property").as_deref() == Some("og:url")
    };
    let any = |_: &str| true;
    first("link", &canonical, "href")
        .map(|u| (u, "canonical link"))
        .or_else(|| first("meta", &og_url, "content").map(|u| (u, "og:url")))
        .or_else(|| first("base", &any, "href").map(|u| (u, "base href")))
}

/// The software a page says built it (`<meta name="generator" content="…">`).
pub(super) fn generator_of(text: &str) -> Option<String> {
    html::start_tags(crate::text::prefix(text, HEAD_BYTES), &["meta"])
        .iter()
        .filter(|(_, attributes)| {
            html::attribute_value("meta", attributes, "name")
                .is_some_and(|n| n.eq_ignore_ascii_case("generator"))
        })
        .find_map(|(_, attributes)| html::attribute_value("meta", attributes, "content"))
        .map(|c| c.trim().to_string())
}

/// How much of a page is read for what its head states about it.
const HEAD_BYTES: usize = 256 * 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Selector;

    /// What the head states, read from a DOM: the reference the scan must agree with.
    fn from_dom(text: &str) -> (Option<(url::Url, &'static str)>, Option<String>) {
        let head = crate::text::prefix(text, HEAD_BYTES);
        let tags = html::parse(head).html;
        let first = |selector: &str, attr: &str| {
            let selector = Selector::parse(selector).ok()?;
            tags.select(&selector).find_map(|e| {
                e.attr(attr)
                    .and_then(|c| url::Url::parse(c.trim()).ok())
                    .filter(|u| matches!(u.scheme(), "http" | "https"))
            })
        };
        let stated = if head.contains("saved from url=(") {
            stated_address(text)
        } else {
            first("link[rel~=canonical]", "href")
                .map(|u| (u, "canonical link"))
                .or_else(|| first("meta[property=\"og:url\"]", "content").map(|u| (u, "og:url")))
                .or_else(|| first("base[href]", "href").map(|u| (u, "base href")))
        };
        let generator = Selector::parse("meta[name][content]").ok().and_then(|s| {
            tags.select(&s)
                .find(|e| {
                    e.attr("name")
                        .is_some_and(|n| n.eq_ignore_ascii_case("generator"))
                })
                .and_then(|e| e.attr("content"))
                .map(|c| c.trim().to_string())
        });
        (stated, generator)
    }

    #[test]
    fn the_head_is_read_without_a_dom_as_a_dom_would_read_it() {
        let mut pages: Vec<String> = [
            "<link rel=canonical href=/relative><link rel='x Canonical' href='https://a.example/?q=1&amp;r=2'>",
            "<meta property=og:url content=https://b.example/><base href=https://c.example/>",
            "<meta property=OG:URL content=https://b.example/><base href=https://c.example/>",
            "<noscript><link rel=canonical href=https://hidden.example/></noscript><base href=https://c.example/>",
            "<!-- <link rel=canonical href=https://commented.example/> --><meta name=Generator content=' Wix '>",
            "<script>'<link rel=canonical href=https://scripted.example/>'</script>",
            "<link rel=canonical HREF=\"https://d.example/\" href=https://second.example/>",
            "<base href=https://cut.example/",
        ]
        .map(str::to_string)
        .to_vec();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in [
            "fixtures/reviews",
            "fixtures/acme/reviews",
            "fixtures/sites",
            "../shared/conformance/reviews/upstream",
        ] {
            let mut stack = vec![root.join(dir)];
            while let Some(dir) = stack.pop() {
                for path in std::fs::read_dir(&dir)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path())
                {
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "html") {
                        let bytes = std::fs::read(&path).unwrap();
                        pages.push(crate::extract::charset::decode(bytes, None).0);
                    }
                }
            }
        }
        assert!(pages.len() > 40, "{} pages", pages.len());
        for page in &pages {
            let scanned = (stated_address(page), generator_of(page));
            assert_eq!(
                scanned,
                from_dom(page),
                "{}",
                crate::text::prefix(page, 300)
            );
        }
    }
}
