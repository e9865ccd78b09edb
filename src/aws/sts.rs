//! STS: which account the credentials belong to. A saved plan records it,
//! and `apply --plan` refuses to run against another account.

use aws_sdk_sts::Client;

use super::{Aws, failure};
use crate::domain::region::Region;
use crate::error::Result;

const SERVICE: &str = "sts";

impl Aws {
    /// The 12-digit account ID of the caller (`GetCallerIdentity`, which
    /// needs no IAM permission).
    pub async fn account_id(&self, region: &Region) -> Result<String> {
        let client = self.client("sts", region, |cfg| {
            Client::from_conf(
                aws_sdk_sts::config::Builder::from(cfg)
                    .interceptor(super::CallLog)
                    .retry_classifier(super::FinalConnectErrors)
                    .build(),
            )
        });
        let out = client.get_caller_identity().send().await.map_err(|e| {
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
}
