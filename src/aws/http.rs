//! The one HTTP client every SDK client uses (hyper 1 with rustls and
//! aws-lc, proxies from the environment as the SDK's default client does),
//! and the one concurrency budget of the process: each request holds a
//! permit while it is on the wire, whatever service, region or account it is
//! for, so nested fan-outs (regions × batches, accounts × regions) never put
//! more than `--concurrency` requests in flight. Backoff between retries
//! holds no permit.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Builder, ConnectorBuilder};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::{RuntimeComponents, RuntimeComponentsBuilder};
use aws_smithy_types::config_bag::ConfigBag;
use tokio::sync::Semaphore;

/// The HTTPS client, built once per process.
pub fn https_client() -> SharedHttpClient {
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut conn = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
        conn.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            conn.set_sleep_impl(components.sleep_impl());
        }
        conn.set_proxy_config(Some(ProxyConfig::from_env()));
        conn.build()
    })
}

/// `inner`, with every request waiting for a permit of `budget`.
#[derive(Debug, Clone)]
pub struct Budgeted {
    inner: SharedHttpClient,
    budget: Arc<Semaphore>,
    /// The base configuration was checked once and passed.
    validated: Arc<AtomicBool>,
}

impl Budgeted {
    pub fn client(inner: SharedHttpClient, budget: Arc<Semaphore>) -> SharedHttpClient {
        SharedHttpClient::new(Self {
            inner,
            budget,
            validated: Arc::default(),
        })
    }
}

impl HttpClient for Budgeted {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(BudgetedConnector {
            inner: self.inner.http_connector(settings, components),
            budget: self.budget.clone(),
        })
    }

    /// Once per process: the hyper client's check builds a whole TLS
    /// connector (parsing the root certificates) only to drop it, and it
    /// runs for every SDK client built (one per account, service and region
    /// in a run over an organization), while the connector requests use is
    /// built once and shared.
    fn validate_base_client_config(
        &self,
        runtime_components: &RuntimeComponentsBuilder,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        if self.validated.load(Ordering::Relaxed) {
            return Ok(());
        }
        self.inner.validate_base_client_config(runtime_components, cfg)?;
        self.validated.store(true, Ordering::Relaxed);
        Ok(())
    }

    fn validate_final_config(
        &self,
        runtime_components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner.validate_final_config(runtime_components, cfg)
    }
}

#[derive(Debug)]
struct BudgetedConnector {
    inner: SharedHttpConnector,
    budget: Arc<Semaphore>,
}

impl HttpConnector for BudgetedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let budget = self.budget.clone();
        HttpConnectorFuture::new(async move {
            // The semaphore is never closed, so acquiring cannot fail.
            let _permit = budget.acquire_owned().await.ok();
            inner.call(request).await
        })
    }
}
