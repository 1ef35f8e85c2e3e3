//! Scoring an `http` check: each sample's time to first byte on the channel's curve.

use std::collections::BTreeMap;

use super::{HttpObservation, Params, Sample, SampleOutcome};
use crate::benchmarks::Benchmarks;
use crate::channel::Channel;
use crate::kind::{ChannelScore, Scored, slow_finding};
use crate::stats::percentile;
use crate::verdict::{ErrorCode, Evidence, Finding, Metric, Severity, Unit, human_seconds};

pub fn score(params: &Params, obs: &HttpObservation, benchmarks: &Benchmarks) -> Scored {
    let Some(benchmark) = benchmarks.http.get(params.channel.as_str()) else {
        return Scored::error(
            ErrorCode::InvalidInput,
            format!("no benchmark curve for http channel `{}`", params.channel),
        );
    };
    let total = obs.samples.len();
    let mut sample_scores = Vec::with_capacity(total);
    let (mut ttfbs, mut totals, mut dns, mut connect, mut tls) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut problems: BTreeMap<String, usize> = BTreeMap::new();
    let mut failure_code = None;
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
                if let Some(max) = params.max_time
                    && *total_s > max.as_secs_f64()
                {
                    failed.push(format!(
                        "slower than max_time {}",
                        humantime::format_duration(max)
                    ));
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
            SampleOutcome::Failed { reason, code } => {
                failure_code = failure_code.or(*code);
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
        let code = failure_code.unwrap_or(ErrorCode::Network);
        let mut scored = Scored::error(
            code,
            format!("no sample of {} got an HTTP response: {reason}", obs.url),
        );
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
        Metric::new(
            "ttfb_p50",
            "Time to first byte, median",
            p(&ttfbs, 50.0),
            Some(Unit::Seconds),
        ),
        Metric::new(
            "ttfb_p95",
            "Time to first byte, slowest 5%",
            p(&ttfbs, 95.0),
            Some(Unit::Seconds),
        ),
        Metric::new(
            "total_p50",
            "Full response, median",
            p(&totals, 50.0),
            Some(Unit::Seconds),
        ),
        Metric::new(
            "availability",
            "Requests answered successfully",
            availability,
            Some(Unit::Ratio),
        ),
        Metric::new(
            "dns_p50",
            "Name lookup (DNS), median",
            p(&dns, 50.0),
            Some(Unit::Seconds),
        ),
        Metric::new(
            "connect_p50",
            "Connection, median",
            p(&connect, 50.0),
            Some(Unit::Seconds),
        ),
        Metric::new(
            "tls_p50",
            "Secure handshake (TLS), median",
            p(&tls, 50.0),
            Some(Unit::Seconds),
        ),
    ];
    scored.channels.push(ChannelScore {
        // Every page is the web channel as a customer sees it (a help centre, an API, a chat
        // endpoint's door alike): page speed is not a person answering on chat.
        channel: Channel::WEB,
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
        scored.findings.push(Finding::new(crate::verdict::Code::FailedSamples,
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

#[cfg(test)]
pub(crate) mod tests {
    use super::super::Http;
    use super::*;
    use crate::kind::Kind;
    use crate::kind::contacts::tests::t0;
    use crate::verdict::Status;

    pub(crate) fn http_params(channel: &str) -> Params {
        Params {
            url: "http://127.0.0.1/".parse().unwrap(),
            channel: channel.into(),
            samples: 2,
            method: hyper::Method::GET,
            expect_status: None,
            body_contains: None,
            max_time: None,
        }
    }

    pub(crate) fn response(status: u16, ttfb: f64) -> Sample {
        Sample {
            observed_at: t0(),
            outcome: SampleOutcome::Response {
                status,
                final_url: "http://127.0.0.1/".into(),
                redirects: 0,
                dns_s: 0.0,
                connect_s: 0.001,
                tls_s: 0.0,
                ttfb_s: ttfb,
                total_s: ttfb,
                body_matched: None,
            },
        }
    }

    fn availability(check: &Scored) -> f64 {
        let metric = check.metrics.iter().find(|m| m.name == "availability");
        metric.expect("an availability metric").value
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 0.051)
    }

    #[test]
    fn http_samples_that_fail_score_zero_and_count_against_availability() {
        let params = http_params("web");
        // 0.8 s is the web p10: 90. A 500 scores 0 whatever its speed.
        let obs = HttpObservation {
            url: "http://127.0.0.1/".into(),
            samples: vec![response(200, 0.8), response(500, 0.1)],
        };
        let check = Http::score(&params, &obs, crate::benchmarks::shipped());
        assert!(close(check.score, 45.0), "{:?}", check.score);
        let availability = availability(&check);
        assert_eq!(availability, 0.5);
        assert!(
            check
                .findings
                .iter()
                .any(|f| f.message.contains("failed: status 500"))
        );
    }

    #[test]
    fn http_conditions_fail_samples() {
        let mut params = http_params("web");
        params.expect_status = Some(404);
        params.max_time = Some(std::time::Duration::from_millis(500));
        // 404 expected: the first meets it and is fast; the second is 200 (wrong) and the third too slow.
        let obs = HttpObservation {
            url: "http://127.0.0.1/".into(),
            samples: vec![response(404, 0.2), response(200, 0.2), response(404, 0.9)],
        };
        let check = Http::score(&params, &obs, crate::benchmarks::shipped());
        let availability = availability(&check);
        assert!((availability - 1.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn http_with_no_response_at_all_is_an_error_not_a_zero() {
        let params = http_params("web");
        let failed = Sample {
            observed_at: t0(),
            outcome: SampleOutcome::Failed {
                reason: "connection refused".into(),
                code: Some(ErrorCode::ConnectionRefused),
            },
        };
        let obs = HttpObservation {
            url: "http://127.0.0.1/".into(),
            samples: vec![failed.clone(), failed],
        };
        let check = Http::score(&params, &obs, crate::benchmarks::shipped());
        assert_eq!((check.status, check.score), (Status::Error, None));
        assert!(
            check
                .error
                .as_deref()
                .unwrap()
                .contains("connection refused")
        );
    }
}
