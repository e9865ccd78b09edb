//! The Rust SDK itself against the emulator, for the operations no aipctl
//! command sends yet (Cost Explorer) and for a gzip-compressed `PutMetricData`:
//! the emulator must speak every protocol the SDK does.

use aws_config::BehaviorVersion;
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use aws_sdk_costexplorer::types::{
    CostAllocationTagStatus, CostAllocationTagStatusEntry, DateInterval, Granularity, GroupDefinition,
    GroupDefinitionType, Metric,
};
use serde_json::json;

use crate::support::{NOVA_PRO, date_days_ago, usage, world};

async fn config(url: &str) -> aws_config::SdkConfig {
    // aipctl builds its AWS crates without their default HTTP client; the
    // tests give the SDK the same kind aipctl uses (hyper 1, rustls, aws-lc).
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .build_https();
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .endpoint_url(url)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_costexplorer::config::Credentials::new(
            "AKIDTEST", "secret", None, None, "test",
        ))
        .load()
        .await
}

#[tokio::test(flavor = "current_thread")]
async fn cost_explorer_operations_answer_the_rust_sdk() {
    let w = world();
    let p = &w.seed_profiles(
        json!([{"region": "us-east-1", "name": "a", "source": NOVA_PRO, "tags": {"Department": "Search"}}]),
    )[0];
    w.activate("Department", &date_days_ago(60));
    w.seed_usage([usage(p, &date_days_ago(3))
        .invocations(10)
        .tokens([1_000_000, 100_000, 0, 0])]);
    let ce = aws_sdk_costexplorer::Client::new(&config(&w.url).await);
    let period = DateInterval::builder()
        .start(date_days_ago(10))
        .end(date_days_ago(0))
        .build()
        .unwrap();

    let out = ce
        .get_cost_and_usage()
        .time_period(period.clone())
        .granularity(Granularity::Monthly)
        .metrics("UnblendedCost")
        .group_by(
            GroupDefinition::builder()
                .r#type(GroupDefinitionType::Tag)
                .key("Department")
                .build(),
        )
        .send()
        .await
        .expect("GetCostAndUsage");
    let keys: Vec<String> = out
        .results_by_time()
        .iter()
        .flat_map(aws_sdk_costexplorer::types::ResultByTime::groups)
        .flat_map(|g| g.keys().to_vec())
        .collect();
    assert!(keys.contains(&"Department$Search".to_owned()), "{keys:?}");

    let tags = ce
        .list_cost_allocation_tags()
        .send()
        .await
        .expect("ListCostAllocationTags");
    assert!(
        tags.cost_allocation_tags()
            .iter()
            .any(|t| t.tag_key() == "Department")
    );

    let update = ce
        .update_cost_allocation_tags_status()
        .cost_allocation_tags_status(
            CostAllocationTagStatusEntry::builder()
                .tag_key("NeverSeen")
                .status(CostAllocationTagStatus::Active)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("UpdateCostAllocationTagsStatus");
    assert_eq!(update.errors().len(), 1, "an unknown key is reported per entry");

    let services = ce
        .get_dimension_values()
        .time_period(period)
        .dimension(aws_sdk_costexplorer::types::Dimension::Service)
        .search_string("Bedrock")
        .send()
        .await
        .expect("GetDimensionValues");
    assert!(!services.dimension_values().is_empty());

    let forecast = ce
        .get_cost_forecast()
        .time_period(
            DateInterval::builder()
                .start(date_days_ago(0))
                .end(date_days_ago(-5))
                .build()
                .unwrap(),
        )
        .granularity(Granularity::Daily)
        .metric(Metric::UnblendedCost)
        .send()
        .await
        .expect("GetCostForecast");
    assert!(forecast.total().is_some());
}

#[tokio::test(flavor = "current_thread")]
async fn a_large_put_metric_data_is_sent_gzip_compressed_and_stored() {
    let w = world();
    let cw = aws_sdk_cloudwatch::Client::new(&config(&w.url).await);
    let now = std::time::SystemTime::now();
    // 600 datums make a body well above the SDK's 10 KiB compression threshold.
    let data: Vec<MetricDatum> = (0..600)
        .map(|i| {
            MetricDatum::builder()
                .metric_name("Invocations")
                .dimensions(
                    Dimension::builder()
                        .name("ModelId")
                        .value(format!("m{}", i % 3))
                        .build(),
                )
                .timestamp(aws_sdk_cloudwatch::primitives::DateTime::from(now))
                .value(1.0)
                .unit(StandardUnit::Count)
                .build()
        })
        .collect();
    for chunk in data.chunks(600) {
        cw.put_metric_data()
            .namespace("Test/Gzip")
            .set_metric_data(Some(chunk.to_vec()))
            .send()
            .await
            .expect("PutMetricData");
    }
    let listed = cw
        .list_metrics()
        .namespace("Test/Gzip")
        .send()
        .await
        .expect("ListMetrics");
    assert_eq!(listed.metrics().len(), 3);
}
