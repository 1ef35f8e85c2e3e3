//! A plug-in's stderr: read to its end however much it writes (a pipe left unread blocks the
//! plug-in, one closed kills it with SIGPIPE), its tail kept for the error message, and with
//! `-v` every line logged as it comes.

use tokio::io::{AsyncRead, AsyncReadExt};

/// How much of stderr's end is kept while it drains.
const TAIL_BYTES: usize = 64 * 1024;
/// How much of stderr's end an error message quotes.
const EXCERPT_BYTES: usize = 600;
/// With `-v`, stderr is logged in full up to this much per run (a runaway plug-in must not
/// flood the terminal without end); past it, only its tail is kept.
const VERBOSE_BYTES: usize = 16 * 1024 * 1024;
/// A logged line longer than this is logged in pieces, so memory stays bounded.
const LINE_BYTES: usize = 8 * 1024;

/// Reads `stream` to its end; returns its last [`TAIL_BYTES`].
pub async fn drain(mut stream: impl AsyncRead + Unpin, check_id: String) -> Vec<u8> {
    let mut log = tracing::enabled!(tracing::Level::DEBUG).then(|| Log::new(check_id));
    let mut tail = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let bytes = &chunk[..n];
        if let Some(log) = &mut log {
            log.write(bytes);
        }
        tail.extend_from_slice(bytes);
        // Trimmed in batches, so each byte is moved a bounded number of times.
        if tail.len() > 2 * TAIL_BYTES {
            tail.drain(..tail.len() - TAIL_BYTES);
        }
    }
    if let Some(log) = &mut log {
        log.finish();
    }
    let keep = tail.len().saturating_sub(TAIL_BYTES);
    tail.drain(..keep);
    tail
}

/// `; stderr: …` with the last [`EXCERPT_BYTES`] of what the plug-in wrote, or nothing.
pub fn excerpt(tail: &[u8]) -> String {
    let text = String::from_utf8_lossy(tail);
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let start = text.len().saturating_sub(EXCERPT_BYTES);
    let start = (start..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    format!("; stderr: {}", text.get(start..).unwrap_or_default())
}

/// Logs stderr line by line at debug level, each line escaped (a plug-in's control
/// characters never reach the terminal raw).
struct Log {
    check_id: String,
    line: Vec<u8>,
    logged: usize,
}

impl Log {
    fn new(check_id: String) -> Self {
        Self {
            check_id,
            line: Vec::new(),
            logged: 0,
        }
    }

    fn write(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() && self.logged < VERBOSE_BYTES {
            let room = LINE_BYTES - self.line.len();
            let (piece, ends_line) = match bytes[..bytes.len().min(room)]
                .iter()
                .position(|b| *b == b'\n')
            {
                Some(at) => (&bytes[..at], true),
                None => (&bytes[..bytes.len().min(room)], false),
            };
            self.line.extend_from_slice(piece);
            bytes = &bytes[(piece.len() + usize::from(ends_line))..];
            if ends_line || self.line.len() >= LINE_BYTES {
                self.flush();
            }
        }
    }

    fn flush(&mut self) {
        self.logged += self.line.len() + 1;
        let line = String::from_utf8_lossy(&self.line);
        tracing::debug!(
            "plug-in `{}` stderr: {}",
            self.check_id,
            line.escape_debug()
        );
        if self.logged >= VERBOSE_BYTES {
            tracing::debug!(
                "plug-in `{}` stderr: past {VERBOSE_BYTES} bytes, only its tail is kept",
                self.check_id
            );
        }
        self.line.clear();
    }

    fn finish(&mut self) {
        if !self.line.is_empty() && self.logged < VERBOSE_BYTES {
            self.flush();
        }
    }
}
