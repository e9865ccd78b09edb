//! The only place SDK types appear. Loads the AWS configuration once (the
//! standard chain: env, profiles, SSO, `AWS_ENDPOINT_URL*`), sets the retry
//! policy and the operation timeout, builds per-region clients, and turns SDK
//! values and errors into domain values and [`crate::error::Error`].

pub mod bedrock;
pub mod cache;
pub mod cloudwatch;
pub mod costexplorer;
mod error;

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{AppName, BehaviorVersion, SdkConfig};

use crate::domain::region::{BEDROCK_REGIONS, Region};
use crate::error::{Error, Result};

pub use error::failure;

/// How aipctl talks to AWS, from the global flags.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    pub max_attempts: u32,
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
            // Adaptive: the standard exponential backoff with jitter, plus a
            // client-side rate limiter that slows down after throttling, which
            // suits bulk listing and deleting against unpublished TPS limits.
            .retry_config(RetryConfig::adaptive().with_max_attempts(settings.max_attempts))
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
