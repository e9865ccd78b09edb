//! The Resource Groups Tagging API (`tag:GetResources`): the tags of a
//! region's application inference profiles, 100 a call, optionally filtered
//! by tag on the server, instead of one `ListTagsForResource` per profile.
//!
//! Two facts shape how it is used
//! (<https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html>):
//! the index lists only resources that have or had tags, and it is
//! eventually consistent, so a new profile can be missing for a while. The
//! caller fills every gap with `ListTagsForResource`; it never answers with
//! fewer profiles than `ListInferenceProfiles` returns.

use std::collections::HashMap;

use aws_sdk_resourcegroupstagging::Client;
use aws_sdk_resourcegroupstagging::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_resourcegroupstagging::operation::get_resources::{GetResourcesError, GetResourcesOutput};
use aws_sdk_resourcegroupstagging::types::TagFilter as SdkTagFilter;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use futures::{StreamExt, stream};

use super::{Aws, failure};
use crate::domain::region::Region;
use crate::domain::tag::{TagFilter, Tags};
use crate::error::Result;

const SERVICE: &str = "tag";
/// The resource type of application inference profiles in the Tagging API.
pub const PROFILE_RESOURCE_TYPE: &str = "bedrock:application-inference-profile";
/// `ResourcesPerPage` allows 1–100.
const PAGE_SIZE: i32 = 100;

/// A Tagging API client for one region.
pub struct Tagging {
    client: Client,
    region: Region,
    endpoint: String,
    concurrency: usize,
}

/// What the index answered for a region.
pub enum Indexed {
    /// Tags by profile ARN, for the profiles in the index (that match the filters).
    Tags(HashMap<String, Tags>),
    /// `tag:GetResources` is not allowed for these credentials.
    Denied,
}

impl Aws {
    pub fn tagging(&self, region: &Region) -> Tagging {
        let client = self.client("tagging", region, |cfg| {
            sdk_client!(aws_sdk_resourcegroupstagging, cfg)
        });
        Tagging {
            client,
            endpoint: self.endpoint("tagging", region),
            region: region.clone(),
            concurrency: self.concurrency,
        }
    }
}

impl Tagging {
    /// A `GetResources` answer: the page, `None` when the call is denied
    /// (the caller falls back to per-profile reads), or the failure.
    fn answer(
        &self,
        answer: Result<GetResourcesOutput, SdkError<GetResourcesError, HttpResponse>>,
    ) -> Result<Option<GetResourcesOutput>> {
        match answer {
            Ok(page) => Ok(Some(page)),
            Err(e) if e.code() == Some("AccessDeniedException") => Ok(None),
            Err(e) => Err(failure(
                SERVICE,
                "GetResources",
                self.region.as_str(),
                &self.endpoint,
                &e,
            )),
        }
    }

    /// The application profiles of this region in the tagging index, with
    /// their tags, every page. `filters` (`K=V`, `K`) are applied by AWS:
    /// values of one key are alternatives, keys must all match.
    pub async fn profile_tags(&self, filters: &[TagFilter]) -> Result<Indexed> {
        let tag_filters: Vec<SdkTagFilter> = filters
            .iter()
            .map(|f| match f {
                TagFilter::Equals(k, v) => SdkTagFilter::builder().key(k.as_str()).values(v.as_str()).build(),
                TagFilter::Present(k) => SdkTagFilter::builder().key(k.as_str()).build(),
            })
            .collect();
        let mut pages = self
            .client
            .get_resources()
            .resource_type_filters(PROFILE_RESOURCE_TYPE)
            .set_tag_filters((!tag_filters.is_empty()).then_some(tag_filters))
            .resources_per_page(PAGE_SIZE)
            .into_paginator()
            .send();
        let mut out: HashMap<String, Tags> = HashMap::new();
        while let Some(answer) = pages.next().await {
            let Some(page) = self.answer(answer)? else {
                return Ok(Indexed::Denied);
            };
            out.extend(mappings(&page));
        }
        Ok(Indexed::Tags(out))
    }

    /// The first page of the index (every application profile, no tag
    /// filter), and whether more pages follow. When they do, the caller
    /// asks for the rest by ARN ([`Tagging::tags_of`]), all at once, instead
    /// of page after page.
    pub async fn first_page(&self) -> Result<(Indexed, bool)> {
        let answer = self
            .client
            .get_resources()
            .resource_type_filters(PROFILE_RESOURCE_TYPE)
            .resources_per_page(PAGE_SIZE)
            .send()
            .await;
        Ok(match self.answer(answer)? {
            Some(page) => {
                let more = page.pagination_token().is_some_and(|t| !t.is_empty());
                (Indexed::Tags(mappings(&page).collect()), more)
            }
            None => (Indexed::Denied, false),
        })
    }

    /// The tags of these profiles (ARNs of this region) that the index has,
    /// 100 a call (`ResourceARNList`, which AWS answers in one page and
    /// without error for ARNs it does not have: those are left out), the
    /// calls side by side within the concurrency budget.
    pub async fn tags_of(&self, arns: &[&str]) -> Result<Indexed> {
        let chunks = arns.chunks(usize::try_from(PAGE_SIZE).expect("a small constant"));
        let mut answers = stream::iter(chunks.map(|chunk| {
            self.client
                .get_resources()
                .set_resource_arn_list(Some(chunk.iter().map(|&a| a.to_owned()).collect()))
                .send()
        }))
        .buffer_unordered(self.concurrency.max(1));
        let mut out: HashMap<String, Tags> = HashMap::with_capacity(arns.len());
        // Each answer is read as it comes, so no more than the calls in flight are held.
        while let Some(answer) = answers.next().await {
            let Some(page) = self.answer(answer)? else {
                return Ok(Indexed::Denied);
            };
            out.extend(mappings(&page));
        }
        Ok(Indexed::Tags(out))
    }
}

/// The tags of every mapping of a `GetResources` page, by ARN.
fn mappings(page: &GetResourcesOutput) -> impl Iterator<Item = (String, Tags)> + '_ {
    page.resource_tag_mapping_list()
        .iter()
        .filter_map(|m| Some((m.resource_arn()?.to_owned(), tags_of_mapping(m))))
}

fn tags_of_mapping(mapping: &aws_sdk_resourcegroupstagging::types::ResourceTagMapping) -> Tags {
    mapping
        .tags()
        .iter()
        .map(|t| (t.key().to_owned(), t.value().to_owned()))
        .collect()
}
