//! The Bedrock control plane: inference profiles, their tags and the model
//! catalog, per region. Turns `InferenceProfileSummary` into a domain
//! [`Profile`] and `ResourceNotFoundException` into `None` / "already gone".
//!
//! Quirks handled here:
//! - `ListInferenceProfiles` is always sent with `typeEquals` (the service
//!   returns only system profiles without it);
//! - neither list nor get returns tags or the `copyFrom` source, so tags take
//!   one `ListTagsForResource` per profile, fetched with bounded concurrency.

use aws_sdk_bedrock::Client;
use aws_sdk_bedrock::error::ProvideErrorMetadata;
use aws_sdk_bedrock::types::{
    InferenceProfileModelSource, InferenceProfileSummary, InferenceProfileType, Tag as SdkTag,
};

use jiff::Timestamp;

use super::{Aws, Deleted, failure};
use crate::domain::model::{FoundationModel, SystemProfile};
use crate::domain::profile::{Profile, ProfileArn, ProfileStatus, ProfileType};
use crate::domain::region::Region;
use crate::domain::tag::Tags;
use crate::error::{Error, Result};

const SERVICE: &str = "bedrock";
/// The model allows 1–1000; one page of the largest size is fewest calls.
const PAGE_SIZE: i32 = 1000;

/// A domain [`Profile`] (without tags) from an SDK value with the accessors
/// `InferenceProfileSummary` and `GetInferenceProfileOutput` share (two
/// distinct SDK types with the same fields).
macro_rules! profile {
    ($bedrock:expr, $o:expr) => {
        Profile {
            name: $o.inference_profile_name().to_owned(),
            id: $o.inference_profile_id().to_owned(),
            arn: ProfileArn::parse($o.inference_profile_arn()).ok_or_else(|| {
                $bedrock.unexpected(format!(
                    "`{}` is not an inference profile ARN",
                    $o.inference_profile_arn()
                ))
            })?,
            region: $bedrock.region.clone(),
            status: ProfileStatus::from_aws($o.status().as_str()),
            kind: match $o.r#type() {
                InferenceProfileType::SystemDefined => ProfileType::SystemDefined,
                _ => ProfileType::Application,
            },
            description: $o.description().map(str::to_owned),
            model_arns: $o
                .models()
                .iter()
                .filter_map(|m| m.model_arn().map(str::to_owned))
                .collect(),
            tags: Tags::default(),
            created_at: $o.created_at().and_then(timestamp),
            updated_at: $o.updated_at().and_then(timestamp),
            account: None,
        }
    };
}

/// A Bedrock client for one region.
pub struct Bedrock {
    client: Client,
    pub region: Region,
    endpoint: String,
}

impl Aws {
    pub fn bedrock(&self, region: &Region) -> Bedrock {
        let client = self.client("bedrock", region, |cfg| sdk_client!(aws_sdk_bedrock, cfg));
        Bedrock {
            client,
            endpoint: self.endpoint("bedrock", region),
            region: region.clone(),
        }
    }
}

/// The order every view uses: region, then name, then ID.
pub fn sort_profiles(profiles: &mut [Profile]) {
    // The key is unique (an ID once per account and region), so an unstable sort gives the
    // same order without a scratch copy of the profiles.
    fn account(p: &Profile) -> Option<&crate::domain::account::AccountId> {
        p.account.as_ref().map(|a| &a.id)
    }
    profiles.sort_unstable_by(|a, b| {
        (account(a), &a.region, &a.name, &a.id).cmp(&(account(b), &b.region, &b.name, &b.id))
    });
}

impl Bedrock {
    fn fail<E>(
        &self,
        operation: &'static str,
        err: &aws_sdk_bedrock::error::SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
    ) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        failure(SERVICE, operation, self.region.as_str(), &self.endpoint, err)
    }

    /// An answer aipctl cannot read (a field outside the service model).
    fn unexpected(&self, message: String) -> Error {
        Error::Aws(Box::new(crate::error::AwsFailure {
            service: SERVICE,
            operation: "ListInferenceProfiles",
            region: self.region.to_string(),
            code: None,
            message,
            request_id: None,
            attempts: None,
            throttled: false,
        }))
    }

    /// Every profile of one type in this region, every page. `typeEquals` is
    /// always sent: without it the service answers with system profiles only.
    async fn summaries(&self, kind: InferenceProfileType) -> Result<Vec<InferenceProfileSummary>> {
        self.client
            .list_inference_profiles()
            .type_equals(kind)
            .into_paginator()
            .page_size(PAGE_SIZE)
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| self.fail("ListInferenceProfiles", &e))
    }

    /// Application profiles of this region, without tags, every page.
    /// Each page becomes profiles as it arrives, so no more than one page of
    /// the SDK's summaries is held at a time.
    pub async fn list_profiles(&self) -> Result<Vec<Profile>> {
        let mut pages = self
            .client
            .list_inference_profiles()
            .type_equals(InferenceProfileType::Application)
            .into_paginator()
            .page_size(PAGE_SIZE)
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.fail("ListInferenceProfiles", &e))?;
            for s in page.inference_profile_summaries() {
                out.push(profile!(self, s));
            }
        }
        Ok(out)
    }

    /// One profile by ID or ARN, without tags; `None` when AWS says it does not exist.
    pub async fn get_profile(&self, identifier: &str) -> Result<Option<Profile>> {
        match self
            .client
            .get_inference_profile()
            .inference_profile_identifier(identifier)
            .send()
            .await
        {
            Ok(o) => Ok(Some(profile!(self, o))),
            Err(e) if e.code() == Some("ResourceNotFoundException") => Ok(None),
            Err(e) => Err(self.fail("GetInferenceProfile", &e)),
        }
    }

    pub async fn tags(&self, arn: &str) -> Result<Tags> {
        let out = self
            .client
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .map_err(|e| self.fail("ListTagsForResource", &e))?;
        Ok(out
            .tags()
            .iter()
            .map(|t| (t.key().to_owned(), t.value().to_owned()))
            .collect())
    }

    /// Creates a profile; returns its ARN. `token` makes SDK retries after a
    /// lost response land on the same profile.
    pub async fn create_profile(
        &self,
        name: &str,
        description: Option<&str>,
        source_arn: &str,
        tags: &Tags,
        token: &str,
    ) -> Result<String> {
        let out = self
            .client
            .create_inference_profile()
            .inference_profile_name(name)
            .set_description(description.map(str::to_owned))
            .model_source(InferenceProfileModelSource::CopyFrom(source_arn.to_owned()))
            .set_tags(Some(sdk_tags(tags)))
            .client_request_token(token)
            .send()
            .await
            .map_err(|e| self.fail("CreateInferenceProfile", &e))?;
        Ok(out.inference_profile_arn().to_owned())
    }

    pub async fn delete_profile(&self, arn: &str) -> Result<Deleted> {
        match self
            .client
            .delete_inference_profile()
            .inference_profile_identifier(arn)
            .send()
            .await
        {
            Ok(_) => Ok(Deleted::Now),
            Err(e) if e.code() == Some("ResourceNotFoundException") => Ok(Deleted::AlreadyGone),
            Err(e) => Err(self.fail("DeleteInferenceProfile", &e)),
        }
    }

    pub async fn tag(&self, arn: &str, tags: &Tags) -> Result<()> {
        self.client
            .tag_resource()
            .resource_arn(arn)
            .set_tags(Some(sdk_tags(tags)))
            .send()
            .await
            .map_err(|e| self.fail("TagResource", &e))?;
        Ok(())
    }

    pub async fn untag(&self, arn: &str, keys: &[String]) -> Result<()> {
        self.client
            .untag_resource()
            .resource_arn(arn)
            .set_tag_keys(Some(keys.to_vec()))
            .send()
            .await
            .map_err(|e| self.fail("UntagResource", &e))?;
        Ok(())
    }

    /// A foundation model by ID or ARN; `None` when this region does not have it.
    ///
    /// Bedrock answers a model the region does not offer with
    /// `ValidationException` "The provided model identifier is invalid."
    /// rather than `ResourceNotFoundException`; both mean "not here" (the ID's
    /// syntax was checked before the call).
    pub async fn foundation_model(&self, identifier: &str) -> Result<Option<FoundationModel>> {
        match self
            .client
            .get_foundation_model()
            .model_identifier(identifier)
            .send()
            .await
        {
            Ok(o) => Ok(o.model_details().map(|d| FoundationModel {
                id: d.model_id().to_owned(),
                arn: d.model_arn().to_owned(),
                name: d.model_name().unwrap_or_default().to_owned(),
                provider: d.provider_name().unwrap_or_default().to_owned(),
                inference_types: d
                    .inference_types_supported()
                    .iter()
                    .map(|t| t.as_str().to_owned())
                    .collect(),
            })),
            Err(e)
                if e.code() == Some("ResourceNotFoundException")
                    || (e.code() == Some("ValidationException")
                        && e.message()
                            .is_some_and(|m| m.contains("model identifier is invalid"))) =>
            {
                Ok(None)
            }
            Err(e) => Err(self.fail("GetFoundationModel", &e)),
        }
    }

    /// The foundation models this region lists (`ListFoundationModels` is
    /// not paginated), of one provider when given.
    pub async fn foundation_models(&self, provider: Option<&str>) -> Result<Vec<FoundationModel>> {
        let out = self
            .client
            .list_foundation_models()
            .set_by_provider(provider.map(str::to_owned))
            .send()
            .await
            .map_err(|e| self.fail("ListFoundationModels", &e))?;
        Ok(out
            .model_summaries()
            .iter()
            .map(|d| FoundationModel {
                id: d.model_id().to_owned(),
                arn: d.model_arn().to_owned(),
                name: d.model_name().unwrap_or_default().to_owned(),
                provider: d.provider_name().unwrap_or_default().to_owned(),
                inference_types: d
                    .inference_types_supported()
                    .iter()
                    .map(|t| t.as_str().to_owned())
                    .collect(),
            })
            .collect())
    }

    /// The system-defined profiles callable from this region.
    pub async fn system_profiles(&self) -> Result<Vec<SystemProfile>> {
        let summaries = self.summaries(InferenceProfileType::SystemDefined).await?;
        Ok(summaries
            .iter()
            .map(|s| SystemProfile {
                id: s.inference_profile_id().to_owned(),
                arn: s.inference_profile_arn().to_owned(),
                model_arns: s
                    .models()
                    .iter()
                    .filter_map(|m| m.model_arn().map(str::to_owned))
                    .collect(),
            })
            .collect())
    }
}

fn sdk_tags(tags: &Tags) -> Vec<SdkTag> {
    tags.iter()
        .map(|(k, v)| {
            SdkTag::builder()
                .key(k)
                .value(v)
                .build()
                .expect("key and value are set")
        })
        .collect()
}

fn timestamp(t: &aws_smithy_types::DateTime) -> Option<Timestamp> {
    Timestamp::new(t.secs(), i32::try_from(t.subsec_nanos()).ok()?).ok()
}
