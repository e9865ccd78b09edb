//! Figures from CloudWatch: usage over a window for a set of profiles, the
//! way `usage`, `describe --usage` and `report` read it, and for any
//! `ModelId` values (`coverage`); and the day of each profile's last traffic,
//! the way `prune` and `report` judge idleness.

use jiff::Timestamp;

use super::accounts::{Failures, Fleet};
use crate::aws::Aws;
use crate::cli::WindowArgs;
use crate::domain::profile::Profile;
use crate::domain::prune;
use crate::domain::region::Region;
use crate::domain::usage::{self, Metric, Usage};
use crate::domain::window::{MAX_DAYS, Span, Window};
use crate::error::Result;

/// The window from `--since` or `--from/--to`.
pub fn window(args: &WindowArgs, now: Timestamp) -> Result<Window> {
    match (args.from, args.to) {
        (Some(from), Some(to)) => Ok(Window::days(from.0, to.0, now)?),
        _ => Ok(Window::since(args.since, now)),
    }
}

/// Every figure of [`Metric::ALL`] for `profiles`, in their order; profiles
/// without datapoints get zeros. Also returns the number of metric requests.
pub async fn usage_of(aws: &Aws, profiles: &[Profile], window: &Window) -> Result<(Vec<Usage>, usize)> {
    let (metrics, calls) = aws.profile_metrics(profiles, &Metric::ALL, window).await?;
    let usages = metrics.iter().map(|m| usage::fold(m, window)).collect();
    Ok((usages, calls))
}

/// Invocations and the four token kinds ([`Metric::TOKENS`]) for each
/// `ModelId` value of each region, over `window`, in the order given (values
/// without datapoints get zeros). Also returns the number of metric requests.
pub async fn model_id_usage(
    aws: &Aws,
    by_region: &[(Region, Vec<String>)],
    window: &Window,
) -> Result<(Vec<Vec<Usage>>, usize)> {
    let (metrics, calls) = aws.model_id_metrics(by_region, &Metric::TOKENS, window).await?;
    let usages = metrics
        .iter()
        .map(|region| region.iter().map(|m| usage::fold(m, window)).collect())
        .collect();
    Ok((usages, calls))
}

/// [`usage_of`] in every account the profiles were read in, at once; an
/// account whose metrics fail is a failure of the run (its profiles are
/// left out) in a multi-account run, the error otherwise. Returns the
/// profiles kept, their usage, and the number of metric requests.
pub async fn usage_of_fleet(
    fleet: &Fleet,
    profiles: Vec<Profile>,
    window: &Window,
    failures: &mut Failures,
) -> Result<(Vec<Profile>, Vec<Usage>, usize)> {
    let groups = fleet.by_member(profiles);
    let read = futures::future::join_all(groups.into_iter().map(|(m, ps)| async move {
        let r = usage_of(&m.aws, &ps, window).await;
        (m, ps, r)
    }))
    .await;
    let (mut kept, mut usages, mut calls) = (Vec::new(), Vec::new(), 0);
    for (m, ps, r) in read {
        match r {
            Ok((u, n)) => {
                kept.extend(ps);
                usages.extend(u);
                calls += n;
            }
            Err(e) => failures.member(m, e)?,
        }
    }
    Ok((kept, usages, calls))
}

/// How far back `prune` looks for the last traffic it reports: at least 90
/// days and the idle window, within CloudWatch's retention.
pub fn look_back(idle: Span) -> Span {
    let idle_days = u32::try_from(idle.whole_days() + 1).unwrap_or(MAX_DAYS);
    Span::Days(idle_days.clamp(90, MAX_DAYS))
}

/// The UTC day of each profile's last traffic (in order), looking back
/// `span` from `now` in daily buckets that start at midnight, and the number
/// of `GetMetricData` requests it took.
pub async fn last_traffic(
    aws: &Aws,
    profiles: &[Profile],
    span: Span,
    now: Timestamp,
) -> Result<(Vec<Option<jiff::civil::Date>>, usize)> {
    let window = Window::since(span, now);
    let (metrics, calls) = aws.profile_metrics(profiles, &Metric::TRAFFIC, &window).await?;
    let last = metrics
        .iter()
        .map(|m| {
            let series: Vec<&[(i64, f64)]> = Metric::TRAFFIC
                .iter()
                .filter_map(|k| m.get(k).map(Vec::as_slice))
                .collect();
            prune::last_traffic(&series)
        })
        .collect();
    Ok((last, calls))
}
