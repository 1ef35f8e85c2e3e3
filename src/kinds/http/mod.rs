//! `http`: samples a URL a customer would use (web page, help centre, API,
//! chat endpoint) and records status and per-phase timings of each sample.

pub(crate) mod score;

use chrono::{DateTime, FixedOffset};
use hyper::Method;
use serde::{Deserialize, Serialize};
use toml_span::de_helpers::TableHelper;
use url::Url;

use crate::benchmarks::Benchmarks;
use crate::category::Category;
use crate::channel::Channel;
use crate::kind::{CheckError, CollectContext, Kind, KindCategory, KindInfo, LoadContext, Scored};
use crate::net::probe;
use crate::spanned::DurationValue;
use crate::spanned::at;
use crate::verdict::ErrorCode;
use std::future::Future;

/// The `http` kind.
pub struct Http;

impl Kind for Http {
    const INFO: KindInfo = KindInfo {
        name: "http",
        summary: "How fast and reliably a customer-facing URL answers (web, help centre, API, chat endpoint).",
        category: KindCategory::Fixed(Category::Responsiveness),
        keys: &[
            "url",
            "channel (web, api, chat, help)",
            "samples",
            "method",
            "expect_status",
            "body_contains",
            "max_time",
        ],
        motivation: "A contact page or help centre that is slow or down is the first wall a customer hits \
                     before any person can answer.",
        measures: "N samples (default 5) of the URL, one fresh connection each: DNS, connect, TLS, time to \
                   first byte and total time, status, redirects. Metrics: ttfb_p50, ttfb_p95, total_p50, \
                   availability (share of samples with a 2xx answer that met every condition), \
                   dns_p50, connect_p50, tls_p50.",
        scoring: "Each sample's time to first byte is scored on the channel's log-normal curve \
                  (checks/benchmarks.toml); a sample that failed a condition or did not answer 2xx scores 0; \
                  the check score is the mean. If no sample got any HTTP answer the check is an error.",
        improve: "Serve contact and help pages from a CDN or cache, keep them light, and monitor them: \
                  customers give up on a page that takes more than a few seconds.",
        report_note: None,
        file_columns: &[],
        findings: &[&[
            crate::verdict::Code::FailedSamples,
            crate::verdict::Code::SlowChannel,
        ]],
    };
    type Params = Params;
    type Observation = HttpObservation;

    fn parse(th: &mut TableHelper<'_>, ctx: &mut LoadContext<'_>) -> Option<(Category, Params)> {
        parse(th, ctx)
    }

    fn collect(
        params: &Params,
        ctx: &CollectContext,
    ) -> impl Future<Output = Result<HttpObservation, CheckError>> + Send {
        collect(params, ctx)
    }

    fn score(params: &Params, observation: &HttpObservation, benchmarks: &Benchmarks) -> Scored {
        score::score(params, observation, benchmarks)
    }

    fn networked(_params: &Params) -> bool {
        true
    }

    fn channel(params: &Params) -> Option<Channel> {
        Some(params.channel.clone())
    }
}

const CHANNELS: &[&str] = &["web", "api", "chat", "help"];
const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const DEFAULT_SAMPLES: u32 = 5;
const MAX_SAMPLES: u32 = 100;

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub url: Url,
    pub channel: Channel,
    pub samples: u32,
    pub method: Method,
    pub expect_status: Option<u16>,
    pub body_contains: Option<String>,
    pub max_time: Option<std::time::Duration>,
}

fn parse(th: &mut TableHelper<'_>, _ctx: &mut LoadContext<'_>) -> Option<(Category, Params)> {
    let url = th.required_s::<String>("url").ok();
    let channel = th.optional_s::<String>("channel");
    let samples = th.optional_s::<u32>("samples");
    let method = th.optional_s::<String>("method");
    let expect_status = th.optional_s::<u16>("expect_status");
    let body_contains = th.optional::<String>("body_contains");
    let max_time = th.optional::<DurationValue>("max_time").map(|d| d.0);

    let url = url.and_then(|url| match Url::parse(&url.value) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some() => {
            Some(parsed)
        }
        Ok(_) => {
            th.errors.extend(
                at(
                    format!("`{}` is not an http:// or https:// URL", url.value),
                    &url,
                )
                .errors,
            );
            None
        }
        Err(err) => {
            th.errors
                .extend(at(format!("`{}` is not a URL: {err}", url.value), &url).errors);
            None
        }
    });
    let channel = match channel {
        Some(c) if !CHANNELS.contains(&c.value.as_str()) => {
            th.errors.extend(
                at(
                    format!(
                        "unknown http channel `{}`; expected one of: {}",
                        c.value,
                        CHANNELS.join(", ")
                    ),
                    &c,
                )
                .errors,
            );
            None
        }
        Some(c) => Some(c.value),
        None => Some("web".to_string()),
    };
    let samples = match samples {
        Some(n) if n.value == 0 || n.value > MAX_SAMPLES => {
            th.errors
                .extend(at(format!("`samples` must be between 1 and {MAX_SAMPLES}"), &n).errors);
            None
        }
        Some(n) => Some(n.value),
        None => Some(DEFAULT_SAMPLES),
    };
    let method = match method {
        Some(m) if !METHODS.contains(&m.value.as_str()) => {
            th.errors.extend(
                at(
                    format!(
                        "unknown method `{}`; expected one of: {}",
                        m.value,
                        METHODS.join(", ")
                    ),
                    &m,
                )
                .errors,
            );
            None
        }
        Some(m) => Method::from_bytes(m.value.as_bytes()).ok(),
        None => Some(Method::GET),
    };
    if let Some(status) = &expect_status
        && !(100..=599).contains(&status.value)
    {
        th.errors.extend(
            at(
                "`expect_status` must be an HTTP status between 100 and 599",
                status,
            )
            .errors,
        );
    }
    Some((
        Category::Responsiveness,
        Params {
            url: url?,
            channel: Channel::new(channel?),
            samples: samples?,
            method: method?,
            expect_status: expect_status.map(|s| s.value),
            body_contains,
            max_time,
        },
    ))
}

/// Everything the samples showed; conditions are judged later, by scoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HttpObservation {
    pub url: String,
    pub samples: Vec<Sample>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub observed_at: DateTime<FixedOffset>,
    #[serde(flatten)]
    pub outcome: SampleOutcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SampleOutcome {
    Response {
        status: u16,
        final_url: String,
        redirects: u32,
        dns_s: f64,
        connect_s: f64,
        tls_s: f64,
        ttfb_s: f64,
        total_s: f64,
        /// Whether `body_contains` was found; `None` when no text was asked for.
        body_matched: Option<bool>,
    },
    Failed {
        reason: String,
        /// Absent in evidence saved before causes were typed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<ErrorCode>,
    },
}

pub async fn collect(params: &Params, ctx: &CollectContext) -> Result<HttpObservation, CheckError> {
    // Samples run one after another: concurrent samples would measure our own load.
    // Each is a part of the check's budget, so a hang costs one sample, not the check.
    let mut samples = Vec::with_capacity(params.samples as usize);
    for done in 0..params.samples {
        let observed_at = chrono::Local::now().fixed_offset();
        let share = ctx.budget.share(params.samples - done);
        let outcome = match probe::exchange(&params.url, &params.method, share).await {
            Ok(exchange) => SampleOutcome::Response {
                status: exchange.status,
                final_url: exchange.final_url,
                redirects: exchange.redirects,
                dns_s: exchange.dns.as_secs_f64(),
                connect_s: exchange.connect.as_secs_f64(),
                tls_s: exchange.tls.as_secs_f64(),
                ttfb_s: exchange.ttfb.as_secs_f64(),
                total_s: exchange.total.as_secs_f64(),
                body_matched: params.body_contains.as_ref().map(|needle| {
                    String::from_utf8_lossy(&exchange.body).contains(needle.as_str())
                }),
            },
            Err(err) => SampleOutcome::Failed {
                reason: if matches!(err, probe::ProbeError::Timeout(_)) {
                    format!("{err} (its share of {})", ctx.budget)
                } else {
                    err.to_string()
                },
                code: Some(err.code()),
            },
        };
        tracing::debug!(check = %ctx.check_id, ?outcome, "http sample");
        samples.push(Sample {
            observed_at,
            outcome,
        });
    }
    Ok(HttpObservation {
        url: params.url.to_string(),
        samples,
    })
}
