//! `web-form`: the contact form as a customer uses it. Fetches the page, fills
//! the configured fields, carries hidden inputs and cookies, submits, and
//! checks the confirmation. A CAPTCHA is reported, never worked around.

mod probe;
mod score;

use std::collections::BTreeMap;
use std::time::Instant;

use scraper::{ElementRef, Html, Selector};
use serde::{Deserialize, Serialize};
use toml_span::de_helpers::TableHelper;
use url::Url;

use super::email;
use crate::benchmarks::Benchmarks;
use crate::category::Category;
use crate::channel::Channel;
use crate::kind::{
    CheckError, CollectContext, Kind, KindCategory, KindInfo, LoadContext, OtherCheck, ProbeSent,
    Scored,
};
use crate::net::fetch::{Fetched, Fetcher, Policy, Submission};
use crate::spanned::at;
use std::future::Future;
use toml_span::DeserError;

/// The `web-form` kind.
pub struct WebForm;

impl Kind for WebForm {
    const INFO: KindInfo = KindInfo {
        name: "web-form",
        summary: "The contact form, filled in and sent as a customer would, and its confirmation checked.",
        category: KindCategory::Fixed(Category::Responsiveness),
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
                   submit_status, confirmation_s. With `reply_via`, `centricity probe send` submits the form \
                   with `{reply_to}` (a tagged plus-address of that e-mail check) and each audit times the answer \
                   in its mailbox like an e-mail: web_form.first_human_response_median, web_form.response_rate.",
        scoring: "Confirmed: 100. Sent but no confirmation text: 50 (the customer cannot tell it worked). \
                  Refused or failed: 0. A CAPTCHA is not bypassed: the check is not applicable, with a finding.",
        improve: "Keep the form short, confirm on screen what happens next and when, and send an automatic \
                  acknowledgement with a reference.",
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
            FormAnswer::Mail(mail) => email::score::score(mail, benchmarks),
        }
    }

    fn networked(_params: &Params) -> bool {
        true
    }

    fn channel(_params: &Params) -> Option<Channel> {
        Some(Channel::WEB_FORM)
    }

    fn waits_for_replies(params: &Params) -> bool {
        params.reply_via.is_some()
    }

    async fn send_probe(
        params: &Params,
        token: &str,
        ctx: &CollectContext,
    ) -> Option<Result<ProbeSent, String>> {
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
    /// That check's settings, linked once the whole file is read.
    pub mail: Option<Box<email::Params>>,
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
    if let Some(s) = &submit {
        if Selector::parse(&s.value).is_err() {
            th.errors
                .extend(at(format!("`{}` is not a CSS selector", s.value), s).errors);
        }
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
    Some((
        Category::Responsiveness,
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
    pub page: String,
    pub action: String,
    /// Field names sent (values are not kept: they may hold the auditor's address).
    pub fields_sent: Vec<String>,
    pub outcome: FormOutcome,
}

const CAPTCHAS: &[(&str, &str)] = &[
    ("g-recaptcha", "reCAPTCHA"),
    ("h-captcha", "hCaptcha"),
    ("cf-turnstile", "Turnstile"),
    ("frc-captcha", "Friendly Captcha"),
];

/// What a form check saw: the form's own answer page, or, for a form whose answer comes by
/// e-mail (`reply_via`), the replies in that mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FormAnswer {
    Page(FormObservation),
    Mail(email::EmailObservation),
}

/// Submits the form, or, when `probe send` submitted it, reads the answer from the mailbox.
async fn collect_answer(params: &Params, ctx: &CollectContext) -> Result<FormAnswer, CheckError> {
    match params
        .reply_via
        .as_ref()
        .and_then(|via| via.mail.as_deref())
    {
        Some(mail) => email::collect(mail, ctx, Channel::WEB_FORM)
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
        OtherCheck::Loaded(params) => match params.downcast_ref::<email::Params>() {
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

/// Sends the form once with `fields` (the configured ones, or with placeholders filled).
pub async fn submit(
    params: &Params,
    fields: &BTreeMap<String, String>,
    ctx: &CollectContext,
) -> Result<FormObservation, CheckError> {
    let fetcher = Fetcher::new(Policy {
        delay: std::time::Duration::from_millis(200),
        retries: 0,
        deadline: Some(ctx.deadline),
        ..Policy::default()
    })
    .map_err(CheckError::Network)?;
    let mut page = match fetcher.get(&params.url).await {
        Fetched::Page(page) if (200..300).contains(&page.status) => page,
        Fetched::Page(page) => {
            return Err(CheckError::Network(format!(
                "the contact page answered HTTP {}",
                page.status
            )));
        }
        Fetched::Disallowed { reason }
        | Fetched::Blocked { reason }
        | Fetched::Failed { reason } => {
            return Err(CheckError::Network(reason));
        }
    };
    let base = Url::parse(&page.final_url).unwrap_or_else(|_| params.url.clone());
    // Parsing a stranger's page is CPU work: off the async workers (the parsed page is not
    // Send anyway, so everything is read from it there).
    // The body moves to the parse (a page can be megabytes); the rest of the page stays here.
    let (body, content_type) = (std::mem::take(&mut page.body), page.content_type.clone());
    let (submit, fields) = (params.submit.clone(), fields.clone());
    let prepared = crate::kind::off_workers(move || {
        let (text, _) = crate::extract::charset::decode(body, content_type.as_deref());
        prepare(&text, &base, submit.as_deref(), &fields)
    });
    let (action, post, values) = match prepared.await?? {
        Prepared::Form {
            action,
            post,
            values,
        } => (action, post, values),
        Prepared::Captcha(kind) => {
            return Ok(FormObservation {
                page: page.final_url,
                action: String::new(),
                fields_sent: Vec::new(),
                outcome: FormOutcome::Captcha { kind },
            });
        }
    };
    let fields_sent = values.iter().map(|(n, _)| n.clone()).collect();
    let started = Instant::now();
    tracing::debug!(check = %ctx.check_id, %action, "submitting the contact form");
    let outcome = match fetcher
        .submit(
            &action,
            &Submission {
                form: values,
                cookies: page.cookies.clone(),
                post,
            },
        )
        .await
    {
        Fetched::Page(reply) if (200..400).contains(&reply.status) => {
            let visible = crate::kind::off_workers(move || {
                let (body, _) =
                    crate::extract::charset::decode(reply.body, reply.content_type.as_deref());
                crate::extract::visible_text(&body)
            })
            .await?;
            let confirmed = params
                .success_contains
                .as_ref()
                .map(|needle| visible.to_lowercase().contains(&needle.to_lowercase()));
            FormOutcome::Sent {
                status: reply.status,
                final_url: reply.final_url,
                confirmation_s: started.elapsed().as_secs_f64(),
                confirmed,
                excerpt: visible.chars().take(160).collect(),
            }
        }
        Fetched::Page(reply) => FormOutcome::Refused {
            reason: format!("the form answered HTTP {}", reply.status),
        },
        Fetched::Disallowed { reason }
        | Fetched::Blocked { reason }
        | Fetched::Failed { reason } => FormOutcome::Refused { reason },
    };
    Ok(FormObservation {
        page: page.final_url,
        action: action.to_string(),
        fields_sent,
        outcome,
    })
}

enum Prepared {
    Form {
        action: Url,
        post: bool,
        values: Vec<(String, String)>,
    },
    Captcha(String),
}

/// Finds the form, spots a CAPTCHA, and fills the configured fields over the page's own values.
fn prepare(
    text: &str,
    base: &Url,
    submit: Option<&str>,
    fields: &BTreeMap<String, String>,
) -> Result<Prepared, CheckError> {
    let html = crate::extract::html::parse(text).html;
    let form = find_form(&html, submit)
        .ok_or_else(|| CheckError::Network(format!("no contact form on {base}")))?;
    let form_html = form.html().to_lowercase();
    if let Some((_, kind)) = CAPTCHAS
        .iter()
        .find(|(marker, _)| form_html.contains(marker) || text.contains(marker))
    {
        return Ok(Prepared::Captcha((*kind).to_string()));
    }
    let mut values = form_values(form);
    for (name, value) in fields {
        match values.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1.clone_from(value),
            None => {
                return Err(CheckError::Network(format!(
                    "the form has no field `{name}`"
                )));
            }
        }
    }
    let action = form
        .attr("action")
        .and_then(|a| base.join(a).ok())
        .unwrap_or_else(|| base.clone());
    let post = !form
        .attr("method")
        .is_some_and(|m| m.eq_ignore_ascii_case("get"));
    Ok(Prepared::Form {
        action,
        post,
        values,
    })
}

/// The form named by `submit` (the form itself or one containing it), else the first with a message box.
fn find_form<'a>(html: &'a Html, submit: Option<&str>) -> Option<ElementRef<'a>> {
    let forms = Selector::parse("form").ok()?;
    if let Some(selector) = submit.and_then(|s| Selector::parse(s).ok()) {
        return html.select(&forms).find(|f| {
            f.select(&selector).next().is_some() || html.select(&selector).any(|m| m.id() == f.id())
        });
    }
    let textarea = Selector::parse("textarea").ok()?;
    html.select(&forms)
        .find(|f| f.select(&textarea).next().is_some())
}

/// Every named field with the value a browser would send untouched (hidden tokens included):
/// disabled fields and unchecked boxes stay out, a select sends its selected (else first) option.
fn form_values(form: ElementRef<'_>) -> Vec<(String, String)> {
    let fields = Selector::parse("input[name], textarea[name], select[name]")
        .unwrap_or_else(|_| unreachable!("static selector"));
    let option = Selector::parse("option").unwrap_or_else(|_| unreachable!("static selector"));
    let mut values = Vec::new();
    for field in form.select(&fields) {
        if field.attr("disabled").is_some() {
            continue;
        }
        let name = field.attr("name").unwrap_or_default().to_string();
        let value = match field.value().name() {
            "textarea" => field.text().collect(),
            "select" => {
                let chosen = field
                    .select(&option)
                    .find(|o| o.attr("selected").is_some())
                    .or_else(|| field.select(&option).next());
                // An option without a value attribute sends its text.
                chosen
                    .map(|o| {
                        o.attr("value").map_or_else(
                            || o.text().collect::<String>().trim().to_string(),
                            str::to_string,
                        )
                    })
                    .unwrap_or_default()
            }
            _ => {
                let kind = field.attr("type").unwrap_or("text").to_ascii_lowercase();
                let checkable = matches!(kind.as_str(), "checkbox" | "radio");
                if matches!(
                    kind.as_str(),
                    "submit" | "button" | "file" | "image" | "reset"
                ) || (checkable && field.attr("checked").is_none())
                {
                    continue;
                }
                let default = if checkable { "on" } else { "" };
                field.attr("value").unwrap_or(default).to_string()
            }
        };
        values.push((name, value));
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

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
