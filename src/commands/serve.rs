//! `centricity serve`: wires the arguments to the dashboard server.

use std::io::Read as _;

use crate::cli::{ServeAction, ServeArgs};
use crate::exit::Exit;
use crate::report::sanitize::terminal;
use crate::serve::{self, Config, ServeError, Tokens};
use crate::store::{self, StoreError};

pub fn run(args: &ServeArgs) -> Exit {
    if let Some(ServeAction::HashToken) = args.action {
        return hash_token();
    }
    let tokens = match args.tokens.as_deref().map(Tokens::load).transpose() {
        Ok(tokens) => tokens,
        Err(e) => return super::input_error(&e.to_string()),
    };
    let config = Config {
        store_url: args
            .store
            .clone()
            .unwrap_or_else(|| store::default_url(std::path::Path::new("."))),
        listen: args.listen,
        tokens,
    };
    if let Err(e) = serve::check(&config) {
        return super::input_error(&e.to_string());
    }
    eprintln!(
        "history store: {}",
        terminal(&store::redact(&config.store_url))
    );
    let runtime = match super::runtime(true) {
        Ok(runtime) => runtime,
        Err(exit) => return exit,
    };
    match runtime.block_on(serve::serve(config, stopped())) {
        Ok(()) => Exit::Ok,
        Err(ServeError::Store(
            e @ (StoreError::BadUrl { .. }
            | StoreError::NewerSchema { .. }
            | StoreError::Missing(_)),
        )) => super::input_error(&e.to_string()),
        Err(e) => {
            eprintln!("error: {e}");
            Exit::Runtime
        }
    }
}

/// Ctrl-C, or SIGTERM (what systemd and container runtimes send).
async fn stopped() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
    eprintln!("stopping: finishing the requests in flight");
}

/// Reads a token on stdin (one line; surrounding space ignored) and prints its tokens-file line.
fn hash_token() -> Exit {
    let mut token = String::new();
    // A token is short; a larger input is not one.
    if std::io::stdin()
        .take(4096)
        .read_to_string(&mut token)
        .is_err()
    {
        return super::input_error("the token on stdin is not text");
    }
    let token = token.trim();
    if token.len() < 16 {
        return super::input_error(
            "give the token on stdin, at least 16 characters (for instance `openssl rand -hex 24`)",
        );
    }
    println!("{}", serve::line_for(token));
    Exit::Ok
}
