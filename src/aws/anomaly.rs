//! Cost Anomaly Detection: the account's monitors and alert subscriptions,
//! read into [`anomaly::Monitor`] and [`anomaly::Subscription`], and the
//! writes `apply` makes.
//!
//! The operations are part of the Cost Explorer API (the `ce` endpoint,
//! pinned to us-east-1 like [`super::costexplorer`]) but not its reports:
//! they go through a client of their own, neither cached nor counted as
//! paid report requests. aipctl's monitors are CUSTOM monitors on the
//! department tag; its subscriptions alert when an anomaly's
//! `ANOMALY_TOTAL_IMPACT_ABSOLUTE` is at least the threshold (the
//! `ThresholdExpression` the `ce` model documents; the older `Threshold`
//! number is read, never written).

use aws_sdk_costexplorer::Client;
use aws_sdk_costexplorer::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_costexplorer::types::{
    AnomalyMonitor, AnomalySubscription, AnomalySubscriptionFrequency, Dimension, DimensionValues,
    Expression, MatchOption, MonitorType, Subscriber, SubscriberType, TagValues,
};
use rust_decimal::Decimal;

use super::{Aws, failure};
use crate::domain::anomaly::{self, Desired, Frequency, Monitor, Subscription};
use crate::domain::notify::Recipient;
use crate::domain::region::Region;
use crate::domain::tag::DEPARTMENT;
use crate::error::{AwsFailure, Error, Result};

const SERVICE: &str = "ce";
const REGION: &str = "us-east-1";
const PAGE: i32 = 100;

pub struct Anomalies {
    client: Client,
    endpoint: String,
}

impl Aws {
    /// The Cost Anomaly Detection gateway (global, signed for us-east-1).
    pub fn anomalies(&self) -> Anomalies {
        let region: Region = REGION.parse().expect("a valid region");
        let client = self.client("ce-anomaly", &region, |cfg| {
            sdk_client!(aws_sdk_costexplorer, cfg)
        });
        Anomalies {
            client,
            endpoint: self.endpoint("ce", &region),
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

fn frequency_of(f: &AnomalySubscriptionFrequency) -> Result<Frequency> {
    match f {
        AnomalySubscriptionFrequency::Daily => Ok(Frequency::Daily),
        AnomalySubscriptionFrequency::Weekly => Ok(Frequency::Weekly),
        AnomalySubscriptionFrequency::Immediate => Ok(Frequency::Immediate),
        other => Err(unexpected(
            "GetAnomalySubscriptions",
            format!("unknown Frequency `{}`", other.as_str()),
        )),
    }
}

fn recipient(s: &Subscriber) -> Recipient {
    let address = s.address().unwrap_or_default().to_owned();
    match s.r#type() {
        Some(SubscriberType::Sns) => Recipient::Sns(address),
        _ => Recipient::Email(address),
    }
}

fn subscriber(r: &Recipient) -> Subscriber {
    Subscriber::builder()
        .address(r.address())
        .r#type(if r.is_sns() {
            SubscriberType::Sns
        } else {
            SubscriberType::Email
        })
        .build()
}

/// `ANOMALY_TOTAL_IMPACT_ABSOLUTE >= threshold`.
fn threshold_expression(threshold: Decimal) -> Expression {
    Expression::builder()
        .dimensions(
            DimensionValues::builder()
                .key(Dimension::AnomalyTotalImpactAbsolute)
                .match_options(MatchOption::GreaterThanOrEqual)
                .values(threshold.normalize().to_string())
                .build(),
        )
        .build()
}

/// The absolute-impact threshold of a subscription, when that is all it
/// says; the deprecated `Threshold` number when there is no expression.
#[allow(deprecated, reason = "subscriptions made with `Threshold` still report it")]
fn threshold_of(s: &AnomalySubscription) -> Option<Decimal> {
    match s.threshold_expression() {
        Some(e) => {
            let d = e.dimensions()?;
            match (d.key(), d.values()) {
                (Some(Dimension::AnomalyTotalImpactAbsolute), [v]) => v.parse().ok(),
                _ => None,
            }
        }
        None => s.threshold().and_then(|t| t.to_string().parse().ok()),
    }
}

fn monitor_of(m: &AnomalyMonitor) -> Monitor {
    let department = match (
        m.monitor_type(),
        m.monitor_specification().and_then(Expression::tags),
    ) {
        (MonitorType::Custom, Some(t)) => t.key().and_then(|k| anomaly::tag_department(k, t.values())),
        _ => None,
    };
    Monitor {
        arn: m.monitor_arn().unwrap_or_default().to_owned(),
        name: m.monitor_name().to_owned(),
        department,
    }
}

impl Anomalies {
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

    /// Every monitor and every subscription of the account.
    pub async fn list(&self) -> Result<(Vec<Monitor>, Vec<Subscription>)> {
        let mut monitors = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .get_anomaly_monitors()
                .max_results(PAGE)
                .set_next_page_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail("GetAnomalyMonitors", &e))?;
            monitors.extend(page.anomaly_monitors().iter().map(monitor_of));
            match page.next_page_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => break,
            }
        }
        let mut subscriptions = Vec::new();
        loop {
            let page = self
                .client
                .get_anomaly_subscriptions()
                .max_results(PAGE)
                .set_next_page_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail("GetAnomalySubscriptions", &e))?;
            for s in page.anomaly_subscriptions() {
                subscriptions.push(Subscription {
                    arn: s.subscription_arn().unwrap_or_default().to_owned(),
                    name: s.subscription_name().to_owned(),
                    monitor_arns: s.monitor_arn_list().to_vec(),
                    threshold_usd: threshold_of(s),
                    frequency: frequency_of(s.frequency())?,
                    subscribers: s.subscribers().iter().map(recipient).collect(),
                });
            }
            match page.next_page_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => break,
            }
        }
        Ok((monitors, subscriptions))
    }

    /// A CUSTOM monitor on the department's tag; its ARN.
    pub async fn create_monitor(&self, d: &Desired) -> Result<String> {
        let monitor = AnomalyMonitor::builder()
            .monitor_name(&d.name)
            .monitor_type(MonitorType::Custom)
            .monitor_specification(
                Expression::builder()
                    .tags(TagValues::builder().key(DEPARTMENT).values(&d.department).build())
                    .build(),
            )
            .build()
            .map_err(|e| unexpected("CreateAnomalyMonitor", e.to_string()))?;
        let out = self
            .client
            .create_anomaly_monitor()
            .anomaly_monitor(monitor)
            .send()
            .await
            .map_err(|e| self.fail("CreateAnomalyMonitor", &e))?;
        Ok(out.monitor_arn().to_owned())
    }

    pub async fn create_subscription(&self, d: &Desired, monitor_arn: &str) -> Result<String> {
        let subscription = AnomalySubscription::builder()
            .subscription_name(&d.name)
            .monitor_arn_list(monitor_arn)
            .set_subscribers(Some(d.subscribers.iter().map(subscriber).collect()))
            .frequency(AnomalySubscriptionFrequency::from(d.frequency.api_name()))
            .threshold_expression(threshold_expression(d.threshold_usd))
            .build()
            .map_err(|e| unexpected("CreateAnomalySubscription", e.to_string()))?;
        let out = self
            .client
            .create_anomaly_subscription()
            .anomaly_subscription(subscription)
            .send()
            .await
            .map_err(|e| self.fail("CreateAnomalySubscription", &e))?;
        Ok(out.subscription_arn().to_owned())
    }

    /// Sets the subscription's threshold, frequency, recipients and monitor.
    pub async fn update_subscription(&self, arn: &str, d: &Desired, monitor_arn: &str) -> Result<()> {
        self.client
            .update_anomaly_subscription()
            .subscription_arn(arn)
            .threshold_expression(threshold_expression(d.threshold_usd))
            .frequency(AnomalySubscriptionFrequency::from(d.frequency.api_name()))
            .set_subscribers(Some(d.subscribers.iter().map(subscriber).collect()))
            .monitor_arn_list(monitor_arn)
            .send()
            .await
            .map_err(|e| self.fail("UpdateAnomalySubscription", &e))?;
        Ok(())
    }

    pub async fn delete_subscription(&self, arn: &str) -> Result<()> {
        match self.client.delete_anomaly_subscription().subscription_arn(arn).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(aws_sdk_costexplorer::operation::delete_anomaly_subscription::DeleteAnomalySubscriptionError::is_unknown_subscription_exception) => Ok(()),
            Err(e) => Err(self.fail("DeleteAnomalySubscription", &e)),
        }
    }

    pub async fn delete_monitor(&self, arn: &str) -> Result<()> {
        match self.client.delete_anomaly_monitor().monitor_arn(arn).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(aws_sdk_costexplorer::operation::delete_anomaly_monitor::DeleteAnomalyMonitorError::is_unknown_monitor_exception) => Ok(()),
            Err(e) => Err(self.fail("DeleteAnomalyMonitor", &e)),
        }
    }
}
