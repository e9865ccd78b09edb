//! The AWS Price List Query API (`pricing:GetProducts`): the token prices
//! of the two Bedrock offers, per region, read into domain [`Product`]s and
//! kept in the on-disk cache ([`super::cache`]) for a day.
//!
//! The Price List API is served from a few regions only, not from every
//! region whose prices it lists: <https://api.pricing.us-east-1.amazonaws.com>
//! and <https://api.pricing.ap-south-1.amazonaws.com> (the SDK's service
//! documentation), plus eu-central-1 in the Billing User Guide's list of
//! Price List API endpoints
//! (<https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-ppslong.html>).
//! The client is therefore pinned to us-east-1, whatever `--region` says;
//! the region of a price is a filter (`regionCode`), not the endpoint.
//!
//! `GetProducts` pages hold at most 100 documents and a page may hold fewer
//! ("an upper limit, not a guaranteed count"); the paginator follows
//! `NextToken` to the end. The answer of one offer for a set of regions is
//! cached as one entry, so a run after the first one asks AWS nothing.

use std::sync::{Mutex, PoisonError};

use aws_sdk_pricing::Client;
use aws_sdk_pricing::types::{Filter, FilterType};

use super::cache::{Cache, CacheSettings};
use super::{Aws, failure};
use crate::domain::price::{self, Offer, PriceFilter, PriceFilterKind, Product};
use crate::domain::region::Region;
use crate::error::{AwsFailure, Error, Result};

const SERVICE: &str = "pricing";
const OPERATION: &str = "GetProducts";
/// The Price List Query API endpoint aipctl uses (see the module documentation).
pub const REGION: &str = "us-east-1";
/// `MaxResults` allows 1–100: the largest page is the fewest requests.
const PAGE_SIZE: i32 = 100;
/// The only `FormatVersion` the API has.
const FORMAT_VERSION: &str = "aws_v1";

/// What reading the Price List took: pages asked for, answers from the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PriceListUse {
    /// `GetProducts` pages requested (retries not included).
    pub pages: usize,
    /// Offer × region answers taken from the cache.
    pub from_cache: usize,
    /// The age of the oldest cached answer used, in seconds.
    pub oldest_cached_seconds: Option<i64>,
    /// Documents that were not an on-demand token price (batch, 1-hour cache writes, …).
    pub skipped: usize,
}

/// The Price List gateway, pinned to us-east-1.
pub struct PriceList {
    client: Client,
    endpoint: String,
    scope: String,
    cache: Cache,
    used: Mutex<PriceListUse>,
    cache_problems: Mutex<Vec<String>>,
}

impl Aws {
    /// The Price List gateway; `cache` decides whether answers are reused.
    pub fn price_list(&self, cache: CacheSettings) -> PriceList {
        let region: Region = REGION.parse().expect("a valid region");
        let client = self.client("pricing", &region, |cfg| sdk_client!(aws_sdk_pricing, cfg));
        PriceList {
            client,
            endpoint: self.endpoint("api.pricing", &region),
            scope: self.scope.clone(),
            cache: Cache::new(cache),
            used: Mutex::default(),
            cache_problems: Mutex::default(),
        }
    }
}

fn filter(f: &PriceFilter) -> Result<Filter> {
    let kind = match f.kind {
        PriceFilterKind::TermMatch => FilterType::TermMatch,
        PriceFilterKind::Equals => FilterType::Equals,
        PriceFilterKind::Contains => FilterType::Contains,
        PriceFilterKind::AnyOf => FilterType::AnyOf,
        PriceFilterKind::NoneOf => FilterType::NoneOf,
    };
    Filter::builder()
        .r#type(kind)
        .field(&f.field)
        .value(&f.value)
        .build()
        .map_err(|e| unexpected(e.to_string()))
}

fn unexpected(message: String) -> Error {
    Error::Aws(Box::new(AwsFailure {
        service: SERVICE,
        operation: OPERATION,
        region: REGION.to_owned(),
        code: None,
        message,
        request_id: None,
        attempts: None,
        throttled: false,
    }))
}

impl PriceList {
    /// What this gateway has read so far.
    pub fn used(&self) -> PriceListUse {
        *self.used.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Cache entries that could not be written (for `-v`).
    pub fn cache_problems(&self) -> Vec<String> {
        self.cache_problems
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Every token price of `offer` that `filters` select, every page.
    pub async fn products(&self, offer: Offer, filters: &[PriceFilter]) -> Result<Vec<Product>> {
        let filters = filters.iter().map(filter).collect::<Result<Vec<_>>>()?;
        let mut pages = self
            .client
            .get_products()
            .service_code(offer.service_code())
            .format_version(FORMAT_VERSION)
            .set_filters(Some(filters))
            .into_paginator()
            .page_size(PAGE_SIZE)
            .send();
        let mut out = Vec::new();
        let mut skipped = 0;
        while let Some(page) = pages.next().await {
            self.used.lock().unwrap_or_else(PoisonError::into_inner).pages += 1;
            let page = page.map_err(|e| failure(SERVICE, OPERATION, REGION, &self.endpoint, &e))?;
            for document in page.price_list() {
                match price::product(offer, document).map_err(unexpected)? {
                    Some(p) => out.push(p),
                    None => skipped += 1,
                }
            }
        }
        self.used.lock().unwrap_or_else(PoisonError::into_inner).skipped += skipped;
        Ok(out)
    }

    /// The token prices of `offer` in `regions`, one query (`regionCode`
    /// `TERM_MATCH` for one region, `ANY_OF` for several), from the cache while
    /// fresh: one entry per offer and set of regions.
    pub async fn regions_products(&self, offer: Offer, regions: &[Region]) -> Result<Vec<Product>> {
        let mut names: Vec<&str> = regions.iter().map(Region::as_str).collect();
        names.sort_unstable();
        names.dedup();
        let list = names.join(",");
        let key = format!(
            "{}\n{OPERATION}\n{}\nregionCode={list}\n{FORMAT_VERSION}",
            self.scope,
            offer.service_code()
        );
        if let Some(hit) = self.cache.get::<Vec<Product>>(OPERATION, &key) {
            let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
            used.from_cache += 1;
            used.oldest_cached_seconds = Some(
                used.oldest_cached_seconds
                    .map_or(hit.age_seconds, |a| a.max(hit.age_seconds)),
            );
            return Ok(hit.value);
        }
        let filter = match names.as_slice() {
            [one] => PriceFilter::term_match("regionCode", one),
            _ => PriceFilter {
                kind: PriceFilterKind::AnyOf,
                field: "regionCode".into(),
                value: list,
            },
        };
        let before = self.used().pages;
        let products = self.products(offer, &[filter]).await?;
        let pages = self.used().pages - before;
        if let Err(problem) = self.cache.put(OPERATION, &key, &products, pages) {
            self.cache_problems
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(problem);
        }
        Ok(products)
    }
}
