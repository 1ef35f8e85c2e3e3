//! `centricity init --site`: an audit file drafted from a crawl of the company's site (as
//! `contact-reach` crawls it), with the checks the site showed and the rest commented out.

use std::fmt::Write as _;

use url::Url;

use crate::kind::Kind;
use crate::kinds::contact_reach::{ChannelKind, ContactReach, ReachObservation};
use crate::kinds::{
    email::Email, http::Http, mystery_log::MysteryLog, questionnaire::Questionnaire,
    reviews::Reviews, web_form::WebForm,
};
use crate::spanned::toml_string;

/// Text from the site made safe inside a `#` comment: no line break (which would end the
/// comment and let the site write keys and checks of its choosing), no control characters.
fn comment_text(text: &str) -> std::borrow::Cow<'_, str> {
    crate::report::sanitize::terminal(text)
}

/// Where a page title's parts are cut: `Green energy for homes | Brightwater Energy`.
const TITLE_SEPARATORS: &[&str] = &[" – ", " — ", " | ", " - ", ": ", " · "];

/// The company's name: what the site calls itself (JSON-LD `Organization.name`,
/// `og:site_name`); else the part of the title the crawled pages share (`… | Brightwater
/// Energy` on every page, never the home page's tagline); else the home title's first part;
/// else the host.
fn company_name(start: &Url, obs: &ReachObservation) -> String {
    obs.site_name
        .clone()
        .or_else(|| shared_title_part(obs))
        .or_else(|| {
            obs.title
                .as_deref()
                .and_then(|t| title_parts(t).into_iter().next())
        })
        .unwrap_or_else(|| start.host_str().unwrap_or("the company").to_string())
}

fn title_parts(title: &str) -> Vec<String> {
    let mut parts = vec![title.split_whitespace().collect::<Vec<_>>().join(" ")];
    for separator in TITLE_SEPARATORS {
        parts = parts
            .iter()
            .flat_map(|part| part.split(separator))
            .map(|part| part.trim().to_string())
            .filter(|part| !part.is_empty())
            .collect();
    }
    parts
}

/// The title part found on the most pages, when at least two pages share it.
fn shared_title_part(obs: &ReachObservation) -> Option<String> {
    let mut pages_with: Vec<(String, usize)> = Vec::new();
    for title in obs.pages.iter().filter_map(|p| p.title.as_deref()) {
        let mut parts = title_parts(title);
        parts.dedup();
        for part in parts {
            match pages_with.iter_mut().find(|(p, _)| *p == part) {
                Some((_, count)) => *count += 1,
                None => pages_with.push((part, 1)),
            }
        }
    }
    // The most pages first; among equals, the part seen first.
    let best = pages_with
        .iter()
        .map(|(_, n)| *n)
        .max()
        .filter(|n| *n >= 2)?;
    pages_with
        .into_iter()
        .find(|(_, n)| *n == best)
        .map(|(p, _)| p)
}

/// How likely an address is customer service's, from its local part: lower is likelier.
fn address_rank(address: &str) -> usize {
    const SUPPORT: &[&str] = &[
        "support", "help", "service", "care", "customer", "contact", "info",
    ];
    const NOT: &[&str] = &[
        "sales", "press", "media", "jobs", "career", "privacy", "gdpr", "dpo", "abuse", "noreply",
        "no-reply", "legal",
    ];
    let local = address.split('@').next().unwrap_or_default().to_lowercase();
    if let Some(i) = SUPPORT.iter().position(|w| local.contains(w)) {
        i
    } else if NOT.iter().any(|w| local.contains(w)) {
        SUPPORT.len() + 1
    } else {
        SUPPORT.len()
    }
}

/// The addresses found, best first: support-like before others before sales, press and
/// the like; then those on the contact page; then fewer clicks.
fn addresses<'a>(obs: &'a ReachObservation, contact: Option<&str>) -> Vec<&'a str> {
    let mut found: Vec<(usize, bool, u32, &str)> = Vec::new();
    for channel in obs.channels.iter().filter(|c| c.kind == ChannelKind::Email) {
        let address = channel.detail.as_str();
        if found.iter().any(|(.., a)| a.eq_ignore_ascii_case(address)) {
            continue;
        }
        let elsewhere = contact != Some(channel.page.as_str());
        found.push((address_rank(address), elsewhere, channel.clicks, address));
    }
    found.sort_by_key(|(rank, elsewhere, clicks, _)| (*rank, *elsewhere, *clicks));
    found.into_iter().map(|(.., a)| a).collect()
}

/// The page that best holds the contact channels: a form, an e-mail address and a phone
/// number count most, then a `contact` path or title, then fewer clicks. Not the home page.
fn contact_page<'a>(start: &Url, obs: &'a ReachObservation) -> Option<&'a str> {
    const WORDS: &[&str] = &["contact", "kontakt", "contacto", "contatti", "nous-joindre"];
    let score = |url: &str, title: Option<&str>| {
        let held = |kind| obs.channels.iter().any(|c| c.page == url && c.kind == kind);
        let named = |text: &str| WORDS.iter().any(|w| text.to_lowercase().contains(w));
        3 * u32::from(held(ChannelKind::WebForm))
            + 2 * u32::from(held(ChannelKind::Email))
            + 2 * u32::from(held(ChannelKind::Phone))
            + u32::from(held(ChannelKind::Chat) || held(ChannelKind::Messaging))
            + 2 * u32::from(Url::parse(url).is_ok_and(|u| named(u.path())))
            + 2 * u32::from(title.is_some_and(named))
    };
    obs.pages
        .iter()
        .filter(|p| p.url != start.as_str())
        .map(|p| (score(&p.url, p.title.as_deref()), p))
        .filter(|(score, _)| *score >= 2)
        // Highest score, then fewest clicks, then the first found.
        .min_by_key(|(score, p)| (std::cmp::Reverse(*score), p.clicks))
        .map(|(_, p)| p.url.as_str())
}

/// The audit file drafted from a crawl that started at `start`. Everything from the site
/// reaches it through `toml_string` (values) or `comment_text` (comments); the rest of the
/// file is ours.
pub fn from_crawl(start: &Url, obs: &ReachObservation) -> String {
    let name = company_name(start, obs);
    let mut out = format!(
        "# Drafted by `centricity init --site` from a crawl of {} page(s) of {start}.\n\
         # Review it: the checks below are what the site showed; keep what fits, and\n\
         # see the README's tour of the audit file for every key.\n\n\
         [audit]\nname = {}\nsite = {}\n# timezone = \"Europe/London\"   # the zone of the mystery log's times\n\n",
        obs.pages_crawled,
        toml_string(&name),
        toml_string(start.as_str())
    );
    // Short ids and titles of ours: page titles are the site's, and long.
    let mut check = |id: &str, title: &str, body: String| {
        let _ = write!(
            out,
            "[[check]]\nid = \"{id}\"\ntitle = \"{title}\"\n{body}\n"
        );
    };
    let page_check = |channel: &str, url: &str| {
        format!(
            "kind = \"{}\"\nchannel = \"{channel}\"\nurl = {}\n",
            Http::INFO.name,
            toml_string(url)
        )
    };
    check("home-page", "Home page", page_check("web", start.as_str()));
    if let Some(page) = contact_page(start, obs) {
        check("contact-page", "Contact page", page_check("web", page));
    }
    if let Some(help) = obs
        .channels
        .iter()
        .find(|c| c.kind == ChannelKind::HelpCentre)
    {
        check(
            "help-centre",
            "Help centre",
            page_check("help", &help.detail),
        );
    }
    // The crawl's own check, named after its kind.
    let reach = ContactReach::INFO.name;
    check(reach, "Contact options", format!("kind = \"{reach}\"\n"));
    let form = obs
        .channels
        .iter()
        .find(|c| c.kind == ChannelKind::WebForm)
        .map(|c| c.page.as_str());
    if let Some(page) = form {
        // Whether the form takes a message (reach); the variant below waits for the answer.
        check(
            "contact-form",
            "Contact form",
            format!(
                "kind = \"{}\"\nurl = {}\n\
                 # Sent once, by the first audit run online; later runs re-read its answer page.\n\
                 fields = {{ message = \"Hello, how can I move my contract to my new address?\" }}\n\
                 # success_contains = \"Thank you\"   # the confirmation's words, once you have seen them\n",
                WebForm::INFO.name,
                toml_string(page)
            ),
        );
    }
    if obs.review_profiles.is_empty() {
        out.push_str(&format!("# No review-platform profile was linked from the site; add the company's pages:\n# [[check]]\n# id = \"ratings\"\n# kind = \"{}\"\n# sources = [\"https://www.trustpilot.com/review/example.com\"]\n\n", Reviews::INFO.name));
    } else {
        let sources: Vec<String> = obs.review_profiles.iter().map(|s| toml_string(s)).collect();
        out.push_str(&format!(
            "[[check]]\nid = \"ratings\"\ntitle = \"Ratings and reviews\"\nkind = \"{}\"\nsources = [{}]\n\n",
            Reviews::INFO.name,
            sources.join(", ")
        ));
    }
    let found: Vec<String> = obs
        .channels
        .iter()
        .filter(|c| c.kind.is_direct())
        .map(|c| {
            format!(
                "#   {} {} ({} click{})",
                c.kind,
                comment_text(&c.detail),
                c.clicks,
                if c.clicks == 1 { "" } else { "s" }
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "# Channels found on the site, to measure by hand and log for `{}`:",
        MysteryLog::INFO.name
    );
    if found.is_empty() {
        out.push_str("#   (none found)\n");
    } else {
        for line in found {
            out.push_str(&line);
            out.push('\n');
        }
    }
    let contact = contact_page(start, obs);
    let found = addresses(obs, contact);
    let address = found.first().copied();
    if let (Some(chosen), true) = (address, found.len() > 1) {
        let _ = writeln!(
            out,
            "# The probe below goes to {}, the most support-like; the others found:",
            comment_text(chosen)
        );
        for other in &found[1..] {
            let _ = writeln!(out, "#   {}", comment_text(other));
        }
    }
    if address.is_some() || form.is_some() {
        out.push_str(
            "# Probes that wait for answers: fill in the auditor's mailbox, uncomment, then run\n\
             # `centricity probe send` and audit again over the next days.\n",
        );
        out.push_str(&commented(&probe_checks(address, form)));
        out.push('\n');
    }
    let _ = write!(
        out,
        "# Mystery shopping: log each contact you make in mystery-log.csv (its columns:\n\
         # `centricity checks mystery-log`; mystery-log.example.csv shows two), set\n\
         # `timezone` in [audit] to the zone its times are in, then uncomment:\n\
         # [[check]]\n# id = \"mystery-shopping\"\n# kind = \"{log}\"\n# file = \"mystery-log.csv\"\n\n\
         # Staff questionnaires: collect answers in surveys/feedback-loop.csv and\n\
         # surveys/frontline.csv (the answers each column takes are in the .answers.csv\n\
         # beside them), or import a survey tool's export; then uncomment:\n\
         # [[check]]\n# id = \"feedback-loop\"\n# kind = \"{q}\"\n# questionnaire = \"feedback-loop\"\n\
         # answers = [\"surveys/feedback-loop.csv\"]\n#\n\
         # [[check]]\n# id = \"frontline\"\n# kind = \"{q}\"\n# questionnaire = \"frontline\"\n\
         # answers = [\"surveys/frontline.csv\"]\n",
        log = MysteryLog::INFO.name,
        q = Questionnaire::INFO.name
    );
    out
}

/// An `email` check to the address found and a `web-form` answered through its mailbox,
/// with the auditor's account left to fill in.
fn probe_checks(address: Option<&str>, form: Option<&str>) -> String {
    let mut out = format!(
        "[[check]]\nid = \"support-email\"\nkind = \"{}\"\nto = {}\nfrom = \"auditor@example.net\"\n\
         smtp = {{ host = \"smtp.example.net\", port = 587, user = \"auditor@example.net\", password_env = \"AUDIT_MAIL_PASSWORD\", tls = \"starttls\" }}\n\
         imap = {{ host = \"imap.example.net\", port = 993, user = \"auditor@example.net\", password_env = \"AUDIT_MAIL_PASSWORD\" }}\n\
         wait = \"48h\"\n",
        Email::INFO.name,
        toml_string(address.unwrap_or("support@example.com"))
    );
    if let Some(page) = form {
        let _ = write!(
            out,
            "\n[[check]]\nid = \"contact-form-reply\"\nkind = \"{}\"\nurl = {}\nreply_via = \"support-email\"\n\
             fields = {{ email = \"{{reply_to}}\", message = \"Can I move my contract to my new address? [{{token}}]\" }}\n",
            WebForm::INFO.name,
            toml_string(page)
        );
    }
    out
}

/// TOML lines turned into comments.
fn commented(toml: &str) -> String {
    toml.lines()
        .map(|line| {
            if line.is_empty() {
                "#\n".to_string()
            } else {
                format!("# {line}\n")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn the_drafted_probes_are_a_valid_audit_once_uncommented() {
        let checks = probe_checks(
            Some("care@acme.example"),
            Some("https://www.acme.example/contact"),
        );
        let text = format!("[audit]\nname = \"Acme\"\n\n{checks}");
        let audit = crate::audit::parse(&text, Path::new("centricity.toml"))
            .unwrap_or_else(|e| panic!("drafted probes are invalid:\n{e}\n{text}"));
        assert_eq!(audit.checks.len(), 2);
        assert!(audit.checks.iter().all(|c| c.params.waits_for_replies()));
        assert!(commented(&checks).lines().all(|line| line.starts_with('#')));
    }

    #[test]
    fn site_text_cannot_leave_its_comment() {
        let line = format!(
            "#   phone {}",
            comment_text("+1\n[[check]]\r\nid = \"pwn\"\u{2028}")
        );
        assert_eq!(line.lines().count(), 1, "{line}");
    }

    #[test]
    fn strings_are_quoted_for_toml() {
        assert_eq!(
            toml_string("Acme \"best\" \\ co\n"),
            "\"Acme \\\"best\\\" \\\\ co\\u000A\""
        );
    }
}
