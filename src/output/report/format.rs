//! How figures read on the page: amounts to the cent with thousands
//! separators in tables (the exact decimal beside each in `data-exact`),
//! short round labels on chart axes, months and instants in UTC.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::domain::cost::Period;
use crate::output::cost::Amount;

/// An exact amount with at least two decimals and thousands separators:
/// `1234.5678` → `1,234.5678` (nothing rounded).
pub fn exact(d: Decimal) -> String {
    let text = Amount(d).exact();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut out = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// An amount to the cent, and its exact decimal when the cents hide digits:
/// `1234.5678` → (`1,234.57`, `1,234.5678`); `0.004` → (`< 0.01`, `0.004`);
/// `12.5` → (`12.50`, none).
pub fn cents(d: Decimal) -> (String, Option<String>) {
    let rounded = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let hidden = rounded != d;
    let text = if rounded.is_zero() && !d.is_zero() {
        if d.is_sign_negative() { "> -0.01" } else { "< 0.01" }.to_owned()
    } else {
        exact(rounded)
    };
    (text, hidden.then(|| exact(d)))
}

/// A percentage that is already rounded (one decimal): `12.3%`.
pub fn percent(p: Option<Decimal>) -> String {
    p.map_or_else(|| "–".to_owned(), |p| format!("{p}%"))
}

/// A ratio in 0..=1 as a percentage with one decimal: `45.7%`.
pub fn ratio(r: Option<f64>) -> String {
    r.map_or_else(|| "–".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

/// A decimal as a chart coordinate (pixels need no exactness).
pub fn coordinate(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// `v` with a k/M/B suffix and at most one decimal: `1.5k`, `12M`, `250`.
fn compact(v: f64) -> String {
    let a = v.abs();
    let (scaled, suffix) = match a {
        a if a >= 1e9 => (v / 1e9, "B"),
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e3 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    let text = format!("{scaled:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text}{suffix}")
}

/// A dollar axis label: `$0`, `$250`, `$1.5k`, `-$50`.
pub fn usd_axis(v: f64) -> String {
    if v < 0.0 {
        format!("-${}", compact(-v))
    } else {
        format!("${}", compact(v))
    }
}

/// A count axis label: `0`, `250k`, `1.5M`.
pub fn count_axis(v: f64) -> String {
    compact(v)
}

/// A percentage axis label: `0%`, `25%`.
pub fn percent_axis(v: f64) -> String {
    format!("{v:.0}%")
}

/// A month for people: `Oct 2026`; `Nov 2026 (1–22)` for part of one,
/// `Dec 2026 (1)` for one day of it; a `*` when billing for it is not final.
pub fn month(p: &Period) -> String {
    let last = p.end_exclusive.yesterday().unwrap_or(p.start);
    let name = p.start.strftime("%b %Y").to_string();
    let mut text = if p.start.day() == 1 && last == p.start.last_of_month() {
        name
    } else if last == p.start {
        format!("{name} ({})", p.start.day())
    } else {
        format!("{name} ({}–{})", p.start.day(), last.day())
    };
    if p.estimated {
        text.push('*');
    }
    text
}

/// An instant for people, in UTC: `2026-11-22 13:00 UTC`.
pub fn instant(t: Timestamp) -> String {
    t.to_zoned(TimeZone::UTC)
        .strftime("%Y-%m-%d %H:%M UTC")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn table_amounts_are_exact_and_grouped() {
        assert_eq!(exact(dec("1234567.891")), "1,234,567.891");
        assert_eq!(exact(dec("-50")), "-50.00");
        assert_eq!(exact(dec("0.0000")), "0.00");
        assert_eq!(exact(dec("999.5")), "999.50");
    }

    #[test]
    fn axis_labels_are_short() {
        assert_eq!(usd_axis(0.0), "$0");
        assert_eq!(usd_axis(1500.0), "$1.5k");
        assert_eq!(usd_axis(-50.0), "-$50");
        assert_eq!(count_axis(12_000_000.0), "12M");
        assert_eq!(percent_axis(25.0), "25%");
    }

    #[test]
    fn months_say_when_they_are_partial_or_not_final() {
        let p = |s: &str, e: &str, estimated| Period {
            start: s.parse().unwrap(),
            end_exclusive: e.parse().unwrap(),
            estimated,
        };
        assert_eq!(month(&p("2026-10-01", "2026-11-01", false)), "Oct 2026");
        assert_eq!(month(&p("2026-11-01", "2026-11-23", true)), "Nov 2026 (1–22)*");
        assert_eq!(month(&p("2026-12-01", "2026-12-02", true)), "Dec 2026 (1)*");
    }
}
