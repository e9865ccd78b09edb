//! `aipctl usage`: invocations, tokens, cache reads and writes, the cache hit
//! ratio, errors, throttles and latency per profile or per tag value, from
//! CloudWatch `AWS/Bedrock` (batched `GetMetricData`, never a call per profile),
//! and what the tokens cost at AWS Price List prices, with the prompt-cache
//! savings (`--no-prices` leaves money out). With `--since today`, today's
//! spend so far, which billing cannot tell yet.

use jiff::Timestamp;

use super::shared::metrics::{usage_of_fleet, window};
use super::shared::prices::{Priced, price_profiles};
use super::shared::select::select;
use super::shared::session::connect_fleet;
use crate::cli::{GlobalArgs, UsageArgs};
use crate::domain::filter::ProfileFilter;
use crate::domain::price::{Estimate, EstimateSum};
use crate::domain::usage::{self};
use crate::error::{Error, Result};
use crate::output::price::RowMoney;
use crate::output::usage::{RowKey, UsageReport, UsageRow};
use crate::output::{Output, plural};

pub async fn run(args: UsageArgs, g: &GlobalArgs, now: Timestamp, out: &mut Output) -> Result<()> {
    let window = window(&args.window, now)?;
    let filter = ProfileFilter::from(args.filter);
    let (aws, regions, mut fleet) = connect_fleet(g, out).await?;
    let selection = select(&mut fleet, &regions, &filter, now, g, out).await?;
    let mut failures = selection.failures;
    let profiles = selection.profiles;
    if let Some(key) = &args.by
        && let Some((spelling, n)) = usage::other_spelling(&profiles, key.as_str())
    {
        return Err(Error::Usage {
            message: format!(
                "no profile carries the tag key `{key}`, so every row would be (untagged); {n} carry \
                 `{spelling}` (tag keys are case-sensitive)"
            ),
            hint: Some(format!("use `--by {spelling}`")),
        });
    }
    out.stage(&format!(
        "reading CloudWatch metrics of {}",
        plural(profiles.len(), "profile")
    ));
    let (profiles, usages, calls) = usage_of_fleet(&fleet, profiles, &window, &mut failures).await?;
    out.detail(&format!(
        "{} for {}",
        plural(calls, "GetMetricData request"),
        plural(profiles.len(), "profile")
    ));

    let (priced, price_failure) = if args.no_prices || profiles.is_empty() {
        (None, None)
    } else {
        match price_profiles(&aws, &profiles, &usages, args.no_cache, now, out).await {
            Ok(p) => (Some(p), None),
            Err(e) => {
                out.warn(&format!(
                    "no estimated cost: {e} (`--no-prices` shows usage without asking the Price List)"
                ));
                (None, Some(e))
            }
        }
    };
    let estimates: Option<&[Estimate]> = priced.as_ref().map(|p| p.estimates.as_slice());
    let rows: Vec<UsageRow> = match &args.by {
        None => profiles
            .iter()
            .zip(&usages)
            .enumerate()
            .map(|(i, (p, u))| UsageRow {
                key: RowKey::Profile {
                    name: p.name.clone(),
                    region: p.region.to_string(),
                    arn: p.arn.to_string(),
                    department: p.department().map(str::to_owned),
                    account: p.account.clone(),
                },
                profiles: 1,
                usage: u.clone(),
                money: estimates.map(|e| RowMoney::of_profile(&e[i])),
            })
            .collect(),
        Some(key) => {
            let sums = estimates.map(|e| group_sums(&profiles, e, key.as_str()));
            usage::by_tag(profiles.iter().zip(&usages), key.as_str())
                .into_iter()
                .map(|(value, (n, u))| UsageRow {
                    money: sums
                        .as_ref()
                        .map(|s| RowMoney::of_group(&s.get(&value).copied().unwrap_or_default())),
                    key: RowKey::Group { value },
                    profiles: n,
                    usage: u,
                })
                .collect()
        }
    };
    let report = UsageReport {
        start: window.start.to_string(),
        end: window.end_exclusive.to_string(),
        window: window.to_string(),
        regions: regions.iter().map(ToString::to_string).collect(),
        by: args.by.map(|k| k.as_str().to_owned()),
        total: usage::total(&usages),
        rows,
        total_cost: estimates.map(|e| RowMoney::of_group(&EstimateSum::of(e))),
        prices: priced.map(|p: Priced| p.source),
        metric_requests: calls,
    };
    out.data(&report)?;
    failures.finish()?;
    price_failure.map_or(Ok(()), Err)
}

/// The estimates summed per value of `key` (`None`: profiles without it).
fn group_sums(
    profiles: &[crate::domain::profile::Profile],
    estimates: &[Estimate],
    key: &str,
) -> std::collections::BTreeMap<Option<String>, EstimateSum> {
    let mut sums: std::collections::BTreeMap<Option<String>, EstimateSum> = std::collections::BTreeMap::new();
    for (p, e) in profiles.iter().zip(estimates) {
        sums.entry(p.tags.get(key).map(str::to_owned)).or_default().add(e);
    }
    sums
}
