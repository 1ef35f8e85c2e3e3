//! `contact-reach`: the "ease" of the status check. Crawls the company's site
//! from its home page (same site, robots.txt obeyed, depth and page caps,
//! polite pace) and records every way to reach customer service it finds, with
//! the number of clicks from the home page.

mod page;
mod score;
mod widgets;

pub use page::review_profiles;
use page::{page_title, read_page, site_name};
pub use widgets::{Widget, parse_widgets, widgets};

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use toml_span::de_helpers::TableHelper;
use url::Url;

use crate::benchmarks::Benchmarks;
use crate::category::Category;
use crate::kind::{CheckError, CollectContext, Kind, KindCategory, KindInfo, LoadContext, Scored};
use crate::net::bare_host;
use crate::net::fetch::{Fetched, Fetcher, Policy};
use crate::spanned::DurationValue;
use crate::spanned::at;
use crate::verdict::ErrorCode;
use std::future::Future;

/// The `contact-reach` kind.
pub struct ContactReach;

impl Kind for ContactReach {
    const INFO: KindInfo = KindInfo {
        name: "contact-reach",
        summary: "How easily a customer finds a way to contact the company on its site (channels and clicks).",
        category: KindCategory::Fixed(Category::Reach),
        keys: &[
            "start (default: audit.site)",
            "max_depth (default 3)",
            "max_pages (default 50)",
            "delay",
        ],
        motivation: "Speed does not matter if customers cannot find the door: a contact option hidden three \
                     clicks deep, or a single channel, makes every question harder to ask.",
        measures: "A polite crawl from the home page (same site, robots.txt obeyed) that finds e-mail and phone \
                   links, contact forms, chat widgets (checks/widgets.toml), messaging links, social profiles and \
                   the help centre, each with the clicks from the home page. Metrics channels_found (distinct \
                   types), clicks_to_first_contact, pages_crawled; one evidence entry per channel.",
        scoring: "Half breadth (distinct direct channels: e-mail, phone, form, chat, messaging; four or more \
                  score full), half ease (contact on the home page 100, one click 85, two 60, three 35, none 0).",
        improve: "Put the contact options in the footer of every page, offer at least two direct channels, and \
                  link the help centre from the home page.",
        report_note: None,
        file_columns: &[],
        findings: &[&[
            crate::verdict::Code::NoContactOption,
            crate::verdict::Code::ContactTooDeep,
            crate::verdict::Code::SingleChannel,
            crate::verdict::Code::NoHelpCentre,
            crate::verdict::Code::PageDisallowed,
            crate::verdict::Code::PagesUnreadable,
            crate::verdict::Code::OutOfTime,
        ]],
    };
    type Params = Params;
    type Observation = ReachObservation;

    fn parse(th: &mut TableHelper<'_>, ctx: &mut LoadContext<'_>) -> Option<(Category, Params)> {
        parse(th, ctx)
    }

    fn collect(
        params: &Params,
        ctx: &CollectContext,
    ) -> impl Future<Output = Result<ReachObservation, CheckError>> + Send {
        collect(params, ctx)
    }

    fn score(_params: &Params, observation: &ReachObservation, _benchmarks: &Benchmarks) -> Scored {
        score::score(observation)
    }

    fn networked(_params: &Params) -> bool {
        true
    }
}

const DEFAULT_DEPTH: u32 = 3;
const DEFAULT_PAGES: u32 = 50;

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub start: Url,
    pub max_depth: u32,
    pub max_pages: u32,
    pub delay: Duration,
}

fn parse(th: &mut TableHelper<'_>, ctx: &mut LoadContext<'_>) -> Option<(Category, Params)> {
    let start = th.optional_s::<String>("start");
    let max_depth = th.optional_s::<u32>("max_depth");
    let max_pages = th.optional_s::<u32>("max_pages");
    let delay = th
        .optional::<DurationValue>("delay")
        .map_or(Duration::from_secs(1), |d| d.0);
    let written = start
        .as_ref()
        .map(|s| s.value.clone())
        .or_else(|| ctx.site.clone());
    let start_url = match written.as_deref().map(Url::parse) {
        Some(Ok(url)) if matches!(url.scheme(), "http" | "https") => Some(url),
        Some(_) => {
            let message = format!(
                "`{}` is not an http(s) URL to start the crawl from",
                written.unwrap_or_default()
            );
            match &start {
                Some(s) => th.errors.extend(at(message, s).errors),
                None => th.errors.push(toml_span::Error {
                    kind: toml_span::ErrorKind::Custom(message.into()),
                    span: toml_span::Span::new(0, 0),
                    line_info: None,
                }),
            }
            None
        }
        None => {
            th.errors.push(toml_span::Error {
                kind: toml_span::ErrorKind::Custom(
                    "contact-reach needs `start`, or `site` in [audit]".into(),
                ),
                span: toml_span::Span::new(0, 0),
                line_info: None,
            });
            None
        }
    };
    let bounded = |th: &mut TableHelper<'_>,
                   v: Option<toml_span::Spanned<u32>>,
                   default: u32,
                   max: u32,
                   name: &str| match v {
        Some(n) if n.value == 0 || n.value > max => {
            th.errors
                .extend(at(format!("`{name}` must be between 1 and {max}"), &n).errors);
            None
        }
        Some(n) => Some(n.value),
        None => Some(default),
    };
    let max_depth = bounded(th, max_depth, DEFAULT_DEPTH, 10, "max_depth");
    let max_pages = bounded(th, max_pages, DEFAULT_PAGES, 1000, "max_pages");
    Some((
        Category::Reach,
        Params {
            start: start_url?,
            max_depth: max_depth?,
            max_pages: max_pages?,
            delay,
        },
    ))
}

/// A way to reach the company, where it was found and how many clicks from the home page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoundChannel {
    pub kind: ChannelKind,
    pub detail: String,
    pub page: String,
    pub clicks: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReachObservation {
    pub start: String,
    pub pages_crawled: usize,
    pub channels: Vec<FoundChannel>,
    /// Pages robots.txt kept us from, with the clicks they were at.
    pub disallowed: Vec<(String, u32)>,
    /// Pages that could not be read, with the reason.
    pub failed: Vec<(String, String)>,
    /// Review-platform profiles the site links to (schema.org `sameAs`, review widgets, links).
    #[serde(default)]
    pub review_profiles: Vec<String>,
    /// The home page's title, to name a drafted audit.
    #[serde(default)]
    pub title: Option<String>,
    /// The name the site gives itself (JSON-LD `Organization.name`, else `og:site_name`), from
    /// the first page that states one: a drafted audit's company name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_name: Option<String>,
    /// Pages found but not read because the check's time ran out.
    #[serde(default)]
    pub out_of_time: usize,
    /// Every page read, with its title: where a drafted audit's contact page is chosen from.
    #[serde(default)]
    pub pages: Vec<PageSeen>,
}

/// A page the crawl read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageSeen {
    pub url: String,
    pub title: Option<String>,
    pub clicks: u32,
}

/// The kinds of way to reach the company a crawl recognises, named in snake case in saved
/// evidence and in the report's evidence lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// A `mailto:` link.
    Email,
    /// A `tel:` link.
    Phone,
    /// A form a customer writes a message in.
    WebForm,
    /// A chat widget (checks/widgets.toml).
    Chat,
    /// A messaging app's link (WhatsApp, Messenger, Telegram…).
    Messaging,
    /// A social network's profile.
    Social,
    /// A help centre or FAQ on the company's site.
    HelpCentre,
}

/// Channel kinds a customer uses to get an answer (social and the help centre support them).
pub const DIRECT: [ChannelKind; 5] = [
    ChannelKind::Email,
    ChannelKind::Phone,
    ChannelKind::WebForm,
    ChannelKind::Chat,
    ChannelKind::Messaging,
];

impl ChannelKind {
    pub const ALL: [ChannelKind; 7] = [
        ChannelKind::Email,
        ChannelKind::Phone,
        ChannelKind::WebForm,
        ChannelKind::Chat,
        ChannelKind::Messaging,
        ChannelKind::Social,
        ChannelKind::HelpCentre,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Email => "email",
            ChannelKind::Phone => "phone",
            ChannelKind::WebForm => "web_form",
            ChannelKind::Chat => "chat",
            ChannelKind::Messaging => "messaging",
            ChannelKind::Social => "social",
            ChannelKind::HelpCentre => "help_centre",
        }
    }

    pub fn is_direct(self) -> bool {
        DIRECT.contains(&self)
    }
}

impl std::fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

pub async fn collect(
    params: &Params,
    ctx: &CollectContext,
) -> Result<ReachObservation, CheckError> {
    // Stopped a little before the check's time is up, so what was found is reported.
    let wrap_up_at = ctx.budget.wrap_up_at();
    let fetcher = Fetcher::new(Policy {
        delay: params.delay,
        budget: Some(ctx.budget),
        ..Policy::default()
    })
    .map_err(|e| CheckError::failed(ErrorCode::Network, e))?;
    let site = params.start.host_str().map(bare_host).unwrap_or_default();
    let mut queue = VecDeque::from([(params.start.clone(), 0u32)]);
    let mut seen: HashSet<String> = HashSet::from([key(&params.start)]);
    let mut observation = ReachObservation {
        start: params.start.to_string(),
        pages_crawled: 0,
        channels: Vec::new(),
        disallowed: Vec::new(),
        failed: Vec::new(),
        review_profiles: Vec::new(),
        title: None,
        site_name: None,
        out_of_time: 0,
        pages: Vec::new(),
    };
    let mut first_failure = None;
    // Breadth first: the first time a channel is seen is the fewest clicks to it.
    while let Some((url, depth)) = queue.pop_front() {
        if observation.pages_crawled >= params.max_pages as usize {
            break;
        }
        if std::time::Instant::now() >= wrap_up_at {
            observation.out_of_time = queue.len() + 1;
            break;
        }
        let page = match fetcher.get(&url).await {
            Fetched::Page(page) => page,
            Fetched::Disallowed { .. } => {
                observation.disallowed.push((url.to_string(), depth));
                continue;
            }
            Fetched::Blocked { reason, code } | Fetched::Failed { reason, code } => {
                first_failure.get_or_insert(code);
                observation.failed.push((url.to_string(), reason));
                continue;
            }
        };
        // An error page is not a page of the site: its (absent) channels must not read as "none".
        if !(200..300).contains(&page.status) {
            first_failure.get_or_insert(ErrorCode::HttpStatus);
            observation
                .failed
                .push((url.to_string(), format!("HTTP {}", page.status)));
            continue;
        }
        observation.pages_crawled += 1;
        if !page
            .content_type
            .as_deref()
            .is_none_or(|t| t.contains("html"))
        {
            continue;
        }
        let base = Url::parse(&page.final_url).unwrap_or(url.clone());
        let site = site.clone();
        // The site's name is read until one page states it.
        let wants_name = observation.site_name.is_none();
        let read = crate::kind::off_workers(move || {
            let (text, _) =
                crate::extract::charset::decode(page.body, page.content_type.as_deref());
            let (channels, links) = read_page(&text, &base, depth, &site);
            let named = (
                page_title(&text),
                wants_name.then(|| site_name(&text)).flatten(),
            );
            (channels, links, named, review_profiles(&text))
        });
        let (channels, links, (title, named), profiles) = read.await?;
        if observation.title.is_none() {
            observation.title.clone_from(&title);
        }
        if observation.site_name.is_none() {
            observation.site_name = named;
        }
        observation.pages.push(PageSeen {
            url: url.to_string(),
            title,
            clicks: depth,
        });
        for profile in profiles {
            if !observation.review_profiles.contains(&profile) {
                observation.review_profiles.push(profile);
            }
        }
        for channel in channels {
            let known = observation
                .channels
                .iter()
                .any(|c| c.kind == channel.kind && c.detail == channel.detail);
            if !known {
                observation.channels.push(channel);
            }
        }
        if depth < params.max_depth {
            for link in links {
                if seen.insert(key(&link)) {
                    queue.push_back((link, depth + 1));
                }
            }
        }
    }
    if observation.pages_crawled == 0 {
        let reason = observation
            .failed
            .first()
            .map(|(u, r)| format!("{u}: {r}"))
            .or_else(|| {
                observation
                    .disallowed
                    .first()
                    .map(|(u, _)| format!("{u}: disallowed by robots.txt"))
            })
            .unwrap_or_else(|| "nothing could be read".into());
        // Only when robots.txt kept every page out is that the cause.
        let code = first_failure.unwrap_or(ErrorCode::RobotsDisallow);
        return Err(CheckError::failed(
            code,
            format!("the site could not be crawled: {reason}"),
        ));
    }
    Ok(observation)
}

/// A URL without its fragment, for "seen before".
fn key(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widgets_load_and_a_page_is_read_for_every_channel() {
        assert!(widgets().len() >= 10);
        let page = r#"<html><body>
            <a href="/contact">Contact us</a> <a href="https://help.acme.example/">Help centre</a>
            <a href="mailto:care@acme.example?subject=Hi">mail</a> <a href="tel:+33123456789">call</a>
            <a href="https://wa.me/33123456789">WhatsApp</a> <a href="https://www.facebook.com/acme">Facebook</a>
            <a href="https://elsewhere.example/">partner</a>
            <form action="/send"><input type="email" name="from"><textarea name="message"></textarea></form>
            <form><input type="search" name="q"><textarea></textarea></form>
            <script src="https://widget.intercom.io/widget/abc"></script></body></html>"#;
        let base = Url::parse("https://www.acme.example/").unwrap();
        let (channels, links) = read_page(page, &base, 0, "acme.example");
        let kinds: Vec<ChannelKind> = channels.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                ChannelKind::HelpCentre,
                ChannelKind::Email,
                ChannelKind::Phone,
                ChannelKind::Messaging,
                ChannelKind::Social,
                ChannelKind::WebForm,
                ChannelKind::Chat
            ]
        );
        assert_eq!(channels[1].detail, "care@acme.example");
        assert_eq!(channels[0].clicks, 1, "the help centre is one click away");
        assert_eq!(channels[5].detail, "https://www.acme.example/send");
        assert_eq!(channels[6].detail, "Intercom");
        let links: Vec<String> = links.iter().map(ToString::to_string).collect();
        assert_eq!(
            links,
            [
                "https://www.acme.example/contact",
                "https://help.acme.example/"
            ],
            "same site only"
        );
    }

    #[test]
    fn every_channel_kind_is_named_alike_in_words_and_saved_evidence() {
        for kind in ChannelKind::ALL {
            let saved = serde_json::to_value(kind).unwrap();
            assert_eq!(saved, kind.as_str());
            assert_eq!(serde_json::from_value::<ChannelKind>(saved).unwrap(), kind);
        }
        let unknown = serde_json::from_str::<ChannelKind>("\"fax\"").unwrap_err();
        assert!(
            unknown.to_string().contains("unknown variant `fax`"),
            "{unknown}"
        );
    }
}
