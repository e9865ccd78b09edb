//! The provisioning spec (`aipctl plan -f SPEC`, `aipctl apply -f SPEC`):
//! TOML parsed into types, checked whole, then expanded into one
//! [`Entry`] per team × model × region.
//!
//! Owns the spec's format and every rule that can be checked without AWS:
//! unknown keys (refused, not ignored), model aliases that no `[models]`
//! table defines, regions that do not offer Bedrock, names and tags AWS
//! would reject after templating, and two entries with the same name in a
//! region. Every problem carries the line and the field it was found at, and
//! all of them are reported at once. Resolving a model reference to a
//! `copyFrom` ARN needs AWS and happens later, in `commands`.

mod accounts;
mod alerts;
mod syntax;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;
use toml::Spanned;

use crate::domain::account::AccountId;
use crate::domain::anomaly::AnomalyRule;
use crate::domain::budget::BudgetRule;
use crate::domain::profile::{Description, ModelRef, ProfileName};
use crate::domain::region::{BEDROCK_REGIONS, Region};
use crate::domain::tag::{
    DEPARTMENT, MANAGED_TAG, MAX_TAGS_PER_RESOURCE, SLOT_TAG, SOURCE_TAG, SPEC_TAG, TagKey, TagValue, Tags,
};

/// The tag keys a team's `cost_center` and `owner` set.
pub const COST_CENTER: &str = "CostCenter";
pub const OWNER: &str = "Owner";
/// Used when neither `defaults.name` nor the team's `name` is set.
pub const DEFAULT_NAME_TEMPLATE: &str = "{team}-{model}";
const PLACEHOLDERS: &[&str] = &["team", "model", "region", "department"];
/// The spec's name when it sets none; also the spec of a managed profile
/// without an `aipctl:spec` tag (made before specs had names).
pub const DEFAULT_SPEC_NAME: &str = "default";
/// aipctl adds `aipctl:managed`, `aipctl:spec`, `aipctl:slot` and
/// `aipctl:source` to every profile.
const AIPCTL_TAGS: usize = 4;

/// Where in the spec something was written: a 1-based line and the dotted
/// field path (`teams.search.cost_center`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: Option<usize>,
    pub field: String,
}

/// One problem with the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub at: Location,
    pub message: String,
}

/// The problems found in a spec file, each at its line and field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors {
    pub file: String,
    pub errors: Vec<SpecError>,
}

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let one = |e: &SpecError| match e.at.line {
            Some(line) => format!("{}:{line}: `{}`: {}", self.file, e.at.field, e.message),
            None => format!("{}: `{}`: {}", self.file, e.at.field, e.message),
        };
        match self.errors.as_slice() {
            [e] => f.write_str(&one(e)),
            many => {
                write!(f, "{} problems in {}:", many.len(), self.file)?;
                for e in many {
                    write!(f, "\n  {}", one(e))?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at.line {
            Some(line) => write!(f, "line {line}: `{}`: {}", self.at.field, self.message),
            None => write!(f, "`{}`: {}", self.at.field, self.message),
        }
    }
}

/// One profile the spec asks for, before its model is resolved in AWS.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The account it is provisioned in; `None`: the caller's own.
    pub account: Option<AccountId>,
    pub team: String,
    /// The model alias (a key of `[models]`).
    pub model: String,
    pub region: Region,
    pub name: ProfileName,
    pub description: Option<Description>,
    /// What the profile copies in this region.
    pub source: ModelRef,
    /// Where `source` was written, for errors found when resolving it.
    pub source_at: Location,
    /// Where the name template was written (or the team, for the default
    /// template), for a name another spec's profile already has.
    pub name_at: Location,
    /// The team's tags, without the ones aipctl adds.
    pub tags: Tags,
}

impl Entry {
    /// `team/model`: the entry's identity across renames (tag `aipctl:slot`).
    pub fn slot(&self) -> String {
        slot(&self.team, &self.model)
    }
}

pub fn slot(team: &str, model: &str) -> String {
    format!("{team}/{model}")
}

/// A checked, expanded spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// The top-level `name` ([`DEFAULT_SPEC_NAME`] when absent): the
    /// `aipctl:spec` tag of every profile it provisions. Orphans are
    /// scoped to it, so specs sharing an account never touch each other.
    pub name: String,
    /// Sorted by account (the caller's first), region, then name.
    pub entries: Vec<Entry>,
    /// Every region some team uses, sorted.
    pub regions: Vec<Region>,
    /// Every account some team names in `accounts`, sorted; empty when the
    /// spec provisions only in the caller's account.
    pub accounts: Vec<AccountId>,
    /// One per department with a `budget`, by department.
    pub budgets: Vec<BudgetRule>,
    /// One per department with an `anomaly` alert, by department.
    pub anomalies: Vec<AnomalyRule>,
    /// Whether any team (or the defaults) has a `budget` / an `anomaly` entry.
    pub declares_budgets: bool,
    pub declares_anomalies: bool,
}

// ---------------------------------------------------------------------------
// The file as written. Every table refuses keys it does not know.

type SpannedMap = BTreeMap<Spanned<String>, Spanned<String>>;
type SpannedList = Spanned<Vec<Spanned<String>>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    name: Option<Spanned<String>>,
    #[serde(default)]
    defaults: RawDefaults,
    #[serde(default)]
    models: BTreeMap<Spanned<String>, RawModel>,
    #[serde(default)]
    teams: BTreeMap<Spanned<String>, RawTeam>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    regions: Option<SpannedList>,
    accounts: Option<accounts::RawAccounts>,
    models: Option<SpannedList>,
    name: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
    #[serde(default)]
    tags: SpannedMap,
    budget: Option<Spanned<alerts::RawBudget>>,
    anomaly: Option<Spanned<alerts::RawAnomaly>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    source: Option<Spanned<String>>,
    #[serde(default)]
    per_region: SpannedMap,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTeam {
    department: Spanned<String>,
    cost_center: Option<Spanned<String>>,
    owner: Option<Spanned<String>>,
    #[serde(default)]
    tags: SpannedMap,
    models: Option<SpannedList>,
    regions: Option<SpannedList>,
    accounts: Option<accounts::RawAccounts>,
    name: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
    budget: Option<Spanned<alerts::RawBudget>>,
    anomaly: Option<Spanned<alerts::RawAnomaly>>,
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

struct Checker<'t> {
    text: &'t str,
    errors: Vec<SpecError>,
}

impl Checker<'_> {
    fn at<T>(&self, spanned: &Spanned<T>, field: impl Into<String>) -> Location {
        Location {
            line: Some(line_of(self.text, spanned.span().start)),
            field: field.into(),
        }
    }

    fn error(&mut self, at: Location, message: impl Into<String>) {
        self.errors.push(SpecError {
            at,
            message: message.into(),
        });
    }
}

/// Parses, checks and expands a spec. Every problem found is returned,
/// ordered by line.
pub fn parse(text: &str) -> Result<Spec, Vec<SpecError>> {
    let raw: RawSpec = toml::from_str(text).map_err(|e| vec![syntax::toml_error(text, &e)])?;
    let mut c = Checker {
        text,
        errors: Vec::new(),
    };
    let spec = expand(&mut c, &raw);
    if c.errors.is_empty() {
        Ok(spec)
    } else {
        let mut errors = c.errors;
        errors.sort_by(|a, b| (a.at.line, &a.at.field).cmp(&(b.at.line, &b.at.field)));
        errors.dedup();
        Err(errors)
    }
}

/// A spec key used in names and tags: 1-64 letters, digits, `-` or `_`,
/// starting with a letter or digit.
fn check_key(c: &mut Checker<'_>, key: &Spanned<String>, field: &str, what: &str) -> bool {
    let k = key.get_ref();
    let ok = !k.is_empty()
        && k.len() <= 64
        && k.starts_with(|ch: char| ch.is_ascii_alphanumeric())
        && k.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
    if !ok {
        let at = c.at(key, field);
        c.error(
            at,
            format!(
                "{what} `{k}` must be 1 to 64 letters, digits, `-` or `_`, starting with a letter or digit"
            ),
        );
    }
    ok
}

fn check_region(c: &mut Checker<'_>, r: &Spanned<String>, field: &str) -> Option<Region> {
    let at = c.at(r, field);
    match r.get_ref().parse::<Region>() {
        Err(e) => {
            c.error(at, e.rule);
            None
        }
        Ok(region) if !BEDROCK_REGIONS.contains(&region.as_str()) => {
            c.error(
                at,
                format!(
                    "unknown region `{region}`: Bedrock is offered in {}",
                    BEDROCK_REGIONS.join(", ")
                ),
            );
            None
        }
        Ok(region) => Some(region),
    }
}

/// A list of regions, each checked, none twice.
fn check_regions(c: &mut Checker<'_>, list: &SpannedList, field: &str) -> Vec<Region> {
    let mut out: Vec<Region> = Vec::new();
    for (i, r) in list.get_ref().iter().enumerate() {
        let f = format!("{field}[{i}]");
        if let Some(region) = check_region(c, r, &f) {
            if out.contains(&region) {
                let at = c.at(r, f);
                c.error(at, format!("region `{region}` is listed twice"));
            } else {
                out.push(region);
            }
        }
    }
    out
}

/// A list of model aliases, each defined in `[models]`, none twice.
fn check_aliases(
    c: &mut Checker<'_>,
    list: &SpannedList,
    field: &str,
    models: &BTreeMap<Spanned<String>, RawModel>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, m) in list.get_ref().iter().enumerate() {
        let f = format!("{field}[{i}]");
        let alias = m.get_ref();
        if !models.contains_key(alias.as_str()) {
            let known: Vec<&str> = models.keys().map(|k| k.get_ref().as_str()).collect();
            let at = c.at(m, f);
            c.error(
                at,
                if known.is_empty() {
                    format!("unknown model alias `{alias}`: the spec has no `[models]` table")
                } else {
                    format!(
                        "unknown model alias `{alias}`; the spec defines {}",
                        known.join(", ")
                    )
                },
            );
        } else if out.contains(alias) {
            let at = c.at(m, f);
            c.error(at, format!("model `{alias}` is listed twice"));
        } else {
            out.push(alias.clone());
        }
    }
    out
}

/// `{placeholder}`s of a template, each known.
fn check_template(c: &mut Checker<'_>, t: &Spanned<String>, field: &str) {
    let mut rest = t.get_ref().as_str();
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            let at = c.at(t, field);
            c.error(
                at,
                "a `{` is not closed; placeholders are {team}, {model}, {region}, {department}",
            );
            return;
        };
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            let at = c.at(t, field);
            c.error(
                at,
                format!(
                    "unknown placeholder `{{{name}}}`; use {{team}}, {{model}}, {{region}}, {{department}}"
                ),
            );
        }
        rest = &after[close + 1..];
    }
}

fn fill(template: &str, team: &str, model: &str, region: &Region, department: &str) -> String {
    template
        .replace("{team}", team)
        .replace("{model}", model)
        .replace("{region}", region.as_str())
        .replace("{department}", department)
}

/// One tag written in the spec, checked like `--tag` (and `aws:`/aipctl's own keys refused).
fn check_tag(
    c: &mut Checker<'_>,
    key: &Spanned<String>,
    value: &Spanned<String>,
    field: &str,
) -> Option<(String, String)> {
    let f = format!("{field}.{}", key.get_ref());
    let k = match key.get_ref().parse::<TagKey>().and_then(TagKey::writable) {
        Ok(k) => k,
        Err(e) => {
            let at = c.at(key, f);
            c.error(at, e.to_string());
            return None;
        }
    };
    if [MANAGED_TAG, SPEC_TAG, SOURCE_TAG, SLOT_TAG].contains(&k.as_str()) {
        let at = c.at(key, f);
        c.error(at, format!("aipctl sets `{k}` itself"));
        return None;
    }
    check_value(c, value, &f).map(|v| (k.as_str().to_owned(), v))
}

fn check_value(c: &mut Checker<'_>, value: &Spanned<String>, field: &str) -> Option<String> {
    match value.get_ref().parse::<TagValue>() {
        Ok(v) => Some(v.as_str().to_owned()),
        Err(e) => {
            let at = c.at(value, field);
            c.error(at, e.to_string());
            None
        }
    }
}

/// The source of `alias` in `region`: `per_region.<region>`, else `source`.
fn model_source(
    c: &mut Checker<'_>,
    alias: &Spanned<String>,
    model: &RawModel,
    region: &Region,
) -> Option<(ModelRef, Location)> {
    let m = model;
    let (written, field) = if let Some(s) = m.per_region.get(region.as_str()) {
        (s, format!("models.{}.per_region.{region}", alias.get_ref()))
    } else if let Some(s) = &m.source {
        (s, format!("models.{}.source", alias.get_ref()))
    } else {
        let at = c.at(alias, format!("models.{}", alias.get_ref()));
        c.error(
            at,
            format!(
                "model `{}` has no source for region `{region}`; add `source` or `per_region.{region}`",
                alias.get_ref()
            ),
        );
        return None;
    };
    let at = c.at(written, field);
    let source = match written.get_ref().parse::<ModelRef>() {
        Ok(s) => s,
        Err(e) => {
            c.error(at, e.rule);
            return None;
        }
    };
    if let ModelRef::FoundationModelArn(a) | ModelRef::SystemProfileArn(a) = &source
        && a.region != region.as_str()
    {
        c.error(
            at,
            format!(
                "the ARN is in `{}` but is used for region `{region}`; give a model ID, or an ARN per region under `per_region`",
                a.region
            ),
        );
        return None;
    }
    Some((source, at))
}

/// (account, region, name) -> (team, model, where the team is): names given so far.
type Names = BTreeMap<(Option<AccountId>, Region, String), (String, String, Option<usize>)>;

#[allow(clippy::too_many_lines)] // one pass over the spec reads best in one place
fn expand(c: &mut Checker<'_>, raw: &RawSpec) -> Spec {
    let d = &raw.defaults;
    let name = match &raw.name {
        Some(n) if check_key(c, n, "name", "spec name") => n.get_ref().clone(),
        _ => DEFAULT_SPEC_NAME.to_owned(),
    };
    if raw.teams.is_empty() {
        c.error(
            Location {
                line: None,
                field: "teams".into(),
            },
            "the spec has no teams; add a `[teams.NAME]` table",
        );
    }
    for (alias, model) in &raw.models {
        let field = format!("models.{}", alias.get_ref());
        check_key(c, alias, &field, "model alias");
        // Every source is checked, used or not.
        let written = model.source.iter().map(|s| (s, format!("{field}.source"))).chain(
            model
                .per_region
                .iter()
                .map(|(r, s)| (s, format!("{field}.per_region.{}", r.get_ref()))),
        );
        for (s, f) in written {
            if let Err(e) = s.get_ref().parse::<ModelRef>() {
                let at = c.at(s, f);
                c.error(at, e.rule);
            }
        }
        for r in model.per_region.keys() {
            check_region(c, r, &format!("{field}.per_region.{}", r.get_ref()));
        }
        if model.source.is_none() && model.per_region.is_empty() {
            let at = c.at(alias, field.clone());
            c.error(at, "a model needs `source` or a `per_region` table");
        }
    }
    let default_regions = d
        .regions
        .as_ref()
        .map(|l| check_regions(c, l, "defaults.regions"));
    let default_models = d
        .models
        .as_ref()
        .map(|l| check_aliases(c, l, "defaults.models", &raw.models));
    let default_accounts = d
        .accounts
        .as_ref()
        .map(|l| accounts::check_accounts(c, l, "defaults.accounts"));
    for (t, field) in [
        (&d.name, "defaults.name"),
        (&d.description, "defaults.description"),
    ] {
        if let Some(t) = t {
            check_template(c, t, field);
        }
    }
    let mut default_tags = Tags::default();
    for (k, v) in &d.tags {
        if let Some((k, v)) = check_tag(c, k, v, "defaults.tags") {
            default_tags.insert(k, v);
        }
    }

    let mut entries: Vec<Entry> = Vec::new();
    let mut per_department = alerts::PerDepartment::default();
    let mut names: Names = BTreeMap::new();
    // In file order, so a clash is reported at the later team.
    let mut teams: Vec<_> = raw.teams.iter().collect();
    teams.sort_by_key(|(k, _)| k.span().start);
    for (team_key, team) in teams {
        let team_name = team_key.get_ref();
        let tf = format!("teams.{team_name}");
        if !check_key(c, team_key, &tf, "team") {
            continue;
        }
        let t = team;
        let regions = match (&t.regions, &default_regions) {
            (Some(l), _) => check_regions(c, l, &format!("{tf}.regions")),
            (None, Some(r)) => r.clone(),
            (None, None) => {
                let at = c.at(team_key, tf.clone());
                c.error(at, "no regions: set `regions` here or `defaults.regions`");
                continue;
            }
        };
        // `None`: the caller's own account.
        let team_accounts: Vec<Option<AccountId>> = match (&t.accounts, &default_accounts) {
            (Some(l), _) => accounts::check_accounts(c, l, &format!("{tf}.accounts"))
                .into_iter()
                .map(Some)
                .collect(),
            (None, Some(a)) => a.iter().cloned().map(Some).collect(),
            (None, None) => vec![None],
        };
        let models = match (&t.models, &default_models) {
            (Some(l), _) => check_aliases(c, l, &format!("{tf}.models"), &raw.models),
            (None, Some(m)) => m.clone(),
            (None, None) => {
                let at = c.at(team_key, tf.clone());
                c.error(at, "no models: set `models` here or `defaults.models`");
                continue;
            }
        };

        let mut tags = default_tags.clone();
        for (k, v) in &t.tags {
            if let Some((k, v)) = check_tag(c, k, v, &format!("{tf}.tags")) {
                tags.insert(k, v);
            }
        }
        let department = check_value(c, &t.department, &format!("{tf}.department"));
        if t.department.get_ref().is_empty() {
            let at = c.at(&t.department, format!("{tf}.department"));
            c.error(at, "a department cannot be empty");
        }
        for (key, field, value) in [
            (DEPARTMENT, "department", Some(&t.department)),
            (COST_CENTER, "cost_center", t.cost_center.as_ref()),
            (OWNER, "owner", t.owner.as_ref()),
        ] {
            let Some(value) = value else { continue };
            let f = format!("{tf}.{field}");
            if let Some(other) = t.tags.iter().find(|(k, _)| k.get_ref() == key) {
                let at = c.at(other.0, format!("{tf}.tags.{key}"));
                c.error(
                    at,
                    format!("conflicts with `{f}`; set the `{key}` tag in one place"),
                );
            }
            if let Some(v) = check_value(c, value, &f) {
                tags.insert(key, v);
            }
        }
        if tags.len() + AIPCTL_TAGS > MAX_TAGS_PER_RESOURCE {
            let at = c.at(team_key, tf.clone());
            c.error(
                at,
                format!(
                    "{} tags plus the {AIPCTL_TAGS} aipctl adds exceed the limit of {MAX_TAGS_PER_RESOURCE} per profile",
                    tags.len()
                ),
            );
        }

        for (t_opt, field) in [(&t.name, "name"), (&t.description, "description")] {
            if let Some(t) = t_opt {
                check_template(c, t, &format!("{tf}.{field}"));
            }
        }
        let (name_template, name_at) = match (&t.name, &d.name) {
            (Some(n), _) => (n.get_ref().as_str(), c.at(n, format!("{tf}.name"))),
            (None, Some(n)) => (n.get_ref().as_str(), c.at(n, "defaults.name")),
            (None, None) => (DEFAULT_NAME_TEMPLATE, c.at(team_key, tf.clone())),
        };
        let description_template = match (&t.description, &d.description) {
            (Some(s), _) => Some((s.get_ref().as_str(), c.at(s, format!("{tf}.description")))),
            (None, Some(s)) => Some((s.get_ref().as_str(), c.at(s, "defaults.description"))),
            (None, None) => None,
        };
        let Some(department) = department else {
            continue;
        };
        let (budget, anomaly) = (t.budget.as_ref(), t.anomaly.as_ref());
        if let Some(r) = alerts::budget_rule(c, budget, d.budget.as_ref(), &tf, &name, &department) {
            per_department.budget(c, team_name, r);
        }
        if let Some(r) = alerts::anomaly_rule(c, anomaly, d.anomaly.as_ref(), &tf, &name, &department) {
            per_department.anomaly(c, team_name, r);
        }

        for alias in &models {
            let (alias_key, model) = raw
                .models
                .get_key_value(alias.as_str())
                .expect("aliases were checked against [models]");
            for region in &regions {
                let Some((source, source_at)) = model_source(c, alias_key, model, region) else {
                    continue;
                };
                let filled = fill(name_template, team_name, alias, region, &department);
                let name = match filled.parse::<ProfileName>() {
                    Ok(n) => n,
                    Err(e) => {
                        c.error(
                            name_at.clone(),
                            format!("the name `{filled}` for team `{team_name}`, model `{alias}` is not valid: {}", e.rule),
                        );
                        continue;
                    }
                };
                let description = match &description_template {
                    None => None,
                    Some((template, at)) => {
                        let filled = fill(template, team_name, alias, region, &department);
                        match filled.parse::<Description>() {
                            Ok(d) => Some(d),
                            Err(e) => {
                                c.error(
                                    at.clone(),
                                    format!(
                                        "the description `{filled}` for team `{team_name}` is not valid: {}",
                                        e.rule
                                    ),
                                );
                                continue;
                            }
                        }
                    }
                };
                let team_line = c.at(team_key, "").line;
                for account in &team_accounts {
                    let key = (account.clone(), region.clone(), name.as_str().to_owned());
                    if let Some((other_team, other_model, other_line)) = names.get(&key) {
                        let other_line = other_line.map_or_else(String::new, |l| format!(" (line {l})"));
                        let place = match account {
                            Some(a) => format!(
                                "{region} of account {a}; names must be unique per account and region"
                            ),
                            None => format!("{region}; names must be unique per region"),
                        };
                        c.error(
                            name_at.clone(),
                            format!(
                                "team `{team_name}`, model `{alias}` and team `{other_team}`{other_line}, model `{other_model}` both get the name `{name}` in {place}"
                            ),
                        );
                        continue;
                    }
                    names.insert(key, (team_name.clone(), alias.clone(), team_line));
                    entries.push(Entry {
                        account: account.clone(),
                        team: team_name.clone(),
                        model: alias.clone(),
                        region: region.clone(),
                        name: name.clone(),
                        description: description.clone(),
                        source: source.clone(),
                        source_at: source_at.clone(),
                        name_at: name_at.clone(),
                        tags: tags.clone(),
                    });
                }
            }
        }
    }
    entries.sort_by(|a, b| (&a.account, &a.region, &a.name).cmp(&(&b.account, &b.region, &b.name)));
    let regions: BTreeSet<Region> = entries.iter().map(|e| e.region.clone()).collect();
    let accounts: BTreeSet<AccountId> = entries.iter().filter_map(|e| e.account.clone()).collect();
    let (budgets, anomalies) = per_department.finish();
    Spec {
        name,
        entries,
        regions: regions.into_iter().collect(),
        accounts: accounts.into_iter().collect(),
        budgets,
        anomalies,
        declares_budgets: d.budget.is_some() || raw.teams.values().any(|t| t.budget.is_some()),
        declares_anomalies: d.anomaly.is_some() || raw.teams.values().any(|t| t.anomaly.is_some()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
[defaults]
regions = ["us-east-1", "eu-west-1"]
models = ["sonnet", "nova"]
tags = { ManagedBy = "platform" }

[models.sonnet.per_region]
us-east-1 = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
eu-west-1 = "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"

[models.nova]
source = "amazon.nova-pro-v1:0"

[teams.search]
department = "Search"
cost_center = "CC-1010"
owner = "maria@example.com"
tags = { Project = "ranking" }

[teams.legal]
department = "Legal"
models = ["sonnet"]
regions = ["eu-west-1"]
name = "{team}-{region}-{model}"
description = "{department} team: {model}"
"#;

    /// The errors a refused spec gives, as text (the alerts' tests use it too).
    pub(super) fn errors(text: &str) -> Vec<String> {
        parse(text)
            .expect_err("the spec should be refused")
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_spec_expands_to_team_by_model_by_region() {
        let spec = parse(SMALL).unwrap();
        let got: Vec<String> = spec
            .entries
            .iter()
            .map(|e| format!("{} {} {} {}", e.region, e.name, e.slot(), e.source))
            .collect();
        assert_eq!(
            got,
            [
                "eu-west-1 legal-eu-west-1-sonnet legal/sonnet eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "eu-west-1 search-nova search/nova amazon.nova-pro-v1:0",
                "eu-west-1 search-sonnet search/sonnet eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "us-east-1 search-nova search/nova amazon.nova-pro-v1:0",
                "us-east-1 search-sonnet search/sonnet us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            ]
        );
        assert_eq!(spec.regions.len(), 2);
        let search = &spec.entries[1];
        let tags: Vec<(&str, &str)> = search.tags.iter().collect();
        assert_eq!(
            tags,
            [
                ("CostCenter", "CC-1010"),
                ("Department", "Search"),
                ("ManagedBy", "platform"),
                ("Owner", "maria@example.com"),
                ("Project", "ranking"),
            ]
        );
        assert_eq!(search.description, None);
        assert_eq!(
            spec.entries[0].description.as_ref().map(Description::as_str),
            Some("Legal team: sonnet")
        );
        assert_eq!(
            spec.entries[0].source_at.field,
            "models.sonnet.per_region.eu-west-1"
        );
        assert_eq!(spec.entries[0].source_at.line, Some(9));
    }

    #[test]
    fn unknown_keys_are_refused_with_line_and_field() {
        let text = SMALL.replace("owner = ", "ownr = ");
        let e = errors(&text);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("line 17: `teams.search.ownr`: unknown field `ownr`"),
            "{e:?}"
        );
    }

    #[test]
    fn invalid_toml_names_the_line() {
        let e = errors("[teams.a]\ndepartment = \"A\"\nowner = \n");
        assert!(e[0].starts_with("line 3: `teams.a.owner`:"), "{e:?}");
    }

    #[test]
    fn a_missing_department_is_named() {
        let e = errors("[defaults]\nregions=[\"us-east-1\"]\n[teams.a]\nowner = \"x\"\n");
        assert!(
            e[0].contains("`teams.a.department`: missing field `department`"),
            "{e:?}"
        );
    }

    #[test]
    fn all_problems_are_reported_in_line_order() {
        let text = SMALL
            .replace("\"eu-west-1\"]\nname", "\"eu-west-9\"]\nname")
            .replace("models = [\"sonnet\"]", "models = [\"opus\"]")
            .replace("CC-1010", "CC,1010");
        let e = errors(&text);
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(
            e[0].starts_with("line 16: `teams.search.cost_center`: invalid tag value `CC,1010`"),
            "{e:?}"
        );
        assert!(
            e[1].starts_with(
                "line 22: `teams.legal.models[0]`: unknown model alias `opus`; the spec defines nova, sonnet"
            ),
            "{e:?}"
        );
        assert!(
            e[2].starts_with("line 23: `teams.legal.regions[0]`: unknown region `eu-west-9`"),
            "{e:?}"
        );
    }

    #[test]
    fn names_that_collide_after_templating_are_refused() {
        let text = SMALL.replace("name = \"{team}-{region}-{model}\"", "name = \"search-sonnet\"");
        let e = errors(&text);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("`teams.legal.name`: team `legal`, model `sonnet` and team `search` (line 14), model `sonnet` both get the name `search-sonnet` in eu-west-1"), "{e:?}");
    }

    #[test]
    fn names_and_descriptions_aws_would_reject_are_refused() {
        let e = errors(&SMALL.replace("{team}-{region}-{model}", "{team}--{model}"));
        assert!(
            e[0].contains(
                "the name `legal--sonnet` for team `legal`, model `sonnet` is not valid: must not have two of"
            ),
            "{e:?}"
        );
        let e = errors(&SMALL.replace("{department} team: {model}", "{department} (team)"));
        assert!(
            e[0].contains("`teams.legal.description`: the description `Legal (team)`"),
            "{e:?}"
        );
        let e = errors(&SMALL.replace("{team}-{region}-{model}", "{team}-{zone}"));
        assert!(e[0].contains("unknown placeholder `{zone}`"), "{e:?}");
    }

    #[test]
    fn reserved_and_aipctl_tag_keys_are_refused() {
        let e = errors(&SMALL.replace("Project = ", "\"aws:project\" = "));
        assert!(e[0].contains("`teams.search.tags.aws:project`: invalid tag key `aws:project`: keys starting with `aws:` are reserved"), "{e:?}");
        let e = errors(&SMALL.replace("Project = ", "\"aipctl:source\" = "));
        assert!(e[0].contains("aipctl sets `aipctl:source` itself"), "{e:?}");
        let e = errors(&SMALL.replace("Project = ", "Department = "));
        assert!(
            e[0].contains("`teams.search.tags.Department`: conflicts with `teams.search.department`"),
            "{e:?}"
        );
    }

    #[test]
    fn a_model_without_a_source_for_a_region_is_refused() {
        let e = errors(&SMALL.replace("regions = [\"eu-west-1\"]", "regions = [\"us-west-2\"]"));
        assert!(
            e[0].contains("`models.sonnet`: model `sonnet` has no source for region `us-west-2`"),
            "{e:?}"
        );
    }

    #[test]
    fn an_arn_source_must_be_in_the_region_it_serves() {
        let text = SMALL.replace(
            "source = \"amazon.nova-pro-v1:0\"",
            "source = \"arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0\"",
        );
        let e = errors(&text);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains(
                "`models.nova.source`: the ARN is in `us-east-1` but is used for region `eu-west-1`"
            ),
            "{e:?}"
        );
    }

    #[test]
    fn too_many_tags_counts_the_ones_aipctl_adds() {
        let many: Vec<String> = (0..45).map(|i| format!("K{i} = \"v\"")).collect();
        let many = many.join("\n");
        let text = SMALL
            .replace(
                "[teams.legal]",
                &format!("[teams.search.tags]\n{many}\n[teams.legal]"),
            )
            .replace("tags = { Project = \"ranking\" }\n", "");
        let e = errors(&text);
        assert!(
            e[0].contains("49 tags plus the 4 aipctl adds exceed the limit of 50"),
            "{e:?}"
        );
    }

    #[test]
    fn the_example_org_is_eight_teams_by_three_models_by_two_regions() {
        let spec = parse(include_str!("../../../examples/org.toml")).unwrap();
        assert_eq!(spec.entries.len(), 8 * 3 * 2);
        assert_eq!(spec.regions.len(), 2);
        let ds = spec.entries.iter().find(|e| e.team == "data-science").unwrap();
        assert_eq!(ds.name.as_str(), "ds-haiku");
        assert_eq!(ds.tags.get("Department"), Some("DataScience"));
        assert_eq!(spec.budgets.len(), 8, "a budget per department");
        let ds = spec
            .budgets
            .iter()
            .find(|b| b.department == "DataScience")
            .unwrap();
        assert_eq!(ds.monthly_usd, rust_decimal::Decimal::from(8000));
        assert_eq!(ds.thresholds.len(), 4);
        assert_eq!(ds.notify.len(), 1, "the default's address");
        assert_eq!(spec.anomalies.len(), 1);
        assert_eq!(spec.anomalies[0].department, "Search");
    }

    #[test]
    fn the_readme_example_is_a_valid_spec() {
        let readme = include_str!("../../../README.md");
        let section = readme
            .find("## Provisioning from a spec")
            .expect("the README has a section on specs");
        let start = section
            + readme[section..]
                .find("```toml\n")
                .expect("the README has a spec example")
            + 8;
        let end = start + readme[start..].find("```").unwrap();
        let spec = parse(&readme[start..end]).unwrap();
        let legal: Vec<&str> = spec
            .entries
            .iter()
            .filter(|e| e.team == "legal")
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(legal, ["legal-eu-west-1-sonnet"]);
        assert_eq!(spec.entries.len(), 5);
    }

    #[test]
    fn a_spec_is_named_default_unless_it_says_otherwise() {
        assert_eq!(parse(SMALL).unwrap().name, DEFAULT_SPEC_NAME);
        let named = format!("name = \"platform_2\"\n{SMALL}");
        assert_eq!(parse(&named).unwrap().name, "platform_2");
        let e = errors(&format!("name = \"team a\"\n{SMALL}"));
        assert_eq!(
            e,
            [
                "line 1: `name`: spec name `team a` must be 1 to 64 letters, digits, `-` or `_`, starting with a letter or digit"
            ]
        );
        let e = errors(&SMALL.replace("Project = ", "\"aipctl:spec\" = "));
        assert!(e[0].contains("aipctl sets `aipctl:spec` itself"), "{e:?}");
    }

    #[test]
    fn teams_with_accounts_expand_per_account_and_others_stay_in_the_callers() {
        let text = SMALL.replace(
            "[teams.legal]",
            "accounts = [\"234567890123\", \"345678901234\"]\n\n[teams.legal]",
        );
        let spec = parse(&text).unwrap();
        let got: Vec<String> = spec
            .entries
            .iter()
            .filter(|e| e.region.as_str() == "us-east-1")
            .map(|e| {
                format!(
                    "{} {}",
                    e.account.as_ref().map_or("caller", AccountId::as_str),
                    e.name
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "234567890123 search-nova",
                "234567890123 search-sonnet",
                "345678901234 search-nova",
                "345678901234 search-sonnet",
            ]
        );
        assert!(
            spec.entries
                .iter()
                .any(|e| e.team == "legal" && e.account.is_none())
        );
        let ids: Vec<&str> = spec.accounts.iter().map(AccountId::as_str).collect();
        assert_eq!(ids, ["234567890123", "345678901234"]);
        assert!(parse(SMALL).unwrap().accounts.is_empty());

        // The defaults' accounts serve every team without its own.
        let text = SMALL.replace(
            "tags = { ManagedBy",
            "accounts = [\"234567890123\"]\ntags = { ManagedBy",
        );
        let spec = parse(&text).unwrap();
        assert!(
            spec.entries
                .iter()
                .all(|e| e.account.as_ref().map(AccountId::as_str) == Some("234567890123"))
        );
    }

    #[test]
    fn malformed_duplicate_numeric_and_empty_account_lists_are_refused_at_their_line() {
        let with = |accounts: &str| SMALL.replace("owner = ", &format!("accounts = {accounts}\nowner = "));
        let e = errors(&with("[\"12345\", \"234567890123\", \"234567890123\"]"));
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].starts_with(
                "line 17: `teams.search.accounts[0]`: invalid account ID `12345`: expected the 12 digits"
            ),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("line 17: `teams.search.accounts[2]`: account `234567890123` is listed twice"),
            "{e:?}"
        );
        let e = errors(&with("[12345678901]"));
        assert_eq!(
            e,
            [
                "line 17: `teams.search.accounts[0]`: write the account ID as a string, `\"012345678901\"`: a number loses its leading zeros"
            ]
        );
        let e = errors(&with("[]"));
        assert!(e[0].contains("`teams.search.accounts`: an empty list"), "{e:?}");
        let e = errors(&SMALL.replace("[defaults]\n", "[defaults]\naccounts = \"234567890123\"\n"));
        assert!(e[0].starts_with("line 3: `defaults.accounts`:"), "{e:?}");
    }

    #[test]
    fn a_name_is_unique_per_account_and_region() {
        // Two teams with one name template in the same account clash; in
        // different accounts they do not.
        let text = SMALL
            .replace(
                "name = \"{team}-{region}-{model}\"",
                "name = \"x-{model}\"\naccounts = [\"234567890123\"]",
            )
            .replace(
                "owner = ",
                "name = \"x-{model}\"\naccounts = [\"345678901234\"]\nowner = ",
            );
        assert!(parse(&text).is_ok(), "{:?}", parse(&text).err());
        let clash = text.replace("[\"345678901234\"]", "[\"234567890123\"]");
        let e = errors(&clash);
        assert!(
            e.iter().any(|e| e.contains(
                "in eu-west-1 of account 234567890123; names must be unique per account and region"
            )),
            "{e:?}"
        );
    }

    #[test]
    fn an_empty_spec_is_refused() {
        let e = errors("");
        assert_eq!(e, ["`teams`: the spec has no teams; add a `[teams.NAME]` table"]);
    }
}
