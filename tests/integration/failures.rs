//! A check that could not observe says why with a stable code from a closed set, and names
//! the cause for what it is: a refused connection is never "disallowed by robots.txt".

use crate::common::{Scratch, TestServer, audit_json, check};

#[test]
fn each_failure_is_named_for_what_it_is() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    // Port 9 (discard) is closed on loopback: the connection is refused.
    let refused = "http://127.0.0.1:9";
    let audit = scratch.audit(&format!(
        "[[check]]\nid = \"crawl\"\nkind = \"contact-reach\"\nstart = \"{refused}/\"\n\n\
         [[check]]\nid = \"page\"\nkind = \"http\"\nurl = \"{refused}/\"\nsamples = 1\n\n\
         [[check]]\nid = \"private\"\nkind = \"contact-reach\"\nstart = \"{}\"\n\n\
         [[check]]\nid = \"no-form\"\nkind = \"web-form\"\nurl = \"{}\"\n\n\
         [[check]]\nid = \"wall\"\nkind = \"web-form\"\nurl = \"{}\"\n",
        server.url("/private/contact"),
        server.url("/ok"),
        server.url("/wall"),
    ));
    let (code, report, stderr) = audit_json(&audit, &["--no-store", "--concurrency", "1"]);
    assert_eq!(code, 1, "nothing could be scored: {stderr}");
    let cause = |id: &str| {
        let c = check(&report, id);
        (
            c["error_code"].as_str().unwrap_or("none").to_string(),
            c["error"].as_str().unwrap_or_default().to_string(),
        )
    };
    let (crawl, why) = cause("crawl");
    assert_eq!(crawl, "connection-refused", "{why}");
    assert!(
        !why.contains("disallowed") && why.contains("Connection refused"),
        "{why}"
    );
    assert_eq!(cause("page").0, "connection-refused");
    // Only a robots.txt that says no is a robots.txt disallow.
    let (private, why) = cause("private");
    assert_eq!(private, "robots-disallow", "{why}");
    assert_eq!(cause("no-form").0, "parse-error");
    assert_eq!(cause("wall").0, "bot-wall");
    for check in report["checks"].as_array().unwrap() {
        assert_eq!(check["status"], "error", "{check}");
    }
}
