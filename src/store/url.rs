//! The one reading of a store URL (`--store`, `CENTRICITY_STORE`), and the one
//! redaction of it. A string is a store only when it is unambiguous:
//!
//! - `postgres://…` or `postgresql://…`: a PostgreSQL URL;
//! - `key=value …` whose first key is a libpq keyword (`host = db password='a b'`): a
//!   PostgreSQL connection string;
//! - `sqlite:PATH`, `sqlite://PATH`, or a plain path: a SQLite file.
//!
//! Anything else that starts like a URL (`postgres:/u:pw@host/db`, `postgresql:…`,
//! `mysql://…`, `u:pw@host`) or like a connection string with an unknown key is refused:
//! taken for a file name, it would record runs into a file named after the password
//! while the shared store silently misses them.

use std::ops::Range;
use std::path::PathBuf;

use super::StoreError;
use crate::secret::Secrets;

/// Where the run history lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreUrl {
    Sqlite(PathBuf),
    /// A PostgreSQL URL or connection string, as written (the driver reads both).
    Postgres(String),
}

/// The libpq connection keywords this build's driver reads.
const LIBPQ_KEYS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "sslmode",
    "sslrootcert",
    "sslnegotiation",
    "connect_timeout",
    "application_name",
    "options",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_retries",
    "target_session_attrs",
    "channel_binding",
    "load_balance_hosts",
    "tcp_user_timeout",
];

impl StoreUrl {
    pub fn parse(raw: &str) -> Result<StoreUrl, StoreError> {
        let refuse = |why: &str| StoreError::BadUrl {
            shown: redact(raw),
            why: why.to_string(),
        };
        let text = raw.trim();
        if text.is_empty() {
            return Err(refuse("it is empty"));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return postgres(raw);
        }
        if first_key(text).is_some() {
            if let Some(key) = unknown_key(text) {
                return Err(refuse(&format!(
                    "`{key}` is not a PostgreSQL connection keyword (they are {})",
                    LIBPQ_KEYS.join(", ")
                )));
            }
            return postgres(raw);
        }
        if let Some(path) = text
            .strip_prefix("sqlite://")
            .or_else(|| text.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(refuse("sqlite: names no file"));
            }
            return Ok(StoreUrl::Sqlite(PathBuf::from(path)));
        }
        if let Some(scheme) = scheme(text) {
            let hint = if scheme.to_ascii_lowercase().starts_with("postgres") {
                "a PostgreSQL URL starts with postgres://".to_string()
            } else {
                format!(
                    "`{scheme}:` is not a store this build reads; for a SQLite file whose name \
                     holds `:`, write sqlite:PATH or ./PATH"
                )
            };
            return Err(refuse(&hint));
        }
        Ok(StoreUrl::Sqlite(PathBuf::from(raw)))
    }

    /// Printable: the path, or the URL with its passwords masked.
    pub fn shown(&self) -> String {
        match self {
            StoreUrl::Sqlite(path) => path.display().to_string(),
            StoreUrl::Postgres(url) => redact(url),
        }
    }
}

fn postgres(raw: &str) -> Result<StoreUrl, StoreError> {
    raw.parse::<tokio_postgres::Config>()
        .map(|_| StoreUrl::Postgres(raw.to_string()))
        // The driver's message may quote the part it choked on: masked like the URL.
        .map_err(|e| StoreError::BadUrl {
            shown: redact(raw),
            why: scrub(&e.to_string(), raw),
        })
}

/// The key of a leading `key = value` (letters and `_`), if the text starts with one.
fn first_key(text: &str) -> Option<&str> {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    let (key, rest) = text.split_at_checked(end)?;
    (!key.is_empty() && rest.trim_start().starts_with('=')).then_some(key)
}

/// The first key of a `key = value …` string that libpq does not know, read by its grammar
/// (a value quoted with `'` may hold spaces and `=`; `\` escapes the next character).
fn unknown_key(text: &str) -> Option<String> {
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        chars.peek()?;
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| !c.is_whitespace() && *c != '=') {
            key.push(c);
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('=') || !LIBPQ_KEYS.contains(&key.as_str()) {
            return Some(key);
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let quoted = chars.next_if_eq(&'\'').is_some();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '\'' if quoted => break,
                c if c.is_whitespace() && !quoted => break,
                _ => {}
            }
        }
    }
}

/// A leading URL scheme (`name:`), but not a Windows drive letter (`C:\`).
fn scheme(text: &str) -> Option<&str> {
    let (name, _) = text.split_once(':')?;
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let drive = cfg!(windows) && name.len() == 1;
    (valid && !drive).then_some(name)
}

/// A store URL fit to print, however malformed: its passwords replaced by `***`.
pub fn redact(url: &str) -> String {
    // By position, not by searching for the password's text: a password equal to another
    // part of the URL (`postgres://postgres:postgres@…`) must not show where it sits, and a
    // short one is masked too.
    let mut spans: Vec<Range<usize>> = secret_spans(url).into_iter().map(|(_, at)| at).collect();
    spans.sort_by_key(|at| (at.start, at.end));
    let mut out = String::with_capacity(url.len());
    let mut from = 0;
    for at in spans {
        if at.is_empty() || at.end <= from {
            continue;
        }
        let start = at.start.max(from);
        out.push_str(url.get(from..start).unwrap_or_default());
        out.push_str(crate::secret::MASK);
        from = at.end;
    }
    out.push_str(url.get(from..).unwrap_or_default());
    out
}

/// `text` with every password that `url` carries masked, in every echoed form. Read
/// from the text itself, not a parser: a URL too broken to parse still has a password.
pub fn scrub(text: &str, url: &str) -> String {
    secrets_of(url).scrub(text)
}

/// The passwords in `url`: in a user-info (`scheme:[//]user:PASSWORD@host`, up to the
/// last `@`, as an unencoded `@` may be in it) and in every `key = value` whose key is
/// not known to be plain.
fn secrets_of(url: &str) -> Secrets {
    let mut secrets = Secrets::default();
    for (decoded, at) in secret_spans(url) {
        secrets.add(&decoded);
        if let Some(written) = url.get(at) {
            secrets.add(written);
        }
    }
    secrets
}

/// Each password in `url`, undone of its escapes, and where it is written.
fn secret_spans(url: &str) -> Vec<(String, Range<usize>)> {
    let mut spans = Vec::new();
    if let Some((before_at, _)) = url.rsplit_once('@') {
        let user_info = match before_at.split_once(':') {
            Some((_, rest)) if scheme(before_at).is_some() && rest.contains(':') => {
                rest.trim_start_matches('/')
            }
            _ => before_at,
        };
        if let Some((_, password)) = user_info.split_once(':') {
            // A piece of `url` itself: its place is its distance from the start.
            let start = password.as_ptr() as usize - url.as_ptr() as usize;
            spans.push((password.to_string(), start..start + password.len()));
        }
    }
    spans.extend(secret_values(url));
    spans
}

/// Keys whose values are not secret: everything else in `key = value` form is masked,
/// so a misspelt key (`pasword=`) or an unknown one keeps its value hidden too.
const PLAIN_KEYS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "sslmode",
    "connect_timeout",
    "application_name",
    "target_session_attrs",
    "load_balance_hosts",
];

/// The values of every `key = value` but the [`PLAIN_KEYS`], as the libpq grammar reads
/// them (and a URL's query, split at `&`): spaces allowed around `=`, a quoted value whole
/// with its `\` escapes undone and as written, an unquoted one up to a space or `&`, an
/// unclosed quote to the end.
fn secret_values(text: &str) -> Vec<(String, Range<usize>)> {
    let mut values = Vec::new();
    // Each value is read once: the scan goes on after it, so the work is linear however
    // many `=` the text holds (`a=a=a=…`).
    let mut from = 0;
    while let Some(at) = text
        .get(from..)
        .and_then(|rest| rest.find('='))
        .map(|i| from + i)
    {
        let before = text.get(..at).unwrap_or_default().trim_end();
        let key_start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let key = before.get(key_start..).unwrap_or_default();
        let after = text.get(at + 1..).unwrap_or_default();
        let value = after.trim_start();
        let value_at = text.len() - value.len();
        let (decoded, start, raw) = match value.strip_prefix(['\'', '"']) {
            // libpq's quoting, or a user's with `"`: the whole of it is the secret.
            Some(quoted) => {
                let quote = if value.starts_with('"') { '"' } else { '\'' };
                let (decoded, raw) = unquote(quoted, |c| c == quote);
                (decoded, value_at + 1, raw.len())
            }
            // Unquoted, up to a space or `&`; the driver undoes `\` escapes here too.
            None => {
                let (decoded, raw) = unquote(value, |c| c.is_whitespace() || c == '&');
                (decoded, value_at, raw.len())
            }
        };
        if !PLAIN_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
            values.push((decoded, start..start + raw));
        }
        from = (start + raw).max(at + 1);
    }
    values
}

/// A value with its `\` escapes undone, up to the first unescaped character that `ends` it
/// (a closing quote, a space) or the end; and the value as written, without that character.
fn unquote(text: &str, ends: impl Fn(char) -> bool) -> (String, &str) {
    let mut out = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => out.extend(chars.next().map(|(_, c)| c)),
            c if ends(c) => return (out, text.get(..at).unwrap_or(text)),
            c => out.push(c),
        }
    }
    (out, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unambiguous_strings_are_read() {
        for (raw, expected) in [
            ("history.db", StoreUrl::Sqlite("history.db".into())),
            ("runs/host=1.db", StoreUrl::Sqlite("runs/host=1.db".into())),
            ("sqlite:a:b.db", StoreUrl::Sqlite("a:b.db".into())),
            ("sqlite:///tmp/h.db", StoreUrl::Sqlite("/tmp/h.db".into())),
            ("./a:b.db", StoreUrl::Sqlite("./a:b.db".into())),
            (
                "postgres://u:pw@db/runs",
                StoreUrl::Postgres("postgres://u:pw@db/runs".into()),
            ),
            (
                "host = db password = 'a b' dbname=runs",
                StoreUrl::Postgres("host = db password = 'a b' dbname=runs".into()),
            ),
            (
                r"host=db password='x=y \' z' dbname=runs",
                StoreUrl::Postgres(r"host=db password='x=y \' z' dbname=runs".into()),
            ),
        ] {
            assert_eq!(StoreUrl::parse(raw).unwrap(), expected, "{raw}");
        }
    }

    #[test]
    fn ambiguous_strings_are_refused_with_the_password_masked() {
        for raw in [
            "postgres:/u:S3cret!@host/db",
            "postgres:u:S3cret!@host/db",
            "postgresql:/u:S3cret!@host/db",
            "mysql://u:S3cret!@host/db",
            "u:S3cret!@host/db",
            "hots=db password=S3cret!",
            "user = ci passwd = S3cret!",
            "host=db user=ci pasword='S3cret! a=b' dbname=runs",
            "sqlite:",
            "",
        ] {
            let err = StoreUrl::parse(raw).unwrap_err().to_string();
            assert!(!err.contains("S3cret"), "{raw} → {err}");
            assert!(err.contains("not understood"), "{raw} → {err}");
        }
    }

    #[test]
    fn passwords_are_redacted_however_written() {
        for url in [
            "postgres://u:S3cret!@db.example:5432/runs",
            "postgres://u:S3cret!@db.example:99999/runs",
            "postgres://u:S3cret!@[::1/runs",
            "postgres://u:S3cret!@h1,h2:x/runs",
            "postgres://u:S3cret!@/runs?host=",
            "postgres://u@/runs?password=S3cret!&host=/tmp",
            "postgres://u:S3c@ret!@host/runs",
            "postgres://u:S3c%40ret%21@host/runs",
            "postgres:/u:S3cret!@host/db",
            "host=db.example password=S3cret! dbname=runs",
            "host=db.example password = S3cret! dbname=runs",
            "host=db.example password='S3cret! and more' dbname=runs",
            r"host=db password='S3cret!\' q' dbname=runs",
            "host=db password='S3cret! unclosed",
            "host=db sslpassword=S3cret!",
            r"host=db password=S3c\ ret! dbname=runs",
            "host=db pasword = S3cret!",
            "host=db password = \"S3cret! and more\"",
            "postgres://u@db/runs?pwd=S3cret!",
        ] {
            let shown = redact(url);
            assert!(!shown.contains("S3c"), "{url} → {shown}");
            assert!(!shown.contains("more"), "{url} → {shown}");
            let message = StoreUrl::parse(url)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(!message.contains("S3c"), "{url} → {message}");
        }
        // Masked where it is written, however short, and only there.
        assert_eq!(
            redact("postgres://postgres:postgres@localhost/postgres"),
            "postgres://postgres:***@localhost/postgres"
        );
        assert_eq!(
            redact("postgres://u:pw@db/runs"),
            "postgres://u:***@db/runs"
        );
        assert_eq!(
            redact("host=db password='a b' dbname=x"),
            "host=db password='***' dbname=x"
        );
        // A driver echoes an escaped password unescaped.
        let url = r"host=db password=S3c\ ret! dbname=runs";
        assert_eq!(
            scrub("auth failed for S3c ret!", url),
            "auth failed for ***"
        );
        // Linear in the `=` a string holds (this took minutes when each began a value).
        let flood = "a=".repeat(50_000);
        assert!(!redact(&flood).is_empty());
        // A driver echoes an encoded password decoded.
        let url = "postgres://u:S3c%40ret%21@host/runs";
        assert_eq!(scrub("login S3c@ret! refused", url), "login *** refused");
    }
}
