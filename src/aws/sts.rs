//! STS: which account the credentials belong to (a saved plan records it,
//! and `apply --plan` refuses to run against another account), and the
//! credentials of another account through `AssumeRole`.
//!
//! A member account's credentials come from [`RoleCredentials`]: one
//! `AssumeRole` the first time they are needed, kept for the run and asked
//! for again five minutes before they expire. It calls STS through the same
//! client as every other call (the shared HTTP client and concurrency
//! budget, `-v`'s call log), so a refusal is an [`Error::Aws`] naming the
//! role, not a credentials error inside another call. (aws-config's
//! `AssumeRoleProvider` takes the same `SdkConfig`, but its refusals reach
//! the caller only as an opaque `CredentialsError` of the first call that
//! needed them.)

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::{self, ProvideCredentials, future};
use aws_sdk_sts::Client;

use super::{Aws, failure};
use crate::domain::account::{ExternalId, RoleArn, SessionName};
use crate::domain::region::Region;
use crate::error::{Error, Result};

const SERVICE: &str = "sts";
/// Credentials this close to expiring are replaced before a request uses them.
const REFRESH_BEFORE: Duration = Duration::from_secs(5 * 60);

impl Aws {
    fn sts(&self, region: &Region) -> Client {
        self.client("sts", region, |cfg| sdk_client!(aws_sdk_sts, cfg))
    }

    /// The 12-digit account ID of the caller (`GetCallerIdentity`, which
    /// needs no IAM permission).
    pub async fn account_id(&self, region: &Region) -> Result<String> {
        let out = self.sts(region).get_caller_identity().send().await.map_err(|e| {
            failure(
                SERVICE,
                "GetCallerIdentity",
                region.as_str(),
                &self.endpoint("sts", region),
                &e,
            )
        })?;
        Ok(out.account().unwrap_or_default().to_owned())
    }

    /// This configuration acting in `role`'s account: the role is assumed
    /// now (so a refusal is this call's error), and again before the
    /// credentials expire. Clients of the new configuration are cached apart
    /// from the caller's.
    pub async fn assume(
        &self,
        role: &RoleArn,
        external_id: Option<&ExternalId>,
        session: &SessionName,
    ) -> Result<Aws> {
        let region = self.home_region();
        let provider = RoleCredentials {
            client: self.sts(&region),
            endpoint: self.endpoint("sts", &region),
            region,
            role: role.clone(),
            external_id: external_id.cloned(),
            session: session.clone(),
            time: self.sdk.time_source(),
            held: tokio::sync::Mutex::new(None),
        };
        let provider = Arc::new(provider);
        provider.credentials().await?;
        let sdk = self
            .sdk
            .to_builder()
            .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(
                Shared(provider),
            ))
            .build();
        Ok(self.in_account(sdk, role.account.clone()))
    }
}

/// A role's credentials, assumed once and renewed before they expire.
#[derive(Debug)]
struct RoleCredentials {
    client: Client,
    region: Region,
    endpoint: String,
    role: RoleArn,
    external_id: Option<ExternalId>,
    session: SessionName,
    time: Option<aws_smithy_async::time::SharedTimeSource>,
    held: tokio::sync::Mutex<Option<Credentials>>,
}

impl RoleCredentials {
    fn now(&self) -> SystemTime {
        self.time
            .as_ref()
            .map_or(SystemTime::UNIX_EPOCH, aws_smithy_async::time::TimeSource::now)
    }

    /// The held credentials while they have more than [`REFRESH_BEFORE`]
    /// left, else new ones from `AssumeRole`. One caller assumes while the
    /// others wait, so a fan-out assumes each role once.
    async fn credentials(&self) -> Result<Credentials> {
        let mut held = self.held.lock().await;
        if let Some(c) = held.as_ref() {
            let fresh = c.expiry().is_none_or(|e| {
                e.duration_since(self.now())
                    .is_ok_and(|left| left > REFRESH_BEFORE)
            });
            if fresh {
                return Ok(c.clone());
            }
        }
        let out = self
            .client
            .assume_role()
            .role_arn(self.role.as_str())
            .role_session_name(self.session.as_str())
            .set_external_id(self.external_id.as_ref().map(|e| e.as_str().to_owned()))
            .send()
            .await
            .map_err(|e| failure(SERVICE, "AssumeRole", self.region.as_str(), &self.endpoint, &e))?;
        let c = out.credentials().ok_or_else(|| Error::Usage {
            message: format!("STS assumed {} but sent no credentials", self.role),
            hint: None,
        })?;
        let expiry = SystemTime::try_from(*c.expiration()).ok();
        let creds = Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_owned()),
            expiry,
            "aipctl-assume-role",
        );
        *held = Some(creds.clone());
        Ok(creds)
    }
}

/// [`RoleCredentials`] as the SDK asks for them.
#[derive(Debug)]
struct Shared(Arc<RoleCredentials>);

impl ProvideCredentials for Shared {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            self.0
                .credentials()
                .await
                .map_err(|e| provider::error::CredentialsError::provider_error(e.to_string()))
        })
    }
}
