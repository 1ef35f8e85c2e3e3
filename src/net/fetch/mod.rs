//! The polite fetcher every page read goes through: honest user agent,
//! robots.txt obeyed, one request at a time per host with a delay, retries
//! with backoff on 429/5xx honouring Retry-After, a body-size cap, and bot
//! walls recognised and reported, never bypassed.

use crate::budget::Budget;
use crate::verdict::ErrorCode;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use reqwest::header::{CONTENT_TYPE, LOCATION, RETRY_AFTER};
use url::Url;

use super::robots::Robots;

mod cause;

/// Our product token in robots.txt groups.
pub const ROBOTS_AGENT: &str = "centricity";

/// How politely to fetch. The defaults suit live review sites.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Pause between two requests to the same host.
    pub delay: Duration,
    /// One request's time limit.
    pub timeout: Duration,
    /// A page larger than this is not read.
    pub max_body: usize,
    /// Further attempts after a 429 or 5xx.
    pub retries: u32,
    /// First backoff when no Retry-After is given; doubles each attempt.
    pub backoff: Duration,
    /// A Retry-After longer than this is not waited for.
    pub max_retry_wait: Duration,
    /// The time of the check using this fetcher: no exchange (robots.txt, retries and
    /// redirects included) goes past its wrap-up time.
    pub budget: Option<Budget>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            delay: Duration::from_secs(1),
            timeout: Duration::from_secs(30),
            max_body: 8 * 1024 * 1024,
            retries: 2,
            backoff: Duration::from_secs(1),
            max_retry_wait: Duration::from_secs(60),
            budget: None,
        }
    }
}

/// A page as fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub url: String,
    pub final_url: String,
    pub status: u16,
    pub fetched_at: DateTime<FixedOffset>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// `name=value` of every cookie the exchange set, for a form's follow-up request.
    pub cookies: Vec<String>,
}

/// A request beyond a plain GET: a form submission, with the cookies its page set.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    pub form: Vec<(String, String)>,
    pub cookies: Vec<String>,
    /// POST (the usual) or GET.
    pub post: bool,
}

/// What fetching a URL came to. Only `Page` has content.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    Page(Page),
    /// robots.txt says no (or answered 5xx, which RFC 9309 treats as no).
    Disallowed {
        reason: String,
    },
    /// A bot wall, a 403, or rate limiting we will not wait out.
    Blocked {
        reason: String,
        code: ErrorCode,
    },
    Failed {
        reason: String,
        code: ErrorCode,
    },
}

impl Fetched {
    /// Why no page came, as a code and in words; `None` for a page.
    pub fn failure(&self) -> Option<(ErrorCode, &str)> {
        match self {
            Fetched::Page(_) => None,
            Fetched::Disallowed { reason } => Some((ErrorCode::RobotsDisallow, reason)),
            Fetched::Blocked { reason, code } | Fetched::Failed { reason, code } => {
                Some((*code, reason))
            }
        }
    }
}

const MAX_REDIRECTS: usize = 10;

struct Host {
    last_request: Option<Instant>,
    robots: Option<Robots>,
}

pub struct Fetcher {
    client: reqwest::Client,
    policy: Policy,
}

/// Every host's pace and robots.txt, shared by all the fetchers of the process: two checks,
/// or two companies of a portfolio, on one review platform wait their turn there and read its
/// rules once.
fn hosts() -> &'static Mutex<HashMap<String, Arc<tokio::sync::Mutex<Host>>>> {
    static HOSTS: std::sync::OnceLock<Mutex<HashMap<String, Arc<tokio::sync::Mutex<Host>>>>> =
        std::sync::OnceLock::new();
    HOSTS.get_or_init(Mutex::default)
}

impl Fetcher {
    pub fn new(policy: Policy) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .user_agent(super::USER_AGENT)
            // Redirects are followed by hand, so each hop passes robots.txt and the host's pace.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(policy.timeout)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self { client, policy })
    }

    pub async fn get(&self, url: &Url) -> Fetched {
        self.within_deadline(url, self.send(url, None)).await
    }

    /// Submits a form: robots.txt and the host's pace apply as for pages; a POST is
    /// never retried (it could be sent twice), and a redirect after it is followed with GET.
    pub async fn submit(&self, url: &Url, submission: &Submission) -> Fetched {
        self.within_deadline(url, self.send(url, Some(submission)))
            .await
    }

    async fn within_deadline(&self, url: &Url, exchange: impl Future<Output = Fetched>) -> Fetched {
        let Some(budget) = self.policy.budget else {
            return exchange.await;
        };
        budget
            .bound(exchange)
            .await
            .unwrap_or_else(|| Fetched::Failed {
                reason: format!("not read: {budget} ran out while fetching {url}"),
                code: ErrorCode::Timeout,
            })
    }

    async fn send(&self, url: &Url, mut submission: Option<&Submission>) -> Fetched {
        let mut cookies: Vec<String> = submission.map(|s| s.cookies.clone()).unwrap_or_default();
        let mut current = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            let host = self.host(&current);
            // Holding the host's lock for the whole exchange keeps one request at a time per host.
            let mut host = host.lock().await;
            if host.robots.is_none() {
                // A robots.txt that could not be reached (refused, DNS, TLS) says nothing: the
                // page cannot be reached either, and that is the failure to report.
                match self.robots(&current, &mut host).await {
                    Ok(robots) => host.robots = Some(robots),
                    Err(failed) => return failed,
                }
            }
            let path = &current[url::Position::BeforePath..url::Position::AfterQuery];
            if !host.robots.as_ref().is_some_and(|r| r.allows(path)) {
                return Fetched::Disallowed {
                    reason: host.robots.as_ref().map_or_else(
                        || format!("disallowed by robots.txt: {current}"),
                        |r| r.why_disallowed(&current),
                    ),
                };
            }
            let response = match self
                .send_with_retries(&current, &mut host, submission, &cookies)
                .await
            {
                Ok(response) => response,
                Err(outcome) => return outcome,
            };
            drop(host);
            let status = response.status().as_u16();
            collect_cookies(&response, &mut cookies);
            if (300..400).contains(&status) {
                let next = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| current.join(l).ok());
                match next {
                    Some(next) => {
                        current = next;
                        // After a form, the redirect is a plain GET (POST-redirect-GET).
                        submission = None;
                        continue;
                    }
                    None => {
                        return Fetched::Failed {
                            reason: format!("HTTP {status} without a usable Location"),
                            code: ErrorCode::HttpStatus,
                        };
                    }
                }
            }
            return match self.read_page(url, &current, response).await {
                Fetched::Page(page) => Fetched::Page(Page { cookies, ..page }),
                other => other,
            };
        }
        Fetched::Failed {
            reason: format!("more than {MAX_REDIRECTS} redirects (a redirect loop?) from {url}"),
            code: ErrorCode::TooManyRedirects,
        }
    }

    fn host(&self, url: &Url) -> Arc<tokio::sync::Mutex<Host>> {
        let key = url.origin().ascii_serialization();
        let mut hosts = hosts()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(hosts.entry(key).or_insert_with(|| {
            Arc::new(tokio::sync::Mutex::new(Host {
                last_request: None,
                robots: None,
            }))
        }))
    }

    async fn robots(&self, url: &Url, host: &mut Host) -> Result<Robots, Fetched> {
        let Ok(mut robots_url) = url.join("/robots.txt") else {
            return Ok(Robots::disallow_all());
        };
        // RFC 9309 §2.3.1.2: follow at least five redirects (http → https is common).
        for _ in 0..=5 {
            self.wait_turn(host).await;
            let result = self.client.get(robots_url.clone()).send().await;
            host.last_request = Some(Instant::now());
            let response = match result {
                Ok(response) => response,
                Err(e) => {
                    return Err(cause::failed(&e));
                }
            };
            let status = response.status();
            if status.is_redirection() {
                match response
                    .headers()
                    .get(LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| robots_url.join(l).ok())
                {
                    Some(next) => {
                        robots_url = next;
                        continue;
                    }
                    None => return Ok(Robots::allow_all()),
                }
            }
            return Ok(if status.is_success() {
                match read_prefix(response, super::robots::MAX_BYTES).await {
                    Ok(body) => Robots::parse(&String::from_utf8_lossy(&body), ROBOTS_AGENT),
                    // A body that broke off is the network failing, not the site's wish.
                    Err(e) => {
                        return Err(cause::failed(&e));
                    }
                }
            } else if status.is_client_error() {
                // A missing robots.txt (4xx) allows everything; an unreachable one (5xx) nothing.
                Robots::allow_all()
            } else {
                Robots::unreachable(status.as_u16())
            });
        }
        // More than five redirects: RFC 9309 treats it as unavailable (4xx), allowing all.
        Ok(Robots::allow_all())
    }

    async fn wait_turn(&self, host: &Host) {
        if let Some(last) = host.last_request {
            tokio::time::sleep_until((last + self.policy.delay).into()).await;
        }
    }

    async fn send_with_retries(
        &self,
        url: &Url,
        host: &mut Host,
        submission: Option<&Submission>,
        cookies: &[String],
    ) -> Result<reqwest::Response, Fetched> {
        let mut attempt = 0;
        loop {
            self.wait_turn(host).await;
            let mut request = match submission {
                Some(s) if s.post => self.client.post(url.clone()).form(&s.form),
                Some(s) => self.client.get(url.clone()).query(&s.form),
                None => self.client.get(url.clone()),
            };
            if !cookies.is_empty() {
                request = request.header(reqwest::header::COOKIE, cookies.join("; "));
            }
            let result = request.send().await;
            host.last_request = Some(Instant::now());
            let response = result.map_err(|e| cause::failed(&e))?;
            let status = response.status().as_u16();
            let posting = submission.is_some_and(|s| s.post);
            if posting
                || !matches!(status, 429 | 500 | 502 | 503 | 504)
                || attempt >= self.policy.retries
            {
                return Ok(response);
            }
            let wait = retry_after(&response).unwrap_or(self.policy.backoff * 2u32.pow(attempt));
            // A challenge page answers the same however often it is asked: do not retry a bot wall.
            if let Ok(Some(body)) = read_capped(response, 256 * 1024).await
                && let Some(wall) = super::walls::recognise(&body)
            {
                return Err(walled(status, wall));
            }
            if wait > self.policy.max_retry_wait {
                let reason = format!(
                    "HTTP {status} asking to retry after {}, longer than the {} we wait",
                    humantime::format_duration(wait),
                    humantime::format_duration(self.policy.max_retry_wait)
                );
                let code = ErrorCode::HttpStatus;
                return Err(if status == 429 {
                    Fetched::Blocked { reason, code }
                } else {
                    Fetched::Failed { reason, code }
                });
            }
            tracing::debug!(%url, status, ?wait, "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn read_page(&self, url: &Url, final_url: &Url, response: reqwest::Response) -> Fetched {
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let fetched_at = chrono::Local::now().fixed_offset();
        let body = match read_capped(response, self.policy.max_body).await {
            Ok(Some(body)) => body,
            Ok(None) => {
                return Fetched::Failed {
                    reason: format!("page larger than {} bytes; not read", self.policy.max_body),
                    code: ErrorCode::BodyTooLarge,
                };
            }
            Err(e) => {
                return cause::failed(&e);
            }
        };
        if let Some(wall) = super::walls::recognise(&body) {
            return walled(status, wall);
        }
        match status {
            403 => Fetched::Blocked {
                reason: "HTTP 403 Forbidden".into(),
                code: ErrorCode::HttpStatus,
            },
            429 => Fetched::Blocked {
                reason: "HTTP 429 Too Many Requests, after retries".into(),
                code: ErrorCode::HttpStatus,
            },
            _ => Fetched::Page(Page {
                url: url.to_string(),
                final_url: final_url.to_string(),
                status,
                fetched_at,
                content_type,
                body,
                cookies: Vec::new(),
            }),
        }
    }
}

/// Adds (or replaces) the `name=value` of each Set-Cookie header.
fn collect_cookies(response: &reqwest::Response, cookies: &mut Vec<String>) {
    for header in response.headers().get_all(reqwest::header::SET_COOKIE) {
        let Some(pair) = header
            .to_str()
            .ok()
            .and_then(|v| v.split(';').next())
            .map(str::trim)
        else {
            continue;
        };
        let name = pair.split('=').next().unwrap_or_default();
        cookies.retain(|c| c.split('=').next() != Some(name));
        cookies.push(pair.to_string());
    }
}

/// Reads a body up to `cap` bytes; `None` when it is larger.
async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Option<Vec<u8>>, reqwest::Error> {
    if response
        .content_length()
        .is_some_and(|len| len > cap as u64)
    {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > cap {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// The first `cap` bytes of a body: a larger robots.txt is read that far (RFC 9309 §2.5), not refused.
async fn read_prefix(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = cap - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() == cap {
            break;
        }
    }
    Ok(body)
}

/// Retry-After as seconds or an HTTP date.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?;
    (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
        .to_std()
        .ok()
        .or(Some(Duration::ZERO))
}

fn walled(status: u16, wall: super::walls::Wall) -> Fetched {
    Fetched::Blocked {
        reason: format!("HTTP {status}: {wall}"),
        code: ErrorCode::BotWall,
    }
}
