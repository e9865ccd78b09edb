//! The request a report becomes and [`shape`], which folds Cost Explorer's
//! answer into one row per tag value with exact decimal sums.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::choice::{CostMetric, Granularity, Grouping};
use super::filter::Filter;
use super::range::DateRange;

/// One `GetCostAndUsage` request (without the page token): also the cache key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostQuery {
    pub range: DateRange,
    pub granularity: Granularity,
    pub metric: CostMetric,
    pub group_by: Vec<Grouping>,
    pub filter: Option<Filter>,
}

/// One `GetCostForecast` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastQuery {
    pub range: DateRange,
    /// The `UPPER_SNAKE` forecast metric.
    pub metric: String,
    pub filter: Option<Filter>,
}

/// One `ResultsByTime` entry of one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodResult {
    pub start: Date,
    pub end_exclusive: Date,
    pub estimated: bool,
    pub groups: Vec<GroupAmount>,
}

/// One group of a period: its keys (one per `GroupBy`) and the amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupAmount {
    pub keys: Vec<String>,
    pub amount: Decimal,
    pub unit: String,
}

/// A period of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: Date,
    pub end_exclusive: Date,
    /// Cost Explorer's `Estimated`: billing for the period is not final.
    pub estimated: bool,
}

/// One row: a tag value (`None`: spend without the tag) and, with a second
/// grouping, its value there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostRow {
    pub value: Option<String>,
    pub group: Option<String>,
    /// One amount per period, in the report's period order.
    pub amounts: Vec<Decimal>,
    pub total: Decimal,
}

/// The pivot: rows × periods with exact totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostTable {
    pub periods: Vec<Period>,
    /// Biggest spender first; rows without the tag last.
    pub rows: Vec<CostRow>,
    pub period_totals: Vec<Decimal>,
    pub total: Decimal,
    /// `USD` for cost metrics; a usage unit (or `N/A` when mixed) for usage.
    pub unit: String,
}

impl CostTable {
    /// The distinct tag values in row order (`None` = untagged).
    pub fn tag_values(&self) -> Vec<Option<String>> {
        let mut out: Vec<Option<String>> = Vec::new();
        for r in &self.rows {
            if !out.contains(&r.value) {
                out.push(r.value.clone());
            }
        }
        out
    }
}

/// The value in a `Key$value` group key (tags, product attributes); an
/// empty value is `None`. Splits at the first `$`: keys cannot contain one,
/// values of other services' tags might.
pub fn group_value(group_key: &str) -> Option<String> {
    let value = group_key.split_once('$').map_or(group_key, |(_, v)| v);
    (!value.is_empty()).then(|| value.to_owned())
}

/// Folds the pages of a `GetCostAndUsage` answer into the report.
///
/// `expected` are the range's periods (so periods without spend still get a
/// column); a period cut by a page boundary comes back once per page and is
/// merged. The first group key is the tag; with `split`, the second is the
/// second grouping. The untagged row is always there, zero if need be.
/// `today` decides `estimated` for periods the answer did not mention.
pub fn shape(
    expected: &[(Date, Date)],
    results: &[PeriodResult],
    split: Option<&Grouping>,
    default_unit: &str,
    today: Date,
) -> CostTable {
    let this_month = today.first_of_month();
    let mut periods: BTreeMap<Date, Period> = expected
        .iter()
        .map(|&(start, end_exclusive)| {
            (
                start,
                Period {
                    start,
                    end_exclusive,
                    estimated: end_exclusive > this_month,
                },
            )
        })
        .collect();
    let mut seen_in_answer: BTreeSet<Date> = BTreeSet::new();
    for r in results {
        let p = periods.entry(r.start).or_insert(Period {
            start: r.start,
            end_exclusive: r.end_exclusive,
            estimated: r.estimated,
        });
        // Cost Explorer's flag wins over the guess from the date.
        if seen_in_answer.insert(r.start) {
            p.estimated = r.estimated;
        } else {
            p.estimated |= r.estimated;
        }
    }
    let periods: Vec<Period> = periods.into_values().collect();
    let index: BTreeMap<Date, usize> = periods.iter().enumerate().map(|(i, p)| (p.start, i)).collect();

    let mut cells: BTreeMap<(Option<String>, Option<String>), Vec<Decimal>> = BTreeMap::new();
    let mut units: BTreeSet<&str> = BTreeSet::new();
    for r in results {
        let i = index[&r.start];
        for g in &r.groups {
            let value = g.keys.first().and_then(|k| group_value(k));
            let group = split.map(|s| {
                let raw = g.keys.get(1).map_or("", String::as_str);
                match s {
                    Grouping::Dimension(_) => (!raw.is_empty()).then(|| raw.to_owned()),
                    Grouping::Tag(_) | Grouping::ProductAttribute(_) => group_value(raw),
                }
            });
            let row = cells
                .entry((value, group.flatten()))
                .or_insert_with(|| vec![Decimal::ZERO; periods.len()]);
            row[i] += g.amount;
            units.insert(g.unit.as_str());
        }
    }
    if !cells.keys().any(|(v, _)| v.is_none()) {
        cells.insert((None, None), vec![Decimal::ZERO; periods.len()]);
    }

    let mut rows: Vec<CostRow> = cells
        .into_iter()
        .map(|((value, group), amounts)| CostRow {
            total: amounts.iter().copied().sum(),
            value,
            group,
            amounts,
        })
        .collect();
    let mut value_totals: BTreeMap<Option<String>, Decimal> = BTreeMap::new();
    for r in &rows {
        *value_totals.entry(r.value.clone()).or_default() += r.total;
    }
    rows.sort_by(|a, b| {
        let rank = |r: &CostRow| (r.value.is_none(), std::cmp::Reverse(value_totals[&r.value]));
        rank(a)
            .cmp(&rank(b))
            .then_with(|| a.value.cmp(&b.value))
            .then_with(|| b.total.cmp(&a.total))
            .then_with(|| a.group.cmp(&b.group))
    });

    let period_totals: Vec<Decimal> = (0..periods.len())
        .map(|i| rows.iter().map(|r| r.amounts[i]).sum())
        .collect();
    let total = period_totals.iter().copied().sum();
    let unit = match units.len() {
        0 => default_unit.to_owned(),
        1 => units.first().map(|u| (*u).to_owned()).unwrap_or_default(),
        _ => "N/A".to_owned(),
    };
    CostTable {
        periods,
        rows,
        period_totals,
        total,
        unit,
    }
}

/// `part` as a percentage of `whole`, one decimal; `None` when `whole` is zero.
pub fn share_percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    part.checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|p| p.checked_div(whole))
        .map(|p| {
            let mut p = p.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
            p.rescale(1);
            p
        })
}
