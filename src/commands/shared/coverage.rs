//! Attribution coverage as `coverage` and `report` measure it: in every
//! account of the run, one `ListMetrics` per region for the `ModelId`
//! values CloudWatch has (plus every profile's ID, since `ListMetrics`
//! forgets values idle for two weeks), then `GetMetricData` for all of them,
//! batched as `usage` reads profiles, each account with its own credentials.
//! Each series is classified against its account's and region's profiles
//! ([`crate::domain::coverage`]) and, unless prices are left out, priced from
//! the Price List the way `usage` prices profiles (the model's name from
//! `GetFoundationModel`, the series' own region, the Global price for
//! global traffic).
//!
//! An account whose metrics cannot be read is a failure of the run (its
//! series are left out) in a multi-account run, the error otherwise. A
//! Price List that cannot be read leaves the coverage by tokens, with the
//! error kept for the end of the command, as in `usage`.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use futures::future::join_all;
use futures::{StreamExt, TryStreamExt, stream};
use jiff::Timestamp;

use super::accounts::{Failures, Fleet, Member};
use super::metrics::model_id_usage;
use super::prices::{add_regions, catalog, lookup_regions, names_of, price_list};
use crate::aws::Aws;
use crate::domain::coverage::{self, Coverage, Series, Tokens};
use crate::domain::profile::Profile;
use crate::domain::region::Region;
use crate::domain::usage::Usage;
use crate::domain::window::Window;
use crate::error::{Error, Result};
use crate::output::price::PriceSource;
use crate::output::{Output, plural};

/// What to measure.
pub struct Ask<'a> {
    pub fleet: &'a Fleet,
    /// The run's regions (an accounts file may give a member its own).
    pub regions: &'a [Region],
    /// Every application profile listed, with tags (and accounts in a multi-account run).
    pub profiles: &'a [Profile],
    pub window: &'a Window,
    /// The cost tag key.
    pub key: &'a str,
    /// `Some(no_cache)`: price the series (reading the Price List again with
    /// `no_cache`); `None`: tokens only (`--no-prices`).
    pub prices: Option<bool>,
    pub now: Timestamp,
}

/// The coverage and how it was made.
pub struct Measured {
    pub coverage: Coverage,
    pub metric_requests: usize,
    /// Where the prices came from; `None` without prices.
    pub prices: Option<PriceSource>,
    /// The Price List could not be read: the coverage is by tokens, and the
    /// command ends with this error after its report.
    pub price_failure: Option<Error>,
}

/// The `ModelId` values of each region of a member.
type Found<'a> = (&'a Member, Vec<(Region, Vec<String>)>);

/// The `ModelId` values of one member's regions, and their figures.
type Read = (Vec<(Region, Vec<String>)>, Vec<Vec<Usage>>, usize);

/// Measures coverage over `ask`; `aws` (the caller's) reads the Price List
/// and names the models.
pub async fn measure(aws: &Aws, ask: Ask<'_>, failures: &mut Failures, out: &mut Output) -> Result<Measured> {
    let plans: Vec<(&Member, Vec<Region>)> = ask
        .fleet
        .members()
        .iter()
        .map(|m| {
            let read: Vec<Region> = m
                .regions(ask.regions)
                .iter()
                .filter(|r| failures.was_read(m.account.as_ref(), r))
                .cloned()
                .collect();
            (m, read)
        })
        .filter(|(_, read)| !read.is_empty())
        .collect();

    out.stage("finding the ModelId values CloudWatch has");
    let listed = join_all(plans.iter().map(|(m, read)| async move {
        let seen = model_ids(m, read, ask.profiles).await;
        (*m, seen)
    }))
    .await;
    let mut found: Vec<Found<'_>> = Vec::new();
    for (m, seen) in listed {
        match seen {
            Ok(by_region) => found.push((m, by_region)),
            Err(e) => failures.member(m, e)?,
        }
    }
    let values: usize = found
        .iter()
        .flat_map(|(_, by_region)| by_region.iter().map(|(_, v)| v.len()))
        .sum();
    out.stage(&format!(
        "reading CloudWatch metrics of {}",
        plural(values, "ModelId value")
    ));
    let read = join_all(found.into_iter().map(|(m, by_region)| async move {
        let r = model_id_usage(&m.aws, &by_region, ask.window).await;
        (m, r.map(|(usages, calls)| (by_region, usages, calls)))
    }))
    .await;
    let mut series = Vec::new();
    let mut calls = 0;
    for (m, r) in read {
        match r {
            Ok(read) => {
                calls += read.2;
                series.extend(classified(m, &read, ask.profiles, ask.key));
            }
            Err(e) => failures.member(m, e)?,
        }
    }
    out.detail(&format!(
        "{} for {}",
        plural(calls, "GetMetricData request"),
        plural(values, "ModelId value")
    ));

    series.retain(Series::has_traffic);
    let (mut prices, mut price_failure) = (None, None);
    if let Some(no_cache) = ask.prices
        && !series.is_empty()
    {
        match price(aws, &mut series, ask.profiles, no_cache, ask.now, out).await {
            Ok(source) => prices = Some(source),
            Err(e) => {
                out.warn(&format!(
                    "no estimated cost, so shares are by tokens: {e} (`--no-prices` leaves money out without \
                     asking the Price List)"
                ));
                price_failure = Some(e);
            }
        }
    }
    Ok(Measured {
        coverage: Coverage::new(ask.key, series),
        metric_requests: calls,
        prices,
        price_failure,
    })
}

/// Whether `p` was read in `m`.
fn read_in(p: &Profile, m: &Member) -> bool {
    p.account.as_ref().map(|a| &a.id) == m.account.as_ref().map(|a| &a.id)
}

/// The `ModelId` values of each region of `m` CloudWatch lists, with the
/// IDs of the member's profiles there.
async fn model_ids(
    m: &Member,
    regions: &[Region],
    profiles: &[Profile],
) -> Result<Vec<(Region, Vec<String>)>> {
    let seen: Vec<(Region, HashSet<String>)> = stream::iter(regions.iter().map(|r| {
        let cw = m.aws.cloudwatch(r);
        async move { Ok::<_, Error>((r.clone(), cw.model_ids().await?)) }
    }))
    .buffered(m.aws.concurrency)
    .try_collect()
    .await?;
    Ok(seen
        .into_iter()
        .map(|(region, values)| {
            let mut all: BTreeSet<String> = values.into_iter().collect();
            all.extend(
                profiles
                    .iter()
                    .filter(|p| p.region == region && read_in(p, m))
                    .map(|p| p.id.clone()),
            );
            (region, all.into_iter().collect())
        })
        .collect())
}

/// Each `ModelId` value of each region of `m` with its figures, classified
/// against the member's profiles of the region.
fn classified(m: &Member, (by_region, usages, _): &Read, all_profiles: &[Profile], key: &str) -> Vec<Series> {
    let mut series = Vec::new();
    for ((region, ids), usages) in by_region.iter().zip(usages) {
        let profiles: Vec<&Profile> = all_profiles
            .iter()
            .filter(|p| p.region == *region && read_in(p, m))
            .collect();
        for (model_id, u) in ids.iter().zip(usages) {
            let source = coverage::classify(model_id, &profiles, key);
            let profile = profiles
                .iter()
                .find(|p| p.id == *model_id || p.arn.as_str() == model_id)
                .copied();
            series.push(Series {
                account: m.account.clone(),
                region: region.clone(),
                model_id: model_id.clone(),
                foundation_model: coverage::foundation_model(&source, profile),
                scope: coverage::price_scope(&source, profile),
                source,
                invocations: u.invocations,
                tokens: Tokens::from(u),
                estimate: None,
            });
        }
    }
    series
}

/// Prices every series: the catalog of their regions, the models' names
/// (asked where the traffic was, then where its profiles route), each
/// series' estimate.
async fn price(
    aws: &Aws,
    series: &mut [Series],
    profiles: &[Profile],
    no_cache: bool,
    now: Timestamp,
    out: &mut Output,
) -> Result<PriceSource> {
    let regions: Vec<Region> = series
        .iter()
        .map(|s| s.region.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let list = price_list(aws, no_cache, now);
    let (catalog, source) = catalog(&list, &regions, out).await?;
    out.stage("naming the models");
    let mut order: BTreeMap<String, Vec<Region>> = BTreeMap::new();
    for s in series.iter() {
        if let Some(model) = &s.foundation_model {
            add_regions(&mut order, model.clone(), vec![s.region.clone()]);
        }
    }
    for p in profiles {
        if let Some(id) = p.model_id()
            && order.contains_key(&id)
        {
            add_regions(&mut order, id, lookup_regions(p));
        }
    }
    let names = names_of(aws, order).await?;
    for s in series.iter_mut() {
        s.estimate = Some(s.priced(&catalog, &names));
    }
    Ok(source)
}
