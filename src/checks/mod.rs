//! The check kinds, one file each, registered explicitly in [`KINDS`].
//! A kind parses its own keys and collects observations; it holds no scoring
//! policy (that is `score`'s job).

pub mod contact_reach;
pub mod email;
pub mod exec;
pub mod http;
pub mod mystery_log;
pub mod questionnaire;
pub mod reviews;
pub mod web_form;

use toml_span::de_helpers::TableHelper;

use crate::audit::{CheckSpec, LoadContext};
use crate::category::Category;
use crate::check::{CheckError, CollectContext, Observation};

/// Reads a kind's keys from its `[[check]]` table. Returns the category the
/// check scores into and its parameters, or `None` after recording problems.
pub type ParseFn =
    fn(&mut TableHelper<'_>, &mut LoadContext<'_>) -> Option<(Category, CheckParams)>;

/// What a kind is, for `centricity checks` and for the loader.
#[derive(Debug)]
pub struct KindInfo {
    pub name: &'static str,
    pub summary: &'static str,
    /// `None` when the audit file says (plug-ins can measure anything).
    pub category: Option<Category>,
    /// The kind's own keys, besides `id`, `kind`, `title`, `weight`, `timeout`.
    pub keys: &'static [&'static str],
    pub motivation: &'static str,
    pub measures: &'static str,
    pub scoring: &'static str,
    pub improve: &'static str,
    pub parse: ParseFn,
}

/// Every kind the engine knows, in the order `centricity checks` lists them.
pub const KINDS: &[&KindInfo] = &[
    &http::KIND,
    &mystery_log::KIND,
    &email::KIND,
    &contact_reach::KIND,
    &web_form::KIND,
    &reviews::KIND,
    &questionnaire::KIND,
    &exec::KIND,
];

pub fn find_kind(name: &str) -> Option<&'static KindInfo> {
    KINDS.iter().copied().find(|k| k.name == name)
}

pub fn kind_names() -> String {
    KINDS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
}

/// A check's kind-specific settings, validated.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckParams {
    Http(http::Params),
    MysteryLog(mystery_log::Params),
    Email(email::Params),
    Reviews(reviews::Params),
    ContactReach(contact_reach::Params),
    WebForm(web_form::Params),
    Questionnaire(questionnaire::Params),
    Exec(exec::Params),
}

impl CheckParams {
    pub fn kind(&self) -> &'static KindInfo {
        match self {
            CheckParams::Http(_) => &http::KIND,
            CheckParams::MysteryLog(_) => &mystery_log::KIND,
            CheckParams::Email(_) => &email::KIND,
            CheckParams::Reviews(_) => &reviews::KIND,
            CheckParams::ContactReach(_) => &contact_reach::KIND,
            CheckParams::WebForm(_) => &web_form::KIND,
            CheckParams::Questionnaire(_) => &questionnaire::KIND,
            CheckParams::Exec(_) => &exec::KIND,
        }
    }

    /// Whether the check uses the network. Such checks save their observations,
    /// and `--offline` reads them back instead.
    pub fn networked(&self) -> bool {
        match self {
            CheckParams::Http(_)
            | CheckParams::Email(_)
            | CheckParams::ContactReach(_)
            | CheckParams::WebForm(_) => true,
            CheckParams::Reviews(p) => p
                .sources
                .iter()
                .any(|s| matches!(s, reviews::Source::Url(_))),
            CheckParams::MysteryLog(_) | CheckParams::Questionnaire(_) | CheckParams::Exec(_) => {
                false
            }
        }
    }

    /// Whether the check waits for replies to probes that `centricity probe send` sent.
    pub fn waits_for_replies(&self) -> bool {
        match self {
            CheckParams::Email(_) => true,
            CheckParams::WebForm(p) => p.reply_via.is_some(),
            _ => false,
        }
    }

    /// The channel the check measures, where it measures one.
    pub fn channel(&self) -> Option<&str> {
        match self {
            CheckParams::Http(p) => Some(&p.channel),
            CheckParams::MysteryLog(_)
            | CheckParams::Reviews(_)
            | CheckParams::ContactReach(_)
            | CheckParams::Questionnaire(_) => None,
            CheckParams::Email(_) => Some("email"),
            CheckParams::WebForm(_) => Some("web_form"),
            CheckParams::Exec(p) => p.channel.as_deref(),
        }
    }
}

/// Runs a check's collector.
pub async fn collect(spec: &CheckSpec, ctx: &CollectContext) -> Result<Observation, CheckError> {
    match &spec.params {
        CheckParams::Http(p) => http::collect(p, ctx).await.map(Observation::Http),
        CheckParams::MysteryLog(p) => Ok(Observation::MysteryLog {
            file: p.file.clone(),
            contacts: p.contacts.clone(),
        }),
        CheckParams::Email(p) => email::collect(p, ctx, "email")
            .await
            .map(Observation::Email),
        CheckParams::Reviews(p) => reviews::collect(p, ctx).await.map(Observation::Reviews),
        CheckParams::WebForm(p) => match p.reply_via.as_ref().and_then(|via| via.mail.as_deref()) {
            // `probe send` submitted the form; the audit reads the answer from the mailbox.
            Some(mail) => email::collect(mail, ctx, "web_form")
                .await
                .map(Observation::Email),
            None => web_form::collect(p, ctx).await.map(Observation::WebForm),
        },
        CheckParams::ContactReach(p) => contact_reach::collect(p, ctx)
            .await
            .map(Observation::ContactReach),
        CheckParams::Questionnaire(p) => Ok(Observation::Questionnaire(
            questionnaire::QuestionnaireObservation {
                rows: p.rows.clone(),
                files: p.files.clone(),
                notes: p.notes.clone(),
            },
        )),
        CheckParams::Exec(p) => exec::collect(p, ctx).await.map(Observation::Exec),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_unique_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for kind in KINDS {
            assert!(
                seen.insert(kind.name),
                "kind {} registered twice",
                kind.name
            );
            for (what, text) in [
                ("summary", kind.summary),
                ("motivation", kind.motivation),
                ("measures", kind.measures),
                ("scoring", kind.scoring),
                ("improve", kind.improve),
            ] {
                assert!(text.len() > 20, "kind {} has no real {what}", kind.name);
            }
        }
    }
}
