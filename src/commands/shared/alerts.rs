//! The spec's budgets and anomaly alerts in `plan` and `apply`: reading what
//! the account has, planning, checking a saved plan, and executing.
//!
//! Budgets are read on every plan (AWS publishes no per-request price for the
//! Budgets API, unlike Cost Explorer's USD 0.01), so removing a
//! spec's last `budget` entry still finds its budgets; when the spec has no
//! `budget` entry, a refusal (no billing access) only means there is nothing
//! to manage, and is said with `-v`. Cost Anomaly Detection is read only
//! when the spec has an `anomaly` entry: its calls go to the Cost Explorer
//! API, which AWS bills per request. A budget's services come from one
//! `GetDimensionValues` over the last 12 months (cached like `cost`'s).

use futures::{StreamExt, stream};
use jiff::Timestamp;

use crate::aws::Aws;
use crate::aws::Deleted;
use crate::aws::anomaly::Anomalies;
use crate::aws::budgets::Budgets;
use crate::aws::cache::{self, CacheSettings};
use crate::domain::anomaly::{self, Monitor, Subscription};
use crate::domain::budget::{self, Current};
use crate::domain::cost::{DateRange, SpanUnit, TimeSpec};
use crate::domain::outcome::Outcome;
use crate::domain::plan::{Alerts, Fingerprint};
use crate::domain::spec::{Location, Spec, SpecError};
use crate::error::{Error, Result, SpecErrors};
use crate::output::Output;
use crate::output::cost::paid_summary;
use crate::output::plan::GLOBAL;
use crate::output::profiles::OutcomeRow;

/// How long discovered billing services are reused (as `cost` caches by default).
const SERVICES_TTL: std::time::Duration = std::time::Duration::from_secs(6 * 3600);

/// What the account has, for what the spec manages.
pub struct Read {
    pub budgets: Option<Vec<Current>>,
    pub anomalies: Option<(Vec<Monitor>, Vec<Subscription>)>,
    /// Bedrock's billing services (only looked up when the spec has budgets).
    pub services: Vec<String>,
}

fn is_access_denied(e: &Error) -> bool {
    matches!(e.aws_code(), Some("AccessDeniedException" | "AccessDenied"))
}

/// Reads budgets, anomaly alerts and services as [`Read`] says.
pub async fn read(aws: &Aws, spec: &Spec, account: &str, now: Timestamp, out: &mut Output) -> Result<Read> {
    let budgets = aws.budgets(account);
    let anomalies = aws.anomalies();
    let read_budgets = async {
        match budgets.list().await {
            Ok(mut b) => {
                // The spec's own (desired names and possible orphans) in detail.
                let ours = budget::name(&spec.name, "");
                budgets
                    .detail(&mut b, |c| c.name.starts_with(&ours), true)
                    .await?;
                Ok(Some(b))
            }
            Err(e) if !spec.declares_budgets && is_access_denied(&e) => Ok(None),
            Err(e) => Err(e),
        }
    };
    let read_anomalies = async {
        if spec.declares_anomalies {
            anomalies.list().await.map(Some)
        } else {
            Ok(None)
        }
    };
    let ce = aws.cost_explorer(CacheSettings {
        dir: cache::default_dir().map(|d| d.join("cost-explorer")),
        ttl: SERVICES_TTL,
        reuse: true,
        now: now.as_second(),
    });
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let range = DateRange::resolve(
        TimeSpec::Last {
            count: 12,
            unit: SpanUnit::Months,
        },
        today,
    )?;
    let discover = async {
        if spec.budgets.is_empty() {
            Ok(Vec::new())
        } else {
            ce.bedrock_services(&range).await
        }
    };
    let (b, a, services) = tokio::try_join!(read_budgets, read_anomalies, discover)?;
    if b.is_none() {
        out.detail("Budgets refused access, and the spec has no `budget`: budgets were not read");
    }
    let paid = ce.paid_requests();
    if paid.total() > 0 {
        out.note(&paid_summary(&paid));
    }
    Ok(Read {
        budgets: b,
        anomalies: a,
        services,
    })
}

fn spec_error(file: &str, at: &Location, message: String, hint: &str) -> Error {
    Error::Spec {
        errors: SpecErrors {
            file: file.to_owned(),
            errors: vec![SpecError {
                at: at.clone(),
                message,
            }],
        },
        hint: Some(hint.to_owned()),
    }
}

/// The spec's budget and alert changes against what was read. A wanted
/// budget name held by another department's budget is an exit-2 error at
/// the spec line.
pub fn plan(spec: &Spec, read: &Read, file: &str) -> Result<Alerts> {
    let budgets = match &read.budgets {
        None => None,
        Some(actual) => {
            let desired: Vec<budget::Desired> = spec
                .budgets
                .iter()
                .map(|r| {
                    let name = budget::name(&spec.name, &r.department);
                    let current = actual.iter().find(|c| c.name == name);
                    budget::Desired::new(r, &spec.name, &read.services, current)
                })
                .collect();
            let p = budget::diff(&spec.name, &desired, actual).map_err(|clashes| {
                let c = &clashes[0];
                let rule = spec
                    .budgets
                    .iter()
                    .find(|r| r.department == c.department)
                    .expect("a clash is about a desired budget");
                spec_error(
                    file,
                    &rule.at,
                    format!(
                        "the budget `{}` exists and watches department `{}`, not `{}`; it belongs to another spec or was made by hand",
                        c.name, c.other_department, c.department
                    ),
                    "rename the department or the spec, or delete that budget first",
                )
            })?;
            let states = budget::states(&p.changes, actual);
            Some((p, states))
        }
    };
    let anomalies = read.anomalies.as_ref().map(|(monitors, subscriptions)| {
        let desired: Vec<anomaly::Desired> = spec
            .anomalies
            .iter()
            .map(|r| anomaly::Desired::new(r, &spec.name))
            .collect();
        let p = anomaly::diff(&spec.name, &desired, monitors, subscriptions);
        let states = anomaly::states(&p.changes, subscriptions);
        (p, states)
    });
    Ok(Alerts { budgets, anomalies })
}

/// How the budgets and alerts a saved plan touches changed since it was made.
pub async fn changes_since(aws: &Aws, spec: &str, fp: &Fingerprint) -> Result<Vec<String>> {
    let mut out = Vec::new();
    if let Some(states) = &fp.budgets {
        let b = aws.budgets(&fp.account);
        let mut actual = b.list().await?;
        b.detail(&mut actual, |c| states.iter().any(|s| s.name == c.name), true)
            .await?;
        out.extend(budget::changes_since(states, &actual));
    }
    if let Some(states) = &fp.anomalies {
        let (monitors, subscriptions) = aws.anomalies().list().await?;
        out.extend(anomaly::changes_since(spec, states, &monitors, &subscriptions));
    }
    Ok(out)
}

fn row(name: &str, result: Outcome, detail: Option<String>) -> OutcomeRow {
    OutcomeRow {
        account: None,
        name: name.to_owned(),
        arn: String::new(),
        region: GLOBAL.to_owned(),
        result,
        error: detail,
    }
}

/// What `apply` holds back: orphans without `--prune`.
pub fn kept(budgets: &[budget::Change], anomalies: &[anomaly::Change]) -> Vec<OutcomeRow> {
    let held = "orphan; pass `--prune` to delete it".to_owned();
    budgets
        .iter()
        .filter(|c| matches!(c, budget::Change::Orphan { .. }))
        .map(|c| row(c.name(), Outcome::Kept, Some(format!("budget {held}"))))
        .chain(
            anomalies
                .iter()
                .filter(|c| matches!(c, anomaly::Change::Orphan { .. }))
                .map(|c| row(c.name(), Outcome::Kept, Some(format!("anomaly monitor {held}")))),
        )
        .collect()
}

async fn budget_change(b: &Budgets, c: &budget::Change) -> Result<Outcome> {
    match c {
        budget::Change::Create { budget } => {
            b.create(budget).await?;
            Ok(Outcome::Created)
        }
        budget::Change::Update { steps, budget, .. } => {
            let name = &budget.name;
            if steps.update_budget {
                b.update(budget).await?;
            }
            for n in &steps.create_notifications {
                b.create_notification(name, n, &budget.subscribers).await?;
            }
            for (n, who) in &steps.add_subscribers {
                for r in who {
                    b.create_subscriber(name, n, r).await?;
                }
            }
            for (n, who) in &steps.remove_subscribers {
                for r in who {
                    b.delete_subscriber(name, n, r).await?;
                }
            }
            for n in &steps.delete_notifications {
                b.delete_notification(name, n).await?;
            }
            Ok(Outcome::Updated)
        }
        budget::Change::Orphan { name, .. } => Ok(match b.delete(name).await? {
            Deleted::Now => Outcome::Deleted,
            Deleted::AlreadyGone => Outcome::AlreadyGone,
        }),
    }
}

async fn anomaly_change(a: &Anomalies, c: &anomaly::Change) -> Result<Outcome> {
    match c {
        anomaly::Change::Create { alert } => {
            let monitor = a.create_monitor(alert).await?;
            a.create_subscription(alert, &monitor).await?;
            Ok(Outcome::Created)
        }
        anomaly::Change::Update {
            monitor_arn,
            subscription_arn,
            alert,
            ..
        } => {
            match subscription_arn {
                Some(arn) => a.update_subscription(arn, alert, monitor_arn).await?,
                None => {
                    a.create_subscription(alert, monitor_arn).await?;
                }
            }
            Ok(Outcome::Updated)
        }
        anomaly::Change::Orphan {
            monitor_arn,
            subscription_arns,
            ..
        } => {
            for s in subscription_arns {
                a.delete_subscription(s).await?;
            }
            a.delete_monitor(monitor_arn).await?;
            Ok(Outcome::Deleted)
        }
    }
}

/// Runs the budget and alert changes (orphans only when `prune`), each
/// reported as one row; a failure fails that row only.
pub async fn execute(
    aws: &Aws,
    account: &str,
    budgets: &[budget::Change],
    anomalies: &[anomaly::Change],
) -> Vec<OutcomeRow> {
    let b = aws.budgets(account);
    let a = aws.anomalies();
    let outcome = |name: &str, what: &str, r: Result<Outcome>| match r {
        Ok(o) => row(name, o, Some(what.to_owned())),
        Err(e) => row(name, Outcome::Failed, Some(format!("{what}: {e}"))),
    };
    let budget_rows = stream::iter(budgets.iter().map(|c| {
        let b = &b;
        async move { outcome(c.name(), "budget", budget_change(b, c).await) }
    }))
    .buffer_unordered(aws.concurrency)
    .collect::<Vec<_>>();
    let anomaly_rows = stream::iter(anomalies.iter().map(|c| {
        let a = &a;
        async move { outcome(c.name(), "anomaly monitor", anomaly_change(a, c).await) }
    }))
    .buffer_unordered(aws.concurrency)
    .collect::<Vec<_>>();
    let (mut rows, more) = tokio::join!(budget_rows, anomaly_rows);
    rows.extend(more);
    rows
}
