//! `aipctl create NAME --model MODEL`: one application profile per chosen
//! region, idempotently.
//!
//! The model reference is resolved to a `copyFrom` ARN in the target region
//! first; a model that this region serves only through cross-region profiles
//! is refused with the system profile to use instead (AWS would accept it and
//! fail later at invocation with "on-demand throughput isn't supported").
//! A profile with the same name, source and tags is reported, not duplicated;
//! the same name with anything different is an error that shows the
//! difference. The request token is derived from the request, so an SDK retry
//! after a lost response creates exactly one profile.

use sha2::{Digest, Sha256};

use super::connect;
use crate::aws::Aws;
use crate::aws::bedrock::Bedrock;
use crate::cli::{CreateArgs, GlobalArgs};
use crate::domain::profile::{BedrockArn, Description, ModelRef, Profile};
use crate::domain::region::Region;
use crate::domain::tag::{SOURCE_TAG, Tag, Tags};
use crate::error::{Error, InputError, Result};
use crate::output::Output;
use crate::output::profiles::{ProfileCard, ProfileList};

pub async fn run(args: CreateArgs, g: &GlobalArgs, out: &mut Output) -> Result<()> {
    let user_tags = user_tags(&args)?;
    check_model_region(&args.model, &g.regions)?;
    let (aws, regions) = connect(g).await?;
    let mut created = Vec::with_capacity(regions.len());
    for region in &regions {
        created.push(create_in(&aws, region, &args, &user_tags, out).await?);
    }
    match created.as_slice() {
        [one] => out.data(&ProfileCard {
            profile: one,
            usage: None,
        }),
        many => out.data(&ProfileList {
            profiles: many,
            tag_columns: &[],
            now: jiff::Timestamp::now(),
        }),
    }
}

/// `--tag`s and `--department`, checked against the 50-tag limit with the
/// source tag aipctl adds.
fn user_tags(args: &CreateArgs) -> Result<Vec<Tag>> {
    let mut tags = args.tags.clone();
    if let Some(d) = &args.department {
        if let Some(other) = tags.iter().find(|t| t.key == d.key && t.value != d.value) {
            return Err(InputError::new(
                "department",
                d.value.as_str(),
                &format!("conflicts with `--tag {}={}`", other.key, other.value.as_str()),
            )
            .into());
        }
        tags.push(d.clone());
    }
    if let Some(t) = tags.iter().find(|t| t.key.as_str() == SOURCE_TAG) {
        return Err(InputError::new("tag", t.key.as_str(), "aipctl sets `aipctl:source` itself").into());
    }
    // One slot is the source tag.
    let mut with_source = tags.clone();
    with_source.push(format!("{SOURCE_TAG}=x").parse()?);
    Tags::default().merged(&with_source)?;
    Ok(tags)
}

/// A model ARN names its region; it must be the region the profile goes to.
fn check_model_region(model: &ModelRef, regions: &[Region]) -> Result<()> {
    let arn_region = match model {
        ModelRef::FoundationModelArn(a) | ModelRef::SystemProfileArn(a) => &a.region,
        _ => return Ok(()),
    };
    match regions {
        [] => Ok(()),
        [one] if one.as_str() == arn_region => Ok(()),
        _ => Err(Error::Usage {
            message: format!(
                "the model ARN is in `{arn_region}`, but the profile would be created in {}",
                regions.iter().map(Region::as_str).collect::<Vec<_>>().join(", ")
            ),
            hint: Some(format!(
                "pass `--region {arn_region}`, or give the model by ID to create in several regions"
            )),
        }),
    }
}

async fn create_in(
    aws: &Aws,
    region: &Region,
    args: &CreateArgs,
    user_tags: &[Tag],
    out: &mut Output,
) -> Result<Profile> {
    if let ModelRef::FoundationModelArn(a) | ModelRef::SystemProfileArn(a) = &args.model
        && a.region != region.as_str()
    {
        return Err(Error::Usage {
            message: format!(
                "the model ARN is in `{}`, but the profile would be created in `{region}`",
                a.region
            ),
            hint: Some(format!("pass `--region {}`", a.region)),
        });
    }
    let b = aws.bedrock(region);
    let source = resolve_source(&b, &args.model).await?;
    let mut tags = Tags::default().merged(user_tags)?;
    tags.insert(SOURCE_TAG, source.clone());
    let name = args.name.as_str();
    let description = args.description.as_ref().map(Description::as_str);

    if let Some(existing) = existing_named(&b, name).await? {
        return same_or_conflict(existing, &source, &tags, description, out);
    }

    let token = request_token(region, name, &source, description, &tags, 0);
    let mut arn = b
        .create_profile(name, description, &source, &tags, &token)
        .await?;
    let mut profile = b.get_profile(&arn).await?;
    if profile.is_none() {
        // The token was remembered from an earlier profile that has since been
        // deleted; AWS answered with that profile's ARN. Create anew.
        let token = request_token(
            region,
            name,
            &source,
            description,
            &tags,
            jiff::Timestamp::now().as_second(),
        );
        arn = b
            .create_profile(name, description, &source, &tags, &token)
            .await?;
        profile = b.get_profile(&arn).await?;
    }
    let mut profile = wait_active(&b, profile, &arn).await?;
    profile.tags = b.tags(&arn).await?;
    out.note(&format!("created `{name}` in {region}: {arn}"));
    Ok(profile)
}

/// The `copyFrom` ARN for `model` in this region.
async fn resolve_source(b: &Bedrock, model: &ModelRef) -> Result<String> {
    let region = b.region.as_str();
    match model {
        ModelRef::FoundationModelId(id) => {
            let fm = b.foundation_model(id).await?.ok_or_else(|| Error::Usage {
                message: format!("foundation model `{id}` is not offered in {region}"),
                hint: Some(format!(
                    "see the models of the region with `aws bedrock list-foundation-models --region {region}`"
                )),
            })?;
            if fm.on_demand() {
                return Ok(fm.arn);
            }
            Err(cross_region_only(b, &fm.id).await?)
        }
        ModelRef::FoundationModelArn(arn) => {
            let fm = b
                .foundation_model(&arn.to_string())
                .await?
                .ok_or_else(|| Error::Usage {
                    message: format!(
                        "foundation model `{}` is not offered in {region}",
                        arn.resource_id
                    ),
                    hint: None,
                })?;
            if fm.on_demand() {
                return Ok(fm.arn);
            }
            Err(cross_region_only(b, &fm.id).await?)
        }
        ModelRef::SystemProfileId(id) => {
            let p = b.get_profile(id).await?.ok_or_else(|| Error::Usage {
                message: format!("system-defined profile `{id}` is not offered in {region}"),
                hint: Some(format!("list them with `aws bedrock list-inference-profiles --type-equals SYSTEM_DEFINED --region {region}`")),
            })?;
            Ok(p.arn)
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
            Ok(p.arn)
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

async fn existing_named(b: &Bedrock, name: &str) -> Result<Option<Profile>> {
    let Some(mut p) = b.list_profiles().await?.into_iter().find(|p| p.name == name) else {
        return Ok(None);
    };
    p.tags = b.tags(&p.arn).await?;
    Ok(Some(p))
}

/// A profile by the same name: fine if it is what was asked for, else an
/// error that says what differs (AWS allows only tag changes in place).
fn same_or_conflict(
    existing: Profile,
    source: &str,
    tags: &Tags,
    description: Option<&str>,
    out: &mut Output,
) -> Result<Profile> {
    let mut differences = Vec::new();
    match existing.source() {
        Some(s) if s == source => {}
        Some(s) => differences.push(format!("model source is `{s}`, asked for `{source}`")),
        None => differences.push(format!(
            "model source was not recorded (models: {})",
            existing.model_arns.join(", ")
        )),
    }
    if existing.description.as_deref() != description {
        differences.push(format!(
            "description is {}, asked for {}",
            existing
                .description
                .as_deref()
                .map_or("unset".into(), |d| format!("`{d}`")),
            description.map_or("unset".into(), |d| format!("`{d}`"))
        ));
    }
    for change in existing.tags.diff(tags) {
        differences.push(format!(
            "tag `{}` is {}, asked for {}",
            change.key,
            change.before.map_or("unset".into(), |v| format!("`{v}`")),
            change.after.map_or("unset".into(), |v| format!("`{v}`"))
        ));
    }
    if differences.is_empty() {
        out.note(&format!(
            "`{}` already exists in {} as asked; nothing to do",
            existing.name, existing.region
        ));
        return Ok(existing);
    }
    Err(Error::Conflict {
        message: format!(
            "a profile named `{}` already exists in {} and differs:\n  - {}",
            existing.name,
            existing.region,
            differences.join("\n  - ")
        ),
        hint: Some(format!(
            "change tags with `aipctl tag {}`; a different model or description needs a new name (AWS cannot change them in place)",
            existing.arn
        )),
    })
}

/// A `clientRequestToken` derived from everything the request asks for:
/// the same request gives the same token, so retries are idempotent.
/// `salt` is 0 except when an old token must be retired.
fn request_token(
    region: &Region,
    name: &str,
    source: &str,
    description: Option<&str>,
    tags: &Tags,
    salt: i64,
) -> String {
    let mut h = Sha256::new();
    for part in [region.as_str(), name, source, description.unwrap_or("")] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    for (k, v) in tags.iter() {
        h.update(k.as_bytes());
        h.update([1]);
        h.update(v.as_bytes());
        h.update([0]);
    }
    h.update(salt.to_be_bytes());
    format!("aipctl-{}", &hex::encode(h.finalize())[..48])
}

/// Waits until AWS reports the profile `ACTIVE` (today it is at once; the
/// status enum may grow), for up to 60 seconds.
async fn wait_active(b: &Bedrock, mut profile: Option<Profile>, arn: &str) -> Result<Profile> {
    for attempt in 0..60u32 {
        match profile {
            Some(p) if p.status == "ACTIVE" => return Ok(p),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_tokens_are_stable_and_fit_the_aws_pattern() {
        let r: Region = "us-east-1".parse().unwrap();
        let tags: Tags = [("Department".to_owned(), "Search".to_owned())]
            .into_iter()
            .collect();
        let a = request_token(&r, "n", "src", None, &tags, 0);
        assert_eq!(a, request_token(&r, "n", "src", None, &tags, 0));
        assert_ne!(a, request_token(&r, "n", "src", Some("d"), &tags, 0));
        assert_ne!(a, request_token(&r, "n", "src", None, &Tags::default(), 0));
        assert_ne!(a, request_token(&r, "n", "src", None, &tags, 1));
        // [a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?
        assert!(a.len() <= 256 && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        assert!(!a.ends_with('-'));
    }
}
