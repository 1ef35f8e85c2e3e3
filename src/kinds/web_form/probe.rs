//! Submitting a `web-form` with `reply_via` as a probe (`centricity probe send`): the answer
//! comes back by e-mail to the named `email` check's mailbox.

use std::collections::BTreeMap;

use super::{FormOutcome, Params, REPLY_TO, TOKEN, submit};
use crate::kind::reply_probe::{Mailbox, reply_address};
use crate::kind::{CollectContext, ProbeError};

/// Submits the form once with `{reply_to}` and `{token}` filled; a form that does not take the
/// message is an error, and no probe is recorded for it. Returns a note for the person.
pub async fn send(
    params: &Params,
    mail: &Mailbox,
    token: &str,
    ctx: &CollectContext,
) -> Result<String, ProbeError> {
    let reply_to = reply_address(&mail.from, token);
    let fields: BTreeMap<String, String> = params
        .fields
        .iter()
        .map(|(name, value)| {
            (
                name.clone(),
                value.replace(REPLY_TO, &reply_to).replace(TOKEN, token),
            )
        })
        .collect();
    let observation = submit(params, &fields, ctx).await?;
    match observation.outcome {
        FormOutcome::Sent {
            confirmed: Some(false),
            ..
        } => Ok(" (sent, but the page did not show the expected confirmation)".into()),
        FormOutcome::Sent { .. } => Ok(format!(" (answers go to {reply_to})")),
        FormOutcome::Captcha { kind } => Err(ProbeError::Captcha { kind }),
        FormOutcome::Refused { reason } => Err(ProbeError::Refused { reason }),
    }
}
