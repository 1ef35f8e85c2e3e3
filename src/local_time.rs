//! Times as people and spreadsheets write them. A time with an offset (RFC 3339) is always
//! read. A time without one — `2026-11-18 17:45`, what Excel writes — is read in the audit's
//! `timezone`, and a day-first or month-first date only when `date_order` says which: a
//! guess would move a contact by months. A local time the clocks skipped or passed twice
//! (daylight saving) is refused rather than read one way or the other.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
pub use chrono_tz::Tz;

/// How the dates of a file are ordered when they are not ISO (`2026-11-18`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// Only ISO dates: `18/11/2026` is refused as unclear.
    #[default]
    Iso,
    /// `18/11/2026`, `18.11.2026`: day, month, year.
    DayFirst,
    /// `11/18/2026`: month, day, year.
    MonthFirst,
}

impl DateOrder {
    pub const ALL: &'static [DateOrder] = &[Self::Iso, Self::DayFirst, Self::MonthFirst];

    /// The name `date_order` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Iso => "ymd",
            Self::DayFirst => "dmy",
            Self::MonthFirst => "mdy",
        }
    }
}

impl std::str::FromStr for DateOrder {
    type Err = crate::text::UnknownName;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        crate::text::by_name(Self::ALL, Self::name, "date order", name)
    }
}

/// How to read the times of a file: the zone its local times are in, and its date order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LocalTimes {
    pub zone: Option<Tz>,
    pub order: DateOrder,
}

/// Why a written time was not read; each says what to write or set instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error(
        "`{0}` is not a time; write it as 2026-11-20 09:14 (with `timezone` set in [audit]) or with its offset, such as 2026-11-20T09:14:05+01:00"
    )]
    NotATime(String),
    #[error(
        "`{0}` has no offset: set `timezone` in [audit] to the zone it was written in (such as \"Europe/Paris\"), or write the offset, such as 2026-11-20T09:14:05+01:00"
    )]
    NeedsZone(String),
    #[error(
        "`{0}`: is the day or the month first? Set `date_order` in [audit] to \"dmy\" or \"mdy\", or write the date as 2026-11-20"
    )]
    UnclearOrder(String),
    #[error(
        "`{written}` does not exist in {zone}: the clocks went forward then; write the offset it was read with"
    )]
    Skipped { written: String, zone: Tz },
    #[error(
        "`{written}` happened twice in {zone} (the clocks went back): write its offset, {earlier} or {later}"
    )]
    Twice {
        written: String,
        zone: Tz,
        earlier: FixedOffset,
        later: FixedOffset,
    },
}

impl LocalTimes {
    pub fn read(&self, written: &str) -> Result<DateTime<FixedOffset>, TimeError> {
        let written = written.trim();
        if let Ok(time) = DateTime::parse_from_rfc3339(written) {
            return Ok(time);
        }
        let local = self.naive(written)?;
        let zone = self
            .zone
            .ok_or_else(|| TimeError::NeedsZone(written.into()))?;
        match zone.from_local_datetime(&local) {
            LocalResult::Single(time) => Ok(time.fixed_offset()),
            LocalResult::Ambiguous(earlier, later) => Err(TimeError::Twice {
                written: written.into(),
                zone,
                earlier: earlier.fixed_offset().timezone(),
                later: later.fixed_offset().timezone(),
            }),
            LocalResult::None => Err(TimeError::Skipped {
                written: written.into(),
                zone,
            }),
        }
    }

    /// The date and time of a time written without offset.
    fn naive(&self, written: &str) -> Result<NaiveDateTime, TimeError> {
        let not_a_time = || TimeError::NotATime(written.into());
        let (date, time) = written.split_once(['T', ' ']).ok_or_else(not_a_time)?;
        let ymd = |y: u32, m: u32, d: u32| NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d);
        // A four-digit first field is ISO whatever the order; a four-digit last one needs it.
        let date = match fields::<3>(date, &['-', '/', '.']) {
            Some([y, m, d]) if y >= 1000 => ymd(y, m, d),
            Some([a, b, y]) if y >= 1000 => match self.order {
                DateOrder::Iso => return Err(TimeError::UnclearOrder(written.into())),
                DateOrder::DayFirst => ymd(y, b, a),
                DateOrder::MonthFirst => ymd(y, a, b),
            },
            _ => None,
        }
        .ok_or_else(not_a_time)?;
        let time = match (
            fields::<2>(time.trim(), &[':']),
            fields::<3>(time.trim(), &[':']),
        ) {
            (Some([h, m]), _) => NaiveTime::from_hms_opt(h, m, 0),
            (_, Some([h, m, s])) => NaiveTime::from_hms_opt(h, m, s),
            _ => None,
        }
        .ok_or_else(not_a_time)?;
        Ok(date.and_time(time))
    }
}

/// `N` numbers of one to four digits between `separators`, or `None`.
fn fields<const N: usize>(text: &str, separators: &[char]) -> Option<[u32; N]> {
    let numbers: Vec<u32> = text
        .split(separators)
        .map(|part| {
            let digits = (1..=4).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
            digits.then(|| part.parse().ok()).flatten()
        })
        .collect::<Option<_>>()?;
    numbers.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris(order: DateOrder) -> LocalTimes {
        LocalTimes {
            zone: Some(chrono_tz::Europe::Paris),
            order,
        }
    }

    fn read(times: LocalTimes, written: &str) -> Result<String, TimeError> {
        times.read(written).map(|t| t.to_rfc3339())
    }

    #[test]
    fn excel_times_are_read_in_the_audit_zone_winter_and_summer() {
        let times = paris(DateOrder::Iso);
        assert_eq!(
            read(times, "2026-11-18 17:45").unwrap(),
            "2026-11-18T17:45:00+01:00"
        );
        assert_eq!(
            read(times, "2026-07-01 08:05:30").unwrap(),
            "2026-07-01T08:05:30+02:00"
        );
        assert_eq!(
            read(times, "2026-07-01T08:05").unwrap(),
            "2026-07-01T08:05:00+02:00"
        );
        // An offset written is the offset read, whatever the zone.
        assert_eq!(
            read(times, "2026-11-18T17:45:00-05:00").unwrap(),
            "2026-11-18T17:45:00-05:00"
        );
    }

    #[test]
    fn a_local_time_without_a_zone_says_to_set_one() {
        let err = LocalTimes::default().read("2026-11-18 17:45").unwrap_err();
        assert_eq!(err, TimeError::NeedsZone("2026-11-18 17:45".into()));
        assert!(
            err.to_string().contains("set `timezone` in [audit]"),
            "{err}"
        );
    }

    #[test]
    fn day_first_dates_only_when_the_order_says_so() {
        assert_eq!(
            read(paris(DateOrder::Iso), "18/11/2026 17:45"),
            Err(TimeError::UnclearOrder("18/11/2026 17:45".into()))
        );
        assert_eq!(
            read(paris(DateOrder::DayFirst), "18/11/2026 17:45").unwrap(),
            "2026-11-18T17:45:00+01:00"
        );
        assert_eq!(
            read(paris(DateOrder::DayFirst), "3.2.2026 9:05").unwrap(),
            "2026-02-03T09:05:00+01:00"
        );
        assert_eq!(
            read(paris(DateOrder::MonthFirst), "11/18/2026 17:45").unwrap(),
            "2026-11-18T17:45:00+01:00"
        );
        // Day 18 of month 11 read month-first is no date at all.
        assert!(matches!(
            read(paris(DateOrder::MonthFirst), "18/11/2026 17:45"),
            Err(TimeError::NotATime(_))
        ));
    }

    #[test]
    fn times_the_clocks_skipped_or_passed_twice_are_refused() {
        let times = paris(DateOrder::Iso);
        let skipped = times.read("2026-03-29 02:30").unwrap_err();
        assert!(matches!(skipped, TimeError::Skipped { .. }), "{skipped}");
        assert!(skipped.to_string().contains("Europe/Paris"), "{skipped}");
        let twice = times.read("2026-10-25 02:30").unwrap_err();
        assert!(twice.to_string().contains("+02:00 or +01:00"), "{twice}");
    }

    #[test]
    fn what_is_not_a_time_is_refused_without_panicking() {
        let times = paris(DateOrder::DayFirst);
        for junk in [
            "",
            "17:45",
            "2026-11-18",
            "2026-13-01 10:00",
            "2026-11-18 25:00",
            "18/11/26 10:00",
            "2026-11-18 10:00:00:00",
            "२०२६-११-१८ १०:००",
            "99999-01-01 10:00",
            "1/1/1 1:1",
            "2026-11-18 10:00 PM",
            "-1/1/2026 10:00",
        ] {
            assert!(times.read(junk).is_err(), "{junk:?} was read");
        }
    }
}
