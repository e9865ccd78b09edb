//! AWS Budgets: the account's budgets with their notifications and
//! subscribers, read into [`budget::Current`], and the writes `apply` makes.
//!
//! Budgets is global: in the `aws` partition its one endpoint is
//! `budgets.amazonaws.com`, signed for us-east-1, so the client is pinned
//! there. Every call names the account (`AccountId`, from STS). Budgets are
//! read with `ShowFilterExpression` (without it AWS leaves the filter out);
//! amounts come back as decimal strings (`BudgetLimit` as Java prints a
//! double, `"2000.0"`; `CalculatedSpend` as the double's exact expansion),
//! and are read as decimals. Only the payer account, or an account whose
//! IAM users were given billing access, may call Budgets: the error's hint
//! says so (`crate::error`).

use aws_sdk_budgets::Client;
use aws_sdk_budgets::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_budgets::types::{
    Budget, BudgetType, ComparisonOperator, Dimension, Expression, ExpressionDimensionValues, MatchOption,
    Metric, Notification as SdkNotification, NotificationType, NotificationWithSubscribers, Spend,
    Subscriber, SubscriptionType, TagValues, ThresholdType as SdkThresholdType, TimeUnit,
};
use futures::{StreamExt, TryStreamExt, stream};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::{Aws, Deleted, failure};
use crate::domain::budget::{
    self, BudgetFilter, Comparison, Current, Desired, Notification, NotificationKind, Notified, ThresholdType,
};
use crate::domain::notify::Recipient;
use crate::domain::tag::DEPARTMENT;
use crate::error::{AwsFailure, Error, Result};

const SERVICE: &str = "budgets";
/// Budgets' one endpoint in the `aws` partition is signed for us-east-1.
const REGION: &str = "us-east-1";
/// `DescribeBudgets` pages hold at most 1,000 budgets; the listings of
/// notifications and subscribers at most 100.
const BUDGETS_PAGE: i32 = 1000;
const LIST_PAGE: i32 = 100;

/// The Budgets gateway for one account.
pub struct Budgets {
    client: Client,
    account: String,
    endpoint: String,
    concurrency: usize,
}

impl Aws {
    /// The Budgets gateway for `account` (a 12-digit ID, from STS).
    pub fn budgets(&self, account: &str) -> Budgets {
        let region: crate::domain::region::Region = REGION.parse().expect("a valid region");
        let client = self.client("budgets", &region, |cfg| sdk_client!(aws_sdk_budgets, cfg));
        Budgets {
            client,
            account: account.to_owned(),
            endpoint: self.endpoint("budgets", &region),
            concurrency: self.concurrency,
        }
    }
}

fn unexpected(operation: &'static str, message: String) -> Error {
    Error::Aws(Box::new(AwsFailure {
        service: SERVICE,
        operation,
        region: REGION.to_owned(),
        message,
        ..AwsFailure::default()
    }))
}

fn decimal(operation: &'static str, s: &str) -> Result<Decimal> {
    s.parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(s))
        .map_err(|_| unexpected(operation, format!("the amount `{s}` is not a decimal number")))
}

fn threshold_of(operation: &'static str, t: f64) -> Result<Decimal> {
    // `f64`'s Display is the shortest text that reads back as the same double.
    decimal(operation, &t.to_string())
}

fn spend(amount: Decimal) -> Result<Spend> {
    Spend::builder()
        .amount(amount.normalize().to_string())
        .unit(budget::UNIT)
        .build()
        .map_err(|e| unexpected("CreateBudget", e.to_string()))
}

/// A read notification in domain terms; `None` for a kind aipctl does not know.
fn notification_of(operation: &'static str, n: &SdkNotification) -> Result<Notification> {
    let kind = match n.notification_type() {
        NotificationType::Actual => NotificationKind::Actual,
        NotificationType::Forecasted => NotificationKind::Forecasted,
        other => {
            return Err(unexpected(
                operation,
                format!("unknown NotificationType `{}`", other.as_str()),
            ));
        }
    };
    let comparison = match n.comparison_operator() {
        ComparisonOperator::GreaterThan => Comparison::GreaterThan,
        ComparisonOperator::LessThan => Comparison::LessThan,
        ComparisonOperator::EqualTo => Comparison::EqualTo,
        other => {
            return Err(unexpected(
                operation,
                format!("unknown ComparisonOperator `{}`", other.as_str()),
            ));
        }
    };
    let threshold_type = match n.threshold_type() {
        None | Some(SdkThresholdType::Percentage) => ThresholdType::Percentage,
        Some(SdkThresholdType::AbsoluteValue) => ThresholdType::AbsoluteValue,
        Some(other) => {
            return Err(unexpected(
                operation,
                format!("unknown ThresholdType `{}`", other.as_str()),
            ));
        }
    };
    Ok(Notification {
        kind,
        comparison,
        threshold: threshold_of(operation, n.threshold())?,
        threshold_type,
    })
}

fn sdk_notification(n: &Notification) -> Result<SdkNotification> {
    SdkNotification::builder()
        .notification_type(match n.kind {
            NotificationKind::Actual => NotificationType::Actual,
            NotificationKind::Forecasted => NotificationType::Forecasted,
        })
        .comparison_operator(match n.comparison {
            Comparison::GreaterThan => ComparisonOperator::GreaterThan,
            Comparison::LessThan => ComparisonOperator::LessThan,
            Comparison::EqualTo => ComparisonOperator::EqualTo,
        })
        .threshold(n.threshold.to_f64().unwrap_or_default())
        .threshold_type(match n.threshold_type {
            ThresholdType::Percentage => SdkThresholdType::Percentage,
            ThresholdType::AbsoluteValue => SdkThresholdType::AbsoluteValue,
        })
        .build()
        .map_err(|e| unexpected("CreateNotification", e.to_string()))
}

fn subscriber(r: &Recipient) -> Result<Subscriber> {
    Subscriber::builder()
        .subscription_type(if r.is_sns() {
            SubscriptionType::Sns
        } else {
            SubscriptionType::Email
        })
        .address(r.address())
        .build()
        .map_err(|e| unexpected("CreateSubscriber", e.to_string()))
}

fn recipient(s: &Subscriber) -> Recipient {
    match s.subscription_type() {
        SubscriptionType::Sns => Recipient::Sns(s.address().to_owned()),
        _ => Recipient::Email(s.address().to_owned()),
    }
}

/// Whole-value matching: no match options, or `EQUALS` alone.
fn plain(options: &[MatchOption]) -> bool {
    options.is_empty() || options == [MatchOption::Equals]
}

/// Leaf `Tags` and `Dimensions` under at most one `And`, into `into`;
/// anything else is `other`.
fn read_expression(e: &Expression, top: bool, into: &mut BudgetFilter) {
    let mut other = |what: &str| {
        if into.other.is_none() {
            into.other = Some(what.to_owned());
        }
    };
    if let Some(t) = e.tags() {
        match t.key() {
            Some(key) if plain(t.match_options()) && !t.values().is_empty() => {
                into.tags
                    .entry(key.to_owned())
                    .or_default()
                    .extend(t.values().iter().cloned());
            }
            _ => other("a tag filter aipctl does not write"),
        }
    } else if let Some(d) = e.dimensions() {
        if plain(d.match_options()) {
            into.dimensions
                .entry(d.key().as_str().to_owned())
                .or_default()
                .extend(d.values().iter().cloned());
        } else {
            other("a dimension filter with match options");
        }
    } else if !e.and().is_empty() && top {
        for part in e.and() {
            read_expression(part, false, into);
        }
    } else if !e.or().is_empty() {
        other("Or");
    } else if e.not().is_some() {
        other("Not");
    } else if e.cost_categories().is_some() {
        other("cost categories");
    } else {
        other("a nested expression");
    }
}

#[allow(
    deprecated,
    reason = "a budget made with the deprecated `CostFilters` is read to be rewritten with `FilterExpression`"
)]
fn filter_of(b: &Budget) -> BudgetFilter {
    let mut f = BudgetFilter::default();
    if let Some(e) = b.filter_expression() {
        read_expression(e, true, &mut f);
    }
    if b.cost_filters().is_some_and(|c| !c.is_empty()) {
        f.other = Some("CostFilters".to_owned());
    }
    f
}

/// What aipctl writes: `And` of the department tag and the services.
fn expression(d: &Desired) -> Result<Expression> {
    let tag = Expression::builder()
        .tags(
            TagValues::builder()
                .key(DEPARTMENT)
                .values(&d.department)
                .match_options(MatchOption::Equals)
                .build(),
        )
        .build();
    let services = Expression::builder()
        .dimensions(
            ExpressionDimensionValues::builder()
                .key(Dimension::Service)
                .set_values(Some(d.services.clone()))
                .match_options(MatchOption::Equals)
                .build()
                .map_err(|e| unexpected("CreateBudget", e.to_string()))?,
        )
        .build();
    Ok(Expression::builder().and(tag).and(services).build())
}

fn budget_of(d: &Desired) -> Result<Budget> {
    Budget::builder()
        .budget_name(&d.name)
        .budget_limit(spend(d.limit_usd)?)
        .time_unit(TimeUnit::Monthly)
        .budget_type(BudgetType::Cost)
        .filter_expression(expression(d)?)
        .metrics(Metric::from(budget::METRIC))
        .build()
        .map_err(|e| unexpected("CreateBudget", e.to_string()))
}

impl Budgets {
    fn fail<E>(
        &self,
        operation: &'static str,
        err: &SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
    ) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        failure(SERVICE, operation, REGION, &self.endpoint, err)
    }

    /// Every budget of the account, by name, with its filter and
    /// `CalculatedSpend`, but no notifications yet (see [`Self::detail`]).
    pub async fn list(&self) -> Result<Vec<Current>> {
        const OP: &str = "DescribeBudgets";
        let mut out: Vec<Current> = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .describe_budgets()
                .account_id(&self.account)
                .show_filter_expression(true)
                .max_results(BUDGETS_PAGE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail(OP, &e))?;
            for b in page.budgets() {
                let amount = |s: Option<&Spend>| -> Result<Option<Decimal>> {
                    s.map(|s| decimal(OP, s.amount())).transpose()
                };
                let limit = b.budget_limit();
                out.push(Current {
                    name: b.budget_name().to_owned(),
                    limit: amount(limit)?.unwrap_or_default(),
                    unit: limit.map_or_else(String::new, |l| l.unit().to_owned()),
                    time_unit: b.time_unit().as_str().to_owned(),
                    budget_type: b.budget_type().as_str().to_owned(),
                    metrics: b.metrics().iter().map(|m| m.as_str().to_owned()).collect(),
                    filter: filter_of(b),
                    notifications: Vec::new(),
                    actual: amount(b.calculated_spend().and_then(|c| c.actual_spend()))?,
                    forecast: amount(b.calculated_spend().and_then(|c| c.forecasted_spend()))?,
                });
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => break,
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Fills in the notifications of the `wanted` budgets (one
    /// `DescribeNotificationsForBudget` each) and, with `subscribers`, who
    /// each notification goes to (one `DescribeSubscribersForNotification`
    /// per notification). Others are left without, to spare the requests.
    pub async fn detail(
        &self,
        budgets: &mut [Current],
        wanted: impl Fn(&Current) -> bool,
        subscribers: bool,
    ) -> Result<()> {
        let names: Vec<(usize, String)> = budgets
            .iter()
            .enumerate()
            .filter(|(_, b)| wanted(b))
            .map(|(i, b)| (i, b.name.clone()))
            .collect();
        let found: Vec<(usize, Vec<Notified>)> =
            stream::iter(names.into_iter().map(|(i, name)| async move {
                let mut out = Vec::new();
                for n in self.notifications(&name).await? {
                    let subs = if subscribers {
                        self.subscribers(&name, &n).await?
                    } else {
                        Vec::new()
                    };
                    out.push((notification_of("DescribeNotificationsForBudget", &n)?, subs));
                }
                Ok::<_, Error>((i, out))
            }))
            .buffer_unordered(self.concurrency.max(1))
            .try_collect()
            .await?;
        for (i, notifications) in found {
            budgets[i].notifications = notifications;
        }
        Ok(())
    }

    async fn notifications(&self, name: &str) -> Result<Vec<SdkNotification>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .describe_notifications_for_budget()
                .account_id(&self.account)
                .budget_name(name)
                .max_results(LIST_PAGE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail("DescribeNotificationsForBudget", &e))?;
            out.extend(page.notifications().iter().cloned());
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => break,
            }
        }
        Ok(out)
    }

    async fn subscribers(&self, name: &str, n: &SdkNotification) -> Result<Vec<Recipient>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .describe_subscribers_for_notification()
                .account_id(&self.account)
                .budget_name(name)
                .notification(n.clone())
                .max_results(LIST_PAGE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail("DescribeSubscribersForNotification", &e))?;
            out.extend(page.subscribers().iter().map(recipient));
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => break,
            }
        }
        Ok(out)
    }

    /// A new budget with its notifications and subscribers, in one call.
    pub async fn create(&self, d: &Desired) -> Result<()> {
        let subscribers: Vec<Subscriber> = d.subscribers.iter().map(subscriber).collect::<Result<_>>()?;
        let notifications = d
            .notifications
            .iter()
            .map(|n| {
                NotificationWithSubscribers::builder()
                    .notification(sdk_notification(n)?)
                    .set_subscribers(Some(subscribers.clone()))
                    .build()
                    .map_err(|e| unexpected("CreateBudget", e.to_string()))
            })
            .collect::<Result<Vec<_>>>()?;
        self.client
            .create_budget()
            .account_id(&self.account)
            .budget(budget_of(d)?)
            .set_notifications_with_subscribers(Some(notifications))
            .send()
            .await
            .map_err(|e| self.fail("CreateBudget", &e))?;
        Ok(())
    }

    /// Replaces the budget's definition (limit, filter, metric, period);
    /// its notifications stay.
    pub async fn update(&self, d: &Desired) -> Result<()> {
        self.client
            .update_budget()
            .account_id(&self.account)
            .new_budget(budget_of(d)?)
            .send()
            .await
            .map_err(|e| self.fail("UpdateBudget", &e))?;
        Ok(())
    }

    pub async fn delete(&self, name: &str) -> Result<Deleted> {
        match self
            .client
            .delete_budget()
            .account_id(&self.account)
            .budget_name(name)
            .send()
            .await
        {
            Ok(_) => Ok(Deleted::Now),
            Err(e)
                if e.as_service_error().is_some_and(
                    aws_sdk_budgets::operation::delete_budget::DeleteBudgetError::is_not_found_exception,
                ) =>
            {
                Ok(Deleted::AlreadyGone)
            }
            Err(e) => Err(self.fail("DeleteBudget", &e)),
        }
    }

    pub async fn create_notification(&self, name: &str, n: &Notification, to: &[Recipient]) -> Result<()> {
        self.client
            .create_notification()
            .account_id(&self.account)
            .budget_name(name)
            .notification(sdk_notification(n)?)
            .set_subscribers(Some(to.iter().map(subscriber).collect::<Result<_>>()?))
            .send()
            .await
            .map_err(|e| self.fail("CreateNotification", &e))?;
        Ok(())
    }

    pub async fn delete_notification(&self, name: &str, n: &Notification) -> Result<()> {
        self.client
            .delete_notification()
            .account_id(&self.account)
            .budget_name(name)
            .notification(sdk_notification(n)?)
            .send()
            .await
            .map_err(|e| self.fail("DeleteNotification", &e))?;
        Ok(())
    }

    pub async fn create_subscriber(&self, name: &str, n: &Notification, to: &Recipient) -> Result<()> {
        self.client
            .create_subscriber()
            .account_id(&self.account)
            .budget_name(name)
            .notification(sdk_notification(n)?)
            .subscriber(subscriber(to)?)
            .send()
            .await
            .map_err(|e| self.fail("CreateSubscriber", &e))?;
        Ok(())
    }

    pub async fn delete_subscriber(&self, name: &str, n: &Notification, to: &Recipient) -> Result<()> {
        self.client
            .delete_subscriber()
            .account_id(&self.account)
            .budget_name(name)
            .notification(sdk_notification(n)?)
            .subscriber(subscriber(to)?)
            .send()
            .await
            .map_err(|e| self.fail("DeleteSubscriber", &e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_aws_prints_them() {
        assert_eq!(decimal("x", "2000.0").unwrap(), Decimal::from(2000));
        let exact = decimal("x", "604.4560000000000172803993336856365203857421875").unwrap();
        assert_eq!(exact.round_dp(2).to_string(), "604.46");
        assert_eq!(threshold_of("x", 80.0).unwrap(), Decimal::from(80));
        assert_eq!(threshold_of("x", 90.5).unwrap().to_string(), "90.5");
    }

    #[test]
    fn the_written_filter_reads_back_as_the_department_and_services() {
        let d = Desired {
            name: "aipctl-p-Search".into(),
            department: "Search".into(),
            limit_usd: Decimal::from(10),
            services: vec!["Amazon Bedrock".into()],
            notifications: vec![],
            subscribers: vec![],
        };
        let mut f = BudgetFilter::default();
        read_expression(&expression(&d).unwrap(), true, &mut f);
        assert_eq!(f.department(), Some("Search"));
        assert_eq!(f.dimensions["SERVICE"], ["Amazon Bedrock"]);
        assert_eq!(f.other, None);
        let or = Expression::builder()
            .or(expression(&d).unwrap())
            .or(expression(&d).unwrap())
            .build();
        let mut f = BudgetFilter::default();
        read_expression(&or, true, &mut f);
        assert_eq!(f.other.as_deref(), Some("Or"));
    }
}
