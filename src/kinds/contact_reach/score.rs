//! Ease of contact: how many direct channels a customer can find, and how
//! many clicks the first one takes.

use std::collections::BTreeSet;

use crate::kind::Scored;
use crate::kinds::contact_reach::{ChannelKind, ReachObservation};
use crate::verdict::{Evidence, Finding, Metric, Severity, Status};

/// Score for the first direct contact option at 0, 1, 2, 3 clicks; deeper or none scores 0.
/// A usability convention (contact in the footer, one click at most), not a measured norm.
const EASE_BY_CLICKS: [f64; 4] = [100.0, 85.0, 60.0, 35.0];
/// Four distinct direct channels or more give full breadth.
const FULL_BREADTH: usize = 4;

pub fn score(obs: &ReachObservation) -> Scored {
    let direct: BTreeSet<ChannelKind> = obs
        .channels
        .iter()
        .map(|c| c.kind)
        .filter(|k| k.is_direct())
        .collect();
    let all: BTreeSet<ChannelKind> = obs.channels.iter().map(|c| c.kind).collect();
    let first = obs
        .channels
        .iter()
        .filter(|c| c.kind.is_direct())
        .map(|c| c.clicks)
        .min();
    let ease = first
        .and_then(|clicks| EASE_BY_CLICKS.get(clicks as usize).copied())
        .unwrap_or(0.0);
    #[expect(clippy::cast_precision_loss, reason = "a handful of channels")]
    let breadth = 100.0 * direct.len().min(FULL_BREADTH) as f64 / FULL_BREADTH as f64;
    let score = (breadth + ease) / 2.0;
    let mut findings = Vec::new();
    match (first, direct.len()) {
        (None, _) => findings.push(Finding::new(
            crate::verdict::Code::NoContactOption,
            Severity::Fail,
            format!(
                "No e-mail, phone, contact form, chat or messaging option found in {} pages.",
                obs.pages_crawled
            ),
            "Put at least two ways to reach customer service in the footer of every page.",
        )),
        (Some(clicks), n) => {
            if clicks >= 2 {
                findings.push(Finding::new(
                    crate::verdict::Code::ContactTooDeep,
                    Severity::Warn,
                    format!("Contact is {clicks} clicks deep."),
                    "Link the contact options from every page's footer: one click at most.",
                ));
            }
            if n == 1 {
                let only = direct.iter().next().map_or("", |k| k.as_str());
                findings.push(Finding::new(crate::verdict::Code::SingleChannel,
                    Severity::Warn,
                    format!("Only one channel offered ({only})."),
                    "Offer a second direct channel, so customers can pick the one that suits their question.",
                ));
            }
        }
    }
    if !all.contains(&ChannelKind::HelpCentre) {
        findings.push(Finding::new(
            crate::verdict::Code::NoHelpCentre,
            Severity::Info,
            "No help centre or FAQ linked from the pages crawled.",
            "Answer the common questions in a help centre linked from the home page.",
        ));
    }
    for (page, clicks) in &obs.disallowed {
        findings.push(Finding::new(crate::verdict::Code::PageDisallowed,
            Severity::Info,
            format!("{page} ({clicks} clicks) is disallowed by robots.txt and was not read."),
            "If it is the contact page, let it be read: customers' tools and assistants look for it too.",
        ).about(page.clone()));
    }
    if let Some((page, reason)) = obs.failed.first() {
        findings.push(Finding::new(crate::verdict::Code::PagesUnreadable,
            Severity::Warn,
            format!(
                "{} page(s) could not be read, so their contact options are not counted (first: {page}: {reason}).",
                obs.failed.len()
            ),
            "Make sure every page linked from the home page answers: a broken contact page loses customers too.",
        ));
    }
    if obs.out_of_time > 0 {
        findings.push(Finding::new(crate::verdict::Code::OutOfTime,
            Severity::Warn,
            format!(
                "The check's time ran out with {} page(s) still to read; channels on them are not counted.",
                obs.out_of_time
            ),
            "Give the check a longer `timeout`, or a smaller `max_pages`, and run it again.",
        ));
    }
    #[expect(clippy::cast_precision_loss, reason = "small counts")]
    let mut metrics = vec![
        Metric::new(
            "channels_found",
            "Contact channels found",
            all.len() as f64,
            None,
        ),
        Metric::new(
            "pages_crawled",
            "Pages read",
            obs.pages_crawled as f64,
            None,
        ),
    ];
    if let Some(clicks) = first {
        metrics.insert(
            1,
            Metric::new(
                "clicks_to_first_contact",
                "Clicks from the home page to a contact channel",
                f64::from(clicks),
                None,
            ),
        );
    }
    let evidence = obs
        .channels
        .iter()
        .map(|c| Evidence {
            source: c.page.clone(),
            observed_at: None,
            excerpt: format!(
                "{}: {} ({} click{})",
                c.kind,
                c.detail,
                c.clicks,
                if c.clicks == 1 { "" } else { "s" }
            ),
        })
        .collect();
    Scored {
        score: Some(score),
        status: Status::for_score(score),
        metrics,
        findings,
        evidence,
        ..Scored::default()
    }
}
