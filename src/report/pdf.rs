//! PDF: the HTML report printed by a headless Chromium, the browser a consultant's PDF would
//! come from anyway. The page is our own (no script, no request anywhere, its CSP says so);
//! the browser gets a fresh profile in a private folder, has a time limit, and everything it
//! started ends with it.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The browsers looked for on `PATH`, in order, when `CENTRICITY_CHROMIUM` names none.
const BROWSERS: &[&str] = &["chromium", "chromium-browser", "google-chrome", "chrome"];

/// Names the browser to print with.
pub const BROWSER_VARIABLE: &str = "CENTRICITY_CHROMIUM";

/// A report prints in seconds; a browser that takes longer is stuck.
const PRINT_LIMIT: Duration = Duration::from_secs(90);

/// What stderr is kept of a failed print, for the error.
const STDERR_KEPT: usize = 600;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "--format pdf needs Chromium: install it (Debian: apt install chromium) or name it in {BROWSER_VARIABLE}"
    )]
    NoBrowser,
    #[error("{BROWSER_VARIABLE} names {}, which is not a program", .0.display())]
    NotAProgram(PathBuf),
    #[error("cannot print the PDF: {0}")]
    Io(#[from] std::io::Error),
    #[error(
        "Chromium did not print the PDF within {}",
        humantime::format_duration(PRINT_LIMIT)
    )]
    TimedOut,
    #[error("Chromium did not print the PDF ({status}): {stderr}")]
    Failed { status: String, stderr: String },
}

/// The browser that prints: `CENTRICITY_CHROMIUM`, else the first of `chromium`,
/// `chromium-browser`, `google-chrome`, `chrome` on `PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Browser(PathBuf);

impl Browser {
    pub fn find() -> Result<Self, PdfError> {
        Self::find_in(
            std::env::var_os(BROWSER_VARIABLE).map(PathBuf::from),
            std::env::var_os("PATH").unwrap_or_default(),
        )
    }

    fn find_in(named: Option<PathBuf>, path: std::ffi::OsString) -> Result<Self, PdfError> {
        if let Some(named) = named.filter(|n| !n.as_os_str().is_empty()) {
            return if is_program(&named) {
                Ok(Self(named))
            } else {
                Err(PdfError::NotAProgram(named))
            };
        }
        BROWSERS
            .iter()
            .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
            .find(|candidate| is_program(candidate))
            .map(Self)
            .ok_or(PdfError::NoBrowser)
    }
}

fn is_program(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Prints `html` to PDF bytes. The paper size is the page's own `@page` rule.
pub fn print(html: &[u8], browser: &Browser) -> Result<Vec<u8>, PdfError> {
    let folder = PrivateFolder::new()?;
    let page = folder.0.join("report.html");
    let pdf = folder.0.join("report.pdf");
    std::fs::write(&page, html)?;
    let mut command = Command::new(&browser.0);
    command
        .args([
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-pdf-header-footer",
        ])
        .arg(format!(
            "--user-data-dir={}",
            folder.0.join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        // Its own group, so the renderer and GPU processes end with it.
        .process_group(0);
    // Chromium refuses to run as root with its sandbox (CI containers run as root).
    if is_root() {
        command.arg("--no-sandbox");
    }
    let mut child = crate::children::spawn_listed(|| command.spawn(), |c| Some(c.id()))?;
    // Read while it runs: a full pipe would stall the browser until the time limit.
    let stderr = child.stderr.take().map(read_tail);
    let status = wait_within(&mut child, PRINT_LIMIT);
    crate::children::unlist(child.id());
    let status = status?;
    // A process that left the group may hold the pipe open: its words are not waited for.
    let stderr = stderr
        .and_then(|tail| tail.recv_timeout(Duration::from_secs(1)).ok())
        .unwrap_or_default();
    let printed = std::fs::read(&pdf).unwrap_or_default();
    match status {
        Some(status) if status.success() && printed.starts_with(b"%PDF") => Ok(printed),
        Some(status) => Err(PdfError::Failed {
            status: status.to_string(),
            stderr: last_chars(&String::from_utf8_lossy(&stderr), STDERR_KEPT),
        }),
        None => Err(PdfError::TimedOut),
    }
}

/// Waits for `child` up to `limit`; past it, ends its whole group and says so (`None`).
fn wait_within(
    child: &mut Child,
    limit: Duration,
) -> std::io::Result<Option<std::process::ExitStatus>> {
    let until = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait()? {
            end_group(child);
            return Ok(Some(status));
        }
        if Instant::now() >= until {
            end_group(child);
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Ends what the browser left running in its group (zygotes outlive the main process).
fn end_group(child: &Child) {
    if let Ok(group) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) with a negative pid signals that process group; no memory involved.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
}

/// The last bytes a pipe carries, on a thread of their own, sent once it closes; memory stays
/// bounded whatever the browser writes.
fn read_tail(mut pipe: std::process::ChildStderr) -> std::sync::mpsc::Receiver<Vec<u8>> {
    let (sender, tail) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut kept: Vec<u8> = Vec::new();
        let mut chunk = [0u8; 8192];
        while let Ok(read @ 1..) = pipe.read(&mut chunk) {
            kept.extend_from_slice(&chunk[..read]);
            if kept.len() > 4 * STDERR_KEPT {
                kept.drain(..kept.len() - 4 * STDERR_KEPT);
            }
        }
        let _ = sender.send(kept);
    });
    tail
}

fn is_root() -> bool {
    // SAFETY: geteuid(2) cannot fail and touches no memory.
    unsafe { libc::geteuid() == 0 }
}

fn last_chars(text: &str, count: usize) -> String {
    let skip = text.chars().count().saturating_sub(count);
    text.chars()
        .skip(skip)
        .collect::<String>()
        .trim()
        .to_string()
}

/// A folder only this process uses, removed with everything in it when dropped.
struct PrivateFolder(PathBuf);

impl PrivateFolder {
    fn new() -> std::io::Result<Self> {
        use std::os::unix::fs::DirBuilderExt;
        let base = std::env::temp_dir();
        for attempt in 0..100u32 {
            let candidate = base.join(format!("centricity-pdf-{}-{attempt}", std::process::id()));
            match std::fs::DirBuilder::new().mode(0o700).create(&candidate) {
                Ok(()) => return Ok(Self(candidate)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("no free temporary folder name"))
    }
}

impl Drop for PrivateFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_named_must_be_a_program_and_none_found_says_how_to_install_one() {
        let empty = tempfile::tempdir().unwrap();
        let missing = empty.path().join("chromium");
        let err = Browser::find_in(Some(missing.clone()), "".into()).unwrap_err();
        assert!(matches!(err, PdfError::NotAProgram(p) if p == missing));
        let err = Browser::find_in(None, empty.path().as_os_str().to_owned()).unwrap_err();
        assert!(err.to_string().contains("apt install chromium"), "{err}");
    }

    #[test]
    fn a_browser_is_found_on_the_path_in_order() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        for name in ["google-chrome", "chromium-browser"] {
            let path = dir.path().join(name);
            std::fs::write(&path, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        std::fs::write(dir.path().join("chromium"), "not executable").unwrap();
        let found = Browser::find_in(None, dir.path().as_os_str().to_owned()).unwrap();
        assert_eq!(found, Browser(dir.path().join("chromium-browser")));
    }

    #[test]
    fn a_browser_that_prints_nothing_is_an_error_with_its_words() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("chromium");
        std::fs::write(&fake, "#!/bin/sh\necho 'no display, no luck' >&2\nexit 1\n").unwrap();
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        let err = print(b"<p>hi</p>", &Browser(fake)).unwrap_err();
        assert!(err.to_string().contains("no display, no luck"), "{err}");
    }

    /// More than a pipe holds (64 KiB) on stderr: read as it comes, so the browser is not
    /// stalled until the time limit, and only its last words are kept.
    #[test]
    fn a_browser_that_talks_a_lot_is_not_stalled_by_its_own_stderr() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("chromium");
        std::fs::write(
            &fake,
            "#!/bin/sh
head -c 300000 /dev/zero | tr '\\0' x >&2
echo ' the end' >&2
exit 1
",
        )
        .unwrap();
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        let started = Instant::now();
        let err = print(b"<p>hi</p>", &Browser(fake)).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(20), "stalled");
        let text = err.to_string();
        assert!(text.ends_with("the end"), "{text}");
        assert!(text.len() < 2 * STDERR_KEPT, "{} bytes kept", text.len());
    }
}
