//! `centricity probe send`: sends each `email` check's question, tagged so its
//! replies can be found, and records it in the history store, where every
//! later `centricity audit` looks for what came back.

use std::hash::{BuildHasher, Hasher};

use super::audit::input_error;
use crate::audit::{self, Audit, CheckSpec};
use crate::checks::CheckParams;
use crate::checks::email::Params;
use crate::exit::Exit;
use crate::net::mail::{self, Outgoing};
use crate::store::{self, Probe, RunStore};

pub fn send(
    file: &std::path::Path,
    check: Option<&str>,
    store_url: Option<&str>,
    quiet: bool,
) -> Exit {
    let audit = match audit::load(file) {
        Ok(audit) => audit,
        Err(err) => return input_error(&err.to_string()),
    };
    let targets = match email_checks(&audit, check) {
        Ok(targets) => targets,
        Err(message) => return input_error(&message),
    };
    let url = store_url.map_or_else(|| store::default_url(&audit.dir), str::to_string);
    if let Err(e) = store::check_url(&url) {
        return input_error(&e.to_string());
    }
    // The store is opened before anything is sent: a probe nobody records is a question wasted.
    let mut store = match store::open(&url) {
        Ok(store) => store,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Runtime;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return Exit::Runtime;
        }
    };
    let mut failed = false;
    for (spec, params) in targets {
        match send_one(&runtime, store.as_mut(), &audit, spec, params) {
            Ok(probe) => {
                if !quiet {
                    println!(
                        "{}: sent probe {} to {}; replies are read by `centricity audit` for {}",
                        spec.id,
                        probe.token,
                        probe.sent_to,
                        humantime::format_duration(params.wait)
                    );
                }
            }
            Err(message) => {
                eprintln!("error: {}: {message}", spec.id);
                failed = true;
            }
        }
    }
    if failed { Exit::Runtime } else { Exit::Ok }
}

/// The `email` checks to send for: the one `--check` names, or all of them.
fn email_checks<'a>(
    audit: &'a Audit,
    check: Option<&str>,
) -> Result<Vec<(&'a CheckSpec, &'a Params)>, String> {
    let emails: Vec<(&CheckSpec, &Params)> = audit
        .checks
        .iter()
        .filter_map(|spec| match &spec.params {
            CheckParams::Email(params) => Some((spec, params)),
            _ => None,
        })
        .filter(|(spec, _)| check.is_none_or(|id| spec.id == id))
        .collect();
    if !emails.is_empty() {
        return Ok(emails);
    }
    Err(match check {
        Some(id) if audit.checks.iter().any(|c| c.id == id) => {
            format!(
                "check `{id}` in {} is not an `email` check: only those send probes",
                audit.file.display()
            )
        }
        Some(id) => format!("no check `{id}` in {}", audit.file.display()),
        None => format!(
            "{} has no `email` check to send a probe for",
            audit.file.display()
        ),
    })
}

fn send_one(
    runtime: &tokio::runtime::Runtime,
    store: &mut dyn RunStore,
    audit: &Audit,
    spec: &CheckSpec,
    params: &Params,
) -> Result<Probe, String> {
    let token = new_token();
    let (local, domain) = params
        .from
        .rsplit_once('@')
        .unwrap_or((&params.from, "localhost"));
    let message_id = format!("<centricity.{token}@{domain}>");
    let reply_to = format!("{local}+{token}@{domain}");
    let subject = format!("{} [ref {token}]", params.subject);
    let outgoing = Outgoing {
        from: &params.from,
        reply_to: &reply_to,
        to: &params.to,
        subject: &subject,
        body: &params.body,
        message_id: &message_id,
    };
    let sent_at = chrono::Local::now().fixed_offset();
    runtime.block_on(mail::send(&params.smtp, &outgoing))?;
    let probe = Probe {
        audit: audit.name.clone(),
        check_id: spec.id.clone(),
        token,
        message_id,
        sent_to: params.to.clone(),
        sent_at,
    };
    store.record_probe(&probe).map_err(|e| {
        format!(
            "probe {} was sent but not recorded ({e}); its replies will not be counted",
            probe.token
        )
    })?;
    Ok(probe)
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
