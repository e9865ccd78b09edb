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
//! Shares are weighted by [`ShareBasis`]: today by tokens (the four kinds
//! added up), since no price catalog is at hand here. Every series keeps its
//! region, its `ModelId`, the foundation model it reaches and its tokens by
//! kind, so a price per model and region can weight it instead later.
//!
//! [`billed`] holds the billing side (`coverage --billed`).

pub mod billed;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::domain::InputError;
use crate::domain::cost::share_percent;
use crate::domain::profile::{
    APPLICATION_PROFILE, BedrockArn, FOUNDATION_MODEL, GEOGRAPHY_PREFIXES, ModelRef, Profile, ProfileName,
    SYSTEM_PROFILE,
};
use crate::domain::region::Region;

/// Tokens of one series, or a sum, by the four kinds Bedrock bills apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tokens {
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_write: u64,
}

impl Tokens {
    pub fn total(&self) -> u64 {
        self.input + self.output + self.cache_read + self.cache_write
    }

    pub fn add(&mut self, other: &Tokens) {
        self.input += other.input;
        self.output += other.output;
        self.cache_read += other.cache_read;
        self.cache_write += other.cache_write;
    }
}

impl<'a> std::iter::Sum<&'a Tokens> for Tokens {
    fn sum<I: Iterator<Item = &'a Tokens>>(iter: I) -> Self {
        let mut t = Tokens::default();
        for x in iter {
            t.add(x);
        }
        t
    }
}

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
/// geography, a model's own ID. What a price catalog would be keyed by.
pub fn foundation_model(source: &Source, profile: Option<&Profile>) -> Option<String> {
    match source {
        Source::Profile { .. } => profile.and_then(Profile::model_id),
        Source::SystemProfile { id } => id.split_once('.').map(|(_, m)| m.to_owned()),
        Source::FoundationModel { id } => Some(id.clone()),
        Source::UnknownProfile | Source::Other => None,
    }
}

/// One `ModelId` series of one region over the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub region: Region,
    /// The `ModelId` value exactly as CloudWatch has it.
    pub model_id: String,
    pub source: Source,
    /// The foundation model the traffic reached, when known.
    pub foundation_model: Option<String>,
    pub invocations: u64,
    pub tokens: Tokens,
}

impl Series {
    pub fn class(&self) -> Class {
        self.source.class()
    }

    fn has_traffic(&self) -> bool {
        self.invocations > 0 || self.tokens.total() > 0
    }
}

/// What shares are weighted by. Only tokens today; an estimate in USD from
/// a price catalog (per model, region and token kind) would be a second
/// variant weighting each [`Series`] by its own price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareBasis {
    /// Every token counts the same, whatever its kind.
    Tokens,
}

impl ShareBasis {
    /// `tokens`: how the output names the basis.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tokens => "tokens",
        }
    }

    fn weight(self, s: &Series) -> Decimal {
        match self {
            Self::Tokens => Decimal::from(s.tokens.total()),
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

/// A department's attributed traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub value: String,
    pub profiles: BTreeSet<String>,
    pub regions: BTreeSet<Region>,
    pub tokens: Tokens,
    pub share: Option<Decimal>,
}

/// Bypass traffic to one system profile or model, over every region it was
/// seen in (the ARN and ID forms of a system profile count as one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bypass {
    /// The system profile or model ID (the `ModelId` value for anything else).
    pub id: String,
    pub source: Source,
    pub regions: BTreeSet<Region>,
    pub tokens: Tokens,
    pub share: Option<Decimal>,
    /// The `aipctl create` that gives this traffic a profile (one per region).
    pub fix: Option<String>,
}

/// The coverage of a window: every series with traffic, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// The cost tag key that makes a profile attributed.
    pub key: String,
    pub basis: ShareBasis,
    /// Series with traffic: by class, then the largest first.
    pub series: Vec<Series>,
}

impl Coverage {
    /// Keeps the series with traffic, in report order.
    pub fn new(key: &str, basis: ShareBasis, mut series: Vec<Series>) -> Self {
        series.retain(Series::has_traffic);
        series.sort_by(|a, b| {
            (
                a.class(),
                std::cmp::Reverse(a.tokens.total()),
                &a.region,
                &a.model_id,
            )
                .cmp(&(
                    b.class(),
                    std::cmp::Reverse(b.tokens.total()),
                    &b.region,
                    &b.model_id,
                ))
        });
        Self {
            key: key.to_owned(),
            basis,
            series,
        }
    }

    fn weight(&self, keep: impl Fn(&Series) -> bool) -> Decimal {
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

    pub fn class_tokens(&self, class: Class) -> Tokens {
        self.tokens_of(|s| s.class() == class)
    }

    pub fn class_share(&self, class: Class) -> Option<Decimal> {
        self.share_of(|s| s.class() == class)
    }

    /// The regions with traffic.
    pub fn regions_with_traffic(&self) -> BTreeSet<&Region> {
        self.series.iter().map(|s| &s.region).collect()
    }

    /// `--fail-under`: compared exactly (`attributed × 100 < threshold × total`),
    /// not on the rounded share.
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

    /// Attributed traffic per value of the cost tag, the largest first.
    pub fn departments(&self) -> Vec<Department> {
        let mut by: BTreeMap<&str, Department> = BTreeMap::new();
        for s in &self.series {
            if let Source::Profile {
                name,
                tag_value: Some(value),
                ..
            } = &s.source
            {
                let d = by.entry(value).or_insert_with(|| Department {
                    value: value.clone(),
                    profiles: BTreeSet::new(),
                    regions: BTreeSet::new(),
                    tokens: Tokens::default(),
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
                let v = d.value.clone();
                d.share = self
                    .share_of(|s| matches!(&s.source, Source::Profile { tag_value: Some(x), .. } if *x == v));
                d
            })
            .collect();
        out.sort_by(|a, b| {
            b.tokens
                .total()
                .cmp(&a.tokens.total())
                .then_with(|| a.value.cmp(&b.value))
        });
        out
    }

    /// Unattributed series, one per profile (ID and ARN forms merged), the largest first.
    pub fn unattributed(&self) -> Vec<(&Series, Tokens, Option<Decimal>)> {
        let mut seen: Vec<(&Series, Tokens, Option<Decimal>)> = Vec::new();
        for s in self.series.iter().filter(|s| s.class() == Class::Unattributed) {
            let same = |a: &Series, b: &Series| match (&a.source, &b.source) {
                (Source::Profile { arn: x, .. }, Source::Profile { arn: y, .. }) => x == y,
                _ => a.region == b.region && a.model_id == b.model_id,
            };
            if seen.iter().any(|(first, _, _)| same(first, s)) {
                continue;
            }
            let tokens = self.tokens_of(|o| o.class() == Class::Unattributed && same(s, o));
            let share = self.share_of(|o| o.class() == Class::Unattributed && same(s, o));
            seen.push((s, tokens, share));
        }
        seen.sort_by_key(|(_, tokens, _)| std::cmp::Reverse(tokens.total()));
        seen
    }

    /// Bypass traffic per system profile or model, over its regions, the
    /// largest first, each with the command that would give it a profile.
    pub fn bypass(&self) -> Vec<Bypass> {
        let id_of = |s: &Series| match &s.source {
            Source::SystemProfile { id } | Source::FoundationModel { id } => id.clone(),
            _ => s.model_id.clone(),
        };
        let mut by: BTreeMap<String, Bypass> = BTreeMap::new();
        for s in self.series.iter().filter(|s| s.class() == Class::Bypass) {
            let b = by.entry(id_of(s)).or_insert_with(|| Bypass {
                id: id_of(s),
                source: s.source.clone(),
                regions: BTreeSet::new(),
                tokens: Tokens::default(),
                share: None,
                fix: None,
            });
            b.regions.insert(s.region.clone());
            b.tokens.add(&s.tokens);
        }
        let mut out: Vec<Bypass> = by
            .into_values()
            .map(|mut b| {
                let id = b.id.clone();
                b.share = self.share_of(|s| s.class() == Class::Bypass && id_of(s) == id);
                b.fix = create_command(&b.source, &b.regions);
                b
            })
            .collect();
        out.sort_by(|a, b| {
            b.tokens
                .total()
                .cmp(&a.tokens.total())
                .then_with(|| a.id.cmp(&b.id))
        });
        out
    }
}

/// The placeholder for the department in suggested commands.
pub const TEAM: &str = "TEAM";

/// A profile name for `model` (`claude-sonnet-4-5` from
/// `anthropic.claude-sonnet-4-5-20250929-v1:0`): without the provider, the
/// date and the version, prefixed with [`TEAM`], within the name rule.
pub fn suggested_name(model: &str) -> String {
    let bare = model.split_once('.').map_or(model, |(_, rest)| rest);
    let bare = bare.split_once(':').map_or(bare, |(head, _)| head);
    let parts: Vec<&str> = bare
        .split('-')
        .filter(|p| !p.is_empty())
        .filter(|p| !(p.len() == 8 && p.bytes().all(|b| b.is_ascii_digit())))
        .filter(|p| !(p.len() >= 2 && p.starts_with('v') && p[1..].bytes().all(|b| b.is_ascii_digit())))
        .collect();
    let mut name = String::from(TEAM);
    for c in format!("-{}", parts.join("-")).chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '-' };
        // The name rule allows one separator between two letters or digits.
        if !(c == '-' && name.ends_with('-')) && name.len() < 64 {
            name.push(c);
        }
    }
    let name = name.trim_end_matches('-');
    if name.parse::<ProfileName>().is_ok() {
        name.to_owned()
    } else {
        format!("{TEAM}-profile")
    }
}

/// `aipctl create` for bypass traffic to `source` seen in `regions`: one
/// profile per region (application profiles are regional), copying the
/// system profile or model the callers name today. `None` when nothing can
/// be copied.
pub fn create_command(source: &Source, regions: &BTreeSet<Region>) -> Option<String> {
    let (Source::SystemProfile { id: model } | Source::FoundationModel { id: model }) = source else {
        return None;
    };
    // A system profile ID keeps its geography in the model flag; the name drops it.
    let named = match source {
        Source::SystemProfile { id } => id
            .split_once('.')
            .filter(|(geo, _)| GEOGRAPHY_PREFIXES.contains(geo))
            .map_or(id.as_str(), |(_, m)| m),
        _ => model,
    };
    let regions: Vec<&str> = regions.iter().map(Region::as_str).collect();
    Some(format!(
        "aipctl create {} --model {model} --department {TEAM} --region {}",
        suggested_name(named),
        regions.join(",")
    ))
}

#[cfg(test)]
mod tests;
