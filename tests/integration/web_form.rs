//! The contact form against a loopback server: hidden token and cookie carried,
//! fields filled, confirmation checked; a CAPTCHA reported, a refusal scored 0.

use crate::common::{Scratch, TestServer, audit_json, check};

#[test]
fn a_form_is_filled_sent_and_confirmed() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    let form = |id: &str, path: &str, extra: &str| {
        format!(
            "[[check]]\nid = \"{id}\"\nkind = \"web-form\"\nurl = \"{}\"\n{extra}\n",
            server.url(path)
        )
    };
    let audit = scratch.audit(&format!(
        "{}{}{}{}",
        form(
            "contact-form",
            "/form/contact",
            "success_contains = \"we will answer\"\nfields = { email = \"auditor+t1@example.test\", message = \"Where is my order 42?\" }"
        ),
        form("wrong-confirmation", "/form/contact", "success_contains = \"Merci\""),
        form("captcha", "/form/captcha", ""),
        form("broken", "/form/broken", "")
    ));
    let (code, report, stderr) = audit_json(&audit, &["--concurrency", "1"]);
    let ok = check(&report, "contact-form");
    assert_eq!(
        (ok["status"].clone(), ok["score"].clone()),
        ("pass".into(), 100.0.into()),
        "{ok}\n{stderr}"
    );
    // The server only accepts the POST with the page's cookie and hidden token; the fields are ours.
    assert!(
        ok["evidence"][0]["excerpt"]
            .as_str()
            .unwrap()
            .contains("We will answer within 24 hours")
    );
    assert_eq!(check(&report, "wrong-confirmation")["score"], 50.0);
    let captcha = check(&report, "captcha");
    assert_eq!(captcha["status"], "not_applicable");
    assert!(
        captcha["findings"]
            .to_string()
            .contains("behind a reCAPTCHA challenge; it was not submitted")
    );
    assert_eq!(check(&report, "broken")["score"], 0.0);
    assert_eq!(code, 0, "{stderr}");
    // The hidden token and the select's default went along with our fields.
    let sent = server.bodies("/form/send");
    assert_eq!(
        sent.len(),
        2,
        "one POST per form check that reached the server"
    );
    assert!(
        sent[0].contains("csrf=tok-123") && sent[0].contains("topic=billing"),
        "{sent:?}"
    );
    assert!(
        sent[0].contains("email=auditor%2Bt1%40example.test"),
        "{sent:?}"
    );
}

#[test]
fn the_form_fields_are_checked() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    let audit = scratch.audit(&format!(
        "[[check]]\nid = \"f\"\nkind = \"web-form\"\nurl = \"{}\"\nfields = {{ phone = \"123\" }}\n",
        server.url("/form/contact")
    ));
    let (_, report, _) = audit_json(&audit, &[]);
    assert_eq!(
        check(&report, "f")["error"],
        "the form has no field `phone`"
    );
    assert_eq!(
        server.hits("/form/send"),
        0,
        "nothing sent when the form does not fit"
    );
}
