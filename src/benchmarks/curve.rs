//! The log-normal scoring curve Lighthouse uses for its metrics: two control
//! points, the value scoring 90 (`p10`) and the value scoring 50 (`median`).

use std::time::Duration;

/// score(v) = 100·(1 − Φ((ln v − ln median)/σ)), σ = (ln median − ln p10)/1.2816.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Curve {
    pub p10: f64,
    pub median: f64,
}

/// The z-score of the 90th percentile: Φ(−1.2816) = 0.10.
const Z_P10: f64 = 1.281_551_565_545;

impl Curve {
    pub fn from_durations(p10: Duration, median: Duration) -> Self {
        Self {
            p10: p10.as_secs_f64(),
            median: median.as_secs_f64(),
        }
    }

    /// Scores a measured value (same unit as the control points), 0–100.
    pub fn score(&self, value: f64) -> f64 {
        if value <= 0.0 {
            return 100.0;
        }
        let sigma = (self.median.ln() - self.p10.ln()) / Z_P10;
        let z = (value.ln() - self.median.ln()) / sigma;
        (100.0 * (1.0 - std_normal_cdf(z))).clamp(0.0, 100.0)
    }
}

/// Φ(z) through the complementary error function.
fn std_normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// erfc with relative error below 1.2e-7 everywhere (Numerical Recipes' erfcc,
/// a Chebyshev fit): far finer than a score shown with one decimal needs.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn control_points_score_as_defined() {
        // (p10, median, value, expected score)
        let table = [
            (0.8, 1.8, 0.8, 90.0),
            (0.8, 1.8, 1.8, 50.0),
            (3600.0, 43_200.0, 3600.0, 90.0),
            (3600.0, 43_200.0, 43_200.0, 50.0),
            (20.0, 180.0, 20.0, 90.0),
        ];
        for (p10, median, value, expected) in table {
            let score = Curve { p10, median }.score(value);
            assert!(
                close(score, expected, 0.01),
                "curve({p10},{median})({value}) = {score}, want {expected}"
            );
        }
    }

    #[test]
    fn faster_scores_higher_and_stays_in_range() {
        let curve = Curve {
            p10: 0.8,
            median: 1.8,
        };
        let values = [0.0, 0.001, 0.1, 0.5, 0.8, 1.0, 1.8, 3.0, 10.0, 1e9];
        let scores: Vec<f64> = values.iter().map(|v| curve.score(*v)).collect();
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "not monotonic: {scores:?}"
        );
        assert!(scores.iter().all(|s| (0.0..=100.0).contains(s)));
        assert_eq!(scores[0], 100.0);
        assert!(scores[9] < 0.01);
    }

    #[test]
    fn symmetric_around_the_median_in_log_space() {
        // A value as far above the median as p10 is below scores 10.
        let curve = Curve {
            p10: 1.0,
            median: 4.0,
        };
        assert!(
            close(curve.score(16.0), 10.0, 0.01),
            "{}",
            curve.score(16.0)
        );
    }

    #[test]
    fn erfc_matches_known_values() {
        for (x, want) in [
            (0.0, 1.0),
            (0.5, 0.479_500_122),
            (1.0, 0.157_299_207),
            (2.0, 0.004_677_735),
            (-1.0, 1.842_700_793),
        ] {
            assert!(close(erfc(x), want, 2e-7), "erfc({x}) = {}", erfc(x));
        }
    }
}
