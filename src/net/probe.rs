//! One timed HTTP exchange, redirects followed, every phase measured on the
//! connection that carried the request (the way `curl -w` reports it).

use crate::verdict::ErrorCode;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1;
use hyper::header::{ACCEPT, CONNECTION, HOST, LOCATION, USER_AGENT};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{ClientConfig, RootCertStore, pki_types::ServerName};
use url::{Host, Url};

/// Redirects beyond this are a loop or a trap, not a contact page.
pub const MAX_REDIRECTS: u32 = 10;
/// The body is read to its end for the total time, but only this much is kept
/// for `body_contains`; a larger body is cut, and the cut is reported.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// A finished exchange: the final response and how long each phase took.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub status: u16,
    pub final_url: String,
    pub redirects: u32,
    pub dns: Duration,
    pub connect: Duration,
    pub tls: Duration,
    /// From the start of the first request to the final response's headers.
    pub ttfb: Duration,
    /// From the start to the end of the final body (or of what was kept of it).
    pub total: Duration,
    pub body: Vec<u8>,
    pub body_truncated: bool,
}

/// Why no response came back. The message names the phase that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    #[error("DNS lookup of {host} failed: {reason}")]
    Dns { host: String, reason: String },
    #[error("cannot connect to {addr}: {reason}")]
    Connect {
        addr: String,
        reason: String,
        code: ErrorCode,
    },
    #[error("TLS handshake with {host} failed: {reason}")]
    Tls { host: String, reason: String },
    #[error("HTTP exchange failed: {reason}")]
    Http { reason: String, code: ErrorCode },
    #[error("timed out after {}", humantime::format_duration(*.0))]
    Timeout(Duration),
    #[error("more than {MAX_REDIRECTS} redirects (last to {0})")]
    TooManyRedirects(String),
    #[error("unusable URL {0}")]
    BadUrl(String),
}

impl ProbeError {
    /// The cause as a stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            ProbeError::Dns { .. } => ErrorCode::Dns,
            ProbeError::Connect { code, .. } | ProbeError::Http { code, .. } => *code,
            ProbeError::Tls { .. } => ErrorCode::Tls,
            ProbeError::Timeout(_) => ErrorCode::Timeout,
            ProbeError::TooManyRedirects(_) => ErrorCode::TooManyRedirects,
            ProbeError::BadUrl(_) => ErrorCode::InvalidInput,
        }
    }
}

/// Sends `method` to `url`, follows redirects, and times everything, within `limit`.
pub async fn exchange(url: &Url, method: &Method, limit: Duration) -> Result<Exchange, ProbeError> {
    tokio::time::timeout(limit, follow(url, method))
        .await
        .unwrap_or(Err(ProbeError::Timeout(limit)))
}

async fn follow(url: &Url, method: &Method) -> Result<Exchange, ProbeError> {
    let start = Instant::now();
    let mut url = url.clone();
    let mut method = method.clone();
    let (mut dns, mut connect, mut tls) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for redirects in 0..=MAX_REDIRECTS {
        let hop = one_hop(&url, &method).await?;
        dns += hop.dns;
        connect += hop.connect;
        tls += hop.tls;
        let next = hop.location.as_deref().and_then(|loc| url.join(loc).ok());
        match next {
            Some(next) if is_redirect(hop.status) => {
                // 303 always turns into GET; so do 301/302 after a POST, as browsers do.
                if hop.status == 303 || (method == Method::POST && matches!(hop.status, 301 | 302))
                {
                    method = Method::GET;
                }
                url = next;
            }
            _ => {
                return Ok(Exchange {
                    status: hop.status,
                    final_url: url.to_string(),
                    redirects,
                    dns,
                    connect,
                    tls,
                    ttfb: hop.headers_at.duration_since(start),
                    total: start.elapsed(),
                    body: hop.body,
                    body_truncated: hop.body_truncated,
                });
            }
        }
    }
    Err(ProbeError::TooManyRedirects(url.to_string()))
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

struct Hop {
    status: u16,
    location: Option<String>,
    dns: Duration,
    connect: Duration,
    tls: Duration,
    headers_at: Instant,
    body: Vec<u8>,
    body_truncated: bool,
}

async fn one_hop(url: &Url, method: &Method) -> Result<Hop, ProbeError> {
    let port = url
        .port_or_known_default()
        .ok_or_else(|| ProbeError::BadUrl(url.to_string()))?;
    let host = url
        .host()
        .ok_or_else(|| ProbeError::BadUrl(url.to_string()))?;
    let started = Instant::now();
    let addrs = resolve(&host, port).await?;
    let dns = started.elapsed();
    let stream = connect_any(&addrs).await?;
    let connected = Instant::now();
    let connect = connected.duration_since(started) - dns;
    match url.scheme() {
        "https" => {
            let host_name = host.to_string();
            let name = ServerName::try_from(host_name.trim_matches(['[', ']']).to_string())
                .map_err(|e| ProbeError::Tls {
                    host: host_name.clone(),
                    reason: e.to_string(),
                })?;
            let stream = TlsConnector::from(tls_config())
                .connect(name, stream)
                .await
                .map_err(|e| ProbeError::Tls {
                    host: host_name,
                    reason: e.to_string(),
                })?;
            let tls = connected.elapsed();
            let mut hop = request(stream, url, method).await?;
            (hop.dns, hop.connect, hop.tls) = (dns, connect, tls);
            Ok(hop)
        }
        "http" => {
            let mut hop = request(stream, url, method).await?;
            (hop.dns, hop.connect) = (dns, connect);
            Ok(hop)
        }
        _ => Err(ProbeError::BadUrl(url.to_string())),
    }
}

async fn resolve(host: &Host<&str>, port: u16) -> Result<Vec<SocketAddr>, ProbeError> {
    match host {
        Host::Ipv4(ip) => Ok(vec![SocketAddr::new((*ip).into(), port)]),
        Host::Ipv6(ip) => Ok(vec![SocketAddr::new((*ip).into(), port)]),
        Host::Domain(name) => {
            let dns_error = |reason: String| ProbeError::Dns {
                host: (*name).to_string(),
                reason,
            };
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((*name, port))
                .await
                .map_err(|e| dns_error(e.to_string()))?
                .collect();
            if addrs.is_empty() {
                Err(dns_error("no addresses".into()))
            } else {
                Ok(addrs)
            }
        }
    }
}

async fn connect_any(addrs: &[SocketAddr]) -> Result<TcpStream, ProbeError> {
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => {
                // Small requests: do not let Nagle add latency to what we measure.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(err) => {
                last = Some(ProbeError::Connect {
                    addr: addr.to_string(),
                    reason: err.to_string(),
                    code: super::io_error_code(err.kind()),
                })
            }
        }
    }
    Err(last.unwrap_or_else(|| ProbeError::Connect {
        addr: "(none)".into(),
        reason: "no address".into(),
        code: ErrorCode::Dns,
    }))
}

async fn request<IO>(io: IO, url: &Url, method: &Method) -> Result<Hop, ProbeError>
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let http_error = |e: hyper::Error| ProbeError::Http {
        code: if e.is_incomplete_message() || e.is_closed() {
            ErrorCode::ConnectionReset
        } else {
            ErrorCode::Network
        },
        reason: e.to_string(),
    };
    let (mut sender, connection) = http1::handshake(TokioIo::new(io))
        .await
        .map_err(http_error)?;
    // The connection task ends when the exchange does (Connection: close).
    tokio::spawn(connection);
    let host_header = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    };
    let path = &url[url::Position::BeforePath..url::Position::AfterQuery];
    let request = Request::builder()
        .method(method.clone())
        .uri(if path.is_empty() { "/" } else { path })
        .header(HOST, host_header)
        .header(USER_AGENT, super::USER_AGENT)
        .header(ACCEPT, "*/*")
        .header(CONNECTION, "close")
        .body(Empty::<Bytes>::new())
        .map_err(|e| ProbeError::BadUrl(format!("{url}: {e}")))?;
    let response = sender.send_request(request).await.map_err(http_error)?;
    let headers_at = Instant::now();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut body_stream = response.into_body();
    let mut body = Vec::new();
    let mut body_truncated = false;
    while let Some(frame) = body_stream.frame().await {
        let frame = frame.map_err(http_error)?;
        if let Some(chunk) = frame.data_ref() {
            let room = MAX_BODY_BYTES - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                body_truncated = true;
                break;
            }
            body.extend_from_slice(chunk);
        }
    }
    Ok(Hop {
        status,
        location,
        dns: Duration::ZERO,
        connect: Duration::ZERO,
        tls: Duration::ZERO,
        headers_at,
        body,
        body_truncated,
    })
}

pub(crate) fn tls_config() -> Arc<ClientConfig> {
    static CONFIG: OnceLock<Arc<ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots = RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            // The provider is named, not taken from process defaults, so no
            // other crate's feature choice can make this panic.
            let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
            let config = ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map(|b| b.with_root_certificates(roots).with_no_client_auth());
            Arc::new(
                config.unwrap_or_else(|_| {
                    unreachable!("ring supports the default protocol versions")
                }),
            )
        })
        .clone()
}
