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
//! after a lost response creates exactly one profile. Resolving the model and
//! the idempotent creation itself are shared with `apply` (`commands`).

use super::shared::provision::{create_profile, resolve_source};
use super::shared::session::connect;
use crate::aws::Aws;
use crate::aws::bedrock::Bedrock;
use crate::cli::{CreateArgs, GlobalArgs};
use crate::domain::InputError;
use crate::domain::profile::{Description, ModelRef, Profile};
use crate::domain::region::Region;
use crate::domain::tag::{SOURCE_TAG, Tag, Tags};
use crate::error::{Error, Result};
use crate::output::Output;
use crate::output::profiles::{ProfileCard, ProfileList};

pub async fn run(args: CreateArgs, g: &GlobalArgs, now: jiff::Timestamp, out: &mut Output) -> Result<()> {
    super::shared::session::single_account(g, "create")?;
    let user_tags = user_tags(&args)?;
    if !user_tags
        .iter()
        .any(|t| t.key.as_str() == crate::domain::tag::DEPARTMENT)
    {
        out.warn(&format!(
            "`{}` has no `Department` tag: its spend will land in the (untagged) row of `aipctl cost`; \
             add `--department NAME`",
            args.name.as_str()
        ));
    }
    check_model_region(&args.model, &g.regions)?;
    let (aws, regions) = connect(g).await?;
    let mut created = Vec::with_capacity(regions.len());
    for region in &regions {
        created.push(create_in(&aws, region, &args, &user_tags, now, out).await?);
    }
    match created.as_slice() {
        [one] => out.data(&ProfileCard {
            profile: one,
            usage: None,
            money: None,
        }),
        many => out.data(&ProfileList {
            profiles: many,
            tag_columns: &[],
            now,
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
    let tags = crate::domain::tag::check_given(&tags, &Tags::default())?;
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
    now: jiff::Timestamp,
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
    let source = resolve_source(&b, &args.model).await?.arn;
    let mut tags = Tags::default().merged(user_tags)?;
    tags.insert(SOURCE_TAG, source.clone());
    let name = args.name.as_str();
    let description = args.description.as_ref().map(Description::as_str);

    if let Some(existing) = existing_named(&b, name).await? {
        return same_or_conflict(existing, &source, &tags, description, out);
    }

    let profile = create_profile(now, &b, name, description, &source, &tags).await?;
    out.note(&format!("created `{name}` in {region}: {}", profile.arn));
    Ok(profile)
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
