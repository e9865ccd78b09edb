//! Time windows for metric queries: `--since 7d` or `--from/--to` dates
//! (inclusive for people, end-exclusive on the wire). The clock is read by the
//! caller and passed in.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, tz::TimeZone};

use crate::error::InputError;

/// A span such as `30d`, `12h`, `2w`: a whole number and a unit (`h`, `d`, `w`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub seconds: i64,
    pub text: &'static str,
}

/// Parses `N[h|d|w]` into seconds; at most 455 days (CloudWatch keeps hourly
/// data that long).
pub fn parse_span(field: &str, s: &str) -> Result<SignedDuration, InputError> {
    let rule = "expected a whole number and a unit, such as `7d`, `12h` or `4w` (at most 455 days)";
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num.parse().map_err(|_| InputError::new(field, s, rule))?;
    let hours = match unit {
        "h" => n,
        "d" => n.checked_mul(24).ok_or_else(|| InputError::new(field, s, rule))?,
        "w" => n
            .checked_mul(24 * 7)
            .ok_or_else(|| InputError::new(field, s, rule))?,
        _ => return Err(InputError::new(field, s, rule)),
    };
    if n == 0 || hours > 455 * 24 {
        return Err(InputError::new(field, s, rule));
    }
    Ok(SignedDuration::from_hours(hours))
}

/// `[start, end_exclusive)` in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: Timestamp,
    pub end_exclusive: Timestamp,
}

impl Window {
    /// The last `span`, ending now (rounded down to the minute, as CloudWatch does).
    pub fn last(span: SignedDuration, now: Timestamp) -> Self {
        let end = Timestamp::from_second(now.as_second() - now.as_second().rem_euclid(60)).unwrap_or(now);
        Self {
            start: end - span,
            end_exclusive: end,
        }
    }

    /// Whole UTC days from `from` to `to`, both inclusive.
    pub fn days(from: Date, to: Date, now: Timestamp) -> Result<Self, InputError> {
        if to < from {
            return Err(InputError::new(
                "--to",
                &to.to_string(),
                &format!("is before `--from {from}`"),
            ));
        }
        let start = from
            .to_zoned(TimeZone::UTC)
            .map_err(|e| InputError::new("--from", &from.to_string(), &e.to_string()))?
            .timestamp();
        let next = to
            .tomorrow()
            .map_err(|e| InputError::new("--to", &to.to_string(), &e.to_string()))?;
        let end = next
            .to_zoned(TimeZone::UTC)
            .map_err(|e| InputError::new("--to", &to.to_string(), &e.to_string()))?
            .timestamp();
        if start >= now {
            return Err(InputError::new("--from", &from.to_string(), "is in the future"));
        }
        if end.as_second() - start.as_second() > 455 * 86_400 {
            return Err(InputError::new(
                "--from",
                &from.to_string(),
                "the window is longer than 455 days, CloudWatch's retention",
            ));
        }
        Ok(Self {
            start,
            end_exclusive: end.min(now),
        })
    }

    pub fn seconds(&self) -> i64 {
        self.end_exclusive.as_second() - self.start.as_second()
    }

    /// The number of whole days the window covers, at least one.
    pub fn day_count(&self) -> usize {
        usize::try_from(self.seconds().div_euclid(86_400).max(1)).unwrap_or(1)
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

    #[test]
    fn spans_take_hours_days_and_weeks() {
        assert_eq!(
            parse_span("--since", "12h").unwrap(),
            SignedDuration::from_hours(12)
        );
        assert_eq!(
            parse_span("--since", "7d").unwrap(),
            SignedDuration::from_hours(168)
        );
        assert_eq!(
            parse_span("--since", "2w").unwrap(),
            SignedDuration::from_hours(336)
        );
        for bad in [
            "",
            "d",
            "7",
            "0d",
            "7y",
            "-1d",
            "1.5d",
            "456d",
            "99999999999999999w",
        ] {
            let e = parse_span("--since", bad).unwrap_err();
            assert!(e.rule.contains("`7d`"), "{bad}: {e}");
        }
    }

    #[test]
    fn day_windows_are_inclusive_for_people_and_exclusive_on_the_wire() {
        let now: Timestamp = "2026-11-22T06:00:00Z".parse().unwrap();
        let w = Window::days(
            parse_date("--from", "2026-11-01").unwrap(),
            parse_date("--to", "2026-11-07").unwrap(),
            now,
        )
        .unwrap();
        assert_eq!(w.start.to_string(), "2026-11-01T00:00:00Z");
        assert_eq!(w.end_exclusive.to_string(), "2026-11-08T00:00:00Z");
        assert_eq!(w.day_count(), 7);
        let today = Window::days(
            parse_date("--from", "2026-11-20").unwrap(),
            parse_date("--to", "2026-11-30").unwrap(),
            now,
        )
        .unwrap();
        assert_eq!(today.end_exclusive, now, "never past now");
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

    #[test]
    fn last_ends_at_the_minute() {
        let now: Timestamp = "2026-11-22T06:00:42Z".parse().unwrap();
        let w = Window::last(SignedDuration::from_hours(24), now);
        assert_eq!(w.end_exclusive.to_string(), "2026-11-22T06:00:00Z");
        assert_eq!(w.start.to_string(), "2026-11-21T06:00:00Z");
    }
}
