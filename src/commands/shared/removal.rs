//! Deleting profiles, the one way `delete`, `prune` and `prune --from-plan`
//! do it: bounded concurrency, a progress bar, one outcome per profile, and
//! "already gone" counted as done.

use futures::{StreamExt, stream};

use crate::aws::Aws;
use crate::aws::Deleted;
use crate::domain::outcome::Outcome;
use crate::domain::profile::Profile;
use crate::output::Output;
use crate::output::profiles::OutcomeRow;

pub fn outcome(p: &Profile, result: Outcome, error: Option<String>) -> OutcomeRow {
    OutcomeRow {
        account: crate::output::AccountCols::of(p.account.as_ref()),
        name: p.name.clone(),
        arn: p.arn.to_string(),
        region: p.region.to_string(),
        result,
        error,
    }
}

/// Deletes `profiles` with bounded concurrency and a progress bar; one
/// outcome each (`deleted`, `already-gone` or `failed`), sorted.
pub async fn delete_all(aws: &Aws, profiles: Vec<Profile>, out: &mut Output) -> Vec<OutcomeRow> {
    let bar = out.progress(profiles.len() as u64, "deleting");
    let results: Vec<OutcomeRow> = stream::iter(profiles.into_iter().map(|p| {
        let b = aws.bedrock(&p.region);
        let bar = bar.clone();
        async move {
            let result = b.delete_profile(&p.arn).await;
            bar.inc(1);
            match result {
                Ok(Deleted::Now) => outcome(&p, Outcome::Deleted, None),
                Ok(Deleted::AlreadyGone) => outcome(&p, Outcome::AlreadyGone, None),
                Err(e) => outcome(&p, Outcome::Failed, Some(e.to_string())),
            }
        }
    }))
    .buffer_unordered(aws.concurrency)
    .collect()
    .await;
    bar.finish_and_clear();
    let mut results = results;
    results.sort_by(|a, b| (&a.region, &a.name, &a.arn).cmp(&(&b.region, &b.name, &b.arn)));
    results
}
