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
