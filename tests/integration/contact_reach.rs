//! The contact-reach crawl against fixture sites on a loopback server:
//! contact in the footer, three clicks deep, chat widget only, no contact at
//! all, a contact page robots.txt disallows, and a site that never ends.

use crate::common::{Scratch, TestServer, audit_json, check, metric};

fn crawl(server: &TestServer, sites: &[(&str, &str, &str)]) -> serde_json::Value {
    let scratch = Scratch::new();
    let checks: String = sites
        .iter()
        .map(|(id, start, extra)| {
            format!(
                "[[check]]\nid = \"{id}\"\nkind = \"contact-reach\"\nstart = \"{}\"\nmax_pages = 20\ndelay = \"5ms\"\n{extra}\n",
                server.url(start)
            )
        })
        .collect();
    let audit = scratch.audit(&checks);
    let (_, report, stderr) = audit_json(&audit, &["--concurrency", "6"]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    report
}

#[test]
fn channels_and_clicks_are_found_as_a_customer_would() {
    let server = TestServer::start();
    let report = crawl(
        &server,
        &[
            ("footer", "/site/footer/index.html", ""),
            ("deep", "/site/deep/index.html", ""),
            ("chat", "/site/chat/index.html", ""),
            ("none", "/site/none/index.html", ""),
            ("blocked", "/site/blocked/index.html", ""),
            ("endless", "/site/endless/page?n=0", "max_depth = 10"),
            ("shallow", "/site/endless/page?n=100", ""),
        ],
    );
    let footer = check(&report, "footer");
    // e-mail, phone, form, social, help centre.
    assert_eq!(metric(footer, "channels_found"), 5.0, "{footer}");
    assert_eq!(metric(footer, "clicks_to_first_contact"), 0.0);
    let evidence = footer["evidence"].to_string();
    assert!(
        evidence.contains("web_form") && evidence.contains("(1 click)"),
        "{evidence}"
    );
    assert!(
        evidence.contains("email: care@acme.example (0 clicks)"),
        "{evidence}"
    );
    assert_eq!(
        footer["status"], "warn",
        "three direct channels of four, on the home page"
    );

    let deep = check(&report, "deep");
    assert_eq!(metric(deep, "clicks_to_first_contact"), 3.0);
    assert!(
        deep["findings"]
            .to_string()
            .contains("Contact is 3 clicks deep.")
    );
    assert!(
        deep["findings"]
            .to_string()
            .contains("Only one channel offered (email).")
    );

    let chat = check(&report, "chat");
    assert_eq!(metric(chat, "channels_found"), 1.0);
    assert!(
        chat["evidence"]
            .to_string()
            .contains("chat: Intercom (0 clicks)")
    );

    let none = check(&report, "none");
    assert_eq!(none["score"], 0.0);
    assert!(
        none["findings"]
            .to_string()
            .contains("No e-mail, phone, contact form, chat or messaging option found in 3 pages.")
    );

    let blocked = check(&report, "blocked");
    assert_eq!(server.hits("/private/contact"), 0, "robots.txt is obeyed");
    assert!(
        blocked["findings"]
            .to_string()
            .contains("/private/contact (1 clicks) is disallowed by robots.txt")
    );

    // A site that never ends is bounded by the page cap, and by the depth.
    assert_eq!(metric(check(&report, "endless"), "pages_crawled"), 20.0);
    // Depth 3 from n=100: 1 + 2 + 2 + 2 distinct pages (the links overlap).
    assert_eq!(metric(check(&report, "shallow"), "pages_crawled"), 7.0);
}

/// A loopback server and a folder where `init --site` drafted an audit from the server's `site`.
fn drafted_from(site: &str) -> (TestServer, Scratch) {
    let server = TestServer::start();
    let scratch = Scratch::new();
    crate::common::centricity()
        .arg("init")
        .arg(scratch.dir.path())
        .args(["--site", &server.url(site), "--delay", "5ms"])
        .assert()
        .success();
    (server, scratch)
}

#[test]
fn init_drafts_an_audit_from_the_site() {
    let (server, scratch) = drafted_from("/site/footer/index.html");
    let drafted = std::fs::read_to_string(scratch.path("centricity.toml")).unwrap();
    // The home page names the audit; the contact page and help centre become http checks;
    // the review profiles linked by schema.org sameAs become `reviews` sources.
    for expected in [
        // The company's name from the home page's title, not the whole title.
        "name = \"Acme\"",
        &format!("url = \"{}\"", server.url("/site/footer/contact.html")),
        &format!(
            "channel = \"help\"\nurl = \"{}\"",
            server.url("/site/footer/help.html")
        ),
        "kind = \"contact-reach\"",
        "sources = [\"https://www.trustpilot.com/review/acme.example\", \"https://itunes.apple.com/lookup?id=1234567890\"]",
        "#   email care@acme.example (0 clicks)",
        "# to = \"care@acme.example\"",
        "# reply_via = \"support-email\"",
    ] {
        assert!(
            drafted.contains(expected),
            "the draft lacks {expected:?}:\n{drafted}"
        );
    }
    // And it is a valid audit: skipping every check runs nothing (exit 1, not 3).
    crate::common::centricity()
        .arg("audit")
        .arg(scratch.path("centricity.toml"))
        .args([
            "--skip",
            "home-page,contact-page,help-centre,contact-reach,contact-form,ratings",
            "--no-store",
        ])
        .assert()
        .code(1);
}

#[test]
fn an_error_page_is_a_failure_named_never_an_empty_site() {
    let server = TestServer::start();
    let report = crawl(
        &server,
        &[
            ("down", "/status/503", ""),
            ("gone", "/status/404", ""),
            ("broken-link", "/site/footer/index.html", ""),
        ],
    );
    for (id, status) in [("down", "HTTP 503"), ("gone", "HTTP 404")] {
        let found = check(&report, id);
        assert_eq!(found["status"], "error", "{found}");
        assert!(
            found["error"].as_str().unwrap_or("").contains(status),
            "{found}"
        );
    }
    // A site that answers keeps its score; pages that failed are named in a finding.
    let footer = check(&report, "broken-link");
    assert!(footer["score"].as_f64().is_some(), "{footer}");
}

#[test]
fn init_reads_robots_first_and_drafts_the_page_that_holds_the_contacts() {
    let (server, scratch) = drafted_from("/site/pricing/index.html");
    assert_eq!(
        server.paths().first().map(String::as_str),
        Some("/robots.txt"),
        "{:?}",
        server.paths()
    );
    let drafted = std::fs::read_to_string(scratch.path("centricity.toml")).unwrap();
    // The pricing page has a phone number and is found first; the contact page has the form,
    // the address and the phone, and is the one drafted.
    assert!(
        drafted.contains(&format!(
            "id = \"contact-page\"\ntitle = \"Contact page\"\nkind = \"http\"\nchannel = \"web\"\nurl = \"{}\"",
            server.url("/site/pricing/contact-us.html")
        )),
        "{drafted}"
    );
    assert!(
        drafted.contains("name = \"Brightline Energy\""),
        "{drafted}"
    );
    assert!(!drafted.contains("prices and tariffs"), "{drafted}");
}

#[test]
fn init_names_the_company_not_its_tagline_and_probes_support_not_the_press() {
    let (server, scratch) = drafted_from("/site/tagline/index.html");
    let drafted = std::fs::read_to_string(scratch.path("centricity.toml")).unwrap();
    // "Green energy for homes | Brightwater Energy": the part every page's title shares.
    assert!(
        drafted.contains("name = \"Brightwater Energy\""),
        "{drafted}"
    );
    // press@ is found first (the About page), help@ on the contact page is the probe's address.
    assert!(
        drafted.contains("# to = \"help@brightwater.example\""),
        "{drafted}"
    );
    assert!(
        drafted.contains("#   press@brightwater.example")
            && drafted.contains("#   jobs@brightwater.example"),
        "the other addresses are not listed: {drafted}"
    );
    // A working web-form check, beside the variant that waits for the answer.
    let form = server.url("/site/tagline/contact.html");
    assert!(
        drafted.contains(&format!(
            "id = \"contact-form\"\ntitle = \"Contact form\"\nkind = \"web-form\"\nurl = \"{form}\""
        )),
        "{drafted}"
    );
    assert!(
        drafted.contains("# id = \"contact-form-reply\""),
        "{drafted}"
    );
    // It is valid, and the form check runs: sent once to the loopback server.
    let (_, report, stderr) = crate::common::audit_json(
        &scratch.path("centricity.toml"),
        &["--only", "contact-form", "--no-store", "--allow-incomplete"],
    );
    assert_eq!(
        check(&report, "contact-form")["status"]
            .as_str()
            .map(|s| s != "error"),
        Some(true),
        "{report}\n{stderr}"
    );
}
