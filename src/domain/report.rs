//! The figures of `aipctl report`, one page for people who do not run CLIs:
//! spend per department and month, tokens and the prompt-cache hit ratio per
//! department, idle profiles, and the sections other commands will fill
//! (estimated spend and savings, attribution coverage, budgets).
//!
//! Pure assembly: each part is made from what the command that owns it
//! already computes (`cost`'s [`CostTable`], `usage --by`'s per-value
//! [`Usage`], `prune`'s [`Assessment`]s); nothing here asks AWS, reads the
//! clock or knows HTML. A part the run could not make is an `Err` with the
//! reason shown in its place; a part no command provides yet is `None`.
//! Money stays exact ([`Decimal`]); only the view turns it into pixels.

use jiff::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::domain::InputError;
use crate::domain::cost::{CostTable, DateRange, PaidRequests, Period, TimeSpec, share_percent};
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
    /// Tokens and the cache hit ratio per tag value, from CloudWatch.
    pub usage: Part<DepartmentUsage>,
    /// The profiles `prune` would delete.
    pub idle: Part<Idle>,
    /// Estimated spend and prompt-cache savings per department, from the
    /// price catalog; `None` until a command computes them.
    pub estimated: Option<Part<Estimated>>,
    /// Attributed, untagged and bypass traffic; `None` until a command computes it.
    pub coverage: Option<Part<Coverage>>,
    /// The department budgets and how far they are used; `None` until a command reads them.
    pub budgets: Option<Part<Budgets>>,
}

/// What the report covers and what it cost to make.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The 12-digit account of the credentials (STS `GetCallerIdentity`).
    pub account: String,
    pub regions: Vec<String>,
    /// Regions whose profiles could not be read; the rest of the page is without them.
    pub failed_regions: Vec<String>,
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
    pub rows: Vec<UsageRow>,
    pub total: Usage,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UsageRow {
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
        let mut rows: Vec<UsageRow> = usage::by_tag(profiles.iter().zip(usages), key)
            .into_iter()
            .map(|(value, (profiles, usage))| UsageRow {
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
                arn: p.arn.to_string(),
                department: p.tags.get(key).map(str::to_owned),
                age_days: p.created_at.map(|c| now.duration_since(c).as_secs() / 86_400),
                last_traffic: a.last_traffic,
            })
            .collect();
        rows.sort_by(|a, b| {
            b.age_days
                .cmp(&a.age_days)
                .then_with(|| (&a.region, &a.name).cmp(&(&b.region, &b.name)))
        });
        Self {
            idle_since,
            rows,
            considered,
        }
    }
}

/// Estimated spend and prompt-cache savings per department (tokens × the
/// price catalog's prices over the metrics window).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimated {
    pub rows: Vec<Estimate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    pub value: Option<String>,
    /// Of the priced profiles; `None` when none is priced (never shown as 0).
    pub estimated_usd: Option<Decimal>,
    /// What cache reads saved over plain input, less the cache-write
    /// premium; negative when writes cost more than reads saved.
    pub savings_usd: Option<Decimal>,
    /// Profiles whose model the catalog does not price.
    pub unpriced_profiles: usize,
}

/// How a coverage share is measured: estimated USD when every series is
/// priced, else tokens (as `aipctl coverage` chooses).
pub use crate::domain::coverage::ShareBasis as CoverageBasis;

/// Bedrock traffic by who owns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub basis: CoverageBasis,
    /// Through application profiles carrying the tag key.
    pub attributed: Decimal,
    /// Through application profiles without it.
    pub untagged: Decimal,
    /// Straight to system profiles or bare models.
    pub bypass: Decimal,
    /// The largest bypass series, largest first.
    pub top_bypass: Vec<Bypass>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bypass {
    /// The CloudWatch `ModelId`: a system profile or a foundation model.
    pub model_id: String,
    pub regions: Vec<String>,
    pub amount: Decimal,
}

impl Coverage {
    pub fn total(&self) -> Decimal {
        self.attributed + self.untagged + self.bypass
    }

    /// The attributed, untagged and bypass shares in percent (one decimal).
    pub fn shares(&self) -> [Option<Decimal>; 3] {
        let t = self.total();
        [self.attributed, self.untagged, self.bypass].map(|v| share_percent(v, t))
    }
}

/// The department budgets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budgets {
    pub rows: Vec<Budget>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    pub name: String,
    pub department: Option<String>,
    pub limit_usd: Decimal,
    /// This month so far.
    pub actual_usd: Decimal,
    /// AWS Budgets' forecast for the whole month, when it has one.
    pub forecast_usd: Option<Decimal>,
}

impl Budget {
    /// Actual spend as a percentage of the limit (one decimal).
    pub fn used_percent(&self) -> Option<Decimal> {
        share_percent(self.actual_usd, self.limit_usd)
    }
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
        let usage = |v: Option<&str>| UsageRow {
            value: v.map(str::to_owned),
            profiles: 1,
            usage: Usage::default(),
        };
        let report = Report {
            header: Header {
                account: "123456789012".into(),
                regions: vec![],
                failed_regions: vec![],
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
    }

    #[test]
    fn coverage_shares_and_budget_use_are_exact() {
        let c = Coverage {
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
        let b = Budget {
            name: "b".into(),
            department: None,
            limit_usd: dec("0"),
            actual_usd: dec("3"),
            forecast_usd: None,
        };
        assert_eq!(b.used_percent(), None, "no limit: no percentage");
    }
}
