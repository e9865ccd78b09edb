//! `aipctl coverage`: how much Bedrock traffic no department owns, and what
//! it costs.
//!
//! Reads only. The order: every input checked (exit 2 before any request);
//! the accounts of the run (`--accounts`), the application profiles of each
//! account and region with their tags; then the coverage as
//! [`measure`] makes it (CloudWatch in each account with its own
//! credentials, prices from the Price List unless `--no-prices`). With
//! `--billed`, Cost Explorer's split of the same days' spend follows, through
//! the request, cache and counting `cost` uses (from the payer with
//! `--accounts`: only the accounts read, by `LINKED_ACCOUNT`). `--fail-under`
//! exits [`EXIT_BELOW_COVERAGE`] after the report when the attributed share
//! (on the basis shown) is below the threshold; a member that failed is
//! named after the report (exit 1).

use jiff::Timestamp;

use super::shared::cost::linked_accounts;
use super::shared::coverage::{Ask, measure};
use super::shared::metrics::window;
use super::shared::select::select;
use super::shared::session::connect_fleet;
use super::shared::spend;
use crate::aws::Aws;
use crate::aws::costexplorer::CostExplorer;
use crate::cli::{CoverageArgs, GlobalArgs};
use crate::domain::cost::{
    self, CostMetric, CostQuery, DateRange, Filter, Granularity, Grouping, PaidRequests, TimeSpec,
};
use crate::domain::coverage::billed::{self, BilledPeriod};
use crate::domain::coverage::{self, Coverage, Gate};
use crate::domain::filter::ProfileFilter;
use crate::domain::tag::TagKey;
use crate::error::{EXIT_BELOW_COVERAGE, Error, Result};
use crate::output::Output;
use crate::output::cost::paid_summary;
use crate::output::coverage::{BilledView, CoverageMeta, CoverageReport};

pub async fn run(args: CoverageArgs, g: &GlobalArgs, now: Timestamp, out: &mut Output) -> Result<()> {
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
    let (aws, regions, mut fleet) = connect_fleet(g, out).await?;
    let selection = select(&mut fleet, &regions, &ProfileFilter::default(), now, g, out).await?;
    let mut failures = selection.failures;
    let measured = measure(
        &aws,
        Ask {
            fleet: &fleet,
            regions: &regions,
            profiles: &selection.profiles,
            window: &window,
            key: args.tag_key.as_str(),
            prices: (!args.no_prices).then_some(args.no_cache),
            now,
        },
        &mut failures,
        out,
    )
    .await?;
    let coverage = measured.coverage;

    let (billed, paid) = match billed_range {
        Some(range) => {
            let linked = linked_accounts(&aws, g, false, out).await?;
            let scope = Scope {
                range,
                linked_accounts: linked.ids.as_deref(),
            };
            let (view, paid) = billed_view(&args, scope, &aws, now, today, out).await?;
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
            prices: measured.prices,
            metric_requests: measured.metric_requests,
        },
    );
    out.data(&report)?;
    if let Some(paid) = &paid {
        out.note(&paid_summary(paid));
    }
    failures.finish()?;
    if let Some(e) = measured.price_failure {
        return Err(e);
    }
    gate(&args, &coverage, out)
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
                "{share} of the traffic is attributed by `{}` (by {}), below `--fail-under {threshold}`",
                coverage.key,
                crate::output::coverage::basis_label(coverage.basis)
            ));
            Err(Error::Quiet(EXIT_BELOW_COVERAGE))
        }
    }
}

/// The days and accounts `--billed` reads.
#[derive(Clone, Copy)]
struct Scope<'a> {
    range: DateRange,
    /// From the payer with `--accounts`: only these linked accounts' spend.
    linked_accounts: Option<&'a [String]>,
}

/// `--billed`: Cost Explorer's split of the window's days, per month. Every
/// request goes through the cache and is counted, as for `cost`.
async fn billed_view(
    args: &CoverageArgs,
    scope: Scope<'_>,
    aws: &Aws,
    now: Timestamp,
    today: jiff::civil::Date,
    out: &mut Output,
) -> Result<(BilledView, PaidRequests)> {
    out.stage("asking Cost Explorer");
    let ce = spend::explorer(aws, args.cache_ttl.0, args.no_cache, now);
    let result = billed_periods(&ce, &args.tag_key, scope, now, today, out).await;
    for problem in ce.cache_problems() {
        out.detail(&format!("could not write the cache: {problem}"));
    }
    let paid = ce.paid_requests();
    match result {
        Ok((principal, services, periods)) => {
            let linked = scope.linked_accounts.map(<[String]>::to_vec);
            Ok((
                BilledView::new(
                    args.tag_key.as_str(),
                    principal,
                    (services, linked),
                    &periods,
                    &paid,
                ),
                paid,
            ))
        }
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
    Scope {
        range,
        linked_accounts,
    }: Scope<'_>,
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
        linked_accounts,
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
                filter: Filter::all(
                    [Filter::Dimension {
                        key: "SERVICE".into(),
                        values: services.clone(),
                    }]
                    .into_iter()
                    .chain(linked_accounts.map(|ids| Filter::Dimension {
                        key: "LINKED_ACCOUNT".into(),
                        values: ids.to_vec(),
                    }))
                    .chain([Filter::TagAbsent {
                        key: key.as_str().to_owned(),
                    }])
                    .collect(),
                ),
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
