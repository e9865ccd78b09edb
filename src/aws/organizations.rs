//! AWS Organizations: the accounts of the caller's organization, all of them
//! (`ListAccounts`) or those under an OU and its child OUs
//! (`ListAccountsForParent` and `ListOrganizationalUnitsForParent`, walked
//! down the tree: AWS lists only an OU's direct accounts). Both answer only
//! the management account or a delegated administrator.
//!
//! Organizations is a global service; its endpoint is in us-east-1
//! (<https://docs.aws.amazon.com/general/latest/gr/ao.html>).

use aws_sdk_organizations::Client;
use aws_sdk_organizations::types::{AccountState, AccountStatus};

use super::{Aws, failure};
use crate::domain::account::{AccountId, OrgAccount, OuId};
use crate::domain::region::Region;
use crate::error::{Error, Result};

const SERVICE: &str = "organizations";
/// The largest page the API allows.
const PAGE_SIZE: i32 = 20;

/// The Organizations client.
pub struct Organizations {
    client: Client,
    region: Region,
    endpoint: String,
}

impl Aws {
    pub fn organizations(&self) -> Organizations {
        let region: Region = "us-east-1".parse().expect("a valid region");
        let client = self.client("organizations", &region, |cfg| {
            sdk_client!(aws_sdk_organizations, cfg)
        });
        Organizations {
            client,
            endpoint: self.endpoint("organizations", &region),
            region,
        }
    }
}

/// A domain account from the SDK's; `State` (newer) wins over `Status`.
fn account(a: &aws_sdk_organizations::types::Account) -> Option<OrgAccount> {
    let id: AccountId = a.id()?.parse().ok()?;
    let active = match (a.state(), a.status()) {
        (Some(state), _) => *state == AccountState::Active,
        (None, Some(status)) => *status == AccountStatus::Active,
        (None, None) => false,
    };
    Some(OrgAccount {
        name: a.name().unwrap_or(id.as_str()).to_owned(),
        id,
        active,
    })
}

impl Organizations {
    fn fail<E>(&self, operation: &'static str, e: &aws_sdk_organizations::error::SdkError<E>) -> Error
    where
        E: aws_sdk_organizations::error::ProvideErrorMetadata + std::error::Error + 'static,
    {
        failure(SERVICE, operation, self.region.as_str(), &self.endpoint, e)
    }

    /// Every account of the organization, whatever its state, in AWS's order.
    pub async fn accounts(&self) -> Result<Vec<OrgAccount>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .list_accounts()
                .max_results(PAGE_SIZE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail("ListAccounts", &e))?;
            out.extend(page.accounts().iter().filter_map(account));
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => return Ok(out),
            }
        }
    }

    /// The accounts in `ou` and in every OU below it, depth first.
    pub async fn accounts_under(&self, ou: &OuId) -> Result<Vec<OrgAccount>> {
        let mut out = Vec::new();
        let mut pending: Vec<String> = vec![ou.as_str().to_owned()];
        while let Some(parent) = pending.pop() {
            let (accounts, children) =
                tokio::try_join!(self.accounts_for_parent(&parent), self.child_ous(&parent))?;
            out.extend(accounts);
            // Reversed so the first child is walked first.
            pending.extend(children.into_iter().rev());
        }
        Ok(out)
    }

    async fn accounts_for_parent(&self, parent: &str) -> Result<Vec<OrgAccount>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .list_accounts_for_parent()
                .parent_id(parent)
                .max_results(PAGE_SIZE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail("ListAccountsForParent", &e))?;
            out.extend(page.accounts().iter().filter_map(account));
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => return Ok(out),
            }
        }
    }

    async fn child_ous(&self, parent: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .list_organizational_units_for_parent()
                .parent_id(parent)
                .max_results(PAGE_SIZE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail("ListOrganizationalUnitsForParent", &e))?;
            out.extend(
                page.organizational_units()
                    .iter()
                    .filter_map(|o| o.id().map(str::to_owned)),
            );
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => return Ok(out),
            }
        }
    }
}
