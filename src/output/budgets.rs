//! `aipctl budgets`: one row per budget with its limit, AWS's actual and
//! forecast spend this period (to the cent), the share of the limit spent
//! and the notifications the spend has set off. JSON is an array of rows,
//! so `--query '[?used_percent > `80`].name'` works.

use comfy_table::{Cell, CellAlignment, Color, Table};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use super::cost::Amount;
use super::{View, new_table};
use crate::domain::budget::status::{Status, Threshold};

pub struct BudgetsView<'a> {
    pub rows: &'a [Status],
    pub account: &'a str,
    /// `2026-11-01..22`: the period so far, for the footer.
    pub period: String,
    /// `--all`: every budget, not only aipctl's.
    pub all: bool,
}

/// To the cent: AWS gives spend as a double's exact expansion.
fn cents(d: Decimal) -> Amount {
    Amount(d.round_dp(2))
}

#[derive(Serialize)]
struct Row<'a> {
    name: &'a str,
    spec: Option<&'a str>,
    department: Option<&'a str>,
    period: &'a str,
    unit: &'a str,
    limit: Amount,
    actual: Amount,
    forecast: Option<Amount>,
    /// Actual spend as a share of the limit, in percent (one decimal).
    used_percent: Option<f64>,
    thresholds: &'a [Threshold],
    /// The notifications set off, as in `thresholds`.
    crossed: Vec<&'a str>,
}

fn crossed(s: &Status) -> Vec<&str> {
    s.thresholds
        .iter()
        .filter(|t| t.crossed)
        .map(|t| t.notification.as_str())
        .collect()
}

fn row(s: &Status) -> Row<'_> {
    Row {
        name: &s.name,
        spec: s.spec.as_deref(),
        department: s.department.as_deref(),
        period: &s.period,
        unit: &s.unit,
        limit: cents(s.limit),
        actual: cents(s.actual),
        forecast: s.forecast.map(cents),
        used_percent: s.used_percent.and_then(|p| p.to_f64()),
        thresholds: &s.thresholds,
        crossed: crossed(s),
    }
}

fn percent(s: &Status) -> String {
    s.used_percent.map_or_else(|| "-".to_owned(), |p| format!("{p}%"))
}

impl Serialize for BudgetsView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.rows.iter().map(row))
    }
}

impl View for BudgetsView<'_> {
    fn table(&self) -> Table {
        let mut t = new_table(&[
            "budget",
            "department",
            "limit",
            "actual",
            "forecast",
            "used",
            "crossed",
        ]);
        for s in self.rows {
            let r = row(s);
            let unit = if s.unit == "USD" {
                String::new()
            } else {
                format!(" {}", s.unit)
            };
            let used = Cell::new(percent(s)).set_alignment(CellAlignment::Right);
            let used = if r.crossed.is_empty() {
                used
            } else {
                used.fg(Color::Red)
            };
            t.add_row(vec![
                Cell::new(&s.name),
                Cell::new(s.department.as_deref().unwrap_or("-")),
                Cell::new(format!("{}{unit}", r.limit.exact())).set_alignment(CellAlignment::Right),
                Cell::new(r.actual.exact()).set_alignment(CellAlignment::Right),
                Cell::new(r.forecast.map_or_else(|| "-".to_owned(), Amount::exact))
                    .set_alignment(CellAlignment::Right),
                used,
                Cell::new(if r.crossed.is_empty() {
                    "-".to_owned()
                } else {
                    r.crossed.join(", ")
                }),
            ]);
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = [
            "name",
            "spec",
            "department",
            "unit",
            "limit",
            "actual",
            "forecast",
            "used_percent",
            "crossed",
        ]
        .map(String::from)
        .to_vec();
        let rows = self
            .rows
            .iter()
            .map(|s| {
                let r = row(s);
                vec![
                    s.name.clone(),
                    s.spec.clone().unwrap_or_default(),
                    s.department.clone().unwrap_or_default(),
                    s.unit.clone(),
                    r.limit.exact(),
                    r.actual.exact(),
                    r.forecast.map(Amount::exact).unwrap_or_default(),
                    s.used_percent.map(|p| p.to_string()).unwrap_or_default(),
                    r.crossed.join("; "),
                ]
            })
            .collect();
        (header, rows)
    }

    fn footer(&self) -> Vec<String> {
        vec![format!(
            "month so far: {} · account {} · amounts: AWS Budgets' CalculatedSpend, to the cent",
            self.period, self.account
        )]
    }

    fn empty(&self) -> Option<String> {
        self.rows.is_empty().then(|| {
            if self.all {
                format!("account {} has no budgets", self.account)
            } else {
                format!(
                    "no budget in account {} was made by aipctl; `aipctl apply` makes them from a spec's `budget` entries (`--all` lists every budget)",
                    self.account
                )
            }
        })
    }
}
