//! One file per verb; each orchestrates: parse is done (cli), rules live in
//! `domain`, AWS calls in `aws`, printing in `output`. Shared here: loading
//! AWS settings from the global flags and resolving a PROFILE argument.

pub mod completions;
pub mod create;
pub mod dashboard;
pub mod delete;
pub mod describe;
pub mod list;
pub mod policy;
pub mod prune;
pub mod tag;
pub mod untag;
pub mod usage;

use std::io::{self, BufRead, IsTerminal};
use std::time::Duration;

use futures::{StreamExt, TryStreamExt, stream};

use crate::aws::{Aws, Settings};
use crate::cli::{Cli, Command, GlobalArgs, ProfileFilterArgs};
use crate::domain::filter::ProfileFilter;
use crate::domain::profile::{Profile, ProfileRef};
use crate::domain::region::Region;
use crate::error::{Error, Result};
use crate::output::Output;

pub async fn run(cli: Cli, out: &mut Output) -> Result<()> {
    let g = &cli.global;
    match cli.command {
        Command::Create(args) => create::run(args, g, out).await,
        Command::List(args) => list::run(args, g, out).await,
        Command::Describe(args) => describe::run(args, g, out).await,
        Command::Delete(args) => delete::run(args, g, out).await,
        Command::Tag(args) => tag::run(args, g, out).await,
        Command::Untag(args) => untag::run(args, g, out).await,
        Command::Usage(args) => usage::run(args, g, out).await,
        Command::Dashboard(args) => dashboard::run(args, g, out).await,
        Command::Prune(args) => prune::run(args, g, out).await,
        Command::Policy(args) => policy::run(args, g, out).await,
        Command::Completions(args) => completions::run(&args, out),
    }
}

/// AWS settings and the chosen regions.
pub async fn connect(g: &GlobalArgs) -> Result<(Aws, Vec<Region>)> {
    let aws = load(g).await;
    let regions = aws.regions(&g.regions, g.all_regions)?;
    Ok((aws, regions))
}

/// AWS settings alone, for commands whose regions come from a file.
pub async fn load(g: &GlobalArgs) -> Aws {
    Aws::load(&Settings {
        profile: g.aws_profile.clone(),
        endpoint_url: g.endpoint_url.clone(),
        max_attempts: g.max_attempts,
        adaptive_retry: g.retry_mode == crate::cli::RetryMode::Adaptive,
        timeout: Duration::from_secs(g.timeout),
        concurrency: usize::from(g.concurrency),
    })
    .await
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

/// The profiles of `regions` that `filter` keeps, with tags. Names are
/// matched before tags are fetched, saving a call per excluded profile.
pub async fn select(aws: &Aws, regions: &[Region], filter: &ProfileFilter) -> Result<Vec<Profile>> {
    Ok(aws
        .profiles_with_tags(regions, |p| filter.matches_name(p))
        .await?
        .into_iter()
        .filter(|p| filter.matches(p))
        .collect())
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

fn region_list(regions: &[Region]) -> String {
    match regions {
        [one] => one.to_string(),
        many if many.len() > 4 => format!("{} regions", many.len()),
        many => many.iter().map(Region::as_str).collect::<Vec<_>>().join(", "),
    }
}

/// Asks the person at the terminal to type `expected` to go ahead. Without a
/// terminal on stdin, refuses unless `--yes` was given.
pub fn confirm(out: &mut Output, yes: bool, question: &str, expected: &str) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !io::stdin().is_terminal() {
        return Err(Error::Refused {
            message: "refusing to change anything without confirmation: stdin is not a terminal".into(),
            hint: Some("pass `--yes` to confirm, or `--dry-run` to see the plan".into()),
        });
    }
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
