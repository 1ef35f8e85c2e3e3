//! Scoring an `http` check: each sample's time to first byte on the channel's curve.

use std::collections::BTreeMap;

use super::{HttpObservation, Params, Sample, SampleOutcome};
use crate::benchmarks::Benchmarks;
use crate::kind::{ChannelScore, Scored, slow_finding};
use crate::report::model::{Evidence, Finding, Metric, Severity, human_seconds};
use crate::stats::percentile;

/// The channel a page answers for in the two-channel rule: a help centre and an
/// API are the web channel as a customer sees it.
fn http_answer_channel(channel: &str) -> &str {
    if channel == "chat" { "chat" } else { "web" }
}

pub fn score(params: &Params, obs: &HttpObservation, benchmarks: &Benchmarks) -> Scored {
    let Some(benchmark) = benchmarks.http.get(&params.channel) else {
        return Scored::error(format!(
            "no benchmark curve for http channel `{}`",
            params.channel
        ));
    };
    let total = obs.samples.len();
    let mut sample_scores = Vec::with_capacity(total);
    let (mut ttfbs, mut totals, mut dns, mut connect, mut tls) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut problems: BTreeMap<String, usize> = BTreeMap::new();
    let mut evidence = Vec::with_capacity(total);
    for sample in &obs.samples {
        match &sample.outcome {
            SampleOutcome::Response {
                status,
                final_url,
                redirects,
                dns_s,
                connect_s,
                tls_s,
                ttfb_s,
                total_s,
                body_matched,
            } => {
                ttfbs.push(*ttfb_s);
                totals.push(*total_s);
                dns.push(*dns_s);
                connect.push(*connect_s);
                tls.push(*tls_s);
                let mut failed = Vec::new();
                match params.expect_status {
                    Some(want) if *status != want => {
                        failed.push(format!("status {status}, expected {want}"))
                    }
                    None if !(200..300).contains(status) => failed.push(format!("status {status}")),
                    _ => {}
                }
                if *body_matched == Some(false) {
                    let needle = params.body_contains.as_deref().unwrap_or_default();
                    failed.push(format!("body does not contain {needle:?}"));
                }
                if let Some(max) = params.max_time {
                    if *total_s > max.as_secs_f64() {
                        failed.push(format!(
                            "slower than max_time {}",
                            humantime::format_duration(max)
                        ));
                    }
                }
                sample_scores.push(if failed.is_empty() {
                    benchmark.curve.score(*ttfb_s)
                } else {
                    0.0
                });
                let redirect_note = match redirects {
                    0 => String::new(),
                    1 => " · 1 redirect".into(),
                    n => format!(" · {n} redirects"),
                };
                evidence.push(Evidence {
                    source: final_url.clone(),
                    observed_at: Some(sample.observed_at),
                    excerpt: format!(
                        "HTTP {status} · ttfb {} · total {}{redirect_note}{}",
                        human_seconds(*ttfb_s),
                        human_seconds(*total_s),
                        if failed.is_empty() {
                            String::new()
                        } else {
                            format!(" · failed: {}", failed.join(", "))
                        }
                    ),
                });
                for problem in failed {
                    *problems.entry(problem).or_default() += 1;
                }
            }
            SampleOutcome::Failed { reason } => {
                sample_scores.push(0.0);
                evidence.push(Evidence {
                    source: obs.url.clone(),
                    observed_at: Some(sample.observed_at),
                    excerpt: format!("no response: {reason}"),
                });
                *problems.entry(reason.clone()).or_default() += 1;
            }
        }
    }
    if ttfbs.is_empty() {
        let reason = problems
            .keys()
            .next()
            .cloned()
            .unwrap_or_else(|| "no sample was taken".into());
        let mut scored = Scored::error(format!(
            "no sample of {} got an HTTP response: {reason}",
            obs.url
        ));
        scored.evidence = evidence;
        return scored;
    }
    #[expect(clippy::cast_precision_loss, reason = "sample counts are small")]
    let mean = sample_scores.iter().sum::<f64>() / total as f64;
    let passed = sample_scores
        .iter()
        .zip(&obs.samples)
        .filter(|(_, s)| sample_ok(s, params))
        .count();
    let mut scored = Scored::with_score(mean);
    scored.evidence = evidence;
    #[expect(clippy::cast_precision_loss, reason = "sample counts are small")]
    let availability = passed as f64 / total as f64;
    let p = |values: &[f64], q: f64| percentile(values, q).unwrap_or_default();
    scored.metrics = vec![
        Metric::new("ttfb_p50", p(&ttfbs, 50.0), Some("s")),
        Metric::new("ttfb_p95", p(&ttfbs, 95.0), Some("s")),
        Metric::new("total_p50", p(&totals, 50.0), Some("s")),
        Metric::new("availability", availability, Some("ratio")),
        Metric::new("dns_p50", p(&dns, 50.0), Some("s")),
        Metric::new("connect_p50", p(&connect, 50.0), Some("s")),
        Metric::new("tls_p50", p(&tls, 50.0), Some("s")),
    ];
    scored.channels.push(ChannelScore {
        channel: http_answer_channel(&params.channel).to_string(),
        score: mean,
        answered: passed > 0,
        contacts: None,
    });
    for (problem, count) in problems {
        let severity = if count == total {
            Severity::Fail
        } else {
            Severity::Warn
        };
        scored.findings.push(Finding::new(
            severity,
            format!("{count} of {total} samples of {} failed: {problem}.", obs.url),
            "Make the page answer 2xx, quickly, with the expected content on every request; monitor it.",
        ));
    }
    slow_finding(
        &mut scored,
        p(&ttfbs, 50.0),
        benchmark,
        "median time to first byte",
    );
    scored
}

fn sample_ok(sample: &Sample, params: &Params) -> bool {
    match &sample.outcome {
        SampleOutcome::Response {
            status,
            total_s,
            body_matched,
            ..
        } => {
            let status_ok = params
                .expect_status
                .map_or((200..300).contains(status), |want| *status == want);
            let time_ok = params
                .max_time
                .is_none_or(|max| *total_s <= max.as_secs_f64());
            status_ok && *body_matched != Some(false) && time_ok
        }
        SampleOutcome::Failed { .. } => false,
    }
}
