//! `history prune`, `export` and `import`: runs out of and into a store.

use std::collections::BTreeMap;

use super::store_error;
use crate::commands::input_error;
use crate::exit::Exit;
use crate::report::sanitize::terminal;
use crate::store::{self, ExportedRun, ImportError, RunStore};

pub(super) fn prune(
    store: &mut dyn RunStore,
    keep: Option<usize>,
    older_than: Option<std::time::Duration>,
) -> Exit {
    if keep.is_none() && older_than.is_none() {
        eprintln!("error: say what to prune: --keep N and/or --older-than 180d");
        return Exit::InvalidInput;
    }
    let cutoff = older_than.map(|d| {
        let age = chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
        (chrono::Utc::now() - age).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    });
    match store.prune(keep, cutoff.as_deref()) {
        Ok(n) => {
            eprintln!("pruned {n} run(s)");
            Exit::Ok
        }
        Err(e) => store_error(&e),
    }
}

pub(super) fn export(store: &mut dyn RunStore) -> Exit {
    let runs = match store.runs(None) {
        Ok(r) => r,
        Err(e) => return store_error(&e),
    };
    // An audit's probes ride on its last line, so the store they move to can time replies.
    let last_of_audit: BTreeMap<&str, i64> =
        runs.iter().map(|r| (r.audit.as_str(), r.id)).collect();
    let mut out = std::io::stdout().lock();
    for run in &runs {
        let line = (|| {
            let probes = if last_of_audit.get(run.audit.as_str()) == Some(&run.id) {
                store.probes(&run.audit, None)?
            } else {
                Vec::new()
            };
            Ok(ExportedRun {
                context: store.context(run.id)?,
                report: store.report(run.id)?,
                probes,
            })
        })();
        match line {
            Ok(line) => {
                let _ = std::io::Write::write_all(
                    &mut out,
                    (serde_json::to_string(&line).unwrap_or_default() + "\n").as_bytes(),
                );
            }
            Err(e) => return store_error(&e),
        }
    }
    Exit::Ok
}

pub(super) fn import(store: &mut dyn RunStore, file: &std::path::Path) -> Exit {
    let Ok(reader) = std::fs::File::open(file).map(std::io::BufReader::new) else {
        eprintln!("error: cannot read {}", file.display());
        return Exit::InvalidInput;
    };
    // One line the size of the largest local table: a run is far smaller.
    let cap = crate::input::TABLE;
    let max_line = match cap.bytes() {
        Ok(bytes) => bytes,
        Err(e) => return input_error(&e.to_string()),
    };
    let mut runs = store::read_export(reader, max_line, cap.variable);
    match store.import(&mut runs) {
        Ok(imported) => {
            eprintln!(
                "imported {} run(s) ({} already in the store) and {} probe(s)",
                imported.runs, imported.runs_known, imported.probes
            );
            Exit::Ok
        }
        Err(ImportError::Line(e)) => {
            eprintln!("error: {}:{}", file.display(), terminal(&e.to_string()));
            Exit::InvalidInput
        }
        Err(ImportError::Store(e)) => store_error(&e),
    }
}
