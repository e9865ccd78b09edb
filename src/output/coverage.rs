//! The coverage report: Bedrock traffic by who owns it (a department through
//! a tagged application profile, an untagged profile, or nobody: a system
//! profile or a bare model), with shares, the fix for each bypass, and with
//! `--billed` the share of billed spend under the cost tag per period.
//!
//! JSON has every level (classes, departments, unattributed profiles,
//! bypass models, and each `ModelId` series per region with its tokens by
//! kind); CSV is tidy, one row per series; the table groups rows by owner.

use comfy_table::{CellAlignment, Table};
use serde::Serialize;

use super::cost::{Amount, money, period_label};
use super::usage::thousands;
use super::{View, new_table};
use crate::domain::cost::{Period, share_percent};
use crate::domain::coverage::billed::BilledPeriod;
use crate::domain::coverage::{Class, Coverage, Gate, Percent, Series, Source, TEAM, Tokens};
use crate::domain::window::Window;

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

fn pct(d: Option<rust_decimal::Decimal>) -> Option<String> {
    d.map(|d| d.to_string())
}

#[derive(Debug, Serialize)]
pub struct ClassView {
    pub class: &'static str,
    pub share_percent: Option<String>,
    pub tokens: TokensView,
}

#[derive(Debug, Serialize)]
pub struct DepartmentView {
    /// The cost tag's value.
    pub value: String,
    pub profiles: Vec<String>,
    pub regions: Vec<String>,
    pub share_percent: Option<String>,
    pub tokens: TokensView,
}

#[derive(Debug, Serialize)]
pub struct UnattributedView {
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
}

#[derive(Debug, Serialize)]
pub struct BypassView {
    /// The system profile or model ID callers name.
    pub model_id: String,
    /// `system_profile`, `foundation_model` or `other`.
    pub kind: &'static str,
    pub regions: Vec<String>,
    pub share_percent: Option<String>,
    pub tokens: TokensView,
    /// The `aipctl create` that gives this traffic a profile (TEAM: the
    /// department that makes the calls); `null` when nothing can be copied.
    pub fix: Option<String>,
}

/// One `ModelId` series of one region.
#[derive(Debug, Serialize)]
pub struct SeriesView {
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
}

#[derive(Debug, Serialize)]
pub struct BilledPeriodView {
    pub start: String,
    /// Exclusive, as Cost Explorer's `TimePeriod.End`.
    pub end: String,
    pub estimated: bool,
    /// Spend with a value of the cost tag.
    pub tagged: Amount,
    /// Spend without the cost tag that an IAM principal tag attributes.
    pub by_principal: Amount,
    /// Spend attributed neither way.
    pub untagged: Amount,
    pub total: Amount,
    pub attributed_share_percent: Option<String>,
    #[serde(skip)]
    label: String,
}

impl From<&BilledPeriod> for BilledPeriodView {
    fn from(p: &BilledPeriod) -> Self {
        Self {
            start: p.start.to_string(),
            end: p.end_exclusive.to_string(),
            estimated: p.estimated,
            tagged: Amount(p.tagged),
            by_principal: Amount(p.by_principal),
            untagged: Amount(p.untagged),
            total: Amount(p.total()),
            attributed_share_percent: pct(p.share()),
            label: period_label(&Period {
                start: p.start,
                end_exclusive: p.end_exclusive,
                estimated: p.estimated,
            }),
        }
    }
}

/// `--billed`: Bedrock spend under the cost tag per period, from Cost Explorer.
#[derive(Debug, Serialize)]
pub struct BilledView {
    pub tag_key: String,
    pub metric: &'static str,
    pub currency: &'static str,
    /// Whether IAM-principal cost allocation is on: some `iamPrincipal/` key is active.
    pub iam_principal_allocation: bool,
    /// The principal key whose values count as attributed.
    pub principal_key: Option<String>,
    /// The billing services read (Bedrock's).
    pub services: Vec<String>,
    pub periods: Vec<BilledPeriodView>,
    pub total: Option<BilledPeriodView>,
    pub paid_requests: usize,
    pub from_cache: bool,
}

impl BilledView {
    pub fn new(
        tag_key: &str,
        principal_key: Option<String>,
        services: Vec<String>,
        periods: &[BilledPeriod],
        paid: &crate::domain::cost::PaidRequests,
    ) -> Self {
        Self {
            tag_key: tag_key.to_owned(),
            metric: "UnblendedCost",
            currency: "USD",
            iam_principal_allocation: principal_key.is_some(),
            principal_key,
            services,
            periods: periods.iter().map(BilledPeriodView::from).collect(),
            total: crate::domain::coverage::billed::overall(periods)
                .as_ref()
                .map(BilledPeriodView::from),
            paid_requests: paid.total(),
            from_cache: paid.total() == 0 && paid.from_cache > 0,
        }
    }

    fn lines(&self) -> Vec<String> {
        let principal = self.principal_key.is_some();
        let mut header = vec!["billed (Cost Explorer)", "tagged"];
        if principal {
            header.push("by principal");
        }
        header.extend(["untagged", "total", "attributed"]);
        let mut t = new_table(&header);
        let rows = self
            .periods
            .iter()
            .map(|p| (p.label.as_str(), p))
            .chain(self.total.iter().map(|p| ("TOTAL", p)));
        for (label, p) in rows {
            let mut row = vec![label.to_owned(), money(p.tagged.0, self.currency)];
            if principal {
                row.push(money(p.by_principal.0, self.currency));
            }
            row.extend([
                money(p.untagged.0, self.currency),
                money(p.total.0, self.currency),
                p.attributed_share_percent
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), |s| format!("{s}%")),
            ]);
            t.add_row(row);
        }
        for i in 1..header.len() {
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        let mut out = vec![String::new()];
        out.extend(t.to_string().lines().map(|l| l.trim_end().to_owned()));
        out.push(match &self.principal_key {
            Some(k) => format!(
                "billed: {} under `{}`; IAM-principal cost allocation is on: untagged spend with a `{k}` value \
                 counts as attributed",
                self.metric, self.tag_key
            ),
            None => format!(
                "billed: {} under `{}`, Bedrock billing services (credits and refunds without the tag count as \
                 untagged, as in `aipctl cost`)",
                self.metric, self.tag_key
            ),
        });
        if self.periods.iter().any(|p| p.estimated) {
            out.push("* estimated: billing for the period is not final yet".to_owned());
        }
        out
    }
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
    /// What shares are weighted by (`tokens`: the four kinds added up).
    pub share_basis: &'static str,
    pub attributed_share_percent: Option<String>,
    pub classes: Vec<ClassView>,
    pub departments: Vec<DepartmentView>,
    pub unattributed: Vec<UnattributedView>,
    pub bypass: Vec<BypassView>,
    pub series: Vec<SeriesView>,
    pub total: TokensView,
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
    pub metric_requests: usize,
}

fn series_view(s: &Series) -> SeriesView {
    let (profile, department) = match &s.source {
        Source::Profile { name, tag_value, .. } => (Some(name.clone()), tag_value.clone()),
        _ => (None, None),
    };
    SeriesView {
        region: s.region.to_string(),
        model_id: s.model_id.clone(),
        class: s.class().as_str(),
        kind: s.source.kind(),
        profile,
        department,
        foundation_model: s.foundation_model.clone(),
        invocations: s.invocations,
        tokens: TokensView::from(&s.tokens),
    }
}

impl CoverageReport {
    pub fn new(c: &Coverage, meta: CoverageMeta<'_>) -> Self {
        let classes = Class::ALL
            .iter()
            .map(|class| ClassView {
                class: class.as_str(),
                share_percent: pct(c.class_share(*class)),
                tokens: TokensView::from(&c.class_tokens(*class)),
            })
            .collect();
        let departments = c
            .departments()
            .into_iter()
            .map(|d| DepartmentView {
                value: d.value,
                profiles: d.profiles.into_iter().collect(),
                regions: d.regions.iter().map(ToString::to_string).collect(),
                share_percent: pct(d.share),
                tokens: TokensView::from(&d.tokens),
            })
            .collect();
        let unattributed = c
            .unattributed()
            .into_iter()
            .map(|(s, tokens, share)| {
                let (profile, arn, reason) = match &s.source {
                    Source::Profile { name, arn, .. } => (
                        Some(name.clone()),
                        Some(arn.clone()),
                        format!("the profile has no `{}` tag", c.key),
                    ),
                    _ => (
                        None,
                        s.model_id.starts_with("arn:").then(|| s.model_id.clone()),
                        "an application profile ID no listed profile has (deleted, or another account's)"
                            .to_owned(),
                    ),
                };
                UnattributedView {
                    profile,
                    arn,
                    model_id: s.model_id.clone(),
                    region: s.region.to_string(),
                    reason,
                    share_percent: pct(share),
                    tokens: TokensView::from(&tokens),
                }
            })
            .collect();
        let bypass = c
            .bypass()
            .into_iter()
            .map(|b| BypassView {
                model_id: b.id,
                kind: b.source.kind(),
                regions: b.regions.iter().map(ToString::to_string).collect(),
                share_percent: pct(b.share),
                tokens: TokensView::from(&b.tokens),
                fix: b.fix,
            })
            .collect();
        Self {
            start: meta.window.start.to_string(),
            end: meta.window.end_exclusive.to_string(),
            window: meta.window.to_string(),
            regions: meta.regions,
            tag_key: c.key.clone(),
            share_basis: c.basis.as_str(),
            attributed_share_percent: pct(c.class_share(Class::Attributed)),
            classes,
            departments,
            unattributed,
            bypass,
            series: c.series.iter().map(series_view).collect(),
            total: TokensView::from(&c.tokens_of(|_| true)),
            fail_under: meta.fail_under.map(|p| p.value().to_string()),
            below_threshold: meta.fail_under.map(|p| c.gate(p) == Gate::Below),
            billed: meta.billed,
            metric_requests: meta.metric_requests,
        }
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

impl View for CoverageReport {
    fn table(&self) -> Table {
        let header = [
            "class",
            "owner / model ID",
            "regions",
            "input",
            "output",
            "cache read",
            "cache write",
            "tokens",
            "share",
        ];
        let mut t = new_table(&header);
        let mut row =
            |class: &str, who: String, regions: String, tokens: &TokensView, share: Option<&String>| {
                let mut r = vec![class.to_owned(), who, regions];
                r.extend(token_cells(tokens));
                r.push(share_cell(share));
                t.add_row(r);
            };
        for d in &self.departments {
            row(
                "attributed",
                d.value.clone(),
                d.regions.join(", "),
                &d.tokens,
                d.share_percent.as_ref(),
            );
        }
        for u in &self.unattributed {
            let who = match &u.profile {
                Some(name) => format!("{name} (no {})", self.tag_key),
                None => format!("{} (no listed profile)", u.model_id),
            };
            row(
                "unattributed",
                who,
                u.region.clone(),
                &u.tokens,
                u.share_percent.as_ref(),
            );
        }
        for b in &self.bypass {
            let what = match b.kind {
                "system_profile" => "system profile",
                "foundation_model" => "model",
                _ => "other",
            };
            row(
                "bypass",
                format!("{} ({what})", b.model_id),
                b.regions.join(", "),
                &b.tokens,
                b.share_percent.as_ref(),
            );
        }
        let all = (!self.series.is_empty()).then(|| "100.0".to_owned());
        row("TOTAL", String::new(), String::new(), &self.total, all.as_ref());
        for i in 3..header.len() {
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = [
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
            "share_percent",
        ]
        .map(String::from)
        .to_vec();
        let total = rust_decimal::Decimal::from(self.total.total);
        let rows = self
            .series
            .iter()
            .map(|s| {
                vec![
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
                    share_percent(rust_decimal::Decimal::from(s.tokens.total), total)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                ]
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
        let mut out = vec![format!("shares by {}: {}", self.share_basis, shares.join(" · "))];
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
        let fixes: Vec<&String> = self.bypass.iter().filter_map(|b| b.fix.as_ref()).collect();
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
