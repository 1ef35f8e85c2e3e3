//! `centricity probe send`: starts the probes that wait for replies — each
//! `email` check's question, each `web-form` with `reply_via` — tagged so
//! their replies can be found, and records them in the history store, where
//! every later `centricity audit` looks for what came back.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use super::audit::input_error;
use crate::audit::{self, Audit, CheckSpec};
use crate::exit::Exit;
use crate::kind::CollectContext;
use crate::kinds::web_form::{self, FormOutcome, REPLY_TO, TOKEN};
use crate::kinds::{CheckParams, email};
use crate::net::mail::{self, Outgoing};
use crate::store::{self, Probe, RunStore};

pub fn send(
    file: &std::path::Path,
    check: Option<&str>,
    store_url: Option<&str>,
    quiet: bool,
) -> Exit {
    send_all(file, check, store_url, quiet).unwrap_or_else(|exit| exit)
}

/// `Err` is the exit code of a problem found before anything was sent (already said on stderr).
fn send_all(
    file: &std::path::Path,
    check: Option<&str>,
    store_url: Option<&str>,
    quiet: bool,
) -> Result<Exit, Exit> {
    let audit = audit::load(file).map_err(|err| input_error(&err.to_string()))?;
    let targets = probe_checks(&audit, check).map_err(|message| input_error(&message))?;
    let url = store_url.map_or_else(|| store::default_url(&audit.dir), str::to_string);
    store::check_url(&url).map_err(|e| input_error(&e.to_string()))?;
    // The store is opened before anything is sent: a probe nobody records is a question wasted.
    let mut store = store::open(&url).map_err(|e| {
        eprintln!("error: {e}");
        Exit::Runtime
    })?;
    let runtime = super::runtime(false)?;
    let mut failed = false;
    for spec in targets {
        let sent = runtime
            .block_on(start(&audit, spec))
            .and_then(|(probe, note)| record(store.as_mut(), &probe).map(|()| (probe, note)));
        match sent {
            Ok((probe, note)) => {
                if !quiet {
                    println!(
                        "{}: sent probe {} to {}{note}; replies are read by `centricity audit`",
                        spec.id, probe.token, probe.sent_to
                    );
                }
            }
            Err(message) => {
                eprintln!("error: {}: {message}", spec.id);
                failed = true;
            }
        }
    }
    Ok(if failed { Exit::Runtime } else { Exit::Ok })
}

/// The checks to start probes for: the one `--check` names, or every one that waits for replies.
fn probe_checks<'a>(audit: &'a Audit, check: Option<&str>) -> Result<Vec<&'a CheckSpec>, String> {
    let targets: Vec<&CheckSpec> = audit
        .checks
        .iter()
        .filter(|spec| spec.params.waits_for_replies())
        .filter(|spec| check.is_none_or(|id| spec.id == id))
        .collect();
    if !targets.is_empty() {
        return Ok(targets);
    }
    let file = audit.file.display();
    Err(match check {
        Some(id) if audit.checks.iter().any(|c| c.id == id) => format!(
            "check `{id}` in {file} sends no probe: only `email` checks and `web-form` checks with `reply_via` do"
        ),
        Some(id) => format!("no check `{id}` in {file}"),
        None => format!(
            "{file} has no check that sends a probe (`email`, or `web-form` with `reply_via`)"
        ),
    })
}

/// Sends one probe; returns it, with a note for the person running the command.
async fn start(audit: &Audit, spec: &CheckSpec) -> Result<(Probe, String), String> {
    let token = new_token();
    let probe = |message_id: String, sent_to: String| Probe {
        audit: audit.name.clone(),
        check_id: spec.id.clone(),
        token: token.clone(),
        message_id,
        sent_to,
        sent_at: chrono::Local::now().fixed_offset(),
    };
    match &spec.params {
        CheckParams::Email(params) => {
            let sent = probe(String::new(), params.to.clone());
            let message_id = send_email(params, &token).await?;
            Ok((Probe { message_id, ..sent }, String::new()))
        }
        CheckParams::WebForm(params) => {
            let mail = params
                .reply_via
                .as_ref()
                .and_then(|via| via.mail.as_deref())
                .ok_or("the form has no `reply_via` mailbox")?;
            let sent = probe(String::new(), params.url.to_string());
            let note = submit_form(audit, spec, params, mail, &token).await?;
            Ok((sent, note))
        }
        _ => Err("this kind sends no probe".into()),
    }
}

/// E-mails the question with the token in the subject, a plus-address to reply to and our own
/// Message-ID, the three ways a reply is matched. Returns the Message-ID.
async fn send_email(params: &email::Params, token: &str) -> Result<String, String> {
    let (local, domain) = split_address(&params.from);
    let message_id = format!("<centricity.{token}@{domain}>");
    let outgoing = Outgoing {
        from: &params.from,
        reply_to: &format!("{local}+{token}@{domain}"),
        to: &params.to,
        subject: &format!("{} [ref {token}]", params.subject),
        body: &params.body,
        message_id: &message_id,
    };
    mail::send(&params.smtp, &outgoing).await?;
    Ok(message_id)
}

/// Submits the form once with `{reply_to}` and `{token}` filled; a form that does not take the
/// message is an error, and no probe is recorded for it.
async fn submit_form(
    audit: &Audit,
    spec: &CheckSpec,
    params: &web_form::Params,
    mail: &email::Params,
    token: &str,
) -> Result<String, String> {
    let (local, domain) = split_address(&mail.from);
    let reply_to = format!("{local}+{token}@{domain}");
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
    let ctx = CollectContext::standalone(
        &spec.id,
        audit.dir.clone(),
        audit.evidence_dir.clone(),
        Duration::from_secs(60),
    );
    let observation = web_form::submit(params, &fields, &ctx)
        .await
        .map_err(|e| e.to_string())?;
    match observation.outcome {
        FormOutcome::Sent {
            confirmed: Some(false),
            ..
        } => Ok(" (sent, but the page did not show the expected confirmation)".into()),
        FormOutcome::Sent { .. } => Ok(format!(" (answers go to {reply_to})")),
        FormOutcome::Captcha { kind } => Err(format!(
            "the form is behind a {kind} challenge: submit it by hand and log the reply in the mystery-shopping log"
        )),
        FormOutcome::Refused { reason } => {
            Err(format!("the form did not take the message: {reason}"))
        }
    }
}

fn record(store: &mut dyn RunStore, probe: &Probe) -> Result<(), String> {
    store.record_probe(probe).map_err(|e| {
        format!(
            "probe {} was sent but not recorded ({e}); its replies will not be counted",
            probe.token
        )
    })
}

/// `local@domain` split for plus-addressing (validated as containing `@` when the file loaded).
fn split_address(address: &str) -> (&str, &str) {
    address.rsplit_once('@').unwrap_or((address, "localhost"))
}

/// A tag no earlier probe has: time, process and the standard library's random hash seed.
fn new_token() -> String {
    let mut hasher = std::hash::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.write_u32(std::process::id());
    format!("cx{:012x}", hasher.finish() & 0xffff_ffff_ffff)
}
