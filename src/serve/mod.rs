//! `centricity serve`: the dashboard over the history store. Server-rendered pages in the
//! report's look (no script, the report's CSP), each also as JSON and CSV; read-only on the
//! store; open on loopback, and per-client tokens anywhere else.

mod access;
mod layout;
mod listen;
mod pages;
mod pool;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub use access::{Scope, Tokens, line_for};
use pool::StorePool;

use crate::store::StoreError;

/// Connections to the store: a page's queries run on one, so a few serve both cores.
const STORE_WORKERS: usize = 4;
/// The longest a page may take; the store's queries are indexed, so this is only a guard.
const PAGE_TIME_LIMIT: Duration = Duration::from_secs(30);

/// What `serve` was asked for.
pub struct Config {
    pub store_url: String,
    pub listen: SocketAddr,
    pub tokens: Option<Tokens>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "{0} is not a loopback address: serving the store beyond this machine needs --tokens FILE, so each client reads only its own portfolios"
    )]
    OpenBeyondLoopback(SocketAddr),
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Refuses to serve an open store to the network.
pub fn check(config: &Config) -> Result<(), ServeError> {
    if config.tokens.is_none() && !config.listen.ip().is_loopback() {
        return Err(ServeError::OpenBeyondLoopback(config.listen));
    }
    Ok(())
}

struct App {
    pool: StorePool,
    tokens: Option<Tokens>,
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    check(&config)?;
    let pool = StorePool::open(&config.store_url, STORE_WORKERS)?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| ServeError::Listen(config.listen, e))?;
    let bound = listener
        .local_addr()
        .map_err(|e| ServeError::Listen(config.listen, e))?;
    eprintln!("serving the dashboard on http://{bound}/ (Ctrl-C stops)");
    let app = Arc::new(App {
        pool,
        tokens: config.tokens,
    });
    listen::serve_until(listener, router(app), shutdown).await;
    Ok(())
}

fn router(app: Arc<App>) -> Router {
    let guarded = Router::new()
        .route("/", get(pages::index))
        .route("/portfolio/{name}", get(pages::portfolio))
        .route("/audit/{name}", get(pages::audit))
        .route("/run/{id}", get(pages::run))
        .route("/compare/{a}/{b}", get(pages::compare))
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(Arc::clone(&app), authorize));
    Router::new()
        // A health check carries no token and learns only that the store answers.
        .route("/healthz", get(pages::healthz))
        .merge(guarded)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            PAGE_TIME_LIMIT,
        ))
        // Outside the time limit, so its 503 carries the house's headers too.
        .layer(middleware::from_fn(house_rules))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(16 * 1024))
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(app)
}

/// The scope the request's token gives, or 401 with a challenge a browser answers with its
/// login box. Without a tokens file (loopback only) every request reads everything.
async fn authorize(State(app): State<Arc<App>>, mut request: Request, next: Next) -> Response {
    let scope = match &app.tokens {
        None => Scope::All,
        Some(tokens) => {
            let presented = request
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(access::presented);
            match presented.as_deref().and_then(|t| tokens.scope_of(t)) {
                Some(scope) => scope.clone(),
                None => return unauthorized(),
            }
        }
    };
    request.extensions_mut().insert(scope);
    next.run(request).await
}

fn unauthorized() -> Response {
    let mut response = layout::message_page(
        StatusCode::UNAUTHORIZED,
        "Sign in",
        "This dashboard needs a token: give it as the password (any user name), or as a bearer token.",
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"centricity\", charset=\"UTF-8\""),
    );
    response
}

/// Headers every answer carries (no script, no framing, nothing cached: the data is a
/// client's), and with `-v` one log line per request: method, path, status, time. Never a
/// header, so never a token.
async fn house_rules(request: Request, next: Next) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let started = Instant::now();
    let mut response = next.run(request).await.into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, crate::report::html::CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    tracing::info!(
        "{method} {} {} {:.1} ms",
        crate::report::sanitize::terminal(&path),
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}
