//! Channels: the ways a customer reaches the company. The set is open (contact channels come
//! from the benchmark file, which a user can extend), so a channel is a name with a type of
//! its own rather than a closed enum; the ones the tool itself produces are constants.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A channel's name as it appears in metrics and reports (`phone`, `web_form`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Channel(Cow<'static, str>);

impl Channel {
    /// A question e-mailed to customer service.
    pub const EMAIL: Channel = Channel::fixed("email");
    /// The contact form, answered by e-mail.
    pub const WEB_FORM: Channel = Channel::fixed("web_form");
    /// Pages and endpoints a customer uses on their own.
    pub const WEB: Channel = Channel::fixed("web");
    pub const CHAT: Channel = Channel::fixed("chat");

    const fn fixed(name: &'static str) -> Self {
        Channel(Cow::Borrowed(name))
    }

    pub fn new(name: impl Into<String>) -> Self {
        Channel(Cow::Owned(name.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The channel as people say it inside a sentence: `e-mail`, `contact form`, `in store`;
    /// a channel a benchmark file adds is its name with spaces for underscores.
    pub fn words(&self) -> Cow<'_, str> {
        match self.as_str() {
            "email" => "e-mail".into(),
            "web_form" => "contact form".into(),
            name if name.contains('_') => name.replace('_', " ").into(),
            name => name.into(),
        }
    }

    /// The channel as a heading or a table cell shows it: `E-mail`, `Contact form`.
    pub fn title(&self) -> String {
        crate::text::capitalised(&self.words())
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Channel {
    fn from(name: &str) -> Self {
        Channel::new(name)
    }
}

#[cfg(test)]
mod tests {
    use super::Channel;

    #[test]
    fn channels_read_as_words_not_keys() {
        assert_eq!(Channel::EMAIL.title(), "E-mail");
        assert_eq!(Channel::WEB_FORM.words(), "contact form");
        assert_eq!(Channel::new("in_store").title(), "In store");
        assert_eq!(Channel::new("phone").title(), "Phone");
    }
}
