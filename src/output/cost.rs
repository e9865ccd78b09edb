//! Cost views: the report by tag value (a pivot of values × periods with
//! totals, shares and a bar per row), the cost-allocation tag list, the
//! outcome of status changes, and the line that says what Cost Explorer
//! requests a run paid for.
//!
//! Amounts stay exact: JSON and CSV carry the decimal sums as strings (at
//! least two decimals); only the table rounds, to cents.

use std::fmt::Write as _;

use comfy_table::{CellAlignment, Table};
use jiff::civil::Date;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};

use super::{View, age, new_table};
use crate::domain::cost::{CostTable, CostTag, DateRange, PaidRequests, Period, share_percent};
use crate::domain::outcome::StatusOutcome;

/// Beyond this many periods the table shows a trend column instead of one
/// column per period (JSON and CSV always have every period).
pub const MAX_PERIOD_COLUMNS: usize = 12;
const BAR_WIDTH: usize = 20;

/// An exact amount, serialised as a decimal string with at least two decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount(pub Decimal);

impl Amount {
    pub fn exact(self) -> String {
        let mut d = self.0.normalize();
        if d.is_zero() {
            d = Decimal::ZERO;
        }
        if d.scale() < 2 {
            d.rescale(2);
        }
        d.to_string()
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.exact())
    }
}

#[derive(Debug, Serialize)]
pub struct PeriodView {
    pub start: String,
    /// Exclusive, as Cost Explorer's `TimePeriod.End`.
    pub end: String,
    pub estimated: bool,
}

#[derive(Debug, Serialize)]
pub struct RowView {
    /// The tag value; `null` is spend without the tag (Cost Explorer's `Key$`).
    pub value: Option<String>,
    /// The second grouping's value (with `--by`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// With `--by account`: the account's name, from Organizations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    pub amounts: Vec<Amount>,
    pub total: Amount,
    /// The row's share of the total, in percent (one decimal); `null` when the total is zero.
    pub share_percent: Option<String>,
    /// With `--forecast`: the forecast for the rest of the month (`null`: not enough history).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast: Option<Option<Amount>>,
}

#[derive(Debug, Serialize)]
pub struct ForecastView {
    pub start: String,
    pub end: String,
    pub total: Amount,
}

/// `aipctl cost`, in the design's cost-report shape.
#[derive(Debug, Serialize)]
pub struct CostReport {
    pub tag_key: String,
    /// The second grouping's Cost Explorer key (`SERVICE`, `model`, …), with `--by`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    pub metric: String,
    pub currency: String,
    pub granularity: String,
    /// The billing services in scope; `null` with `--all-services`.
    pub services: Option<Vec<String>>,
    pub periods: Vec<PeriodView>,
    pub rows: Vec<RowView>,
    pub period_totals: Vec<Amount>,
    pub total: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast: Option<ForecastView>,
    /// The days covered, for people: `2026-09-01 → 2026-11-22 (UTC days)`.
    pub window: String,
    /// What spend is in: Cost Explorer is global, so every region; Bedrock
    /// billing services only, unless `--all-services`.
    pub scope: String,
    /// The linked accounts the report is limited to (`--accounts`); absent
    /// when it covers every account on the bill.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accounts: Option<Vec<String>>,
    /// Cost Explorer requests this run made (pages and retries included).
    pub paid_requests: usize,
    /// Whether every answer came from the cache.
    pub from_cache: bool,
    #[serde(skip)]
    pub by_label: Option<String>,
    #[serde(skip)]
    pub estimated_marks: Vec<bool>,
    #[serde(skip)]
    pub labels: Vec<String>,
}

/// What [`CostReport::new`] needs besides the table.
pub struct ReportMeta {
    pub tag_key: String,
    pub by: Option<(String, String)>,
    pub metric: String,
    pub granularity: String,
    pub services: Option<Vec<String>>,
    /// `(range, per row forecast)` with `--forecast`, rows in table order.
    pub forecast: Option<(DateRange, Vec<Option<Decimal>>)>,
    pub paid: PaidRequests,
    /// The days the report covers.
    pub range: DateRange,
    /// With `--by account`: account names by ID.
    pub account_names: std::collections::BTreeMap<String, String>,
    /// The linked accounts the report is limited to (`--accounts`), each
    /// with its name when known; `None`: every account the bill covers.
    pub accounts: Option<Vec<(String, Option<String>)>>,
}

impl CostReport {
    pub fn new(table: &CostTable, meta: ReportMeta) -> Self {
        let services_scoped = meta.services.is_some();
        let forecasts = meta.forecast.as_ref().map(|(_, f)| f);
        let rows = table
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| RowView {
                value: r.value.clone(),
                group: r.group.clone(),
                account_name: r.group.as_ref().and_then(|g| meta.account_names.get(g).cloned()),
                amounts: r.amounts.iter().copied().map(Amount).collect(),
                total: Amount(r.total),
                share_percent: share_percent(r.total, table.total).map(|p| p.to_string()),
                forecast: forecasts.map(|f| f.get(i).copied().flatten().map(Amount)),
            })
            .collect();
        let forecast = meta.forecast.as_ref().map(|(range, f)| ForecastView {
            start: range.start.to_string(),
            end: range.end_exclusive.to_string(),
            total: Amount(f.iter().flatten().copied().sum()),
        });
        Self {
            tag_key: meta.tag_key,
            by: meta.by.as_ref().map(|(key, _)| key.clone()),
            by_label: meta.by.map(|(_, label)| label),
            metric: meta.metric,
            currency: table.unit.clone(),
            granularity: meta.granularity,
            services: meta.services,
            labels: table.periods.iter().map(period_label).collect(),
            estimated_marks: table.periods.iter().map(|p| p.estimated).collect(),
            periods: table
                .periods
                .iter()
                .map(|p| PeriodView {
                    start: p.start.to_string(),
                    end: p.end_exclusive.to_string(),
                    estimated: p.estimated,
                })
                .collect(),
            rows,
            period_totals: table.period_totals.iter().copied().map(Amount).collect(),
            total: Amount(table.total),
            forecast,
            window: format!("{} → {} (UTC days)", meta.range.start, meta.range.last_day()),
            scope: {
                let mut scope = if services_scoped {
                    "Bedrock billing services, every region".to_owned()
                } else {
                    "every service, every region".to_owned()
                };
                if let Some(accounts) = &meta.accounts {
                    scope.push_str(" · ");
                    scope.push_str(&accounts_scope(accounts));
                }
                scope
            },
            accounts: meta
                .accounts
                .as_ref()
                .map(|a| a.iter().map(|(id, _)| id.clone()).collect()),
            paid_requests: meta.paid.total(),
            from_cache: meta.paid.total() == 0 && meta.paid.from_cache > 0,
        }
    }

    /// Whether the table folds the periods into a trend column.
    pub fn folds_periods(&self) -> bool {
        self.periods.len() > MAX_PERIOD_COLUMNS
    }

    fn money(&self, d: Decimal) -> String {
        money(d, &self.currency)
    }
}

/// The linked accounts a report is limited to, for its footer:
/// `linked accounts 234567890123 (search-prod), 345678901234`; past six,
/// the first five and how many more.
fn accounts_scope(accounts: &[(String, Option<String>)]) -> String {
    const SHOWN: usize = 5;
    let label = |(id, name): &(String, Option<String>)| match name {
        Some(n) => format!("{id} ({n})"),
        None => id.clone(),
    };
    let word = if accounts.len() == 1 {
        "linked account"
    } else {
        "linked accounts"
    };
    if accounts.len() <= SHOWN + 1 {
        format!(
            "{word} {}",
            accounts.iter().map(label).collect::<Vec<_>>().join(", ")
        )
    } else {
        format!(
            "{} {word}: {} and {} more (`-o json` lists them)",
            accounts.len(),
            accounts[..SHOWN].iter().map(label).collect::<Vec<_>>().join(", "),
            accounts.len() - SHOWN
        )
    }
}

/// A period for a column title: `2026-10` for a whole month,
/// `2026-11-01..05` for a part of one (its real dates), the date for a day;
/// `*` when estimated.
pub fn period_label(p: &Period) -> String {
    let last = p.end_exclusive.yesterday().unwrap_or(p.start);
    let whole_month = p.start.day() == 1 && last == p.start.last_of_month();
    let text = if last == p.start {
        p.start.to_string()
    } else if whole_month {
        format!("{:04}-{:02}", p.start.year(), p.start.month())
    } else {
        format!("{}..{:02}", p.start, last.day())
    };
    if p.estimated { format!("{text}*") } else { text }
}

/// `1234567.891` → `1,234,567.89` (cents, half away from zero).
pub fn grouped(d: Decimal) -> String {
    let rounded = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let mut text = rounded.abs().to_string();
    if !text.contains('.') {
        text.push_str(".00");
    }
    let (int, frac) = text.split_once('.').unwrap_or((&text, "00"));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}{out}.{frac:0<2}", if negative { "-" } else { "" })
}

/// An amount for people: `$1,234.56` in USD, else the number and its unit.
pub fn money(d: Decimal, unit: &str) -> String {
    let text = grouped(d);
    match unit {
        "USD" => match text.strip_prefix('-') {
            Some(positive) => format!("-${positive}"),
            None => format!("${text}"),
        },
        "" | "N/A" => text,
        other => format!("{text} {other}"),
    }
}

/// A bar `BAR_WIDTH` wide at `value / max`, in eighths; empty for zero or less.
pub fn bar(value: Decimal, max: Decimal) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    if max <= Decimal::ZERO || value <= Decimal::ZERO {
        return String::new();
    }
    let eighths = (value * Decimal::from(BAR_WIDTH * 8) / max)
        .round()
        .try_into()
        .unwrap_or(0_usize)
        .min(BAR_WIDTH * 8);
    let eighths = eighths.max(1);
    let mut s = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        s.push(PARTS[eighths % 8]);
    }
    s
}

/// Eight-level bars for a series of amounts (negative ones show as the lowest).
fn trend(values: &[Decimal], width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if values.is_empty() {
        return String::new();
    }
    let per = values.len().div_ceil(width.max(1));
    let buckets: Vec<Decimal> = values.chunks(per).map(|c| c.iter().copied().sum()).collect();
    let max = buckets.iter().copied().max().unwrap_or_default();
    buckets
        .iter()
        .map(|v| {
            if max <= Decimal::ZERO || *v <= Decimal::ZERO {
                '·'
            } else {
                let level: usize = (*v * Decimal::from(7) / max).floor().try_into().unwrap_or(7);
                BARS[level.min(7)]
            }
        })
        .collect()
}

fn untagged(value: Option<&String>) -> String {
    value.cloned().unwrap_or_else(|| "(untagged)".into())
}

impl View for CostReport {
    fn footer(&self) -> Vec<String> {
        vec![format!("window: {} · {}", self.window, self.scope)]
    }

    fn table(&self) -> Table {
        let fold = self.folds_periods();
        let mut header: Vec<String> = vec![self.tag_key.clone()];
        if let Some(label) = &self.by_label {
            header.push(label.clone());
        }
        let first_number = header.len();
        if fold {
            header.push(format!("{} periods", self.periods.len()));
        } else {
            header.extend(self.labels.iter().cloned());
        }
        header.push("total".into());
        if let Some(f) = &self.forecast {
            let last = f.end.parse::<Date>().ok().and_then(|d| d.yesterday().ok());
            header.push(last.map_or_else(|| "forecast".into(), |d| format!("forecast to {d}")));
        }
        header.push("share".into());
        header.push(String::new());
        let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut t = new_table(&header_refs);

        let max = self.rows.iter().map(|r| r.total.0).max().unwrap_or_default();
        for r in &self.rows {
            let mut row = vec![untagged(r.value.as_ref())];
            if self.by_label.is_some() {
                row.push(match (&r.group, &r.account_name) {
                    (Some(id), Some(name)) => format!("{name} ({id})"),
                    (Some(g), None) => g.clone(),
                    (None, _) => "-".into(),
                });
            }
            if fold {
                let values: Vec<Decimal> = r.amounts.iter().map(|a| a.0).collect();
                row.push(trend(&values, 30));
            } else {
                row.extend(r.amounts.iter().map(|a| self.money(a.0)));
            }
            row.push(self.money(r.total.0));
            if let Some(f) = &r.forecast {
                row.push(f.map_or_else(|| "-".into(), |a| self.money(a.0)));
            }
            row.push(
                r.share_percent
                    .as_ref()
                    .map_or_else(|| "-".into(), |p| format!("{p}%")),
            );
            row.push(bar(r.total.0, max));
            t.add_row(row);
        }
        let mut total = vec!["TOTAL".to_owned()];
        if self.by_label.is_some() {
            total.push(String::new());
        }
        if fold {
            let values: Vec<Decimal> = self.period_totals.iter().map(|a| a.0).collect();
            total.push(trend(&values, 30));
        } else {
            total.extend(self.period_totals.iter().map(|a| self.money(a.0)));
        }
        total.push(self.money(self.total.0));
        if let Some(f) = &self.forecast {
            total.push(self.money(f.total.0));
        }
        total.extend([String::new(), String::new()]);
        t.add_row(total);

        let last_number = header.len() - 1;
        for i in first_number..last_number {
            if fold && i == first_number {
                continue;
            }
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut header = vec!["tag_key".to_owned(), "value".to_owned()];
        if let Some(label) = &self.by_label {
            header.push(label.replace(' ', "_"));
        }
        header.extend(
            [
                "kind",
                "period_start",
                "period_end",
                "estimated",
                "metric",
                "amount",
                "unit",
            ]
            .map(String::from),
        );
        let mut rows = Vec::new();
        for r in &self.rows {
            let lead = |kind: &str| {
                let mut v = vec![self.tag_key.clone(), r.value.clone().unwrap_or_default()];
                if self.by_label.is_some() {
                    v.push(r.group.clone().unwrap_or_default());
                }
                v.push(kind.to_owned());
                v
            };
            for (p, a) in self.periods.iter().zip(&r.amounts) {
                let mut v = lead("actual");
                v.extend([
                    p.start.clone(),
                    p.end.clone(),
                    p.estimated.to_string(),
                    self.metric.clone(),
                    a.exact(),
                    self.currency.clone(),
                ]);
                rows.push(v);
            }
            if let (Some(f), Some(Some(amount))) = (&self.forecast, &r.forecast) {
                let mut v = lead("forecast");
                v.extend([
                    f.start.clone(),
                    f.end.clone(),
                    "true".to_owned(),
                    self.metric.clone(),
                    amount.exact(),
                    self.currency.clone(),
                ]);
                rows.push(v);
            }
        }
        (header, rows)
    }
}

/// The stderr line on what the run cost in Cost Explorer requests.
pub fn paid_summary(p: &PaidRequests) -> String {
    let n = p.total();
    let mut s = format!(
        "Cost Explorer: {n} paid request{} (USD {})",
        if n == 1 { "" } else { "s" },
        Amount(p.cost_usd()).exact()
    );
    if n > 0 {
        let ops: Vec<String> = p.attempts.iter().map(|(op, c)| format!("{op} {c}")).collect();
        let _ = write!(s, ": {}", ops.join(", "));
    }
    let retries = p.retries();
    if retries > 0 {
        let _ = write!(
            s,
            "; {retries} of them retr{} after throttling or errors",
            if retries == 1 { "y" } else { "ies" }
        );
    }
    if p.from_cache > 0 {
        let stored = match p.oldest_cached_seconds.map(age) {
            Some(a) if a == "just now" => "stored just now".to_owned(),
            Some(a) => format!("stored {a} ago"),
            None => "stored earlier".to_owned(),
        };
        let _ = write!(
            s,
            "; {} answered from the cache ({stored}, USD {} saved; `--no-cache` asks again)",
            p.from_cache,
            Amount(crate::domain::cost::requests_cost_usd(p.from_cache)).exact()
        );
    }
    s
}

/// One cost-allocation tag key for `cost-tags`.
#[derive(Debug, Serialize)]
pub struct CostTagView {
    pub key: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    /// The month billing last saw the key (its first day).
    pub last_used: Option<String>,
    /// When the status last changed.
    pub last_updated: Option<String>,
}

impl From<&CostTag> for CostTagView {
    fn from(t: &CostTag) -> Self {
        Self {
            key: t.key.clone(),
            kind: t.kind.clone(),
            status: t.status.to_string(),
            last_used: t.last_used.map(|s| s.to_string()),
            last_updated: t.last_updated.map(|s| s.to_string()),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct CostTags(pub Vec<CostTagView>);

fn day_of(ts: Option<&String>) -> String {
    ts.map_or_else(|| "-".into(), |s| s.get(..10).unwrap_or(s).to_owned())
}

impl View for CostTags {
    fn table(&self) -> Table {
        let mut t = new_table(&["key", "type", "status", "last used", "last updated"]);
        for tag in &self.0 {
            t.add_row(vec![
                tag.key.clone(),
                tag.kind.clone(),
                tag.status.clone(),
                tag.last_used
                    .as_ref()
                    .map_or_else(|| "-".into(), |s| s.get(..7).unwrap_or(s).to_owned()),
                day_of(tag.last_updated.as_ref()),
            ]);
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = ["key", "type", "status", "last_used", "last_updated"]
            .map(String::from)
            .to_vec();
        let rows = self
            .0
            .iter()
            .map(|t| {
                vec![
                    t.key.clone(),
                    t.kind.clone(),
                    t.status.clone(),
                    t.last_used.clone().unwrap_or_default(),
                    t.last_updated.clone().unwrap_or_default(),
                ]
            })
            .collect();
        (header, rows)
    }
}

/// What happened to one requested status change.
#[derive(Debug, Clone, Serialize)]
pub struct StatusChange {
    pub key: String,
    /// The status before; `null` when billing does not know the key.
    pub from: Option<String>,
    pub to: String,
    pub result: StatusOutcome,
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct StatusChanges(pub Vec<StatusChange>);

impl View for StatusChanges {
    fn table(&self) -> Table {
        let mut t = new_table(&["key", "from", "to", "result", "detail"]);
        for c in &self.0 {
            t.add_row(vec![
                c.key.as_str(),
                c.from.as_deref().unwrap_or("-"),
                c.to.as_str(),
                c.result.as_str(),
                c.error.as_deref().unwrap_or(""),
            ]);
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = ["key", "from", "to", "result", "error"]
            .map(String::from)
            .to_vec();
        let rows = self
            .0
            .iter()
            .map(|c| {
                vec![
                    c.key.clone(),
                    c.from.clone().unwrap_or_default(),
                    c.to.clone(),
                    c.result.as_str().to_owned(),
                    c.error.clone().unwrap_or_default(),
                ]
            })
            .collect();
        (header, rows)
    }
}

/// The status changes `cost-tags` is about to send, shown before it asks.
pub fn status_plan(to_send: &[&crate::domain::cost::PlannedChange]) -> Table {
    let mut t = new_table(&["key", "from", "to"]);
    for p in to_send {
        t.add_row(vec![
            p.key.as_str().to_owned(),
            p.from.map_or_else(|| "-".into(), |s| s.to_string()),
            p.to.to_string(),
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn amounts_are_exact_with_at_least_cents() {
        assert_eq!(Amount(d("12.34")).exact(), "12.34");
        assert_eq!(Amount(d("1")).exact(), "1.00");
        assert_eq!(Amount(d("0.0000000001")).exact(), "0.0000000001");
        assert_eq!(Amount(d("2.5000")).exact(), "2.50");
        assert_eq!(Amount(d("-0.00")).exact(), "0.00");
    }

    #[test]
    fn money_reads_for_people() {
        assert_eq!(money(d("1234567.891"), "USD"), "$1,234,567.89");
        assert_eq!(money(d("-50"), "USD"), "-$50.00");
        assert_eq!(money(d("0.004"), "USD"), "$0.00");
        assert_eq!(money(d("0.005"), "USD"), "$0.01");
        assert_eq!(money(d("999.999"), "USD"), "$1,000.00");
        assert_eq!(money(d("12"), "Units"), "12.00 Units");
    }

    #[test]
    fn bars_scale_to_the_biggest_row() {
        assert_eq!(bar(d("10"), d("10")).chars().count(), BAR_WIDTH);
        assert_eq!(bar(d("5"), d("10")), "█".repeat(10));
        assert_eq!(bar(d("0.0001"), d("10")), "▏", "a tiny spender still shows");
        assert_eq!(bar(d("0"), d("10")), "");
        assert_eq!(bar(d("-5"), d("10")), "");
    }

    #[test]
    fn period_labels_name_months_days_and_parts() {
        let p = |s: &str, e: &str, est| Period {
            start: s.parse().unwrap(),
            end_exclusive: e.parse().unwrap(),
            estimated: est,
        };
        assert_eq!(period_label(&p("2026-10-01", "2026-11-01", false)), "2026-10");
        assert_eq!(
            period_label(&p("2026-11-01", "2026-11-23", true)),
            "2026-11-01..22*",
            "this month so far says how far"
        );
        assert_eq!(
            period_label(&p("2026-11-01", "2026-11-06", false)),
            "2026-11-01..05",
            "a month cut by `--to` is not the whole month"
        );
        assert_eq!(
            period_label(&p("2026-10-24", "2026-11-01", false)),
            "2026-10-24..31"
        );
        assert_eq!(period_label(&p("2026-10-03", "2026-10-04", false)), "2026-10-03");
    }

    #[test]
    fn the_paid_line_counts_retries_and_cache_hits() {
        let mut p = PaidRequests::default();
        p.attempts.insert("GetCostAndUsage".into(), 3);
        p.sent.insert("GetCostAndUsage".into(), 1);
        assert_eq!(
            paid_summary(&p),
            "Cost Explorer: 3 paid requests (USD 0.03): GetCostAndUsage 3; 2 of them retries after throttling or errors"
        );
        let cached = PaidRequests {
            from_cache: 3,
            oldest_cached_seconds: Some(7200),
            ..PaidRequests::default()
        };
        assert_eq!(
            paid_summary(&cached),
            "Cost Explorer: 0 paid requests (USD 0.00); 3 answered from the cache (stored 2h ago, USD 0.03 saved; `--no-cache` asks again)"
        );
    }
}
