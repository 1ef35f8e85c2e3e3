//! `centricity probe classify FILE.eml…`: how saved messages read as replies, by the code the
//! audit uses.

use std::path::{Path, PathBuf};

use super::super::input_error;
use crate::audit;
use crate::exit::Exit;
use crate::kind::reply_probe::{self, signals};
use crate::report::sanitize::terminal;
use crate::store::{self, Probe};

/// Messages larger than this are not e-mail a person saved from a mail client.
const MAX_MESSAGE_BYTES: u64 = 50 * 1024 * 1024;

/// `centricity probe classify FILE.eml…`: how each message reads as a reply (class and
/// reasons), by the code the audit uses; with `--audit`, the probe of that audit it answers.
pub fn classify(
    files: &[PathBuf],
    audit_file: Option<&Path>,
    signals_file: Option<&Path>,
    store_url: Option<&str>,
) -> Exit {
    let (probes, audit_rules) = match audit_file.map(|file| probes_of(file, store_url)) {
        None => (Vec::new(), None),
        Some(Ok(found)) => found,
        Some(Err(exit)) => return exit,
    };
    let rules = match signals_file.map(signals::Rules::shipped_and) {
        Some(Ok(rules)) => std::sync::Arc::new(rules),
        Some(Err(err)) => return input_error(&err.to_string()),
        None => audit_rules.unwrap_or_else(|| signals::Rules::shared_shipped().clone()),
    };
    let mut out = String::new();
    for file in files {
        let raw = match read_message(file) {
            Ok(raw) => raw,
            Err(message) => return input_error(&message),
        };
        let Some((class, reasons, answered)) = reply_probe::judge(&raw, &probes, &rules) else {
            return input_error(&format!("{} is not an e-mail message", file.display()));
        };
        let line = format!(
            "{}: {} ({})",
            file.display(),
            class.describe(),
            reasons.join("; ")
        );
        out.push_str(&terminal(&line));
        out.push('\n');
        if audit_file.is_some() {
            let matched = answered.map_or_else(
                || "answers no probe of this audit".to_string(),
                |p| {
                    format!(
                        "answers probe {} of `{}` (sent to {} at {})",
                        p.token, p.check_id, p.sent_to, p.sent_at
                    )
                },
            );
            out.push_str(&format!("  {}\n", terminal(&matched)));
        }
    }
    print!("{out}");
    Exit::Ok
}

fn read_message(file: &Path) -> Result<Vec<u8>, String> {
    let size = std::fs::metadata(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?
        .len();
    if size > MAX_MESSAGE_BYTES {
        return Err(format!(
            "{} is {size} bytes: larger than any e-mail message",
            file.display()
        ));
    }
    std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))
}

/// Every probe the audit's checks sent, from its history store, and the reply signals of its
/// first email check.
type AuditProbes = (Vec<Probe>, Option<std::sync::Arc<signals::Rules>>);

fn probes_of(file: &Path, store_url: Option<&str>) -> Result<AuditProbes, Exit> {
    let audit = audit::load(file).map_err(|err| input_error(&err.to_string()))?;
    let url = store_url.map_or_else(|| store::default_url(&audit.dir), str::to_string);
    let mut store =
        store::open_to_read(&url).map_err(|e| crate::commands::history::store_error(&e))?;
    let rules = (audit.checks.iter())
        .find_map(|spec| spec.params.mailbox().map(|mail| mail.signals.clone()));
    let mut probes = Vec::new();
    for spec in audit.checks.iter().filter(|s| s.params.waits_for_replies()) {
        let sent = store
            .probes(audit.key(), Some(&spec.id))
            .map_err(|e| crate::commands::history::store_error(&e))?;
        probes.extend(sent);
    }
    Ok((probes, rules))
}
