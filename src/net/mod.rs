//! Network access. `fetch` is the polite page fetcher (robots.txt, pace per
//! host, retries, caps, bot walls); `probe` drives single HTTP exchanges
//! itself so each phase (DNS, connect, TLS, first byte, body) is timed on the
//! same connection.

pub mod fetch;
pub mod mail;
pub mod probe;
pub mod robots;
pub mod walls;

/// An honest user agent: who we are and where to read what we do.
pub const USER_AGENT: &str = concat!(
    "centricity/",
    env!("CARGO_PKG_VERSION"),
    " (customer-centricity audit; +https://github.com/centricity-audit/centricity)"
);

/// `www.acme.example` and `acme.example` are the same company site.
pub fn bare_host(host: &str) -> String {
    host.trim_start_matches("www.").to_ascii_lowercase()
}

/// A socket error's kind as a check's error code.
pub fn io_error_code(kind: std::io::ErrorKind) -> crate::verdict::ErrorCode {
    use crate::verdict::ErrorCode;
    use std::io::ErrorKind;
    match kind {
        ErrorKind::ConnectionRefused => ErrorCode::ConnectionRefused,
        ErrorKind::ConnectionReset
        | ErrorKind::ConnectionAborted
        | ErrorKind::BrokenPipe
        | ErrorKind::UnexpectedEof => ErrorCode::ConnectionReset,
        ErrorKind::TimedOut => ErrorCode::Timeout,
        _ => ErrorCode::Network,
    }
}
