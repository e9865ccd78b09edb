//! The only place SDK types appear. Loads the AWS configuration once (the
//! standard chain: env, profiles, SSO, `AWS_ENDPOINT_URL*`), sets the retry
//! policy and the operation timeout, builds per-region clients, and turns SDK
//! values and errors into domain values and [`crate::error::Error`].

/// An SDK client of crate `$sdk` from a region's configuration, with the
/// call log (`-v`) and the connect errors that end a call at once: every
/// service's client is made this way (Cost Explorer adds its attempt count).
macro_rules! sdk_client {
    ($sdk:ident, $cfg:expr) => {
        $sdk::Client::from_conf(
            $sdk::config::Builder::from($cfg)
                .interceptor($crate::aws::CallLog)
                .retry_classifier($crate::aws::FinalConnectErrors)
                .build(),
        )
    };
}

pub mod anomaly;
pub mod bedrock;
pub mod budgets;
pub mod cache;
pub mod cloudwatch;
pub mod costexplorer;
mod error;
mod http;
pub mod listing;
pub mod metering;
pub mod organizations;
pub mod pricing;
mod sts;
pub mod tagging;

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{AppName, BehaviorVersion, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::provider::error::CredentialsError;
use tokio::sync::Semaphore;

use crate::domain::account::AccountId;
use crate::domain::region::{self, BEDROCK_REGIONS, Region};
use crate::error::{Error, Result};

pub use error::{CallLog, FinalConnectErrors, calls_done, failure, is_throttling};

/// What a deletion came to, whatever was deleted: "already gone" counts as done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    Now,
    AlreadyGone,
}

/// Whether an AWS operation changes anything, and whether IAM governs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Read,
    Write,
    /// Allowed to every caller; no policy grants or denies it
    /// (`sts:GetCallerIdentity`).
    Unrestricted,
}

/// One AWS operation aipctl sends: the IAM service prefix, the operation
/// name, the IAM action that authorizes it (the operation's own name, but
/// for Budgets, whose operations are authorized by `budgets:ViewBudget` and
/// `budgets:ModifyBudget`) and whether it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    pub service: &'static str,
    pub name: &'static str,
    pub access: OperationKind,
    /// The IAM action when it is not named after the operation.
    action: Option<&'static str>,
}

impl Operation {
    const fn new(service: &'static str, name: &'static str, access: OperationKind) -> Self {
        Self {
            service,
            name,
            access,
            action: None,
        }
    }

    const fn read(service: &'static str, name: &'static str) -> Self {
        Self::new(service, name, OperationKind::Read)
    }

    const fn unrestricted(service: &'static str, name: &'static str) -> Self {
        Self::new(service, name, OperationKind::Unrestricted)
    }

    const fn write(service: &'static str, name: &'static str) -> Self {
        Self::new(service, name, OperationKind::Write)
    }

    /// Authorized by the IAM action `action` of the same service.
    const fn as_action(mut self, action: &'static str) -> Self {
        self.action = Some(action);
        self
    }

    /// `bedrock:ListInferenceProfiles`, `budgets:ViewBudget`.
    pub fn iam_action(&self) -> String {
        format!("{}:{}", self.service, self.action.unwrap_or(self.name))
    }
}

/// Every AWS operation the `aws` layer sends, and so every permission an
/// operator needs. `policies/operator.json` must allow all of them (but the
/// unrestricted ones, which no policy governs) and nothing else; `policies/read-only.json` must allow exactly the reads.
/// A test scans this module's files for SDK calls and fails on one missing
/// here, so a new call cannot ship without its permission.
///
/// The Cost Explorer calls serve `aipctl cost`, `aipctl cost-tags` and
/// `aipctl coverage --billed`; the Price List's `GetProducts` serves `prices`,
/// `usage`, `describe --usage` and `cost --reconcile`; the Organizations calls
/// and `sts:AssumeRole` serve `--accounts`; the Budgets and Cost Anomaly
/// Detection ones `plan`, `apply` and `budgets` (IAM actions per the Service
/// Authorization Reference, "Actions, resources, and condition keys for AWS
/// Budget Service":
/// <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbudgetservice.html>).
pub const OPERATIONS: &[Operation] = &[
    Operation::read("bedrock", "ListInferenceProfiles"),
    Operation::read("bedrock", "GetInferenceProfile"),
    Operation::read("bedrock", "ListTagsForResource"),
    Operation::read("tag", "GetResources"),
    Operation::read("bedrock", "GetFoundationModel"),
    Operation::read("bedrock", "ListFoundationModels"),
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
    Operation::read("pricing", "GetProducts"),
    Operation::read("budgets", "DescribeBudgets").as_action("ViewBudget"),
    Operation::read("budgets", "DescribeNotificationsForBudget").as_action("ViewBudget"),
    Operation::read("budgets", "DescribeSubscribersForNotification").as_action("ViewBudget"),
    Operation::write("budgets", "CreateBudget").as_action("ModifyBudget"),
    Operation::write("budgets", "UpdateBudget").as_action("ModifyBudget"),
    Operation::write("budgets", "DeleteBudget").as_action("ModifyBudget"),
    Operation::write("budgets", "CreateNotification").as_action("ModifyBudget"),
    Operation::write("budgets", "DeleteNotification").as_action("ModifyBudget"),
    Operation::write("budgets", "CreateSubscriber").as_action("ModifyBudget"),
    Operation::write("budgets", "DeleteSubscriber").as_action("ModifyBudget"),
    Operation::read("ce", "GetAnomalyMonitors"),
    Operation::read("ce", "GetAnomalySubscriptions"),
    Operation::write("ce", "CreateAnomalyMonitor"),
    Operation::write("ce", "DeleteAnomalyMonitor"),
    Operation::write("ce", "CreateAnomalySubscription"),
    Operation::write("ce", "UpdateAnomalySubscription"),
    Operation::write("ce", "DeleteAnomalySubscription"),
    Operation::unrestricted("sts", "GetCallerIdentity"),
    Operation::read("organizations", "ListAccounts"),
    Operation::read("organizations", "ListAccountsForParent"),
    Operation::read("organizations", "ListOrganizationalUnitsForParent"),
    Operation::read("sts", "AssumeRole"),
];

/// How aipctl talks to AWS, from the global flags.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// `--profile`: an explicit named profile, which beats credentials in
    /// the environment (as in the AWS CLI). `AWS_PROFILE` is read by the SDK.
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    pub max_attempts: u32,
    /// Adds a client-side rate limiter after throttling to the standard backoff.
    pub adaptive_retry: bool,
    /// `--timeout`: the whole operation, retries included; `None` fits the retry schedule.
    pub timeout: Option<Duration>,
    pub concurrency: usize,
    /// Regions allowed beyond the built-in list (`AIPCTL_EXTRA_REGIONS`).
    pub extra_regions: Vec<Region>,
}

/// The longest one attempt may take before it is abandoned (and retried).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);
/// The SDK's standard backoff: 1 s doubling, capped at 20 s, with full jitter.
const MAX_BACKOFF_SECS: u64 = 20;

/// The longest the SDK's standard backoff can wait over `max_attempts`
/// attempts (each wait is at most `min(2^i, 20)` seconds).
pub fn backoff_budget(max_attempts: u32) -> Duration {
    let secs: u64 = (0..max_attempts.saturating_sub(1))
        .map(|i| 2u64.saturating_pow(i).min(MAX_BACKOFF_SECS))
        .sum();
    Duration::from_secs(secs)
}

/// The operation timeout that leaves room for every retry: each attempt up
/// to [`ATTEMPT_TIMEOUT`] plus the longest backoff between them.
pub fn default_timeout(max_attempts: u32) -> Duration {
    ATTEMPT_TIMEOUT * max_attempts + backoff_budget(max_attempts)
}

/// Loaded configuration, shared by every client.
#[derive(Clone)]
pub struct Aws {
    sdk: SdkConfig,
    pub concurrency: usize,
    /// The named profile and endpoints in use: which caller a cached answer belongs to.
    scope: String,
    extra_regions: Vec<Region>,
    clients: Arc<Clients>,
    /// The account these credentials act in when it is not the caller's
    /// (an assumed role); `None`: the caller's own.
    account: Option<AccountId>,
}

/// The account (`None`: the caller's), service and region a client is for.
type ClientKey = (Option<AccountId>, &'static str, Region);

/// SDK clients, built once per account, service and region and reused by every call.
#[derive(Default)]
struct Clients {
    built: Mutex<HashMap<ClientKey, Arc<dyn Any + Send + Sync>>>,
}

/// The config and credentials files the SDK reads, for messages.
fn profile_files() -> String {
    let path = |var: &str, default: &str| std::env::var(var).unwrap_or_else(|_| default.to_owned());
    format!(
        "`{}` or `{}`",
        path("AWS_CONFIG_FILE", "~/.aws/config"),
        path("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")
    )
}

/// The `output` setting of an AWS profile (`None`: the `default` profile),
/// when the config files have one; files that cannot be read count as none
/// here (the command that needs them says why).
pub async fn configured_output(profile: Option<&str>) -> Option<String> {
    use aws_types::os_shim_internal::{Env, Fs};
    let files = aws_runtime::env_config::file::EnvConfigFiles::default();
    let name = profile.unwrap_or("default").to_owned();
    let set = aws_config::profile::load(&Fs::real(), &Env::real(), &files, Some(name.clone().into()))
        .await
        .ok()?;
    set.get_profile(&name)?.get("output").map(str::to_owned)
}

/// Refuses a named profile that the config and credentials files do not
/// have, before any request (the AWS CLI's "profile not found").
async fn check_profile(name: &str) -> Result<()> {
    use aws_types::os_shim_internal::{Env, Fs};
    let files = aws_runtime::env_config::file::EnvConfigFiles::default();
    let set = aws_config::profile::load(&Fs::real(), &Env::real(), &files, Some(name.to_owned().into()))
        .await
        .map_err(|e| Error::Usage {
            message: format!("the AWS config files could not be read: {e}"),
            hint: Some(format!("check {}", profile_files())),
        })?;
    if set.get_profile(name).is_none() {
        return Err(Error::UnknownAwsProfile {
            name: name.to_owned(),
            files: profile_files(),
        });
    }
    Ok(())
}

impl Aws {
    /// Loads the AWS configuration and checks, before any AWS request, that
    /// a named profile exists and that credentials can be found.
    pub async fn load(settings: &ClientSettings) -> Result<Self> {
        let env_profile = std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty());
        let named = settings.profile.clone().or(env_profile);
        if let Some(name) = &named {
            check_profile(name).await?;
        }
        let operation_timeout = settings
            .timeout
            .unwrap_or_else(|| default_timeout(settings.max_attempts));
        let attempt_timeout = operation_timeout.min(ATTEMPT_TIMEOUT);
        let budget = Arc::new(Semaphore::new(settings.concurrency.max(1)));
        let http_client = http::Budgeted::client(http::https_client(), budget);
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http_client.clone())
            // Standard (the default): exponential backoff with full jitter.
            // Adaptive also rate-limits the client after throttling, which
            // is kind to shared quotas but slow.
            .retry_config(
                if settings.adaptive_retry {
                    RetryConfig::adaptive()
                } else {
                    RetryConfig::standard()
                }
                .with_max_attempts(settings.max_attempts)
                .with_max_backoff(Duration::from_secs(MAX_BACKOFF_SECS)),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(operation_timeout)
                    .operation_attempt_timeout(attempt_timeout)
                    .connect_timeout(Duration::from_secs(5))
                    .build(),
            )
            .app_name(AppName::new("aipctl").expect("valid app name"));
        if let Some(profile) = &settings.profile {
            // An explicit `--profile` wins over keys in the environment.
            loader = loader.profile_name(profile).credentials_provider(
                aws_config::profile::ProfileFileCredentialsProvider::builder()
                    .configure(
                        &aws_config::provider_config::ProviderConfig::without_region()
                            .with_http_client(http_client.clone()),
                    )
                    .profile_name(profile)
                    .build(),
            );
        }
        if let Some(url) = &settings.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let sdk = loader.load().await;
        check_credentials(&sdk, named.as_deref()).await?;
        let endpoint_env = |name: &str| std::env::var(name).unwrap_or_default();
        let scope = format!(
            "profile={}\nendpoint={}\nenv={}\nce-env={}",
            named.as_deref().unwrap_or(""),
            settings.endpoint_url.as_deref().unwrap_or(""),
            endpoint_env("AWS_ENDPOINT_URL"),
            endpoint_env("AWS_ENDPOINT_URL_COST_EXPLORER"),
        );
        Ok(Self {
            sdk,
            concurrency: settings.concurrency,
            scope,
            extra_regions: settings.extra_regions.clone(),
            clients: Arc::default(),
            account: None,
        })
    }

    /// The client of `service` in `region`, built by `build` the first time.
    fn client<C: Clone + Send + Sync + 'static>(
        &self,
        service: &'static str,
        region: &Region,
        build: impl FnOnce(&SdkConfig) -> C,
    ) -> C {
        let key = (self.account.clone(), service, region.clone());
        let mut cache = self.clients.built.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(made) = cache.get(&key).and_then(|c| c.downcast_ref::<C>()) {
            return made.clone();
        }
        let made = build(&self.region_config(region));
        cache.insert(key, Arc::new(made.clone()));
        made
    }

    /// This configuration with `sdk` (another account's credentials) for
    /// `account`; its clients are cached under that account.
    fn in_account(&self, sdk: SdkConfig, account: AccountId) -> Self {
        Self {
            sdk,
            account: Some(account),
            ..self.clone()
        }
    }

    /// The regions a command works in: `--all-regions`, the `--region` list,
    /// or the region of the AWS config chain. A region AWS does not have is
    /// an input error.
    pub fn regions(&self, flags: &[Region], all: bool) -> Result<Vec<Region>> {
        if all {
            return Ok(BEDROCK_REGIONS
                .iter()
                .map(|r| r.parse().expect("valid built-in region"))
                .collect());
        }
        let mut out: Vec<Region> = Vec::with_capacity(flags.len().max(1));
        if flags.is_empty() {
            let configured = self.sdk.region().ok_or(Error::NoRegion)?;
            out.push(configured.as_ref().parse::<Region>()?);
        }
        for r in flags {
            if !out.contains(r) {
                out.push(r.clone());
            }
        }
        for r in &out {
            region::check_known(r, &self.extra_regions)?;
        }
        Ok(out)
    }

    /// The region of the AWS config chain, else `us-east-1`: where global
    /// calls (STS) go.
    pub fn home_region(&self) -> Region {
        self.sdk
            .region()
            .and_then(|r| r.as_ref().parse().ok())
            .unwrap_or_else(|| "us-east-1".parse().expect("a valid region"))
    }

    fn region_config(&self, region: &Region) -> SdkConfig {
        self.sdk
            .to_builder()
            .region(aws_config::Region::new(region.as_str().to_owned()))
            .build()
    }

    /// Where requests for `service` in `region` go, for messages: the
    /// configured endpoint, or AWS's.
    pub fn endpoint(&self, host_prefix: &str, region: &Region) -> String {
        self.sdk.endpoint_url().map_or_else(
            || format!("https://{host_prefix}.{region}.amazonaws.com"),
            str::to_owned,
        )
    }
}

/// Finds credentials now, so a missing or expired login is one clear line
/// before any request rather than a failure on every one.
async fn check_credentials(sdk: &SdkConfig, profile: Option<&str>) -> Result<()> {
    let Some(provider) = sdk.credentials_provider() else {
        return Err(Error::NoCredentials {
            profile: profile.map(str::to_owned),
        });
    };
    match provider.provide_credentials().await {
        Ok(_) => Ok(()),
        Err(CredentialsError::CredentialsNotLoaded(_)) => Err(Error::NoCredentials {
            profile: profile.map(str::to_owned),
        }),
        Err(e) => {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                let text = s.to_string();
                if !message.contains(&text) {
                    message = format!("{message}: {text}");
                }
                source = s.source();
            }
            Err(Error::Credentials {
                message,
                profile: profile.map(str::to_owned),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn bare() -> Aws {
        Aws {
            sdk: SdkConfig::builder().build(),
            concurrency: 1,
            scope: String::new(),
            extra_regions: Vec::new(),
            clients: Arc::default(),
            account: None,
        }
    }

    #[test]
    fn a_client_is_built_once_per_account_service_and_region() {
        let aws = bare();
        let builds = Cell::new(0);
        let client = |aws: &Aws, service: &'static str, region: &str| -> String {
            aws.client(service, &region.parse().unwrap(), |cfg| {
                builds.set(builds.get() + 1);
                format!("{service} {}", cfg.region().unwrap())
            })
        };
        assert_eq!(client(&aws, "bedrock", "us-east-1"), "bedrock us-east-1");
        assert_eq!(client(&aws, "bedrock", "us-east-1"), "bedrock us-east-1");
        assert_eq!(builds.get(), 1, "the second call reuses the first client");
        client(&aws, "bedrock", "eu-west-1");
        client(&aws, "tagging", "us-east-1");
        assert_eq!(builds.get(), 3, "another region or service is another client");
        // A clone shares the cache; another account's configuration has its own entries.
        client(&aws.clone(), "bedrock", "us-east-1");
        assert_eq!(builds.get(), 3);
        let member = aws.in_account(SdkConfig::builder().build(), "234567890123".parse().unwrap());
        client(&member, "bedrock", "us-east-1");
        client(&member, "bedrock", "us-east-1");
        assert_eq!(builds.get(), 4);
    }
}
