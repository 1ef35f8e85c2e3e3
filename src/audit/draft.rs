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

/// The company's name from the home page's title: its first part (`Acme – home` is `Acme`),
/// else the host.
fn company_name(start: &Url, obs: &ReachObservation) -> String {
    const SEPARATORS: &[&str] = &[" – ", " — ", " | ", " - ", ": ", " · "];
    obs.title
        .as_deref()
        .map(|title| title.split_whitespace().collect::<Vec<_>>().join(" "))
        .and_then(|title| {
            let cut = SEPARATORS
                .iter()
                .filter_map(|s| title.find(s))
                .min()
                .unwrap_or(title.len());
            let first = title.get(..cut).unwrap_or_default().trim();
            (!first.is_empty()).then(|| first.to_string())
        })
        .unwrap_or_else(|| start.host_str().unwrap_or("the company").to_string())
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
         [audit]\nname = {}\nsite = {}\n\n",
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
    let address = obs
        .channels
        .iter()
        .find(|c| c.kind == ChannelKind::Email)
        .map(|c| c.detail.as_str());
    let form = obs
        .channels
        .iter()
        .find(|c| c.kind == ChannelKind::WebForm)
        .map(|c| c.page.as_str());
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
        "# [[check]]\n# id = \"mystery-shopping\"\n# kind = \"{}\"\n# file = \"mystery-log.csv\"\n\n\
         # Staff questionnaires (see `centricity survey template`):\n# [[check]]\n# id = \"feedback-loop\"\n\
         # kind = \"{}\"\n# questionnaire = \"feedback-loop\"\n# answers = [\"surveys/staff.csv\"]\n",
        MysteryLog::INFO.name,
        Questionnaire::INFO.name
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
            "\n[[check]]\nid = \"contact-form\"\nkind = \"{}\"\nurl = {}\nreply_via = \"support-email\"\n\
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
