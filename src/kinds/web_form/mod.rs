//! `web-form`: the contact form as a customer uses it. Fetches the page, fills
//! the configured fields, carries hidden inputs and cookies, submits, and
//! checks the confirmation. A CAPTCHA is reported, never worked around.

mod form;
mod probe;

pub use form::submit;
mod score;

use std::collections::BTreeMap;

use scraper::Selector;
use serde::{Deserialize, Serialize};
use toml_span::de_helpers::TableHelper;
use url::Url;

use crate::benchmarks::Benchmarks;
use crate::category::Category;
use crate::channel::Channel;
use crate::kind::reply_probe::{self, EmailObservation, Mailbox};
use crate::kind::{
    CheckError, CollectContext, Kind, KindCategory, KindInfo, LoadContext, OtherCheck, ProbeError,
    ProbeSent, Scored, Sent,
};
use crate::spanned::at;
use std::future::Future;
use toml_span::DeserError;

/// The `web-form` kind.
pub struct WebForm;

impl Kind for WebForm {
    const INFO: KindInfo = KindInfo {
        name: "web-form",
        summary: "The contact form, filled in and sent as a customer would, and its confirmation checked.",
        category: KindCategory::PerCheck(
            "`reach` (the form takes a message), or `responsiveness` with `reply_via` (a person's answer)",
        ),
        keys: &[
            "url",
            "fields (table)",
            "submit (CSS selector, optional)",
            "success_contains",
            "reply_via (an email check's id, optional)",
        ],
        motivation: "A contact form that errors, loses the message or hides behind a CAPTCHA turns a customer \
                     away at the moment they asked for help.",
        measures: "Fetches the contact page (robots.txt obeyed), fills the configured fields, keeps hidden \
                   inputs (CSRF tokens) and cookies, submits once, and looks for the confirmation text. Metrics \
                   submit_status, confirmation_s. The submission is a probe, recorded in the history store: later \
                   audits read it back from the saved evidence until `probe send` or `audit --resubmit` submits again. With `reply_via`, `centricity probe send` submits the form \
                   with `{reply_to}` (a tagged plus-address of that e-mail check) and each audit times the answer \
                   in its mailbox like an e-mail: web_form.first_human_response_median, web_form.response_rate.",
        scoring: "Without `reply_via`, the form's own answer is a machine's: it proves the form works, so it \
                  scores into `reach` (ease of reaching customer service), never as a person answering. Confirmed: \
                  100. Sent but no confirmation text: 50 (the customer cannot tell it worked). Refused or failed: 0. \
                  With `reply_via`, the check is the web_form channel of `responsiveness`, scored by the time until \
                  a person's e-mail answer like an e-mail probe. A CAPTCHA is not bypassed: the check is not \
                  applicable, with a finding.",
        improve: "Keep the form short, confirm on screen what happens next and when, and send an automatic \
                  acknowledgement with a reference.",
        report_note: None,
        file_columns: &[],
        findings: &[
            &[
                crate::verdict::Code::AutomaticConfirmationOnly,
                crate::verdict::Code::NoConfirmation,
                crate::verdict::Code::FormBehindChallenge,
                crate::verdict::Code::FormRejected,
            ],
            crate::kind::REPLY_PROBE_CODES,
        ],
    };
    type Params = Params;
    type Observation = FormAnswer;

    fn parse(th: &mut TableHelper<'_>, ctx: &mut LoadContext<'_>) -> Option<(Category, Params)> {
        parse(th, ctx)
    }

    fn collect(
        params: &Params,
        ctx: &CollectContext,
    ) -> impl Future<Output = Result<FormAnswer, CheckError>> + Send {
        collect_answer(params, ctx)
    }

    fn score(_params: &Params, observation: &FormAnswer, benchmarks: &Benchmarks) -> Scored {
        match observation {
            FormAnswer::Page(page) => score::score(page),
            FormAnswer::Mail(mail) => reply_probe::score::score(mail, benchmarks),
        }
    }

    fn networked(_params: &Params) -> bool {
        true
    }

    fn channel(_params: &Params) -> Option<Channel> {
        Some(Channel::WEB_FORM)
    }

    fn submits(params: &Params) -> bool {
        // With `reply_via`, `probe send` submits, and audits read the mailbox.
        params.reply_via.is_none()
    }

    fn sent(observation: &FormAnswer) -> Option<Sent> {
        match observation {
            FormAnswer::Page(page) => page.submitted_at.map(|at| Sent {
                to: page.action.clone(),
                at,
            }),
            FormAnswer::Mail(_) => None,
        }
    }

    fn waits_for_replies(params: &Params) -> bool {
        params.reply_via.is_some()
    }

    async fn send_probe(
        params: &Params,
        token: &str,
        ctx: &CollectContext,
    ) -> Option<Result<ProbeSent, ProbeError>> {
        let mail = params.reply_via.as_ref()?.mail.as_deref()?;
        let note = probe::send(params, mail, token, ctx).await;
        Some(note.map(|note| ProbeSent {
            sent_to: params.url.to_string(),
            message_id: String::new(),
            note,
        }))
    }

    fn link<'a>(
        params: &mut Params,
        other: &dyn Fn(&str) -> OtherCheck<'a>,
    ) -> Result<(), DeserError> {
        link_reply_via(params, other)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub url: Url,
    pub fields: BTreeMap<String, String>,
    pub submit: Option<String>,
    pub success_contains: Option<String>,
    pub reply_via: Option<ReplyVia>,
}

/// The `email` check whose mailbox receives the form's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyVia {
    pub check_id: String,
    /// Where `reply_via` is written, for messages about it.
    pub span: toml_span::Span,
    /// That check's mailbox, linked once the whole file is read.
    pub mail: Option<Box<Mailbox>>,
}

/// Placeholders a field may hold, filled when `probe send` submits the form.
pub const REPLY_TO: &str = "{reply_to}";
pub const TOKEN: &str = "{token}";

fn parse(th: &mut TableHelper<'_>, _ctx: &mut LoadContext<'_>) -> Option<(Category, Params)> {
    let url = th.required_s::<String>("url").ok();
    let submit = th.optional_s::<String>("submit");
    let success_contains = th.optional::<String>("success_contains");
    let reply_via = th.optional_s::<String>("reply_via");
    let mut fields = BTreeMap::new();
    let mut fields_at = toml_span::Span::default();
    if let Some((key, mut table)) = th.take("fields") {
        fields_at = key.span;
        crate::spanned::read_table(&mut table, &mut th.errors, |ft| {
            let names: Vec<String> = ft.table.keys().map(|k| k.name.to_string()).collect();
            for name in names {
                if let Some(value) = ft
                    .table
                    .remove(name.as_str())
                    .and_then(|v| v.as_str().map(str::to_string))
                {
                    fields.insert(name, value);
                }
            }
        });
    }
    if let Some(s) = &submit
        && Selector::parse(&s.value).is_err()
    {
        th.errors
            .extend(at(format!("`{}` is not a CSS selector", s.value), s).errors);
    }
    let asks_reply = fields.values().any(|v| v.contains(REPLY_TO));
    match &reply_via {
        Some(via) if !asks_reply => th.errors.extend(
            at(
                format!("with `reply_via`, a field must be \"{REPLY_TO}\": the address the answer comes back to"),
                via,
            )
            .errors,
        ),
        None if asks_reply || fields.values().any(|v| v.contains(TOKEN)) => th.errors.extend(
            at(
                format!("{REPLY_TO} and {TOKEN} are filled only for a form with `reply_via`"),
                &toml_span::Spanned { value: (), span: fields_at },
            )
            .errors,
        ),
        _ => {}
    }
    let url = url.and_then(|u| match Url::parse(&u.value) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Some(parsed),
        _ => {
            th.errors
                .extend(at(format!("`{}` is not an http(s) URL", u.value), &u).errors);
            None
        }
    });
    // A confirmation page is the site answering, not a person: only the answer a person sends
    // (`reply_via`) measures responsiveness.
    let category = if reply_via.is_some() {
        Category::Responsiveness
    } else {
        Category::Reach
    };
    Some((
        category,
        Params {
            url: url?,
            fields,
            submit: submit.map(|s| s.value),
            success_contains,
            reply_via: reply_via.map(|via| ReplyVia {
                check_id: via.value,
                span: via.span,
                mail: None,
            }),
        },
    ))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum FormOutcome {
    /// Sent; `confirmed` when the confirmation text was found (None when none was asked for).
    Sent {
        status: u16,
        final_url: String,
        confirmation_s: f64,
        confirmed: Option<bool>,
        excerpt: String,
    },
    Captcha {
        kind: String,
    },
    Refused {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormObservation {
    /// When the form was submitted (absent in evidence saved before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub page: String,
    pub action: String,
    /// Field names sent (values are not kept: they may hold the auditor's address).
    pub fields_sent: Vec<String>,
    pub outcome: FormOutcome,
}

/// What a form check saw: the form's own answer page, or, for a form whose answer comes by
/// e-mail (`reply_via`), the replies in that mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FormAnswer {
    Page(FormObservation),
    Mail(EmailObservation),
}

/// Submits the form, or, when `probe send` submitted it, reads the answer from the mailbox.
async fn collect_answer(params: &Params, ctx: &CollectContext) -> Result<FormAnswer, CheckError> {
    match params
        .reply_via
        .as_ref()
        .and_then(|via| via.mail.as_deref())
    {
        Some(mail) => reply_probe::collect(mail, ctx, Channel::WEB_FORM)
            .await
            .map(FormAnswer::Mail),
        None => submit(params, &params.fields, ctx)
            .await
            .map(FormAnswer::Page),
    }
}

/// Gives a form with `reply_via` the settings of the `email` check it names. A name of a
/// check that failed to load is left alone: that check's own problems are shown.
fn link_reply_via<'a>(
    params: &mut Params,
    other: &dyn Fn(&str) -> OtherCheck<'a>,
) -> Result<(), DeserError> {
    let Some(via) = &mut params.reply_via else {
        return Ok(());
    };
    let problem = match other(&via.check_id) {
        OtherCheck::Loaded { mailbox } => match mailbox {
            Some(mail) => {
                via.mail = Some(Box::new(mail.clone()));
                return Ok(());
            }
            None => format!(
                "`reply_via` names `{}`, which is not an `email` check",
                via.check_id
            ),
        },
        OtherCheck::Unloadable => return Ok(()),
        OtherCheck::Missing => format!(
            "`reply_via` names `{}`, but no check has that id",
            via.check_id
        ),
    };
    Err(at(
        problem,
        &toml_span::Spanned {
            value: (),
            span: via.span,
        },
    ))
}

#[cfg(test)]
mod tests {
    use scraper::Html;

    use super::form::{find_form, form_values};

    #[test]
    fn a_form_sends_what_a_browser_would() {
        let html = Html::parse_document(
            r#"<form>
                <input type="hidden" name="csrf" value="t1">
                <input name="locked" value="x" disabled>
                <input type="checkbox" name="consent" checked>
                <input type="checkbox" name="newsletter" value="yes">
                <input type="radio" name="via" value="mail">
                <input type="radio" name="via" value="phone" checked>
                <select name="topic"><option value="a">A</option><option value="b" selected>B</option></select>
                <select name="country"><option> Belgium </option><option>France</option></select>
                <textarea name="message">Hi</textarea>
                <input type="submit" name="go" value="Send">
            </form>"#,
        );
        let form = find_form(&html, None).unwrap();
        let values = form_values(form);
        let sent: Vec<(&str, &str)> = values
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            sent,
            [
                ("csrf", "t1"),
                ("consent", "on"),
                ("via", "phone"),
                ("topic", "b"),
                ("country", "Belgium"),
                ("message", "Hi"),
            ]
        );
    }
}
