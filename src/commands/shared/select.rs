//! Which profiles a command works on: every region read on its own, so one
//! failing region does not hide the others, and PROFILE arguments resolved
//! to exactly one profile each.

use futures::{StreamExt, TryStreamExt, stream};

use crate::aws::Aws;
use crate::aws::listing::Query;
use crate::cli::{GlobalArgs, ProfileFilterArgs};
use crate::domain::filter::ProfileFilter;
use crate::domain::profile::{Profile, ProfileRef};
use crate::domain::region::Region;
use crate::error::{Error, Result};
use crate::output::{Output, plural};

impl From<ProfileFilterArgs> for ProfileFilter {
    fn from(a: ProfileFilterArgs) -> Self {
        Self {
            tags: a.tags,
            untagged: a.untagged,
            name: a.name.map(|g| g.0),
        }
    }
}

/// Profiles read from several regions, and the regions that failed.
pub struct Selection {
    pub profiles: Vec<Profile>,
    pub failures: RegionFailures,
}

/// Regions that answered with an error other than "not enabled", kept while
/// the other regions' results are shown.
#[derive(Default)]
pub struct RegionFailures {
    failed: Vec<(Region, Error)>,
    asked: usize,
}

impl RegionFailures {
    /// The regions that failed, by name.
    pub fn regions(&self) -> Vec<String> {
        self.failed.iter().map(|(r, _)| r.to_string()).collect()
    }

    /// `Ok` when every region answered; else the regions that failed (exit
    /// 1), for after what did work has been shown.
    pub fn finish(self) -> Result<()> {
        if self.failed.is_empty() {
            return Ok(());
        }
        Err(Error::Regions {
            total: self.asked,
            hint: self.failed.first().and_then(|(_, e)| e.hint()),
            failed: self
                .failed
                .into_iter()
                .map(|(r, e)| (r.to_string(), e.to_string()))
                .collect(),
        })
    }
}

/// Whether an error says the region is not enabled for the account (an
/// opt-in region): AWS does not accept the credentials there.
fn not_enabled(e: &Error) -> bool {
    matches!(
        e.aws_code(),
        Some("UnrecognizedClientException" | "InvalidClientTokenId")
    )
}

/// Every application profile of `regions` that `keep_untagged` accepts, with
/// tags, region by region. With `--all-regions`, regions not enabled for the
/// account are skipped with one warning; any other region's failure is kept
/// in [`Selection::failures`] while the rest is returned. When every region
/// failed, the first failure is the error.
pub async fn list_regions<F: Fn(&Profile) -> bool>(
    aws: &Aws,
    regions: &[Region],
    query: Query<'_, F>,
    g: &GlobalArgs,
    out: &mut Output,
) -> Result<Selection> {
    let mut profiles = Vec::new();
    let mut failed = Vec::new();
    let mut skipped = Vec::new();
    out.stage(&format!(
        "listing profiles in {} region{}",
        regions.len(),
        if regions.len() == 1 { "" } else { "s" }
    ));
    let listing = aws.profiles_by_region(regions, query).await;
    if listing.index_denied {
        out.warn(&format!(
            "`tag:GetResources` is not allowed for these credentials, so each profile's tags took a request of \
             its own ({} requests); `aipctl policy read-only` prints a policy that allows it",
            listing.tag_reads
        ));
    } else if listing.tag_reads > 0 {
        out.detail(&format!(
            "{} for profiles the tagging index does not have (new, or never tagged)",
            plural(listing.tag_reads, "ListTagsForResource request")
        ));
    }
    for (region, listed) in listing.regions {
        match listed {
            Ok(p) => profiles.extend(p),
            Err(e) if g.all_regions && not_enabled(&e) => skipped.push(region),
            Err(e) => failed.push((region, e)),
        }
    }
    if !skipped.is_empty() {
        let mut names: Vec<&str> = skipped.iter().map(Region::as_str).collect();
        names.sort_unstable();
        out.warn(&format!(
            "skipped {} region{} not enabled for this account: {}",
            skipped.len(),
            if skipped.len() == 1 { "" } else { "s" },
            names.join(", ")
        ));
    }
    if !failed.is_empty() && failed.len() + skipped.len() == regions.len() && regions.len() > skipped.len() {
        return Err(failed.remove(0).1);
    }
    crate::aws::bedrock::sort_profiles(&mut profiles);
    Ok(Selection {
        profiles,
        failures: RegionFailures {
            failed,
            asked: regions.len(),
        },
    })
}

/// The profiles of `regions` that `filter` keeps, with tags (see
/// [`list_regions`]). Names are matched before tags are fetched, saving a
/// call per excluded profile.
pub async fn select(
    aws: &Aws,
    regions: &[Region],
    filter: &ProfileFilter,
    now: jiff::Timestamp,
    g: &GlobalArgs,
    out: &mut Output,
) -> Result<Selection> {
    let query = Query {
        keep_untagged: |p: &Profile| filter.matches_name(p),
        tags: &filter.tags,
        now: Some(now),
    };
    let mut selection = list_regions(aws, regions, query, g, out).await?;
    selection.profiles.retain(|p| filter.matches(p));
    Ok(selection)
}

/// Finds the one profile a PROFILE argument names, with its tags.
///
/// An ARN is looked up in its own region. A name or ID is matched against
/// the application profiles of every chosen region; a name found in two
/// regions is an error that lists both ARNs.
pub async fn resolve(aws: &Aws, regions: &[Region], reference: &ProfileRef) -> Result<Profile> {
    let mut found = resolve_many(aws, regions, std::slice::from_ref(reference)).await?;
    Ok(found.remove(0))
}

/// [`resolve`] for several references, listing each region once, whatever
/// the number of names. Profiles come back with tags, in the order asked,
/// without duplicates.
pub async fn resolve_many(aws: &Aws, regions: &[Region], references: &[ProfileRef]) -> Result<Vec<Profile>> {
    let by_name = references.iter().any(|r| matches!(r, ProfileRef::IdOrName(_)));
    let listed: Vec<Profile> = if by_name {
        let lists: Vec<Vec<Profile>> = stream::iter(regions.iter().map(|r| {
            let b = aws.bedrock(r);
            async move { b.list_profiles().await }
        }))
        .buffer_unordered(aws.concurrency)
        .try_collect()
        .await?;
        lists.into_iter().flatten().collect()
    } else {
        Vec::new()
    };
    let mut chosen: Vec<Profile> = Vec::with_capacity(references.len());
    for reference in references {
        let mut found: Vec<Profile> = match reference {
            ProfileRef::Arn(arn) => {
                let region: Region = arn.region.parse()?;
                aws.bedrock(&region)
                    .get_profile(&arn.to_string())
                    .await?
                    .into_iter()
                    .collect()
            }
            ProfileRef::IdOrName(_) => listed.iter().filter(|p| reference.matches(p)).cloned().collect(),
        };
        match found.len() {
            0 => {
                return Err(Error::ProfileNotFound {
                    reference: reference.to_string(),
                    regions: match reference {
                        ProfileRef::Arn(a) => a.region.clone(),
                        ProfileRef::IdOrName(_) => region_list(regions),
                    },
                });
            }
            1 => {
                let p = found.remove(0);
                if !chosen.iter().any(|c| c.arn == p.arn) {
                    chosen.push(p);
                }
            }
            _ => {
                crate::aws::bedrock::sort_profiles(&mut found);
                return Err(Error::AmbiguousProfile {
                    name: reference.to_string(),
                    arns: found.into_iter().map(|p| p.arn.to_string()).collect(),
                });
            }
        }
    }
    let with_tags: Vec<Profile> = stream::iter(chosen.into_iter().map(|mut p| async move {
        p.tags = aws.bedrock(&p.region).tags(&p.arn).await?;
        Ok::<_, Error>(p)
    }))
    .buffered(aws.concurrency)
    .try_collect()
    .await?;
    Ok(with_tags)
}

pub fn region_list(regions: &[Region]) -> String {
    match regions {
        [one] => one.to_string(),
        many if many.len() > 4 => format!("{} regions", many.len()),
        many => many.iter().map(Region::as_str).collect::<Vec<_>>().join(", "),
    }
}
