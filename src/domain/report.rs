//! The figures of `aipctl report`, one page for people who do not run CLIs:
//! spend per department and month with this month's estimate, estimated
//! spend and prompt-cache savings, tokens and the prompt-cache hit ratio per
//! department, budgets, idle profiles, and attribution coverage.
//!
//! Pure assembly: each part is made from what the command that owns it
//! already computes (`cost`'s [`CostTable`], `usage --by`'s per-value
//! [`Usage`] and [`EstimateSum`]s, `budgets`' [`Status`]es, `prune`'s
//! [`Assessment`]s); nothing here asks AWS, reads the clock or knows HTML.
//! A part the run could not make is an `Err` with the reason shown in its
//! place; a part this run does not make is `None`. Across accounts, a
//! department's figures are summed over every account read. Money stays
//! exact ([`Decimal`]); only the view turns it into pixels.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::domain::InputError;
use crate::domain::budget::status::Status;
use crate::domain::cost::{CostTable, DateRange, PaidRequests, Period, TimeSpec, share_percent};
use crate::domain::price::{Estimate, EstimateSum, Unpriced};
use crate::domain::profile::Profile;
use crate::domain::prune::{Action, Assessment};
use crate::domain::usage::{self, Usage};
use crate::domain::window::Window;

/// A part of the report, or why it is missing from this run (an AWS
/// failure, said in its place on the page).
pub type Part<T> = Result<T, String>;

/// Everything on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub header: Header,
    /// Spend per tag value and month, from Cost Explorer.
    pub spend: Part<Spend>,
    /// This month so far, estimated from its tokens at Price List prices
    /// (Cost Explorer is a day behind); `None` when the cost months end
    /// before this month.
    pub this_month: Option<Part<ThisMonth>>,
    /// Tokens and the cache hit ratio per tag value, from CloudWatch.
    pub usage: Part<DepartmentUsage>,
    /// The profiles `prune` would delete.
    pub idle: Part<Idle>,
    /// Estimated spend and prompt-cache savings per department over the
    /// window, from the price catalog.
    pub estimated: Option<Part<Estimated>>,
    /// Attributed, untagged and bypass traffic; `None` until a command computes it.
    pub coverage: Option<Part<CoverageSection>>,
    /// The budgets aipctl manages and how far they are used.
    pub budgets: Option<Part<BudgetSection>>,
}

/// What the report covers and what it cost to make.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The 12-digit account of the credentials (STS `GetCallerIdentity`):
    /// the one whose Cost Explorer and Budgets are read.
    pub account: String,
    /// Every account read, labelled (`234567890123 (search-prod)`), in a
    /// run across accounts; empty in a single-account run.
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    /// Regions, accounts or regions of an account that could not be read
    /// (`eu-west-1`, `234567890123`, `eu-west-1 (234567890123)`); the rest
    /// of the page is without them.
    pub not_read: Vec<String>,
    /// The tag key whose values are the departments.
    pub tag_key: String,
    /// The metrics window (tokens, cache hits).
    pub window: Window,
    /// The whole calendar months the cost part covers.
    pub cost_range: DateRange,
    /// The run's one clock reading.
    pub generated_at: Timestamp,
    /// Application profiles read, in every region.
    pub profiles: usize,
    /// Cost Explorer requests paid for (and answers taken from the cache).
    pub paid: PaidRequests,
}

/// The whole calendar months a metrics window touches, from the first of
/// its first month to its last day: the cost part of a report. Checked
/// against Cost Explorer's history as `cost --from/--to` is, naming `field`.
pub fn cost_range(window: &Window, today: Date, field: &str) -> Result<DateRange, InputError> {
    let from = window.first_day().first_of_month();
    let to = window.last_day().min(today);
    DateRange::resolve(TimeSpec::Between { from, to }, today).map_err(|e| InputError {
        field: field.to_owned(),
        ..e
    })
}

/// This month's days so far and its tokens' window (the 1st at midnight
/// to `now`'s minute), when the cost months reach this month and some of it
/// has passed.
pub fn this_month(cost_range: &DateRange, now: Timestamp) -> Option<(DateRange, Window)> {
    let today = crate::domain::window::utc_date(now);
    let first = today.first_of_month();
    if cost_range.end_exclusive <= first {
        return None;
    }
    let window = Window::days(first, today, now).ok()?;
    let range = DateRange {
        start: first,
        end_exclusive: today.tomorrow().ok()?,
    };
    Some((range, window))
}

/// `--forecast` asks Cost Explorer for the rest of this month: refused
/// (naming the window's `field`) when the cost months end before it.
pub fn check_forecast(cost_range: &DateRange, today: Date, field: &str) -> Result<(), InputError> {
    if cost_range.end_exclusive > today.first_of_month() {
        return Ok(());
    }
    Err(InputError::new(
        field,
        &cost_range.last_day().to_string(),
        "`--forecast` forecasts the rest of this month, and the window ends before this month; drop \
         `--forecast` or end the window today",
    ))
}

/// Spend per tag value and month, as `cost` shapes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spend {
    pub months: Vec<Period>,
    /// Biggest spender first; `value: None` (spend without the tag) last.
    pub rows: Vec<SpendRow>,
    pub month_totals: Vec<Decimal>,
    pub total: Decimal,
    /// `USD` (Cost Explorer's unit).
    pub currency: String,
    /// With a forecast: the rest of the current month per row (`None`: too little history).
    pub forecast: Option<Forecast>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendRow {
    pub value: Option<String>,
    /// One amount per month, in [`Spend::months`] order.
    pub amounts: Vec<Decimal>,
    pub total: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forecast {
    pub range: DateRange,
    /// In [`Spend::rows`] order.
    pub per_row: Vec<Option<Decimal>>,
}

impl Spend {
    /// The report's spend from `cost`'s table (one grouping: the tag key).
    pub fn from_table(table: &CostTable, forecast: Option<(DateRange, Vec<Option<Decimal>>)>) -> Self {
        Self {
            months: table.periods.clone(),
            rows: table
                .rows
                .iter()
                .map(|r| SpendRow {
                    value: r.value.clone(),
                    amounts: r.amounts.clone(),
                    total: r.total,
                })
                .collect(),
            month_totals: table.period_totals.clone(),
            total: table.total,
            currency: table.unit.clone(),
            forecast: forecast.map(|(range, per_row)| Forecast { range, per_row }),
        }
    }

    fn untagged(&self) -> Option<&SpendRow> {
        self.rows.iter().find(|r| r.value.is_none())
    }

    /// The untagged row's share of each month's spend, in percent (one decimal).
    pub fn untagged_share_by_month(&self) -> Vec<Option<Decimal>> {
        let untagged = self.untagged();
        self.month_totals
            .iter()
            .enumerate()
            .map(|(i, total)| share_percent(untagged.map_or(Decimal::ZERO, |r| r.amounts[i]), *total))
            .collect()
    }

    /// The untagged row's share of the whole range, in percent (one decimal).
    pub fn untagged_share(&self) -> Option<Decimal> {
        share_percent(self.untagged().map_or(Decimal::ZERO, |r| r.total), self.total)
    }
}

/// Tokens and prompt-cache figures per tag value, as `usage --by KEY`.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentUsage {
    /// Most tokens first; `value: None` (profiles without the tag) last.
    pub rows: Vec<UsageLine>,
    pub total: Usage,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UsageLine {
    pub value: Option<String>,
    pub profiles: usize,
    pub usage: Usage,
}

/// Every token a usage counted: uncached input, cache reads and writes, output.
pub fn total_tokens(u: &Usage) -> u64 {
    u.input_tokens + u.cache_read_tokens + u.cache_write_tokens + u.output_tokens
}

impl DepartmentUsage {
    /// Per-value usage of `profiles` (in the order of `usages`) by tag `key`.
    pub fn by_tag(profiles: &[Profile], usages: &[Usage], key: &str) -> Self {
        let mut rows: Vec<UsageLine> = usage::by_tag(profiles.iter().zip(usages), key)
            .into_iter()
            .map(|(value, (profiles, usage))| UsageLine {
                value,
                profiles,
                usage,
            })
            .collect();
        rows.sort_by(|a, b| {
            (
                a.value.is_none(),
                std::cmp::Reverse(total_tokens(&a.usage)),
                &a.value,
            )
                .cmp(&(
                    b.value.is_none(),
                    std::cmp::Reverse(total_tokens(&b.usage)),
                    &b.value,
                ))
        });
        Self {
            rows,
            total: usage::total(usages),
        }
    }
}

/// The profiles `prune` would delete with its default criteria.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idle {
    /// The first day of the idle window: no traffic on or after it.
    pub idle_since: Date,
    /// Oldest first.
    pub rows: Vec<IdleProfile>,
    /// Profiles judged.
    pub considered: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdleProfile {
    pub name: String,
    pub region: String,
    /// Its account's label, in a run across accounts.
    pub account: Option<String>,
    pub arn: String,
    pub department: Option<String>,
    /// Whole days since it was created.
    pub age_days: Option<i64>,
    /// The UTC day of its last traffic, within `prune`'s look-back.
    pub last_traffic: Option<Date>,
}

impl Idle {
    /// The profiles whose assessment is [`Action::Delete`], oldest first.
    pub fn from_assessments<'a>(
        judged: impl IntoIterator<Item = (&'a Profile, &'a Assessment)>,
        key: &str,
        idle_since: Date,
        now: Timestamp,
    ) -> Self {
        let mut considered = 0;
        let mut rows: Vec<IdleProfile> = judged
            .into_iter()
            .inspect(|_| considered += 1)
            .filter(|(_, a)| a.action == Action::Delete)
            .map(|(p, a)| IdleProfile {
                name: p.name.clone(),
                region: p.region.to_string(),
                account: p.account.as_ref().map(crate::domain::account::Account::label),
                arn: p.arn.to_string(),
                department: p.tags.get(key).map(str::to_owned),
                age_days: p.created_at.map(|c| now.duration_since(c).as_secs() / 86_400),
                last_traffic: a.last_traffic,
            })
            .collect();
        rows.sort_by(|a, b| {
            b.age_days
                .cmp(&a.age_days)
                .then_with(|| (&a.account, &a.region, &a.name).cmp(&(&b.account, &b.region, &b.name)))
        });
        Self {
            idle_since,
            rows,
            considered,
        }
    }
}

/// Estimated spend and prompt-cache savings per department: tokens × the
/// Price List's on-demand prices, as `usage --by` estimates them.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimated {
    /// Largest estimate first; `value: None` (profiles without the tag) last.
    pub rows: Vec<EstimateRow>,
    /// Every profile together (`value` is `None`).
    pub total: EstimateRow,
    /// Profiles with tokens the catalog could not price, and why: left out
    /// of every sum, never counted as $0.
    pub unpriced: Vec<UnpricedProfile>,
    /// The Price List's publication date of the prices used.
    pub publication_date: Option<String>,
}

/// One department's estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct EstimateRow {
    pub value: Option<String>,
    pub profiles: usize,
    /// The priced profiles' cost by token kind and savings; `unpriced`
    /// counts the profiles with tokens left out.
    pub sum: EstimateSum,
    /// Cache-read tokens as a share of every input token (as `usage`).
    pub cache_hit_ratio: Option<f64>,
}

impl EstimateRow {
    /// The estimate, `None` when the row has tokens and none could be
    /// priced (shown as unpriced, never $0). With some profiles unpriced it
    /// is the priced part ([`EstimateSum::unpriced`] says how many are out).
    pub fn estimated_usd(&self) -> Option<Decimal> {
        self.priced().then(|| self.sum.cost.total())
    }

    /// What the prompt cache saved (negative when writes cost more than
    /// reads saved), of the priced profiles.
    pub fn savings_usd(&self) -> Option<Decimal> {
        self.priced().then_some(self.sum.savings)
    }

    fn priced(&self) -> bool {
        self.sum.priced > 0 || self.sum.unpriced == 0
    }
}

/// A profile whose tokens the catalog could not price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnpricedProfile {
    pub name: String,
    pub region: String,
    pub account: Option<String>,
    pub department: Option<String>,
    pub reason: Unpriced,
}

impl Estimated {
    /// Per-value estimates of `profiles` by tag `key`, each profile with its
    /// usage and estimate (same order). A profile without tokens costs
    /// nothing at any price: it is neither priced nor unpriced.
    pub fn by_tag(
        profiles: &[Profile],
        usages: &[Usage],
        estimates: &[Estimate],
        key: &str,
        publication_date: Option<String>,
    ) -> Self {
        let mut sums: BTreeMap<Option<String>, EstimateSum> = BTreeMap::new();
        let mut total = EstimateSum::default();
        let mut unpriced = Vec::new();
        for ((p, u), e) in profiles.iter().zip(usages).zip(estimates) {
            let value = p.tags.get(key).map(str::to_owned);
            let sum = sums.entry(value.clone()).or_default();
            if total_tokens(u) == 0 {
                continue;
            }
            sum.add(e);
            total.add(e);
            if let Estimate::Unpriced(reason) = e {
                unpriced.push(UnpricedProfile {
                    name: p.name.clone(),
                    region: p.region.to_string(),
                    account: p.account.as_ref().map(crate::domain::account::Account::label),
                    department: value,
                    reason: reason.clone(),
                });
            }
        }
        let mut rows: Vec<EstimateRow> = usage::by_tag(profiles.iter().zip(usages), key)
            .into_iter()
            .map(|(value, (n, u))| EstimateRow {
                sum: sums.remove(&value).unwrap_or_default(),
                value,
                profiles: n,
                cache_hit_ratio: u.cache_hit_ratio,
            })
            .collect();
        rows.sort_by(|a, b| {
            let usd = |r: &EstimateRow| std::cmp::Reverse(r.estimated_usd().unwrap_or_default());
            (a.value.is_none(), usd(a), &a.value).cmp(&(b.value.is_none(), usd(b), &b.value))
        });
        Self {
            rows,
            total: EstimateRow {
                value: None,
                profiles: profiles.len(),
                sum: total,
                cache_hit_ratio: usage::total(usages).cache_hit_ratio,
            },
            unpriced,
            publication_date,
        }
    }

    /// The row of tag value `value`.
    pub fn row(&self, value: Option<&str>) -> Option<&EstimateRow> {
        self.rows.iter().find(|r| r.value.as_deref() == value)
    }
}

/// This month so far, estimated: Cost Explorer's figures lag a day (and
/// more), the tokens CloudWatch has counted up to the run do not.
#[derive(Debug, Clone, PartialEq)]
pub struct ThisMonth {
    /// The month's first day through today (UTC days).
    pub range: DateRange,
    /// The tokens' window: the 1st at midnight to the run's minute.
    pub window: Window,
    pub estimate: Estimated,
}

/// How a coverage share is measured: estimated USD when every series is
/// priced, else tokens (as `aipctl coverage` chooses).
pub use crate::domain::coverage::ShareBasis as CoverageBasis;

/// Bedrock traffic by who owns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageSection {
    pub basis: CoverageBasis,
    /// Through application profiles carrying the tag key.
    pub attributed: Decimal,
    /// Through application profiles without it.
    pub untagged: Decimal,
    /// Straight to system profiles or bare models.
    pub bypass: Decimal,
    /// The largest bypass series, largest first.
    pub top_bypass: Vec<BypassLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BypassLine {
    /// The CloudWatch `ModelId`: a system profile or a foundation model.
    pub model_id: String,
    pub regions: Vec<String>,
    pub amount: Decimal,
}

impl CoverageSection {
    pub fn total(&self) -> Decimal {
        self.attributed + self.untagged + self.bypass
    }

    /// The attributed, untagged and bypass shares in percent (one decimal).
    pub fn shares(&self) -> [Option<Decimal>; 3] {
        let t = self.total();
        [self.attributed, self.untagged, self.bypass].map(|v| share_percent(v, t))
    }
}

/// The budgets aipctl manages, as `aipctl budgets` shows them: AWS
/// Budgets' own actual and forecast spend this month (`CalculatedSpend`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetSection {
    /// The account whose budgets these are (the caller's).
    pub account: String,
    /// By name.
    pub rows: Vec<Status>,
}

impl Report {
    /// The tag values of every part, each once, in the order that gives
    /// each its colour: biggest spender first, then values only other
    /// parts know. `None` (untagged) is not among them: it has its own grey.
    pub fn departments(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |v: Option<&String>| {
            if let Some(v) = v
                && !out.contains(v)
            {
                out.push(v.clone());
            }
        };
        if let Ok(s) = &self.spend {
            s.rows.iter().for_each(|r| add(r.value.as_ref()));
        }
        if let Some(Ok(e)) = &self.estimated {
            e.rows.iter().for_each(|r| add(r.value.as_ref()));
        }
        if let Ok(u) = &self.usage {
            u.rows.iter().for_each(|r| add(r.value.as_ref()));
        }
        if let Some(Ok(m)) = &self.this_month {
            m.estimate.rows.iter().for_each(|r| add(r.value.as_ref()));
        }
        if let Some(Ok(b)) = &self.budgets {
            b.rows.iter().for_each(|r| add(r.department.as_ref()));
        }
        if let Ok(i) = &self.idle {
            let mut idle: Vec<&String> = i.rows.iter().filter_map(|r| r.department.as_ref()).collect();
            idle.sort();
            for v in idle {
                add(Some(v));
            }
        }
        out
    }

    /// How many parts this run made (failed ones included).
    pub fn parts_made(&self) -> usize {
        3 + [
            self.this_month.is_some(),
            self.estimated.is_some(),
            self.coverage.is_some(),
            self.budgets.is_some(),
        ]
        .iter()
        .filter(|made| **made)
        .count()
    }

    /// The parts that failed, by name.
    pub fn failed_parts(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.spend.is_err() {
            out.push("spend");
        }
        if self.usage.is_err() {
            out.push("usage");
        }
        if self.idle.is_err() {
            out.push("idle profiles");
        }
        for (name, failed) in [
            ("this month's estimate", matches!(self.this_month, Some(Err(_)))),
            ("estimated spend", matches!(self.estimated, Some(Err(_)))),
            ("coverage", matches!(self.coverage, Some(Err(_)))),
            ("budgets", matches!(self.budgets, Some(Err(_)))),
        ] {
            if failed {
                out.push(name);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::cost::{CostRow, Period};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn the_cost_part_is_every_calendar_month_the_window_touches() {
        let now: Timestamp = "2026-11-22T13:00:00Z".parse().unwrap();
        let w = Window::since(crate::domain::window::Span::Days(30), now);
        let r = cost_range(&w, d("2026-11-22"), "--since").unwrap();
        assert_eq!((r.start, r.end_exclusive), (d("2026-10-01"), d("2026-11-23")));
        let w = Window::days(d("2026-09-15"), d("2026-10-03"), now).unwrap();
        let r = cost_range(&w, d("2026-11-22"), "--from").unwrap();
        assert_eq!((r.start, r.end_exclusive), (d("2026-09-01"), d("2026-10-04")));
    }

    #[test]
    fn this_months_estimate_covers_the_1st_to_the_runs_minute_when_the_months_reach_it() {
        let now: Timestamp = "2026-11-22T13:00:30Z".parse().unwrap();
        let w = Window::since(crate::domain::window::Span::Days(30), now);
        let range = cost_range(&w, d("2026-11-22"), "--since").unwrap();
        let (days, window) = this_month(&range, now).unwrap();
        assert_eq!(
            (days.start, days.end_exclusive),
            (d("2026-11-01"), d("2026-11-23"))
        );
        assert_eq!(window.start.to_string(), "2026-11-01T00:00:00Z");
        assert_eq!(window.end_exclusive.to_string(), "2026-11-22T13:00:00Z");
        assert!(check_forecast(&range, d("2026-11-22"), "--since").is_ok());

        let past = Window::days(d("2026-09-15"), d("2026-10-03"), now).unwrap();
        let range = cost_range(&past, d("2026-11-22"), "--from").unwrap();
        assert_eq!(
            this_month(&range, now),
            None,
            "October's report has no November estimate"
        );
        let e = check_forecast(&range, d("2026-11-22"), "--to").unwrap_err();
        assert_eq!(e.field, "--to");

        let midnight: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
        let w = Window::since(crate::domain::window::Span::Days(30), midnight);
        let range = cost_range(&w, d("2026-12-01"), "--since").unwrap();
        assert_eq!(
            this_month(&range, midnight),
            None,
            "nothing of December has passed"
        );
    }

    #[test]
    fn a_window_older_than_cost_explorers_history_names_the_window_flag() {
        let now: Timestamp = "2026-11-22T13:00:00Z".parse().unwrap();
        let w = Window::since(crate::domain::window::Span::Days(430), now);
        let e = cost_range(&w, d("2026-11-22"), "--since").unwrap_err();
        assert_eq!(e.field, "--since");
        assert!(e.rule.contains("13 months"), "{}", e.rule);
    }

    fn table() -> CostTable {
        let p = |s: &str, e: &str| Period {
            start: d(s),
            end_exclusive: d(e),
            estimated: false,
        };
        let row = |v: Option<&str>, a: [&str; 2]| CostRow {
            value: v.map(str::to_owned),
            group: None,
            amounts: a.iter().map(|s| dec(s)).collect(),
            total: a.iter().map(|s| dec(s)).sum(),
        };
        CostTable {
            periods: vec![p("2026-10-01", "2026-11-01"), p("2026-11-01", "2026-11-23")],
            rows: vec![
                row(Some("Search"), ["30.00", "10.005"]),
                row(None, ["10.00", "0"]),
            ],
            period_totals: vec![dec("40.00"), dec("10.005")],
            total: dec("50.005"),
            unit: "USD".into(),
        }
    }

    #[test]
    fn untagged_shares_are_exact_per_month_and_overall() {
        let s = Spend::from_table(&table(), None);
        assert_eq!(
            s.untagged_share_by_month(),
            vec![Some(dec("25.0")), Some(dec("0.0"))]
        );
        assert_eq!(s.untagged_share(), Some(dec("20.0")));
        assert_eq!(s.rows[0].total, dec("40.005"));
    }

    #[test]
    fn departments_are_coloured_in_spend_order_then_the_rest_and_untagged_apart() {
        let usage = |v: Option<&str>| UsageLine {
            value: v.map(str::to_owned),
            profiles: 1,
            usage: Usage::default(),
        };
        let report = Report {
            header: Header {
                account: "123456789012".into(),
                accounts: vec![],
                regions: vec![],
                not_read: vec![],
                tag_key: "Department".into(),
                window: Window::since(
                    crate::domain::window::Span::Days(1),
                    "2026-11-22T13:00:00Z".parse().unwrap(),
                ),
                cost_range: DateRange {
                    start: d("2026-11-01"),
                    end_exclusive: d("2026-11-23"),
                },
                generated_at: "2026-11-22T13:00:00Z".parse().unwrap(),
                profiles: 0,
                paid: PaidRequests::default(),
            },
            spend: Ok(Spend::from_table(&table(), None)),
            this_month: None,
            usage: Ok(DepartmentUsage {
                rows: vec![usage(Some("Legal")), usage(Some("Search")), usage(None)],
                total: Usage::default(),
            }),
            idle: Err("denied".into()),
            estimated: None,
            coverage: None,
            budgets: Some(Err("denied".into())),
        };
        assert_eq!(report.departments(), ["Search", "Legal"]);
        assert_eq!(report.failed_parts(), ["idle profiles", "budgets"]);
        assert_eq!(report.parts_made(), 4);
    }

    #[test]
    fn coverage_shares_are_exact() {
        let c = CoverageSection {
            basis: CoverageBasis::Tokens,
            attributed: dec("750"),
            untagged: dec("50"),
            bypass: dec("200"),
            top_bypass: vec![],
        };
        assert_eq!(
            c.shares(),
            [Some(dec("75.0")), Some(dec("5.0")), Some(dec("20.0"))]
        );
    }

    /// A department's estimate, savings and unpriced profiles.
    type Row<'a> = (Option<&'a str>, Option<Decimal>, Option<Decimal>, usize);

    fn priced(total: &str, savings: &str) -> Estimate {
        Estimate::Priced {
            cost: crate::domain::price::KindAmounts {
                input: dec(total),
                ..Default::default()
            },
            savings: dec(savings),
            offer: crate::domain::price::Offer::AmazonBedrock,
            scope: crate::domain::price::PriceScope::Regional,
            model: "Nova Pro".into(),
        }
    }

    #[test]
    fn estimates_sum_per_department_and_leave_the_unpriced_out_never_at_zero() {
        let p = |name: &str, dept: Option<&str>| {
            let tags: Vec<(&str, &str)> = dept.map(|d| ("Department", d)).into_iter().collect();
            Profile {
                name: name.into(),
                ..crate::domain::profile::test_profile("", &format!("id-{name}"), &tags)
            }
        };
        let tokens = |input: u64, read: u64| Usage {
            input_tokens: input,
            cache_read_tokens: read,
            ..Usage::default()
        };
        let unpriced = || {
            Estimate::Unpriced(Unpriced::NotInCatalog {
                model: "SD 3.5".into(),
                region: "us-west-2".into(),
            })
        };
        let profiles = [
            p("search-a", Some("Search")),
            p("search-b", Some("Search")),
            p("art", Some("Art")),
            p("art-idle", Some("Art")),
            p("legal-mixed", Some("Legal")),
            p("legal-images", Some("Legal")),
            p("sandbox", None),
        ];
        let usages = [
            tokens(100, 300),
            tokens(100, 0),
            tokens(50, 0),
            tokens(0, 0),
            tokens(10, 0),
            tokens(10, 0),
            tokens(1, 0),
        ];
        let estimates = [
            priced("1.25", "0.5"),
            priced("0.75", "-0.125"),
            unpriced(),
            unpriced(),
            priced("3", "0"),
            unpriced(),
            priced("0.0001", "0"),
        ];
        let e = Estimated::by_tag(&profiles, &usages, &estimates, "Department", None);
        let rows: Vec<Row> = e
            .rows
            .iter()
            .map(|r| {
                (
                    r.value.as_deref(),
                    r.estimated_usd(),
                    r.savings_usd(),
                    r.sum.unpriced,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (Some("Legal"), Some(dec("3")), Some(dec("0")), 1),
                (Some("Search"), Some(dec("2.00")), Some(dec("0.375")), 0),
                (Some("Art"), None, None, 1),
                (None, Some(dec("0.0001")), Some(dec("0")), 0),
            ],
            "largest first, untagged last; Art's tokens are all unpriced"
        );
        assert_eq!(e.row(Some("Search")).unwrap().cache_hit_ratio, Some(0.6));
        let names: Vec<&str> = e.unpriced.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(
            names,
            ["art", "legal-images"],
            "a profile without tokens is not unpriced"
        );
        assert_eq!(e.total.estimated_usd(), Some(dec("5.0001")));
        assert_eq!((e.total.sum.priced, e.total.sum.unpriced), (4, 2));
    }
}
