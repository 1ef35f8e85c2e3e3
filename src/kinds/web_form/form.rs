//! Filling and sending a form as a browser would: hidden inputs and cookies kept, fields
//! matched by name, CAPTCHAs reported and never bypassed.

use std::collections::BTreeMap;
use std::time::Instant;

use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::{FormObservation, FormOutcome, Params};
use crate::kind::{CheckError, CollectContext};
use crate::net::fetch::{Fetched, Fetcher, Policy, Submission};
use crate::verdict::ErrorCode;

const CAPTCHAS: &[(&str, &str)] = &[
    ("g-recaptcha", "reCAPTCHA"),
    ("h-captcha", "hCaptcha"),
    ("cf-turnstile", "Turnstile"),
    ("frc-captcha", "Friendly Captcha"),
];

/// Sends the form once with `fields` (the configured ones, or with placeholders filled).
pub async fn submit(
    params: &Params,
    fields: &BTreeMap<String, String>,
    ctx: &CollectContext,
) -> Result<FormObservation, CheckError> {
    let fetcher = Fetcher::new(Policy {
        delay: std::time::Duration::from_millis(200),
        retries: 0,
        budget: Some(ctx.budget),
        ..Policy::default()
    })
    .map_err(|e| CheckError::failed(ErrorCode::Network, e))?;
    let mut page = match fetcher.get(&params.url).await {
        Fetched::Page(page) if (200..300).contains(&page.status) => page,
        Fetched::Page(page) => {
            return Err(CheckError::failed(
                ErrorCode::HttpStatus,
                format!("the contact page answered HTTP {}", page.status),
            ));
        }
        failed => {
            return Err(CheckError::fetch(&failed).unwrap_or_else(|| {
                CheckError::failed(ErrorCode::Network, "the contact page was not read")
            }));
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
                submitted_at: None,
                page: page.final_url,
                action: String::new(),
                fields_sent: Vec::new(),
                outcome: FormOutcome::Captcha { kind },
            });
        }
    };
    let fields_sent = values.iter().map(|(n, _)| n.clone()).collect();
    let submitted_at = chrono::Local::now().fixed_offset();
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
        | Fetched::Blocked { reason, .. }
        | Fetched::Failed { reason, .. } => FormOutcome::Refused { reason },
    };
    Ok(FormObservation {
        submitted_at: Some(submitted_at),
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
    let form = find_form(&html, submit).ok_or_else(|| {
        CheckError::failed(ErrorCode::ParseError, format!("no contact form on {base}"))
    })?;
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
                return Err(CheckError::failed(
                    ErrorCode::InvalidInput,
                    format!("the form has no field `{name}`"),
                ));
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
pub(super) fn find_form<'a>(html: &'a Html, submit: Option<&str>) -> Option<ElementRef<'a>> {
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
pub(super) fn form_values(form: ElementRef<'_>) -> Vec<(String, String)> {
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
