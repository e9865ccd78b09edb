//! `aipctl budgets`: where each budget stands this month, from AWS's own
//! `CalculatedSpend`: the share of the limit spent, the forecast, which
//! notifications the spend has set off, and the `--fail-over` gate.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::{Current, Notification, NotificationKind};
use crate::domain::InputError;

/// `--fail-over PCT`: a share of a budget's limit, in percent (`90`, `90%`, `112.5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LimitShare(pub Decimal);

impl FromStr for LimitShare {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim().trim_end_matches('%');
        let v: Decimal = text.parse().map_err(|_| {
            InputError::new(
                "percentage",
                s,
                "expected a number of percent, like `90` or `112.5`",
            )
        })?;
        if v <= Decimal::ZERO || v > Decimal::from(10_000) {
            return Err(InputError::new(
                "percentage",
                s,
                "must be more than 0 and at most 10000",
            ));
        }
        Ok(Self(v.normalize()))
    }
}

/// One notification and whether this month's spend has set it off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Threshold {
    /// `actual > 80%`.
    pub notification: String,
    pub crossed: bool,
}

/// A budget's standing this month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    pub name: String,
    /// The spec and department of a budget aipctl manages.
    pub spec: Option<String>,
    pub department: Option<String>,
    pub limit: Decimal,
    pub unit: String,
    pub period: String,
    pub actual: Decimal,
    /// AWS gives no forecast before it has a billing cycle of history.
    pub forecast: Option<Decimal>,
    /// Actual spend as a share of the limit, to one decimal (none for a zero limit).
    pub used_percent: Option<Decimal>,
    pub thresholds: Vec<Threshold>,
}

impl Status {
    pub fn of(c: &Current) -> Self {
        let actual = c.actual.unwrap_or_default();
        let crossed = |n: &Notification| match n.kind {
            NotificationKind::Actual => n.crossed_by(actual, c.limit),
            NotificationKind::Forecasted => c.forecast.is_some_and(|f| n.crossed_by(f, c.limit)),
        };
        let owner = c.owner();
        Self {
            name: c.name.clone(),
            spec: owner.map(|(s, _)| s.to_owned()),
            department: owner.map(|(_, d)| d.to_owned()),
            limit: c.limit.normalize(),
            unit: c.unit.clone(),
            period: c.time_unit.clone(),
            actual,
            forecast: c.forecast,
            used_percent: (!c.limit.is_zero()).then(|| {
                (actual * Decimal::ONE_HUNDRED / c.limit)
                    .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
                    .normalize()
            }),
            thresholds: c
                .notifications
                .iter()
                .map(|(n, _)| Threshold {
                    notification: n.to_string(),
                    crossed: crossed(n),
                })
                .collect(),
        }
    }

    /// Whether more than `limit` percent of the budget is spent.
    pub fn is_over(&self, limit: LimitShare) -> bool {
        self.limit.is_zero() && self.actual > Decimal::ZERO
            || !self.limit.is_zero() && self.actual * Decimal::ONE_HUNDRED > limit.0 * self.limit
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::{BudgetFilter, Comparison, ThresholdType};
    use super::*;

    fn current(limit: i64, actual: &str, forecast: Option<&str>) -> Current {
        let n = |kind, t: i64| {
            (
                Notification {
                    kind,
                    comparison: Comparison::GreaterThan,
                    threshold: Decimal::from(t),
                    threshold_type: ThresholdType::Percentage,
                },
                vec![],
            )
        };
        Current {
            name: "aipctl-platform-Search".into(),
            limit: Decimal::from(limit),
            unit: "USD".into(),
            time_unit: "MONTHLY".into(),
            budget_type: "COST".into(),
            metrics: vec!["UnblendedCost".into()],
            filter: BudgetFilter {
                tags: BTreeMap::from([("Department".to_owned(), vec!["Search".to_owned()])]),
                ..BudgetFilter::default()
            },
            notifications: vec![
                n(NotificationKind::Actual, 80),
                n(NotificationKind::Actual, 100),
                n(NotificationKind::Forecasted, 100),
            ],
            actual: Some(actual.parse().unwrap()),
            forecast: forecast.map(|f| f.parse().unwrap()),
        }
    }

    #[test]
    fn the_share_spent_and_the_thresholds_crossed() {
        let s = Status::of(&current(200, "170.004", Some("260")));
        assert_eq!(s.spec.as_deref(), Some("platform"));
        assert_eq!(s.department.as_deref(), Some("Search"));
        assert_eq!(s.used_percent, Some("85".parse().unwrap()));
        let crossed: Vec<(&str, bool)> = s
            .thresholds
            .iter()
            .map(|t| (t.notification.as_str(), t.crossed))
            .collect();
        assert_eq!(
            crossed,
            [
                ("actual > 80%", true),
                ("actual > 100%", false),
                ("forecast > 100%", true)
            ]
        );
        assert!(s.is_over("84.9".parse().unwrap()));
        assert!(!s.is_over("85.1".parse().unwrap()));
    }

    #[test]
    fn percentages_parse_with_or_without_the_sign() {
        assert_eq!(
            "90%".parse::<LimitShare>().unwrap(),
            LimitShare(Decimal::from(90))
        );
        assert!("0".parse::<LimitShare>().is_err());
        assert!("ninety".parse::<LimitShare>().is_err());
    }
}
