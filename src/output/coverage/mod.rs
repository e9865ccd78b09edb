//! The coverage report: Bedrock traffic by who owns it (a department through
//! a tagged application profile, an untagged profile, or nobody: a system
//! profile or a bare model), with shares, estimated USD where the Price List
//! prices the model, the fix for each bypass, and with `--billed` the share
//! of billed spend under the cost tag per period.
//!
//! JSON has every level (classes, departments, unattributed profiles,
//! bypass models, and each `ModelId` series per region with its tokens by
//! kind and its estimate), amounts as exact decimal strings; CSV is tidy,
//! one row per series; the table groups rows by owner. Unpriced traffic is
//! named as unpriced, never $0. In a multi-account run every row carries its
//! account (an ACCOUNT column in the table).

mod billed;

use comfy_table::{CellAlignment, Table};
use rust_decimal::Decimal;
use serde::Serialize;

pub use billed::BilledView;

use super::cost::money;
use super::price::{MONEY_CSV_COLUMNS, MoneyByKind, PriceSource, RowMoney};
use super::usage::thousands;
use super::{AccountCols, View, new_table};
use crate::domain::account::Account;
use crate::domain::coverage::{
    Class, Coverage, Gate, Percent, Series, ShareBasis, Source, TEAM, Tokens, Unattributed,
};
use crate::domain::price::EstimateSum;
use crate::domain::window::Window;

/// How the output names a share basis for people: `tokens`, `estimated cost`.
pub fn basis_label(basis: ShareBasis) -> &'static str {
    match basis {
        ShareBasis::Tokens => "tokens",
        ShareBasis::Cost => "estimated cost",
    }
}

/// Tokens by kind, with their sum.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TokensView {
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_write: u64,
    pub total: u64,
}

impl From<&Tokens> for TokensView {
    fn from(t: &Tokens) -> Self {
        Self {
            input: t.input,
            output: t.output,
            cache_read: t.cache_read,
            cache_write: t.cache_write,
            total: t.total(),
        }
    }
}

fn pct(d: Option<Decimal>) -> Option<String> {
    d.map(|d| d.to_string())
}

#[allow(
    clippy::ref_option,
    reason = "serde's serialize_with passes the field by reference"
)]
fn account_fields<S: serde::Serializer>(a: &Option<Account>, s: S) -> Result<S::Ok, S::Error> {
    AccountCols::of(a.as_ref()).serialize(s)
}

/// The estimate of a group of series (absent with `--no-prices`).
#[derive(Debug, Clone, Serialize)]
pub struct GroupMoney {
    /// Tokens × Price List prices of the priced series, per kind, exact;
    /// `null` when none is priced.
    pub estimated_usd: Option<MoneyByKind>,
    /// Series left out of `estimated_usd` because no price applies (never counted as $0).
    pub unpriced_series: usize,
}

impl From<&EstimateSum> for GroupMoney {
    fn from(sum: &EstimateSum) -> Self {
        Self {
            estimated_usd: (sum.priced > 0).then(|| (&sum.cost).into()),
            unpriced_series: sum.unpriced,
        }
    }
}

impl GroupMoney {
    /// `$12.34` (`<$0.01` for less than half a cent, which is not $0),
    /// `≥$12.34` when some series are unpriced, `unpriced` when none is priced.
    fn cell(&self) -> String {
        let Some(m) = &self.estimated_usd else {
            return "unpriced".into();
        };
        let usd = m.total.0;
        if self.unpriced_series > 0 {
            format!("≥{}", money(usd, "USD"))
        } else if usd > Decimal::ZERO && usd < Decimal::new(5, 3) {
            "<$0.01".to_owned()
        } else {
            money(usd, "USD")
        }
    }
}

fn group_money(sum: Option<&EstimateSum>) -> Option<GroupMoney> {
    sum.map(GroupMoney::from)
}

#[derive(Debug, Serialize)]
pub struct ClassView {
    pub class: &'static str,
    pub share_percent: Option<String>,
    pub tokens: TokensView,
    #[serde(flatten)]
    pub money: Option<GroupMoney>,
}

#[derive(Debug, Serialize)]
pub struct DepartmentView {
    #[serde(flatten, serialize_with = "account_fields")]
    pub account: Option<Account>,
    /// The cost tag's value.
    pub value: String,
    pub profiles: Vec<String>,
    pub regions: Vec<String>,
    pub share_percent: Option<String>,
    pub tokens: TokensView,
    #[serde(flatten)]
    pub money: Option<GroupMoney>,
}

#[derive(Debug, Serialize)]
pub struct UnattributedView {
    #[serde(flatten, serialize_with = "account_fields")]
    pub account: Option<Account>,
    /// The profile's name; `null` when no listed profile has this ID or ARN.
    pub profile: Option<String>,
    pub arn: Option<String>,
    /// The `ModelId` value (the first form seen when a profile has two).
    pub model_id: String,
    pub region: String,
    /// Why the traffic has no owner.
    pub reason: String,
    pub share_percent: Option<String>,
    pub tokens: TokensView,
    #[serde(flatten)]
    pub money: Option<GroupMoney>,
}

#[derive(Debug, Serialize)]
pub struct BypassView {
    #[serde(flatten, serialize_with = "account_fields")]
    pub account: Option<Account>,
    /// The system profile or model ID callers name.
    pub model_id: String,
    /// `system_profile`, `foundation_model` or `other`.
    pub kind: &'static str,
    pub regions: Vec<String>,
    pub share_percent: Option<String>,
    pub tokens: TokensView,
    #[serde(flatten)]
    pub money: Option<GroupMoney>,
    /// The `aipctl create` that gives this traffic a profile (TEAM: the
    /// department that makes the calls); `null` when nothing can be copied.
    pub fix: Option<String>,
}

/// One `ModelId` series of one region (and account).
#[derive(Debug, Serialize)]
pub struct SeriesView {
    #[serde(flatten, serialize_with = "account_fields")]
    pub account: Option<Account>,
    pub region: String,
    pub model_id: String,
    pub class: &'static str,
    pub kind: &'static str,
    pub profile: Option<String>,
    /// The cost tag's value, for attributed series.
    pub department: Option<String>,
    /// The foundation model reached, when known (what a price is keyed by).
    pub foundation_model: Option<String>,
    pub invocations: u64,
    pub tokens: TokensView,
    /// On the share basis.
    pub share_percent: Option<String>,
    /// Estimated USD per kind, cache savings and the prices used, or why
    /// the series is unpriced (absent with `--no-prices`).
    #[serde(flatten)]
    pub money: Option<RowMoney>,
}

/// A series no price applies to.
#[derive(Debug, Serialize)]
pub struct UnpricedView {
    #[serde(flatten, serialize_with = "account_fields")]
    pub account: Option<Account>,
    pub region: String,
    pub model_id: String,
    pub reason: String,
}

/// `aipctl coverage`.
#[derive(Debug, Serialize)]
pub struct CoverageReport {
    pub start: String,
    pub end: String,
    /// The window for people: `2026-10-23 00:00 → 2026-11-22 13:00 UTC`.
    pub window: String,
    /// The regions read.
    pub regions: Vec<String>,
    /// The cost tag key that makes a profile's traffic attributed.
    pub tag_key: String,
    /// What shares are weighted by: `cost` (estimated USD, every series
    /// priced) or `tokens` (the four kinds added up).
    pub share_basis: &'static str,
    #[serde(skip)]
    basis: ShareBasis,
    pub attributed_share_percent: Option<String>,
    pub classes: Vec<ClassView>,
    pub departments: Vec<DepartmentView>,
    pub unattributed: Vec<UnattributedView>,
    pub bypass: Vec<BypassView>,
    pub series: Vec<SeriesView>,
    pub total: TokensView,
    /// The estimate of every series together (absent with `--no-prices`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_cost: Option<GroupMoney>,
    /// Series with traffic the Price List does not price (absent with `--no-prices`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unpriced: Option<Vec<UnpricedView>>,
    /// Where prices came from (absent with `--no-prices`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prices: Option<PriceSource>,
    /// `--fail-under` in percent, and whether the attributed share is below it.
    pub fail_under: Option<String>,
    pub below_threshold: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billed: Option<BilledView>,
    pub metric_requests: usize,
}

/// What [`CoverageReport::new`] needs besides the coverage.
pub struct CoverageMeta<'a> {
    pub window: &'a Window,
    pub regions: Vec<String>,
    pub fail_under: Option<Percent>,
    pub billed: Option<BilledView>,
    /// `None` with `--no-prices` or when the Price List failed.
    pub prices: Option<PriceSource>,
    pub metric_requests: usize,
}

fn series_view(c: &Coverage, s: &Series) -> SeriesView {
    let (profile, department) = match &s.source {
        Source::Profile { name, tag_value, .. } => (Some(name.clone()), tag_value.clone()),
        _ => (None, None),
    };
    SeriesView {
        account: s.account.clone(),
        region: s.region.to_string(),
        model_id: s.model_id.clone(),
        class: s.class().as_str(),
        kind: s.source.kind(),
        profile,
        department,
        foundation_model: s.foundation_model.clone(),
        invocations: s.invocations,
        tokens: TokensView::from(&s.tokens),
        share_percent: pct(c.share_of(|o| std::ptr::eq(o, s))),
        money: s.estimate.as_ref().map(RowMoney::of_profile),
    }
}

fn unattributed_view(c: &Coverage, u: &Unattributed<'_>) -> UnattributedView {
    let s = u.series;
    let (profile, arn, reason) = match &s.source {
        Source::Profile { name, arn, .. } => (
            Some(name.clone()),
            Some(arn.clone()),
            format!("the profile has no `{}` tag", c.key),
        ),
        _ => (
            None,
            s.model_id.starts_with("arn:").then(|| s.model_id.clone()),
            "an application profile ID no listed profile has (deleted, or another account's)".to_owned(),
        ),
    };
    UnattributedView {
        account: s.account.clone(),
        profile,
        arn,
        model_id: s.model_id.clone(),
        region: s.region.to_string(),
        reason,
        share_percent: pct(u.share),
        tokens: TokensView::from(&u.tokens),
        money: group_money(u.cost.as_ref()),
    }
}

impl CoverageReport {
    pub fn new(c: &Coverage, meta: CoverageMeta<'_>) -> Self {
        let priced = meta.prices.is_some() && c.priced();
        let classes = Class::ALL
            .iter()
            .map(|class| ClassView {
                class: class.as_str(),
                share_percent: pct(c.class_share(*class)),
                tokens: TokensView::from(&c.class_tokens(*class)),
                money: group_money(c.class_cost(*class).as_ref()),
            })
            .collect();
        let departments = c
            .departments()
            .into_iter()
            .map(|d| DepartmentView {
                money: group_money(d.cost.as_ref()),
                account: d.account,
                value: d.value,
                profiles: d.profiles.into_iter().collect(),
                regions: d.regions.iter().map(ToString::to_string).collect(),
                share_percent: pct(d.share),
                tokens: TokensView::from(&d.tokens),
            })
            .collect();
        let unattributed = c.unattributed().iter().map(|u| unattributed_view(c, u)).collect();
        let bypass = c
            .bypass()
            .into_iter()
            .map(|b| BypassView {
                money: group_money(b.cost.as_ref()),
                account: b.account,
                model_id: b.id,
                kind: b.source.kind(),
                regions: b.regions.iter().map(ToString::to_string).collect(),
                share_percent: pct(b.share),
                tokens: TokensView::from(&b.tokens),
                fix: b.fix,
            })
            .collect();
        let unpriced = priced.then(|| {
            c.unpriced()
                .into_iter()
                .map(|(s, why)| UnpricedView {
                    account: s.account.clone(),
                    region: s.region.to_string(),
                    model_id: s.model_id.clone(),
                    reason: why.to_string(),
                })
                .collect()
        });
        Self {
            start: meta.window.start.to_string(),
            end: meta.window.end_exclusive.to_string(),
            window: meta.window.to_string(),
            regions: meta.regions,
            tag_key: c.key.clone(),
            share_basis: c.basis.as_str(),
            basis: c.basis,
            attributed_share_percent: pct(c.class_share(Class::Attributed)),
            classes,
            departments,
            unattributed,
            bypass,
            series: c.series.iter().map(|s| series_view(c, s)).collect(),
            total: TokensView::from(&c.tokens_of(|_| true)),
            total_cost: group_money(c.cost_of(|_| true).as_ref()),
            unpriced,
            prices: meta.prices,
            fail_under: meta.fail_under.map(|p| p.value().to_string()),
            below_threshold: meta.fail_under.map(|p| c.gate(p) == Gate::Below),
            billed: meta.billed,
            metric_requests: meta.metric_requests,
        }
    }

    /// Rows carry an account: a multi-account run.
    fn multi(&self) -> bool {
        self.series.iter().any(|s| s.account.is_some())
    }

    fn priced(&self) -> bool {
        self.total_cost.is_some()
    }
}

fn share_cell(s: Option<&String>) -> String {
    s.map_or_else(|| "-".to_owned(), |s| format!("{s}%"))
}

fn token_cells(t: &TokensView) -> [String; 5] {
    [
        thousands(t.input),
        thousands(t.output),
        thousands(t.cache_read),
        thousands(t.cache_write),
        thousands(t.total),
    ]
}

/// One table row: who, where, tokens, money and share.
struct Row<'a> {
    account: Option<&'a Account>,
    class: &'a str,
    who: String,
    regions: String,
    tokens: &'a TokensView,
    money: Option<&'a GroupMoney>,
    share: Option<&'a String>,
}

impl View for CoverageReport {
    fn table(&self) -> Table {
        let (multi, priced) = (self.multi(), self.priced());
        let mut header = vec![
            "class",
            "owner / model ID",
            "regions",
            "input",
            "output",
            "cache read",
            "cache write",
            "tokens",
        ];
        if multi {
            header.insert(0, "account");
        }
        if priced {
            header.push("est. cost");
        }
        header.push("share");
        let mut t = new_table(&header);
        let mut add = |r: Row<'_>| {
            let mut cells = Vec::with_capacity(header.len());
            if multi {
                cells.push(if r.class == "TOTAL" {
                    String::new()
                } else {
                    AccountCols::cell(r.account)
                });
            }
            cells.extend([r.class.to_owned(), r.who, r.regions]);
            cells.extend(token_cells(r.tokens));
            if priced {
                cells.push(r.money.map_or_else(String::new, GroupMoney::cell));
            }
            cells.push(share_cell(r.share));
            t.add_row(cells);
        };
        for d in &self.departments {
            add(Row {
                account: d.account.as_ref(),
                class: "attributed",
                who: d.value.clone(),
                regions: d.regions.join(", "),
                tokens: &d.tokens,
                money: d.money.as_ref(),
                share: d.share_percent.as_ref(),
            });
        }
        for u in &self.unattributed {
            add(Row {
                account: u.account.as_ref(),
                class: "unattributed",
                who: match &u.profile {
                    Some(name) => format!("{name} (no {})", self.tag_key),
                    None => format!("{} (no listed profile)", u.model_id),
                },
                regions: u.region.clone(),
                tokens: &u.tokens,
                money: u.money.as_ref(),
                share: u.share_percent.as_ref(),
            });
        }
        for b in &self.bypass {
            let what = match b.kind {
                "system_profile" => "system profile",
                "foundation_model" => "model",
                _ => "other",
            };
            add(Row {
                account: b.account.as_ref(),
                class: "bypass",
                who: format!("{} ({what})", b.model_id),
                regions: b.regions.join(", "),
                tokens: &b.tokens,
                money: b.money.as_ref(),
                share: b.share_percent.as_ref(),
            });
        }
        let all = (!self.series.is_empty()).then(|| "100.0".to_owned());
        add(Row {
            account: None,
            class: "TOTAL",
            who: String::new(),
            regions: String::new(),
            tokens: &self.total,
            money: self.total_cost.as_ref(),
            share: all.as_ref(),
        });
        let first_number = if multi { 4 } else { 3 };
        for i in first_number..header.len() {
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let (multi, priced) = (self.multi(), self.priced());
        let mut header: Vec<String> = [
            "region",
            "model_id",
            "class",
            "kind",
            "profile",
            "department",
            "foundation_model",
            "invocations",
            "input_tokens",
            "output_tokens",
            "cache_read_tokens",
            "cache_write_tokens",
            "total_tokens",
        ]
        .map(String::from)
        .to_vec();
        if multi {
            header.splice(0..0, ["account".to_owned(), "account_name".to_owned()]);
        }
        if priced {
            header.extend(MONEY_CSV_COLUMNS.map(String::from));
            header.push("unpriced_reason".into());
        }
        header.push("share_percent".into());
        let rows = self
            .series
            .iter()
            .map(|s| {
                let mut row = Vec::with_capacity(header.len());
                if multi {
                    let cols = AccountCols::of(s.account.as_ref());
                    row.push(cols.as_ref().map(|a| a.account.clone()).unwrap_or_default());
                    row.push(cols.and_then(|a| a.account_name).unwrap_or_default());
                }
                row.extend([
                    s.region.clone(),
                    s.model_id.clone(),
                    s.class.to_owned(),
                    s.kind.to_owned(),
                    s.profile.clone().unwrap_or_default(),
                    s.department.clone().unwrap_or_default(),
                    s.foundation_model.clone().unwrap_or_default(),
                    s.invocations.to_string(),
                    s.tokens.input.to_string(),
                    s.tokens.output.to_string(),
                    s.tokens.cache_read.to_string(),
                    s.tokens.cache_write.to_string(),
                    s.tokens.total.to_string(),
                ]);
                if priced {
                    let m = s.money.as_ref();
                    row.extend(m.map_or_else(|| vec![String::new(); 6], RowMoney::csv_cells));
                    row.push(
                        m.and_then(|m| m.price.as_ref())
                            .and_then(|p| p.unpriced_reason.clone())
                            .unwrap_or_default(),
                    );
                }
                row.push(s.share_percent.clone().unwrap_or_default());
                row
            })
            .collect();
        (header, rows)
    }

    fn footer(&self) -> Vec<String> {
        let shares: Vec<String> = self
            .classes
            .iter()
            .map(|c| format!("{} {}", c.class, share_cell(c.share_percent.as_ref())))
            .collect();
        let mut out = vec![format!(
            "shares by {}: {}",
            basis_label(self.basis),
            shares.join(" · ")
        )];
        match (&self.prices, &self.unpriced) {
            (Some(prices), Some(unpriced)) => {
                out.push(format!("est. cost: tokens × {}", prices.line()));
                if !unpriced.is_empty() {
                    out.push(format!(
                        "shares are by tokens: {} of {} series {} no price (never $0; ≥: unpriced series left out):",
                        unpriced.len(),
                        self.series.len(),
                        if unpriced.len() == 1 { "has" } else { "have" }
                    ));
                    out.extend(unpriced.iter().map(|u| {
                        let account = u
                            .account
                            .as_ref()
                            .map_or_else(String::new, |a| format!("{}, ", AccountCols::cell(Some(a))));
                        format!("  {} ({account}{}): {}", u.model_id, u.region, u.reason)
                    }));
                }
            }
            _ if !self.series.is_empty() => {
                out.push("no estimated cost (`--no-prices`, or the Price List could not be read)".into());
            }
            _ => {}
        }
        if let (Some(threshold), Some(below)) = (&self.fail_under, self.below_threshold) {
            out.push(format!(
                "--fail-under {threshold}%: {}",
                if below { "below" } else { "met" }
            ));
        }
        out.push(format!(
            "window: {} · regions: {}",
            self.window,
            self.regions.join(", ")
        ));
        let fixes: Vec<String> = self
            .bypass
            .iter()
            .filter_map(|b| {
                let fix = b.fix.as_ref()?;
                Some(match &b.account {
                    Some(a) => format!("{fix}   # in {}", a.label()),
                    None => fix.clone(),
                })
            })
            .collect();
        if !fixes.is_empty() {
            out.push(String::new());
            out.push(format!(
                "to give bypass traffic a profile (replace {TEAM} with the department that makes the calls, then \
                 have the callers use the new profile's ARN as the model ID):"
            ));
            out.extend(fixes.iter().map(|f| format!("  {f}")));
        }
        if let Some(b) = &self.billed {
            out.extend(b.lines());
        }
        out
    }

    fn empty(&self) -> Option<String> {
        (self.series.is_empty() && self.billed.is_none()).then(|| {
            format!(
                "no Bedrock traffic in {} from {}: nothing to attribute",
                self.regions.join(", "),
                self.window
            )
        })
    }
}
