//! Sending an `email` check's question (`centricity probe send`).

use super::Params;
use crate::kind::reply_probe::{reply_address, split_address};
use crate::net::mail::{self, Outgoing, SendError};

/// E-mails the question with the token in the subject, a plus-address to reply to and our own
/// Message-ID, the three ways a reply is matched. Returns the Message-ID.
pub async fn send(params: &Params, token: &str) -> Result<String, SendError> {
    let from = &params.mailbox.from;
    let domain = split_address(from).1;
    let message_id = format!("<centricity.{token}@{domain}>");
    let reply_to = reply_address(from, token);
    let outgoing = Outgoing {
        from,
        envelope_from: &reply_to,
        reply_to: &reply_to,
        to: &params.to,
        subject: &format!("{} [ref {token}]", params.subject),
        body: &params.body,
        message_id: &message_id,
    };
    mail::send(&params.smtp, &outgoing).await?;
    Ok(message_id)
}
