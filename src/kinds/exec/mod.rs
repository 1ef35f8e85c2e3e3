//! `exec`: the plug-in door. Runs a program (an argv list, never a shell) and
//! reads one JSON result from its stdout. The protocol is in the README.

mod score;

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
use crate::report::model::{Evidence, Finding, Metric, Status};
use crate::spanned::at;
use std::future::Future;

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
/// How much of stderr an error message quotes.
const STDERR_EXCERPT_BYTES: usize = 600;

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
        .stderr(Stdio::piped())
        // A timed-out or cancelled check must not leave the plug-in running.
        .kill_on_drop(true);
    // Its own process group: Ctrl-C at the terminal reaches us, not it, and whatever it
    // started is killed with it (see `ProcessGroup`).
    #[cfg(unix)]
    command.process_group(0);
    let mut child = command.spawn().map_err(|err| {
        CheckError::Plugin(format!("cannot start `{}`: {err}", program.display()))
    })?;
    let _group = ProcessGroup(child.id());
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    // stderr drains on its own task so a plug-in that fills it cannot block on a full pipe.
    let stderr_task = tokio::spawn(read_capped(stderr, 64 * 1024));
    let (stdout, overflowed) = read_capped(stdout, MAX_STDOUT_BYTES)
        .await
        .map_err(|e| CheckError::Plugin(format!("reading stdout: {e}")))?;
    if overflowed {
        let _ = child.start_kill();
    }
    let status = child.wait().await;
    // A grandchild may hold stderr open after the plug-in exits: do not wait on it for long.
    let stderr = match tokio::time::timeout(std::time::Duration::from_secs(1), stderr_task).await {
        Ok(Ok(Ok((bytes, _)))) => bytes,
        _ => Vec::new(),
    };
    let excerpt = stderr_excerpt(&stderr);
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
    if let Some(score) = report.score {
        if !(0.0..=100.0).contains(&score) || !score.is_finite() {
            return Err(CheckError::Plugin(format!(
                "score {score} is outside 0–100{excerpt}"
            )));
        }
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

fn stderr_excerpt(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let start = text.len().saturating_sub(STDERR_EXCERPT_BYTES);
    let start = (start..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    format!("; stderr: {}", text.get(start..).unwrap_or_default())
}

/// The plug-in's process group, killed whole when the check ends, however it
/// ends: finished, timed out, or cancelled by Ctrl-C (the future is dropped).
/// `kill_on_drop` alone would leave the plug-in's own children running.
struct ProcessGroup(Option<u32>);

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(pid) = self.0.and_then(|pid| libc::pid_t::try_from(pid).ok()) {
            // SAFETY: kill(2) with a negative pid signals that process group; it touches no memory.
            // The group is the plug-in's own (process_group(0) at spawn), never ours.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
}
