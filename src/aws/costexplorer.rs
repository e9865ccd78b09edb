//! Cost Explorer, the paid API: every request, each page and each retry, is
//! billed USD 0.01, so this gateway counts them and keeps answers in the
//! on-disk cache ([`super::cache`]).
//!
//! Cost Explorer is global: in the `aws` partition every region resolves to
//! `ce.us-east-1.amazonaws.com`, so the client is pinned to `us-east-1`.
//! `GetCostAndUsage`, `GetDimensionValues` and `ListCostAllocationTags` are
//! followed to their last page (the SDK has no paginator for the first two).
//! Attempts are counted by an interceptor when an answer comes back, so the
//! SDK's retries after `LimitExceededException` are counted too, and a
//! request that never reached AWS (a refused connection) is not.

use std::collections::BTreeMap;
use std::future::Future;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};

use aws_sdk_costexplorer::Client;
use aws_sdk_costexplorer::config::ProvideCredentials;
use aws_sdk_costexplorer::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_costexplorer::types::{
    Context, CostAllocationTagStatus, CostAllocationTagStatusEntry, DateInterval, Dimension, DimensionValues,
    Expression, Granularity as CeGranularity, GroupDefinition, GroupDefinitionType, MatchOption, Metric,
    ResultByTime, TagValues,
};
use jiff::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::cache::{Cache, CacheSettings};
use super::metering::{CountAttempts, Counts, bump};
use super::{Aws, failure};
use crate::domain::cost::{
    self, CostQuery, CostTag, DateRange, Filter, ForecastQuery, GroupAmount, Grouping, PaidRequests,
    PeriodResult, TagStatus,
};
use crate::error::{AwsFailure, Error, Result};

const SERVICE: &str = "ce";
/// Cost Explorer's one endpoint in the `aws` partition is signed for us-east-1.
const REGION: &str = "us-east-1";
/// `ListCostAllocationTags` pages hold at most 1,000 keys; the largest page is the cheapest.
const TAGS_PAGE_SIZE: i32 = 1000;

/// A key `UpdateCostAllocationTagsStatus` did not change (AWS reports these
/// in a 200 answer, one entry per key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagStatusFailure {
    pub key: String,
    pub code: String,
    pub message: String,
}

pub struct CostExplorer {
    client: Client,
    /// Where requests go, for messages.
    endpoint: String,
    credentials: Option<aws_sdk_costexplorer::config::SharedCredentialsProvider>,
    /// Who is asking (profile, endpoint), part of every cache key.
    scope: String,
    identity: tokio::sync::OnceCell<String>,
    cache: Cache,
    attempts: Counts,
    sent: Mutex<BTreeMap<String, usize>>,
    cached: Mutex<(usize, Option<i64>)>,
    cache_problems: Mutex<Vec<String>>,
}

impl Aws {
    /// The Cost Explorer gateway, pinned to us-east-1, counting attempts.
    pub fn cost_explorer(&self, cache: CacheSettings) -> CostExplorer {
        let attempts = Counts::default();
        let conf = aws_sdk_costexplorer::config::Builder::from(&self.sdk)
            .region(aws_config::Region::new(REGION))
            .interceptor(CountAttempts(attempts.clone()))
            .interceptor(super::CallLog)
            .retry_classifier(super::FinalConnectErrors)
            .build();
        CostExplorer {
            client: Client::from_conf(conf),
            endpoint: self.endpoint("ce", &REGION.parse().expect("a valid region")),
            credentials: self.sdk.credentials_provider(),
            scope: self.scope.clone(),
            identity: tokio::sync::OnceCell::new(),
            cache: Cache::new(cache),
            attempts,
            sent: Mutex::default(),
            cached: Mutex::default(),
            cache_problems: Mutex::default(),
        }
    }
}

fn unexpected(operation: &'static str, message: String) -> Error {
    Error::Aws(Box::new(AwsFailure {
        service: SERVICE,
        operation,
        region: REGION.to_owned(),
        code: None,
        message,
        request_id: None,
        attempts: None,
        throttled: false,
    }))
}

fn interval(operation: &'static str, range: DateRange) -> Result<DateInterval> {
    DateInterval::builder()
        .start(range.start.to_string())
        .end(range.end_exclusive.to_string())
        .build()
        .map_err(|e| unexpected(operation, e.to_string()))
}

fn expression(filter: &Filter) -> Expression {
    let b = Expression::builder();
    match filter {
        Filter::And(parts) => b.set_and(Some(parts.iter().map(expression).collect())),
        Filter::Or(parts) => b.set_or(Some(parts.iter().map(expression).collect())),
        Filter::Dimension { key, values } => b.dimensions(
            DimensionValues::builder()
                .key(Dimension::from(key.as_str()))
                .set_values(Some(values.clone()))
                .build(),
        ),
        Filter::Tag { key, values } => b.tags(
            TagValues::builder()
                .key(key)
                .set_values(Some(values.clone()))
                .build(),
        ),
        Filter::TagAbsent { key } => b.tags(
            TagValues::builder()
                .key(key)
                .match_options(MatchOption::Absent)
                .build(),
        ),
    }
    .build()
}

fn group_definition(g: &Grouping) -> GroupDefinition {
    let (kind, key) = match g {
        Grouping::Tag(k) => (GroupDefinitionType::Tag, k),
        Grouping::Dimension(k) => (GroupDefinitionType::Dimension, k),
        Grouping::ProductAttribute(k) => (GroupDefinitionType::ProductAttribute, k),
    };
    GroupDefinition::builder().r#type(kind).key(key).build()
}

/// Cost Explorer amounts are decimal strings, sometimes in exponent form.
fn amount(operation: &'static str, s: &str) -> Result<Decimal> {
    Decimal::from_str(s)
        .or_else(|_| Decimal::from_scientific(s))
        .map_err(|_| unexpected(operation, format!("the amount `{s}` is not a decimal number")))
}

fn date(operation: &'static str, s: &str) -> Result<Date> {
    // Hourly answers carry `THH:MM:SSZ`; reports here are daily or monthly.
    let day = s.get(..10).unwrap_or(s);
    day.parse()
        .map_err(|_| unexpected(operation, format!("the date `{s}` is not `YYYY-MM-DD`")))
}

fn period_result(r: &ResultByTime, metric: &str) -> Result<PeriodResult> {
    const OP: &str = "GetCostAndUsage";
    let tp = r
        .time_period()
        .ok_or_else(|| unexpected(OP, "a result has no TimePeriod".into()))?;
    let groups = r
        .groups()
        .iter()
        .map(|g| {
            let m = g.metrics().and_then(|m| m.get(metric));
            Ok(GroupAmount {
                keys: g.keys().to_vec(),
                amount: amount(OP, m.and_then(|m| m.amount()).unwrap_or("0"))?,
                unit: m.and_then(|m| m.unit()).unwrap_or("").to_owned(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(PeriodResult {
        start: date(OP, tp.start())?,
        end_exclusive: date(OP, tp.end())?,
        estimated: r.estimated(),
        groups,
    })
}

fn timestamp(s: Option<&str>) -> Option<Timestamp> {
    s.and_then(|s| s.parse().ok())
}

impl CostExplorer {
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

    fn count_sent(&self, operation: &str) {
        bump(&self.sent, operation);
    }

    /// Requests made so far and answers taken from the cache.
    pub fn paid_requests(&self) -> PaidRequests {
        let (from_cache, oldest) = *self.cached.lock().unwrap_or_else(PoisonError::into_inner);
        PaidRequests {
            attempts: self
                .attempts
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
            sent: self.sent.lock().unwrap_or_else(PoisonError::into_inner).clone(),
            from_cache,
            oldest_cached_seconds: oldest,
        }
    }

    /// Entries that could not be written (for `-v`).
    pub fn cache_problems(&self) -> Vec<String> {
        self.cache_problems
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The caller's identity for cache keys: the scope plus the access key
    /// ID (so two accounts behind one profile never share answers).
    async fn identity(&self) -> Result<&str> {
        self.identity
            .get_or_try_init(|| async {
                let key_id = match &self.credentials {
                    Some(p) => p
                        .provide_credentials()
                        .await
                        .map_err(|e| unexpected("ResolveCredentials", format!("no AWS credentials: {e}")))?
                        .access_key_id()
                        .to_owned(),
                    None => String::new(),
                };
                Ok::<_, Error>(format!("{}\n{key_id}", self.scope))
            })
            .await
            .map(String::as_str)
    }

    /// The answer to `request` from the cache, or from `fetch` (which
    /// returns the value and the number of requests it made), then cached.
    async fn through_cache<Q, T, F, Fut>(&self, operation: &'static str, request: &Q, fetch: F) -> Result<T>
    where
        Q: Serialize,
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(T, usize)>>,
    {
        let request = serde_json::to_string(request).map_err(|e| unexpected(operation, e.to_string()))?;
        let key = format!("{}\n{operation}\n{request}", self.identity().await?);
        if let Some(hit) = self.cache.get::<T>(operation, &key) {
            let mut cached = self.cached.lock().unwrap_or_else(PoisonError::into_inner);
            cached.0 += hit.requests;
            cached.1 = Some(cached.1.map_or(hit.age_seconds, |a| a.max(hit.age_seconds)));
            return Ok(hit.value);
        }
        let (value, requests) = fetch().await?;
        if let Err(problem) = self.cache.put(operation, &key, &value, requests) {
            self.cache_problems
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(problem);
        }
        Ok(value)
    }

    /// `ListCostAllocationTags`, every page; only `keys` when given (≤100 a request).
    /// With `cached`, the answer may come from (and goes to) the cache.
    pub async fn cost_allocation_tags(&self, keys: Option<&[String]>, cached: bool) -> Result<Vec<CostTag>> {
        const OP: &str = "ListCostAllocationTags";
        let batches: Vec<Option<Vec<String>>> = match keys {
            Some(keys) => keys
                .chunks(cost::MAX_TAG_KEYS_PER_LIST)
                .map(|c| Some(c.to_vec()))
                .collect(),
            None => vec![None],
        };
        let mut out = Vec::new();
        for batch in batches {
            let fetch = || self.list_tags(batch.clone());
            let tags = if cached {
                self.through_cache(OP, &batch, fetch).await?
            } else {
                fetch().await?.0
            };
            out.extend(tags);
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    async fn list_tags(&self, keys: Option<Vec<String>>) -> Result<(Vec<CostTag>, usize)> {
        const OP: &str = "ListCostAllocationTags";
        let mut token: Option<String> = None;
        let mut out = Vec::new();
        let mut pages = 0;
        loop {
            self.count_sent(OP);
            pages += 1;
            let page = self
                .client
                .list_cost_allocation_tags()
                .set_tag_keys(keys.clone())
                .max_results(TAGS_PAGE_SIZE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail(OP, &e))?;
            out.extend(page.cost_allocation_tags().iter().map(|t| CostTag {
                key: t.tag_key().to_owned(),
                kind: t.r#type().as_str().to_owned(),
                status: match t.status() {
                    CostAllocationTagStatus::Active => TagStatus::Active,
                    _ => TagStatus::Inactive,
                },
                last_updated: timestamp(t.last_updated_date()),
                last_used: timestamp(t.last_used_date()),
            }));
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => break,
            }
        }
        Ok((out, pages))
    }

    /// The billing service names with "Bedrock" in them that have spend in
    /// `range` (`GetDimensionValues`, SERVICE, every page). Third-party
    /// models bill as "<Model> (Amazon Bedrock Edition)", so no list of
    /// names is built in.
    pub async fn bedrock_services(&self, range: &DateRange) -> Result<Vec<String>> {
        const OP: &str = "GetDimensionValues";
        #[derive(Serialize)]
        struct Request<'a> {
            range: &'a DateRange,
            dimension: &'static str,
            search: &'static str,
            context: &'static str,
        }
        let request = Request {
            range,
            dimension: "SERVICE",
            search: cost::BEDROCK_SEARCH,
            context: "COST_AND_USAGE",
        };
        let names: Vec<String> = self
            .through_cache(OP, &request, || async {
                let mut token: Option<String> = None;
                let mut names = Vec::new();
                let mut pages = 0;
                loop {
                    self.count_sent(OP);
                    pages += 1;
                    let page = self
                        .client
                        .get_dimension_values()
                        .time_period(interval(OP, *range)?)
                        .dimension(Dimension::Service)
                        .search_string(cost::BEDROCK_SEARCH)
                        .context(Context::CostAndUsage)
                        .set_next_page_token(token.take())
                        .send()
                        .await
                        .map_err(|e| self.fail(OP, &e))?;
                    names.extend(
                        page.dimension_values()
                            .iter()
                            .filter_map(|v| v.value().map(str::to_owned)),
                    );
                    match page.next_page_token() {
                        Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                        _ => break,
                    }
                }
                Ok((names, pages))
            })
            .await?;
        Ok(cost::bedrock_services(names))
    }

    /// `GetCostAndUsage`, every page (a period cut by a page boundary comes
    /// back once per page; [`cost::shape`] merges them).
    pub async fn cost_and_usage(&self, q: &CostQuery) -> Result<Vec<PeriodResult>> {
        const OP: &str = "GetCostAndUsage";
        self.through_cache(OP, q, || async {
            let metric = q.metric.api_name();
            let mut token: Option<String> = None;
            let mut results = Vec::new();
            let mut pages = 0;
            loop {
                self.count_sent(OP);
                pages += 1;
                let page = self
                    .client
                    .get_cost_and_usage()
                    .time_period(interval(OP, q.range)?)
                    .granularity(CeGranularity::from(q.granularity.api_name()))
                    .metrics(metric)
                    .set_group_by(Some(q.group_by.iter().map(group_definition).collect()))
                    .set_filter(q.filter.as_ref().map(expression))
                    .set_next_page_token(token.take())
                    .send()
                    .await
                    .map_err(|e| self.fail(OP, &e))?;
                for r in page.results_by_time() {
                    results.push(period_result(r, metric)?);
                }
                match page.next_page_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                    _ => break,
                }
            }
            Ok((results, pages))
        })
        .await
    }

    /// `GetCostForecast` over `q.range` (monthly): the forecast total, or
    /// `None` when Cost Explorer has too little history for it.
    pub async fn forecast(&self, q: &ForecastQuery) -> Result<Option<Decimal>> {
        const OP: &str = "GetCostForecast";
        self.through_cache(OP, q, || async {
            self.count_sent(OP);
            let answer = self
                .client
                .get_cost_forecast()
                .time_period(interval(OP, q.range)?)
                .metric(Metric::from(q.metric.as_str()))
                .granularity(CeGranularity::Monthly)
                .set_filter(q.filter.as_ref().map(expression))
                .send()
                .await;
            match answer {
                Ok(out) => {
                    let total = out.total().and_then(|t| t.amount()).unwrap_or("0");
                    Ok((Some(amount(OP, total)?), 1))
                }
                Err(e) if e.code() == Some("DataUnavailableException") => Ok((None, 1)),
                Err(e) => Err(self.fail(OP, &e)),
            }
        })
        .await
    }

    /// `UpdateCostAllocationTagsStatus` for at most 20 keys; returns the keys
    /// AWS did not change (reported in a 200 answer).
    pub async fn set_tag_status(&self, batch: &[(String, TagStatus)]) -> Result<Vec<TagStatusFailure>> {
        const OP: &str = "UpdateCostAllocationTagsStatus";
        let entries = batch
            .iter()
            .map(|(key, status)| {
                CostAllocationTagStatusEntry::builder()
                    .tag_key(key)
                    .status(CostAllocationTagStatus::from(status.api_name()))
                    .build()
                    .map_err(|e| unexpected(OP, e.to_string()))
            })
            .collect::<Result<Vec<_>>>()?;
        self.count_sent(OP);
        let out = self
            .client
            .update_cost_allocation_tags_status()
            .set_cost_allocation_tags_status(Some(entries))
            .send()
            .await
            .map_err(|e| self.fail(OP, &e))?;
        Ok(out
            .errors()
            .iter()
            .map(|e| TagStatusFailure {
                key: e.tag_key().unwrap_or("").to_owned(),
                code: e.code().unwrap_or("").to_owned(),
                message: e.message().unwrap_or("").to_owned(),
            })
            .collect())
    }

    /// Drops cached tag lists: after a status change they are stale.
    pub fn forget_tag_lists(&self) {
        self.cache.forget("ListCostAllocationTags");
    }
}
