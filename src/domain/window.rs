//! Time windows for metric queries, on UTC days: `--since 7d`, `--since 12h`,
//! `--since today` or `--from/--to` dates (inclusive for people,
//! end-exclusive on the wire). The clock is read by the caller and passed in.
//!
//! A window of days starts at a UTC midnight, so CloudWatch's daily buckets
//! are UTC days whatever the hour (CloudWatch rounds an old `StartTime` down
//! to 5 minutes or to the hour, which a midnight survives). A window of hours
//! starts on the hour and is read in hourly buckets, folded into UTC days.
//! Either way a daily series has one value per UTC day the window touches,
//! and those values add up to the window's total.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, tz::TimeZone};

use crate::domain::InputError;
use crate::domain::span::{self, Unit};

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
/// CloudWatch keeps hourly data for 455 days; a window of days also holds today.
pub const MAX_DAYS: u32 = 454;

/// How far back a report looks: `today`, whole hours or whole days (weeks are
/// seven days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// Since the last UTC midnight.
    Today,
    /// `N` hours before now, from the start of that hour.
    Hours(u32),
    /// The `N` UTC days before today, and today so far.
    Days(u32),
}

impl Span {
    /// Parses `today`, `12h`, `7d` or `2w` for `field`.
    pub fn parse(field: &str, s: &str) -> Result<Self, InputError> {
        const UNITS: [Unit; 3] = [Unit::Hours, Unit::Days, Unit::Weeks];
        let rule = format!(
            "expected `today` or {} (at most {MAX_DAYS} days)",
            span::describe(&UNITS)
        );
        if s == "today" {
            return Ok(Self::Today);
        }
        let n = span::parse(field, s, &UNITS).map_err(|_| InputError::new(field, s, &rule))?;
        let out = match n.unit {
            Unit::Hours => Self::Hours(n.count),
            Unit::Weeks => Self::Days(n.count.saturating_mul(7)),
            _ => Self::Days(n.count),
        };
        let too_long = match out {
            Self::Hours(h) => h > MAX_DAYS * 24,
            Self::Days(d) => d > MAX_DAYS,
            Self::Today => false,
        };
        if too_long {
            return Err(InputError::new(field, s, &rule));
        }
        Ok(out)
    }

    /// The span as a length of time (`today` is one day), for ages and grace periods.
    pub fn duration(self) -> SignedDuration {
        match self {
            Self::Today => SignedDuration::from_hours(24),
            Self::Hours(h) => SignedDuration::from_hours(i64::from(h)),
            Self::Days(d) => SignedDuration::from_hours(24 * i64::from(d)),
        }
    }

    /// Whole days in the span, rounded down (`12h` is 0).
    pub fn whole_days(self) -> i64 {
        self.duration().as_secs() / DAY
    }
}

impl FromStr for Span {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse("span", s)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Today => f.write_str("today"),
            Self::Hours(h) => write!(f, "{h}h"),
            Self::Days(d) => write!(f, "{d}d"),
        }
    }
}

/// `[start, end_exclusive)` in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: Timestamp,
    pub end_exclusive: Timestamp,
}

/// The UTC midnight at or before `t`.
pub fn midnight(t: Timestamp) -> Timestamp {
    floor(t, DAY)
}

/// The UTC date of `t`.
pub fn utc_date(t: Timestamp) -> Date {
    t.to_zoned(TimeZone::UTC).date()
}

fn floor(t: Timestamp, unit: i64) -> Timestamp {
    Timestamp::from_second(t.as_second() - t.as_second().rem_euclid(unit)).unwrap_or(t)
}

fn date_start(d: Date, field: &str) -> Result<Timestamp, InputError> {
    d.to_zoned(TimeZone::UTC)
        .map(|z| z.timestamp())
        .map_err(|e| InputError::new(field, &d.to_string(), &e.to_string()))
}

impl Window {
    /// The window `--since SPAN` means at `now`. It ends at `now` rounded
    /// down to the minute (as CloudWatch rounds); days start at a UTC
    /// midnight, hours on the hour.
    pub fn since(span: Span, now: Timestamp) -> Self {
        let end = floor(now, 60);
        let start = match span {
            Span::Today => midnight(end),
            Span::Days(d) => midnight(end) - SignedDuration::from_hours(24 * i64::from(d)),
            Span::Hours(h) => floor(end - SignedDuration::from_hours(i64::from(h)), HOUR),
        };
        Self {
            start,
            end_exclusive: end,
        }
    }

    /// Whole UTC days from `from` to `to`, both inclusive; never past `now`.
    pub fn days(from: Date, to: Date, now: Timestamp) -> Result<Self, InputError> {
        if to < from {
            return Err(InputError::new(
                "--to",
                &to.to_string(),
                &format!("is before `--from {from}`"),
            ));
        }
        let start = date_start(from, "--from")?;
        let next = to
            .tomorrow()
            .map_err(|e| InputError::new("--to", &to.to_string(), &e.to_string()))?;
        let end = date_start(next, "--to")?;
        if start >= now {
            return Err(InputError::new("--from", &from.to_string(), "is in the future"));
        }
        if end.as_second() - start.as_second() > 455 * DAY {
            return Err(InputError::new(
                "--from",
                &from.to_string(),
                "the window is longer than 455 days, CloudWatch's retention",
            ));
        }
        Ok(Self {
            start,
            end_exclusive: end.min(floor(now, 60)),
        })
    }

    pub fn seconds(&self) -> i64 {
        self.end_exclusive.as_second() - self.start.as_second()
    }

    /// The period of the sums CloudWatch is asked for: a day when the window
    /// starts at midnight, else an hour (folded into days by [`Self::day_index`]).
    pub fn period_seconds(&self) -> i32 {
        if self.start.as_second().rem_euclid(DAY) == 0 {
            86_400
        } else {
            3_600
        }
    }

    /// One period over the whole window (for percentiles), rounded up to
    /// whole hours: a multiple of 60, 300 and 3,600 seconds is valid at any age.
    pub fn whole_period_seconds(&self) -> i32 {
        let hours = (self.seconds() + HOUR - 1) / HOUR;
        i32::try_from(hours.max(1) * HOUR).unwrap_or(i32::MAX / 3_600 * 3_600)
    }

    /// The first UTC day of the window.
    pub fn first_day(&self) -> Date {
        utc_date(self.start)
    }

    /// The last UTC day the window touches (today for a window ending now).
    pub fn last_day(&self) -> Date {
        utc_date(self.end_exclusive - SignedDuration::from_secs(1))
    }

    /// The number of UTC days the window touches, at least one.
    pub fn day_count(&self) -> usize {
        let first = midnight(self.start).as_second();
        let last = midnight(self.end_exclusive - SignedDuration::from_secs(1)).as_second();
        usize::try_from((last - first) / DAY + 1).unwrap_or(1).max(1)
    }

    /// The index of the UTC day holding the datapoint at `epoch`, if inside the window.
    pub fn day_index(&self, epoch: i64) -> Option<usize> {
        if epoch < self.start.as_second() || epoch >= self.end_exclusive.as_second() {
            return None;
        }
        usize::try_from((epoch - midnight(self.start).as_second()).div_euclid(DAY)).ok()
    }

    /// Whether the window ends before the end of its last day (a day so far).
    pub fn ends_mid_day(&self) -> bool {
        self.end_exclusive.as_second().rem_euclid(DAY) != 0
    }
}

impl fmt::Display for Window {
    /// `2026-11-01 00:00 → 2026-12-01 21:33 UTC`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = |t: Timestamp| t.to_zoned(TimeZone::UTC).strftime("%Y-%m-%d %H:%M").to_string();
        write!(f, "{} → {} UTC", at(self.start), at(self.end_exclusive))
    }
}

/// A `YYYY-MM-DD` day given on the command line (`--from`, `--to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day(pub Date);

impl std::str::FromStr for Day {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_date("date", s).map(Self)
    }
}

/// Parses a `YYYY-MM-DD` date flag.
pub fn parse_date(field: &str, s: &str) -> Result<Date, InputError> {
    s.parse::<Date>()
        .map_err(|_| InputError::new(field, s, "expected a date as `YYYY-MM-DD`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn spans_take_today_hours_days_and_weeks() {
        assert_eq!(Span::parse("--since", "today").unwrap(), Span::Today);
        assert_eq!(Span::parse("--since", "12h").unwrap(), Span::Hours(12));
        assert_eq!(Span::parse("--since", "7d").unwrap(), Span::Days(7));
        assert_eq!(Span::parse("--since", "2w").unwrap(), Span::Days(14));
        assert_eq!(Span::Days(2).duration(), SignedDuration::from_hours(48));
        assert_eq!(Span::Hours(36).whole_days(), 1);
        for bad in [
            "",
            "d",
            "7",
            "0d",
            "7y",
            "-1d",
            "1.5d",
            "455d",
            "65w",
            "99999999999999999w",
            "Today",
            "30m",
        ] {
            let e = Span::parse("--since", bad).unwrap_err();
            assert!(e.rule.contains("`7d`"), "{bad}: {e}");
        }
    }

    #[test]
    fn day_windows_start_at_utc_midnight_whatever_the_hour() {
        for now in [
            "2026-11-22T00:05:00Z",
            "2026-11-22T12:59:00Z",
            "2026-11-22T13:00:00Z",
            "2026-11-22T23:55:59Z",
        ] {
            let w = Window::since(Span::Days(7), at(now));
            assert_eq!(w.start.to_string(), "2026-11-15T00:00:00Z", "at {now}");
            assert_eq!(w.period_seconds(), 86_400);
            assert_eq!(w.day_count(), 8, "seven whole days and today so far, at {now}");
            assert_eq!(w.first_day().to_string(), "2026-11-15");
            assert_eq!(w.last_day().to_string(), "2026-11-22");
            // A datapoint at noon on the first day is day 0; yesterday's is day 6.
            assert_eq!(w.day_index(at("2026-11-15T12:00:00Z").as_second()), Some(0));
            assert_eq!(w.day_index(at("2026-11-21T12:00:00Z").as_second()), Some(6));
            assert_eq!(w.day_index(at("2026-11-14T23:59:59Z").as_second()), None);
        }
        let today = Window::since(Span::Today, at("2026-11-22T00:05:30Z"));
        assert_eq!(today.start.to_string(), "2026-11-22T00:00:00Z");
        assert_eq!(today.end_exclusive.to_string(), "2026-11-22T00:05:00Z");
        assert_eq!(today.day_count(), 1);
    }

    #[test]
    fn hour_windows_start_on_the_hour_and_fold_hourly_into_days() {
        let w = Window::since(Span::Hours(12), at("2026-11-22T05:20:42Z"));
        assert_eq!(w.start.to_string(), "2026-11-21T17:00:00Z");
        assert_eq!(w.end_exclusive.to_string(), "2026-11-22T05:20:00Z");
        assert_eq!(w.period_seconds(), 3_600);
        assert_eq!(w.day_count(), 2);
        assert_eq!(w.day_index(at("2026-11-21T23:00:00Z").as_second()), Some(0));
        assert_eq!(w.day_index(at("2026-11-22T00:00:00Z").as_second()), Some(1));
        assert_eq!(w.whole_period_seconds(), 13 * 3_600);
        assert_eq!(w.to_string(), "2026-11-21 17:00 → 2026-11-22 05:20 UTC");
    }

    #[test]
    fn date_windows_are_inclusive_for_people_and_exclusive_on_the_wire() {
        let now = at("2026-11-22T06:00:00Z");
        let w = Window::days(
            parse_date("--from", "2026-11-01").unwrap(),
            parse_date("--to", "2026-11-07").unwrap(),
            now,
        )
        .unwrap();
        assert_eq!(w.start.to_string(), "2026-11-01T00:00:00Z");
        assert_eq!(w.end_exclusive.to_string(), "2026-11-08T00:00:00Z");
        assert_eq!(w.day_count(), 7);
        assert!(!w.ends_mid_day());
        let today = Window::days(
            parse_date("--from", "2026-11-20").unwrap(),
            parse_date("--to", "2026-11-30").unwrap(),
            now,
        )
        .unwrap();
        assert_eq!(today.end_exclusive, now, "never past now");
        assert_eq!(today.day_count(), 3);
        assert!(today.ends_mid_day());
        assert!(
            Window::days(
                parse_date("--from", "2026-11-07").unwrap(),
                parse_date("--to", "2026-11-01").unwrap(),
                now
            )
            .is_err()
        );
        assert!(
            Window::days(
                parse_date("--from", "2026-12-01").unwrap(),
                parse_date("--to", "2026-12-02").unwrap(),
                now
            )
            .is_err()
        );
        assert!(parse_date("--from", "2026-13-01").is_err());
    }
}
