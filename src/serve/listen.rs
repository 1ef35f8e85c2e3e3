//! The server's connections. Bounded in number, and each must send a request's head within a
//! time limit (also when it idles between requests), so a client that opens many connections,
//! or trickles a byte at a time, cannot hold the server from anyone else.

use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Open connections at once. Beyond this, new ones wait in the kernel's backlog until a slot
/// frees, which the head time limit makes sure happens.
pub const MAX_CONNECTIONS: usize = 256;
/// The time a connection has to send a whole request head, counted from when it opens or its
/// last answer was sent.
pub const HEAD_TIME_LIMIT: Duration = Duration::from_secs(10);
/// The largest request head read; a browser's is a few KiB.
const HEAD_BUFFER: usize = 64 * 1024;
/// How long the requests in flight may take to finish once the server is told to stop.
const DRAIN_TIME_LIMIT: Duration = Duration::from_secs(30);

/// Serves `router` on `listener` until `shutdown` resolves, then lets the requests in flight
/// finish (for at most [`DRAIN_TIME_LIMIT`]).
pub async fn serve_until(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let graceful = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot,
            () = &mut shutdown => break,
        };
        // The semaphore is never closed.
        let Ok(slot) = slot else { break };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    pause_after(&e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEAD_TIME_LIMIT)
            .max_buf_size(HEAD_BUFFER)
            .serve_connection(
                TokioIo::new(stream),
                TowerToHyperService::new(router.clone()),
            );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that hangs up or times out is no error of the server's.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN_TIME_LIMIT, graceful.shutdown()).await;
}

/// An aborted connection is the client's business; running out of file descriptors is not,
/// and retrying at once would spin, so the loop waits a moment first.
async fn pause_after(error: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if !matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        tracing::warn!("cannot accept a connection: {error}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
