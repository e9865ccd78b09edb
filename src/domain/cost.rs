//! Cost Explorer reports by a cost-allocation tag, as values: the choices a
//! user makes (metric, granularity, time range, second grouping, scope), the
//! request they become, and [`shape`], which folds Cost Explorer's answer
//! into one row per tag value with exact decimal sums.
//!
//! Facts this module encodes (Cost Explorer API reference,
//! <https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html>):
//! time periods are `YYYY-MM-DD`, start inclusive and end exclusive; at most
//! two `GroupBy` entries; a tag group key is `Key$value` and spend without the
//! tag is `Key$`; amounts are decimal strings. No I/O and no clock here: the
//! caller passes "today".

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use jiff::{Span, Timestamp};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::domain::InputError;
use crate::domain::tag::{Tag, TagKey};

/// Every Cost Explorer API request is billed at USD 0.01, each page and each
/// retry included (<https://aws.amazon.com/aws-cost-management/aws-cost-explorer/pricing/>).
pub const REQUEST_PRICE_USD: Decimal = Decimal::from_parts(1, 0, 0, false, 2);
/// Cost Explorer keeps 13 months of daily and monthly history by default
/// (<https://docs.aws.amazon.com/cost-management/latest/userguide/ce-what-is.html>).
pub const HISTORY_MONTHS: i64 = 13;
/// `UpdateCostAllocationTagsStatus` takes 1–20 entries.
pub const MAX_STATUS_ENTRIES_PER_CALL: usize = 20;
/// `ListCostAllocationTags` filters on 1–100 `TagKeys`.
pub const MAX_TAG_KEYS_PER_LIST: usize = 100;
/// Product attributes (`--by model`) exist for periods from this day on;
/// earlier periods fail with `DataUnavailableException`.
pub const PRODUCT_ATTRIBUTES_FROM: Date = jiff::civil::date(2026, 9, 1);
/// What third-party and first-party Bedrock billing service names share:
/// "Amazon Bedrock", "Claude Sonnet 4.5 (Amazon Bedrock Edition)", …
pub const BEDROCK_SEARCH: &str = "Bedrock";

/// The cost of `n` Cost Explorer requests in USD.
pub fn requests_cost_usd(n: usize) -> Decimal {
    Decimal::from(n) * REQUEST_PRICE_USD
}

/// What a run cost in Cost Explorer requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaidRequests {
    /// Requests that went on the wire, per operation, retries included:
    /// what AWS bills.
    pub attempts: BTreeMap<String, usize>,
    /// Requests aipctl made (one per page), per operation, before retries.
    pub sent: BTreeMap<String, usize>,
    /// Requests answered from the on-disk cache instead (pages included).
    pub from_cache: usize,
    /// The age of the oldest cached answer used, in seconds.
    pub oldest_cached_seconds: Option<i64>,
}

impl PaidRequests {
    pub fn total(&self) -> usize {
        self.attempts.values().sum()
    }

    /// Attempts beyond the first of each request (throttling, 5xx).
    pub fn retries(&self) -> usize {
        self.total().saturating_sub(self.sent.values().sum())
    }

    pub fn cost_usd(&self) -> Decimal {
        requests_cost_usd(self.total())
    }
}

/// `--metric`: which Cost Explorer figure to sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CostMetric {
    Unblended,
    Amortized,
    NetUnblended,
    Usage,
}

impl CostMetric {
    pub const NAMES: [&'static str; 4] = ["unblended", "amortized", "net-unblended", "usage"];

    /// The `Metrics` name of `GetCostAndUsage`.
    pub fn api_name(self) -> &'static str {
        match self {
            Self::Unblended => "UnblendedCost",
            Self::Amortized => "AmortizedCost",
            Self::NetUnblended => "NetUnblendedCost",
            Self::Usage => "UsageQuantity",
        }
    }

    /// The `Metric` of `GetCostForecast` (`UPPER_SNAKE` there); usage has none.
    pub fn forecast_name(self) -> Option<&'static str> {
        match self {
            Self::Unblended => Some("UNBLENDED_COST"),
            Self::Amortized => Some("AMORTIZED_COST"),
            Self::NetUnblended => Some("NET_UNBLENDED_COST"),
            Self::Usage => None,
        }
    }

    /// Whether amounts are money (USD) rather than usage quantities.
    pub fn is_money(self) -> bool {
        !matches!(self, Self::Usage)
    }
}

impl FromStr for CostMetric {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "unblended" => Ok(Self::Unblended),
            "amortized" => Ok(Self::Amortized),
            "net-unblended" => Ok(Self::NetUnblended),
            "usage" => Ok(Self::Usage),
            _ => Err(InputError::new(
                "--metric",
                s,
                "expected `unblended`, `amortized`, `net-unblended` or `usage`",
            )),
        }
    }
}

/// `--granularity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Granularity {
    Daily,
    Monthly,
}

impl Granularity {
    pub const NAMES: [&'static str; 2] = ["daily", "monthly"];

    pub fn api_name(self) -> &'static str {
        match self {
            Self::Daily => "DAILY",
            Self::Monthly => "MONTHLY",
        }
    }
}

impl FromStr for Granularity {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "daily" => Ok(Self::Daily),
            "monthly" => Ok(Self::Monthly),
            _ => Err(InputError::new(
                "--granularity",
                s,
                "expected `daily` or `monthly`",
            )),
        }
    }
}

/// `--by`: the second grouping, beside the tag key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    Service,
    Model,
    Region,
    Account,
    UsageType,
}

impl Split {
    pub const NAMES: [&'static str; 5] = ["service", "model", "region", "account", "usage-type"];

    /// The Cost Explorer grouping. `model` is the Bedrock product attribute.
    pub fn grouping(self) -> Grouping {
        match self {
            Self::Service => Grouping::Dimension("SERVICE".into()),
            Self::Model => Grouping::ProductAttribute("model".into()),
            Self::Region => Grouping::Dimension("REGION".into()),
            Self::Account => Grouping::Dimension("LINKED_ACCOUNT".into()),
            Self::UsageType => Grouping::Dimension("USAGE_TYPE".into()),
        }
    }

    /// The column title.
    pub fn label(self) -> &'static str {
        match self {
            Self::Service => "service",
            Self::Model => "model",
            Self::Region => "region",
            Self::Account => "account",
            Self::UsageType => "usage type",
        }
    }
}

impl FromStr for Split {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "service" => Ok(Self::Service),
            "model" => Ok(Self::Model),
            "region" => Ok(Self::Region),
            "account" => Ok(Self::Account),
            "usage-type" => Ok(Self::UsageType),
            _ => Err(InputError::new(
                "--by",
                s,
                "expected `service`, `model`, `region`, `account` or `usage-type`",
            )),
        }
    }
}

/// One `GroupBy` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grouping {
    Tag(String),
    Dimension(String),
    ProductAttribute(String),
}

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

impl TimeSpec {
    /// Parses `--last`: a whole number and `d`, `w` or `m`.
    pub fn parse_last(s: &str) -> Result<Self, InputError> {
        let rule = "expected a whole number and a unit: days, weeks or months, such as `30d`, `12w` or `6m`";
        let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
        let count: u16 = num.parse().map_err(|_| InputError::new("--last", s, rule))?;
        let unit = match unit {
            "d" => SpanUnit::Days,
            "w" => SpanUnit::Weeks,
            "m" => SpanUnit::Months,
            _ => return Err(InputError::new("--last", s, rule)),
        };
        if count == 0 {
            return Err(InputError::new("--last", s, rule));
        }
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

/// `--cache-ttl`: a whole number of minutes, hours or days (`30m`, `6h`, `1d`), at most 7 days.
pub fn parse_ttl(s: &str) -> Result<std::time::Duration, InputError> {
    let rule = "expected a whole number and a unit, such as `30m`, `6h` or `1d` (at most 7 days)";
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num.parse().map_err(|_| InputError::new("--cache-ttl", s, rule))?;
    let seconds = match unit {
        "m" => n.checked_mul(60),
        "h" => n.checked_mul(3600),
        "d" => n.checked_mul(86_400),
        _ => None,
    }
    .ok_or_else(|| InputError::new("--cache-ttl", s, rule))?;
    if n == 0 || seconds > 7 * 86_400 {
        return Err(InputError::new("--cache-ttl", s, rule));
    }
    Ok(std::time::Duration::from_secs(seconds))
}

/// A Cost Explorer filter `Expression`, as far as aipctl writes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    /// `Dimensions {Key, Values}`: any of the values.
    Dimension {
        key: String,
        values: Vec<String>,
    },
    /// `Tags {Key, Values}`: any of the values.
    Tag {
        key: String,
        values: Vec<String>,
    },
    /// `Tags {Key, MatchOptions: [ABSENT]}`: spend without the tag.
    TagAbsent {
        key: String,
    },
}

impl Filter {
    /// `And` of the parts, or the one part (Cost Explorer wants `And` to have
    /// at least two operands).
    pub fn all(mut parts: Vec<Filter>) -> Option<Filter> {
        match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(Self::And(parts)),
        }
    }

    fn any(mut parts: Vec<Filter>) -> Filter {
        if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            Self::Or(parts)
        }
    }
}

/// The `--filter-tag K=V` flags as filter parts: any value of one key
/// matches (`Or`), every key must match (`And`); `K=` means spend without
/// the tag `K`.
pub fn tag_filters(tags: &[Tag]) -> Vec<Filter> {
    let mut by_key: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for t in tags {
        by_key.entry(t.key.as_str()).or_default().insert(t.value.as_str());
    }
    by_key
        .into_iter()
        .map(|(key, values)| {
            let mut parts = Vec::new();
            if values.contains("") {
                parts.push(Filter::TagAbsent { key: key.to_owned() });
            }
            let named: Vec<String> = values
                .iter()
                .filter(|v| !v.is_empty())
                .map(|v| (*v).to_owned())
                .collect();
            if !named.is_empty() {
                parts.push(Filter::Tag {
                    key: key.to_owned(),
                    values: named,
                });
            }
            Filter::any(parts)
        })
        .collect()
}

/// The report's scope: the Bedrock billing services (`None`: every service)
/// and the `--filter-tag` parts.
pub fn scope_filter(services: Option<&[String]>, tags: &[Tag]) -> Option<Filter> {
    let mut parts = Vec::new();
    if let Some(services) = services {
        parts.push(Filter::Dimension {
            key: "SERVICE".into(),
            values: services.to_vec(),
        });
    }
    parts.extend(tag_filters(tags));
    Filter::all(parts)
}

/// The Bedrock billing service names among `GetDimensionValues` answers
/// (the search is a substring match; this keeps only names that contain it).
pub fn bedrock_services(names: Vec<String>) -> Vec<String> {
    let needle = BEDROCK_SEARCH.to_ascii_lowercase();
    let mut out: Vec<String> = names
        .into_iter()
        .filter(|n| n.to_ascii_lowercase().contains(&needle))
        .collect();
    out.sort();
    out.dedup();
    out
}

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

/// A cost-allocation tag's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TagStatus {
    Active,
    Inactive,
}

impl TagStatus {
    pub fn api_name(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Inactive => "Inactive",
        }
    }
}

impl fmt::Display for TagStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.api_name())
    }
}

/// A cost-allocation tag as `ListCostAllocationTags` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostTag {
    pub key: String,
    /// `UserDefined` or `AWSGenerated`.
    pub kind: String,
    pub status: TagStatus,
    /// When the status last changed (for an active key: its activation).
    pub last_updated: Option<Timestamp>,
    /// The month billing last saw the key (a month's first day).
    pub last_used: Option<Timestamp>,
}

/// Whether Cost Explorer can group by a tag key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// Billing has never seen the key: no resource carried it in cost data yet.
    NeverSeen,
    /// Known but not activated: Cost Explorer groups everything as `Key$`.
    Inactive,
    Active {
        since: Option<Timestamp>,
        /// Activation is not retroactive: spend before this day (inside the
        /// range) sits in the untagged row.
        untagged_before: Option<Date>,
        /// Activated less than 24 hours ago: data may not have arrived yet.
        settling: bool,
    },
}

/// What a report by `key` over `range` can expect from the key's status.
pub fn activation(key: &str, tags: &[CostTag], range: &DateRange, now: Timestamp) -> Activation {
    match tags.iter().find(|t| t.key == key) {
        None => Activation::NeverSeen,
        Some(t) if t.status == TagStatus::Inactive => Activation::Inactive,
        Some(t) => {
            let since = t.last_updated;
            let day = since.map(|s| s.to_zoned(jiff::tz::TimeZone::UTC).date());
            Activation::Active {
                since,
                untagged_before: day.filter(|d| *d > range.start),
                settling: since.is_some_and(|s| now.duration_since(s) < jiff::SignedDuration::from_hours(24)),
            }
        }
    }
}

/// One requested status change, after comparing with the current status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedChange {
    pub key: TagKey,
    /// `None`: billing does not know the key.
    pub from: Option<TagStatus>,
    pub to: TagStatus,
}

impl PlannedChange {
    /// Whether an `UpdateCostAllocationTagsStatus` entry is worth sending:
    /// the key is known and not already in the wanted status.
    pub fn needs_request(&self) -> bool {
        self.from.is_some_and(|f| f != self.to)
    }
}

/// `--activate` and `--deactivate` as one list, each key once; a key in both is an input error.
pub fn requested_changes(
    activate: &[TagKey],
    deactivate: &[TagKey],
) -> Result<Vec<(TagKey, TagStatus)>, InputError> {
    let mut out: Vec<(TagKey, TagStatus)> = Vec::new();
    for (keys, status) in [(activate, TagStatus::Active), (deactivate, TagStatus::Inactive)] {
        for k in keys {
            match out.iter().find(|(seen, _)| seen == k) {
                Some((_, s)) if *s != status => {
                    return Err(InputError::new(
                        "tag key",
                        k.as_str(),
                        "is both in `--activate` and in `--deactivate`",
                    ));
                }
                Some(_) => {}
                None => out.push((k.clone(), status)),
            }
        }
    }
    Ok(out)
}

/// Each requested change beside the key's current status.
pub fn plan_changes(requested: &[(TagKey, TagStatus)], current: &[CostTag]) -> Vec<PlannedChange> {
    requested
        .iter()
        .map(|(key, to)| PlannedChange {
            key: key.clone(),
            from: current.iter().find(|t| t.key == key.as_str()).map(|t| t.status),
            to: *to,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn range(spec: TimeSpec, today: &str) -> Result<(String, String), InputError> {
        DateRange::resolve(spec, d(today)).map(|r| (r.start.to_string(), r.end_exclusive.to_string()))
    }

    #[test]
    fn choices_parse_from_their_flag_spelling_only() {
        assert_eq!(
            "net-unblended".parse::<CostMetric>().unwrap().api_name(),
            "NetUnblendedCost"
        );
        assert_eq!("usage".parse::<CostMetric>().unwrap().forecast_name(), None);
        assert_eq!(
            "amortized".parse::<CostMetric>().unwrap().forecast_name(),
            Some("AMORTIZED_COST")
        );
        assert!("UnblendedCost".parse::<CostMetric>().is_err());
        assert!("hourly".parse::<Granularity>().is_err());
        assert_eq!(
            "usage-type".parse::<Split>().unwrap().grouping(),
            Grouping::Dimension("USAGE_TYPE".into())
        );
        assert_eq!(
            "model".parse::<Split>().unwrap().grouping(),
            Grouping::ProductAttribute("model".into())
        );
        for name in CostMetric::NAMES {
            assert!(name.parse::<CostMetric>().is_ok());
        }
        for name in Split::NAMES {
            assert!(name.parse::<Split>().is_ok());
        }
    }

    #[test]
    fn last_days_and_weeks_end_today_and_months_are_calendar_months() {
        let last = |s| TimeSpec::parse_last(s).unwrap();
        assert_eq!(
            range(last("30d"), "2026-11-22").unwrap(),
            ("2026-10-24".into(), "2026-11-23".into())
        );
        assert_eq!(
            range(last("1w"), "2026-11-22").unwrap(),
            ("2026-11-16".into(), "2026-11-23".into())
        );
        assert_eq!(
            range(last("6m"), "2026-11-22").unwrap(),
            ("2026-06-01".into(), "2026-11-23".into())
        );
        assert_eq!(
            range(last("1m"), "2026-11-30").unwrap(),
            ("2026-11-01".into(), "2026-12-01".into())
        );
        for bad in ["", "30", "d", "0d", "3y", "-1d", "1.5m", "99999d"] {
            assert!(TimeSpec::parse_last(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn months_and_inclusive_dates_become_end_exclusive_ranges() {
        let m = TimeSpec::parse_month("2026-10").unwrap();
        assert_eq!(
            range(m, "2026-11-22").unwrap(),
            ("2026-10-01".into(), "2026-11-01".into())
        );
        // The current month stops at tomorrow.
        let m = TimeSpec::parse_month("2026-11").unwrap();
        assert_eq!(
            range(m, "2026-11-22").unwrap(),
            ("2026-11-01".into(), "2026-11-23".into())
        );
        let b = TimeSpec::Between {
            from: d("2026-11-01"),
            to: d("2026-11-07"),
        };
        assert_eq!(
            range(b, "2026-11-22").unwrap(),
            ("2026-11-01".into(), "2026-11-08".into())
        );
        for bad in ["2026-13", "2026-1", "26-10", "2026/10", "2026-10-01", ""] {
            assert!(TimeSpec::parse_month(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges_cost_explorer_refuses_are_input_errors() {
        let today = "2026-11-22";
        let future = TimeSpec::Between {
            from: d("2026-11-23"),
            to: d("2026-11-30"),
        };
        assert!(range(future, today).unwrap_err().rule.contains("after today"));
        let backwards = TimeSpec::Between {
            from: d("2026-11-07"),
            to: d("2026-11-01"),
        };
        assert_eq!(range(backwards, today).unwrap_err().field, "--to");
        let old = TimeSpec::parse_month("2025-09").unwrap();
        assert!(range(old, today).unwrap_err().rule.contains("13 months"));
        assert!(range(TimeSpec::parse_month("2025-10").unwrap(), today).is_ok());
        assert!(range(TimeSpec::parse_last("14m").unwrap(), today).is_ok());
        assert!(range(TimeSpec::parse_last("15m").unwrap(), today).is_err());
        assert!(range(TimeSpec::parse_last("900d").unwrap(), today).is_err());
        assert!(range(TimeSpec::parse_month("2026-12").unwrap(), today).is_err());
    }

    #[test]
    fn periods_are_clipped_months_or_days() {
        let r = DateRange {
            start: d("2026-09-15"),
            end_exclusive: d("2026-11-23"),
        };
        assert_eq!(
            r.periods(Granularity::Monthly),
            vec![
                (d("2026-09-15"), d("2026-10-01")),
                (d("2026-10-01"), d("2026-11-01")),
                (d("2026-11-01"), d("2026-11-23"))
            ]
        );
        assert_eq!(r.periods(Granularity::Daily).len(), 69);
        assert_eq!(r.last_day(), d("2026-11-22"));
    }

    #[test]
    fn ttls_take_minutes_hours_days() {
        assert_eq!(parse_ttl("30m").unwrap().as_secs(), 1800);
        assert_eq!(parse_ttl("6h").unwrap().as_secs(), 21_600);
        assert_eq!(parse_ttl("7d").unwrap().as_secs(), 604_800);
        for bad in ["0h", "8d", "h", "6", "6s", "-1h"] {
            assert!(parse_ttl(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn filters_and_scope_use_and_only_with_two_parts() {
        let tags: Vec<Tag> = ["Env=prod", "Env=dev", "Team="]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        assert_eq!(
            tag_filters(&tags),
            vec![
                Filter::Tag {
                    key: "Env".into(),
                    values: vec!["dev".into(), "prod".into()]
                },
                Filter::TagAbsent { key: "Team".into() },
            ]
        );
        let services = vec!["Amazon Bedrock".to_owned()];
        assert_eq!(
            scope_filter(Some(&services), &[]),
            Some(Filter::Dimension {
                key: "SERVICE".into(),
                values: services.clone()
            })
        );
        assert_eq!(scope_filter(None, &[]), None);
        assert!(matches!(scope_filter(Some(&services), &tags), Some(Filter::And(p)) if p.len() == 3));
        let both: Vec<Tag> = ["Env=", "Env=prod"].iter().map(|s| s.parse().unwrap()).collect();
        assert!(matches!(&tag_filters(&both)[0], Filter::Or(p) if p.len() == 2));
    }

    #[test]
    fn bedrock_services_keep_only_bedrock_names() {
        let names = vec![
            "Claude 3 Haiku (Amazon Bedrock Edition)".to_owned(),
            "Amazon Bedrock".to_owned(),
            "Amazon Simple Storage Service".to_owned(),
            "Amazon Bedrock".to_owned(),
        ];
        assert_eq!(
            bedrock_services(names),
            vec!["Amazon Bedrock", "Claude 3 Haiku (Amazon Bedrock Edition)"]
        );
    }

    fn amount(keys: &[&str], amount: &str) -> GroupAmount {
        GroupAmount {
            keys: keys.iter().map(|k| (*k).to_owned()).collect(),
            amount: amount.parse().unwrap(),
            unit: "USD".into(),
        }
    }

    fn result(start: &str, end: &str, estimated: bool, groups: Vec<GroupAmount>) -> PeriodResult {
        PeriodResult {
            start: d(start),
            end_exclusive: d(end),
            estimated,
            groups,
        }
    }

    #[test]
    fn shape_sums_exactly_merges_split_periods_and_orders_by_spend() {
        let expected = [
            (d("2026-10-01"), d("2026-11-01")),
            (d("2026-11-01"), d("2026-11-23")),
        ];
        let pages = vec![
            result(
                "2026-10-01",
                "2026-11-01",
                false,
                vec![
                    amount(&["Department$Legal"], "0.1"),
                    amount(&["Department$Search"], "0.2"),
                ],
            ),
            // The same period again on the next page, with the rest of its groups.
            result(
                "2026-10-01",
                "2026-11-01",
                false,
                vec![amount(&["Department$"], "1.0000000001")],
            ),
            result(
                "2026-11-01",
                "2026-11-23",
                true,
                vec![amount(&["Department$Search"], "0.1000000002")],
            ),
        ];
        let t = shape(&expected, &pages, None, "USD", d("2026-11-22"));
        let names: Vec<Option<&str>> = t.rows.iter().map(|r| r.value.as_deref()).collect();
        assert_eq!(names, vec![Some("Search"), Some("Legal"), None]);
        assert_eq!(t.rows[0].amounts, vec![d2("0.2"), d2("0.1000000002")]);
        assert_eq!(t.rows[0].total.to_string(), "0.3000000002");
        assert_eq!(t.total.to_string(), "1.4000000003");
        assert_eq!(t.period_totals[0].to_string(), "1.3000000001");
        assert_eq!(
            t.periods.iter().map(|p| p.estimated).collect::<Vec<_>>(),
            vec![false, true]
        );
        assert_eq!(t.unit, "USD");
        assert_eq!(
            t.tag_values(),
            vec![Some("Search".into()), Some("Legal".into()), None]
        );
    }

    fn d2(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn shape_always_has_an_untagged_row_and_every_period() {
        let expected = [
            (d("2026-10-01"), d("2026-10-02")),
            (d("2026-10-02"), d("2026-10-03")),
        ];
        let t = shape(&expected, &[], None, "USD", d("2026-11-22"));
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].value, None);
        assert_eq!(t.rows[0].amounts, vec![Decimal::ZERO, Decimal::ZERO]);
        assert_eq!(t.periods.len(), 2);
        assert!(t.periods.iter().all(|p| !p.estimated));
        assert_eq!(share_percent(Decimal::ONE, Decimal::ZERO), None);
    }

    #[test]
    fn shape_with_a_second_grouping_keeps_a_tag_value_together() {
        let expected = [(d("2026-10-01"), d("2026-11-01"))];
        let pages = vec![result(
            "2026-10-01",
            "2026-11-01",
            false,
            vec![
                amount(&["Department$A", "Amazon Bedrock"], "1"),
                amount(&["Department$A", "Claude (Amazon Bedrock Edition)"], "5"),
                amount(&["Department$B", "Amazon Bedrock"], "4"),
                amount(&["Department$", "Amazon Bedrock"], "9"),
            ],
        )];
        let split = Grouping::Dimension("SERVICE".into());
        let t = shape(&expected, &pages, Some(&split), "USD", d("2026-11-22"));
        let rows: Vec<(Option<&str>, Option<&str>)> = t
            .rows
            .iter()
            .map(|r| (r.value.as_deref(), r.group.as_deref()))
            .collect();
        assert_eq!(
            rows,
            vec![
                (Some("A"), Some("Claude (Amazon Bedrock Edition)")),
                (Some("A"), Some("Amazon Bedrock")),
                (Some("B"), Some("Amazon Bedrock")),
                (None, Some("Amazon Bedrock")),
            ]
        );
        let model = Grouping::ProductAttribute("model".into());
        let pages = vec![result(
            "2026-10-01",
            "2026-11-01",
            false,
            vec![amount(&["Department$A", "model$Claude Sonnet 4.5"], "1")],
        )];
        let t = shape(&expected, &pages, Some(&model), "USD", d("2026-11-22"));
        assert_eq!(t.rows[0].group.as_deref(), Some("Claude Sonnet 4.5"));
    }

    #[test]
    fn group_values_split_at_the_first_dollar() {
        assert_eq!(group_value("Department$Search"), Some("Search".into()));
        assert_eq!(group_value("Department$"), None);
        assert_eq!(group_value("Env$a$b"), Some("a$b".into()));
    }

    #[test]
    fn shares_round_to_one_decimal() {
        assert_eq!(share_percent(d2("1"), d2("3")).unwrap().to_string(), "33.3");
        assert_eq!(share_percent(d2("2"), d2("3")).unwrap().to_string(), "66.7");
        assert_eq!(share_percent(d2("3"), d2("3")).unwrap().to_string(), "100.0");
        assert_eq!(share_percent(d2("-1"), d2("40")).unwrap().to_string(), "-2.5");
        assert_eq!(requests_cost_usd(3).to_string(), "0.03");
    }

    fn tag(key: &str, status: TagStatus, updated: Option<&str>) -> CostTag {
        CostTag {
            key: key.into(),
            kind: "UserDefined".into(),
            status,
            last_updated: updated.map(|u| u.parse().unwrap()),
            last_used: None,
        }
    }

    #[test]
    fn activation_tells_unknown_inactive_late_and_settling_keys_apart() {
        let r = DateRange {
            start: d("2026-09-01"),
            end_exclusive: d("2026-11-23"),
        };
        let now: Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
        let tags = vec![
            tag("Department", TagStatus::Active, Some("2026-08-14T00:00:00Z")),
            tag("CostCenter", TagStatus::Active, Some("2026-11-18T00:00:00Z")),
            tag("Fresh", TagStatus::Active, Some("2026-11-22T01:00:00Z")),
            tag("Owner", TagStatus::Inactive, None),
        ];
        assert_eq!(
            activation("Department", &tags, &r, now),
            Activation::Active {
                since: tags[0].last_updated,
                untagged_before: None,
                settling: false
            }
        );
        assert!(matches!(
            activation("CostCenter", &tags, &r, now),
            Activation::Active { untagged_before: Some(day), settling: false, .. } if day == date(2026, 11, 18)
        ));
        assert!(matches!(
            activation("Fresh", &tags, &r, now),
            Activation::Active { settling: true, .. }
        ));
        assert_eq!(activation("Owner", &tags, &r, now), Activation::Inactive);
        assert_eq!(activation("Nope", &tags, &r, now), Activation::NeverSeen);
    }

    #[test]
    fn status_changes_are_planned_against_the_current_status() {
        let k = |s: &str| s.parse::<TagKey>().unwrap();
        let req = requested_changes(&[k("A"), k("B"), k("A")], &[k("C")]).unwrap();
        assert_eq!(req.len(), 3);
        assert!(requested_changes(&[k("A")], &[k("A")]).is_err());
        let current = vec![
            tag("A", TagStatus::Active, None),
            tag("C", TagStatus::Active, None),
        ];
        let plan = plan_changes(&req, &current);
        let needs: Vec<bool> = plan.iter().map(PlannedChange::needs_request).collect();
        // A is already active, B is unknown to billing, C goes inactive.
        assert_eq!(needs, vec![false, false, true]);
        assert_eq!(plan[1].from, None);
    }
}
