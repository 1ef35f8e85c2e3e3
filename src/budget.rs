//! The time a check has, and the one way every kind spends it.
//!
//! A check's `timeout` starts when the check gets its turn. The runner cuts the check off at
//! the deadline; a collector stops its own work at [`Budget::wrap_up_at`], a little before,
//! so what it found is reported rather than lost; work in parts (samples, pages) gives each
//! part an equal [`Budget::share`] of what is left. Whatever runs out says which limit it was
//! given: `Display` is "the check's 1.5s timeout".

use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    limit: Duration,
    deadline: Instant,
}

/// How long before the deadline a collector wraps up: a tenth of its time, at most a second.
const WRAP_UP_SHARE: u32 = 10;
const WRAP_UP_AT_MOST: Duration = Duration::from_secs(1);

impl Budget {
    pub fn starting_now(limit: Duration) -> Self {
        Self::starting_at(Instant::now(), limit)
    }

    pub fn starting_at(start: Instant, limit: Duration) -> Self {
        Self {
            limit,
            deadline: start + limit,
        }
    }

    /// The check's `timeout`, as it was given.
    pub fn limit(&self) -> Duration {
        self.limit
    }

    /// When the runner cuts the check off.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// When a collector stops its own work, so the report is out before the deadline.
    pub fn wrap_up_at(&self) -> Instant {
        self.deadline - (self.limit / WRAP_UP_SHARE).min(WRAP_UP_AT_MOST)
    }

    /// An equal part, for each of `parts_left` still to do, of the time left before wrapping
    /// up: a part that finishes early leaves more to the rest, and a hang costs one part.
    /// Whole milliseconds, so the share reads well where it is reported.
    pub fn share(&self, parts_left: u32) -> Duration {
        let left = self.wrap_up_at().saturating_duration_since(Instant::now());
        let millis = left.as_millis() / u128::from(parts_left.max(1));
        Duration::from_millis(u64::try_from(millis).unwrap_or(u64::MAX))
    }

    /// Runs `work` until it ends or the wrap-up time comes (`None`).
    pub async fn bound<T>(&self, work: impl Future<Output = T>) -> Option<T> {
        tokio::time::timeout_at(self.wrap_up_at().into(), work)
            .await
            .ok()
    }
}

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the check's {} timeout",
            humantime::format_duration(self.limit)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_collector_wraps_up_a_tenth_before_the_deadline_and_never_more_than_a_second() {
        let start = Instant::now();
        let short = Budget::starting_at(start, Duration::from_millis(1500));
        assert_eq!(short.wrap_up_at(), start + Duration::from_millis(1350));
        let long = Budget::starting_at(start, Duration::from_secs(60));
        assert_eq!(long.wrap_up_at(), start + Duration::from_secs(59));
    }

    #[test]
    fn shares_split_what_is_left_before_wrapping_up() {
        let budget = Budget::starting_now(Duration::from_secs(10));
        let share = budget.share(3);
        assert!(share <= Duration::from_secs(3), "{share:?}");
        assert!(share > Duration::from_millis(2900), "{share:?}");
        assert!(
            budget.share(0) > Duration::from_millis(8900),
            "no parts is one part"
        );
        let spent = Budget::starting_at(
            Instant::now() - Duration::from_secs(5),
            Duration::from_secs(1),
        );
        assert_eq!(spent.share(2), Duration::ZERO);
        assert_eq!(share.subsec_nanos() % 1_000_000, 0, "{share:?}");
    }

    #[test]
    fn it_names_the_limit_it_was_given() {
        let budget = Budget::starting_now(Duration::from_millis(1500));
        assert_eq!(budget.to_string(), "the check's 1s 500ms timeout");
    }

    #[tokio::test]
    async fn bounded_work_stops_at_the_wrap_up_time() {
        let budget = Budget::starting_now(Duration::from_millis(200));
        assert_eq!(budget.bound(async { 7 }).await, Some(7));
        let hang = budget.bound(std::future::pending::<()>()).await;
        assert_eq!(hang, None);
        assert!(Instant::now() < budget.deadline());
    }
}
