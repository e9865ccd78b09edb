//! The usage report: per profile or per tag value, with totals, the cache
//! hit ratio and a sparkline of daily invocations.

use comfy_table::{CellAlignment, Table};
use serde::Serialize;

use super::price::{MONEY_CSV_COLUMNS, PriceSource, RowMoney};
use super::{View, new_table};
use crate::domain::account::Account;
use crate::domain::usage::Usage;

#[allow(
    clippy::ref_option,
    reason = "serde's serialize_with passes the field by reference"
)]
fn account_fields<S: serde::Serializer>(a: &Option<Account>, s: S) -> Result<S::Ok, S::Error> {
    super::AccountCols::of(a.as_ref()).serialize(s)
}

impl UsageReport {
    /// The CSV header: the key columns, the figures, and money when priced.
    fn csv_header(&self) -> Vec<String> {
        let grouped = self.by.is_some();
        let mut header: Vec<String> = match &self.by {
            Some(key) => vec![key.clone(), "profiles".into()],
            None => ["profile", "region", "arn", "department"]
                .map(String::from)
                .to_vec(),
        };
        let multi = self.multi();
        if multi {
            header.splice(0..0, ["account".to_owned(), "account_name".to_owned()]);
        }
        header.extend(
            [
                "invocations",
                "input_tokens",
                "output_tokens",
                "cache_read_tokens",
                "cache_write_tokens",
                "cache_hit_ratio",
                "client_errors",
                "server_errors",
                "throttles",
            ]
            .map(String::from),
        );
        if !grouped {
            header.extend(["latency_p50_ms", "latency_p90_ms"].map(String::from));
        }
        if self.priced() {
            header.extend(MONEY_CSV_COLUMNS.map(String::from));
            header.push(
                if grouped {
                    "unpriced_profiles"
                } else {
                    "price_offer"
                }
                .into(),
            );
        }
        header
    }

    /// Rows carry an account: a multi-account run.
    fn multi(&self) -> bool {
        self.rows
            .iter()
            .any(|r| matches!(&r.key, RowKey::Profile { account: Some(_), .. }))
    }
}

/// Which profile, or which tag value, a usage row is for.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum RowKey {
    Profile {
        name: String,
        region: String,
        arn: String,
        department: Option<String>,
        /// The account, in a multi-account run (`account`, `account_name`).
        #[serde(flatten, serialize_with = "account_fields")]
        account: Option<Account>,
    },
    /// With `--by KEY`: the tag value (`None`: profiles without the tag).
    Group { value: Option<String> },
}

#[derive(Debug, Serialize)]
pub struct UsageRow {
    #[serde(flatten)]
    pub key: RowKey,
    pub profiles: usize,
    #[serde(flatten)]
    pub usage: Usage,
    /// Estimated USD and cache savings (absent with `--no-prices`).
    #[serde(flatten)]
    pub money: Option<RowMoney>,
}

#[derive(Debug, Serialize)]
pub struct UsageReport {
    pub start: String,
    pub end: String,
    /// The window for people: `2026-10-23 00:00 → 2026-11-22 13:00 UTC`.
    pub window: String,
    /// The regions read.
    pub regions: Vec<String>,
    /// The tag key rows are grouped by; `None` for one row per profile.
    pub by: Option<String>,
    pub rows: Vec<UsageRow>,
    pub total: Usage,
    /// The estimate of every row together (absent with `--no-prices`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_cost: Option<RowMoney>,
    /// Where prices came from (absent with `--no-prices`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prices: Option<PriceSource>,
    pub metric_requests: usize,
}

impl UsageReport {
    fn priced(&self) -> bool {
        self.total_cost.is_some()
    }
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A ratio as a percentage with one decimal, `-` when undefined.
pub fn percent(r: Option<f64>) -> String {
    r.map_or_else(|| "-".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

/// Eight-level bars for a series, at most `width` columns (days are summed
/// into buckets when there are more).
pub fn sparkline(values: &[u64], width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if values.is_empty() || width == 0 {
        return String::new();
    }
    let per = values.len().div_ceil(width);
    let buckets: Vec<u64> = values.chunks(per).map(|c| c.iter().sum()).collect();
    let max = buckets.iter().copied().max().unwrap_or(0);
    buckets
        .iter()
        .map(|&v| {
            if max == 0 || v == 0 {
                ' '
            } else {
                let level = usize::try_from(v.saturating_mul(7) / max).unwrap_or(7);
                BARS[level.min(7)]
            }
        })
        .collect::<String>()
        .replace(' ', "·")
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.0}"))
}

impl View for UsageReport {
    #[allow(clippy::too_many_lines, reason = "one table: header, rows, total, alignment")]
    fn table(&self) -> Table {
        let grouped = self.by.is_some();
        let key = self.by.clone().unwrap_or_default();
        let mut header: Vec<&str> = if grouped {
            vec![key.as_str(), "profiles"]
        } else {
            vec!["profile", "region", "department"]
        };
        let multi = self.multi();
        if multi {
            header.insert(0, "account");
        }
        header.extend([
            "invocations",
            "input",
            "output",
            "cache read",
            "cache write",
            "cache hit",
        ]);
        if self.priced() {
            header.extend(["est. cost", "cache saved"]);
        }
        header.extend(["errors", "throttles"]);
        if !grouped {
            header.extend(["p50 ms", "p90 ms"]);
        }
        header.push("daily invocations");
        let mut t = new_table(&header);
        let priced = self.priced();
        let numbers = |u: &Usage, m: Option<&RowMoney>| {
            let mut v = vec![
                thousands(u.invocations),
                thousands(u.input_tokens),
                thousands(u.output_tokens),
                thousands(u.cache_read_tokens),
                thousands(u.cache_write_tokens),
                percent(u.cache_hit_ratio),
            ];
            if priced {
                v.push(m.map_or_else(|| "-".into(), RowMoney::cost_cell));
                v.push(m.map_or_else(|| "-".into(), RowMoney::savings_cell));
            }
            v.extend([thousands(u.errors()), thousands(u.throttles)]);
            v
        };
        for r in &self.rows {
            let mut row = match &r.key {
                RowKey::Group { value } => vec![
                    value.clone().unwrap_or_else(|| "(untagged)".into()),
                    r.profiles.to_string(),
                ],
                RowKey::Profile {
                    name,
                    region,
                    department,
                    account,
                    ..
                } => {
                    let mut cells = vec![
                        name.clone(),
                        region.clone(),
                        department.clone().unwrap_or_else(|| "-".into()),
                    ];
                    if multi {
                        cells.insert(0, super::AccountCols::cell(account.as_ref()));
                    }
                    cells
                }
            };
            row.extend(numbers(&r.usage, r.money.as_ref()));
            if !grouped {
                row.push(ms(r.usage.latency_p50_ms));
                row.push(ms(r.usage.latency_p90_ms));
            }
            row.push(sparkline(&r.usage.daily_invocations, 30));
            t.add_row(row);
        }
        let mut total = if grouped {
            vec![
                "TOTAL".to_owned(),
                self.rows.iter().map(|r| r.profiles).sum::<usize>().to_string(),
            ]
        } else {
            let mut v = vec!["TOTAL".to_owned(), String::new(), String::new()];
            if multi {
                v.push(String::new());
            }
            v
        };
        total.extend(numbers(&self.total, self.total_cost.as_ref()));
        if !grouped {
            total.extend([String::new(), String::new()]);
        }
        total.push(sparkline(&self.total.daily_invocations, 30));
        t.add_row(total);
        let first_number = if grouped {
            1
        } else if multi {
            4
        } else {
            3
        };
        for i in first_number..header.len() - 1 {
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let grouped = self.by.is_some();
        let multi = self.multi();
        let header = self.csv_header();
        let priced = self.priced();
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let u = &r.usage;
                let mut row = match &r.key {
                    RowKey::Group { value } => {
                        vec![value.clone().unwrap_or_default(), r.profiles.to_string()]
                    }
                    RowKey::Profile {
                        name,
                        region,
                        arn,
                        department,
                        account,
                    } => {
                        let mut cells = vec![
                            name.clone(),
                            region.clone(),
                            arn.clone(),
                            department.clone().unwrap_or_default(),
                        ];
                        if multi {
                            let a = account.as_ref();
                            cells.splice(
                                0..0,
                                [
                                    a.map(|a| a.id.to_string()).unwrap_or_default(),
                                    a.and_then(|a| a.name.clone()).unwrap_or_default(),
                                ],
                            );
                        }
                        cells
                    }
                };
                row.extend([
                    u.invocations.to_string(),
                    u.input_tokens.to_string(),
                    u.output_tokens.to_string(),
                    u.cache_read_tokens.to_string(),
                    u.cache_write_tokens.to_string(),
                    u.cache_hit_ratio.map(|r| format!("{r:.6}")).unwrap_or_default(),
                    u.client_errors.to_string(),
                    u.server_errors.to_string(),
                    u.throttles.to_string(),
                ]);
                if !grouped {
                    row.push(u.latency_p50_ms.map(|v| format!("{v:.1}")).unwrap_or_default());
                    row.push(u.latency_p90_ms.map(|v| format!("{v:.1}")).unwrap_or_default());
                }
                if priced {
                    let m = r.money.as_ref();
                    row.extend(m.map_or_else(|| vec![String::new(); 6], RowMoney::csv_cells));
                    row.push(match m {
                        Some(RowMoney {
                            unpriced_profiles: Some(n),
                            ..
                        }) => n.to_string(),
                        Some(RowMoney { price: Some(p), .. }) => {
                            p.offer.map(|o| o.service_code().to_owned()).unwrap_or_default()
                        }
                        _ => String::new(),
                    });
                }
                row
            })
            .collect();
        (header, rows)
    }

    fn footer(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "window: {} · regions: {}",
            self.window,
            self.regions.join(", ")
        )];
        if let Some(prices) = &self.prices {
            let rows = self.rows.iter().filter_map(|r| r.money.as_ref());
            let (mut unpriced, mut partial, mut negative) = (false, false, false);
            for m in rows {
                unpriced |= m.estimated_usd.is_none();
                partial |= m.estimated_usd.is_some() && m.unpriced_profiles.unwrap_or(0) > 0;
                negative |= m.negative_savings();
            }
            lines.push(format!("est. cost: tokens × {}", prices.line()));
            lines.push("cost per token kind: -o json or -o csv".into());
            if unpriced || partial {
                lines.push(
                    "unpriced: no Price List price for the model (never $0); ≥: unpriced profiles left out"
                        .into(),
                );
            }
            if negative {
                lines.push("negative cache savings: cache writes cost more than cache reads saved".into());
            }
        }
        lines
    }

    fn optional_columns(&self) -> Vec<String> {
        [
            "daily invocations",
            "p90 ms",
            "p50 ms",
            "throttles",
            "errors",
            "cache write",
            "cache read",
            "output",
            "input",
            "region",
        ]
        .map(String::from)
        .to_vec()
    }

    fn empty(&self) -> Option<String> {
        self.rows.is_empty().then(|| {
            format!(
                "no application inference profile matched in {}",
                self.regions.join(", ")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_for_people() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(percent(Some(0.4567)), "45.7%");
        assert_eq!(percent(None), "-");
    }

    #[test]
    fn sparklines_scale_to_the_maximum_and_bucket_long_series() {
        assert_eq!(sparkline(&[0, 1, 2, 4, 8], 10), "·▁▂▄█");
        assert_eq!(sparkline(&[0, 0], 10), "··");
        assert_eq!(sparkline(&[1; 60], 30).chars().count(), 30);
    }
}
