//! Profiles with their tags, region by region: `ListInferenceProfiles` and
//! the tagging index (`tag:GetResources`) side by side (the index's first
//! page, then the rest by ARN all at once; with `--tag`, its filtered pages),
//! then `ListTagsForResource` only for the profiles the index does not have
//! (new ones it has not caught up with, and ones that never had a tag). When
//! `tag:GetResources` is denied, every profile's tags are read one by one.
//! One region's failure does not hide the others. Profiles named on the
//! command line get their tags the same way ([`Aws::fill_tags`]).

use std::collections::HashMap;

use futures::{StreamExt, TryStreamExt, stream};
use jiff::{SignedDuration, Timestamp};

use super::Aws;
use super::bedrock::sort_profiles;
use super::tagging::Indexed;
use crate::domain::profile::Profile;
use crate::domain::region::Region;
use crate::domain::tag::{TagFilter, Tags};
use crate::error::Result;

/// How long the tagging index may take to show a new profile: profiles
/// younger than this are read one by one when the index was asked with tag
/// filters (it cannot say whether they do not match or are not indexed
/// yet). AWS documents no figure; minutes are what is seen in practice.
pub const INDEX_LAG: SignedDuration = SignedDuration::from_mins(15);

/// Which profiles to read.
#[derive(Clone, Copy)]
pub struct Query<'a, F: Fn(&Profile) -> bool> {
    /// Keeps a profile before its tags are known (a name glob): no tag read for the others.
    pub keep_untagged: F,
    /// `--tag` conditions AWS applies in the index; empty for every profile.
    pub tags: &'a [TagFilter],
    /// The time now, to tell young profiles (the index may lag) from old ones;
    /// `None` treats every profile absent from a filtered index as possibly lagging.
    pub now: Option<Timestamp>,
}

impl Query<'static, fn(&Profile) -> bool> {
    /// Every profile, unfiltered.
    pub fn every() -> Self {
        Self {
            keep_untagged: |_| true,
            tags: &[],
            now: None,
        }
    }
}

/// One region's profiles as listed (no tags yet) and its tagging index.
type RegionRead = (Vec<Profile>, Indexed);

/// One region's profiles and what the index says of them. With `--tag`
/// filters the index is asked page after page (AWS filters, so the pages
/// are only the matches). Without, its first page comes beside the listing,
/// and when there is more, the rest is asked by ARN, 100 a call, all the
/// calls at once: a region of 1,000 profiles takes two round trips and a
/// round of parallel calls instead of ten pages in a row, for the same
/// number of calls.
async fn read_region<F: Fn(&Profile) -> bool>(
    b: &super::bedrock::Bedrock,
    t: &super::tagging::Tagging,
    query: &Query<'_, F>,
) -> Result<RegionRead> {
    if !query.tags.is_empty() {
        let (listed, indexed) = tokio::join!(b.list_profiles(), t.profile_tags(query.tags));
        return Ok((listed?, indexed?));
    }
    let (listed, first) = tokio::join!(b.list_profiles(), t.first_page());
    let (listed, (indexed, more)) = (listed?, first?);
    let Indexed::Tags(mut index) = indexed else {
        return Ok((listed, Indexed::Denied));
    };
    if more {
        let rest: Vec<&str> = listed
            .iter()
            .filter(|p| (query.keep_untagged)(p) && !index.contains_key(p.arn.as_str()))
            .map(|p| p.arn.as_str())
            .collect();
        match t.tags_of(&rest).await? {
            Indexed::Tags(found) => index.extend(found),
            Indexed::Denied => return Ok((listed, Indexed::Denied)),
        }
    }
    Ok((listed, Indexed::Tags(index)))
}

/// Each region's profiles (or its error), and how their tags were read.
pub struct Listing {
    pub regions: Vec<(Region, Result<Vec<Profile>>)>,
    pub tags: TagRead,
}

/// How a set of profiles got its tags.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TagRead {
    /// `tag:GetResources` was denied in some region: tags were read one by one.
    pub index_denied: bool,
    /// `ListTagsForResource` calls made for profiles the index did not have.
    pub tag_reads: usize,
}

impl Aws {
    /// Sets the tags of `profiles` (of any regions): from the tagging index,
    /// 100 ARNs a call and region, then `ListTagsForResource` for each
    /// profile the index does not have (never tagged, or not indexed yet)
    /// and for every profile of a region where the index is denied.
    pub async fn fill_tags(&self, profiles: &mut [Profile]) -> Result<TagRead> {
        let mut regions: Vec<&Region> = profiles.iter().map(|p| &p.region).collect();
        regions.sort_unstable();
        regions.dedup();
        let answers: Vec<(Region, Indexed)> = stream::iter(regions.into_iter().map(|r| {
            let arns: Vec<&str> = profiles
                .iter()
                .filter(|p| &p.region == r)
                .map(|p| p.arn.as_str())
                .collect();
            let tagging = self.tagging(r);
            async move { Ok::<_, crate::error::Error>((r.clone(), tagging.tags_of(&arns).await?)) }
        }))
        .buffer_unordered(self.concurrency)
        .try_collect()
        .await?;
        let mut read = TagRead::default();
        let mut indexes: HashMap<Region, HashMap<String, Tags>> = HashMap::new();
        for (region, answer) in answers {
            match answer {
                Indexed::Tags(map) => {
                    indexes.insert(region, map);
                }
                Indexed::Denied => read.index_denied = true,
            }
        }
        let mut unknown: Vec<&mut Profile> = Vec::new();
        for p in profiles.iter_mut() {
            match indexes.get_mut(&p.region).and_then(|i| i.remove(p.arn.as_str())) {
                Some(tags) => p.tags = tags,
                None => unknown.push(p),
            }
        }
        read.tag_reads = unknown.len();
        stream::iter(unknown.into_iter().map(|p| async move {
            p.tags = self.bedrock(&p.region).tags(p.arn.as_str()).await?;
            Ok::<_, crate::error::Error>(())
        }))
        .buffer_unordered(self.concurrency)
        .try_collect::<Vec<()>>()
        .await?;
        Ok(read)
    }

    /// Every application profile in `regions` that `query` keeps, with tags,
    /// all or nothing. Sorted by region, name, ID.
    pub async fn profiles_with_tags<F: Fn(&Profile) -> bool>(
        &self,
        regions: &[Region],
        query: Query<'_, F>,
    ) -> Result<Vec<Profile>> {
        let mut out = Vec::new();
        for (_, listed) in self.profiles_by_region(regions, query).await.regions {
            out.extend(listed?);
        }
        sort_profiles(&mut out);
        Ok(out)
    }

    /// Each region's application profiles that `query` keeps, with tags, or
    /// the error that region gave.
    pub async fn profiles_by_region<F: Fn(&Profile) -> bool>(
        &self,
        regions: &[Region],
        query: Query<'_, F>,
    ) -> Listing {
        let q = &query;
        let read: Vec<(Region, Result<RegionRead>)> = stream::iter(regions.iter().map(|r| {
            let (b, t) = (self.bedrock(r), self.tagging(r));
            async move { (r.clone(), read_region(&b, &t, q).await) }
        }))
        .buffered(regions.len().max(1))
        .collect()
        .await;

        let settled_before = query.now.map(|n| n - INDEX_LAG);
        let mut index_denied = false;
        let mut ready: Vec<(Region, Result<Vec<Profile>>)> = Vec::with_capacity(read.len());
        let mut unknown: Vec<Profile> = Vec::new();
        for (region, answer) in read {
            let (listed, indexed) = match answer {
                Ok(a) => a,
                Err(e) => {
                    ready.push((region, Err(e)));
                    continue;
                }
            };
            let mut index: Option<HashMap<String, Tags>> = match indexed {
                Indexed::Tags(map) => Some(map),
                Indexed::Denied => {
                    index_denied = true;
                    None
                }
            };
            let mut known = Vec::with_capacity(listed.len());
            for mut p in listed.into_iter().filter(|p| (query.keep_untagged)(p)) {
                // Each ARN is listed once in a region, so its tags move out of the index.
                match index.as_mut().map(|i| i.remove(p.arn.as_str())) {
                    Some(Some(tags)) => {
                        p.tags = tags;
                        known.push(p);
                    }
                    // Filtered by AWS: an indexed profile that is absent does not match;
                    // only a young one may be absent because the index lags.
                    Some(None) if !query.tags.is_empty() => {
                        let young = match (p.created_at, settled_before) {
                            (Some(created), Some(settled)) => created > settled,
                            _ => true,
                        };
                        if young {
                            unknown.push(p);
                        }
                    }
                    // Never tagged, not indexed yet, or no index at all.
                    _ => unknown.push(p),
                }
            }
            ready.push((region, Ok(known)));
        }

        let tag_reads = unknown.len();
        let filled: Vec<(Region, Result<Profile>)> = stream::iter(unknown.into_iter().map(|mut p| {
            let b = self.bedrock(&p.region);
            async move {
                let tags = b.tags(p.arn.as_str()).await;
                let region = p.region.clone();
                (
                    region,
                    tags.map(|t| {
                        p.tags = t;
                        p
                    }),
                )
            }
        }))
        .buffer_unordered(self.concurrency)
        .collect()
        .await;
        for (region, result) in filled {
            let Some((_, slot)) = ready.iter_mut().find(|(r, _)| *r == region) else {
                continue;
            };
            match (slot.as_mut(), result) {
                (Ok(profiles), Ok(p)) => profiles.push(p),
                (Ok(_), Err(e)) => *slot = Err(e),
                (Err(_), _) => {}
            }
        }
        for (_, slot) in &mut ready {
            if let Ok(profiles) = slot {
                sort_profiles(profiles);
            }
        }
        Listing {
            regions: ready,
            tags: TagRead {
                index_denied,
                tag_reads,
            },
        }
    }
}
