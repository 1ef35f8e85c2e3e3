//! Sending an `email` check's question (`centricity probe send`).

use super::Params;
use crate::net::mail::{self, Outgoing};

/// E-mails the question with the token in the subject, a plus-address to reply to and our own
/// Message-ID, the three ways a reply is matched. Returns the Message-ID.
pub async fn send(params: &Params, token: &str) -> Result<String, String> {
    let domain = split_address(&params.from).1;
    let message_id = format!("<centricity.{token}@{domain}>");
    let reply_to = reply_address(&params.from, token);
    let outgoing = Outgoing {
        from: &params.from,
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

/// The tagged plus-address answers to a probe go to: `local+token@domain` of `from`.
pub fn reply_address(from: &str, token: &str) -> String {
    let (local, domain) = split_address(from);
    format!("{local}+{token}@{domain}")
}

/// `local@domain` split for plus-addressing (validated as containing `@` when the file loaded).
fn split_address(address: &str) -> (&str, &str) {
    address.rsplit_once('@').unwrap_or((address, "localhost"))
}
