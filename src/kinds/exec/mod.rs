//! `exec`: the plug-in door. Runs a program (an argv list, never a shell) and
//! reads one JSON result from its stdout. The protocol is in the README.

mod score;
mod stderr;
mod tree;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;
use toml_span::de_helpers::TableHelper;

use crate::benchmarks::Benchmarks;
use crate::category::Category;
use crate::channel::Channel;
use crate::kind::{CheckError, CollectContext, Kind, KindCategory, KindInfo, LoadContext, Scored};
use crate::spanned::at;
use crate::verdict::{Evidence, Finding, Metric, Status};
use std::future::Future;
use tree::Tree;

/// The `exec` kind.
pub struct Exec;

impl Kind for Exec {
    const INFO: KindInfo = KindInfo {
        name: "exec",
        summary: "A plug-in: any program that prints one JSON result (score, status, metrics, findings, evidence).",
        category: KindCategory::PerCheck("the audit file's `category`"),
        keys: &["command (argv list)", "category", "channel"],
        motivation: "No tool ships every check a consultant needs; a plug-in brings a new one in any language \
                     without waiting for a release.",
        measures: "Whatever the plug-in measures. It runs in the audit file's folder with CENTRICITY_CHECK_ID, \
                   CENTRICITY_AUDIT_DIR and CENTRICITY_OFFLINE set, and prints one JSON object on stdout.",
        scoring: "The plug-in's own score (0–100, or null when it could not measure). A non-zero exit, output \
                  that is not the JSON result, a score outside 0–100 or a run past the time limit is a check \
                  error with an excerpt of the plug-in's stderr.",
        improve: "Follow the plug-in's findings; each carries its own recommendation.",
        report_note: None,
        file_columns: &[],
        findings: &[],
    };
    type Params = Params;
    type Observation = PluginReport;

    fn parse(th: &mut TableHelper<'_>, ctx: &mut LoadContext<'_>) -> Option<(Category, Params)> {
        parse(th, ctx)
    }

    fn collect(
        params: &Params,
        ctx: &CollectContext,
    ) -> impl Future<Output = Result<PluginReport, CheckError>> + Send {
        collect(params, ctx)
    }

    fn score(params: &Params, observation: &PluginReport, _benchmarks: &Benchmarks) -> Scored {
        score::score(observation, params.channel.as_ref())
    }

    fn channel(params: &Params) -> Option<Channel> {
        params.channel.clone()
    }
}

/// A plug-in's stdout beyond this is a runaway, not a result.
pub const MAX_STDOUT_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub command: Vec<String>,
    pub channel: Option<Channel>,
}

fn parse(th: &mut TableHelper<'_>, _ctx: &mut LoadContext<'_>) -> Option<(Category, Params)> {
    let command = th.required_s::<Vec<String>>("command").ok();
    let category = th.required::<Category>("category").ok();
    let channel = th.optional::<String>("channel");
    let command = command.and_then(|c| {
        if c.value.first().is_some_and(|p| !p.trim().is_empty()) {
            Some(c.value)
        } else {
            th.errors.extend(
                at(
                    "`command` needs at least the program to run, e.g. [\"./plugin.sh\", \"arg\"]",
                    &c,
                )
                .errors,
            );
            None
        }
    });
    Some((
        category?,
        Params {
            command: command?,
            channel: channel.map(Channel::new),
        },
    ))
}

/// The one JSON object a plug-in prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginReport {
    pub score: Option<f64>,
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub metrics: Vec<Metric>,
    #[serde(default)]
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

pub async fn collect(params: &Params, ctx: &CollectContext) -> Result<PluginReport, CheckError> {
    let program = program_path(&params.command[0], &ctx.audit_dir);
    let mut command = Command::new(&program);
    command
        .args(&params.command[1..])
        .current_dir(&ctx.audit_dir)
        .env("CENTRICITY_CHECK_ID", &ctx.check_id)
        .env("CENTRICITY_AUDIT_DIR", &ctx.audit_dir)
        .env("CENTRICITY_OFFLINE", if ctx.offline { "1" } else { "0" })
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Ended whole when this future ends, however it ends (see `tree`).
    let mut tree = Tree::spawn(&mut command).map_err(|err| {
        CheckError::Plugin(format!("cannot start `{}`: {err}", program.display()))
    })?;
    let (stdout, stderr) = tree.pipes();
    // stderr drains on its own task so a plug-in that fills it never blocks on a full pipe.
    let stderr_task = tokio::spawn(stderr::drain(stderr, ctx.check_id.clone()));
    let stdout = read_capped(stdout, MAX_STDOUT_BYTES);
    tokio::pin!(stdout);
    let mut read = None;
    let status = loop {
        tokio::select! {
            result = &mut stdout, if read.is_none() => {
                if matches!(result, Ok((_, true))) {
                    tree.kill();
                }
                read = Some(result);
            }
            status = tree.wait() => break status,
        }
    };
    // Whatever it left running dies with it, so a daemon holding its pipes cannot hold us up.
    tree.end();
    let read = match read {
        Some(read) => read,
        None => stdout.await,
    };
    let (stdout, overflowed) =
        read.map_err(|e| CheckError::Plugin(format!("reading stdout: {e}")))?;
    // A descendant that escaped (outside Linux) may hold stderr open: do not wait on it for long.
    let stderr = match tokio::time::timeout(std::time::Duration::from_secs(1), stderr_task).await {
        Ok(Ok(tail)) => tail,
        _ => Vec::new(),
    };
    let excerpt = stderr::excerpt(&stderr);
    if overflowed {
        return Err(CheckError::Plugin(format!(
            "wrote more than {MAX_STDOUT_BYTES} bytes to stdout{excerpt}"
        )));
    }
    let status = status.map_err(|e| CheckError::Plugin(format!("waiting for the plug-in: {e}")))?;
    if !status.success() {
        return Err(CheckError::Plugin(format!("exited with {status}{excerpt}")));
    }
    let report: PluginReport = serde_json::from_slice(&stdout).map_err(|e| {
        let shown = String::from_utf8_lossy(&stdout[..stdout.len().min(120)])
            .trim()
            .to_string();
        CheckError::Plugin(format!(
            "stdout is not a JSON result ({e}); it began with {shown:?}{excerpt}"
        ))
    })?;
    if let Some(score) = report.score
        && (!(0.0..=100.0).contains(&score) || !score.is_finite())
    {
        return Err(CheckError::Plugin(format!(
            "score {score} is outside 0–100{excerpt}"
        )));
    }
    if report
        .findings
        .iter()
        .any(|f| f.message.trim().is_empty() || f.recommendation.trim().is_empty())
    {
        return Err(CheckError::Plugin(format!(
            "a finding has an empty message or recommendation{excerpt}"
        )));
    }
    Ok(report)
}

/// A program named with a slash is relative to the audit file; a bare name is looked up on PATH.
fn program_path(program: &str, audit_dir: &Path) -> PathBuf {
    if program.contains('/') {
        audit_dir.join(program)
    } else {
        PathBuf::from(program)
    }
}

/// Reads at most `cap` bytes; reports whether more was on offer.
async fn read_capped(
    mut stream: impl AsyncRead + Unpin,
    cap: usize,
) -> std::io::Result<(Vec<u8>, bool)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok((buf, false));
        }
        if buf.len() + n > cap {
            return Ok((buf, true));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}
