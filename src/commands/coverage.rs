//! `aipctl coverage`: how much Bedrock traffic no department owns.
//!
//! Reads only. The order: every input checked (exit 2 before any request);
//! the application profiles of each region with their tags; one
//! `ListMetrics` per region for the `ModelId` values CloudWatch has (plus
//! every profile's ID, since `ListMetrics` forgets values idle for two
//! weeks); `GetMetricData` for all of them, batched as `usage` does. Each
//! series is classified ([`crate::domain::coverage`]) and the report printed;
//! with `--billed`, Cost Explorer's split of the same days' spend follows,
//! through the request, cache and counting `cost` uses. `--fail-under`
//! exits [`EXIT_BELOW_COVERAGE`] after the report when the attributed share
//! is below the threshold.

use std::collections::{BTreeSet, HashSet};

use futures::{StreamExt, TryStreamExt, stream};
use jiff::Timestamp;

use super::shared::accounts::Fleet;
use super::shared::metrics::{model_id_usage, window};
use super::shared::select::select;
use super::shared::session::connect;
use super::shared::spend;
use crate::aws::Aws;
use crate::aws::costexplorer::CostExplorer;
use crate::cli::{CoverageArgs, GlobalArgs};
use crate::domain::cost::{
    self, CostMetric, CostQuery, DateRange, Filter, Granularity, Grouping, PaidRequests, TimeSpec,
};
use crate::domain::coverage::billed::{self, BilledPeriod};
use crate::domain::coverage::{self, Coverage, Gate, Series, ShareBasis, Tokens};
use crate::domain::filter::ProfileFilter;
use crate::domain::profile::Profile;
use crate::domain::region::Region;
use crate::domain::tag::TagKey;
use crate::error::{EXIT_BELOW_COVERAGE, Error, Result};
use crate::output::cost::paid_summary;
use crate::output::coverage::{BilledView, CoverageMeta, CoverageReport};
use crate::output::{Output, plural};

pub async fn run(args: CoverageArgs, g: &GlobalArgs, now: Timestamp, out: &mut Output) -> Result<()> {
    super::shared::session::single_account(g, "coverage")?;
    let window = window(&args.window, now)?;
    let today = crate::domain::window::utc_date(now);
    // The billed range is checked with the rest, before any request.
    let billed_range = if args.billed {
        Some(DateRange::resolve(
            TimeSpec::Between {
                from: window.first_day(),
                to: window.last_day(),
            },
            today,
        )?)
    } else {
        None
    };
    let (aws, regions) = connect(g).await?;
    let selection = select(
        &mut Fleet::single(&aws),
        &regions,
        &ProfileFilter::default(),
        now,
        g,
        out,
    )
    .await?;
    let read: Vec<Region> = regions
        .iter()
        .filter(|r| selection.failures.was_read(None, r))
        .cloned()
        .collect();

    out.stage("finding the ModelId values CloudWatch has");
    let seen: Vec<(Region, HashSet<String>)> = stream::iter(read.iter().map(|r| {
        let cw = aws.cloudwatch(r);
        async move { Ok::<_, Error>((r.clone(), cw.model_ids().await?)) }
    }))
    .buffered(aws.concurrency)
    .try_collect()
    .await?;
    let by_region: Vec<(Region, Vec<String>)> = seen
        .into_iter()
        .map(|(region, values)| {
            let mut all: BTreeSet<String> = values.into_iter().collect();
            all.extend(
                selection
                    .profiles
                    .iter()
                    .filter(|p| p.region == region)
                    .map(|p| p.id.clone()),
            );
            (region, all.into_iter().collect())
        })
        .collect();
    let values: usize = by_region.iter().map(|(_, v)| v.len()).sum();
    out.stage(&format!(
        "reading CloudWatch metrics of {}",
        plural(values, "ModelId value")
    ));
    let (usages, calls) = model_id_usage(&aws, &by_region, &window).await?;
    out.detail(&format!(
        "{} for {}",
        plural(calls, "GetMetricData request"),
        plural(values, "ModelId value")
    ));

    let key = args.tag_key.as_str();
    let series = classified(&by_region, &usages, &selection.profiles, key);
    let coverage = Coverage::new(key, ShareBasis::Tokens, series);

    let (billed, paid) = match billed_range {
        Some(range) => {
            let (view, paid) = billed_view(&args, range, &aws, now, today, out).await?;
            (Some(view), Some(paid))
        }
        None => (None, None),
    };
    let report = CoverageReport::new(
        &coverage,
        CoverageMeta {
            window: &window,
            regions: regions.iter().map(ToString::to_string).collect(),
            fail_under: args.fail_under,
            billed,
            metric_requests: calls,
        },
    );
    out.data(&report)?;
    if let Some(paid) = &paid {
        out.note(&paid_summary(paid));
    }
    selection.failures.finish()?;
    gate(&args, &coverage, out)
}

/// Each `ModelId` value of each region with its figures, classified
/// against the region's profiles.
fn classified(
    by_region: &[(Region, Vec<String>)],
    usages: &[Vec<crate::domain::usage::Usage>],
    all_profiles: &[Profile],
    key: &str,
) -> Vec<Series> {
    let mut series = Vec::new();
    for ((region, ids), usages) in by_region.iter().zip(usages) {
        let profiles: Vec<&Profile> = all_profiles.iter().filter(|p| p.region == *region).collect();
        for (model_id, u) in ids.iter().zip(usages) {
            let source = coverage::classify(model_id, &profiles, key);
            let profile = profiles
                .iter()
                .find(|p| p.id == *model_id || p.arn.as_str() == model_id)
                .copied();
            series.push(Series {
                region: region.clone(),
                model_id: model_id.clone(),
                foundation_model: coverage::foundation_model(&source, profile),
                source,
                invocations: u.invocations,
                tokens: Tokens {
                    input: u.input_tokens,
                    output: u.output_tokens,
                    cache_read: u.cache_read_tokens,
                    cache_write: u.cache_write_tokens,
                },
            });
        }
    }
    series
}

/// `--fail-under`: after the report, exit 5 when the attributed share is below it.
fn gate(args: &CoverageArgs, coverage: &Coverage, out: &mut Output) -> Result<()> {
    let Some(threshold) = args.fail_under else {
        return Ok(());
    };
    let share = coverage
        .class_share(coverage::Class::Attributed)
        .map_or_else(|| "-".to_owned(), |s| format!("{s}%"));
    match coverage.gate(threshold) {
        Gate::Pass => Ok(()),
        Gate::NoTraffic => {
            out.note(&format!(
                "note: no Bedrock traffic in the window, so nothing is unattributed; `--fail-under {threshold}` passes"
            ));
            Ok(())
        }
        Gate::Below => {
            out.warn(&format!(
                "{share} of the traffic is attributed by `{}`, below `--fail-under {threshold}`",
                coverage.key
            ));
            Err(Error::Quiet(EXIT_BELOW_COVERAGE))
        }
    }
}

/// `--billed`: Cost Explorer's split of the window's days, per month. Every
/// request goes through the cache and is counted, as for `cost`.
async fn billed_view(
    args: &CoverageArgs,
    range: DateRange,
    aws: &Aws,
    now: Timestamp,
    today: jiff::civil::Date,
    out: &mut Output,
) -> Result<(BilledView, PaidRequests)> {
    out.stage("asking Cost Explorer");
    let ce = spend::explorer(aws, args.cache_ttl, args.no_cache, now);
    let result = billed_periods(&ce, &args.tag_key, range, now, today, out).await;
    for problem in ce.cache_problems() {
        out.detail(&format!("could not write the cache: {problem}"));
    }
    let paid = ce.paid_requests();
    match result {
        Ok((principal, services, periods)) => Ok((
            BilledView::new(args.tag_key.as_str(), principal, services, &periods, &paid),
            paid,
        )),
        Err(e) => {
            out.note(&paid_summary(&paid));
            Err(e)
        }
    }
}

type Billed = (Option<String>, Vec<String>, Vec<BilledPeriod>);

async fn billed_periods(
    ce: &CostExplorer,
    key: &TagKey,
    range: DateRange,
    now: Timestamp,
    today: jiff::civil::Date,
    out: &mut Output,
) -> Result<Billed> {
    // Every key, not only `key`: IAM-principal allocation shows as active `iamPrincipal/` keys.
    let tags = ce.cost_allocation_tags(None, true).await?;
    spend::warn_activation(out, &[key.as_str().to_owned()], &tags, &range, now);
    let principal = billed::principal_key(&tags, key.as_str());
    let services = ce.bedrock_services(&range).await?;
    let expected = range.periods(Granularity::Monthly);
    let shape = |results: &[cost::PeriodResult]| cost::shape(&expected, results, None, "USD", today);
    if services.is_empty() {
        out.note(&format!(
            "no Bedrock spend from {} to {}: Cost Explorer lists no Bedrock billing service then",
            range.start,
            range.last_day()
        ));
        return Ok((principal, services, billed::periods(&shape(&[]), None)));
    }
    let by_tag = spend::ByTag {
        key,
        range,
        granularity: Granularity::Monthly,
        metric: CostMetric::Unblended,
        split: None,
        filter_tags: &[],
        linked_accounts: None,
    };
    let table = shape(&ce.cost_and_usage(&by_tag.query(Some(&services))).await?);
    let by_principal = match &principal {
        Some(principal_key) => {
            // The spend without the tag, by the caller's tag.
            let query = CostQuery {
                range,
                granularity: Granularity::Monthly,
                metric: CostMetric::Unblended,
                group_by: vec![Grouping::Tag(principal_key.clone())],
                filter: Filter::all(vec![
                    Filter::Dimension {
                        key: "SERVICE".into(),
                        values: services.clone(),
                    },
                    Filter::TagAbsent {
                        key: key.as_str().to_owned(),
                    },
                ]),
            };
            Some(shape(&ce.cost_and_usage(&query).await?))
        }
        None => None,
    };
    Ok((
        principal,
        services,
        billed::periods(&table, by_principal.as_ref()),
    ))
}
