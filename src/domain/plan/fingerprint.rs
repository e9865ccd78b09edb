//! The fingerprint of the account state a saved plan was made against:
//! what each profile the plan touches looked like (its ARN and tags, or
//! that it did not exist), in which account and regions, with the budgets
//! and anomaly alerts it touches; `apply --plan` compares it with what is
//! there now and refuses a plan the accounts have moved away from.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Alerts, Change, Plan, quoted};
use crate::domain::account::AccountId;
use crate::domain::profile::Profile;
use crate::domain::region::Region;
use crate::domain::tag::Tags;
use crate::domain::{anomaly, budget};

/// What a saved plan expects of one profile it touches: the ARN and tags it
/// had, or (`arn: None`) that no profile has the name yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileState {
    /// The account, in a plan over several accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountId>,
    pub region: Region,
    pub name: String,
    pub arn: Option<String>,
    pub tags: Option<Tags>,
}

/// The account state a plan was made against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// The caller's account: where budgets and anomaly alerts are, and
    /// whence roles are assumed in the others.
    pub account: String,
    /// The accounts a plan over several accounts read, in order; empty for
    /// a plan of the caller's account alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<AccountId>,
    pub regions: Vec<Region>,
    pub profiles: Vec<ProfileState>,
    /// The budgets the plan touches (`null`: Budgets was not read).
    pub budgets: Option<Vec<budget::State>>,
    /// The anomaly alerts the plan touches (`null`: not read).
    pub anomalies: Option<Vec<anomaly::State>>,
    /// SHA-256 of the fields above, to compare plans at a glance.
    pub digest: String,
}

impl Fingerprint {
    /// The state of everything `plan` (and `alerts`) touches, made by
    /// `account` in `regions` of `accounts` (empty: its own alone).
    pub fn of(
        plan: &Plan,
        alerts: &Alerts,
        account: &str,
        regions: &[Region],
        accounts: &[AccountId],
    ) -> Self {
        let mut profiles = Vec::new();
        let absent = |c: &Change, name: &str| ProfileState {
            account: c.account().cloned(),
            region: c.region().clone(),
            name: name.to_owned(),
            arn: None,
            tags: None,
        };
        let had = |c: &Change, name: &str, arn: &str, tags: &Tags| ProfileState {
            account: c.account().cloned(),
            region: c.region().clone(),
            name: name.to_owned(),
            arn: Some(arn.to_owned()),
            tags: Some(tags.clone()),
        };
        for c in &plan.changes {
            match c {
                Change::Create { desired } => profiles.push(absent(c, &desired.name)),
                Change::Retag {
                    arn,
                    current_tags,
                    desired,
                    ..
                } => profiles.push(had(c, &desired.name, arn, current_tags)),
                Change::Replace {
                    arn,
                    current_name,
                    current_tags,
                    desired,
                    ..
                } => {
                    profiles.push(had(c, current_name, arn, current_tags));
                    if *current_name != desired.name {
                        profiles.push(absent(c, &desired.name));
                    }
                }
                Change::Orphan { name, arn, tags, .. } => profiles.push(had(c, name, arn, tags)),
            }
        }
        profiles.sort_by(|a, b| {
            (&a.account, &a.region, &a.name, &a.arn).cmp(&(&b.account, &b.region, &b.name, &b.arn))
        });
        let mut regions = regions.to_vec();
        regions.sort();
        let mut made = Self {
            account: account.to_owned(),
            accounts: accounts.to_vec(),
            regions,
            profiles,
            budgets: alerts.budgets.as_ref().map(|(_, s)| s.clone()),
            anomalies: alerts.anomalies.as_ref().map(|(_, s)| s.clone()),
            digest: String::new(),
        };
        made.digest = made.compute_digest();
        made
    }

    /// A plan of one account hashes exactly as before plans had accounts.
    fn compute_digest(&self) -> String {
        let one = (
            &self.account,
            &self.regions,
            &self.profiles,
            &self.budgets,
            &self.anomalies,
        );
        let canonical = if self.accounts.is_empty() {
            serde_json::to_vec(&one)
        } else {
            serde_json::to_vec(&(one, &self.accounts))
        }
        .expect("plain values serialize");
        hex::encode(Sha256::digest(&canonical))
    }

    /// How the accounts (`actual`: every application profile, with tags, of
    /// this fingerprint's regions, each naming its account in a plan over
    /// several) differ from when the plan was made, leaving out the
    /// `unread` accounts; empty when the plan still applies. `account` is
    /// the caller's, which must be the one the plan was made by.
    pub fn changes_since(&self, account: &str, actual: &[Profile], unread: &[AccountId]) -> Vec<String> {
        if account != self.account {
            return vec![format!(
                "the plan was made for account {}, but these credentials are for account {account}",
                self.account
            )];
        }
        let mut out = Vec::new();
        for s in &self.profiles {
            if s.account.as_ref().is_some_and(|a| unread.contains(a)) {
                continue;
            }
            let place = match &s.account {
                Some(a) => format!("{} of account {a}", s.region),
                None => s.region.to_string(),
            };
            let here = |p: &&Profile| p.account.as_ref().map(|a| &a.id) == s.account.as_ref();
            match &s.arn {
                None => {
                    for p in actual
                        .iter()
                        .filter(here)
                        .filter(|p| p.region == s.region && p.name == s.name)
                    {
                        out.push(format!(
                            "`{}` in {place} now exists ({}); the plan would create it",
                            s.name, p.arn
                        ));
                    }
                }
                Some(arn) => match actual.iter().filter(here).find(|p| p.arn == *arn) {
                    None => out.push(format!("`{}` in {place} ({arn}) no longer exists", s.name)),
                    Some(p) => {
                        let before = s.tags.clone().unwrap_or_default();
                        for c in before.diff(&p.tags) {
                            out.push(format!(
                                "`{}` in {place}: tag `{}` was {}, is now {}",
                                s.name,
                                c.key,
                                quoted(c.before.as_deref()),
                                quoted(c.after.as_deref())
                            ));
                        }
                    }
                },
            }
        }
        out
    }

    /// Whether the recorded digest matches the recorded fields (a hand-edited
    /// plan does not).
    pub fn is_intact(&self) -> bool {
        self.compute_digest() == self.digest
    }
}
