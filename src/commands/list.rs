//! `aipctl list`: application profiles of the chosen regions with their tags.

use jiff::Timestamp;

use super::shared::select::list_fleet;
use super::shared::session::connect_fleet;
use crate::aws::listing::Query;
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

pub async fn run(args: ListArgs, g: &GlobalArgs, now: Timestamp, out: &mut Output) -> Result<()> {
    let filter = ProfileFilter::from(args.filter);
    let (_, regions, mut fleet) = connect_fleet(g, out).await?;
    let query = Query {
        keep_untagged: |p: &Profile| filter.matches_name(p),
        tags: &filter.tags,
        now: Some(now),
    };
    let selection = list_fleet(&mut fleet, &regions, query, g, out).await?;
    // Each region's total is counted before filtering, so the profiles move into the list
    // instead of being copied.
    let per_region: Vec<usize> = regions
        .iter()
        .map(|r| selection.profiles.iter().filter(|p| &p.region == r).count())
        .collect();
    let profiles: Vec<Profile> = selection
        .profiles
        .into_iter()
        .filter(|p| filter.matches(p))
        .collect();
    let columns: Vec<String> = args.columns.iter().map(|k| k.as_str().to_owned()).collect();
    out.data(&ProfileList {
        profiles: &profiles,
        tag_columns: &columns,
        now,
    })?;
    if !fleet.multi && filter.is_empty() {
        report_quota(out, &regions, &per_region);
    }
    selection.failures.finish()
}

/// One line on stderr: each region's profile count (`per_region`, in the
/// order of `regions`) against the usual quota, shown with the table (and
/// under `-v` for JSON and CSV), as a warning when a region passes 80%. Only
/// when nothing was filtered out, so the counts are the regions' totals.
fn report_quota(out: &mut Output, regions: &[Region], per_region: &[usize]) {
    let mut parts = Vec::new();
    let mut near = Vec::new();
    for (r, &n) in regions.iter().zip(per_region) {
        // Skip empty regions unless asked about exactly one.
        if n == 0 && regions.len() > 1 {
            continue;
        }
        let pct = n * 100 / QUOTA_ESTIMATE;
        parts.push(format!("{r} {n} ({pct}%)"));
        if pct >= 80 {
            near.push(r.to_string());
        }
    }
    if parts.is_empty() {
        return;
    }
    let line = format!(
        "profiles against the usual quota of about {QUOTA_ESTIMATE} a region: {}",
        parts.join(", ")
    );
    if !near.is_empty() {
        out.warn(&format!("{line}; near the quota: {}", near.join(", ")));
    } else if out.format == crate::output::Format::Table {
        out.note(&line);
    } else {
        out.detail(&line);
    }
}
