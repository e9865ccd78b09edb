//! `aipctl list`: application profiles of the chosen regions with their tags.

use jiff::Timestamp;

use super::connect;
use crate::cli::{GlobalArgs, ListArgs};
use crate::domain::filter::ProfileFilter;
use crate::domain::profile::Profile;
use crate::domain::region::Region;
use crate::error::Result;
use crate::output::Output;
use crate::output::profiles::ProfileList;

/// The commonly cited default quota of application profiles per account and
/// region. AWS publishes no exact figure (sources say 1,000, one says 2,000),
/// so aipctl says "about".
pub const QUOTA_ESTIMATE: usize = 1000;

pub async fn run(args: ListArgs, g: &GlobalArgs, out: &mut Output) -> Result<()> {
    let filter = ProfileFilter::from(args.filter);
    let (aws, regions) = connect(g).await?;
    let all = aws
        .profiles_with_tags(&regions, |p| filter.matches_name(p))
        .await?;
    report_quota(out, &regions, &all, filter.is_empty());
    let profiles: Vec<Profile> = all.into_iter().filter(|p| filter.matches(p)).collect();
    let columns: Vec<String> = args.columns.iter().map(|k| k.as_str().to_owned()).collect();
    out.data(&ProfileList {
        profiles: &profiles,
        tag_columns: &columns,
        now: Timestamp::now(),
    })?;
    if profiles.is_empty() {
        out.note("no application inference profiles matched");
    }
    Ok(())
}

/// A line per region on stderr: how many profiles it has against the quota.
/// Only when nothing was filtered out, so the count is the region's total.
fn report_quota(out: &mut Output, regions: &[Region], profiles: &[Profile], complete: bool) {
    if !complete {
        return;
    }
    for r in regions {
        let n = profiles.iter().filter(|p| &p.region == r).count();
        // Stay quiet about empty regions unless asked about exactly one.
        if n == 0 && regions.len() > 1 {
            continue;
        }
        let pct = n * 100 / QUOTA_ESTIMATE;
        let line =
            format!("{r}: {n} of about {QUOTA_ESTIMATE} application profiles ({pct}% of the usual quota)");
        if pct >= 80 {
            out.warn(&line);
        } else {
            out.detail(&line);
        }
    }
}
