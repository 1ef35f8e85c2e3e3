//! Where a report's formats go: each `--output` paired with the `--format` before it, every
//! format rendered (and printed, for PDF) first, files written whole, then stdout.

use std::io::Write;
use std::path::PathBuf;

use clap::ArgMatches;

use crate::cli::AuditArgs;
use crate::report::pdf::{Browser, PdfError};
use crate::report::{Decoration, Format, History as ReportHistory, Report};

/// Where a rendered format goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Stdout,
    File(PathBuf),
}

/// Pairs each `--output` with the `--format` given before it on the command line.
pub(crate) fn output_targets(
    args: &AuditArgs,
    matches: &ArgMatches,
) -> Result<Vec<(Format, Target)>, String> {
    if args.format.is_empty() {
        return match args.output.as_slice() {
            [] => Ok(vec![(Format::Table, Target::Stdout)]),
            _ => Err(
                "--output needs a --format before it, e.g. --format json --output report.json"
                    .into(),
            ),
        };
    }
    let format_at: Vec<usize> = matches
        .indices_of("format")
        .map(Iterator::collect)
        .unwrap_or_default();
    let output_at: Vec<usize> = matches
        .indices_of("output")
        .map(Iterator::collect)
        .unwrap_or_default();
    let mut targets: Vec<(Format, Option<Target>)> =
        args.format.iter().map(|f| (*f, None)).collect();
    for (output, at) in args.output.iter().zip(output_at) {
        let Some(owner) = format_at.iter().rposition(|f| *f < at) else {
            return Err(format!(
                "--output {} comes before any --format; put it after the format it writes",
                output.display()
            ));
        };
        if targets[owner].1.is_some() {
            return Err(format!(
                "two --output options follow the same --format ({})",
                output.display()
            ));
        }
        targets[owner].1 = Some(target_of(Some(output))?);
    }
    let targets: Vec<(Format, Target)> = targets
        .into_iter()
        .map(|(f, t)| (f, t.unwrap_or(Target::Stdout)))
        .collect();
    if targets.iter().filter(|(_, t)| *t == Target::Stdout).count() > 1 {
        return Err("only one format can go to stdout; give the others --output FILE".into());
    }
    Ok(targets)
}

/// A PDF among the outputs needs a browser: found before anything runs, not after an hour.
pub(crate) fn browser_ready(outputs: &[(Format, Target)]) -> Result<(), PdfError> {
    if outputs.iter().any(|(format, _)| *format == Format::Pdf) {
        Browser::find()?;
    }
    Ok(())
}

/// Where one `--output` sends a format: `-` is stdout; a file's folder must exist.
pub(crate) fn target_of(output: Option<&std::path::Path>) -> Result<Target, String> {
    let Some(path) = output.filter(|o| o.as_os_str() != "-") else {
        return Ok(Target::Stdout);
    };
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    if !parent.is_dir() {
        return Err(format!(
            "cannot write {}: folder {} does not exist",
            path.display(),
            parent.display()
        ));
    }
    Ok(Target::File(path.to_path_buf()))
}

/// Renders every format first, then writes files (atomically), then stdout.
pub(crate) fn write_outputs(
    report: &Report,
    outputs: &[(Format, Target)],
    decoration: Decoration,
    history: &ReportHistory<'_>,
) -> Result<(), String> {
    let rendered: Vec<(&Target, Vec<u8>)> = outputs
        .iter()
        .map(|(format, target)| -> Result<_, PdfError> {
            // Files never get colour codes: they end up in slides and CI logs.
            let decoration = Decoration {
                color: decoration.color && *target == Target::Stdout,
                ..decoration
            };
            Ok((target, format.produce(report, decoration, history)?))
        })
        .collect::<Result<_, PdfError>>()
        .map_err(|e| e.to_string())?;
    for (target, bytes) in &rendered {
        if let Target::File(path) = target {
            crate::output::write_atomically(path, bytes)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    for (target, bytes) in &rendered {
        if **target == Target::Stdout {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
                // A closed pipe (`| head`) is the reader's choice, not a failure.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    return Err(format!("cannot write to stdout: {e}"));
                }
                _ => {}
            }
        }
    }
    Ok(())
}
