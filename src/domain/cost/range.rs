//! Time ranges of a cost report on UTC days: `--last`, `--month`,
//! `--from/--to`, resolved against "today" and checked against what Cost
//! Explorer refuses, and the periods it answers with.

use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::HISTORY_MONTHS;
use super::choice::Granularity;
use crate::domain::InputError;
use crate::domain::span::{self, Unit};

/// A time range as asked for: `--last`, `--month` or `--from/--to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSpec {
    /// `--last 30d|12w|6m`. Days and weeks end today; months are calendar
    /// months, the current one included (`6m` = this month and the five before).
    Last { count: u16, unit: SpanUnit },
    /// `--month 2026-10`: the first day of that month.
    Month(Date),
    /// `--from/--to`, both inclusive.
    Between { from: Date, to: Date },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanUnit {
    Days,
    Weeks,
    Months,
}

/// `--last 30d|12w|6mo` ([`TimeSpec::parse_last`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Last(pub TimeSpec);

impl std::str::FromStr for Last {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TimeSpec::parse_last(s).map(Self)
    }
}

/// `--month YYYY-MM` ([`TimeSpec::parse_month`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month(pub TimeSpec);

impl std::str::FromStr for Month {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TimeSpec::parse_month(s).map(Self)
    }
}

impl TimeSpec {
    /// Parses `--last`: a whole number of days, weeks or months (`30d`, `12w`, `6mo`).
    pub fn parse_last(s: &str) -> Result<Self, InputError> {
        let n = span::parse("--last", s, &[Unit::Days, Unit::Weeks, Unit::Months])?;
        let unit = match n.unit {
            Unit::Weeks => SpanUnit::Weeks,
            Unit::Months => SpanUnit::Months,
            _ => SpanUnit::Days,
        };
        let count = u16::try_from(n.count)
            .map_err(|_| InputError::new("--last", s, "is longer than Cost Explorer's history"))?;
        Ok(Self::Last { count, unit })
    }

    /// Parses `--month YYYY-MM`.
    pub fn parse_month(s: &str) -> Result<Self, InputError> {
        let rule = "expected a month as `YYYY-MM`";
        let (y, m) = s
            .split_once('-')
            .ok_or_else(|| InputError::new("--month", s, rule))?;
        if y.len() != 4 || m.len() != 2 {
            return Err(InputError::new("--month", s, rule));
        }
        let year: i16 = y.parse().map_err(|_| InputError::new("--month", s, rule))?;
        let month: i8 = m.parse().map_err(|_| InputError::new("--month", s, rule))?;
        Date::new(year, month, 1)
            .map(Self::Month)
            .map_err(|_| InputError::new("--month", s, rule))
    }

    fn field(self) -> &'static str {
        match self {
            Self::Last { .. } => "--last",
            Self::Month(_) => "--month",
            Self::Between { .. } => "--from",
        }
    }
}

/// `[start, end_exclusive)` in whole UTC days, as Cost Explorer's `TimePeriod`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    pub start: Date,
    pub end_exclusive: Date,
}

fn months(n: i64) -> Span {
    Span::new().months(n)
}

fn days(n: i64) -> Span {
    Span::new().days(n)
}

/// The first day Cost Explorer keeps by default: the first of the month
/// [`HISTORY_MONTHS`] before the current one.
pub fn earliest_start(today: Date) -> Date {
    today.first_of_month().saturating_sub(months(HISTORY_MONTHS))
}

impl DateRange {
    /// The range a [`TimeSpec`] means on `today` (UTC), checked against what
    /// Cost Explorer refuses: a start after today, a start older than its
    /// history, an end before the start. The end is clipped to tomorrow (a
    /// `--to` in the future adds nothing but empty days).
    pub fn resolve(spec: TimeSpec, today: Date) -> Result<Self, InputError> {
        let tomorrow = today.tomorrow().unwrap_or(today);
        let (start, end_exclusive) = match spec {
            TimeSpec::Last { count, unit } => {
                let n = i64::from(count);
                let start = match unit {
                    SpanUnit::Days => today.checked_sub(days(n - 1)),
                    SpanUnit::Weeks => today.checked_sub(days(7 * n - 1)),
                    SpanUnit::Months => today.first_of_month().checked_sub(months(n - 1)),
                };
                let start = start.map_err(|_| too_old(spec, &format!("{count}"), today))?;
                (start, tomorrow)
            }
            TimeSpec::Month(first) => (first, first.checked_add(months(1)).unwrap_or(tomorrow)),
            TimeSpec::Between { from, to } => {
                if to < from {
                    return Err(InputError::new(
                        "--to",
                        &to.to_string(),
                        &format!("is before `--from {from}`"),
                    ));
                }
                (from, to.tomorrow().unwrap_or(to))
            }
        };
        if start > today {
            return Err(InputError::new(
                spec.field(),
                &start.to_string(),
                &format!("starts after today ({today}, UTC); Cost Explorer has no data for the future"),
            ));
        }
        if start < earliest_start(today) {
            return Err(too_old(spec, &start.to_string(), today));
        }
        Ok(Self {
            start,
            end_exclusive: end_exclusive.min(tomorrow),
        })
    }

    /// The last day in the range (inclusive), for people.
    pub fn last_day(&self) -> Date {
        self.end_exclusive.yesterday().unwrap_or(self.end_exclusive)
    }

    /// The periods Cost Explorer answers with, in order. Monthly periods are
    /// clipped to the range, as Cost Explorer clips them.
    pub fn periods(&self, granularity: Granularity) -> Vec<(Date, Date)> {
        let mut out = Vec::new();
        let mut cur = self.start;
        while cur < self.end_exclusive {
            let next = match granularity {
                Granularity::Daily => cur.tomorrow().unwrap_or(self.end_exclusive),
                Granularity::Monthly => cur
                    .first_of_month()
                    .checked_add(months(1))
                    .unwrap_or(self.end_exclusive),
            }
            .min(self.end_exclusive);
            out.push((cur, next));
            cur = next;
        }
        out
    }
}

fn too_old(spec: TimeSpec, value: &str, today: Date) -> InputError {
    InputError::new(
        spec.field(),
        value,
        &format!(
            "starts before {}: Cost Explorer keeps {HISTORY_MONTHS} months of history",
            earliest_start(today)
        ),
    )
}

/// The rest of the current month, from today: what `--forecast` asks for.
pub fn rest_of_month(today: Date) -> DateRange {
    DateRange {
        start: today,
        end_exclusive: today.first_of_month().checked_add(months(1)).unwrap_or(today),
    }
}
