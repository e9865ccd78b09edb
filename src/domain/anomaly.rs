//! Cost Anomaly Detection per department: a CUSTOM monitor on the
//! department's cost-allocation tag and one alert subscription, as the spec
//! wants them and as AWS has them, and the changes between the two.
//!
//! Both are named `aipctl-<spec>-<department>` (names need not be unique in
//! AWS). A monitor belongs to spec S when it is named `aipctl-S-D` and its
//! `MonitorSpecification` is `{"Tags": {"Key": "Department", "Values": [D]}}`;
//! only its monitor's subscriptions with the same name are aipctl's. AWS
//! changes only a monitor's name in place, and aipctl never needs to: a
//! monitor is created or deleted, its subscription updated. Alerts are sent
//! by e-mail for DAILY and WEEKLY subscriptions and to SNS for IMMEDIATE ones
//! (`AnomalySubscription.Frequency` in the `ce` model), so a subscription has
//! one kind of recipient.

use std::collections::BTreeSet;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::budget::name;
use crate::domain::notify::Recipient;
use crate::domain::spec::Location;
use crate::domain::tag::DEPARTMENT;

/// `ThresholdExpression` values are "numbers between 0 and 10,000,000,000" (the `ce` model).
pub const MAX_THRESHOLD_USD: i64 = 10_000_000_000;
/// Recipients per subscription (a guess the emulator shares; AWS publishes no number).
pub const MAX_SUBSCRIBERS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Frequency {
    Daily,
    Weekly,
    Immediate,
}

impl Frequency {
    pub fn api_name(self) -> &'static str {
        match self {
            Self::Daily => "DAILY",
            Self::Weekly => "WEEKLY",
            Self::Immediate => "IMMEDIATE",
        }
    }

    /// The frequency a list of recipients allows when the spec names none:
    /// SNS topics are alerted at once, e-mail daily.
    pub fn for_recipients(notify: &[Recipient]) -> Self {
        if notify.first().is_some_and(Recipient::is_sns) {
            Self::Immediate
        } else {
            Self::Daily
        }
    }

    /// Whether `r` can receive alerts sent at this frequency.
    pub fn reaches(self, r: &Recipient) -> bool {
        r.is_sns() == (self == Self::Immediate)
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.api_name().to_lowercase())
    }
}

/// A department's anomaly alert as the spec sets it (defaults merged in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnomalyRule {
    pub department: String,
    pub threshold_usd: Decimal,
    pub frequency: Frequency,
    pub notify: Vec<Recipient>,
    pub at: Location,
}

/// A monitor and its subscription as the spec wants them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Desired {
    pub name: String,
    pub department: String,
    /// Alert on anomalies whose total impact is at least this much.
    pub threshold_usd: Decimal,
    pub frequency: Frequency,
    pub subscribers: Vec<Recipient>,
}

impl Desired {
    pub fn new(rule: &AnomalyRule, spec: &str) -> Self {
        Self {
            name: name(spec, &rule.department),
            department: rule.department.clone(),
            threshold_usd: rule.threshold_usd.normalize(),
            frequency: rule.frequency,
            subscribers: rule.notify.clone(),
        }
    }

    /// `impact >= 100 USD, daily to a@b.co`.
    pub fn summary(&self) -> String {
        let to: Vec<&str> = self.subscribers.iter().map(Recipient::address).collect();
        format!(
            "impact >= {} USD, {} to {}",
            self.threshold_usd,
            self.frequency,
            to.join(", ")
        )
    }
}

/// An anomaly monitor as AWS has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Monitor {
    pub arn: String,
    pub name: String,
    /// The one `Department` value of a CUSTOM monitor on that tag alone.
    pub department: Option<String>,
}

impl Monitor {
    /// `(spec, department)` when aipctl made it.
    pub fn owner(&self) -> Option<(&str, &str)> {
        let department = self.department.as_deref()?;
        let spec = self
            .name
            .strip_prefix(crate::domain::budget::NAME_PREFIX)?
            .strip_suffix(department)?
            .strip_suffix('-')?;
        (!spec.is_empty()).then_some((spec, department))
    }
}

/// An alert subscription as AWS has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub arn: String,
    pub name: String,
    pub monitor_arns: Vec<String>,
    /// The absolute-impact threshold, when that is all the expression says.
    pub threshold_usd: Option<Decimal>,
    pub frequency: Frequency,
    pub subscribers: Vec<Recipient>,
}

impl Subscription {
    fn fingerprint(&self) -> String {
        let mut subs = self.subscribers.clone();
        subs.sort();
        let canonical = serde_json::to_vec(&(
            &self.name,
            &self.monitor_arns,
            self.threshold_usd.map(|t| t.normalize()),
            self.frequency,
            subs,
        ))
        .expect("plain values serialize");
        hex::encode(Sha256::digest(&canonical))
    }
}

/// One change to a department's anomaly alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "lowercase")]
pub enum Change {
    /// A new monitor and its subscription.
    Create {
        #[serde(flatten)]
        alert: Desired,
    },
    /// The monitor stays; its subscription is created (`subscription_arn`
    /// absent) or updated.
    Update {
        monitor_arn: String,
        subscription_arn: Option<String>,
        changes: Vec<String>,
        #[serde(flatten)]
        alert: Desired,
    },
    /// A monitor of this spec whose department the spec no longer watches,
    /// with its subscriptions: deleted only with `apply --prune`.
    Orphan {
        name: String,
        department: String,
        monitor_arn: String,
        subscription_arns: Vec<String>,
    },
}

impl Change {
    pub fn name(&self) -> &str {
        match self {
            Self::Create { alert } | Self::Update { alert, .. } => &alert.name,
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

    pub fn monitor_arn(&self) -> Option<&str> {
        match self {
            Self::Create { .. } => None,
            Self::Update { monitor_arn, .. } | Self::Orphan { monitor_arn, .. } => Some(monitor_arn),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub unchanged: usize,
}

/// This spec's monitor for `department`, if any (the first by ARN).
fn monitor_of<'a>(monitors: &'a [Monitor], spec: &str, department: &str) -> Option<&'a Monitor> {
    monitors
        .iter()
        .filter(|m| m.owner() == Some((spec, department)))
        .min_by(|a, b| a.arn.cmp(&b.arn))
}

/// aipctl's subscriptions of `monitor`: its name, and that monitor.
fn subscriptions_of<'a>(monitor: &Monitor, subscriptions: &'a [Subscription]) -> Vec<&'a Subscription> {
    subscriptions
        .iter()
        .filter(|s| s.name == monitor.name && s.monitor_arns.contains(&monitor.arn))
        .collect()
}

fn compare(desired: &Desired, s: &Subscription) -> Vec<String> {
    let mut changes = Vec::new();
    match s.threshold_usd {
        Some(t) if t.normalize() == desired.threshold_usd => {}
        Some(t) => changes.push(format!(
            "threshold {} -> {} USD",
            t.normalize(),
            desired.threshold_usd
        )),
        None => changes.push(format!(
            "threshold (not an absolute impact) -> {} USD",
            desired.threshold_usd
        )),
    }
    if s.frequency != desired.frequency {
        changes.push(format!("frequency {} -> {}", s.frequency, desired.frequency));
    }
    let have: BTreeSet<&Recipient> = s.subscribers.iter().collect();
    let want: BTreeSet<&Recipient> = desired.subscribers.iter().collect();
    for r in have.difference(&want) {
        changes.push(format!("- {r}"));
    }
    for r in want.difference(&have) {
        changes.push(format!("+ {r}"));
    }
    if s.monitor_arns.len() != 1 {
        changes.push("watches only its department's monitor".to_owned());
    }
    changes
}

/// The changes that make the account's monitors and subscriptions hold
/// `desired`, the alerts of spec `spec`.
pub fn diff(spec: &str, desired: &[Desired], monitors: &[Monitor], subscriptions: &[Subscription]) -> Plan {
    let mut plan = Plan::default();
    let mut kept: BTreeSet<&str> = BTreeSet::new();
    for d in desired {
        let Some(m) = monitor_of(monitors, spec, &d.department) else {
            plan.changes.push(Change::Create { alert: d.clone() });
            continue;
        };
        kept.insert(&m.arn);
        let subs = subscriptions_of(m, subscriptions);
        let change = match subs.first() {
            None => Some(Change::Update {
                monitor_arn: m.arn.clone(),
                subscription_arn: None,
                changes: vec![format!("+ subscription {}", d.summary())],
                alert: d.clone(),
            }),
            Some(s) => {
                let changes = compare(d, s);
                (!changes.is_empty()).then(|| Change::Update {
                    monitor_arn: m.arn.clone(),
                    subscription_arn: Some(s.arn.clone()),
                    changes,
                    alert: d.clone(),
                })
            }
        };
        match change {
            Some(c) => plan.changes.push(c),
            None => plan.unchanged += 1,
        }
    }
    for m in monitors {
        if kept.contains(m.arn.as_str()) {
            continue;
        }
        if let Some((owner, department)) = m.owner()
            && owner == spec
        {
            plan.changes.push(Change::Orphan {
                name: m.name.clone(),
                department: department.to_owned(),
                monitor_arn: m.arn.clone(),
                subscription_arns: subscriptions_of(m, subscriptions)
                    .iter()
                    .map(|s| s.arn.clone())
                    .collect(),
            });
        }
    }
    plan.changes
        .sort_by(|a, b| (a.name(), a.monitor_arn()).cmp(&(b.name(), b.monitor_arn())));
    plan
}

/// What a saved plan expects of one alert it touches: the monitor (absent
/// for a creation) and the fingerprint of its subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub name: String,
    pub monitor_arn: Option<String>,
    pub subscription: Option<String>,
}

fn subscription_state(
    monitor_arn: Option<&str>,
    name: &str,
    subscriptions: &[Subscription],
) -> Option<String> {
    let arn = monitor_arn?;
    subscriptions
        .iter()
        .find(|s| s.name == name && s.monitor_arns.iter().any(|a| a == arn))
        .map(Subscription::fingerprint)
}

pub fn states(changes: &[Change], subscriptions: &[Subscription]) -> Vec<State> {
    let mut out: Vec<State> = changes
        .iter()
        .map(|c| State {
            name: c.name().to_owned(),
            monitor_arn: c.monitor_arn().map(str::to_owned),
            subscription: subscription_state(c.monitor_arn(), c.name(), subscriptions),
        })
        .collect();
    out.sort_by(|a, b| (&a.name, &a.monitor_arn).cmp(&(&b.name, &b.monitor_arn)));
    out
}

/// How the alerts differ from `states` (for spec `spec`); empty when a saved plan still applies.
pub fn changes_since(
    spec: &str,
    states: &[State],
    monitors: &[Monitor],
    subscriptions: &[Subscription],
) -> Vec<String> {
    let mut out = Vec::new();
    for s in states {
        match &s.monitor_arn {
            None => {
                if monitors
                    .iter()
                    .any(|m| m.name == s.name && m.owner().is_some_and(|(o, _)| o == spec))
                {
                    out.push(format!(
                        "anomaly monitor `{}` now exists; the plan would create it",
                        s.name
                    ));
                }
            }
            Some(arn) => {
                if !monitors.iter().any(|m| m.arn == *arn) {
                    out.push(format!("anomaly monitor `{}` ({arn}) no longer exists", s.name));
                } else if subscription_state(Some(arn), &s.name, subscriptions) != s.subscription {
                    out.push(format!("anomaly subscription `{}` was changed", s.name));
                }
            }
        }
    }
    out
}

/// The department a `MonitorSpecification` of `{"Tags": {"Key", "Values"}}` watches.
pub fn tag_department(key: &str, values: &[String]) -> Option<String> {
    (key == DEPARTMENT && values.len() == 1).then(|| values[0].clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(department: &str, threshold: i64) -> AnomalyRule {
        AnomalyRule {
            department: department.into(),
            threshold_usd: Decimal::from(threshold),
            frequency: Frequency::Daily,
            notify: vec![Recipient::Email("finops@example.com".into())],
            at: Location {
                line: None,
                field: "x".into(),
            },
        }
    }

    fn monitor(spec: &str, department: &str, arn: &str) -> Monitor {
        Monitor {
            arn: arn.into(),
            name: name(spec, department),
            department: Some(department.into()),
        }
    }

    fn subscription(d: &Desired, monitor_arn: &str) -> Subscription {
        Subscription {
            arn: format!("{monitor_arn}-sub"),
            name: d.name.clone(),
            monitor_arns: vec![monitor_arn.into()],
            threshold_usd: Some(d.threshold_usd),
            frequency: d.frequency,
            subscribers: d.subscribers.clone(),
        }
    }

    #[test]
    fn an_alert_is_created_then_unchanged_then_updated() {
        let d = Desired::new(&rule("Search", 100), "p");
        assert_eq!(d.summary(), "impact >= 100 USD, daily to finops@example.com");
        let plan = diff("p", std::slice::from_ref(&d), &[], &[]);
        assert!(matches!(plan.changes[..], [Change::Create { .. }]));

        let m = monitor("p", "Search", "m1");
        let s = subscription(&d, "m1");
        let plan = diff(
            "p",
            std::slice::from_ref(&d),
            std::slice::from_ref(&m),
            std::slice::from_ref(&s),
        );
        assert_eq!(plan.unchanged, 1);
        assert!(plan.changes.is_empty());

        let d2 = Desired::new(&rule("Search", 250), "p");
        let plan = diff("p", &[d2], std::slice::from_ref(&m), &[s]);
        let Change::Update {
            changes,
            subscription_arn,
            ..
        } = &plan.changes[0]
        else {
            panic!("{plan:?}")
        };
        assert_eq!(changes, &["threshold 100 -> 250 USD"]);
        assert_eq!(subscription_arn.as_deref(), Some("m1-sub"));

        // A monitor left without its subscription gets one.
        let plan = diff("p", &[d], &[m], &[]);
        assert!(matches!(
            &plan.changes[0],
            Change::Update {
                subscription_arn: None,
                ..
            }
        ));
    }

    #[test]
    fn orphans_are_this_specs_monitors_only_with_their_subscriptions() {
        let legal = Desired::new(&rule("Legal", 100), "p");
        let monitors = [
            monitor("p", "Legal", "m1"),
            monitor("p-x", "Legal", "m2"),
            Monitor {
                arn: "m3".into(),
                name: "aipctl-p-Legal".into(),
                department: None,
            },
        ];
        let subs = [subscription(&legal, "m1")];
        let plan = diff("p", &[], &monitors, &subs);
        assert_eq!(plan.changes.len(), 1, "{plan:?}");
        let Change::Orphan {
            monitor_arn,
            subscription_arns,
            ..
        } = &plan.changes[0]
        else {
            panic!()
        };
        assert_eq!(monitor_arn, "m1");
        assert_eq!(subscription_arns, &["m1-sub"]);
    }

    #[test]
    fn frequencies_follow_the_recipients() {
        let sns = Recipient::Sns("arn:aws:sns:us-east-1:123456789012:t".into());
        assert_eq!(
            Frequency::for_recipients(std::slice::from_ref(&sns)),
            Frequency::Immediate
        );
        assert!(Frequency::Immediate.reaches(&sns));
        assert!(!Frequency::Weekly.reaches(&sns));
    }

    #[test]
    fn saved_states_notice_a_changed_subscription() {
        let d = Desired::new(&rule("Search", 100), "p");
        let m = monitor("p", "Search", "m1");
        let mut s = subscription(&d, "m1");
        s.threshold_usd = Some(Decimal::from(5));
        let plan = diff(
            "p",
            std::slice::from_ref(&d),
            std::slice::from_ref(&m),
            std::slice::from_ref(&s),
        );
        let st = states(&plan.changes, std::slice::from_ref(&s));
        assert!(changes_since("p", &st, std::slice::from_ref(&m), std::slice::from_ref(&s)).is_empty());
        s.frequency = Frequency::Weekly;
        assert_eq!(
            changes_since("p", &st, std::slice::from_ref(&m), &[s]),
            ["anomaly subscription `aipctl-p-Search` was changed"]
        );
        assert_eq!(
            changes_since("p", &st, &[], &[]),
            ["anomaly monitor `aipctl-p-Search` (m1) no longer exists"]
        );
    }
}
