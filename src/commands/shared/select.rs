//! Which profiles a command works on: every region read on its own, so one
//! failing region does not hide the others, and PROFILE arguments resolved
//! to exactly one profile each.

use futures::{StreamExt, TryStreamExt, stream};

use super::accounts::{Failures, Fleet, Member};
use crate::aws::Aws;
use crate::aws::listing::{Listing, Query, TagRead};
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

/// Profiles read from several regions (of one account or several), and
/// what failed.
pub struct Selection {
    pub profiles: Vec<Profile>,
    pub failures: Failures,
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
/// tags, region by region, in the caller's account. With `--all-regions`,
/// regions not enabled for the account are skipped with one warning; any
/// other region's failure is kept in [`Selection::failures`] while the rest
/// is returned. When every region failed, the first failure is the error.
pub async fn list_regions<F: Fn(&Profile) -> bool + Copy>(
    aws: &Aws,
    regions: &[Region],
    query: Query<'_, F>,
    g: &GlobalArgs,
    out: &mut Output,
) -> Result<Selection> {
    list_fleet(&mut Fleet::single(aws), regions, query, g, out).await
}

/// [`list_regions`] in every account of `fleet` at once (each in its own
/// regions when the accounts file gives them). Profiles carry their account
/// in a multi-account run; the fleet's failures (accounts not entered) come
/// along in [`Selection::failures`]. In a single-account run, when every
/// region failed, the first failure is the error.
pub async fn list_fleet<F: Fn(&Profile) -> bool + Copy>(
    fleet: &mut Fleet,
    regions: &[Region],
    query: Query<'_, F>,
    g: &GlobalArgs,
    out: &mut Output,
) -> Result<Selection> {
    let mut failures = fleet.take_failures();
    let mut profiles = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    let asked = fleet.regions_asked(regions);
    out.stage(&if fleet.multi {
        format!(
            "listing profiles in {} of {}",
            plural(asked, "region"),
            plural(fleet.asked(), "account")
        )
    } else {
        format!("listing profiles in {}", plural(regions.len(), "region"))
    });
    // Each account is listed as soon as it is entered.
    let listings = fleet
        .run_each(|m| async move { m.aws.profiles_by_region(m.regions(regions), query).await })
        .await;
    failures.absorb(fleet.take_failures());
    if fleet.none_entered() {
        return Err(failures.finish().expect_err("no account could be entered"));
    }
    let fleet = &*fleet;
    let listings: Vec<(&Member, Listing)> = listings
        .into_iter()
        .map(|(i, l)| (&fleet.members()[i], l))
        .collect();
    report_tag_reads(
        out,
        TagRead {
            index_denied: listings.iter().any(|(_, l)| l.tags.index_denied),
            tag_reads: listings.iter().map(|(_, l)| l.tags.tag_reads).sum(),
        },
    );
    // Room for every profile read, made once: the whole list is the largest thing a run holds.
    profiles.reserve_exact(
        listings
            .iter()
            .flat_map(|(_, l)| &l.regions)
            .filter_map(|(_, listed)| listed.as_ref().ok().map(Vec::len))
            .sum(),
    );
    let mut failed_here = 0;
    for (m, listing) in listings {
        for (region, listed) in listing.regions {
            match listed {
                Ok(mut p) => {
                    m.stamp(&mut p);
                    profiles.extend(p);
                }
                Err(e) if g.all_regions && not_enabled(&e) => {
                    skipped.push(match &m.account {
                        Some(a) if fleet.multi => format!("{region} ({})", a.id),
                        _ => region.to_string(),
                    });
                    failures.skip(m, region);
                }
                Err(e) => {
                    failed_here += 1;
                    failures.region(m, region, e);
                }
            }
        }
    }
    failures.asked_regions(asked);
    if !skipped.is_empty() {
        skipped.sort_unstable();
        out.warn(&format!(
            "skipped {} region{} not enabled for {}: {}",
            skipped.len(),
            if skipped.len() == 1 { "" } else { "s" },
            if fleet.multi {
                "the account"
            } else {
                "this account"
            },
            skipped.join(", ")
        ));
    }
    if !fleet.multi && failed_here > 0 && failed_here + skipped.len() == asked && asked > skipped.len() {
        return Err(failures.into_first().expect("a region failed"));
    }
    crate::aws::bedrock::sort_profiles(&mut profiles);
    Ok(Selection { profiles, failures })
}

/// The profiles of `regions` that `filter` keeps, with tags (see
/// [`list_regions`]). Names are matched before tags are fetched, saving a
/// call per excluded profile.
pub async fn select(
    fleet: &mut Fleet,
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
    let mut selection = list_fleet(fleet, regions, query, g, out).await?;
    selection.profiles.retain(|p| filter.matches(p));
    Ok(selection)
}

/// Says how tags were read when it cost more than the index: a warning when
/// `tag:GetResources` was denied, the extra requests under `-v` otherwise.
fn report_tag_reads(out: &mut Output, read: TagRead) {
    let TagRead {
        index_denied,
        tag_reads,
    } = read;
    if index_denied {
        out.warn(&format!(
            "`tag:GetResources` is not allowed for these credentials, so each profile's tags took a request of \
             its own ({tag_reads} requests); `aipctl policy read-only` prints a policy that allows it"
        ));
    } else if tag_reads > 0 {
        out.detail(&format!(
            "{} for profiles the tagging index does not have (new, or never tagged)",
            plural(tag_reads, "ListTagsForResource request")
        ));
    }
}

/// Finds the one profile a PROFILE argument names, with its tags.
///
/// An ARN is looked up in its own region. A name or ID is matched against
/// the application profiles of every chosen region; a name found in two
/// regions is an error that lists both ARNs.
/// Its tags come from `ListTagsForResource`, which is as current as the
/// profile (the tagging index may lag a change made a moment ago) and costs
/// one request, as the index would.
pub async fn resolve(aws: &Aws, regions: &[Region], reference: &ProfileRef) -> Result<Profile> {
    let mut p = find(aws, regions, std::slice::from_ref(reference))
        .await?
        .remove(0);
    p.tags = aws.bedrock(&p.region).tags(&p.arn).await?;
    Ok(p)
}

/// [`resolve`] for several references, listing each region once, whatever
/// the number of names. Profiles come back with tags, in the order asked,
/// without duplicates. Several profiles' tags come from the tagging index,
/// 100 a request ([`Aws::fill_tags`]); one profile's as in [`resolve`].
pub async fn resolve_many(
    aws: &Aws,
    regions: &[Region],
    references: &[ProfileRef],
    out: &mut Output,
) -> Result<Vec<Profile>> {
    let mut chosen = find(aws, regions, references).await?;
    if let [one] = chosen.as_mut_slice() {
        one.tags = aws.bedrock(&one.region).tags(&one.arn).await?;
    } else {
        report_tag_reads(out, aws.fill_tags(&mut chosen).await?);
    }
    Ok(chosen)
}

/// The profiles `references` name, without tags, in the order asked, each once.
async fn find(aws: &Aws, regions: &[Region], references: &[ProfileRef]) -> Result<Vec<Profile>> {
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
    Ok(chosen)
}

/// A PROFILE argument in a multi-account run: an ARN in the account it
/// names (which must be one of the run's), a name in every account (found
/// in more than one is ambiguous).
pub async fn resolve_in_fleet(fleet: &Fleet, regions: &[Region], r: &ProfileRef) -> Result<Profile> {
    if !fleet.multi {
        return resolve(&fleet.members()[0].aws, regions, r).await;
    }
    let members: Vec<_> = match r {
        ProfileRef::Arn(arn) => fleet
            .members()
            .iter()
            .filter(|m| m.account.as_ref().is_some_and(|a| a.id.as_str() == arn.account))
            .collect(),
        ProfileRef::IdOrName(_) => fleet.members().iter().collect(),
    };
    let mut found: Vec<Profile> = Vec::new();
    let mut last = None;
    for m in members {
        match resolve(&m.aws, m.regions(regions), r).await {
            Ok(mut p) => {
                m.stamp(std::slice::from_mut(&mut p));
                found.push(p);
            }
            Err(e @ Error::ProfileNotFound { .. }) => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(last.unwrap_or_else(|| Error::ProfileNotFound {
            reference: r.to_string(),
            regions: "the accounts of `--accounts`".into(),
        })),
        _ => {
            let arns: Vec<String> = found.into_iter().map(|p| p.arn.to_string()).collect();
            Err(Error::Usage {
                message: format!(
                    "profile name `{r}` exists in more than one account: {}",
                    arns.join(", ")
                ),
                hint: Some(format!("name the profile by its ARN, e.g. `{}`", arns[0])),
            })
        }
    }
}

pub fn region_list(regions: &[Region]) -> String {
    match regions {
        [one] => one.to_string(),
        many if many.len() > 4 => format!("{} regions", many.len()),
        many => many.iter().map(Region::as_str).collect::<Vec<_>>().join(", "),
    }
}
