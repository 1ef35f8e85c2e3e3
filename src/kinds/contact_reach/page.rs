//! What one page of the crawl offers a customer: contact channels, links to follow, its title,
//! and the review platforms it links to.

use super::widgets::widgets;
use super::{ChannelKind, FoundChannel};
use crate::net::bare_host;
use scraper::Selector;
use std::sync::OnceLock;
use url::Url;

const MESSAGING_HOSTS: &[&str] = &[
    "wa.me",
    "api.whatsapp.com",
    "m.me",
    "t.me",
    "messenger.com",
    "signal.me",
    "line.me",
];
const SOCIAL_HOSTS: &[&str] = &[
    "facebook.com",
    "instagram.com",
    "x.com",
    "twitter.com",
    "linkedin.com",
    "youtube.com",
    "tiktok.com",
    "pinterest.com",
    "mastodon.social",
];
const HELP_WORDS: &[&str] = &[
    "help",
    "support",
    "faq",
    "aide",
    "hilfe",
    "ayuda",
    "assistance",
    "service client",
    "kundenservice",
];

/// The channels on one page, and the same-site links to follow from it.
pub(super) fn read_page(
    text: &str,
    base: &Url,
    depth: u32,
    site: &str,
) -> (Vec<FoundChannel>, Vec<Url>) {
    let html = crate::extract::html::parse(text).html;
    let page = base.to_string();
    let mut channels = Vec::new();
    let mut add = |kind: ChannelKind, detail: String, clicks: u32| {
        channels.push(FoundChannel {
            kind,
            detail,
            page: page.clone(),
            clicks,
        });
    };
    let mut links = Vec::new();
    let anchors = Selector::parse("a[href]").unwrap_or_else(|_| unreachable!("static selector"));
    for a in html.select(&anchors) {
        let href = a.attr("href").unwrap_or_default().trim();
        let lower = href.to_ascii_lowercase();
        if let Some(address) = lower.strip_prefix("mailto:") {
            add(
                ChannelKind::Email,
                address.split('?').next().unwrap_or_default().to_string(),
                depth,
            );
            continue;
        }
        if let Some(number) = lower.strip_prefix("tel:") {
            add(ChannelKind::Phone, number.to_string(), depth);
            continue;
        }
        let Ok(target) = base.join(href) else {
            continue;
        };
        if !matches!(target.scheme(), "http" | "https") {
            continue;
        }
        let host = target.host_str().map(bare_host).unwrap_or_default();
        let on = |hosts: &[&str]| {
            hosts
                .iter()
                .any(|h| host == *h || host.ends_with(&format!(".{h}")))
        };
        if on(MESSAGING_HOSTS) {
            add(ChannelKind::Messaging, target.to_string(), depth);
        } else if on(SOCIAL_HOSTS) {
            add(ChannelKind::Social, host.clone(), depth);
        } else if host == site || host.ends_with(&format!(".{site}")) {
            let label =
                format!("{} {}", a.text().collect::<String>(), target.path()).to_lowercase();
            if HELP_WORDS.iter().any(|w| label.contains(w)) {
                // Reaching the help centre takes one more click than seeing its link.
                add(ChannelKind::HelpCentre, target.to_string(), depth + 1);
            }
            links.push(target);
        }
    }
    let forms = Selector::parse("form").unwrap_or_else(|_| unreachable!("static selector"));
    let fields = Selector::parse("textarea, input[type=email]")
        .unwrap_or_else(|_| unreachable!("static selector"));
    let search = Selector::parse("input[type=search], input[name=q], input[name=search]")
        .unwrap_or_else(|_| unreachable!("static selector"));
    for form in html.select(&forms) {
        // A form a customer writes a message in; a search box or newsletter sign-up is not.
        let writes = form.select(&fields).count() > 0 && form.select(&search).next().is_none();
        let has_message = Selector::parse("textarea")
            .ok()
            .is_some_and(|t| form.select(&t).next().is_some());
        if writes && has_message {
            let action = form
                .attr("action")
                .and_then(|a| base.join(a).ok())
                .map_or_else(|| page.clone(), |u| u.to_string());
            add(ChannelKind::WebForm, action, depth);
        }
    }
    let scripts = Selector::parse("script").unwrap_or_else(|_| unreachable!("static selector"));
    for script in html.select(&scripts) {
        let haystack = format!(
            "{} {}",
            script.attr("src").unwrap_or_default(),
            script.text().collect::<String>()
        )
        .to_lowercase();
        for widget in widgets() {
            if widget
                .patterns
                .iter()
                .any(|p| haystack.contains(p.as_str()))
            {
                add(ChannelKind::Chat, widget.name.clone(), depth);
            }
        }
    }
    (channels, links)
}

pub(super) fn page_title(text: &str) -> Option<String> {
    let html = crate::extract::html::parse(text).html;
    let title = Selector::parse("title").ok()?;
    let text: String = html.select(&title).next()?.text().collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// The schema.org types a site names itself by.
const ORGANIZATIONS: &[&str] = &["Organization", "Corporation", "LocalBusiness", "WebSite"];

/// The name a page says its site has: JSON-LD `Organization.name` (at the top of a block or in
/// its `@graph`), else the `og:site_name` meta tag. Found by the linear scan, no DOM.
pub(super) fn site_name(text: &str) -> Option<String> {
    let lifted = crate::extract::html::parse_lifting_json_ld(text, &|_| false);
    let named = |node: &serde_json::Value| -> Option<String> {
        let types = match node.get("@type")? {
            serde_json::Value::String(one) => vec![one.as_str()],
            serde_json::Value::Array(many) => many.iter().filter_map(|t| t.as_str()).collect(),
            _ => Vec::new(),
        };
        let is_organization = types.iter().any(|t| ORGANIZATIONS.contains(t));
        let name = node
            .get("name")?
            .as_str()?
            .split_whitespace()
            .collect::<Vec<_>>();
        (is_organization && !name.is_empty()).then(|| name.join(" "))
    };
    let from_json_ld = lifted.json_ld.iter().find_map(|block| {
        // serde_json stops at 128 levels: a hostile block is an error, not a deep recursion.
        let value: serde_json::Value = serde_json::from_str(block).ok()?;
        let nodes: Vec<&serde_json::Value> = match &value {
            serde_json::Value::Array(items) => items.iter().collect(),
            other => std::iter::once(other)
                .chain(
                    other
                        .get("@graph")
                        .and_then(|g| g.as_array())
                        .into_iter()
                        .flatten(),
                )
                .collect(),
        };
        // An Organization before a WebSite: the company, not the site's own title.
        (nodes
            .iter()
            .find_map(|n| named(n).filter(|_| n.get("@type") != Some(&"WebSite".into()))))
        .or_else(|| nodes.iter().find_map(|n| named(n)))
    });
    from_json_ld.or_else(|| {
        crate::extract::html::start_tags(text, &["meta"])
            .into_iter()
            .find(|(_, attributes)| {
                crate::extract::html::attribute_value("meta", attributes, "property").as_deref()
                    == Some("og:site_name")
            })
            .and_then(|(_, attributes)| {
                crate::extract::html::attribute_value("meta", attributes, "content")
            })
            .map(|name| name.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|name| !name.is_empty())
    })
}

/// Review platforms whose profile pages are read as they are (schema.org markup).
const OTHER_PLATFORMS: &[&str] = &[
    "g2.com",
    "capterra.com",
    "yelp.com",
    "tripadvisor.com",
    "tripadvisor.fr",
    "tripadvisor.co.uk",
];

/// Profile URLs of review platforms anywhere in a page (links, JSON-LD `sameAs`, widgets),
/// in the form the `reviews` check reads (an App Store page becomes its lookup URL).
pub fn review_profiles(text: &str) -> Vec<String> {
    static URL: OnceLock<regex_lite::Regex> = OnceLock::new();
    let url = URL.get_or_init(|| {
        regex_lite::Regex::new(r#"https?://[^\s"'<>()]+"#)
            .unwrap_or_else(|_| unreachable!("static regex"))
    });
    let mut found = Vec::new();
    for m in url.find_iter(text) {
        let Ok(parsed) = Url::parse(m.as_str().trim_end_matches(['.', ',', ';'])) else {
            continue;
        };
        let host = parsed.host_str().map(bare_host).unwrap_or_default();
        let path = parsed.path();
        let profile = if host.ends_with("trustpilot.com") && path.starts_with("/review/") {
            Some(format!("https://www.trustpilot.com{path}"))
        } else if host == "apps.apple.com" {
            path.rsplit('/')
                .next()
                .and_then(|last| last.strip_prefix("id"))
                .map(|id| format!("https://itunes.apple.com/lookup?id={id}"))
        } else if (host == "play.google.com" && path.starts_with("/store/apps/details"))
            || (OTHER_PLATFORMS.contains(&host.as_str()) && path.len() > 1)
        {
            Some(parsed.to_string())
        } else {
            None
        };
        if let Some(profile) = profile.filter(|p| !found.contains(p)) {
            found.push(profile);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::site_name;

    #[test]
    fn a_site_names_itself_by_its_organization_before_its_meta_tag() {
        let json_ld = r#"<html><head><meta property="og:site_name" content="Bright site">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","name":"Brightwater – green energy"},
              {"@type":"Organization","name":"Brightwater   Energy"}]}</script></head></html>"#;
        assert_eq!(site_name(json_ld).as_deref(), Some("Brightwater Energy"));
        let meta = r#"<meta property="og:site_name" content="Brightwater &amp; Sons">"#;
        assert_eq!(site_name(meta).as_deref(), Some("Brightwater & Sons"));
        assert_eq!(site_name("<title>Only a title</title>"), None);
        // Deep or broken JSON-LD is no name, and no crash.
        let deep = format!(
            r#"<script type="application/ld+json">{}</script>"#,
            "[".repeat(100_000)
        );
        assert_eq!(site_name(&deep), None);
    }
}
