//! Prices for the verbs that show money (`prices`, `usage`, `describe
//! --usage`, `cost --reconcile`, `coverage`, `report`): the Price List catalog of the regions
//! asked for (each offer × region one cached answer, kept a day), the names
//! of the profiles' models (`GetFoundationModel`, once per model and region)
//! and the estimate of their tokens.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt, stream};
use jiff::Timestamp;

use crate::aws::Aws;
use crate::aws::cache::{self, CacheSettings};
use crate::aws::pricing::PriceList;
use crate::domain::price::{
    self, Estimate, Offer, PriceCatalog, PriceKey, PriceScope, TokenCounts, routes_globally,
};
use crate::domain::profile::{BedrockArn, Profile};
use crate::domain::region::Region;
use crate::domain::usage::Usage;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::output::price::PriceSource;

/// How long a Price List answer is reused: prices change rarely, and a
/// day-old catalog says its publication date.
pub const CATALOG_TTL: Duration = Duration::from_secs(24 * 3600);

/// The Price List gateway with the on-disk cache (`--no-cache`: ask again).
pub fn price_list(aws: &Aws, no_cache: bool, now: Timestamp) -> PriceList {
    aws.price_list(CacheSettings {
        dir: cache::default_dir().map(|d| d.join("price-list")),
        ttl: CATALOG_TTL,
        reuse: !no_cache,
        now: now.as_second(),
    })
}

/// The catalog of both offers in `regions`, and where it came from.
pub async fn catalog(
    list: &PriceList,
    regions: &[Region],
    out: &mut Output,
) -> Result<(PriceCatalog, PriceSource)> {
    out.stage("reading the AWS Price List");
    let catalog = read_catalog(list, regions).await?;
    let source = announce(list, &catalog, out);
    Ok((catalog, source))
}

/// The catalog of both offers in `regions`, read without a word printed
/// (so it can be read beside other requests); [`announce`] says the rest.
async fn read_catalog(list: &PriceList, regions: &[Region]) -> Result<PriceCatalog> {
    let answers: Vec<Vec<price::Product>> = stream::iter(
        Offer::ALL
            .into_iter()
            .map(|offer| async move { list.regions_products(offer, regions).await }),
    )
    .buffered(2)
    .try_collect()
    .await?;
    Ok(PriceCatalog::new(answers.into_iter().flatten()))
}

/// What reading `catalog` through `list` found worth saying (conflicting
/// prices, cache problems, requests), and where the prices came from.
fn announce(list: &PriceList, catalog: &PriceCatalog, out: &mut Output) -> PriceSource {
    for problem in list.cache_problems() {
        out.detail(&format!("could not write the cache: {problem}"));
    }
    for conflict in &catalog.conflicts {
        out.warn(&format!(
            "the Price List gives two prices, so neither is used: {conflict}"
        ));
    }
    let used = list.used();
    out.detail(&format!(
        "Price List: {} GetProducts pages, {} answers from the cache, {} documents that are not on-demand token prices",
        used.pages, used.from_cache, used.skipped
    ));
    PriceSource {
        source: PriceSource::SOURCE,
        publication_date: catalog.publication_date.clone(),
        from_cache: used.pages == 0 && used.from_cache > 0,
        cached_seconds_ago: used.oldest_cached_seconds,
        requests: used.pages,
    }
}

/// Where to ask `GetFoundationModel` about a profile's model: its own
/// region, then the regions it routes to.
pub fn lookup_regions(p: &Profile) -> Vec<Region> {
    let mut out = vec![p.region.clone()];
    for arn in p.model_arns.iter().filter_map(|a| BedrockArn::parse(a)) {
        if let Ok(r) = arn.region.parse::<Region>()
            && !out.contains(&r)
        {
            out.push(r);
        }
    }
    out
}

/// The `modelName` of each model ID, asked once per model (in the first
/// region of its profiles that knows it).
pub async fn model_names(aws: &Aws, profiles: &[Profile]) -> Result<BTreeMap<String, Option<String>>> {
    let mut order: BTreeMap<String, Vec<Region>> = BTreeMap::new();
    for p in profiles {
        let Some(id) = p.model_id() else { continue };
        add_regions(&mut order, id, lookup_regions(p));
    }
    names_of(aws, order).await
}

/// Adds `regions` to those where `GetFoundationModel` is asked about `id`, in order, each once.
pub fn add_regions(order: &mut BTreeMap<String, Vec<Region>>, id: String, regions: Vec<Region>) {
    let list = order.entry(id).or_default();
    for r in regions {
        if !list.contains(&r) {
            list.push(r);
        }
    }
}

/// The `modelName` of each model ID, asked in its regions in order until
/// one knows it (`None`: none does), all models at once.
pub async fn names_of(
    aws: &Aws,
    order: BTreeMap<String, Vec<Region>>,
) -> Result<BTreeMap<String, Option<String>>> {
    let names: Vec<(String, Option<String>)> =
        stream::iter(order.into_iter().map(|(id, regions)| async move {
            for r in regions {
                if let Some(m) = aws.bedrock(&r).foundation_model(&id).await?
                    && !m.name.is_empty()
                {
                    return Ok::<_, Error>((id, Some(m.name)));
                }
            }
            Ok((id, None))
        }))
        .buffer_unordered(aws.concurrency.max(1))
        .try_collect()
        .await?;
    Ok(names.into_iter().collect())
}

/// The prices a profile's tokens take: its model's name, its own region
/// (the source region: AWS prices cross-Region traffic there), and the
/// Global scope when it routes globally.
pub fn price_key(p: &Profile, names: &BTreeMap<String, Option<String>>) -> PriceKey {
    let model_id = p.model_id();
    PriceKey {
        model_name: model_id.as_ref().and_then(|id| names.get(id).cloned().flatten()),
        model_id,
        region: p.region.to_string(),
        scope: if routes_globally(&p.model_arns) {
            PriceScope::Global
        } else {
            PriceScope::Regional
        },
    }
}

/// What `profiles` (with their `usages`, in the same order) cost at Price
/// List prices, and where the prices came from.
pub struct Priced {
    pub estimates: Vec<Estimate>,
    pub source: PriceSource,
}

pub async fn price_profiles(
    aws: &Aws,
    profiles: &[Profile],
    usages: &[Usage],
    no_cache: bool,
    now: Timestamp,
    out: &mut Output,
) -> Result<Priced> {
    out.stage("reading the AWS Price List and naming the profiles' models");
    let prices = Prices::read(aws, profiles, no_cache, now).await?;
    let source = prices.announce(out);
    Ok(Priced {
        estimates: prices.estimate(profiles, usages),
        source,
    })
}

/// The catalog of the profiles' regions and the names of their models:
/// what prices any usage of those profiles (a window, this month so far).
pub struct Prices {
    list: PriceList,
    catalog: PriceCatalog,
    names: BTreeMap<String, Option<String>>,
}

impl Prices {
    /// Reads the catalog and names the models at once, printing nothing
    /// (so a command can read it beside other requests; then [`Self::announce`]).
    pub async fn read(aws: &Aws, profiles: &[Profile], no_cache: bool, now: Timestamp) -> Result<Self> {
        let mut regions: Vec<Region> = profiles.iter().map(|p| p.region.clone()).collect();
        regions.sort();
        regions.dedup();
        let list = price_list(aws, no_cache, now);
        let (catalog, names) = tokio::try_join!(read_catalog(&list, &regions), model_names(aws, profiles))?;
        Ok(Self { list, catalog, names })
    }

    /// Says what reading the catalog found worth saying; where the prices came from.
    pub fn announce(&self, out: &mut Output) -> PriceSource {
        announce(&self.list, &self.catalog, out)
    }

    /// Each profile's `usages` (same order) at these prices.
    pub fn estimate(&self, profiles: &[Profile], usages: &[Usage]) -> Vec<Estimate> {
        profiles
            .iter()
            .zip(usages)
            .map(|(p, u)| {
                price::price_usage(&self.catalog, &price_key(p, &self.names), &TokenCounts::from(u))
            })
            .collect()
    }
}
