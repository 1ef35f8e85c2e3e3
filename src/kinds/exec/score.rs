//! Scoring a plug-in's report: it scores itself; this checks what it says.

use super::PluginReport;
use crate::channel::Channel;
use crate::kind::{ChannelScore, Scored};
use crate::verdict::Status;

pub fn score(report: &PluginReport, channel: Option<&Channel>) -> Scored {
    let mut scored = Scored {
        metrics: report.metrics.clone(),
        findings: report.findings.clone(),
        evidence: report.evidence.clone(),
        ..Scored::default()
    };
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
}
