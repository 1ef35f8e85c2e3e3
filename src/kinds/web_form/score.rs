//! The contact form: does it take a message and say so?

use crate::kind::Scored;
use crate::kinds::web_form::{FormObservation, FormOutcome};
use crate::verdict::{Evidence, Finding, Metric, Severity, Status, Unit};

pub fn score(obs: &FormObservation) -> Scored {
    let mut scored = Scored::default();
    let excerpt = match &obs.outcome {
        FormOutcome::Sent {
            status,
            final_url,
            confirmation_s,
            confirmed,
            excerpt,
        } => {
            let score = match confirmed {
                Some(true) | None => 100.0,
                Some(false) => 50.0,
            };
            scored.score = Some(score);
            scored.status = Status::for_score(score);
            scored.metrics = vec![
                Metric::new(
                    "submit_status",
                    "HTTP status of the submission",
                    f64::from(*status),
                    None,
                ),
                Metric::new(
                    "confirmation_s",
                    "Time to the confirmation page",
                    *confirmation_s,
                    Some(Unit::Seconds),
                ),
            ];
            scored.findings.push(Finding::new(crate::verdict::Code::AutomaticConfirmationOnly,
                Severity::Info,
                "The form's answer is the site's automatic confirmation: it shows the form works, not that a person answers.",
                "Time a person's answer too: give the check `reply_via` (an e-mail check) and run `centricity probe send`.",
            ));
            if *confirmed == Some(false) {
                scored.findings.push(Finding::new(crate::verdict::Code::NoConfirmation,
                    Severity::Warn,
                    "The form was sent, but the page after it does not show the expected confirmation.",
                    "Confirm on screen that the message arrived, and when an answer will come.",
                ));
            }
            format!(
                "sent {} field(s) → HTTP {status} at {final_url}: {excerpt}",
                obs.fields_sent.len()
            )
        }
        FormOutcome::Captcha { kind } => {
            scored.status = Status::NotApplicable;
            scored.findings.push(Finding::new(crate::verdict::Code::FormBehindChallenge,
                Severity::Warn,
                format!("The contact form is behind a {kind} challenge; it was not submitted."),
                "Submit it by hand and log the reply in the mystery-shopping log; consider a lighter spam filter.",
            ));
            format!("{kind} on the form: not submitted")
        }
        FormOutcome::Refused { reason } => {
            scored.score = Some(0.0);
            scored.status = Status::Fail;
            scored.findings.push(Finding::new(
                crate::verdict::Code::FormRejected,
                Severity::Fail,
                format!("The contact form did not accept the message: {reason}."),
                "Test the form as a customer would, after every site change.",
            ));
            format!("refused: {reason}")
        }
    };
    scored.evidence = vec![Evidence {
        source: obs.page.clone(),
        observed_at: obs.submitted_at,
        excerpt,
    }];
    scored
}
