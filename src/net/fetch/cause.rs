//! What went wrong in a reqwest exchange, as a typed cause and in words.

use super::Fetched;
use crate::verdict::ErrorCode;

pub(super) fn failed(error: &reqwest::Error) -> Fetched {
    Fetched::Failed {
        code: error_code(error),
        reason: describe(error),
    }
}

/// reqwest's error as a cause: the socket's own kind where the chain has one.
fn error_code(error: &reqwest::Error) -> ErrorCode {
    if error.is_timeout() {
        return ErrorCode::Timeout;
    }
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            let code = crate::net::io_error_code(io.kind());
            if code != ErrorCode::Network {
                return code;
            }
        }
        let text = cause.to_string().to_lowercase();
        // hyper-util reports a failed lookup as its own error type, rustls as its own: their
        // types are private, so their messages are what names them.
        if text.contains("dns error") || text.contains("failed to lookup address") {
            return ErrorCode::Dns;
        }
        if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
            return ErrorCode::Tls;
        }
        source = cause.source();
    }
    if error.is_redirect() {
        ErrorCode::TooManyRedirects
    } else {
        ErrorCode::Network
    }
}

/// reqwest's errors, with the cause that says what happened.
fn describe(error: &reqwest::Error) -> String {
    let mut message = if error.is_timeout() {
        "timed out".to_string()
    } else {
        error.to_string()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    message
}
