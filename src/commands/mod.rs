//! One file per verb; each orchestrates: parse is done (cli), rules live in
//! `domain`, AWS calls in `aws`, printing in `output`. Shared here: loading
//! AWS settings from the global flags, resolving a PROFILE argument,
//! confirmation, and what `create` and `apply` both do: resolving a model to
//! a `copyFrom` ARN and creating a profile idempotently.

pub mod apply;
pub mod completions;
pub mod cost;
pub mod cost_tags;
pub mod create;
pub mod dashboard;
pub mod delete;
pub mod describe;
pub mod list;
pub mod plan;
pub mod policy;
pub mod prune;
pub mod tag;
pub mod untag;
pub mod usage;

use std::io::{self, BufRead, IsTerminal};
use std::time::Duration;

use futures::{StreamExt, TryStreamExt, stream};

use crate::aws::bedrock::Bedrock;
use crate::aws::{Aws, Settings};
use crate::cli::{Cli, Command, GlobalArgs, ProfileFilterArgs};
use crate::domain::InputError;
use crate::domain::filter::ProfileFilter;
use crate::domain::profile::{BedrockArn, ModelRef, Profile, ProfileRef, request_token};
use crate::domain::region::Region;
use crate::domain::tag::Tags;
use crate::error::{Error, Result};
use crate::output::Output;
use jiff::Timestamp;

/// The environment variable that fixes aipctl's clock (RFC 3339), for tests
/// and reproducible reports.
pub const NOW_VAR: &str = "AIPCTL_NOW";

/// The one place aipctl reads the clock: `AIPCTL_NOW` when set, else the
/// system's time. Everything else receives the instant as a value.
pub fn now() -> Result<Timestamp> {
    match std::env::var(NOW_VAR) {
        Ok(text) => text.trim().parse::<Timestamp>().map_err(|_| {
            InputError::new(
                NOW_VAR,
                &text,
                "expected an RFC 3339 instant such as `2026-11-22T13:00:00Z`",
            )
            .into()
        }),
        Err(_) => Ok(Timestamp::now()),
    }
}

pub async fn run(cli: Cli, out: &mut Output) -> Result<()> {
    let g = &cli.global;
    let now = now()?;
    match cli.command {
        Command::Create(args) => create::run(args, g, now, out).await,
        Command::List(args) => list::run(args, g, now, out).await,
        Command::Describe(args) => describe::run(args, g, now, out).await,
        Command::Delete(args) => delete::run(args, g, out).await,
        Command::Tag(args) => tag::run(args, g, out).await,
        Command::Untag(args) => untag::run(args, g, out).await,
        Command::Usage(args) => usage::run(args, g, now, out).await,
        Command::Dashboard(args) => dashboard::run(args, g, out).await,
        Command::Plan(args) => plan::run(args, g, out).await,
        Command::Apply(args) => apply::run(args, g, now, out).await,
        Command::Prune(args) => prune::run(args, g, now, out).await,
        Command::Policy(args) => policy::run(args, g, out).await,
        Command::Cost(args) => cost::run(args, g, now, out).await,
        Command::CostTags(args) => cost_tags::run(args, g, now, out).await,
        Command::Completions(args) => completions::run(&args, out),
    }
}

/// AWS settings and the chosen regions.
pub async fn connect(g: &GlobalArgs) -> Result<(Aws, Vec<Region>)> {
    let aws = load(g).await?;
    let regions = aws.regions(&g.regions, g.all_regions)?;
    Ok((aws, regions))
}

/// AWS settings alone, for commands whose regions come from a file.
pub async fn load(g: &GlobalArgs) -> Result<Aws> {
    Aws::load(&Settings {
        profile: g.aws_profile.clone(),
        endpoint_url: g.endpoint_url.clone(),
        max_attempts: g.max_attempts,
        adaptive_retry: g.retry_mode == crate::cli::RetryMode::Adaptive,
        timeout: g.timeout.map(Duration::from_secs),
        concurrency: usize::from(g.concurrency),
        extra_regions: extra_regions()?,
    })
    .await
}

/// Regions the user allows beyond the built-in list, from
/// `AIPCTL_EXTRA_REGIONS` (comma-separated).
fn extra_regions() -> Result<Vec<Region>> {
    let var = crate::domain::region::EXTRA_REGIONS_VAR;
    match std::env::var(var) {
        Ok(text) if !text.trim().is_empty() => {
            crate::domain::region::parse_list(&text).map_err(|e| InputError::new(var, &text, &e.rule).into())
        }
        _ => Ok(Vec::new()),
    }
}

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
pub async fn list_regions(
    aws: &Aws,
    regions: &[Region],
    keep_untagged: impl Fn(&Profile) -> bool,
    g: &GlobalArgs,
    out: &mut Output,
) -> Result<Selection> {
    let mut profiles = Vec::new();
    let mut failed = Vec::new();
    let mut skipped = Vec::new();
    for (region, listed) in aws.profiles_by_region(regions, keep_untagged).await {
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
    g: &GlobalArgs,
    out: &mut Output,
) -> Result<Selection> {
    let mut selection = list_regions(aws, regions, |p| filter.matches_name(p), g, out).await?;
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
                    arns: found.into_iter().map(|p| p.arn).collect(),
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

/// Refuses at once when no one can confirm (no `--yes`, no terminal on
/// stdin), so a change that would be refused costs no request;
/// `refusal_hint` says how to see what would happen instead.
pub fn ensure_confirmable(yes: bool, refusal_hint: &str) -> Result<()> {
    if yes || io::stdin().is_terminal() {
        return Ok(());
    }
    Err(Error::Refused {
        message: "refusing to change anything without confirmation: stdin is not a terminal".into(),
        hint: Some(format!("pass `--yes` to confirm, or {refusal_hint}")),
    })
}

fn region_list(regions: &[Region]) -> String {
    match regions {
        [one] => one.to_string(),
        many if many.len() > 4 => format!("{} regions", many.len()),
        many => many.iter().map(Region::as_str).collect::<Vec<_>>().join(", "),
    }
}

/// [`confirm`], naming the account the change acts on in the question (one
/// `GetCallerIdentity`, made only when someone is asked).
pub async fn confirm_in_account(
    aws: &Aws,
    region: &Region,
    out: &mut Output,
    yes: bool,
    question: &str,
    expected: &str,
    refusal_hint: &str,
) -> Result<()> {
    if yes {
        return Ok(());
    }
    ensure_confirmable(yes, refusal_hint)?;
    let account = aws.account_id(region).await?;
    let question = match question.strip_suffix('?') {
        Some(q) => format!("{q} (account {account})?"),
        None => format!("{question} (account {account})"),
    };
    confirm(out, yes, &question, expected, refusal_hint)
}

/// Asks the person at the terminal to type `expected` to go ahead. Without a
/// terminal on stdin, refuses unless `--yes` was given; `refusal_hint` says
/// how to see what would happen instead.
pub fn confirm(
    out: &mut Output,
    yes: bool,
    question: &str,
    expected: &str,
    refusal_hint: &str,
) -> Result<()> {
    if yes {
        return Ok(());
    }
    ensure_confirmable(yes, refusal_hint)?;
    out.note(&format!("{question} Type `{expected}` to confirm:"));
    let mut line = String::new();
    io::stdin().lock().read_line(&mut line)?;
    if line.trim() == expected {
        Ok(())
    } else {
        Err(Error::Refused {
            message: "not confirmed; nothing was changed".into(),
            hint: None,
        })
    }
}

/// What a model reference resolves to in one region.
#[derive(Debug, Clone)]
pub struct Source {
    /// The `copyFrom` ARN.
    pub arn: String,
    /// The foundation-model ARNs a profile copying it routes to.
    pub routes: Vec<String>,
}

/// The `copyFrom` ARN for `model` in this region. A model this region serves
/// only through cross-region profiles is refused with the system profile to
/// use instead (AWS would accept it and fail later at invocation with
/// "on-demand throughput isn't supported").
pub async fn resolve_source(b: &Bedrock, model: &ModelRef) -> Result<Source> {
    let region = b.region.as_str();
    match model {
        ModelRef::FoundationModelId(_) | ModelRef::FoundationModelArn(_) => {
            let (identifier, shown) = match model {
                ModelRef::FoundationModelArn(arn) => (arn.to_string(), arn.resource_id.clone()),
                other => (other.to_string(), other.to_string()),
            };
            let fm = b.foundation_model(&identifier).await?.ok_or_else(|| Error::Usage {
                message: format!("foundation model `{shown}` is not offered in {region}"),
                hint: Some(format!(
                    "see the models of the region with `aws bedrock list-foundation-models --region {region}`"
                )),
            })?;
            if fm.on_demand() {
                return Ok(Source {
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
            Ok(Source {
                arn: p.arn,
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
            Ok(Source {
                arn: p.arn,
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
