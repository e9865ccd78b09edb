//! The spec's `budget` and `anomaly` entries, per team and in `[defaults]`:
//!
//! ```toml
//! budget = { monthly = 2000, notify = ["finops@example.com"], thresholds = [80, 100], forecast = true }
//! anomaly = { threshold_usd = 100, notify = ["finops@example.com"] }
//! ```
//!
//! A team's entry overrides the defaults' field by field. Every field is
//! checked where it is written (a negative amount, a malformed address, a
//! threshold outside 1-1000 %), then the merged entry against AWS's limits
//! (10 notifications per budget; 1 SNS topic and 10 e-mail addresses per
//! notification) and the budget name AWS would get. Teams sharing a
//! department share its one budget and alert, so they must agree on them.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use super::{Checker, Location, SpannedList};
use crate::domain::anomaly::{self, AnomalyRule, Frequency};
use crate::domain::budget::{self, BudgetRule};
use crate::domain::notify::Recipient;

/// An amount of USD or a percentage as written: an integer, a float or a
/// string of digits.
#[derive(Debug, Clone)]
pub(super) struct RawNumber(Result<Decimal, String>);

impl<'de> Deserialize<'de> for RawNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = RawNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, like 2000 or 99.50")
            }
            fn visit_i64<E>(self, v: i64) -> Result<RawNumber, E> {
                Ok(RawNumber(Ok(Decimal::from(v))))
            }
            fn visit_u64<E>(self, v: u64) -> Result<RawNumber, E> {
                Ok(RawNumber(Ok(Decimal::from(v))))
            }
            fn visit_f64<E>(self, v: f64) -> Result<RawNumber, E> {
                // The shortest text that reads back as `v`: 99.5, not 99.4999….
                Ok(RawNumber(v.to_string().parse().map_err(|_| v.to_string())))
            }
            fn visit_str<E>(self, v: &str) -> Result<RawNumber, E> {
                Ok(RawNumber(v.trim().parse().map_err(|_| v.to_owned())))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBudget {
    monthly: Option<Spanned<RawNumber>>,
    notify: Option<SpannedList>,
    thresholds: Option<Spanned<Vec<Spanned<RawNumber>>>>,
    forecast: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAnomaly {
    threshold_usd: Option<Spanned<RawNumber>>,
    notify: Option<SpannedList>,
    frequency: Option<Spanned<String>>,
}

/// The entry a team gets: its own field, else the defaults', with where it was written.
fn pick<'a, T, R>(
    team: Option<&'a Spanned<R>>,
    defaults: Option<&'a Spanned<R>>,
    tf: &str,
    key: &str,
    get: impl Fn(&'a R) -> Option<&'a T>,
) -> Option<(&'a T, String)> {
    team.and_then(|t| get(t.get_ref()).map(|v| (v, format!("{tf}.{key}"))))
        .or_else(|| defaults.and_then(|d| get(d.get_ref()).map(|v| (v, format!("defaults.{key}")))))
}

/// A USD amount: more than 0 (or at least 0), whole cents.
fn check_usd(c: &mut Checker<'_>, n: &Spanned<RawNumber>, field: &str, zero_ok: bool) -> Option<Decimal> {
    let at = c.at(n, field);
    let v = match &n.get_ref().0 {
        Ok(v) => *v,
        Err(text) => {
            c.error(
                at,
                format!("`{text}` is not an amount in USD; write a number like 2000 or 99.50"),
            );
            return None;
        }
    };
    if v.is_sign_negative() && !v.is_zero() || (!zero_ok && v.is_zero()) {
        let rule = if zero_ok { "0 or more" } else { "more than 0" };
        c.error(at, format!("the amount {v} must be {rule} USD"));
        return None;
    }
    if v.normalize().scale() > 2 {
        c.error(
            at,
            format!("the amount {v} has fractions of a cent; use at most 2 decimals"),
        );
        return None;
    }
    Some(v.normalize())
}

/// Addresses, each an e-mail address or an SNS topic ARN, none twice.
fn check_notify(c: &mut Checker<'_>, list: &SpannedList, field: &str) -> Vec<Recipient> {
    let mut out: Vec<Recipient> = Vec::new();
    for (i, a) in list.get_ref().iter().enumerate() {
        let at = c.at(a, format!("{field}[{i}]"));
        match a.get_ref().parse::<Recipient>() {
            Err(e) => c.error(at, e.to_string()),
            Ok(r) if out.contains(&r) => c.error(at, format!("`{r}` is listed twice")),
            Ok(r) => out.push(r),
        }
    }
    out
}

fn check_thresholds(
    c: &mut Checker<'_>,
    list: &Spanned<Vec<Spanned<RawNumber>>>,
    field: &str,
) -> Vec<Decimal> {
    let mut out: Vec<Decimal> = Vec::new();
    let range = Decimal::from(budget::MIN_THRESHOLD_PERCENT)..=Decimal::from(budget::MAX_THRESHOLD_PERCENT);
    for (i, t) in list.get_ref().iter().enumerate() {
        let at = c.at(t, format!("{field}[{i}]"));
        match &t.get_ref().0 {
            Err(text) => c.error(
                at,
                format!("`{text}` is not a percentage; write a number like 80"),
            ),
            Ok(v) if !range.contains(v) => c.error(
                at,
                format!(
                    "the threshold {v}% is outside {}-{}% of the monthly limit",
                    budget::MIN_THRESHOLD_PERCENT,
                    budget::MAX_THRESHOLD_PERCENT
                ),
            ),
            Ok(v) if v.normalize().scale() > 2 => {
                c.error(at, format!("the threshold {v}% has more than 2 decimals"));
            }
            Ok(v) if out.contains(&v.normalize()) => {
                c.error(at, format!("the threshold {v}% is listed twice"));
            }
            Ok(v) => out.push(v.normalize()),
        }
    }
    out.sort();
    out
}

/// A department that can be part of an AWS Budgets name (no `:` or `\`, 100 characters in all).
fn check_name(c: &mut Checker<'_>, at: &Location, spec: &str, department: &str, what: &str) -> bool {
    let name = budget::name(spec, department);
    let bad = if department.contains([':', '\\']) {
        Some("`:` and `\\` are not allowed in AWS budget names")
    } else if name.chars().count() > budget::MAX_NAME_LEN {
        Some("AWS allows 100 characters")
    } else {
        None
    };
    if let Some(why) = bad {
        c.error(
            at.clone(),
            format!("the {what} of department `{department}` would be named `{name}`: {why}"),
        );
    }
    bad.is_none()
}

/// The budget `team` gets (its `budget` over the defaults'), checked; `None`
/// when it has none or a problem was reported.
pub(super) fn budget_rule(
    c: &mut Checker<'_>,
    team: Option<&Spanned<RawBudget>>,
    defaults: Option<&Spanned<RawBudget>>,
    tf: &str,
    spec: &str,
    department: &str,
) -> Option<BudgetRule> {
    let entry = team.or(defaults)?;
    let field = if team.is_some() {
        format!("{tf}.budget")
    } else {
        "defaults.budget".into()
    };
    let at = c.at(entry, field.clone());
    let before = c.errors.len();
    let monthly = if let Some((n, f)) = pick(team, defaults, tf, "budget.monthly", |b: &RawBudget| {
        b.monthly.as_ref()
    }) {
        check_usd(c, n, &f, false)
    } else {
        c.error(at.clone(), "a budget needs `monthly`, the limit in USD");
        None
    };
    let notify = pick(team, defaults, tf, "budget.notify", |b: &RawBudget| {
        b.notify.as_ref()
    })
    .map(|(l, f)| check_notify(c, l, &f))
    .unwrap_or_default();
    let thresholds = pick(team, defaults, tf, "budget.thresholds", |b: &RawBudget| {
        b.thresholds.as_ref()
    })
    .map(|(l, f)| check_thresholds(c, l, &f))
    .unwrap_or_default();
    let forecast = pick(team, defaults, tf, "budget.forecast", |b: &RawBudget| {
        b.forecast.as_ref()
    })
    .is_some_and(|(f, _)| *f.get_ref());
    if c.errors.len() > before {
        // The entry as a whole is judged once its fields are right.
        return None;
    }
    let count = thresholds.len() + usize::from(forecast);
    if count > budget::MAX_NOTIFICATIONS {
        c.error(
            at.clone(),
            format!(
                "{count} notifications ({} thresholds{}); AWS allows {} per budget",
                thresholds.len(),
                if forecast { " and the forecast" } else { "" },
                budget::MAX_NOTIFICATIONS
            ),
        );
    }
    let sns = notify.iter().filter(|r| r.is_sns()).count();
    let email = notify.len() - sns;
    if sns > budget::MAX_SNS_SUBSCRIBERS || email > budget::MAX_EMAIL_SUBSCRIBERS {
        c.error(
            at.clone(),
            format!(
                "{email} e-mail addresses and {sns} SNS topics; AWS allows {} and {} per notification",
                budget::MAX_EMAIL_SUBSCRIBERS,
                budget::MAX_SNS_SUBSCRIBERS
            ),
        );
    }
    if count > 0 && notify.is_empty() {
        c.error(at.clone(), "thresholds need someone to tell: add `notify`");
    } else if count == 0 && !notify.is_empty() {
        c.error(
            at.clone(),
            "`notify` without `thresholds` or `forecast = true` tells no one anything",
        );
    }
    check_name(c, &at, spec, department, "budget");
    if c.errors.len() > before {
        return None;
    }
    Some(BudgetRule {
        department: department.to_owned(),
        monthly_usd: monthly?,
        thresholds,
        forecast,
        notify,
        at,
    })
}

/// The anomaly alert `team` gets, checked like [`budget_rule`].
pub(super) fn anomaly_rule(
    c: &mut Checker<'_>,
    team: Option<&Spanned<RawAnomaly>>,
    defaults: Option<&Spanned<RawAnomaly>>,
    tf: &str,
    spec: &str,
    department: &str,
) -> Option<AnomalyRule> {
    let entry = team.or(defaults)?;
    let field = if team.is_some() {
        format!("{tf}.anomaly")
    } else {
        "defaults.anomaly".into()
    };
    let at = c.at(entry, field);
    let before = c.errors.len();
    let threshold = if let Some((n, f)) =
        pick(team, defaults, tf, "anomaly.threshold_usd", |a: &RawAnomaly| {
            a.threshold_usd.as_ref()
        }) {
        let v = check_usd(c, n, &f, true);
        if v.is_some_and(|v| v > Decimal::from(anomaly::MAX_THRESHOLD_USD)) {
            let at = c.at(n, f);
            c.error(at, "AWS takes thresholds up to 10,000,000,000 USD");
        }
        v
    } else {
        c.error(
            at.clone(),
            "an anomaly alert needs `threshold_usd`, the impact that sets it off",
        );
        None
    };
    let notify = match pick(team, defaults, tf, "anomaly.notify", |a: &RawAnomaly| {
        a.notify.as_ref()
    }) {
        Some((l, f)) => check_notify(c, l, &f),
        None => Vec::new(),
    };
    if c.errors.len() > before {
        return None;
    }
    if notify.is_empty() {
        c.error(
            at.clone(),
            "an anomaly alert needs `notify`: e-mail addresses or one SNS topic",
        );
    }
    if notify.len() > anomaly::MAX_SUBSCRIBERS {
        c.error(
            at.clone(),
            format!(
                "{} recipients; at most {} per alert",
                notify.len(),
                anomaly::MAX_SUBSCRIBERS
            ),
        );
    }
    let frequency = match pick(team, defaults, tf, "anomaly.frequency", |a: &RawAnomaly| {
        a.frequency.as_ref()
    }) {
        None => Frequency::for_recipients(&notify),
        Some((f, field)) => match f.get_ref().to_ascii_lowercase().as_str() {
            "daily" => Frequency::Daily,
            "weekly" => Frequency::Weekly,
            "immediate" => Frequency::Immediate,
            other => {
                let at = c.at(f, field);
                c.error(
                    at,
                    format!("unknown frequency `{other}`; use daily, weekly or immediate"),
                );
                Frequency::Daily
            }
        },
    };
    if let Some(r) = notify.iter().find(|r| !frequency.reaches(r)) {
        c.error(
            at.clone(),
            format!(
                "`{r}` cannot get {frequency} alerts: AWS sends daily and weekly summaries by e-mail and immediate alerts to one SNS topic"
            ),
        );
    }
    check_name(c, &at, spec, department, "anomaly monitor");
    if c.errors.len() > before {
        return None;
    }
    Some(AnomalyRule {
        department: department.to_owned(),
        threshold_usd: threshold?,
        frequency,
        notify,
        at,
    })
}

/// One budget and one alert per department: teams that share a department
/// must ask for the same ones.
#[derive(Default)]
pub(super) struct PerDepartment {
    budgets: BTreeMap<String, (String, BudgetRule)>,
    anomalies: BTreeMap<String, (String, AnomalyRule)>,
}

impl PerDepartment {
    fn conflict(c: &mut Checker<'_>, at: &Location, what: &str, team: &str, other: &str, department: &str) {
        c.error(
            at.clone(),
            format!(
                "teams `{other}` and `{team}` share department `{department}` but ask for different {what}s; a department has one {what}: make them the same"
            ),
        );
    }

    pub(super) fn budget(&mut self, c: &mut Checker<'_>, team: &str, rule: BudgetRule) {
        match self.budgets.get(&rule.department) {
            Some((other, r))
                if (&r.monthly_usd, &r.thresholds, r.forecast, &r.notify)
                    != (&rule.monthly_usd, &rule.thresholds, rule.forecast, &rule.notify) =>
            {
                Self::conflict(c, &rule.at, "budget", team, other, &rule.department);
            }
            Some(_) => {}
            None => {
                self.budgets
                    .insert(rule.department.clone(), (team.to_owned(), rule));
            }
        }
    }

    pub(super) fn anomaly(&mut self, c: &mut Checker<'_>, team: &str, rule: AnomalyRule) {
        match self.anomalies.get(&rule.department) {
            Some((other, r))
                if (&r.threshold_usd, r.frequency, &r.notify)
                    != (&rule.threshold_usd, rule.frequency, &rule.notify) =>
            {
                Self::conflict(c, &rule.at, "anomaly alert", team, other, &rule.department);
            }
            Some(_) => {}
            None => {
                self.anomalies
                    .insert(rule.department.clone(), (team.to_owned(), rule));
            }
        }
    }

    /// The budgets and alerts, by department.
    pub(super) fn finish(self) -> (Vec<BudgetRule>, Vec<AnomalyRule>) {
        (
            self.budgets.into_values().map(|(_, r)| r).collect(),
            self.anomalies.into_values().map(|(_, r)| r).collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::super::tests::errors;
    use super::*;

    const SPEC: &str = r#"name = "platform"

[defaults]
regions = ["us-east-1"]
models = ["nova"]
budget = { monthly = 2000, notify = ["finops@example.com"], thresholds = [80, 100], forecast = true }

[models.nova]
source = "amazon.nova-pro-v1:0"

[teams.search]
department = "Search"
budget = { monthly = 5000.5 }
anomaly = { threshold_usd = 100, notify = ["finops@example.com"] }

[teams.legal]
department = "Legal"
"#;

    #[test]
    fn a_team_overrides_the_default_budget_field_by_field() {
        let spec = parse(SPEC).unwrap();
        assert!(spec.declares_budgets && spec.declares_anomalies);
        let got: Vec<String> = spec
            .budgets
            .iter()
            .map(|b| {
                format!(
                    "{} {} {:?} {} {}",
                    b.department, b.monthly_usd, b.thresholds, b.forecast, b.at.field
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "Legal 2000 [80, 100] true defaults.budget",
                "Search 5000.5 [80, 100] true teams.search.budget",
            ]
        );
        assert_eq!(spec.anomalies.len(), 1);
        assert_eq!(spec.anomalies[0].frequency, Frequency::Daily);
        assert_eq!(spec.anomalies[0].threshold_usd, Decimal::from(100));
    }

    #[test]
    fn bad_amounts_addresses_and_thresholds_are_refused_at_their_line() {
        let e = errors(&SPEC.replace("monthly = 5000.5", "monthly = -5"));
        assert_eq!(
            e,
            ["line 13: `teams.search.budget.monthly`: the amount -5 must be more than 0 USD"]
        );
        let e = errors(&SPEC.replace(
            "[\"finops@example.com\"], thresholds",
            "[\"finops@\"], thresholds",
        ));
        assert!(
            e[0].starts_with("line 6: `defaults.budget.notify[0]`: invalid address `finops@`"),
            "{e:?}"
        );
        let e = errors(&SPEC.replace("[80, 100]", "[0, 1001]"));
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].contains("`defaults.budget.thresholds[0]`: the threshold 0% is outside 1-1000%"),
            "{e:?}"
        );
        let e = errors(&SPEC.replace("monthly = 5000.5", "monthly = 10.001"));
        assert!(e[0].contains("fractions of a cent"), "{e:?}");
        let e = errors(&SPEC.replace("monthly = 5000.5", "monthly = \"lots\""));
        assert!(e[0].contains("`lots` is not an amount in USD"), "{e:?}");
        let e = errors(&SPEC.replace("monthly = 5000.5", "montly = 1"));
        assert!(e[0].contains("unknown field `montly`"), "{e:?}");
    }

    #[test]
    fn more_than_aws_allows_is_refused() {
        let many: Vec<String> = (1..=10).map(|i| (i * 10).to_string()).collect();
        let e = errors(&SPEC.replace("[80, 100]", &format!("[{}]", many.join(", "))));
        assert!(
            e.iter()
                .any(|e| e
                    .contains("11 notifications (10 thresholds and the forecast); AWS allows 10 per budget")),
            "{e:?}"
        );
        let emails: Vec<String> = (0..11).map(|i| format!("\"p{i}@example.com\"")).collect();
        let e = errors(&SPEC.replace(
            "[\"finops@example.com\"], thresholds",
            &format!("[{}], thresholds", emails.join(", ")),
        ));
        assert!(
            e[0].contains("11 e-mail addresses and 0 SNS topics; AWS allows 10 and 1 per notification"),
            "{e:?}"
        );
        let e = errors(&SPEC.replace(
            "[\"finops@example.com\"], thresholds",
            "[\"arn:aws:sns:us-east-1:123456789012:a\", \"arn:aws:sns:us-east-1:123456789012:b\"], thresholds",
        ));
        assert!(e[0].contains("0 e-mail addresses and 2 SNS topics"), "{e:?}");
    }

    #[test]
    fn notify_and_thresholds_come_together() {
        let e = errors(&SPEC.replace("monthly = 5000.5", "monthly = 1, notify = []"));
        assert!(
            e[0].contains("`teams.search.budget`: thresholds need someone to tell"),
            "{e:?}"
        );
        let e = errors(&SPEC.replace(
            "monthly = 5000.5",
            "monthly = 1, thresholds = [], forecast = false",
        ));
        assert!(e[0].contains("tells no one anything"), "{e:?}");
    }

    #[test]
    fn anomaly_recipients_must_suit_the_frequency() {
        let e = errors(&SPEC.replace(
            "threshold_usd = 100,",
            "threshold_usd = 100, frequency = \"immediate\",",
        ));
        assert!(
            e[0].contains("`finops@example.com` cannot get immediate alerts"),
            "{e:?}"
        );
        let spec = parse(&SPEC.replace(
            "notify = [\"finops@example.com\"] }",
            "notify = [\"arn:aws:sns:us-east-1:123456789012:alerts\"] }",
        ))
        .unwrap();
        assert_eq!(spec.anomalies[0].frequency, Frequency::Immediate);
        let e = errors(&SPEC.replace("threshold_usd = 100", "threshold_usd = -1"));
        assert!(
            e[0].contains("`teams.search.anomaly.threshold_usd`: the amount -1 must be 0 or more USD"),
            "{e:?}"
        );
    }

    #[test]
    fn teams_sharing_a_department_share_its_budget() {
        let same = SPEC.replace(
            "department = \"Legal\"",
            "department = \"Search\"\nbudget = { monthly = 5000.5 }",
        );
        assert_eq!(parse(&same).unwrap().budgets.len(), 1);
        let e = errors(&SPEC.replace("department = \"Legal\"", "department = \"Search\""));
        assert!(
            e[0].contains(
                "teams `search` and `legal` share department `Search` but ask for different budgets"
            ),
            "{e:?}"
        );
    }

    #[test]
    fn a_department_aws_cannot_name_a_budget_after_is_refused() {
        let e = errors(&SPEC.replace("department = \"Legal\"", "department = \"Legal:EU\""));
        assert!(
            e[0].contains("would be named `aipctl-platform-Legal:EU`: `:` and `\\` are not allowed"),
            "{e:?}"
        );
    }
}
