//! The plan: what must change in the account for it to match a spec, and the
//! fingerprint of the account state a saved plan was made against.
//!
//! [`diff`] takes the desired profiles (spec entries with their model
//! resolved to a `copyFrom` ARN) and the profiles the account has, and
//! returns creations, tag changes, replacements and orphans. AWS can change
//! only tags in place, so a different name, description or model source is a
//! replacement: a new profile with a new ARN. The source is compared with
//! the `aipctl:source` tag because AWS never returns it; a profile made
//! outside aipctl is adopted when its routed models are the ones the source
//! routes to. Values in, values out: no AWS, no clock.
//!
//! A plan is scoped to its spec (tag `aipctl:spec`, `default` when absent):
//! managed profiles of other specs are counted, never matched, retagged,
//! replaced or orphaned, and one holding a name this spec wants is a
//! [`Clash`].
//!
//! A saved plan also carries the spec's budget and anomaly-alert changes
//! ([`crate::domain::budget`], [`crate::domain::anomaly`]), when they were
//! read, and their state in its fingerprint.

mod fingerprint;

use serde::{Deserialize, Serialize};

pub use fingerprint::{Fingerprint, ProfileState};

use crate::domain::account::AccountId;
use crate::domain::profile::Profile;
use crate::domain::region::Region;
use crate::domain::spec::{DEFAULT_SPEC_NAME, Entry};
use crate::domain::tag::{MANAGED_TAG, SLOT_TAG, SOURCE_TAG, SPEC_TAG, TagChange, Tags};
use crate::domain::{anomaly, budget};

/// The version of the saved-plan format; `apply --plan` refuses others.
/// Version 2 is scoped to a spec: a version-1 plan's orphans may belong to
/// other specs, so it is not executed. Version 3 adds budgets and anomaly
/// alerts: a version-2 plan says nothing about them, and executing it would
/// leave them as they are while the spec says otherwise. Version 4 is a plan
/// over several accounts: each change names its account, and an aipctl
/// that reads only version 3 would make them all in the caller's.
pub const PLAN_FORMAT: &str = "aipctl-plan/4";

/// A plan in the caller's account alone is exactly a version-3 plan, and is
/// written as one, so an aipctl that predates accounts still applies it.
pub const PLAN_FORMAT_ONE_ACCOUNT: &str = "aipctl-plan/3";

/// A profile as the spec wants it, its model resolved in its region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Desired {
    /// The account it is in, in a plan over several accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountId>,
    pub region: Region,
    pub name: String,
    pub team: String,
    /// The spec's model alias.
    pub model: String,
    pub description: Option<String>,
    /// The `copyFrom` ARN: a foundation model or a system-defined profile.
    pub source: String,
    /// Every tag the profile carries, aipctl's own included.
    pub tags: Tags,
    /// The foundation-model ARNs the source routes to, to recognise a
    /// profile made outside aipctl. Not saved in plans.
    #[serde(skip)]
    pub routes: Vec<String>,
}

impl Desired {
    /// An entry of spec `spec` with its source resolved; adds
    /// `aipctl:managed`, `aipctl:spec`, `aipctl:slot` and `aipctl:source` to
    /// the team's tags.
    pub fn new(entry: &Entry, spec: &str, source: String, routes: Vec<String>) -> Self {
        let mut tags = entry.tags.clone();
        tags.insert(MANAGED_TAG, "true");
        tags.insert(SPEC_TAG, spec);
        tags.insert(SLOT_TAG, entry.slot());
        tags.insert(SOURCE_TAG, source.clone());
        Self {
            account: entry.account.clone(),
            region: entry.region.clone(),
            name: entry.name.as_str().to_owned(),
            team: entry.team.clone(),
            model: entry.model.clone(),
            description: entry.description.as_ref().map(|d| d.as_str().to_owned()),
            source,
            tags,
            routes,
        }
    }

    pub fn slot(&self) -> String {
        crate::domain::spec::slot(&self.team, &self.model)
    }
}

/// One change to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "lowercase")]
pub enum Change {
    /// A new profile.
    Create {
        #[serde(flatten)]
        desired: Desired,
    },
    /// Tags set and removed in place; `adopt` when the profile was made
    /// outside aipctl and becomes managed.
    Retag {
        arn: String,
        current_tags: Tags,
        tag_changes: Vec<TagChange>,
        adopt: bool,
        #[serde(flatten)]
        desired: Desired,
    },
    /// Delete `arn` and create the desired profile: its ARN changes.
    Replace {
        arn: String,
        current_name: String,
        current_tags: Tags,
        reasons: Vec<String>,
        #[serde(flatten)]
        desired: Desired,
    },
    /// A profile aipctl manages that the spec no longer has.
    Orphan {
        /// The account it is in, in a plan over several accounts.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        account: Option<AccountId>,
        region: Region,
        name: String,
        arn: String,
        tags: Tags,
        /// `aipctl:protect=true`: never deleted, even with `--prune`.
        protected: bool,
    },
}

impl Change {
    pub fn action(&self) -> &'static str {
        match self {
            Self::Create { .. } => "create",
            Self::Retag { .. } => "retag",
            Self::Replace { .. } => "replace",
            Self::Orphan { .. } => "orphan",
        }
    }

    pub fn region(&self) -> &Region {
        match self {
            Self::Create { desired } | Self::Retag { desired, .. } | Self::Replace { desired, .. } => {
                &desired.region
            }
            Self::Orphan { region, .. } => region,
        }
    }

    /// The account the change is made in; `None`: the caller's, in a plan
    /// of one account.
    pub fn account(&self) -> Option<&AccountId> {
        match self {
            Self::Create { desired } | Self::Retag { desired, .. } | Self::Replace { desired, .. } => {
                desired.account.as_ref()
            }
            Self::Orphan { account, .. } => account.as_ref(),
        }
    }

    /// The profile's name after the change (an orphan's own name).
    pub fn name(&self) -> &str {
        match self {
            Self::Create { desired } | Self::Retag { desired, .. } | Self::Replace { desired, .. } => {
                &desired.name
            }
            Self::Orphan { name, .. } => name,
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Self::Replace { .. } => 0,
            Self::Create { .. } => 1,
            Self::Retag { .. } => 2,
            Self::Orphan { .. } => 3,
        }
    }
}

/// How many of each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub create: usize,
    pub retag: usize,
    pub replace: usize,
    pub orphan: usize,
    pub unchanged: usize,
    /// Managed profiles of other specs, left alone.
    #[serde(default)]
    pub other_specs: usize,
    /// The spec's budgets (`null` when Budgets was not read).
    pub budgets: Option<AlertSummary>,
    /// The spec's anomaly alerts (`null` when Cost Anomaly Detection was not read).
    pub anomalies: Option<AlertSummary>,
}

/// How many budgets (or anomaly alerts) a plan creates, updates, orphans or leaves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertSummary {
    pub create: usize,
    pub update: usize,
    pub orphan: usize,
    pub unchanged: usize,
}

impl AlertSummary {
    fn count<'a>(actions: impl Iterator<Item = &'a str>, unchanged: usize) -> Self {
        let mut s = Self {
            unchanged,
            ..Self::default()
        };
        for a in actions {
            match a {
                "create" => s.create += 1,
                "update" => s.update += 1,
                _ => s.orphan += 1,
            }
        }
        s
    }

    pub fn changes(&self) -> usize {
        self.create + self.update + self.orphan
    }
}

impl Summary {
    /// Changes of every kind: profiles, budgets and anomaly alerts.
    pub fn changes(&self) -> usize {
        self.create
            + self.retag
            + self.replace
            + self.orphan
            + self.budgets.map_or(0, |b| b.changes())
            + self.anomalies.map_or(0, |a| a.changes())
    }
}

/// The spec's budgets and anomaly alerts as read, diffed against the
/// account: `None` for what was not read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Alerts {
    pub budgets: Option<(budget::Plan, Vec<budget::State>)>,
    pub anomalies: Option<(anomaly::Plan, Vec<anomaly::State>)>,
}

/// The changes, replacements first, then by region and name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub unchanged: usize,
    /// Managed profiles of other specs in the regions read, left alone.
    pub other_specs: usize,
}

impl Plan {
    /// Names `account` on every change: the plan of one account among several.
    #[must_use]
    pub fn in_account(mut self, id: &AccountId) -> Self {
        for c in &mut self.changes {
            match c {
                Change::Create { desired }
                | Change::Retag { desired, .. }
                | Change::Replace { desired, .. } => {
                    desired.account = Some(id.clone());
                }
                Change::Orphan { account, .. } => *account = Some(id.clone()),
            }
        }
        self
    }

    /// The plans of several accounts as one, changes by account, then as in one.
    pub fn merge(plans: impl IntoIterator<Item = Self>) -> Self {
        let mut out = Self::default();
        for p in plans {
            out.changes.extend(p.changes);
            out.unchanged += p.unchanged;
            out.other_specs += p.other_specs;
        }
        out.changes.sort_by(|a, b| {
            (a.account(), a.rank(), a.region(), a.name()).cmp(&(b.account(), b.rank(), b.region(), b.name()))
        });
        out
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            unchanged: self.unchanged,
            other_specs: self.other_specs,
            ..Summary::default()
        };
        for c in &self.changes {
            match c {
                Change::Create { .. } => s.create += 1,
                Change::Retag { .. } => s.retag += 1,
                Change::Replace { .. } => s.replace += 1,
                Change::Orphan { .. } => s.orphan += 1,
            }
        }
        s
    }
}

fn is_managed(p: &Profile) -> bool {
    p.tags
        .get(MANAGED_TAG)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The spec a managed profile belongs to; `default` when untagged.
fn spec_of(p: &Profile) -> &str {
    p.tags.get(SPEC_TAG).unwrap_or(DEFAULT_SPEC_NAME)
}

/// A managed profile of spec `spec`: the only kind that can be an orphan.
fn is_ours(p: &Profile, spec: &str) -> bool {
    is_managed(p) && spec_of(p) == spec
}

/// A managed profile of another spec: never touched.
fn is_foreign(p: &Profile, spec: &str) -> bool {
    is_managed(p) && spec_of(p) != spec
}

/// A desired profile whose name, in its region, another spec's profile has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    /// Index into the `desired` given to [`diff`].
    pub desired: usize,
    pub region: Region,
    pub name: String,
    pub arn: String,
    /// The spec that manages the existing profile.
    pub other_spec: String,
}

fn sorted(v: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = v.iter().map(String::as_str).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Tags a caller can change: `aws:` keys belong to AWS and are left alone.
fn own_tags(tags: &Tags) -> Tags {
    tags.iter()
        .filter(|(k, _)| !k.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

pub(crate) fn quoted(v: Option<&str>) -> String {
    v.map_or_else(|| "unset".to_owned(), |s| format!("`{s}`"))
}

/// What `current` needs to become `desired`.
fn compare(desired: &Desired, current: &Profile) -> Option<Change> {
    let mut reasons = Vec::new();
    if current.name != desired.name {
        reasons.push(format!("name `{}` -> `{}`", current.name, desired.name));
    }
    if current.description != desired.description {
        reasons.push(format!(
            "description {} -> {}",
            quoted(current.description.as_deref()),
            quoted(desired.description.as_deref())
        ));
    }
    let adopt = !is_managed(current);
    match current.source() {
        Some(s) if s == desired.source => {}
        Some(s) => reasons.push(format!("model source `{s}` -> `{}`", desired.source)),
        None if sorted(&current.model_arns) == sorted(&desired.routes) => {}
        None => reasons.push(format!(
            "model source not recorded, and the profile routes to {} rather than where `{}` routes",
            current.model_arns.join(", "),
            desired.source
        )),
    }
    if !reasons.is_empty() {
        return Some(Change::Replace {
            arn: current.arn.to_string(),
            current_name: current.name.clone(),
            current_tags: current.tags.clone(),
            reasons,
            desired: desired.clone(),
        });
    }
    let tag_changes = own_tags(&current.tags).diff(&desired.tags);
    (!tag_changes.is_empty()).then(|| Change::Retag {
        arn: current.arn.to_string(),
        current_tags: current.tags.clone(),
        tag_changes,
        adopt,
        desired: desired.clone(),
    })
}

/// The changes that make `actual` (every application profile of the regions
/// read) match `desired`, the profiles of spec `spec`.
///
/// A desired profile is matched first to a managed profile of this spec with
/// its slot (`team/model`) in its region, so a renamed entry is one
/// replacement; then to an unmanaged profile or one of this spec with its
/// name. This spec's managed profiles left over are orphans, which also
/// removes duplicates left by an interrupted run. Profiles of other specs are
/// only counted; one with the name of a desired profile is a [`Clash`], and
/// then there is no plan.
pub fn diff(spec: &str, desired: &[Desired], actual: &[Profile]) -> Result<Plan, Vec<Clash>> {
    let clashes: Vec<Clash> = desired
        .iter()
        .enumerate()
        .flat_map(|(i, d)| {
            actual
                .iter()
                .filter(move |p| p.region == d.region && p.name == d.name && is_foreign(p, spec))
                .map(move |p| Clash {
                    desired: i,
                    region: p.region.clone(),
                    name: p.name.clone(),
                    arn: p.arn.to_string(),
                    other_spec: spec_of(p).to_owned(),
                })
        })
        .collect();
    if !clashes.is_empty() {
        return Err(clashes);
    }
    // Other specs' profiles are never matched, changed or orphaned.
    let mut taken: Vec<bool> = actual.iter().map(|p| is_foreign(p, spec)).collect();
    let mut matched: Vec<Option<usize>> = vec![None; desired.len()];
    for (i, d) in desired.iter().enumerate() {
        let slot = d.slot();
        let found = actual
            .iter()
            .enumerate()
            .filter(|(j, p)| {
                !taken[*j]
                    && p.region == d.region
                    && is_ours(p, spec)
                    && p.tags.get(SLOT_TAG) == Some(slot.as_str())
            })
            .min_by_key(|(_, p)| (p.name != d.name, p.arn.to_string()));
        if let Some((j, _)) = found {
            taken[j] = true;
            matched[i] = Some(j);
        }
    }
    for (i, d) in desired.iter().enumerate() {
        if matched[i].is_some() {
            continue;
        }
        let found = actual
            .iter()
            .enumerate()
            .filter(|(j, p)| !taken[*j] && p.region == d.region && p.name == d.name)
            .min_by_key(|(_, p)| p.arn.to_string());
        if let Some((j, _)) = found {
            taken[j] = true;
            matched[i] = Some(j);
        }
    }

    let mut plan = Plan {
        other_specs: actual.iter().filter(|p| is_foreign(p, spec)).count(),
        ..Plan::default()
    };
    for (d, m) in desired.iter().zip(&matched) {
        match m {
            None => plan.changes.push(Change::Create { desired: d.clone() }),
            Some(j) => match compare(d, &actual[*j]) {
                Some(change) => plan.changes.push(change),
                None => plan.unchanged += 1,
            },
        }
    }
    for (p, _) in actual
        .iter()
        .zip(&taken)
        .filter(|(p, t)| !**t && is_ours(p, spec))
    {
        plan.changes.push(Change::Orphan {
            account: None,
            region: p.region.clone(),
            name: p.name.clone(),
            arn: p.arn.to_string(),
            tags: p.tags.clone(),
            protected: p.tags.is_protected(),
        });
    }
    plan.changes
        .sort_by(|a, b| (a.rank(), a.region(), a.name()).cmp(&(b.rank(), b.region(), b.name())));
    Ok(plan)
}

/// A saved plan (`plan --out FILE`, and `plan -o json`): the changes, and
/// the fingerprint `apply --plan` checks before executing them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedPlan {
    pub format: String,
    /// The spec the plan was made from (its top-level `name`).
    pub spec: String,
    pub summary: Summary,
    pub changes: Vec<Change>,
    /// Budget creations, updates (with the diff) and orphans.
    pub budgets: Vec<budget::Change>,
    /// Anomaly monitor and subscription changes.
    pub anomalies: Vec<anomaly::Change>,
    pub fingerprint: Fingerprint,
}

impl SavedPlan {
    /// The plan of `plan` (and `alerts`, the caller's) made by `account`
    /// in `regions` of `accounts` (empty: the caller's account alone).
    pub fn new(
        spec: &str,
        plan: &Plan,
        alerts: &Alerts,
        account: &str,
        regions: &[Region],
        accounts: &[AccountId],
    ) -> Self {
        let mut summary = plan.summary();
        summary.budgets = alerts
            .budgets
            .as_ref()
            .map(|(p, _)| AlertSummary::count(p.changes.iter().map(budget::Change::action), p.unchanged));
        summary.anomalies = alerts
            .anomalies
            .as_ref()
            .map(|(p, _)| AlertSummary::count(p.changes.iter().map(anomaly::Change::action), p.unchanged));
        Self {
            format: if accounts.is_empty() {
                PLAN_FORMAT_ONE_ACCOUNT
            } else {
                PLAN_FORMAT
            }
            .to_owned(),
            spec: spec.to_owned(),
            summary,
            changes: plan.changes.clone(),
            budgets: alerts
                .budgets
                .as_ref()
                .map(|(p, _)| p.changes.clone())
                .unwrap_or_default(),
            anomalies: alerts
                .anomalies
                .as_ref()
                .map(|(p, _)| p.changes.clone())
                .unwrap_or_default(),
            fingerprint: Fingerprint::of(plan, alerts, account, regions, accounts),
        }
    }

    /// Whether this aipctl reads the plan's format: version 4 over several
    /// accounts, version 3 in one.
    pub fn format_is_known(&self) -> bool {
        if self.fingerprint.accounts.is_empty() {
            self.format == PLAN_FORMAT_ONE_ACCOUNT
        } else {
            self.format == PLAN_FORMAT
        }
    }

    /// Whether the plan spans several accounts (each change names its own).
    pub fn is_multi_account(&self) -> bool {
        !self.fingerprint.accounts.is_empty()
    }

    /// Whether anything at all would change.
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty() || !self.budgets.is_empty() || !self.anomalies.is_empty()
    }

    pub fn plan(&self) -> Plan {
        Plan {
            changes: self.changes.clone(),
            unchanged: self.summary.unchanged,
            other_specs: self.summary.other_specs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::{ProfileArn, ProfileStatus, ProfileType};

    const FM: &str = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0";
    const SP: &str = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0";

    fn desired(team: &str, name: &str, tags: &[(&str, &str)]) -> Desired {
        let mut t: Tags = tags
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        t.insert(MANAGED_TAG, "true");
        t.insert(SPEC_TAG, "default");
        t.insert(SLOT_TAG, format!("{team}/nova"));
        t.insert(SOURCE_TAG, FM);
        Desired {
            account: None,
            region: "us-east-1".parse().unwrap(),
            name: name.into(),
            team: team.into(),
            model: "nova".into(),
            description: None,
            source: FM.into(),
            tags: t,
            routes: vec![FM.into()],
        }
    }

    fn profile(name: &str, arn: &str, tags: &Tags) -> Profile {
        Profile {
            name: name.into(),
            id: arn.rsplit('/').next().unwrap().into(),
            arn: ProfileArn::parse(arn).unwrap(),
            region: "us-east-1".parse().unwrap(),
            status: ProfileStatus::Active,
            kind: ProfileType::Application,
            description: None,
            model_arns: vec![FM.into()],
            tags: tags.clone(),
            created_at: None,
            updated_at: None,
            account: None,
        }
    }

    fn actions(plan: &Plan) -> Vec<String> {
        plan.changes
            .iter()
            .map(|c| format!("{} {}", c.action(), c.name()))
            .collect()
    }

    #[test]
    fn an_empty_account_gets_every_profile_created() {
        let d = [desired("a", "a-nova", &[]), desired("b", "b-nova", &[])];
        let plan = diff("default", &d, &[]).unwrap();
        assert_eq!(actions(&plan), ["create a-nova", "create b-nova"]);
        assert_eq!(plan.summary().create, 2);
    }

    #[test]
    fn matching_profiles_are_unchanged_and_tag_differences_are_retags() {
        let a = desired("a", "a-nova", &[("CostCenter", "CC-1")]);
        let b = desired("b", "b-nova", &[("CostCenter", "CC-2")]);
        let mut old_b = b.tags.clone();
        old_b.insert("CostCenter", "CC-9");
        old_b.insert("Stray", "x");
        old_b.insert("aws:cloudformation:stack-name", "s");
        let actual = [
            profile(
                "a-nova",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/aaaaaaaaaaaa",
                &a.tags,
            ),
            profile(
                "b-nova",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/bbbbbbbbbbbb",
                &old_b,
            ),
        ];
        let plan = diff("default", &[a, b], &actual).unwrap();
        assert_eq!(plan.unchanged, 1);
        assert_eq!(actions(&plan), ["retag b-nova"]);
        let Change::Retag {
            tag_changes, adopt, ..
        } = &plan.changes[0]
        else {
            panic!("{plan:?}")
        };
        assert!(!adopt);
        let keys: Vec<_> = tag_changes
            .iter()
            .map(|c| format!("{}:{:?}->{:?}", c.key, c.before, c.after))
            .collect();
        // `aws:` tags are AWS's and are left alone.
        assert_eq!(
            keys,
            [
                "CostCenter:Some(\"CC-9\")->Some(\"CC-2\")",
                "Stray:Some(\"x\")->None"
            ]
        );
    }

    #[test]
    fn a_changed_source_or_description_is_a_replacement_showing_the_old_arn() {
        let mut d = desired("a", "a-nova", &[]);
        let mut tags = d.tags.clone();
        tags.insert(SOURCE_TAG, SP);
        let actual = [profile(
            "a-nova",
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/aaaaaaaaaaaa",
            &tags,
        )];
        d.description = Some("new".into());
        let plan = diff("default", std::slice::from_ref(&d), &actual).unwrap();
        let Change::Replace { arn, reasons, .. } = &plan.changes[0] else {
            panic!("{plan:?}")
        };
        assert_eq!(
            arn,
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/aaaaaaaaaaaa"
        );
        assert_eq!(
            reasons,
            &[
                "description unset -> `new`".to_owned(),
                format!("model source `{SP}` -> `{FM}`")
            ]
        );
    }

    #[test]
    fn a_renamed_entry_is_found_by_its_slot_and_replaced() {
        let old = desired("a", "old-name", &[]);
        let new = desired("a", "new-name", &[]);
        let actual = [profile(
            "old-name",
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/aaaaaaaaaaaa",
            &old.tags,
        )];
        let plan = diff("default", &[new], &actual).unwrap();
        assert_eq!(actions(&plan), ["replace new-name"]);
        let Change::Replace { reasons, .. } = &plan.changes[0] else {
            panic!()
        };
        assert_eq!(reasons, &["name `old-name` -> `new-name`".to_owned()]);
    }

    #[test]
    fn managed_leftovers_are_orphans_and_unmanaged_ones_are_ignored() {
        let a = desired("a", "a-nova", &[]);
        let gone = desired("gone", "gone-nova", &[("aipctl:protect", "true")]);
        let actual = [
            profile(
                "a-nova",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/aaaaaaaaaaaa",
                &a.tags,
            ),
            // A duplicate of the same slot, e.g. from an interrupted run.
            profile(
                "a-nova",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/zzzzzzzzzzzz",
                &a.tags,
            ),
            profile(
                "gone-nova",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/gggggggggggg",
                &gone.tags,
            ),
            profile(
                "by-hand",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/hhhhhhhhhhhh",
                &Tags::default(),
            ),
        ];
        let plan = diff("default", &[a], &actual).unwrap();
        assert_eq!(plan.unchanged, 1);
        assert_eq!(actions(&plan), ["orphan a-nova", "orphan gone-nova"]);
        assert!(
            matches!(&plan.changes[0], Change::Orphan { arn, protected: false, .. } if arn == "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/zzzzzzzzzzzz")
        );
        assert!(matches!(&plan.changes[1], Change::Orphan { protected: true, .. }));
    }

    /// `d` as spec `spec` would provision it.
    fn of_spec(mut d: Desired, spec: &str) -> Desired {
        d.tags.insert(SPEC_TAG, spec);
        d
    }

    #[test]
    fn other_specs_profiles_are_counted_never_orphaned_or_matched() {
        let a = of_spec(desired("a", "a-nova", &[]), "a");
        let gone = of_spec(desired("gone", "gone-nova", &[]), "a");
        // Spec b has the same slot as a's entry, under another name.
        let b_same_slot = of_spec(desired("a", "b-nova", &[]), "b");
        let b_other = of_spec(desired("x", "x-nova", &[]), "b");
        let actual = [
            profile(
                "a-nova",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/aaaaaaaaaaaa",
                &a.tags,
            ),
            profile(
                "gone-nova",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/gggggggggggg",
                &gone.tags,
            ),
            profile(
                "b-nova",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/bbbbbbbbbbbb",
                &b_same_slot.tags,
            ),
            profile(
                "x-nova",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/xxxxxxxxxxxx",
                &b_other.tags,
            ),
        ];
        let plan = diff("a", &[a], &actual).unwrap();
        assert_eq!(actions(&plan), ["orphan gone-nova"]);
        assert_eq!(plan.unchanged, 1);
        assert_eq!(plan.summary().other_specs, 2);
    }

    #[test]
    fn a_managed_profile_without_a_spec_tag_belongs_to_default() {
        let old = desired("a", "a-nova", &[]);
        let mut untagged = old.tags.clone();
        untagged.remove(SPEC_TAG);
        let actual = [
            profile(
                "a-nova",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/aaaaaaaaaaaa",
                &untagged,
            ),
            profile(
                "old-nova",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/oooooooooooo",
                &untagged,
            ),
        ];
        // Spec `default` matches the first by slot, adds the tag, and
        // orphans the duplicate; spec `a` leaves both alone.
        let plan = diff("default", &[old], &actual).unwrap();
        assert_eq!(actions(&plan), ["retag a-nova", "orphan old-nova"]);
        let Change::Retag { tag_changes, .. } = &plan.changes[0] else {
            panic!("{plan:?}")
        };
        assert_eq!(tag_changes.len(), 1);
        assert_eq!(tag_changes[0].key, SPEC_TAG);
        assert_eq!(tag_changes[0].after.as_deref(), Some("default"));

        let plan = diff("a", &[], &actual).unwrap();
        assert!(plan.changes.is_empty(), "{plan:?}");
        assert_eq!(plan.other_specs, 2);
    }

    #[test]
    fn a_name_another_spec_has_is_a_clash_not_an_adoption() {
        let mine = of_spec(desired("a", "shared", &[]), "a");
        let theirs = of_spec(desired("b", "shared", &[]), "b");
        let actual = [profile(
            "shared",
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/ssssssssssss",
            &theirs.tags,
        )];
        let clashes = diff("a", &[mine], &actual).unwrap_err();
        assert_eq!(
            clashes,
            [Clash {
                desired: 0,
                region: "us-east-1".parse().unwrap(),
                name: "shared".into(),
                arn: "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/ssssssssssss"
                    .into(),
                other_spec: "b".into(),
            }]
        );
    }

    #[test]
    fn a_profile_made_by_hand_is_adopted_when_it_routes_where_the_source_does() {
        let d = desired("a", "a-nova", &[]);
        let by_hand = profile(
            "a-nova",
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/aaaaaaaaaaaa",
            &Tags::default(),
        );
        let plan = diff(
            "default",
            std::slice::from_ref(&d),
            std::slice::from_ref(&by_hand),
        )
        .unwrap();
        assert!(
            matches!(&plan.changes[0], Change::Retag { adopt: true, .. }),
            "{plan:?}"
        );

        let mut elsewhere = by_hand;
        elsewhere.model_arns =
            vec!["arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0".into()];
        let plan = diff("default", &[d], &[elsewhere]).unwrap();
        assert!(matches!(&plan.changes[0], Change::Replace { .. }), "{plan:?}");
    }

    #[test]
    fn the_fingerprint_notices_changed_tags_deleted_and_new_profiles() {
        let a = desired("a", "a-nova", &[]);
        let b = desired("b", "b-nova", &[]);
        let mut old_b = b.tags.clone();
        old_b.insert("CostCenter", "CC-9");
        let actual = vec![profile(
            "b-nova",
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/bbbbbbbbbbbb",
            &old_b,
        )];
        let plan = diff("default", &[a.clone(), b], &actual).unwrap();
        let regions = ["us-east-1".parse().unwrap()];
        let fp = Fingerprint::of(&plan, &Alerts::default(), "123456789012", &regions, &[]);
        assert!(fp.is_intact());
        assert!(fp.changes_since("123456789012", &actual, &[]).is_empty());

        let mut later = actual.clone();
        later[0].tags.insert("CostCenter", "CC-7");
        later.push(profile(
            "a-nova",
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/aaaaaaaaaaaa",
            &a.tags,
        ));
        assert_eq!(
            fp.changes_since("123456789012", &later, &[]),
            [
                "`a-nova` in us-east-1 now exists (arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/aaaaaaaaaaaa); the plan would create it",
                "`b-nova` in us-east-1: tag `CostCenter` was `CC-9`, is now `CC-7`",
            ]
        );
        assert_eq!(
            fp.changes_since("123456789012", &[], &[]),
            [
                "`b-nova` in us-east-1 (arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/bbbbbbbbbbbb) no longer exists"
            ]
        );
        assert!(fp.changes_since("999999999999", &actual, &[])[0].contains("made for account 123456789012"));
        let mut edited = fp;
        edited.account = "999999999999".into();
        assert!(!edited.is_intact());
    }

    #[test]
    fn a_plan_file_round_trips_through_json() {
        let d = desired("a", "a-nova", &[]);
        let plan = diff("default", &[d], &[]).unwrap();
        let file = SavedPlan::new(
            "default",
            &plan,
            &Alerts::default(),
            "123456789012",
            &["us-east-1".parse().unwrap()],
            &[],
        );
        let text = serde_json::to_string(&file).unwrap();
        let back: SavedPlan = serde_json::from_str(&text).unwrap();
        // `routes` is not saved.
        let Change::Create { desired } = &back.changes[0] else {
            panic!()
        };
        assert!(desired.routes.is_empty());
        assert_eq!(back.fingerprint, file.fingerprint);
        assert_eq!(back.summary.create, 1);
    }
}
