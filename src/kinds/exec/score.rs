//! Scoring a plug-in's report: it scores itself; this checks what it says.

use super::PluginReport;
use crate::kind::{ChannelScore, Scored};
use crate::report::model::Status;

pub fn score(report: &PluginReport, channel: Option<&str>) -> Scored {
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
                channel: channel.to_string(),
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
