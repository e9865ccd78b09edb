//! Billed beside estimated, per value of a cost-allocation tag, over one
//! closed window: Cost Explorer's spend (split into token charges and
//! everything else by usage type) against tokens × Price List prices of the
//! profiles carrying that value, the difference, and what explains it.
//!
//! The untagged row compares billed spend without the tag with the estimate
//! of the profiles without it: what is left is spend that went through no
//! application profile at all (system profiles, bare model IDs, profiles
//! deleted since). A tagged row's gap is explained by non-token charges
//! (credits, refunds, other usage) and unpriced profiles; what neither
//! explains is called out (tags changed or activated during the window,
//! profiles deleted since, prices changed).

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::estimate::{Estimate, EstimateSum};

/// A difference above this share of the billed amount is flagged.
pub const TOLERANCE_PERCENT: Decimal = Decimal::from_parts(2, 0, 0, false, 0);
/// Below half a cent, an amount is no difference.
const HALF_CENT: Decimal = Decimal::from_parts(5, 0, 0, false, 3);

/// Whether a Bedrock usage type bills tokens: first-party
/// `USE1-NovaPro-input-tokens` (`…-output-tokens`,
/// `…-cache-read-input-token-count`, `…-cache-write-input-token-count`) or
/// Marketplace `USE1-MP:USE1_InputTokenCount-Units` and its variants.
pub fn is_token_usage_type(usage_type: &str) -> bool {
    let lower = usage_type.to_ascii_lowercase();
    if lower.contains("-mp:") {
        return lower.contains("tokencount");
    }
    ["-input-tokens", "-output-tokens", "-input-token-count"]
        .iter()
        .any(|s| lower.contains(s))
}

/// Billed spend of one tag value, split by kind of charge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BilledRow {
    pub value: Option<String>,
    pub tokens_usd: Decimal,
    pub other_usd: Decimal,
}

/// Folds `(tag value, usage type, amount)` lines into one [`BilledRow`] per value.
pub fn billed_rows(
    lines: impl IntoIterator<Item = (Option<String>, Option<String>, Decimal)>,
) -> Vec<BilledRow> {
    let mut by_value: BTreeMap<Option<String>, BilledRow> = BTreeMap::new();
    for (value, usage_type, amount) in lines {
        let row = by_value.entry(value.clone()).or_insert_with(|| BilledRow {
            value,
            ..BilledRow::default()
        });
        if usage_type.as_deref().is_some_and(is_token_usage_type) {
            row.tokens_usd += amount;
        } else {
            row.other_usd += amount;
        }
    }
    by_value.into_values().collect()
}

/// What accounts for a row's difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// Billed charges that are not tokens: credits, refunds, other usage.
    NonTokenCharges,
    /// Profiles whose tokens the Price List does not price.
    UnpricedProfiles,
    /// Untagged billed token spend no untagged profile accounts for: traffic
    /// through system profiles or bare model IDs, or through profiles deleted since.
    NotThroughProfiles,
    /// A tagged row's token gap nothing above explains: profiles in other
    /// accounts or regions, profiles deleted since, tags changed or activated
    /// during the window, prices changed.
    Unexplained,
}

/// One tag value reconciled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconcileRow {
    /// `None`: spend and profiles without the tag.
    pub value: Option<String>,
    pub billed_usd: Decimal,
    pub billed_tokens_usd: Decimal,
    pub billed_other_usd: Decimal,
    /// Tokens × prices of the priced profiles with this value.
    pub estimated_usd: Decimal,
    pub profiles: usize,
    pub unpriced_profiles: usize,
    /// Billed − estimated.
    pub difference_usd: Decimal,
    /// The difference as a share of billed, one decimal; `None` when nothing was billed.
    pub difference_percent: Option<Decimal>,
    /// Beyond [`TOLERANCE_PERCENT`] (or estimated spend where nothing was billed).
    pub flagged: bool,
    pub causes: Vec<Cause>,
}

/// Every tag value, biggest billed first and the untagged row last, with totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    pub rows: Vec<ReconcileRow>,
    pub total: ReconcileRow,
}

impl Reconciliation {
    pub fn untagged(&self) -> Option<&ReconcileRow> {
        self.rows.iter().find(|r| r.value.is_none())
    }

    pub fn flagged(&self) -> usize {
        self.rows.iter().filter(|r| r.flagged).count()
    }
}

fn row(value: Option<String>, billed: &BilledRow, estimates: &EstimateSum, profiles: usize) -> ReconcileRow {
    let billed_usd = billed.tokens_usd + billed.other_usd;
    let estimated_usd = estimates.cost.total();
    let difference_usd = billed_usd - estimated_usd;
    let difference_percent = (!billed_usd.is_zero()).then(|| {
        let mut p = (difference_usd * Decimal::ONE_HUNDRED / billed_usd.abs())
            .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
        p.rescale(1);
        p
    });
    let flagged = if billed_usd.is_zero() {
        estimated_usd.abs() >= HALF_CENT
    } else {
        difference_usd.abs() * Decimal::ONE_HUNDRED > TOLERANCE_PERCENT * billed_usd.abs()
    };
    let token_gap = billed.tokens_usd - estimated_usd;
    let mut causes = Vec::new();
    if billed.other_usd.abs() >= HALF_CENT {
        causes.push(Cause::NonTokenCharges);
    }
    if estimates.unpriced > 0 {
        causes.push(Cause::UnpricedProfiles);
    }
    if value.is_none() && token_gap >= HALF_CENT {
        causes.push(Cause::NotThroughProfiles);
    } else if value.is_some()
        && estimates.unpriced == 0
        && token_gap.abs() * Decimal::ONE_HUNDRED > TOLERANCE_PERCENT * billed.tokens_usd.abs().max(HALF_CENT)
    {
        causes.push(Cause::Unexplained);
    }
    ReconcileRow {
        value,
        billed_usd,
        billed_tokens_usd: billed.tokens_usd,
        billed_other_usd: billed.other_usd,
        estimated_usd,
        profiles,
        unpriced_profiles: estimates.unpriced,
        difference_usd,
        difference_percent,
        flagged,
        causes,
    }
}

/// Billed rows beside the estimates of the profiles, each given with its
/// tag value. A value only one side has still gets a row.
pub fn reconcile<'a>(
    billed: &[BilledRow],
    estimates: impl IntoIterator<Item = (Option<String>, &'a Estimate)>,
) -> Reconciliation {
    let mut by_value: BTreeMap<Option<String>, (EstimateSum, usize)> = BTreeMap::new();
    for (value, e) in estimates {
        let entry = by_value.entry(value).or_default();
        entry.0.add(e);
        entry.1 += 1;
    }
    let mut values: Vec<Option<String>> = billed.iter().map(|b| b.value.clone()).collect();
    values.extend(by_value.keys().cloned());
    values.sort();
    values.dedup();
    let none = BilledRow::default();
    let mut rows: Vec<ReconcileRow> = values
        .into_iter()
        .map(|value| {
            let b = billed.iter().find(|b| b.value == value).unwrap_or(&none);
            let (sum, n) = by_value.get(&value).copied().unwrap_or_default();
            row(value, b, &sum, n)
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.value.is_none(), std::cmp::Reverse(a.billed_usd), &a.value).cmp(&(
            b.value.is_none(),
            std::cmp::Reverse(b.billed_usd),
            &b.value,
        ))
    });
    let all_billed = BilledRow {
        value: None,
        tokens_usd: billed.iter().map(|b| b.tokens_usd).sum(),
        other_usd: billed.iter().map(|b| b.other_usd).sum(),
    };
    let mut all_estimated = EstimateSum::default();
    let mut profiles = 0;
    for (sum, n) in by_value.values() {
        all_estimated.cost.add(&sum.cost);
        all_estimated.priced += sum.priced;
        all_estimated.unpriced += sum.unpriced;
        profiles += n;
    }
    let mut total = row(None, &all_billed, &all_estimated, profiles);
    // The total's gap is the sum of the rows': say what they say.
    total.causes = [
        Cause::NonTokenCharges,
        Cause::UnpricedProfiles,
        Cause::NotThroughProfiles,
        Cause::Unexplained,
    ]
    .into_iter()
    .filter(|c| rows.iter().any(|r| r.causes.contains(c)))
    .collect();
    Reconciliation { rows, total }
}
