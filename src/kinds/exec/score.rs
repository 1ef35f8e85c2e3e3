//! Scoring a plug-in's report: it scores itself; this checks what it says.

use super::PluginReport;
use crate::channel::Channel;
use crate::kind::{ChannelScore, Scored};
use crate::verdict::{Status, is_code};

pub fn score(report: &PluginReport, channel: Option<&Channel>) -> Scored {
    let mut scored = Scored {
        metrics: report.metrics.clone(),
        findings: report.findings.clone(),
        evidence: report.evidence.clone(),
        ..Scored::default()
    };
    // A finding without a code is named by its place among the plug-in's findings: stable for
    // a plug-in that reports its findings in a fixed order, which is why a code is better.
    for (place, finding) in scored.findings.iter_mut().enumerate() {
        if finding.code.is_empty() {
            finding.code = format!("finding-{}", place + 1);
        } else if !is_code(&finding.code) {
            scored.status = Status::Error;
            scored.error = Some(format!(
                "finding {}'s code is not kebab-case (a-z, digits and single hyphens, at most 64 characters)",
                place + 1
            ));
            return scored;
        }
    }
    match (report.score, report.status) {
        (Some(score), status) => {
            scored.score = Some(score);
            scored.status = status.unwrap_or(Status::for_score(score));
            scored.channels.extend(channel.map(|channel| ChannelScore {
                channel: channel.clone(),
                score,
                answered: score > 0.0,
                contacts: None,
            }));
        }
        (None, Some(status @ (Status::NotApplicable | Status::Pending | Status::Skipped))) => {
            scored.status = status
        }
        (None, _) => {
            scored.status = Status::Error;
            scored.error = Some("the plug-in returned no score".into());
        }
    }
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_without_a_score_is_an_error_unless_it_says_why() {
        let report = |status: Option<Status>| PluginReport {
            score: None,
            status,
            metrics: vec![],
            findings: vec![],
            evidence: vec![],
        };
        assert_eq!(score(&report(None), None).status, Status::Error);
        assert_eq!(
            score(&report(Some(Status::NotApplicable)), None).status,
            Status::NotApplicable
        );
    }

    #[test]
    fn a_plugins_findings_keep_their_codes_or_are_named_by_place() {
        let finding = |code: &str| crate::verdict::Finding {
            code: code.into(),
            subject: None,
            severity: crate::verdict::Severity::Warn,
            message: "m".into(),
            recommendation: "r".into(),
        };
        let report = |findings| PluginReport {
            score: Some(50.0),
            status: None,
            metrics: vec![],
            findings,
            evidence: vec![],
        };
        let scored = score(&report(vec![finding("no-callback"), finding("")]), None);
        let codes: Vec<&str> = scored.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["no-callback", "finding-2"]);
        let refused = score(&report(vec![finding("Not A Code")]), None);
        assert_eq!(refused.status, Status::Error);
        assert_eq!(refused.score, None);
    }
}
