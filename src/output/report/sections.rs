//! One builder per section of the page: the chart, its legend, the table
//! beneath it and the sentences around them, from a part of the report.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::charts::{self, Bar, Column, Rgb};
use super::colour::{Colours, UNTAGGED};
use super::format::{self, coordinate, exact};
use super::{Body, Cell, Figure, LegendItem, SectionView, Table, fact, name};
use crate::domain::cost::PaidRequests;
use crate::domain::report::{CoverageBasis, DepartmentUsage, Report, Spend, total_tokens};
use crate::error::Error;
use crate::output::cost::money;
use crate::output::usage::thousands;

/// The idle chart shows at most this many profiles (the table has them all).
const MAX_IDLE_BARS: usize = 30;
const ATTRIBUTED: Rgb = Rgb(0x59, 0xa1, 0x4f);
const BYPASS: Rgb = Rgb(0xe1, 0x57, 0x59);

/// The header's line on what Cost Explorer was paid for this page.
pub fn paid(p: &PaidRequests) -> String {
    let n = p.total();
    let mut text = format!("{n} (USD {})", exact(p.cost_usd()));
    if p.from_cache > 0 {
        let _ = write!(
            text,
            "; {} answered from the cache",
            crate::output::plural(p.from_cache, "request")
        );
    }
    text
}

fn legend(colours: &Colours, values: &[Option<&String>]) -> Vec<LegendItem> {
    values
        .iter()
        .map(|v| LegendItem {
            name: name(*v),
            colour: colours.of(v.map(String::as_str)).hex(),
        })
        .collect()
}

fn key_cell(colours: &Colours, value: Option<&String>) -> Cell {
    Cell::text(name(value)).swatch(colours.of(value.map(String::as_str)))
}

pub fn spend(report: &Report, colours: &Colours) -> Result<SectionView, Error> {
    let key = &report.header.tag_key;
    let s = SectionView::new("spend", &format!("Spend by {key} per month"));
    let spend = match &report.spend {
        Err(e) => return Ok(s.failed(e.clone())),
        Ok(spend) => spend,
    };
    let cur = spend.currency.as_str();
    let months: Vec<String> = spend.months.iter().map(format::month).collect();
    let mut body = Body::default();
    body.intro(&format!(
        "Bedrock spend as Cost Explorer bills it (unblended, every region), by the cost-allocation \
         tag `{key}`. Grey is spend without the tag: {}.",
        "spend before the tag was activated, through untagged profiles, or not through a profile at all"
    ));
    body.facts.push(fact("Total spend", money(spend.total, cur)));
    if let (Some(last), Some(amount)) = (spend.months.last(), spend.month_totals.last())
        && last.estimated
    {
        body.facts.push(fact("This month so far", money(*amount, cur)));
    }
    body.facts
        .push(fact("(untagged) share", format::percent(spend.untagged_share())));

    let drawn = spend
        .rows
        .iter()
        .filter(|r| r.amounts.iter().any(|a| !a.is_zero()));
    let drawn: Vec<Option<&String>> = drawn.map(|r| r.value.as_ref()).collect();
    if drawn.is_empty() {
        body.note("No Bedrock spend in these months.");
    } else {
        let columns: Vec<Column> = months
            .iter()
            .enumerate()
            .map(|(i, label)| Column {
                label: label.clone(),
                segments: spend
                    .rows
                    .iter()
                    .map(|r| (coordinate(r.amounts[i]), colours.of(r.value.as_deref())))
                    .collect(),
            })
            .collect();
        body.figures.push(Figure {
            id: "spend-chart".into(),
            caption: format!("Spend per month, stacked by {key} ({cur})"),
            svg: charts::stacked_columns(&columns, 360, &format::usd_axis)?,
            legend: legend(colours, &drawn),
        });
    }

    body.tables.push(spend_table(spend, key, &months, colours));
    if spend.months.iter().any(|m| m.estimated) {
        body.note("* Billing for this month is not final yet: Cost Explorer marks it estimated.");
    }
    Ok(s.body(body))
}

/// Departments × months with totals, shares and (with a forecast) the rest of the month.
fn spend_table(spend: &Spend, key: &str, months: &[String], colours: &Colours) -> Table {
    let cur = spend.currency.as_str();
    let forecast = spend.forecast.as_ref();
    let mut head = vec![Cell::text(key)];
    head.extend(months.iter().map(|m| Cell::num(m.clone())));
    head.push(Cell::num(format!("Total ({cur})")));
    head.push(Cell::num("Share"));
    if let Some(f) = forecast {
        head.push(Cell::num(format!(
            "Forecast {} → {}",
            f.range.start,
            f.range.last_day()
        )));
    }
    let rows = spend
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut row = vec![key_cell(colours, r.value.as_ref())];
            row.extend(r.amounts.iter().map(|a| Cell::num(exact(*a)).class("num month")));
            row.push(Cell::num(exact(r.total)));
            row.push(Cell::num(format::percent(crate::domain::cost::share_percent(
                r.total,
                spend.total,
            ))));
            if let Some(f) = forecast {
                row.push(Cell::num(
                    f.per_row
                        .get(i)
                        .copied()
                        .flatten()
                        .map_or_else(|| "too little history".to_owned(), exact),
                ));
            }
            row
        })
        .collect();
    let mut total = vec![Cell::text("Total")];
    total.extend(spend.month_totals.iter().map(|a| Cell::num(exact(*a))));
    total.push(Cell::num(exact(spend.total)));
    total.push(Cell::num(""));
    let mut share = vec![Cell::text("(untagged) share")];
    share.extend(
        spend
            .untagged_share_by_month()
            .into_iter()
            .map(|p| Cell::num(format::percent(p))),
    );
    share.push(Cell::num(format::percent(spend.untagged_share())));
    share.push(Cell::num(""));
    if forecast.is_some() {
        let sum: Decimal = forecast.iter().flat_map(|f| f.per_row.iter().flatten()).sum();
        total.push(Cell::num(exact(sum)));
        share.push(Cell::num(""));
    }
    Table {
        id: "spend-table".into(),
        caption: format!("Spend by {key} and month ({cur}, exact)"),
        head,
        rows,
        foot: vec![total, share],
    }
}

pub fn estimated(report: &Report, colours: &Colours) -> Result<SectionView, Error> {
    let key = &report.header.tag_key;
    let s = SectionView::new("estimated", "Estimated spend and prompt-cache savings");
    let e = match &report.estimated {
        None => {
            return Ok(s.absent(
                "Not available yet: `aipctl usage` will estimate spend and prompt-cache savings from the \
                 AWS Price List (`aipctl prices`).",
            ));
        }
        Some(Err(e)) => return Ok(s.failed(e.clone())),
        Some(Ok(e)) => e,
    };
    let mut body = Body::default();
    body.intro(&format!(
        "Tokens of the window priced with the AWS Price List's on-demand prices, per {key}. Savings: what \
         cache reads would have cost as plain input, less what they cost, less the cache-write premium \
         (negative when writes cost more than reads saved)."
    ));
    let total: Decimal = e.rows.iter().filter_map(|r| r.estimated_usd).sum();
    let saved: Decimal = e.rows.iter().filter_map(|r| r.savings_usd).sum();
    body.facts.push(fact("Estimated spend", money(total, "USD")));
    body.facts.push(fact("Prompt-cache savings", money(saved, "USD")));
    let bars: Vec<Bar> = e
        .rows
        .iter()
        .map(|r| Bar {
            label: name(r.value.as_ref()),
            value: r.estimated_usd.map_or(0.0, coordinate),
            colour: colours.of(r.value.as_deref()),
        })
        .collect();
    if bars.iter().any(|b| b.value > 0.0) {
        body.figures.push(Figure {
            id: "estimated-chart".into(),
            caption: format!("Estimated spend per {key} (USD)"),
            svg: charts::horizontal_bars(&bars, None, &format::usd_axis)?,
            legend: Vec::new(),
        });
    }
    let unpriced = |r: Option<Decimal>| r.map_or_else(|| "unpriced".to_owned(), exact);
    body.tables.push(Table {
        id: "estimated-table".into(),
        caption: format!("Estimated spend and savings by {key} (USD, exact)"),
        head: vec![
            Cell::text(key.clone()),
            Cell::num("Estimated (USD)"),
            Cell::num("Cache savings (USD)"),
            Cell::num("Unpriced profiles"),
        ],
        rows: e
            .rows
            .iter()
            .map(|r| {
                vec![
                    key_cell(colours, r.value.as_ref()),
                    Cell::num(unpriced(r.estimated_usd)).class("num bar"),
                    Cell::num(unpriced(r.savings_usd)),
                    Cell::num(r.unpriced_profiles.to_string()),
                ]
            })
            .collect(),
        foot: vec![vec![
            Cell::text("Total"),
            Cell::num(exact(total)),
            Cell::num(exact(saved)),
            Cell::num(
                e.rows
                    .iter()
                    .map(|r| r.unpriced_profiles)
                    .sum::<usize>()
                    .to_string(),
            ),
        ]],
    });
    Ok(s.body(body))
}

pub fn usage(report: &Report, colours: &Colours) -> Result<SectionView, Error> {
    let key = &report.header.tag_key;
    let s = SectionView::new("usage", &format!("Tokens and prompt-cache hits by {key}"));
    let u = match &report.usage {
        Err(e) => return Ok(s.failed(e.clone())),
        Ok(u) if u.rows.is_empty() => {
            return Ok(s.absent(&format!(
                "No application inference profile in {}.",
                report.header.regions.join(", ")
            )));
        }
        Ok(u) => u,
    };
    let mut body = Body::default();
    body.intro(&format!(
        "CloudWatch (AWS/Bedrock) over {}, summed over each {key}'s application inference profiles. \
         Cache hit: cache-read tokens as a share of every input token (uncached, cache read, cache write).",
        report.header.window
    ));
    body.facts.push(fact("Tokens", thousands(total_tokens(&u.total))));
    body.facts
        .push(fact("Invocations", thousands(u.total.invocations)));
    body.facts
        .push(fact("Cache hit", format::ratio(u.total.cache_hit_ratio)));
    let bar = |label: String, value: f64, colour: Rgb| Bar { label, value, colour };
    #[allow(clippy::cast_precision_loss)] // a bar's length needs no exact count
    let tokens: Vec<Bar> = u
        .rows
        .iter()
        .map(|r| {
            bar(
                name(r.value.as_ref()),
                total_tokens(&r.usage) as f64,
                colours.of(r.value.as_deref()),
            )
        })
        .collect();
    if tokens.iter().any(|b| b.value > 0.0) {
        body.figures.push(Figure {
            id: "tokens-chart".into(),
            caption: format!("Tokens per {key} (input, cache read and write, output)"),
            svg: charts::horizontal_bars(&tokens, None, &format::count_axis)?,
            legend: Vec::new(),
        });
    }
    let hits: Vec<Bar> = u
        .rows
        .iter()
        .map(|r| {
            bar(
                name(r.value.as_ref()),
                r.usage.cache_hit_ratio.unwrap_or(0.0) * 100.0,
                colours.of(r.value.as_deref()),
            )
        })
        .collect();
    if hits.iter().any(|b| b.value > 0.0) {
        body.figures.push(Figure {
            id: "cache-chart".into(),
            caption: format!("Prompt-cache hit ratio per {key}"),
            svg: charts::horizontal_bars(&hits, Some(100.0), &format::percent_axis)?,
            legend: Vec::new(),
        });
    }
    body.tables.push(usage_table(u, key, colours));
    Ok(s.body(body))
}

/// Profiles, invocations, every kind of token and the hit ratio per department.
fn usage_table(u: &DepartmentUsage, key: &str, colours: &Colours) -> Table {
    let numbers = |u: &crate::domain::usage::Usage| {
        vec![
            Cell::num(thousands(u.invocations)),
            Cell::num(thousands(u.input_tokens)),
            Cell::num(thousands(u.cache_read_tokens)),
            Cell::num(thousands(u.cache_write_tokens)),
            Cell::num(thousands(u.output_tokens)),
            Cell::num(thousands(total_tokens(u))).class("num tokens"),
            Cell::num(format::ratio(u.cache_hit_ratio)).class("num hit"),
        ]
    };
    let head = [
        "Profiles",
        "Invocations",
        "Input",
        "Cache read",
        "Cache write",
        "Output",
        "Tokens",
        "Cache hit",
    ];
    let mut all_head = vec![Cell::text(key)];
    all_head.extend(head.iter().map(|h| Cell::num(*h)));
    let rows = u
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![
                key_cell(colours, r.value.as_ref()),
                Cell::num(r.profiles.to_string()),
            ];
            row.extend(numbers(&r.usage));
            row
        })
        .collect();
    let mut total = vec![
        Cell::text("Total"),
        Cell::num(u.rows.iter().map(|r| r.profiles).sum::<usize>().to_string()),
    ];
    total.extend(numbers(&u.total));
    Table {
        id: "usage-table".into(),
        caption: format!("Tokens and cache hits by {key}"),
        head: all_head,
        rows,
        foot: vec![total],
    }
}

pub fn coverage(report: &Report) -> Result<SectionView, Error> {
    let s = SectionView::new("coverage", "Attribution coverage");
    let c = match &report.coverage {
        None => {
            return Ok(s.absent("Not available yet: `aipctl coverage` will provide it."));
        }
        Some(Err(e)) => return Ok(s.failed(e.clone())),
        Some(Ok(c)) => c,
    };
    let key = &report.header.tag_key;
    let (unit, show): (&str, fn(Decimal) -> String) = match c.basis {
        CoverageBasis::Cost => ("estimated USD", exact),
        CoverageBasis::Tokens => ("tokens", |d| thousands(d.trunc().try_into().unwrap_or(0))),
    };
    let mut body = Body::default();
    body.intro(&format!(
        "Bedrock traffic by who it is billed to, in {unit}: through profiles tagged `{key}` \
         (attributed), through profiles without it (untagged), or straight to a system profile or a \
         model (bypass, no department's row ever sees it)."
    ));
    let shares = c.shares();
    body.facts.push(fact("Attributed", format::percent(shares[0])));
    body.facts.push(fact("Bypass", format::percent(shares[2])));
    let classes = [
        ("Attributed", c.attributed, ATTRIBUTED),
        ("Untagged profiles", c.untagged, UNTAGGED),
        ("Bypass", c.bypass, BYPASS),
    ];
    let bars: Vec<Bar> = classes
        .iter()
        .zip(shares)
        .map(|((label, _, colour), share)| Bar {
            label: (*label).to_owned(),
            value: share.map_or(0.0, coordinate),
            colour: *colour,
        })
        .collect();
    if bars.iter().any(|b| b.value > 0.0) {
        body.figures.push(Figure {
            id: "coverage-chart".into(),
            caption: format!("Share of Bedrock traffic ({unit})"),
            svg: charts::horizontal_bars(&bars, Some(100.0), &format::percent_axis)?,
            legend: Vec::new(),
        });
    }
    body.tables.push(Table {
        id: "coverage-table".into(),
        caption: format!("Traffic by attribution ({unit})"),
        head: vec![Cell::text("Traffic"), Cell::num(unit), Cell::num("Share")],
        rows: classes
            .iter()
            .zip(shares)
            .map(|((label, amount, colour), share)| {
                vec![
                    Cell::text(*label).swatch(*colour),
                    Cell::num(show(*amount)),
                    Cell::num(format::percent(share)).class("num bar"),
                ]
            })
            .collect(),
        foot: vec![vec![
            Cell::text("Total"),
            Cell::num(show(c.total())),
            Cell::num(""),
        ]],
    });
    if !c.top_bypass.is_empty() {
        body.tables.push(Table {
            id: "bypass-table".into(),
            caption: "The largest bypass traffic".to_owned(),
            head: vec![
                Cell::text("Model ID"),
                Cell::text("Regions"),
                Cell::num(unit),
                Cell::num("Share"),
            ],
            rows: c
                .top_bypass
                .iter()
                .map(|b| {
                    vec![
                        Cell::text(b.model_id.clone()),
                        Cell::text(b.regions.join(", ")),
                        Cell::num(show(b.amount)),
                        Cell::num(format::percent(crate::domain::cost::share_percent(
                            b.amount,
                            c.total(),
                        ))),
                    ]
                })
                .collect(),
            foot: Vec::new(),
        });
        body.note(
            "Give each a profile (`aipctl create`, or an entry in the spec) so a department's row sees it.",
        );
    }
    Ok(s.body(body))
}

pub fn budgets(report: &Report, colours: &Colours) -> Result<SectionView, Error> {
    let s = SectionView::new("budgets", "Budgets");
    let b = match &report.budgets {
        None => return Ok(s.absent("Not available yet: `aipctl budgets` will provide it.")),
        Some(Err(e)) => return Ok(s.failed(e.clone())),
        Some(Ok(b)) if b.rows.is_empty() => {
            return Ok(s.absent("No budget is managed by aipctl in this account."));
        }
        Some(Ok(b)) => b,
    };
    let mut body = Body::default();
    body.intro(
        "This month's actual spend against each department budget's monthly limit, with AWS Budgets' \
         forecast for the month.",
    );
    let bars: Vec<Bar> = b
        .rows
        .iter()
        .map(|r| Bar {
            label: r.name.clone(),
            value: r.used_percent().map_or(0.0, coordinate),
            colour: colours.of(r.department.as_deref()),
        })
        .collect();
    let over = bars.iter().map(|b| b.value).fold(100.0, f64::max);
    if bars.iter().any(|b| b.value > 0.0) {
        body.figures.push(Figure {
            id: "budgets-chart".into(),
            caption: "Share of the monthly limit used".to_owned(),
            svg: charts::horizontal_bars(&bars, Some(charts::nice_ceiling(over)), &format::percent_axis)?,
            legend: Vec::new(),
        });
    }
    body.tables.push(Table {
        id: "budgets-table".into(),
        caption: "Budgets (USD, exact)".to_owned(),
        head: vec![
            Cell::text("Budget"),
            Cell::text(report.header.tag_key.clone()),
            Cell::num("Limit"),
            Cell::num("Actual"),
            Cell::num("Forecast"),
            Cell::num("Used"),
        ],
        rows: b
            .rows
            .iter()
            .map(|r| {
                vec![
                    Cell::text(r.name.clone()),
                    key_cell(colours, r.department.as_ref()),
                    Cell::num(exact(r.limit_usd)),
                    Cell::num(exact(r.actual_usd)),
                    Cell::num(r.forecast_usd.map_or_else(|| "–".to_owned(), exact)),
                    Cell::num(format::percent(r.used_percent())).class("num bar"),
                ]
            })
            .collect(),
        foot: Vec::new(),
    });
    Ok(s.body(body))
}

pub fn idle(report: &Report, colours: &Colours) -> Result<SectionView, Error> {
    let key = &report.header.tag_key;
    let s = SectionView::new("idle", "Idle profiles");
    let idle = match &report.idle {
        Err(e) => return Ok(s.failed(e.clone())),
        Ok(i) => i,
    };
    if idle.considered == 0 {
        return Ok(s.absent(&format!(
            "No application inference profile in {}.",
            report.header.regions.join(", ")
        )));
    }
    let mut body = Body::default();
    if idle.rows.is_empty() {
        body.intro(&format!(
            "Nothing is idle: each of the {} had traffic since {}, or is too new or protected.",
            crate::output::plural(idle.considered, "profile"),
            idle.idle_since
        ));
        return Ok(s.body(body));
    }
    body.intro(&format!(
        "Profiles `aipctl prune` would delete: no invocations and no input tokens on any UTC day since {}, \
         older than that, not tagged `aipctl:protect=true`.",
        idle.idle_since
    ));
    body.facts.push(fact(
        "Idle",
        format!("{} of {}", idle.rows.len(), idle.considered),
    ));
    let charted: Vec<_> = idle
        .rows
        .iter()
        .filter(|r| r.age_days.is_some())
        .take(MAX_IDLE_BARS)
        .collect();
    #[allow(clippy::cast_precision_loss)] // days
    let bars: Vec<Bar> = charted
        .iter()
        .map(|r| Bar {
            label: r.name.clone(),
            value: r.age_days.unwrap_or(0) as f64,
            colour: colours.of(r.department.as_deref()),
        })
        .collect();
    if !bars.is_empty() {
        let mut departments: Vec<Option<&String>> = Vec::new();
        for r in &charted {
            if !departments.contains(&r.department.as_ref()) {
                departments.push(r.department.as_ref());
            }
        }
        body.figures.push(Figure {
            id: "idle-chart".into(),
            caption: format!("Age of the idle profiles (days), coloured by {key}"),
            svg: charts::horizontal_bars(&bars, None, &|v| format!("{v:.0}d"))?,
            legend: legend(colours, &departments),
        });
    }
    if idle.rows.len() > MAX_IDLE_BARS {
        body.note(&format!(
            "The chart shows the {MAX_IDLE_BARS} oldest of {}; the table has them all.",
            idle.rows.len()
        ));
    }
    body.tables.push(Table {
        id: "idle-table".into(),
        caption: "Idle profiles, oldest first".to_owned(),
        head: vec![
            Cell::text("Profile"),
            Cell::text("Region"),
            Cell::text(key.clone()),
            Cell::num("Age (days)"),
            Cell::text("Last traffic"),
        ],
        rows: idle
            .rows
            .iter()
            .map(|r| {
                vec![
                    Cell::text(r.name.clone()),
                    Cell::text(r.region.clone()),
                    key_cell(colours, r.department.as_ref()),
                    Cell::num(r.age_days.map_or_else(|| "–".to_owned(), |d| d.to_string())).class("num age"),
                    Cell::text(
                        r.last_traffic
                            .map_or_else(|| "none seen".to_owned(), |d| d.to_string()),
                    ),
                ]
            })
            .collect(),
        foot: Vec::new(),
    });
    body.note(
        "`aipctl prune` shows why each qualifies; `aipctl prune --apply` deletes them after asking; \
         `--mark` gives owners a grace period first.",
    );
    Ok(s.body(body))
}
