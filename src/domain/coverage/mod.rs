//! Attribution coverage: how much Bedrock traffic reaches a department's row.
//!
//! CloudWatch's `AWS/Bedrock` metrics have one dimension, `ModelId`, whose
//! value is whatever the caller named: an application profile's ID (or its
//! full ARN), a system-defined profile (`us.anthropic…`, `global.…`), or a
//! bare foundation model
//! (<https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html>).
//! Only traffic through an application profile carries the profile's tags to
//! the bill; the rest bypasses attribution. This module classifies each
//! `ModelId` series of a region against the region's application profiles,
//! sums tokens by class and department, computes shares and the
//! `--fail-under` gate, and says what would give bypass traffic a profile.
//!
//! Each series can carry its estimate at Price List prices ([`Series::priced`]:
//! the model it reaches, in its own region, at its scope). Shares are
//! weighted by [`ShareBasis`]: by estimated USD when every series with
//! traffic is priced, else by tokens (the four kinds added up), and the
//! output says which. Unpriced traffic is named as unpriced, never $0. In a
//! run over an organization every series carries its account, and
//! departments, unattributed profiles and bypass models are per account.
//!
//! [`billed`] holds the billing side (`coverage --billed`).

pub mod billed;
mod fix;

pub use fix::{TEAM, create_command, suggested_name};

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::domain::InputError;
use crate::domain::account::{Account, AccountId};
use crate::domain::cost::share_percent;
use crate::domain::price::{
    self, Estimate, EstimateSum, KindAmounts, PriceCatalog, PriceKey, PriceScope, Unpriced, routes_globally,
};
use crate::domain::profile::{
    APPLICATION_PROFILE, BedrockArn, FOUNDATION_MODEL, ModelRef, Profile, SYSTEM_PROFILE,
};
use crate::domain::region::Region;
use crate::domain::report;

/// Tokens of one series, or a sum, by the four kinds Bedrock bills apart.
pub use crate::domain::price::TokenCounts as Tokens;

/// What a `ModelId` value names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An application profile of the region, by its ID or its ARN.
    Profile {
        name: String,
        arn: String,
        /// The cost tag's value on the profile; `None`: the profile lacks the tag.
        tag_value: Option<String>,
    },
    /// An application-profile ID or ARN that no listed profile has: deleted
    /// since, or another account's. Its tags cannot be known.
    UnknownProfile,
    /// A system-defined (cross-region) profile, by its ID (`us.anthropic…`).
    SystemProfile { id: String },
    /// A foundation model called directly, by its ID.
    FoundationModel { id: String },
    /// Anything else (a provisioned, custom or imported model's ARN, a prompt
    /// router): not an application profile, and nothing to copy.
    Other,
}

/// Who owns a series' traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Through an application profile that carries the cost tag.
    Attributed,
    /// Through an application profile without the tag (or one no longer listed).
    Unattributed,
    /// Past every application profile: a system profile or a bare model.
    Bypass,
}

impl Class {
    pub const ALL: [Class; 3] = [Class::Attributed, Class::Unattributed, Class::Bypass];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Attributed => "attributed",
            Self::Unattributed => "unattributed",
            Self::Bypass => "bypass",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Source {
    pub fn class(&self) -> Class {
        match self {
            Self::Profile {
                tag_value: Some(_), ..
            } => Class::Attributed,
            Self::Profile { tag_value: None, .. } | Self::UnknownProfile => Class::Unattributed,
            Self::SystemProfile { .. } | Self::FoundationModel { .. } | Self::Other => Class::Bypass,
        }
    }

    /// `application_profile`, `system_profile`, …: the kind, for JSON and CSV.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Profile { .. } => "application_profile",
            Self::UnknownProfile => "unknown_application_profile",
            Self::SystemProfile { .. } => "system_profile",
            Self::FoundationModel { .. } => "foundation_model",
            Self::Other => "other",
        }
    }
}

/// Whether `s` has the shape of an application profile's ID: 12 lowercase
/// letters and digits, as AWS generates them (no `.`, unlike every model and
/// system-profile ID).
fn looks_like_profile_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// What `model_id`, a `ModelId` value seen in a region, names, given that
/// region's application profiles (with tags) and the cost tag key.
pub fn classify(model_id: &str, profiles: &[&Profile], key: &str) -> Source {
    if let Some(p) = profiles
        .iter()
        .find(|p| p.id == model_id || p.arn.as_str() == model_id)
    {
        return Source::Profile {
            name: p.name.clone(),
            arn: p.arn.to_string(),
            tag_value: p.tags.get(key).filter(|v| !v.is_empty()).map(str::to_owned),
        };
    }
    if model_id.starts_with("arn:") {
        return match BedrockArn::parse(model_id) {
            Some(a) if a.resource_type == APPLICATION_PROFILE => Source::UnknownProfile,
            Some(a) if a.resource_type == SYSTEM_PROFILE => Source::SystemProfile { id: a.resource_id },
            Some(a) if a.resource_type == FOUNDATION_MODEL => Source::FoundationModel { id: a.resource_id },
            _ => Source::Other,
        };
    }
    match model_id.parse::<ModelRef>() {
        Ok(ModelRef::SystemProfileId(id)) => Source::SystemProfile { id },
        Ok(ModelRef::FoundationModelId(id)) => Source::FoundationModel { id },
        _ if looks_like_profile_id(model_id) => Source::UnknownProfile,
        _ => Source::Other,
    }
}

/// The foundation model a series reaches, when it can be told: a profile's
/// model (from its `models[]`), a system profile's ID without its
/// geography, a model's own ID. What a price catalog is keyed by.
pub fn foundation_model(source: &Source, profile: Option<&Profile>) -> Option<String> {
    match source {
        Source::Profile { .. } => profile.and_then(Profile::model_id),
        Source::SystemProfile { id } => id.split_once('.').map(|(_, m)| m.to_owned()),
        Source::FoundationModel { id } => Some(id.clone()),
        Source::UnknownProfile | Source::Other => None,
    }
}

/// Which price of the model applies to a series: the Global one for traffic
/// that routes globally (a `global.` system profile, or an application
/// profile copying one: its `models[]` has the Region-less ARN), else the
/// regional one, as `usage` prices profiles.
pub fn price_scope(source: &Source, profile: Option<&Profile>) -> PriceScope {
    let global = match source {
        Source::Profile { .. } => profile.is_some_and(|p| routes_globally(&p.model_arns)),
        Source::SystemProfile { id } => id.starts_with("global."),
        _ => false,
    };
    if global {
        PriceScope::Global
    } else {
        PriceScope::Regional
    }
}

/// One `ModelId` series of one region (of one account) over the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// The account the series was read in; `None` in a single-account run.
    pub account: Option<Account>,
    pub region: Region,
    /// The `ModelId` value exactly as CloudWatch has it.
    pub model_id: String,
    pub source: Source,
    /// The foundation model the traffic reached, when known.
    pub foundation_model: Option<String>,
    /// Which of the model's prices applies.
    pub scope: PriceScope,
    pub invocations: u64,
    pub tokens: Tokens,
    /// The tokens at Price List prices, or why they are unpriced; `None`
    /// when no prices were asked for (`--no-prices`).
    pub estimate: Option<Estimate>,
}

impl Series {
    pub fn class(&self) -> Class {
        self.source.class()
    }

    pub fn has_traffic(&self) -> bool {
        self.invocations > 0 || self.tokens.total() > 0
    }

    /// The estimated USD of the series, when it is priced.
    pub fn cost(&self) -> Option<Decimal> {
        self.estimate.as_ref()?.cost().map(KindAmounts::total)
    }

    fn account_id(&self) -> Option<&AccountId> {
        self.account.as_ref().map(|a| &a.id)
    }

    /// The series' tokens priced from `catalog` in its own region (the
    /// source region, where AWS prices cross-Region traffic) at its scope;
    /// `names` holds `GetFoundationModel`'s `modelName` per model ID.
    pub fn priced(&self, catalog: &PriceCatalog, names: &BTreeMap<String, Option<String>>) -> Estimate {
        let Some(model) = &self.foundation_model else {
            return Estimate::Unpriced(Unpriced::UnknownModel);
        };
        let key = PriceKey {
            model_name: names.get(model).cloned().flatten(),
            model_id: Some(model.clone()),
            region: self.region.to_string(),
            scope: self.scope,
        };
        price::price_usage(catalog, &key, &self.tokens)
    }
}

/// What shares are weighted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareBasis {
    /// Every token counts the same, whatever its kind: when prices were not
    /// asked for, or some series with traffic is unpriced (a share of a
    /// partial sum would overstate the priced classes).
    Tokens,
    /// Estimated USD (tokens × Price List prices, each kind at its own
    /// price): every series with traffic is priced.
    Cost,
}

impl ShareBasis {
    /// `tokens` or `cost`: how the output names the basis.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tokens => "tokens",
            Self::Cost => "cost",
        }
    }

    /// Cost when every series is priced (and the sum is not zero), else tokens.
    fn of(series: &[Series]) -> Self {
        let all_priced = !series.is_empty() && series.iter().all(|s| s.cost().is_some());
        let total: Decimal = series.iter().filter_map(Series::cost).sum();
        if all_priced && total > Decimal::ZERO {
            Self::Cost
        } else {
            Self::Tokens
        }
    }

    fn weight(self, s: &Series) -> Decimal {
        match self {
            Self::Tokens => Decimal::from(s.tokens.total()),
            Self::Cost => s.cost().unwrap_or_default(),
        }
    }
}

/// A `--fail-under` threshold: a percentage from 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Percent(Decimal);

impl Percent {
    pub fn value(self) -> Decimal {
        self.0
    }
}

impl FromStr for Percent {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            InputError::new(
                "--fail-under",
                s,
                "expected a percentage from 0 to 100, such as `90` or `97.5`",
            )
        };
        let number = s.trim().strip_suffix('%').unwrap_or(s.trim());
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return Err(bad());
        }
        let d = Decimal::from_str(number).map_err(|_| bad())?;
        if d > Decimal::ONE_HUNDRED {
            return Err(bad());
        }
        Ok(Self(d.normalize()))
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

/// What `--fail-under` decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// The attributed share is at or above the threshold.
    Pass,
    /// Below it: the command exits with `EXIT_BELOW_COVERAGE`.
    Below,
    /// No traffic in the window: nothing leaked, nothing to measure.
    NoTraffic,
}

/// A department's attributed traffic (in one account, in a multi-account run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub account: Option<Account>,
    pub value: String,
    pub profiles: BTreeSet<String>,
    pub regions: BTreeSet<Region>,
    pub tokens: Tokens,
    /// `None` without prices.
    pub cost: Option<EstimateSum>,
    pub share: Option<Decimal>,
}

/// The traffic of one unattributed profile (its ID and ARN forms together).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unattributed<'a> {
    /// The profile's first series (largest first).
    pub series: &'a Series,
    pub tokens: Tokens,
    pub cost: Option<EstimateSum>,
    pub share: Option<Decimal>,
}

/// Bypass traffic to one system profile or model, over every region it was
/// seen in (the ARN and ID forms of a system profile count as one), in one
/// account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bypass {
    pub account: Option<Account>,
    /// The system profile or model ID (the `ModelId` value for anything else).
    pub id: String,
    pub source: Source,
    pub regions: BTreeSet<Region>,
    pub tokens: Tokens,
    pub cost: Option<EstimateSum>,
    pub share: Option<Decimal>,
    /// The `aipctl create` that gives this traffic a profile (one per region).
    pub fix: Option<String>,
}

impl Coverage {
    /// The report's coverage section: each class on the share basis, and the
    /// `top` largest bypass models (per account in a multi-account run).
    pub fn summary(&self, top: usize) -> report::CoverageSection {
        let class = |c: Class| self.weight(|s| s.class() == c);
        report::CoverageSection {
            basis: self.basis,
            attributed: class(Class::Attributed),
            untagged: class(Class::Unattributed),
            bypass: class(Class::Bypass),
            top_bypass: self
                .bypass()
                .into_iter()
                .take(top)
                .map(|b| report::BypassLine {
                    amount: match self.basis {
                        ShareBasis::Tokens => Decimal::from(b.tokens.total()),
                        ShareBasis::Cost => b.cost.map(|c| c.cost.total()).unwrap_or_default(),
                    },
                    model_id: b.id,
                    regions: b.regions.iter().map(ToString::to_string).collect(),
                })
                .collect(),
        }
    }
}

/// `items` the largest first by `weight` (on the share basis, then tokens).
fn largest_first<T>(items: &mut [T], weight: impl Fn(&T) -> (Decimal, u64)) {
    items.sort_by_cached_key(|x| std::cmp::Reverse(weight(x)));
}

/// The coverage of a window: every series with traffic, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// The cost tag key that makes a profile attributed.
    pub key: String,
    /// Chosen from the series: [`ShareBasis::Cost`] when every one is priced.
    pub basis: ShareBasis,
    /// Series with traffic: by class, then the largest first.
    pub series: Vec<Series>,
}

impl Coverage {
    /// Keeps the series with traffic, chooses the share basis, and puts the
    /// series in report order.
    pub fn new(key: &str, mut series: Vec<Series>) -> Self {
        series.retain(Series::has_traffic);
        let basis = ShareBasis::of(&series);
        series.sort_by_cached_key(|s| {
            (
                s.class(),
                std::cmp::Reverse(basis.weight(s)),
                std::cmp::Reverse(s.tokens.total()),
                s.account_id().cloned(),
                s.region.clone(),
                s.model_id.clone(),
            )
        });
        Self {
            key: key.to_owned(),
            basis,
            series,
        }
    }

    /// The weight on the share basis of the series `keep` accepts: tokens,
    /// or estimated USD.
    pub fn weight(&self, keep: impl Fn(&Series) -> bool) -> Decimal {
        self.series
            .iter()
            .filter(|s| keep(s))
            .map(|s| self.basis.weight(s))
            .sum()
    }

    /// The share of the series `keep` accepts, in percent with one decimal;
    /// `None` when there is no traffic at all.
    pub fn share_of(&self, keep: impl Fn(&Series) -> bool) -> Option<Decimal> {
        share_percent(self.weight(keep), self.weight(|_| true))
    }

    pub fn tokens_of(&self, keep: impl Fn(&Series) -> bool) -> Tokens {
        self.series.iter().filter(|s| keep(s)).map(|s| &s.tokens).sum()
    }

    /// Whether prices were asked for (some series has an estimate).
    pub fn priced(&self) -> bool {
        self.series.iter().any(|s| s.estimate.is_some())
    }

    /// The estimates of the series `keep` accepts, added up (the priced
    /// part, and how many are unpriced); `None` without prices.
    pub fn cost_of(&self, keep: impl Fn(&Series) -> bool) -> Option<EstimateSum> {
        self.priced().then(|| {
            EstimateSum::of(
                self.series
                    .iter()
                    .filter(|s| keep(s))
                    .filter_map(|s| s.estimate.as_ref()),
            )
        })
    }

    /// The series with traffic that no price applies to, with the reason.
    pub fn unpriced(&self) -> Vec<(&Series, &Unpriced)> {
        self.series
            .iter()
            .filter_map(|s| match &s.estimate {
                Some(Estimate::Unpriced(why)) => Some((s, why)),
                _ => None,
            })
            .collect()
    }

    pub fn class_tokens(&self, class: Class) -> Tokens {
        self.tokens_of(|s| s.class() == class)
    }

    pub fn class_share(&self, class: Class) -> Option<Decimal> {
        self.share_of(|s| s.class() == class)
    }

    pub fn class_cost(&self, class: Class) -> Option<EstimateSum> {
        self.cost_of(|s| s.class() == class)
    }

    /// The regions with traffic.
    pub fn regions_with_traffic(&self) -> BTreeSet<&Region> {
        self.series.iter().map(|s| &s.region).collect()
    }

    /// `--fail-under` on the share basis: compared exactly
    /// (`attributed × 100 < threshold × total`), not on the rounded share.
    pub fn gate(&self, threshold: Percent) -> Gate {
        let total = self.weight(|_| true);
        if total.is_zero() {
            return Gate::NoTraffic;
        }
        let attributed = self.weight(|s| s.class() == Class::Attributed);
        if attributed * Decimal::ONE_HUNDRED < threshold.value() * total {
            Gate::Below
        } else {
            Gate::Pass
        }
    }

    /// Attributed traffic per value of the cost tag (and account), the largest first.
    pub fn departments(&self) -> Vec<Department> {
        let mut by: BTreeMap<(Option<&AccountId>, &str), Department> = BTreeMap::new();
        for s in &self.series {
            if let Source::Profile {
                name,
                tag_value: Some(value),
                ..
            } = &s.source
            {
                let d = by.entry((s.account_id(), value)).or_insert_with(|| Department {
                    account: s.account.clone(),
                    value: value.clone(),
                    profiles: BTreeSet::new(),
                    regions: BTreeSet::new(),
                    tokens: Tokens::default(),
                    cost: None,
                    share: None,
                });
                d.profiles.insert(name.clone());
                d.regions.insert(s.region.clone());
                d.tokens.add(&s.tokens);
            }
        }
        let mut out: Vec<Department> = by
            .into_values()
            .map(|mut d| {
                let (account, value) = (d.account.clone(), d.value.clone());
                let mine = |s: &Series| {
                    s.account == account
                        && matches!(&s.source, Source::Profile { tag_value: Some(x), .. } if *x == value)
                };
                d.share = self.share_of(mine);
                d.cost = self.cost_of(mine);
                d
            })
            .collect();
        largest_first(&mut out, |d| {
            (
                self.weight(|s| {
                    s.account == d.account
                        && matches!(&s.source, Source::Profile { tag_value: Some(x), .. } if *x == d.value)
                }),
                d.tokens.total(),
            )
        });
        out
    }

    /// Unattributed traffic, one entry per profile (ID and ARN forms
    /// merged), the largest first.
    pub fn unattributed(&self) -> Vec<Unattributed<'_>> {
        let same = |a: &Series, b: &Series| {
            a.account_id() == b.account_id()
                && match (&a.source, &b.source) {
                    (Source::Profile { arn: x, .. }, Source::Profile { arn: y, .. }) => x == y,
                    _ => a.region == b.region && a.model_id == b.model_id,
                }
        };
        let mut seen: Vec<Unattributed<'_>> = Vec::new();
        for s in self.series.iter().filter(|s| s.class() == Class::Unattributed) {
            if seen.iter().any(|u| same(u.series, s)) {
                continue;
            }
            let mine = |o: &Series| o.class() == Class::Unattributed && same(s, o);
            seen.push(Unattributed {
                series: s,
                tokens: self.tokens_of(mine),
                cost: self.cost_of(mine),
                share: self.share_of(mine),
            });
        }
        largest_first(&mut seen, |u| {
            (
                self.weight(|o| o.class() == Class::Unattributed && same(u.series, o)),
                u.tokens.total(),
            )
        });
        seen
    }

    /// Bypass traffic per system profile or model (and account), over its
    /// regions, the largest first, each with the command that would give it
    /// a profile.
    pub fn bypass(&self) -> Vec<Bypass> {
        let id_of = |s: &Series| match &s.source {
            Source::SystemProfile { id } | Source::FoundationModel { id } => id.clone(),
            _ => s.model_id.clone(),
        };
        let mut by: BTreeMap<(Option<&AccountId>, String), Bypass> = BTreeMap::new();
        for s in self.series.iter().filter(|s| s.class() == Class::Bypass) {
            let b = by.entry((s.account_id(), id_of(s))).or_insert_with(|| Bypass {
                account: s.account.clone(),
                id: id_of(s),
                source: s.source.clone(),
                regions: BTreeSet::new(),
                tokens: Tokens::default(),
                cost: None,
                share: None,
                fix: None,
            });
            b.regions.insert(s.region.clone());
            b.tokens.add(&s.tokens);
        }
        let mine =
            |b: &Bypass, s: &Series| s.class() == Class::Bypass && s.account == b.account && id_of(s) == b.id;
        let mut out: Vec<Bypass> = by
            .into_values()
            .map(|mut b| {
                b.share = self.share_of(|s| mine(&b, s));
                b.cost = self.cost_of(|s| mine(&b, s));
                b.fix = create_command(&b.source, &b.regions);
                b
            })
            .collect();
        largest_first(&mut out, |b| (self.weight(|s| mine(b, s)), b.tokens.total()));
        out
    }
}

#[cfg(test)]
mod tests;
