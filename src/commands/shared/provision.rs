//! What `create` and `apply` both do: resolve a model reference to a
//! `copyFrom` ARN in a region, and create a profile idempotently, waiting
//! until it is `ACTIVE`.

use jiff::Timestamp;

use crate::aws::bedrock::Bedrock;
use crate::domain::profile::{BedrockArn, ModelRef, Profile, ProfileStatus, request_token};
use crate::domain::tag::Tags;
use crate::error::{Error, Result};

/// What a model reference resolves to in one region.
#[derive(Debug, Clone)]
pub struct ModelSource {
    /// The `copyFrom` ARN.
    pub arn: String,
    /// The foundation-model ARNs a profile copying it routes to.
    pub routes: Vec<String>,
}

/// The `copyFrom` ARN for `model` in this region. A model this region serves
/// only through cross-region profiles is refused with the system profile to
/// use instead (AWS would accept it and fail later at invocation with
/// "on-demand throughput isn't supported").
pub async fn resolve_source(b: &Bedrock, model: &ModelRef) -> Result<ModelSource> {
    let region = b.region.as_str();
    match model {
        ModelRef::FoundationModelId(_) | ModelRef::FoundationModelArn(_) => {
            let (identifier, shown) = match model {
                ModelRef::FoundationModelArn(arn) => (arn.to_string(), arn.resource_id.clone()),
                other => (other.to_string(), other.to_string()),
            };
            let fm = b
                .foundation_model(&identifier)
                .await?
                .ok_or_else(|| Error::Usage {
                    message: format!("foundation model `{shown}` is not offered in {region}"),
                    hint: Some(format!(
                        "see the models of the region with `aipctl models --region {region}`"
                    )),
                })?;
            if fm.on_demand() {
                return Ok(ModelSource {
                    routes: vec![fm.arn.clone()],
                    arn: fm.arn,
                });
            }
            Err(cross_region_only(b, &fm.id).await?)
        }
        ModelRef::SystemProfileId(id) => {
            let p = b.get_profile(id).await?.ok_or_else(|| Error::Usage {
                message: format!("system-defined profile `{id}` is not offered in {region}"),
                hint: Some(format!("list them with `aws bedrock list-inference-profiles --type-equals SYSTEM_DEFINED --region {region}`")),
            })?;
            Ok(ModelSource {
                arn: p.arn.to_string(),
                routes: p.model_arns,
            })
        }
        ModelRef::SystemProfileArn(arn) => {
            let p = b
                .get_profile(&arn.to_string())
                .await?
                .ok_or_else(|| Error::Usage {
                    message: format!(
                        "system-defined profile `{}` is not offered in {region}",
                        arn.resource_id
                    ),
                    hint: None,
                })?;
            Ok(ModelSource {
                arn: p.arn.to_string(),
                routes: p.model_arns,
            })
        }
    }
}

/// The error for a model this region serves only through a cross-region
/// profile, naming the profiles that route to it.
async fn cross_region_only(b: &Bedrock, model_id: &str) -> Result<Error> {
    let mut candidates: Vec<String> = b
        .system_profiles()
        .await?
        .into_iter()
        .filter(|p| {
            p.model_arns
                .iter()
                .filter_map(|a| BedrockArn::parse(a))
                .any(|a| a.resource_id == model_id)
        })
        .map(|p| p.id)
        .collect();
    // Geographic profiles first: they keep processing inside the geography;
    // `global.` routes anywhere.
    candidates.sort_by_key(|id| (id.starts_with("global."), id.clone()));
    let region = &b.region;
    Ok(match candidates.first() {
        Some(first) => Error::Usage {
            message: format!(
                "`{model_id}` cannot be invoked on demand in {region}; it is served through cross-region profiles: {}",
                candidates.join(", ")
            ),
            hint: Some(format!("use `--model {first}`")),
        },
        None => Error::Usage {
            message: format!(
                "`{model_id}` cannot be invoked on demand in {region}, and no system-defined profile there routes to it"
            ),
            hint: None,
        },
    })
}

/// Creates a profile and waits until it is `ACTIVE`; returns it with its
/// tags. The request token is derived from the request, so an SDK retry after
/// a lost response, or a re-run after an interruption, gets the same profile
/// back rather than a second one.
pub async fn create_profile(
    now: Timestamp,
    b: &Bedrock,
    name: &str,
    description: Option<&str>,
    source: &str,
    tags: &Tags,
) -> Result<Profile> {
    let region = &b.region;
    let token = request_token(region, name, source, description, tags, 0);
    let mut arn = b.create_profile(name, description, source, tags, &token).await?;
    let mut profile = b.get_profile(&arn).await?;
    if profile.is_none() {
        // The token was remembered from an earlier profile that has since been
        // deleted; AWS answered with that profile's ARN. Create anew.
        let token = request_token(region, name, source, description, tags, now.as_second());
        arn = b.create_profile(name, description, source, tags, &token).await?;
        profile = b.get_profile(&arn).await?;
    }
    let mut profile = wait_active(b, profile, &arn).await?;
    profile.tags = b.tags(&arn).await?;
    Ok(profile)
}

/// Waits until AWS reports the profile `ACTIVE` (today it is at once; the
/// status enum may grow), for up to 60 seconds.
async fn wait_active(b: &Bedrock, mut profile: Option<Profile>, arn: &str) -> Result<Profile> {
    for attempt in 0..60u32 {
        match profile {
            Some(p) if p.status == ProfileStatus::Active => return Ok(p),
            _ => {}
        }
        tokio::time::sleep(std::time::Duration::from_millis(
            250 * u64::from(attempt.min(4) + 1),
        ))
        .await;
        profile = b.get_profile(arn).await?;
    }
    Err(Error::Conflict {
        message: format!("profile {arn} did not become ACTIVE within a minute"),
        hint: Some(format!("check it later with `aipctl describe {arn}`")),
    })
}
