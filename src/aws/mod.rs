//! The only place SDK types appear. Loads the AWS configuration once (the
//! standard chain: env, profiles, SSO, `AWS_ENDPOINT_URL*`), sets the retry
//! policy and the operation timeout, builds per-region clients, and turns SDK
//! values and errors into domain values and [`crate::error::Error`].

pub mod bedrock;
pub mod cache;
pub mod cloudwatch;
pub mod costexplorer;
mod error;
mod sts;

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{AppName, BehaviorVersion, SdkConfig};

use crate::domain::region::{BEDROCK_REGIONS, Region};
use crate::error::{Error, Result};

pub use error::failure;

/// Whether an AWS operation changes anything, and whether IAM governs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    /// Allowed to every caller; no policy grants or denies it
    /// (`sts:GetCallerIdentity`).
    Unrestricted,
}

/// One AWS operation aipctl sends: the IAM service prefix, the operation
/// name (which is also the IAM action name for every call in the table) and
/// whether it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    pub service: &'static str,
    pub name: &'static str,
    pub access: Access,
}

impl Operation {
    const fn read(service: &'static str, name: &'static str) -> Self {
        Self {
            service,
            name,
            access: Access::Read,
        }
    }

    const fn unrestricted(service: &'static str, name: &'static str) -> Self {
        Self {
            service,
            name,
            access: Access::Unrestricted,
        }
    }

    const fn write(service: &'static str, name: &'static str) -> Self {
        Self {
            service,
            name,
            access: Access::Write,
        }
    }

    /// `bedrock:ListInferenceProfiles`.
    pub fn iam_action(&self) -> String {
        format!("{}:{}", self.service, self.name)
    }
}

/// Every AWS operation the `aws` layer sends, and so every permission an
/// operator needs. `policies/operator.json` must allow all of them (but the
/// unrestricted ones, which no policy governs) and nothing else; `policies/read-only.json` must allow exactly the reads.
/// A test scans this module's files for SDK calls and fails on one missing
/// here, so a new call cannot ship without its permission.
///
/// The Cost Explorer calls serve `aipctl cost` and `aipctl cost-tags`.
pub const OPERATIONS: &[Operation] = &[
    Operation::read("bedrock", "ListInferenceProfiles"),
    Operation::read("bedrock", "GetInferenceProfile"),
    Operation::read("bedrock", "ListTagsForResource"),
    Operation::read("bedrock", "GetFoundationModel"),
    Operation::write("bedrock", "CreateInferenceProfile"),
    Operation::write("bedrock", "DeleteInferenceProfile"),
    Operation::write("bedrock", "TagResource"),
    Operation::write("bedrock", "UntagResource"),
    Operation::read("cloudwatch", "ListMetrics"),
    Operation::read("cloudwatch", "GetMetricData"),
    Operation::read("cloudwatch", "ListDashboards"),
    Operation::read("cloudwatch", "GetDashboard"),
    Operation::write("cloudwatch", "PutDashboard"),
    Operation::write("cloudwatch", "DeleteDashboards"),
    Operation::read("ce", "GetCostAndUsage"),
    Operation::read("ce", "GetCostForecast"),
    Operation::read("ce", "GetDimensionValues"),
    Operation::read("ce", "ListCostAllocationTags"),
    Operation::write("ce", "UpdateCostAllocationTagsStatus"),
    Operation::unrestricted("sts", "GetCallerIdentity"),
];

/// How aipctl talks to AWS, from the global flags.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    pub max_attempts: u32,
    /// Adds a client-side rate limiter after throttling to the standard backoff.
    pub adaptive_retry: bool,
    pub timeout: Duration,
    pub concurrency: usize,
}

/// Loaded configuration, shared by every client.
#[derive(Clone)]
pub struct Aws {
    sdk: SdkConfig,
    pub concurrency: usize,
    /// The named profile and endpoints in use: which caller a cached answer belongs to.
    scope: String,
}

impl Aws {
    pub async fn load(settings: &Settings) -> Self {
        let attempt_timeout = settings.timeout.min(Duration::from_secs(30));
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            // Adaptive (the default): the standard exponential backoff with
            // jitter, plus a client-side rate limiter that slows down after
            // throttling, which suits bulk work against unpublished TPS limits.
            .retry_config(
                if settings.adaptive_retry {
                    RetryConfig::adaptive()
                } else {
                    RetryConfig::standard()
                }
                .with_max_attempts(settings.max_attempts),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(settings.timeout)
                    .operation_attempt_timeout(attempt_timeout)
                    .connect_timeout(Duration::from_secs(5))
                    .build(),
            )
            .app_name(AppName::new("aipctl").expect("valid app name"));
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(url) = &settings.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let endpoint_env = |name: &str| std::env::var(name).unwrap_or_default();
        let scope = format!(
            "profile={}\nendpoint={}\nenv={}\nce-env={}",
            settings.profile.as_deref().unwrap_or(""),
            settings.endpoint_url.as_deref().unwrap_or(""),
            endpoint_env("AWS_ENDPOINT_URL"),
            endpoint_env("AWS_ENDPOINT_URL_COST_EXPLORER"),
        );
        Self {
            sdk: loader.load().await,
            concurrency: settings.concurrency,
            scope,
        }
    }

    /// The regions a command works in: `--all-regions`, the `--region` list,
    /// or the region of the AWS config chain.
    pub fn regions(&self, flags: &[Region], all: bool) -> Result<Vec<Region>> {
        if all {
            return Ok(BEDROCK_REGIONS
                .iter()
                .map(|r| r.parse().expect("valid built-in region"))
                .collect());
        }
        if !flags.is_empty() {
            let mut out: Vec<Region> = Vec::with_capacity(flags.len());
            for r in flags {
                if !out.contains(r) {
                    out.push(r.clone());
                }
            }
            return Ok(out);
        }
        let region = self.sdk.region().ok_or(Error::NoRegion)?;
        Ok(vec![region.as_ref().parse::<Region>()?])
    }

    fn region_config(&self, region: &Region) -> SdkConfig {
        self.sdk
            .to_builder()
            .region(aws_config::Region::new(region.as_str().to_owned()))
            .build()
    }
}
