//! One builder per section of the page: the chart, its legend, the table
//! beneath it and the sentences around them, from a part of the report
//! (the money sections are in [`super::money`]).

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::charts::{self, Bar, Rgb};
use super::colour::{Colours, UNTAGGED};
use super::format::{self, coordinate, exact};
use super::{Body, Cell, Figure, LegendItem, SectionView, Table, fact, name};
use crate::domain::cost::PaidRequests;
use crate::domain::report::{CoverageBasis, DepartmentUsage, Idle, Report, total_tokens};
use crate::error::Error;
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

pub(super) fn legend(colours: &Colours, values: &[Option<&String>]) -> Vec<LegendItem> {
    values
        .iter()
        .map(|v| LegendItem {
            name: name(*v),
            colour: colours.of(v.map(String::as_str)).hex(),
        })
        .collect()
}

pub(super) fn key_cell(colours: &Colours, value: Option<&String>) -> Cell {
    Cell::text(name(value)).swatch(colours.of(value.map(String::as_str)))
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
    let (unit, show): (&str, fn(Decimal) -> Cell) = match c.basis {
        CoverageBasis::Cost => ("estimated USD", Cell::money),
        CoverageBasis::Tokens => ("tokens", |d| {
            Cell::num(thousands(d.trunc().try_into().unwrap_or(0)))
        }),
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
                    show(*amount),
                    Cell::num(format::percent(share)).class("num bar"),
                ]
            })
            .collect(),
        foot: vec![vec![Cell::text("Total"), show(c.total()), Cell::num("")]],
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
                        show(b.amount),
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
    body.tables.push(idle_table(idle, key, colours));
    body.note(
        "`aipctl prune` shows why each qualifies; `aipctl prune --apply` deletes them after asking; \
         `--mark` gives owners a grace period first.",
    );
    Ok(s.body(body))
}

/// The idle profiles, oldest first, with their account in a run across accounts.
fn idle_table(idle: &Idle, key: &str, colours: &Colours) -> Table {
    let accounts = idle.rows.iter().any(|r| r.account.is_some());
    let mut head = vec![Cell::text("Profile"), Cell::text("Region")];
    if accounts {
        head.push(Cell::text("Account"));
    }
    head.extend([
        Cell::text(key),
        Cell::num("Age (days)"),
        Cell::text("Last traffic"),
    ]);
    Table {
        id: "idle-table".into(),
        caption: "Idle profiles, oldest first".to_owned(),
        head,
        rows: idle
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![Cell::text(r.name.clone()), Cell::text(r.region.clone())];
                if accounts {
                    row.push(Cell::text(r.account.clone().unwrap_or_default()));
                }
                row.extend([
                    key_cell(colours, r.department.as_ref()),
                    Cell::num(r.age_days.map_or_else(|| "–".to_owned(), |d| d.to_string())).class("num age"),
                    Cell::text(
                        r.last_traffic
                            .map_or_else(|| "none seen".to_owned(), |d| d.to_string()),
                    ),
                ]);
                row
            })
            .collect(),
        foot: Vec::new(),
    }
}
