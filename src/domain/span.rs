//! Lengths of time on the command line (`30d`, `12h`, `4w`, `6mo`, `30m`),
//! parsed by jiff's "friendly" duration format, so every flag reads a unit
//! the same way: `m` is minutes everywhere and months are `mo`. Each flag
//! takes one whole number of one of the units it allows.

use std::fmt;

use jiff::Span as JiffSpan;

use crate::domain::InputError;

/// A unit a flag may allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unit {
    Minutes,
    Hours,
    Days,
    Weeks,
    Months,
}

impl Unit {
    /// The designator shown in messages and examples.
    pub fn suffix(self) -> &'static str {
        match self {
            Self::Minutes => "m",
            Self::Hours => "h",
            Self::Days => "d",
            Self::Weeks => "w",
            Self::Months => "mo",
        }
    }

    fn word(self) -> &'static str {
        match self {
            Self::Minutes => "minutes",
            Self::Hours => "hours",
            Self::Days => "days",
            Self::Weeks => "weeks",
            Self::Months => "months",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.suffix())
    }
}

/// `count` of one `unit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub count: u32,
    pub unit: Unit,
}

impl Count {
    /// The length of time, for units of fixed length (not months).
    pub fn duration(self) -> Option<std::time::Duration> {
        let unit_secs: u64 = match self.unit {
            Unit::Minutes => 60,
            Unit::Hours => 3_600,
            Unit::Days => 86_400,
            Unit::Weeks => 7 * 86_400,
            Unit::Months => return None,
        };
        Some(std::time::Duration::from_secs(u64::from(self.count) * unit_secs))
    }
}

/// "a whole number of minutes or hours, such as `30m` or `12h`".
pub fn describe(allowed: &[Unit]) -> String {
    let words: Vec<&str> = allowed.iter().map(|u| u.word()).collect();
    let examples: Vec<String> = allowed
        .iter()
        .map(|u| {
            let n = match u {
                Unit::Minutes => 30,
                Unit::Hours => 12,
                Unit::Days => 7,
                Unit::Weeks => 4,
                Unit::Months => 6,
            };
            format!("`{n}{}`", u.suffix())
        })
        .collect();
    let join = |parts: &[String]| match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    };
    let words: Vec<String> = words.into_iter().map(str::to_owned).collect();
    format!("a whole number of {}, such as {}", join(&words), join(&examples))
}

/// Parses `s` for `field`: one positive whole number of one of `allowed`.
pub fn parse(field: &str, s: &str, allowed: &[Unit]) -> Result<Count, InputError> {
    let rule = format!("expected {}", describe(allowed));
    let bad = |why: &str| InputError::new(field, s, &format!("{why}{rule}"));
    // jiff reads ISO 8601 too (`P7D`); on the command line only the friendly form is meant.
    if s.trim() != s || s.starts_with(['P', 'p', '-', '+']) {
        return Err(bad(""));
    }
    let span: JiffSpan = s.parse().map_err(|_| bad(""))?;
    let parts = [
        (Unit::Months, i64::from(span.get_months())),
        (Unit::Weeks, i64::from(span.get_weeks())),
        (Unit::Days, i64::from(span.get_days())),
        (Unit::Hours, i64::from(span.get_hours())),
        (Unit::Minutes, span.get_minutes()),
    ];
    let others = i64::from(span.get_years()) != 0
        || span.get_seconds() != 0
        || span.get_milliseconds() != 0
        || span.get_microseconds() != 0
        || span.get_nanoseconds() != 0;
    let set: Vec<(Unit, i64)> = parts.into_iter().filter(|(_, n)| *n != 0).collect();
    let [(unit, n)] = set.as_slice() else {
        return Err(bad(if set.len() > 1 { "one unit only; " } else { "" }));
    };
    if others {
        return Err(bad(""));
    }
    if !allowed.contains(unit) {
        let hint = if *unit == Unit::Minutes && allowed.contains(&Unit::Months) {
            "`m` is minutes; months are `mo` (`6mo`); "
        } else {
            ""
        };
        return Err(bad(hint));
    }
    let count = u32::try_from(*n).ok().filter(|c| *c > 0).ok_or_else(|| bad(""))?;
    Ok(Count { count, unit: *unit })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_whole_number_of_one_allowed_unit() {
        let all = [Unit::Minutes, Unit::Hours, Unit::Days, Unit::Weeks, Unit::Months];
        let ok = |s: &str| parse("--x", s, &all).unwrap();
        assert_eq!(
            ok("30m"),
            Count {
                count: 30,
                unit: Unit::Minutes
            }
        );
        assert_eq!(
            ok("12h"),
            Count {
                count: 12,
                unit: Unit::Hours
            }
        );
        assert_eq!(
            ok("7d"),
            Count {
                count: 7,
                unit: Unit::Days
            }
        );
        assert_eq!(
            ok("2w"),
            Count {
                count: 2,
                unit: Unit::Weeks
            }
        );
        assert_eq!(
            ok("6mo"),
            Count {
                count: 6,
                unit: Unit::Months
            }
        );
        assert_eq!(
            ok("3 days"),
            Count {
                count: 3,
                unit: Unit::Days
            }
        );
        for bad in [
            "", "d", "7", "0d", "-1d", "1.5d", "1h30m", "P7D", " 7d", "2y", "30s", "7x",
        ] {
            assert!(parse("--x", bad, &all).is_err(), "{bad}");
        }
    }

    #[test]
    fn m_is_minutes_and_says_so_where_months_are_meant() {
        let e = parse("--last", "6m", &[Unit::Days, Unit::Weeks, Unit::Months]).unwrap_err();
        assert!(e.rule.contains("`m` is minutes; months are `mo`"), "{e}");
        assert!(e.rule.ends_with("such as `7d`, `4w` or `6mo`"), "{e}");
        let e = parse("--cache-ttl", "2w", &[Unit::Minutes, Unit::Hours, Unit::Days]).unwrap_err();
        assert_eq!(
            e.rule,
            "expected a whole number of minutes, hours or days, such as `30m`, `12h` or `7d`"
        );
    }
}
