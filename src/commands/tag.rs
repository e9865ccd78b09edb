//! `aipctl tag PROFILE K=V...`: sets tags in place (the only attribute AWS
//! lets change), checked against the 50-tag limit counting existing tags,
//! and shows the before and after.

use super::shared::select::resolve;
use super::shared::session::connect;
use crate::cli::{GlobalArgs, TagArgs};
use crate::domain::tag::{Tags, check_given};
use crate::error::Result;
use crate::output::Output;
use crate::output::profiles::TagEdit;

pub async fn run(args: TagArgs, g: &GlobalArgs, out: &mut Output) -> Result<()> {
    super::shared::session::single_account(g, "tag")?;
    // Repeated keys and misspelt well-known keys are refused before any request;
    // keys that clash with the profile's own only once its tags are known.
    check_given(&args.tags, &Tags::default())?;
    let (aws, regions) = connect(g).await?;
    let profile = resolve(&aws, &regions, &args.profile).await?;
    let given = check_given(&args.tags, &profile.tags)?;
    let after = profile.tags.merged(&given)?;
    let changes = profile.tags.diff(&after);
    if changes.is_empty() {
        out.note(&format!(
            "`{}` already has these tags; nothing to do",
            profile.name
        ));
    } else {
        let set: Tags = changes
            .iter()
            .filter_map(|c| c.after.clone().map(|v| (c.key.clone(), v)))
            .collect();
        aws.bedrock(&profile.region).tag(&profile.arn, &set).await?;
    }
    out.data(&TagEdit {
        profile: &profile.name,
        arn: &profile.arn,
        region: profile.region.as_str(),
        changes: &changes,
        tags: &after,
    })
}
