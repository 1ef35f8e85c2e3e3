//! One time budget per check, spent the same way by every kind that waits on the network:
//! each stops its own work before the limit so what it found is reported, and whatever ran
//! out names the limit the check was given.

use std::time::Duration;

use crate::common::{Scratch, TestServer, audit_json, check};

#[test]
fn every_kind_ends_within_its_timeout_and_names_it() {
    let server = TestServer::start();
    let scratch = Scratch::new();
    let hang = server.url("/hang");
    let audit = scratch.audit(&format!(
        r#"[[check]]
id = "http"
kind = "http"
url = "{hang}"
samples = 3
timeout = "1500ms"

[[check]]
id = "reviews"
kind = "reviews"
sources = ["{hang}/reviews"]
delay = "10ms"
timeout = "2s"

[[check]]
id = "form"
kind = "web-form"
url = "{hang}/form"
timeout = "2s"
"#
    ));
    let (_, report, stderr) = audit_json(&audit, &["--concurrency", "3"]);
    for (id, limit, names) in [
        ("http", 1500, "the check's 1s 500ms timeout"),
        ("reviews", 2000, "the check's 2s timeout"),
        ("form", 2000, "the check's 2s timeout"),
    ] {
        let ran = check(&report, id);
        let took = ran["duration_ms"].as_u64().unwrap();
        // Work stops at the wrap-up time (a tenth before the limit), not at the runner's cut.
        assert!(
            took < limit,
            "{id} took {took} ms of {limit}: {ran}\n{stderr}"
        );
        assert!(
            ran.to_string().contains(names),
            "{id} does not name its limit: {ran}"
        );
        assert_ne!(
            ran["error"].as_str().unwrap_or(""),
            format!("timed out after {}", humantime(limit)),
            "{id} was cut off by the runner instead of wrapping up"
        );
    }
}

fn humantime(ms: u64) -> String {
    humantime::format_duration(Duration::from_millis(ms)).to_string()
}
