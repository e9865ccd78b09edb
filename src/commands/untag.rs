//! `aipctl untag PROFILE K...`: removes tag keys and shows the before and after.
//! Removing `Department` is allowed but warned about: the profile's spend
//! then lands in the untagged row of every cost report.

use super::shared::select::resolve;
use super::shared::session::connect;
use crate::cli::{GlobalArgs, UntagArgs};
use crate::domain::tag::DEPARTMENT;
use crate::error::Result;
use crate::output::Output;
use crate::output::profiles::TagEdit;

pub async fn run(args: UntagArgs, g: &GlobalArgs, out: &mut Output) -> Result<()> {
    super::shared::session::single_account(g, "untag")?;
    let keys: Vec<String> = args
        .keys
        .into_iter()
        .map(|k| k.writable().map(|k| k.as_str().to_owned()))
        .collect::<Result<_, _>>()?;
    let (aws, regions) = connect(g).await?;
    let profile = resolve(&aws, &regions, &args.profile).await?;
    let mut after = profile.tags.clone();
    let present: Vec<String> = keys.into_iter().filter(|k| after.remove(k).is_some()).collect();
    let changes = profile.tags.diff(&after);
    if present.is_empty() {
        out.note(&format!(
            "`{}` has none of these tags; nothing to do",
            profile.name
        ));
    } else {
        aws.bedrock(&profile.region).untag(&profile.arn, &present).await?;
        if present.iter().any(|k| k == DEPARTMENT) {
            out.warn(&format!(
                "`{}` has no Department tag now; its spend will show as untagged",
                profile.name
            ));
        }
    }
    out.data(&TagEdit {
        profile: &profile.name,
        arn: &profile.arn,
        region: profile.region.as_str(),
        changes: &changes,
        tags: &after,
    })
}
