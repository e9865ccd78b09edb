//! CloudWatch: Bedrock runtime metrics for profiles, and dashboards.
//!
//! Metrics are read with `GetMetricData` in batches of at most 500 queries,
//! one batch per call, regions and batches concurrently, `NextToken` followed
//! (a `PartialData` answer means more pages). Which `ModelId` form to ask for
//! is discovered once per region with `ListMetrics` (see
//! [`crate::domain::usage::dimension_values`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::error::ProvideErrorMetadata;
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{
    Dimension, DimensionFilter, Metric as CwMetric, MetricDataQuery, MetricStat,
};
use futures::{StreamExt, TryStreamExt, stream};

use super::{Aws, failure};
use crate::domain::profile::Profile;
use crate::domain::region::Region;
use crate::domain::usage::{self, DIMENSION, Datapoints, Metric, MetricQuery, NAMESPACE};
use crate::domain::window::Window;
use crate::error::{Error, Result};

const SERVICE: &str = "cloudwatch";

pub struct CloudWatch {
    client: Client,
    pub region: Region,
    endpoint: String,
}

/// A dashboard as `ListDashboards` describes it.
#[derive(Debug, Clone)]
pub struct DashboardEntry {
    pub name: String,
    pub size_bytes: i64,
}

impl Aws {
    pub fn cloudwatch(&self, region: &Region) -> CloudWatch {
        let client = self.client("cloudwatch", region, |cfg| sdk_client!(aws_sdk_cloudwatch, cfg));
        CloudWatch {
            client,
            endpoint: self.endpoint("monitoring", region),
            region: region.clone(),
        }
    }

    /// `metrics` for every profile over `window`: one map per profile, in the
    /// order given. Returns the metric map and the number of `GetMetricData`
    /// calls made.
    pub async fn profile_metrics(
        &self,
        profiles: &[Profile],
        metrics: &[Metric],
        window: &Window,
    ) -> Result<(Vec<BTreeMap<Metric, Datapoints>>, usize)> {
        let mut by_region: BTreeMap<&Region, Vec<usize>> = BTreeMap::new();
        for (i, p) in profiles.iter().enumerate() {
            by_region.entry(&p.region).or_default().push(i);
        }
        let per_region: Vec<(Vec<(MetricQuery, Datapoints)>, usize)> =
            stream::iter(by_region.into_iter().map(|(region, idx)| {
                let cw = self.cloudwatch(region);
                async move {
                    let seen = cw.model_ids().await?;
                    let targets: Vec<(usize, String)> = idx
                        .iter()
                        .flat_map(|i| {
                            usage::dimension_values(&profiles[*i], &seen)
                                .into_iter()
                                .map(move |d| (*i, d))
                        })
                        .collect();
                    self.targets_metrics(&cw, &targets, metrics, window).await
                }
            }))
            .buffer_unordered(self.concurrency)
            .try_collect()
            .await?;

        let mut out = vec![BTreeMap::<Metric, Datapoints>::new(); profiles.len()];
        let mut calls = 0;
        for (answers, n) in per_region {
            calls += n;
            for (q, series) in answers {
                out[q.profile].entry(q.metric).or_default().extend(series);
            }
        }
        Ok((out, calls))
    }

    /// `metrics` for every `ModelId` value of every region in `by_region`
    /// (values as given, no discovery), over `window`: one map per value, in
    /// the order given. Returns them and the number of `GetMetricData` calls.
    pub async fn model_id_metrics(
        &self,
        by_region: &[(Region, Vec<String>)],
        metrics: &[Metric],
        window: &Window,
    ) -> Result<(Vec<Vec<BTreeMap<Metric, Datapoints>>>, usize)> {
        type Answers = (usize, Vec<(MetricQuery, Datapoints)>, usize);
        let per_region: Vec<Answers> =
            stream::iter(by_region.iter().enumerate().map(|(r, (region, values))| {
                let cw = self.cloudwatch(region);
                async move {
                    let targets: Vec<(usize, String)> = values.iter().cloned().enumerate().collect();
                    let (answers, calls) = self.targets_metrics(&cw, &targets, metrics, window).await?;
                    Ok::<_, Error>((r, answers, calls))
                }
            }))
            .buffer_unordered(self.concurrency)
            .try_collect()
            .await?;
        let mut out: Vec<Vec<BTreeMap<Metric, Datapoints>>> = by_region
            .iter()
            .map(|(_, values)| vec![BTreeMap::new(); values.len()])
            .collect();
        let mut calls = 0;
        for (r, answers, n) in per_region {
            calls += n;
            for (q, series) in answers {
                out[r][q.profile].entry(q.metric).or_default().extend(series);
            }
        }
        Ok((out, calls))
    }

    /// `metrics` for `targets` (an index of the caller's and a `ModelId`
    /// value) in one region: batches of at most 500 queries, concurrently.
    async fn targets_metrics(
        &self,
        cw: &CloudWatch,
        targets: &[(usize, String)],
        metrics: &[Metric],
        window: &Window,
    ) -> Result<(Vec<(MetricQuery, Datapoints)>, usize)> {
        let batches = usage::plan(targets, metrics, window);
        let calls = batches.len();
        let answers: Vec<Vec<(MetricQuery, Datapoints)>> = stream::iter(
            batches
                .into_iter()
                .map(|b| async move { cw.metric_data(b, window).await }),
        )
        .buffer_unordered(self.concurrency)
        .try_collect()
        .await?;
        Ok((answers.into_iter().flatten().collect(), calls))
    }
}

impl CloudWatch {
    fn fail<E>(
        &self,
        operation: &'static str,
        err: &aws_sdk_cloudwatch::error::SdkError<
            E,
            aws_smithy_runtime_api::client::orchestrator::HttpResponse,
        >,
    ) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        failure(SERVICE, operation, self.region.as_str(), &self.endpoint, err)
    }

    /// The `ModelId` values with `Invocations` in this region (the last two
    /// weeks, as `ListMetrics` reports).
    pub async fn model_ids(&self) -> Result<HashSet<String>> {
        let pages: Vec<_> = self
            .client
            .list_metrics()
            .namespace(NAMESPACE)
            .metric_name("Invocations")
            .dimensions(DimensionFilter::builder().name(DIMENSION).build())
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| self.fail("ListMetrics", &e))?;
        Ok(pages
            .iter()
            .flat_map(aws_sdk_cloudwatch::operation::list_metrics::ListMetricsOutput::metrics)
            .flat_map(CwMetric::dimensions)
            .filter(|d| d.name() == Some(DIMENSION))
            .filter_map(|d| d.value().map(str::to_owned))
            .collect())
    }

    /// One batch (≤500 queries), every page.
    async fn metric_data(
        &self,
        batch: Vec<MetricQuery>,
        window: &Window,
    ) -> Result<Vec<(MetricQuery, Datapoints)>> {
        let queries: Vec<MetricDataQuery> = batch
            .iter()
            .map(|q| {
                let metric = CwMetric::builder()
                    .namespace(NAMESPACE)
                    .metric_name(q.metric.metric_name())
                    .dimensions(
                        Dimension::builder()
                            .name(DIMENSION)
                            .value(&q.dimension_value)
                            .build(),
                    )
                    .build();
                MetricDataQuery::builder()
                    .id(&q.id)
                    .metric_stat(
                        MetricStat::builder()
                            .metric(metric)
                            .period(q.period_seconds)
                            .stat(q.metric.stat())
                            .build(),
                    )
                    .return_data(true)
                    .build()
            })
            .collect();
        let mut series: HashMap<String, Datapoints> = HashMap::new();
        let mut pages = self
            .client
            .get_metric_data()
            .set_metric_data_queries(Some(queries))
            .start_time(DateTime::from_secs(window.start.as_second()))
            .end_time(DateTime::from_secs(window.end_exclusive.as_second()))
            .into_paginator()
            .send();
        while let Some(page) = pages
            .try_next()
            .await
            .map_err(|e| self.fail("GetMetricData", &e))?
        {
            for r in page.metric_data_results() {
                let Some(id) = r.id() else { continue };
                let entry = series.entry(id.to_owned()).or_default();
                entry.extend(
                    r.timestamps()
                        .iter()
                        .map(DateTime::secs)
                        .zip(r.values().iter().copied()),
                );
            }
        }
        Ok(batch
            .into_iter()
            .map(|q| {
                let s = series.remove(&q.id).unwrap_or_default();
                (q, s)
            })
            .collect())
    }

    /// Creates or replaces a dashboard; returns CloudWatch's validation messages.
    pub async fn put_dashboard(&self, name: &str, body: &str) -> Result<Vec<String>> {
        match self
            .client
            .put_dashboard()
            .dashboard_name(name)
            .dashboard_body(body)
            .send()
            .await
        {
            Ok(o) => Ok(o
                .dashboard_validation_messages()
                .iter()
                .map(|m| format!("{}: {}", m.data_path().unwrap_or("-"), m.message().unwrap_or("-")))
                .collect()),
            Err(e) => {
                let mut err = self.fail("PutDashboard", &e);
                if let (
                    Error::Aws(f),
                    Some(aws_sdk_cloudwatch::operation::put_dashboard::PutDashboardError::DashboardInvalidInputError(d)),
                ) = (&mut err, e.as_service_error())
                {
                    let details: Vec<String> = d
                        .dashboard_validation_messages()
                        .iter()
                        .map(|m| format!("{}: {}", m.data_path().unwrap_or("-"), m.message().unwrap_or("-")))
                        .collect();
                    if !details.is_empty() {
                        f.message = format!("{} ({})", f.message, details.join("; "));
                    }
                }
                Err(err)
            }
        }
    }

    pub async fn list_dashboards(&self, prefix: Option<&str>) -> Result<Vec<DashboardEntry>> {
        let entries: Vec<_> = self
            .client
            .list_dashboards()
            .set_dashboard_name_prefix(prefix.map(str::to_owned))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| self.fail("ListDashboards", &e))?;
        Ok(entries
            .iter()
            .filter_map(|e| {
                Some(DashboardEntry {
                    name: e.dashboard_name()?.to_owned(),
                    size_bytes: e.size().unwrap_or(0),
                })
            })
            .collect())
    }

    /// A dashboard's body; `None` when it does not exist.
    pub async fn dashboard_body(&self, name: &str) -> Result<Option<String>> {
        match self.client.get_dashboard().dashboard_name(name).send().await {
            Ok(o) => Ok(o.dashboard_body().map(str::to_owned)),
            Err(e) if matches!(e.code(), Some("ResourceNotFound" | "ResourceNotFoundException")) => Ok(None),
            Err(e) => Err(self.fail("GetDashboard", &e)),
        }
    }

    pub async fn delete_dashboards(&self, names: &[String]) -> Result<()> {
        for chunk in names.chunks(100) {
            self.client
                .delete_dashboards()
                .set_dashboard_names(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| self.fail("DeleteDashboards", &e))?;
        }
        Ok(())
    }
}
