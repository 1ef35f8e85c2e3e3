//! Mail transport for e-mail probes: sending by SMTP (lettre) and reading a
//! mailbox's headers by IMAP (async-imap), with TLS by rustls except on
//! loopback, where tests run a plain local server.

use crate::secret::Secrets;
use crate::verdict::ErrorCode;
use std::time::Duration;

use async_imap::Client;
use chrono::{DateTime, FixedOffset};
use futures_util::StreamExt;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;

/// How a connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain text: allowed on loopback only (validated when the audit loads).
    None,
    StartTls,
    Tls,
}

/// One mail server account. The password is read from the environment when used, never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password_env: String,
    pub security: Security,
}

impl Account {
    /// Text a mail server sent (a refusal that repeats the login, a header) with this
    /// account's password replaced by `***`, in every form a server may echo it
    /// (`crate::secret`: as typed, IMAP-quoted, base64 alone or with the user).
    pub fn scrub(&self, text: &[u8]) -> Vec<u8> {
        let mut secrets = Secrets::default();
        if let Ok(password) = self.password() {
            secrets.add_login(&self.user, &password);
        }
        secrets.scrub_bytes(text)
    }

    fn scrub_message(&self, message: &str) -> String {
        String::from_utf8_lossy(&self.scrub(message.as_bytes())).into_owned()
    }

    fn password(&self) -> Result<String, MissingPassword> {
        std::env::var(&self.password_env).map_err(|_| MissingPassword {
            variable: self.password_env.clone(),
            user: self.user.clone(),
        })
    }
}

/// An account's password is not in the environment: nothing was tried with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the environment variable {variable} (the password for {user}) is not set")]
pub struct MissingPassword {
    pub variable: String,
    pub user: String,
}

/// What a probe message is.
pub struct Outgoing<'a> {
    pub from: &'a str,
    /// The envelope sender (SMTP `MAIL FROM`), where delivery failures go: a per-probe
    /// address, so a failure finds its probe even when it quotes nothing of it.
    pub envelope_from: &'a str,
    pub reply_to: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub message_id: &'a str,
}

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error(transparent)]
    Password(#[from] MissingPassword),
    /// An address of the audit's is not one: nothing was sent.
    #[error("`{address}` is not an address: {reason}")]
    NotAnAddress { address: String, reason: String },
    /// The message could not be put together from the audit's settings: nothing was sent.
    #[error("cannot build the message: {0}")]
    Message(String),
    /// Nor its envelope (sender, recipient): nothing was sent.
    #[error("cannot build the envelope: {0}")]
    Envelope(String),
    /// No TLS settings for the host's name: nothing was sent.
    #[error("TLS setup for {host}: {reason}")]
    TlsSetup { host: String, reason: String },
    /// The server answered no (a wrong login, a refused sender or recipient): its answer.
    #[error("SMTP {host}:{port}: {answer}")]
    Refused {
        host: String,
        port: u16,
        answer: String,
    },
    /// No answer to go by: the server was not reached, or the connection failed (TLS, timeout).
    #[error("SMTP {host}:{port}: {reason}")]
    Unreachable {
        host: String,
        port: u16,
        reason: String,
    },
}

/// Sends one message through `account`'s submission server. Whatever the server
/// answers reaches the caller scrubbed of the password.
pub async fn send(account: &Account, message: &Outgoing<'_>) -> Result<(), SendError> {
    let not_an_address = |address: &str, reason: &dyn std::fmt::Display| SendError::NotAnAddress {
        address: address.to_string(),
        reason: reason.to_string(),
    };
    let parse = |address: &str| {
        address
            .parse::<Mailbox>()
            .map_err(|e| not_an_address(address, &e))
    };
    let email = Message::builder()
        .from(parse(message.from)?)
        .reply_to(parse(message.reply_to)?)
        .to(parse(message.to)?)
        .subject(message.subject)
        .message_id(Some(message.message_id.to_string()))
        .header(ContentType::TEXT_PLAIN)
        .body(message.body.to_string())
        .map_err(|e| SendError::Message(e.to_string()))?;
    let credentials = Credentials::new(account.user.clone(), account.password()?);
    let tls = |host: &str| {
        TlsParameters::new(host.to_string()).map_err(|e| SendError::TlsSetup {
            host: host.to_string(),
            reason: e.to_string(),
        })
    };
    let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&account.host)
        .port(account.port)
        .timeout(Some(Duration::from_secs(30)))
        .credentials(credentials);
    let builder = match account.security {
        Security::None => builder.tls(Tls::None),
        Security::StartTls => builder.tls(Tls::Required(tls(&account.host)?)),
        Security::Tls => builder.tls(Tls::Wrapper(tls(&account.host)?)),
    };
    let envelope_from = message
        .envelope_from
        .parse::<lettre::Address>()
        .map_err(|e| not_an_address(message.envelope_from, &e))?;
    let envelope =
        lettre::address::Envelope::new(Some(envelope_from), vec![parse(message.to)?.email])
            .map_err(|e| SendError::Envelope(e.to_string()))?;
    builder
        .build()
        .send_raw(&envelope, &email.formatted())
        .await
        .map(|_| ())
        .map_err(|e| {
            // What the server said may repeat the login.
            let (host, port) = (account.host.clone(), account.port);
            let said = account.scrub_message(&e.to_string());
            match e.status() {
                Some(_) => SendError::Refused {
                    host,
                    port,
                    answer: said,
                },
                None => SendError::Unreachable {
                    host,
                    port,
                    reason: said,
                },
            }
        })
}

/// One message as the mailbox holds it: its headers, or its first [`WHOLE_BYTES`] when read whole.
#[derive(Debug, Clone)]
pub struct Header {
    pub uid: u32,
    /// When the server received it (IMAP INTERNALDATE): our clock for reply times.
    pub received_at: Option<DateTime<FixedOffset>>,
    pub raw: Vec<u8>,
}

/// At most this many messages are read per collection: a flooded mailbox costs bounded work.
pub const MAX_MESSAGES: usize = 2000;

/// The headers of every message in `mailbox` received since `since` (a day granularity, per IMAP).
/// Which messages to read from a mailbox.
pub struct Query<'a> {
    pub mailbox: &'a str,
    /// Nothing older (day granularity, per IMAP).
    pub since: DateTime<FixedOffset>,
    /// IMAP search keys (`SUBJECT "cx12"`) for the messages that must be read however many
    /// others arrived: direct replies are never lost to the cap on the rest. These are read
    /// whole (their first [`WHOLE_BYTES`]).
    pub wanted: &'a [String],
    /// Which other messages to read whole, judged by their header (a delivery failure returns
    /// the probe in its body).
    pub whole: &'a (dyn Fn(&[u8]) -> bool + Sync),
}

/// How much of a message is read when it is read whole: notices and returned headers fit.
pub const WHOLE_BYTES: usize = 64 * 1024;
/// At most this many messages are read whole per collection.
pub const MAX_WHOLE: usize = 200;

/// Why a mailbox could not be read: the cause as a code, and in words (scrubbed of the password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailError {
    pub code: ErrorCode,
    pub message: String,
}

impl MailError {
    fn new(code: ErrorCode, message: String) -> Self {
        Self { code, message }
    }
}

/// Whatever the mail server answered that is not a connection's failure.
impl From<String> for MailError {
    fn from(message: String) -> Self {
        Self::new(ErrorCode::Network, message)
    }
}

/// Everything read reaches the caller scrubbed of the password (errors and headers alike).
pub async fn headers_since(account: &Account, query: &Query<'_>) -> Result<Vec<Header>, MailError> {
    match headers_unscrubbed(account, query).await {
        Ok(headers) => Ok(headers
            .into_iter()
            .map(|h| Header {
                raw: account.scrub(&h.raw),
                ..h
            })
            .collect()),
        Err(e) => Err(MailError::new(e.code, account.scrub_message(&e.message))),
    }
}

async fn headers_unscrubbed(
    account: &Account,
    query: &Query<'_>,
) -> Result<Vec<Header>, MailError> {
    let password = account
        .password()
        .map_err(|e| MailError::new(ErrorCode::InvalidInput, e.to_string()))?;
    let place = format!("IMAP {}:{}", account.host, account.port);
    let tcp = tokio::time::timeout(
        Duration::from_secs(15),
        TcpStream::connect((account.host.as_str(), account.port)),
    )
    .await
    .map_err(|_| {
        MailError::new(
            ErrorCode::Timeout,
            format!("{place}: no answer within 15 s"),
        )
    })?
    .map_err(|e| MailError::new(connect_code(&e), format!("{place}: {e}")))?;
    Ok(match account.security {
        Security::None => read(Client::new(tcp), account, &password, query, &place).await?,
        Security::Tls => {
            let name =
                ServerName::try_from(account.host.clone()).map_err(|e| format!("{place}: {e}"))?;
            let stream = TlsConnector::from(super::probe::tls_config())
                .connect(name, tcp)
                .await
                .map_err(|e| {
                    MailError::new(
                        ErrorCode::Tls,
                        format!("{place}: TLS handshake failed: {e}"),
                    )
                })?;
            read(Client::new(stream), account, &password, query, &place).await?
        }
        // Refused when the audit file loads: IMAP is read over TLS from the start.
        Security::StartTls => {
            return Err(MailError::new(
                ErrorCode::InvalidInput,
                format!("{place}: use tls = \"tls\" (port 993) for IMAP"),
            ));
        }
    })
}

/// A failed connection's cause; a name that does not resolve is an error of its own kind in
/// the standard library, told apart only by having no socket error behind it.
fn connect_code(error: &std::io::Error) -> ErrorCode {
    match super::io_error_code(error.kind()) {
        ErrorCode::Network if error.raw_os_error().is_none() => ErrorCode::Dns,
        code => code,
    }
}

async fn read<T>(
    mut client: Client<T>,
    account: &Account,
    password: &str,
    query: &Query<'_>,
    place: &str,
) -> Result<Vec<Header>, MailError>
where
    T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    client
        .read_response()
        .await
        .map_err(|e| format!("{place}: {e}"))?
        .ok_or_else(|| format!("{place}: no greeting"))?;
    let mut session = client
        .login(&account.user, password)
        .await
        .map_err(|(e, _)| {
            // The account's name or password is wrong: the audit's input, not the network.
            MailError::new(
                ErrorCode::InvalidInput,
                format!("{place}: login as {} failed: {e}", account.user),
            )
        })?;
    let mailbox = query.mailbox;
    session.select(mailbox).await.map_err(|e| {
        // The audit's `mailbox` names one the account does not have.
        MailError::new(
            ErrorCode::InvalidInput,
            format!("{place}: mailbox {mailbox}: {e}"),
        )
    })?;
    // SINCE compares dates in the server's time zone: a day earlier never misses one.
    let since = format!(
        "SINCE {}",
        (query.since.checked_sub_signed(chrono::TimeDelta::days(1)))
            .unwrap_or(query.since)
            .format("%d-%b-%Y")
    );
    let mut search = async |criteria: &str| -> Result<Vec<u32>, String> {
        let found = session.uid_search(criteria).await;
        let mut uids: Vec<u32> = found
            .map_err(|e| format!("{place}: search: {e}"))?
            .into_iter()
            .collect();
        uids.sort_unstable();
        Ok(uids)
    };
    let all = search(&since).await?;
    // The newest ones when a flood of unrelated mail arrived, and whatever names a probe.
    let mut uids = all[all.len().saturating_sub(MAX_MESSAGES)..].to_vec();
    // One search for them all (`OR a OR b c`): the server scans the mailbox once.
    let mut named = Vec::new();
    if let Some((last, rest)) = query.wanted.split_last() {
        let any = rest
            .iter()
            .rev()
            .fold(last.clone(), |acc, key| format!("OR {key} {acc}"));
        named = search(&format!("{since} {any}")).await?;
        uids.extend(&named);
    }
    uids.sort_unstable();
    uids.dedup();
    let mut headers = Vec::with_capacity(uids.len());
    if !uids.is_empty() {
        let set = uids
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let mut fetches = session
            .uid_fetch(&set, "(UID INTERNALDATE BODY.PEEK[HEADER])")
            .await
            .map_err(|e| format!("{place}: fetch: {e}"))?;
        while let Some(fetch) = fetches.next().await {
            let fetch = fetch.map_err(|e| format!("{place}: fetch: {e}"))?;
            headers.push(Header {
                uid: fetch.uid.unwrap_or_default(),
                received_at: fetch.internal_date(),
                raw: fetch.header().map(<[u8]>::to_vec).unwrap_or_default(),
            });
        }
    }
    let whole: Vec<u32> = headers
        .iter()
        .filter(|h| named.binary_search(&h.uid).is_ok() || (query.whole)(&h.raw))
        .map(|h| h.uid)
        .take(MAX_WHOLE)
        .collect();
    if !whole.is_empty() {
        let set = whole
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let mut fetches = session
            .uid_fetch(&set, format!("(UID BODY.PEEK[]<0.{WHOLE_BYTES}>)"))
            .await
            .map_err(|e| format!("{place}: fetch: {e}"))?;
        while let Some(fetch) = fetches.next().await {
            let fetch = fetch.map_err(|e| format!("{place}: fetch: {e}"))?;
            let (Some(uid), Some(body)) = (fetch.uid, fetch.body()) else {
                continue;
            };
            if let Some(header) = headers.iter_mut().find(|h| h.uid == uid) {
                header.raw = body.to_vec();
            }
        }
    }
    let _ = session.logout().await;
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_server_echoes_is_scrubbed_of_the_password_in_every_form() {
        // SAFETY: a variable only this test reads, set before anything reads it.
        unsafe { std::env::set_var("CENTRICITY_TEST_MAIL_SECRET", "hunter2-secret") };
        let account = Account {
            host: "127.0.0.1".into(),
            port: 2525,
            user: "auditor".into(),
            password_env: "CENTRICITY_TEST_MAIL_SECRET".into(),
            security: Security::None,
        };
        use base64::Engine as _;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let echoed = format!(
            "535 bad login hunter2-secret; AUTH PLAIN {}; AUTH LOGIN {}",
            b64("\0auditor\0hunter2-secret"),
            b64("hunter2-secret")
        );
        let scrubbed = account.scrub_message(&echoed);
        assert_eq!(
            scrubbed,
            "535 bad login ***; AUTH PLAIN ***; AUTH LOGIN ***"
        );
    }

    #[tokio::test]
    async fn a_message_that_cannot_be_sent_says_why_before_any_connection() {
        let account = Account {
            host: "127.0.0.1".into(),
            // Nothing listens here: reaching the network would be a different error.
            port: 9,
            user: "auditor".into(),
            password_env: "CENTRICITY_TEST_MAIL_UNSET".into(),
            security: Security::None,
        };
        let message = |to| Outgoing {
            from: "auditor@example.net",
            envelope_from: "auditor+cx1@example.net",
            reply_to: "auditor+cx1@example.net",
            to,
            subject: "Question",
            body: "Hello",
            message_id: "<centricity.cx1@example.net>",
        };
        let error = send(&account, &message("care@example.com"))
            .await
            .unwrap_err();
        assert_eq!(
            error,
            SendError::Password(MissingPassword {
                variable: "CENTRICITY_TEST_MAIL_UNSET".into(),
                user: "auditor".into()
            })
        );
        assert_eq!(
            error.to_string(),
            "the environment variable CENTRICITY_TEST_MAIL_UNSET (the password for auditor) is not set"
        );
        let error = send(&account, &message("not an address"))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, SendError::NotAnAddress { address, .. } if address == "not an address"),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .starts_with("`not an address` is not an address: "),
            "{error}"
        );
    }
}
