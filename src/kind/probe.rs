//! The record of a probe: a question a check sent to the company (an e-mail, a form), kept
//! in the history store so later audits find and time its answers.

use serde::{Deserialize, Serialize};

/// A message sent by `centricity probe send`, waiting for replies: what each
/// later audit needs to find them in the mailbox and time them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    pub audit: String,
    pub check_id: String,
    /// The tag in the subject and plus-address that replies may carry.
    pub token: String,
    pub message_id: String,
    pub sent_to: String,
    pub sent_at: chrono::DateTime<chrono::FixedOffset>,
}

impl Probe {
    /// The record of what a check sent to the company while collecting (a form submitted),
    /// under a fresh token: a form's answer is on its page, so nothing comes back to match.
    pub fn submitted(
        audit: &str,
        check_id: &str,
        sent_to: &str,
        sent_at: chrono::DateTime<chrono::FixedOffset>,
    ) -> Self {
        Self {
            audit: audit.to_string(),
            check_id: check_id.to_string(),
            token: new_token(),
            message_id: String::new(),
            sent_to: sent_to.to_string(),
            sent_at,
        }
    }
}

/// A tag no earlier probe has: time, process and the standard library's random hash seed.
pub fn new_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::hash::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.write_u32(std::process::id());
    format!("cx{:012x}", hasher.finish() & 0xffff_ffff_ffff)
}
