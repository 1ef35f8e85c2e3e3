//! JUnit XML for CI dashboards: one test case per check. A check that fails
//! or errors is a failing case with its finding or error; skipped, pending
//! and not-applicable checks are skipped cases. Every CI gate judged on the run
//! (`--fail-under`, `[thresholds]`, `--max-drop`) is a case of its own suite,
//! failed when the gate failed, with the figures in its message.

use super::model::Status;
use super::{GateVerdict, Report};

pub fn render(report: &Report, gates: &[GateVerdict]) -> Vec<u8> {
    let count = |wanted: &[Status]| {
        report
            .checks
            .iter()
            .filter(|c| wanted.contains(&c.status))
            .count()
    };
    let failures = count(&[Status::Fail]);
    let gates_failed = gates.iter().filter(|g| !g.held).count();
    let errors = count(&[Status::Error]);
    let skipped = count(&[Status::Skipped, Status::Pending, Status::NotApplicable]);
    let seconds: f64 = report
        .checks
        .iter()
        .map(|c| c.duration_ms as f64 / 1000.0)
        .sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"centricity\" tests=\"{}\" failures=\"{}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{seconds:.3}\">\n",
        report.checks.len() + gates.len(),
        failures + gates_failed
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{seconds:.3}\" timestamp=\"{}\">\n",
        escape(&report.audit.name),
        report.checks.len(),
        report.audit.started_at.to_rfc3339()
    ));
    for check in &report.checks {
        let score = check
            .score
            .map_or_else(|| "not scored".to_string(), |s| format!("{s:.1}"));
        out.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\">\n",
            escape(check.category.id()),
            escape(&check.id),
            check.duration_ms as f64 / 1000.0
        ));
        let top = check
            .top_finding()
            .map(|f| format!("{} {}", f.message, f.recommendation))
            .unwrap_or_default();
        match check.status {
            Status::Fail => out.push_str(&format!(
                "      <failure message=\"score {score}\" type=\"fail\">{}</failure>\n",
                escape(&top)
            )),
            Status::Error => out.push_str(&format!(
                "      <error message=\"{}\" type=\"error\"/>\n",
                escape(check.error.as_deref().unwrap_or("error"))
            )),
            Status::Skipped | Status::Pending | Status::NotApplicable => {
                out.push_str(&format!(
                    "      <skipped message=\"{}\"/>\n",
                    check.status.as_str()
                ));
            }
            Status::Pass | Status::Warn => {
                out.push_str(&format!(
                    "      <system-out>score {score}, {}</system-out>\n",
                    check.status.as_str()
                ));
            }
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n");
    if !gates.is_empty() {
        out.push_str(&format!(
            "  <testsuite name=\"gates\" tests=\"{}\" failures=\"{gates_failed}\" errors=\"0\" skipped=\"0\" time=\"0.000\">\n",
            gates.len()
        ));
        for gate in gates {
            out.push_str(&format!(
                "    <testcase classname=\"gates\" name=\"{}\" time=\"0.000\">\n",
                escape(&gate.name)
            ));
            let message = escape(&gate.message);
            if gate.held {
                out.push_str(&format!("      <system-out>{message}</system-out>\n"));
            } else {
                out.push_str(&format!(
                    "      <failure message=\"{message}\" type=\"gate\">{message}</failure>\n"
                ));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out.into_bytes()
}

/// XML-escapes text from outside (check ids are ours, findings may quote pages).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // CI dashboards show these texts to people: control and bidi characters escaped first.
    for c in super::sanitize::terminal(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // What XML 1.0 forbids (controls, U+FFFE, U+FFFF) would make the file unreadable.
            c if !super::sanitize::xml_allows(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
