//! The money sections of the page: spend per month as Cost Explorer bills
//! it with this month's estimate beside it, the estimated spend and
//! prompt-cache savings of the window, and the budgets.
//!
//! An estimate is never shown as billed: its column on the spend chart is
//! drawn in the departments' colours faded halfway to white and labelled
//! `est.`, its table column says `estimate` in its heading, and a note says
//! how it was made. Unpriced tokens are named, never counted as $0.

use rust_decimal::Decimal;

use super::charts::{self, Bar, Column};
use super::colour::{Colours, UNTAGGED};
use super::format::{self, coordinate, exact};
use super::sections::{key_cell, legend};
use super::{Body, Cell, Figure, LegendItem, SectionView, Table, fact, name};
use crate::domain::cost::{Period, share_percent};
use crate::domain::price::TokenKind;
use crate::domain::report::{EstimateRow, Estimated, Report, Spend, ThisMonth};
use crate::error::Error;
use crate::output::cost::money;
use crate::output::plural;

/// Budgets' amounts to the cent: AWS gives spend as a double's exact
/// expansion (`604.4560000000000172803993336856365203857421875`), and
/// `aipctl budgets` shows cents too.
fn cents(d: Decimal) -> String {
    exact(d.round_dp(2))
}

/// `Nov 2026 (1–22) est.`: the estimate's column on the chart.
fn estimate_label(m: &ThisMonth) -> String {
    let period = Period {
        start: m.range.start,
        end_exclusive: m.range.end_exclusive,
        estimated: false,
    };
    format!("{} est.", format::month(&period))
}

/// One row of the spend table: a tag value with its billed months (none
/// when only the estimate knows it) and its estimate this month.
struct Line<'a> {
    value: Option<&'a String>,
    billed: Option<(&'a [Decimal], Decimal)>,
    estimate: Option<&'a EstimateRow>,
}

/// Cost Explorer's rows in its order, then the tag values only this month's
/// estimate has, untagged last.
fn lines<'a>(spend: &'a Spend, month: Option<&'a ThisMonth>) -> Vec<Line<'a>> {
    let estimate_of = |v: Option<&String>| month.and_then(|m| m.estimate.row(v.map(String::as_str)));
    let mut out: Vec<Line> = spend
        .rows
        .iter()
        .filter(|r| r.value.is_some())
        .map(|r| Line {
            value: r.value.as_ref(),
            billed: Some((&r.amounts, r.total)),
            estimate: estimate_of(r.value.as_ref()),
        })
        .collect();
    if let Some(m) = month {
        for r in &m.estimate.rows {
            if r.value.is_some() && !spend.rows.iter().any(|s| s.value == r.value) {
                out.push(Line {
                    value: r.value.as_ref(),
                    billed: None,
                    estimate: Some(r),
                });
            }
        }
    }
    let untagged = spend.rows.iter().find(|r| r.value.is_none());
    let untagged_estimate = estimate_of(None);
    if untagged.is_some() || untagged_estimate.is_some() {
        out.push(Line {
            value: None,
            billed: untagged.map(|r| (r.amounts.as_slice(), r.total)),
            estimate: untagged_estimate,
        });
    }
    out
}

pub fn spend(report: &Report, colours: &Colours) -> Result<SectionView, Error> {
    let key = &report.header.tag_key;
    let s = SectionView::new("spend", &format!("Spend by {key} per month"));
    let month = match &report.this_month {
        Some(Ok(m)) => Some(m),
        _ => None,
    };
    let month_failed = match &report.this_month {
        Some(Err(e)) => Some(e.clone()),
        _ => None,
    };
    let spend = match &report.spend {
        Err(e) => {
            let s = s.failed(e.clone());
            let Some(m) = month else { return Ok(s) };
            let mut body = Body::default();
            body.intro("Cost Explorer could not be read; this month's estimate stands alone:");
            body.tables.push(estimate_table(
                "this-month-table",
                &format!(
                    "This month so far, estimated, by {key} (USD, to the cent; the exact figure on hover)"
                ),
                &m.estimate,
                key,
                colours,
            ));
            this_month_note(&mut body, m, report);
            return Ok(s.body(body));
        }
        Ok(spend) => spend,
    };
    let cur = spend.currency.as_str();
    let months: Vec<String> = spend.months.iter().map(format::month).collect();
    let lines = lines(spend, month);
    let mut body = Body::default();
    body.intro(&format!(
        "Bedrock spend as Cost Explorer bills it (unblended, every region), by the cost-allocation \
         tag `{key}`. Grey is spend without the tag: {}.",
        "spend before the tag was activated, through untagged profiles, or not through a profile at all"
    ));
    if report.header.accounts.is_empty() {
        body.intro(
            "From an organization's management account, Cost Explorer's bill covers every linked \
             account too, while tokens and estimates are this account's profiles: `--accounts all` reads \
             every account's.",
        );
    } else {
        body.intro(
            "The payer's bill for the accounts read (Cost Explorer's linked-account filter), each \
             department summed across them.",
        );
    }
    body.facts.push(fact("Total spend", money(spend.total, cur)));
    if let (Some(last), Some(amount)) = (spend.months.last(), spend.month_totals.last())
        && last.estimated
    {
        body.facts.push(fact("This month so far", money(*amount, cur)));
    }
    if let Some(m) = month
        && let Some(usd) = m.estimate.total.estimated_usd()
    {
        body.facts.push(fact("This month, estimated", money(usd, "USD")));
    }
    body.facts
        .push(fact("(untagged) share", format::percent(spend.untagged_share())));

    match spend_chart(spend, &lines, &months, month, key, colours)? {
        Some(figure) => body.figures.push(figure),
        None => body.note("No Bedrock spend in these months."),
    }

    body.tables
        .push(spend_table(spend, &lines, key, &months, month, colours));
    if spend.months.iter().any(|m| m.estimated) {
        body.note("* Billing for this month is not final yet: Cost Explorer marks it estimated.");
    }
    if let Some(m) = month {
        this_month_note(&mut body, m, report);
    }
    if let Some(e) = month_failed {
        body.note(&format!("This month's estimate is not available: {e}"));
    }
    Ok(s.body(body))
}

/// Stacked columns per month, and this month's estimate faded beside them;
/// `None` when there is nothing to draw.
fn spend_chart(
    spend: &Spend,
    lines: &[Line],
    months: &[String],
    month: Option<&ThisMonth>,
    key: &str,
    colours: &Colours,
) -> Result<Option<Figure>, Error> {
    let cur = spend.currency.as_str();
    let colour = |l: &Line| colours.of(l.value.map(String::as_str));
    let mut columns: Vec<Column> = months
        .iter()
        .enumerate()
        .map(|(i, label)| Column {
            label: label.clone(),
            segments: lines
                .iter()
                .filter_map(|l| l.billed.map(|(a, _)| (coordinate(a[i]), colour(l))))
                .collect(),
        })
        .collect();
    let estimate = |l: &Line| l.estimate.and_then(EstimateRow::estimated_usd);
    if let Some(m) = month {
        columns.push(Column {
            label: estimate_label(m),
            segments: lines
                .iter()
                .map(|l| (estimate(l).map_or(0.0, coordinate), colour(l).faded()))
                .collect(),
        });
    }
    let drawn: Vec<Option<&String>> = lines
        .iter()
        .filter(|l| {
            l.billed.is_some_and(|(a, _)| a.iter().any(|a| !a.is_zero()))
                || estimate(l).is_some_and(|e| !e.is_zero())
        })
        .map(|l| l.value)
        .collect();
    if drawn.is_empty() {
        return Ok(None);
    }
    let mut legend = legend(colours, &drawn);
    if month.is_some() {
        legend.push(LegendItem {
            name: "faded: this month's estimate (tokens × prices, not billed)".into(),
            colour: UNTAGGED.faded().hex(),
        });
    }
    Ok(Some(Figure {
        id: "spend-chart".into(),
        caption: match month {
            Some(m) => format!(
                "Spend per month, stacked by {key} ({cur}), and {} estimated",
                estimate_label(m).trim_end_matches(" est.")
            ),
            None => format!("Spend per month, stacked by {key} ({cur})"),
        },
        svg: charts::stacked_columns(&columns, 360, &format::usd_axis)?,
        legend,
    }))
}

/// How this month's estimate was made, and what it leaves out.
fn this_month_note(body: &mut Body, m: &ThisMonth, report: &Report) {
    body.note(&format!(
        "Estimate: this month's tokens so far ({}, CloudWatch) × the AWS Price List's on-demand prices, \
         per {key}: what Cost Explorer will bill about a day later, for application profiles only \
         (traffic that bypasses them is not counted).",
        m.window,
        key = report.header.tag_key
    ));
    if !m.estimate.unpriced.is_empty() {
        body.note(&format!(
            "The estimate leaves out {} whose model the Price List does not price: {}.",
            plural(m.estimate.unpriced.len(), "profile"),
            m.estimate
                .unpriced
                .iter()
                .map(|u| u.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
}

/// Departments × months, this month's estimate beside them, then the
/// billed totals and shares and (with a forecast) the rest of the month.
fn spend_table(
    spend: &Spend,
    lines: &[Line],
    key: &str,
    months: &[String],
    month: Option<&ThisMonth>,
    colours: &Colours,
) -> Table {
    let cur = spend.currency.as_str();
    let forecast = spend.forecast.as_ref();
    let mut head = vec![Cell::text(key)];
    head.extend(months.iter().map(|m| Cell::num(m.clone())));
    if let Some(m) = month {
        head.push(Cell::num(format!(
            "{} estimate",
            estimate_label(m).trim_end_matches(" est.")
        )));
        head.push(Cell::num(format!("Billed ({cur})")));
    } else {
        head.push(Cell::num(format!("Total ({cur})")));
    }
    head.push(Cell::num("Share"));
    if let Some(f) = forecast {
        head.push(Cell::num(format!(
            "Forecast {} → {}",
            f.range.start,
            f.range.last_day()
        )));
    }
    let rows = lines
        .iter()
        .map(|l| {
            let mut row = vec![key_cell(colours, l.value)];
            match l.billed {
                Some((amounts, _)) => {
                    row.extend(amounts.iter().map(|a| Cell::money(*a).class("num month")));
                }
                None => row.extend(months.iter().map(|_| Cell::num("–"))),
            }
            if month.is_some() {
                row.push(
                    match l.estimate {
                        None => Cell::num("–"),
                        Some(e) => e
                            .estimated_usd()
                            .map_or_else(|| Cell::num("unpriced"), Cell::money),
                    }
                    .class("num month estimate"),
                );
            }
            if let Some((_, total)) = l.billed {
                row.push(Cell::money(total));
                row.push(Cell::num(format::percent(share_percent(total, spend.total))));
            } else {
                row.push(Cell::num("–"));
                row.push(Cell::num("–"));
            }
            if let Some(f) = forecast {
                let at = spend.rows.iter().position(|r| r.value.as_ref() == l.value);
                row.push(match at {
                    Some(i) => f
                        .per_row
                        .get(i)
                        .copied()
                        .flatten()
                        .map_or_else(|| Cell::num("too little history"), Cell::money),
                    None => Cell::num("–"),
                });
            }
            row
        })
        .collect();
    let mut total = vec![Cell::text("Total")];
    total.extend(spend.month_totals.iter().map(|a| Cell::money(*a)));
    let mut share = vec![Cell::text("(untagged) share")];
    share.extend(
        spend
            .untagged_share_by_month()
            .into_iter()
            .map(|p| Cell::num(format::percent(p))),
    );
    if let Some(m) = month {
        total.push(
            m.estimate
                .total
                .estimated_usd()
                .map_or_else(|| Cell::num("unpriced"), Cell::money),
        );
        share.push(Cell::num(""));
    }
    total.push(Cell::money(spend.total));
    total.push(Cell::num(""));
    share.push(Cell::num(format::percent(spend.untagged_share())));
    share.push(Cell::num(""));
    if forecast.is_some() {
        let sum: Decimal = forecast.iter().flat_map(|f| f.per_row.iter().flatten()).sum();
        total.push(Cell::money(sum));
        share.push(Cell::num(""));
    }
    Table {
        id: "spend-table".into(),
        caption: format!("Spend by {key} and month ({cur}, to the cent; the exact figure on hover)"),
        head,
        rows,
        foot: vec![total, share],
    }
}

pub fn estimated(report: &Report, colours: &Colours) -> Result<SectionView, Error> {
    let key = &report.header.tag_key;
    let s = SectionView::new("estimated", "Estimated spend and prompt-cache savings");
    let e = match &report.estimated {
        None => return Ok(s.absent("Not made in this run.")),
        Some(Err(e)) => return Ok(s.failed(e.clone())),
        Some(Ok(e)) if e.rows.is_empty() => {
            return Ok(s.absent(&format!(
                "No application inference profile in {}.",
                report.header.regions.join(", ")
            )));
        }
        Some(Ok(e)) => e,
    };
    let mut body = Body::default();
    body.intro(&format!(
        "The tokens of {} priced at the AWS Price List's on-demand prices{}, per {key}, as \
         `aipctl usage --by {key}` estimates them: each profile's tokens in its own (source) region, \
         global profiles at the Global price. Savings: what the cache reads would have cost as plain \
         input, less what they cost, less what the cache writes cost over plain input; negative when \
         writes cost more than reads saved. Traffic that bypasses application profiles (system \
         profiles, bare models) is in no row.",
        report.header.window,
        e.publication_date
            .as_deref()
            .map_or_else(String::new, |d| format!(
                " (published {})",
                d.split('T').next().unwrap_or(d)
            )),
    ));
    if report.header.accounts.len() > 1 {
        body.intro("Each department is summed across the accounts read.");
    }
    let total = &e.total;
    body.facts.push(fact(
        "Estimated spend",
        total
            .estimated_usd()
            .map_or_else(|| "unpriced".to_owned(), |d| money(d, "USD")),
    ));
    if let Some(saved) = total.savings_usd() {
        let label = if saved.is_sign_negative() && !saved.is_zero() {
            "Prompt-cache savings (negative: a loss)"
        } else {
            "Prompt-cache savings"
        };
        body.facts.push(fact(label, money(saved, "USD")));
    }
    body.facts
        .push(fact("Cache hit", format::ratio(total.cache_hit_ratio)));
    if !e.unpriced.is_empty() {
        body.facts
            .push(fact("Unpriced profiles", e.unpriced.len().to_string()));
    }
    let bars: Vec<Bar> = e
        .rows
        .iter()
        .map(|r| Bar {
            label: name(r.value.as_ref()),
            value: r.estimated_usd().map_or(0.0, coordinate),
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
    body.tables.push(estimate_table(
        "estimated-table",
        &format!("Estimated spend by {key} and token kind, and cache savings (USD, to the cent; the exact figure on hover)"),
        e,
        key,
        colours,
    ));
    if e.rows
        .iter()
        .any(|r| r.savings_usd().is_some_and(|s| s < Decimal::ZERO))
    {
        body.note(
            "A negative saving: that department's cache writes cost more over plain input than its cache \
             reads saved; its prompts are cached more often than they are reused.",
        );
    }
    if e.rows.iter().any(|r| r.sum.unpriced > 0 && r.sum.priced > 0) {
        body.note("A row with unpriced profiles shows the estimate of its priced ones.");
    }
    if !e.unpriced.is_empty() {
        body.tables.push(unpriced_table(e, key));
    }
    Ok(s.body(body))
}

/// Each department's estimate by token kind, its savings, hit ratio and unpriced profiles.
fn estimate_table(id: &str, caption: &str, e: &Estimated, key: &str, colours: &Colours) -> Table {
    let priced = |r: &EstimateRow, d: Decimal| {
        if r.estimated_usd().is_some() {
            Cell::money(d)
        } else {
            Cell::num("unpriced")
        }
    };
    // The totals first, then the token kinds: on a narrow screen the kinds scroll.
    let figures = |r: &EstimateRow| {
        let mut cells = vec![
            priced(r, r.sum.cost.total()).class("num bar"),
            priced(r, r.sum.savings).class("num savings"),
            Cell::num(format::ratio(r.cache_hit_ratio)),
            Cell::num(r.sum.unpriced.to_string()),
        ];
        cells.extend(TokenKind::ALL.iter().map(|k| priced(r, r.sum.cost.get(*k))));
        cells
    };
    let mut head = vec![Cell::text(key), Cell::num("Profiles")];
    head.extend(
        ["Estimated", "Cache savings", "Cache hit", "Unpriced"]
            .iter()
            .map(|h| Cell::num(*h)),
    );
    head.extend(TokenKind::ALL.iter().map(|k| Cell::num(kind_heading(*k))));
    let rows = e
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![
                key_cell(colours, r.value.as_ref()),
                Cell::num(r.profiles.to_string()),
            ];
            row.extend(figures(r));
            row
        })
        .collect();
    let mut total = vec![Cell::text("Total"), Cell::num(e.total.profiles.to_string())];
    total.extend(figures(&e.total));
    Table {
        id: id.to_owned(),
        caption: caption.to_owned(),
        head,
        rows,
        foot: vec![total],
    }
}

fn kind_heading(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Input => "Input",
        TokenKind::Output => "Output",
        TokenKind::CacheRead => "Cache read",
        TokenKind::CacheWrite => "Cache write",
    }
}

/// The profiles whose tokens could not be priced, and why.
fn unpriced_table(e: &Estimated, key: &str) -> Table {
    let accounts = e.unpriced.iter().any(|u| u.account.is_some());
    let mut head = vec![Cell::text("Profile"), Cell::text("Region")];
    if accounts {
        head.push(Cell::text("Account"));
    }
    head.push(Cell::text(key));
    head.push(Cell::text("Why it is unpriced"));
    Table {
        id: "unpriced-table".into(),
        caption: "Profiles with tokens the Price List does not price (left out of the sums, not $0)".into(),
        head,
        rows: e
            .unpriced
            .iter()
            .map(|u| {
                let mut row = vec![Cell::text(u.name.clone()), Cell::text(u.region.clone())];
                if accounts {
                    row.push(Cell::text(u.account.clone().unwrap_or_default()));
                }
                row.push(Cell::text(name(u.department.as_ref())));
                row.push(Cell::text(u.reason.to_string()));
                row
            })
            .collect(),
        foot: Vec::new(),
    }
}

pub fn budgets(report: &Report, colours: &Colours) -> Result<SectionView, Error> {
    let key = &report.header.tag_key;
    let s = SectionView::new("budgets", "Budgets");
    let b = match &report.budgets {
        None => return Ok(s.absent("Not read in this run.")),
        Some(Err(e)) => return Ok(s.failed(e.clone())),
        Some(Ok(b)) if b.rows.is_empty() => {
            return Ok(s.absent(&format!(
                "No budget managed by aipctl in account {}: `aipctl apply` makes one per {key} from a \
                 spec's `budget` entries.",
                b.account
            )));
        }
        Some(Ok(b)) => b,
    };
    let mut body = Body::default();
    body.intro(&format!(
        "The budgets aipctl manages in account {}, as `aipctl budgets` shows them: this month's actual \
         spend against each monthly limit, and the forecast for the month, as AWS Budgets computes \
         them (to the cent; no forecast before AWS has a billing cycle of history).",
        b.account
    ));
    let crossed = b
        .rows
        .iter()
        .filter(|r| r.thresholds.iter().any(|t| t.crossed))
        .count();
    body.facts
        .push(fact("Over a threshold", format!("{crossed} of {}", b.rows.len())));
    let bars: Vec<Bar> = b
        .rows
        .iter()
        .map(|r| Bar {
            label: r.name.clone(),
            value: r.used_percent.map_or(0.0, coordinate),
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
        caption: "Budgets this month (USD, to the cent)".to_owned(),
        head: vec![
            Cell::text("Budget"),
            Cell::text(key.clone()),
            Cell::num("Limit"),
            Cell::num("Actual"),
            Cell::num("Forecast"),
            Cell::num("Used"),
            Cell::text("Thresholds crossed"),
        ],
        rows: b
            .rows
            .iter()
            .map(|r| {
                let crossed: Vec<&str> = r
                    .thresholds
                    .iter()
                    .filter(|t| t.crossed)
                    .map(|t| t.notification.as_str())
                    .collect();
                vec![
                    Cell::text(r.name.clone()),
                    key_cell(colours, r.department.as_ref()),
                    Cell::num(cents(r.limit)),
                    Cell::num(cents(r.actual)).class("num actual"),
                    Cell::num(r.forecast.map_or_else(|| "–".to_owned(), cents)),
                    Cell::num(format::percent(r.used_percent)).class("num bar"),
                    Cell::text(if r.thresholds.is_empty() {
                        "no notification".to_owned()
                    } else if crossed.is_empty() {
                        format!("none of {}", r.thresholds.len())
                    } else {
                        crossed.join(", ")
                    }),
                ]
            })
            .collect(),
        foot: Vec::new(),
    });
    Ok(s.body(body))
}
