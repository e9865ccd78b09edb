//! A department's monthly AWS Budgets budget, as the spec wants it and as
//! AWS has it, and the changes between the two.
//!
//! aipctl writes one shape of budget: `aipctl-<spec>-<department>`, a
//! monthly COST budget on `UnblendedCost` whose `FilterExpression` is the
//! department's cost-allocation tag and Bedrock's billing services, with
//! `GREATER_THAN` / `PERCENTAGE` notifications at the spec's thresholds (and a
//! FORECASTED one at 100 % with `forecast = true`), each to every address of
//! `notify`. AWS recommends `FilterExpression` and `Metrics` over the older
//! `CostFilters` and `CostTypes` ("We recommend using `FilterExpression` and
//! `Metrics` as they provide more flexible and powerful filtering
//! capabilities", `CreateBudget` in the `budgets 2016-10-20` model, which
//! also marks `CostFilters` and `CostTypes` deprecated since 2025-04-18;
//! <https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_CreateBudget.html>).
//!
//! Ownership needs no tag and no extra call: a budget belongs to spec S when
//! its name is `aipctl-S-D` and its filter's `Department` tag is exactly `D`.
//! (A name alone could not tell spec `a`'s department `b-Search` from spec
//! `a-b`'s `Search`.) Only such budgets are ever orphaned and deleted; a
//! budget with a wanted name is adopted when its filter names no other
//! department. Values in, values out: no AWS, no clock. [`status`] is where
//! a budget stands this month (`aipctl budgets`).

pub mod status;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::notify::Recipient;
use crate::domain::spec::Location;
use crate::domain::tag::DEPARTMENT;

/// "A budget can have up to ten notifications" (API reference, `Notification`).
pub const MAX_NOTIFICATIONS: usize = 10;
/// "one SNS subscriber and up to 10 email subscribers" per notification
/// (API reference, `NotificationWithSubscribers`).
pub const MAX_EMAIL_SUBSCRIBERS: usize = 10;
pub const MAX_SNS_SUBSCRIBERS: usize = 1;
/// Thresholds are percent of the limit; AWS takes more than 100 (overspend alerts).
pub const MIN_THRESHOLD_PERCENT: u32 = 1;
pub const MAX_THRESHOLD_PERCENT: u32 = 1000;
/// Budget names: 1-100 characters, no `:` or `\` (the model's pattern).
pub const MAX_NAME_LEN: usize = 100;
/// What aipctl's budget, monitor and subscription names start with.
pub const NAME_PREFIX: &str = "aipctl-";
/// First-party Bedrock models bill under this service; it is always in the
/// filter, so an account with no Bedrock spend yet still gets a valid one.
pub const BEDROCK_SERVICE: &str = "Amazon Bedrock";
/// The metric aipctl's budgets measure (as `cost` reports by default).
pub const METRIC: &str = "UnblendedCost";
pub const TIME_UNIT: &str = "MONTHLY";
pub const BUDGET_TYPE: &str = "COST";
pub const UNIT: &str = "USD";

/// `aipctl-<spec>-<department>`: the name of a department's budget,
/// anomaly monitor and alert subscription.
pub fn name(spec: &str, department: &str) -> String {
    format!("{NAME_PREFIX}{spec}-{department}")
}

/// A department's budget as the spec sets it (defaults merged in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetRule {
    pub department: String,
    pub monthly_usd: Decimal,
    /// Percent of the limit, ascending.
    pub thresholds: Vec<Decimal>,
    pub forecast: bool,
    pub notify: Vec<Recipient>,
    /// Where the team's (or the defaults') `budget` was written.
    pub at: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum NotificationKind {
    Actual,
    Forecasted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Comparison {
    GreaterThan,
    LessThan,
    EqualTo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ThresholdType {
    Percentage,
    AbsoluteValue,
}

/// A notification's identity in AWS: type, comparison, threshold and
/// threshold type (a missing `ThresholdType` is `PERCENTAGE`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Notification {
    pub kind: NotificationKind,
    pub comparison: Comparison,
    pub threshold: Decimal,
    pub threshold_type: ThresholdType,
}

impl Notification {
    /// Above `percent` of the limit: what aipctl writes.
    pub fn over(kind: NotificationKind, percent: Decimal) -> Self {
        Self {
            kind,
            comparison: Comparison::GreaterThan,
            threshold: percent.normalize(),
            threshold_type: ThresholdType::Percentage,
        }
    }

    /// Whether `spend` sets it off against a limit of `limit`.
    pub fn crossed_by(&self, spend: Decimal, limit: Decimal) -> bool {
        let line = match self.threshold_type {
            ThresholdType::Percentage => self.threshold * limit / Decimal::ONE_HUNDRED,
            ThresholdType::AbsoluteValue => self.threshold,
        };
        match self.comparison {
            Comparison::GreaterThan => spend > line,
            Comparison::LessThan => spend < line,
            Comparison::EqualTo => spend == line,
        }
    }
}

/// `actual > 80%`, `forecast > 100%`, `actual < 50 USD`.
impl fmt::Display for Notification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            NotificationKind::Actual => "actual",
            NotificationKind::Forecasted => "forecast",
        };
        let op = match self.comparison {
            Comparison::GreaterThan => ">",
            Comparison::LessThan => "<",
            Comparison::EqualTo => "=",
        };
        let unit = match self.threshold_type {
            ThresholdType::Percentage => "%",
            ThresholdType::AbsoluteValue => " USD",
        };
        write!(f, "{kind} {op} {}{unit}", self.threshold.normalize())
    }
}

/// A budget as the spec wants it, ready to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Desired {
    pub name: String,
    pub department: String,
    pub limit_usd: Decimal,
    /// Billing services the filter keeps, sorted.
    pub services: Vec<String>,
    pub notifications: Vec<Notification>,
    /// Every notification goes to all of them.
    pub subscribers: Vec<Recipient>,
}

impl Desired {
    /// The budget `rule` asks for in spec `spec`. Its services are
    /// [`BEDROCK_SERVICE`], the Bedrock billing services Cost Explorer
    /// knows (`discovered`), and those the current budget already filters
    /// on that name Bedrock: a service is added, never dropped because a
    /// year passed without spend on it.
    pub fn new(rule: &BudgetRule, spec: &str, discovered: &[String], current: Option<&Current>) -> Self {
        let mut services: BTreeSet<String> = discovered.iter().cloned().collect();
        services.insert(BEDROCK_SERVICE.to_owned());
        if let Some(c) = current
            && let Some(kept) = c.filter.dimensions.get("SERVICE")
        {
            services.extend(kept.iter().filter(|s| s.contains("Bedrock")).cloned());
        }
        let mut notifications: Vec<Notification> = rule
            .thresholds
            .iter()
            .map(|t| Notification::over(NotificationKind::Actual, *t))
            .collect();
        if rule.forecast {
            notifications.push(Notification::over(
                NotificationKind::Forecasted,
                Decimal::ONE_HUNDRED,
            ));
        }
        Self {
            name: name(spec, &rule.department),
            department: rule.department.clone(),
            limit_usd: rule.monthly_usd.normalize(),
            services: services.into_iter().collect(),
            notifications,
            subscribers: rule.notify.clone(),
        }
    }

    /// One line for people: `2000 USD a month; actual > 80%, … to a@b.co`.
    pub fn summary(&self) -> String {
        let mut s = format!("{} USD a month", self.limit_usd);
        if !self.notifications.is_empty() {
            let n: Vec<String> = self.notifications.iter().map(ToString::to_string).collect();
            let to: Vec<&str> = self.subscribers.iter().map(Recipient::address).collect();
            let _ = write!(s, "; {} to {}", n.join(", "), to.join(", "));
        }
        s
    }
}

/// A budget's filter as aipctl reads it: leaf `Tags` and `Dimensions`
/// (under one `And`, or alone) with whole-value matching. Anything else
/// (`Or`, `Not`, cost categories, other match options, legacy `CostFilters`)
/// is `other`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetFilter {
    pub tags: BTreeMap<String, Vec<String>>,
    pub dimensions: BTreeMap<String, Vec<String>>,
    /// A filter aipctl does not write, said in a few words (`CostFilters`, `Or`, …).
    pub other: Option<String>,
}

impl BudgetFilter {
    /// The one `Department` value the filter keeps, if that is all its tags say.
    pub fn department(&self) -> Option<&str> {
        match (self.tags.len(), self.tags.get(DEPARTMENT)) {
            (1, Some(values)) if values.len() == 1 => Some(values[0].as_str()),
            _ => None,
        }
    }
}

/// A notification and who it goes to.
pub type Notified = (Notification, Vec<Recipient>);

/// A budget as AWS has it, with what aipctl compares and reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Current {
    pub name: String,
    pub limit: Decimal,
    pub unit: String,
    pub time_unit: String,
    pub budget_type: String,
    pub metrics: Vec<String>,
    pub filter: BudgetFilter,
    /// In the order AWS lists them, each with its subscribers (filled in
    /// only for the budgets a command looks at closely).
    pub notifications: Vec<Notified>,
    /// `CalculatedSpend`: this period's actual and forecast spend.
    pub actual: Option<Decimal>,
    pub forecast: Option<Decimal>,
}

impl Current {
    /// `(spec, department)` when this is a budget aipctl made: the name is
    /// `aipctl-<spec>-<department>` with the department of its filter.
    pub fn owner(&self) -> Option<(&str, &str)> {
        let department = self.filter.department()?;
        let spec = self
            .name
            .strip_prefix(NAME_PREFIX)?
            .strip_suffix(department)?
            .strip_suffix('-')?;
        (!spec.is_empty() && self.filter.other.is_none()).then_some((spec, department))
    }

    /// The definition aipctl compares (not the spend, which moves), hashed:
    /// what a saved plan records and `apply --plan` checks.
    pub fn fingerprint(&self) -> String {
        let mut notifications = self.notifications.clone();
        for (_, subs) in &mut notifications {
            subs.sort();
        }
        notifications.sort();
        let canonical = serde_json::to_vec(&(
            &self.name,
            self.limit.normalize(),
            &self.unit,
            &self.time_unit,
            &self.budget_type,
            &self.metrics,
            &self.filter,
            &notifications,
        ))
        .expect("plain values serialize");
        hex::encode(Sha256::digest(&canonical))
    }
}

/// What an update does, step by step, in the order it runs: the budget
/// itself, new notifications (with their subscribers), subscribers added
/// then removed (AWS deletes a notification with its last subscriber), then
/// notifications removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Steps {
    pub update_budget: bool,
    pub create_notifications: Vec<Notification>,
    pub add_subscribers: Vec<(Notification, Vec<Recipient>)>,
    pub remove_subscribers: Vec<(Notification, Vec<Recipient>)>,
    pub delete_notifications: Vec<Notification>,
}

/// One change to a budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "lowercase")]
pub enum Change {
    Create {
        #[serde(flatten)]
        budget: Desired,
    },
    /// The same budget (name) changed in place; `changes` says how, for people.
    Update {
        changes: Vec<String>,
        steps: Steps,
        #[serde(flatten)]
        budget: Desired,
    },
    /// A budget of this spec whose department the spec no longer budgets:
    /// deleted only with `apply --prune`.
    Orphan {
        name: String,
        department: String,
        limit_usd: Decimal,
    },
}

impl Change {
    pub fn name(&self) -> &str {
        match self {
            Self::Create { budget } | Self::Update { budget, .. } => &budget.name,
            Self::Orphan { name, .. } => name,
        }
    }

    pub fn action(&self) -> &'static str {
        match self {
            Self::Create { .. } => "create",
            Self::Update { .. } => "update",
            Self::Orphan { .. } => "orphan",
        }
    }
}

/// A wanted name held by a budget that watches another department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetClash {
    pub department: String,
    pub name: String,
    pub other_department: String,
}

/// The changes to the spec's budgets, and how many match already.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub unchanged: usize,
}

fn sorted<T: Ord + Clone>(v: &[T]) -> Vec<T> {
    let mut out = v.to_vec();
    out.sort();
    out.dedup();
    out
}

fn list_change(what: &str, before: &[String], after: &[String], out: &mut Vec<String>) {
    for gone in before.iter().filter(|b| !after.contains(b)) {
        out.push(format!("{what} - {gone}"));
    }
    for new in after.iter().filter(|a| !before.contains(a)) {
        out.push(format!("{what} + {new}"));
    }
}

/// What `current` needs to become `desired`; `None` when it is already.
fn compare(desired: &Desired, current: &Current) -> Option<Change> {
    let mut changes = Vec::new();
    let mut steps = Steps::default();
    if current.limit.normalize() != desired.limit_usd || current.unit != UNIT {
        changes.push(format!(
            "limit {} {} -> {} {UNIT} a month",
            current.limit.normalize(),
            current.unit,
            desired.limit_usd
        ));
    }
    for (what, is, wanted) in [
        ("period", current.time_unit.as_str(), TIME_UNIT),
        ("type", current.budget_type.as_str(), BUDGET_TYPE),
    ] {
        if is != wanted {
            changes.push(format!("{what} {is} -> {wanted}"));
        }
    }
    if current.metrics != [METRIC] {
        changes.push(format!("metric {} -> {METRIC}", current.metrics.join(",")));
    }
    let f = &current.filter;
    let department_only = f.tags.len() == 1 && f.tags.get(DEPARTMENT).is_some_and(|v| v.len() == 1);
    let services_only = f.dimensions.len() == 1 && f.dimensions.contains_key("SERVICE");
    if let Some(other) = &f.other {
        changes.push(format!(
            "filter ({other}) -> tag {DEPARTMENT}={} and Bedrock's services",
            desired.department
        ));
    } else if !department_only || f.department() != Some(desired.department.as_str()) || !services_only {
        changes.push(format!(
            "filter -> tag {DEPARTMENT}={} and Bedrock's services",
            desired.department
        ));
    } else {
        let before = sorted(&f.dimensions["SERVICE"]);
        list_change("service", &before, &desired.services, &mut changes);
    }
    steps.update_budget = !changes.is_empty();

    let wanted_subs = sorted(&desired.subscribers);
    for (n, subs) in &current.notifications {
        if !desired.notifications.contains(n) {
            steps.delete_notifications.push(n.clone());
            changes.push(format!("- notify {n}"));
            continue;
        }
        let have = sorted(subs);
        let add: Vec<Recipient> = wanted_subs
            .iter()
            .filter(|s| !have.contains(s))
            .cloned()
            .collect();
        let remove: Vec<Recipient> = have
            .iter()
            .filter(|s| !wanted_subs.contains(s))
            .cloned()
            .collect();
        if !add.is_empty() || !remove.is_empty() {
            let who: Vec<String> = (add.iter().map(|r| format!("+ {r}")))
                .chain(remove.iter().map(|r| format!("- {r}")))
                .collect();
            changes.push(format!("{n}: {}", who.join(", ")));
        }
        if !add.is_empty() {
            steps.add_subscribers.push((n.clone(), add));
        }
        if !remove.is_empty() {
            steps.remove_subscribers.push((n.clone(), remove));
        }
    }
    for n in &desired.notifications {
        if !current.notifications.iter().any(|(c, _)| c == n) {
            steps.create_notifications.push(n.clone());
            changes.push(format!("+ notify {n}"));
        }
    }
    (!changes.is_empty()).then(|| Change::Update {
        changes,
        steps,
        budget: desired.clone(),
    })
}

/// The changes that make `actual` (every budget of the account) hold
/// `desired`, the budgets of spec `spec`.
///
/// A desired budget is matched by name. One whose filter names another
/// department is a [`BudgetClash`] (another spec's, e.g. spec `a-b`'s `Search`
/// for spec `a`'s `b-Search`), and then there is no plan; one whose filter
/// names no department is adopted and rewritten. Budgets of this spec (see
/// [`Current::owner`]) that no desired budget matched are orphans.
pub fn diff(spec: &str, desired: &[Desired], actual: &[Current]) -> Result<Plan, Vec<BudgetClash>> {
    let mut plan = Plan::default();
    let mut clashes = Vec::new();
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    for d in desired {
        match actual.iter().find(|c| c.name == d.name) {
            None => plan.changes.push(Change::Create { budget: d.clone() }),
            Some(c) => {
                if let Some(other) = c.filter.department()
                    && other != d.department
                {
                    clashes.push(BudgetClash {
                        department: d.department.clone(),
                        name: d.name.clone(),
                        other_department: other.to_owned(),
                    });
                    continue;
                }
                matched.insert(&c.name);
                match compare(d, c) {
                    Some(change) => plan.changes.push(change),
                    None => plan.unchanged += 1,
                }
            }
        }
    }
    if !clashes.is_empty() {
        return Err(clashes);
    }
    for c in actual {
        if matched.contains(c.name.as_str()) {
            continue;
        }
        if let Some((owner, department)) = c.owner()
            && owner == spec
        {
            plan.changes.push(Change::Orphan {
                name: c.name.clone(),
                department: department.to_owned(),
                limit_usd: c.limit.normalize(),
            });
        }
    }
    plan.changes.sort_by(|a, b| a.name().cmp(b.name()));
    Ok(plan)
}

/// What a saved plan expects of one budget it touches: its definition's
/// fingerprint, or (`None`) that no budget has the name yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub name: String,
    pub definition: Option<String>,
}

/// The state of every budget `changes` touches.
pub fn states(changes: &[Change], actual: &[Current]) -> Vec<State> {
    let mut out: Vec<State> = changes
        .iter()
        .map(|c| State {
            name: c.name().to_owned(),
            definition: actual
                .iter()
                .find(|a| a.name == c.name())
                .map(Current::fingerprint),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// How the budgets differ from `states`; empty when a saved plan still applies.
pub fn changes_since(states: &[State], actual: &[Current]) -> Vec<String> {
    let mut out = Vec::new();
    for s in states {
        let now = actual.iter().find(|a| a.name == s.name).map(Current::fingerprint);
        match (&s.definition, now) {
            (None, Some(_)) => out.push(format!(
                "budget `{}` now exists; the plan would create it",
                s.name
            )),
            (Some(_), None) => out.push(format!("budget `{}` no longer exists", s.name)),
            (Some(before), Some(now)) if *before != now => {
                out.push(format!("budget `{}` was changed", s.name));
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(department: &str, monthly: i64, thresholds: &[i64], forecast: bool) -> BudgetRule {
        BudgetRule {
            department: department.into(),
            monthly_usd: Decimal::from(monthly),
            thresholds: thresholds.iter().map(|t| Decimal::from(*t)).collect(),
            forecast,
            notify: vec![Recipient::Email("finops@example.com".into())],
            at: Location {
                line: Some(1),
                field: "defaults.budget".into(),
            },
        }
    }

    /// `d` as AWS would give it back.
    fn current_of(d: &Desired) -> Current {
        Current {
            name: d.name.clone(),
            limit: d.limit_usd,
            unit: UNIT.into(),
            time_unit: TIME_UNIT.into(),
            budget_type: BUDGET_TYPE.into(),
            metrics: vec![METRIC.into()],
            filter: BudgetFilter {
                tags: BTreeMap::from([(DEPARTMENT.to_owned(), vec![d.department.clone()])]),
                dimensions: BTreeMap::from([(
                    "SERVICE".to_owned(),
                    d.services.iter().rev().cloned().collect(),
                )]),
                other: None,
            },
            notifications: d
                .notifications
                .iter()
                .map(|n| (n.clone(), d.subscribers.clone()))
                .collect(),
            actual: Some(Decimal::from(12)),
            forecast: None,
        }
    }

    fn desired(department: &str, monthly: i64) -> Desired {
        Desired::new(&rule(department, monthly, &[80, 100], true), "p", &[], None)
    }

    #[test]
    fn a_rule_becomes_a_named_budget_with_bedrock_and_a_forecast_notification() {
        let d = Desired::new(
            &rule("Search", 2000, &[80, 100], true),
            "platform",
            &["Claude Sonnet 4.5 (Amazon Bedrock Edition)".into()],
            None,
        );
        assert_eq!(d.name, "aipctl-platform-Search");
        assert_eq!(
            d.services,
            ["Amazon Bedrock", "Claude Sonnet 4.5 (Amazon Bedrock Edition)"]
        );
        let shown: Vec<String> = d.notifications.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["actual > 80%", "actual > 100%", "forecast > 100%"]);
        assert_eq!(
            d.summary(),
            "2000 USD a month; actual > 80%, actual > 100%, forecast > 100% to finops@example.com"
        );
    }

    #[test]
    fn a_budget_read_back_as_written_is_unchanged() {
        let d = desired("Search", 2000);
        let mut c = current_of(&d);
        c.limit = "2000.0".parse().unwrap();
        let plan = diff("p", &[d], &[c]).unwrap();
        assert_eq!(plan.unchanged, 1);
        assert!(plan.changes.is_empty(), "{plan:?}");
    }

    #[test]
    fn a_changed_amount_and_threshold_update_the_same_budget_step_by_step() {
        let old = desired("Search", 2000);
        let mut c = current_of(&old);
        c.notifications[0]
            .1
            .push(Recipient::Email("old@example.com".into()));
        let new = Desired::new(&rule("Search", 2500, &[90, 100], true), "p", &[], None);
        let plan = diff("p", &[new], &[c]).unwrap();
        let Change::Update { changes, steps, .. } = &plan.changes[0] else {
            panic!("{plan:?}")
        };
        assert_eq!(
            changes,
            &[
                "limit 2000 USD -> 2500 USD a month",
                "- notify actual > 80%",
                "+ notify actual > 90%",
            ]
        );
        assert!(steps.update_budget);
        assert_eq!(steps.create_notifications.len(), 1);
        assert_eq!(steps.delete_notifications[0].threshold, Decimal::from(80));
        // The stray subscriber was on the notification that goes.
        assert!(steps.remove_subscribers.is_empty());
    }

    #[test]
    fn subscribers_are_added_and_removed_in_place() {
        let d = desired("Search", 2000);
        let mut c = current_of(&d);
        c.notifications[1].1 = vec![Recipient::Email("old@example.com".into())];
        let plan = diff("p", std::slice::from_ref(&d), &[c]).unwrap();
        let Change::Update { changes, steps, .. } = &plan.changes[0] else {
            panic!("{plan:?}")
        };
        assert_eq!(
            changes,
            &["actual > 100%: + finops@example.com, - old@example.com"]
        );
        assert!(!steps.update_budget);
        assert_eq!(steps.add_subscribers.len(), 1);
        assert_eq!(steps.remove_subscribers.len(), 1);
    }

    #[test]
    fn only_this_specs_budgets_become_orphans() {
        let keep = desired("Search", 2000);
        let gone = current_of(&desired("Legal", 500));
        // Spec `p-x`'s `Legal`: its name also starts with `aipctl-p-`.
        let mut other_spec = current_of(&desired("Legal", 500));
        other_spec.name = "aipctl-p-x-Legal".into();
        let mut by_hand = current_of(&desired("Legal", 500));
        by_hand.name = "team-legal".into();
        let actual = [current_of(&keep), gone, other_spec, by_hand];
        let plan = diff("p", &[keep], &actual).unwrap();
        assert_eq!(plan.unchanged, 1);
        let names: Vec<&str> = plan.changes.iter().map(Change::name).collect();
        assert_eq!(names, ["aipctl-p-Legal"]);
        assert!(matches!(plan.changes[0], Change::Orphan { .. }));
        assert_eq!(actual[2].owner(), Some(("p-x", "Legal")));
        assert_eq!(actual[3].owner(), None);
    }

    #[test]
    fn a_wanted_name_watching_another_department_is_a_clash() {
        // Spec `a` wants department `b-Search`; spec `a-b` has `Search`.
        let mine = Desired::new(&rule("b-Search", 100, &[100], false), "a", &[], None);
        let theirs = current_of(&Desired::new(
            &rule("Search", 100, &[100], false),
            "a-b",
            &[],
            None,
        ));
        assert_eq!(theirs.name, mine.name);
        let clashes = diff("a", &[mine], &[theirs]).unwrap_err();
        assert_eq!(clashes[0].other_department, "Search");
    }

    #[test]
    fn a_hand_made_filter_is_rewritten_and_services_are_only_added() {
        let d = desired("Search", 2000);
        let mut c = current_of(&d);
        c.filter.other = Some("CostFilters".into());
        let plan = diff("p", std::slice::from_ref(&d), &[c]).unwrap();
        let Change::Update { changes, .. } = &plan.changes[0] else {
            panic!()
        };
        assert_eq!(
            changes,
            &["filter (CostFilters) -> tag Department=Search and Bedrock's services"]
        );

        let mut c = current_of(&d);
        c.filter.dimensions.insert(
            "SERVICE".into(),
            vec!["Amazon Bedrock".into(), "Old (Amazon Bedrock Edition)".into()],
        );
        let again = Desired::new(&rule("Search", 2000, &[80, 100], true), "p", &[], Some(&c));
        assert!(
            again
                .services
                .contains(&"Old (Amazon Bedrock Edition)".to_owned())
        );
        assert!(diff("p", &[again], &[c]).unwrap().changes.is_empty());
    }

    #[test]
    fn notifications_know_when_spend_crosses_them() {
        let n = Notification::over(NotificationKind::Actual, Decimal::from(80));
        assert!(n.crossed_by(Decimal::from(81), Decimal::from(100)));
        assert!(!n.crossed_by(Decimal::from(80), Decimal::from(100)));
    }

    #[test]
    fn the_fingerprint_ignores_spend_and_order_but_not_the_definition() {
        let d = desired("Search", 2000);
        let a = current_of(&d);
        let mut b = a.clone();
        b.actual = Some(Decimal::from(99));
        b.notifications.reverse();
        assert_eq!(a.fingerprint(), b.fingerprint());
        b.limit = Decimal::from(1);
        assert_ne!(a.fingerprint(), b.fingerprint());
        let plan = diff("p", &[desired("Search", 1)], std::slice::from_ref(&a)).unwrap();
        let states = states(&plan.changes, std::slice::from_ref(&a));
        assert!(changes_since(&states, &[a]).is_empty());
        assert_eq!(
            changes_since(&states, &[b]),
            ["budget `aipctl-p-Search` was changed"]
        );
        assert_eq!(
            changes_since(&states, &[]),
            ["budget `aipctl-p-Search` no longer exists"]
        );
    }
}
