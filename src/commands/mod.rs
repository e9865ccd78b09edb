//! One file per verb; each orchestrates: parse is done (cli), rules live in
//! `domain`, AWS calls in `aws`, printing in `output`. Shared here: loading
//! AWS settings from the global flags and resolving a PROFILE argument.

pub mod completions;
pub mod cost;
pub mod cost_tags;
pub mod create;
pub mod dashboard;
pub mod delete;
pub mod describe;
pub mod list;
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
        Command::Cost(args) => cost::run(args, g, out).await,
        Command::CostTags(args) => cost_tags::run(args, g, out).await,
        Command::Completions(args) => completions::run(&args, out),
    }
}

/// AWS settings from the global flags (for global services such as Cost
/// Explorer, which need no region choice).
pub async fn load(g: &GlobalArgs) -> Aws {
    Aws::load(&Settings {
        profile: g.aws_profile.clone(),
        endpoint_url: g.endpoint_url.clone(),
        max_attempts: g.max_attempts,
        timeout: Duration::from_secs(g.timeout),
        concurrency: usize::from(g.concurrency),
    })
    .await
}

/// AWS settings and the chosen regions.
pub async fn connect(g: &GlobalArgs) -> Result<(Aws, Vec<Region>)> {
    let aws = load(g).await;
    let regions = aws.regions(&g.regions, g.all_regions)?;
    Ok((aws, regions))
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

/// Finds the one profile a PROFILE argument names, with its tags.
///
/// An ARN is looked up in its own region. A name or ID is matched against
/// the application profiles of every chosen region; a name found in two
/// regions is an error that lists both ARNs.
pub async fn resolve(aws: &Aws, regions: &[Region], reference: &ProfileRef) -> Result<Profile> {
    let mut found = match reference {
        ProfileRef::Arn(arn) => {
            let region: Region = arn.region.parse()?;
            let b = aws.bedrock(&region);
            let p = b.get_profile(&arn.to_string()).await?;
            p.into_iter().collect::<Vec<_>>()
        }
        ProfileRef::IdOrName(_) => {
            let lists: Vec<Vec<Profile>> = stream::iter(regions.iter().map(|r| {
                let b = aws.bedrock(r);
                async move { b.list_profiles().await }
            }))
            .buffer_unordered(aws.concurrency)
            .try_collect()
            .await?;
            lists
                .into_iter()
                .flatten()
                .filter(|p| reference.matches(p))
                .collect()
        }
    };
    match found.len() {
        0 => Err(Error::ProfileNotFound {
            reference: reference.to_string(),
            regions: match reference {
                ProfileRef::Arn(a) => a.region.clone(),
                ProfileRef::IdOrName(_) => region_list(regions),
            },
        }),
        1 => {
            let mut p = found.remove(0);
            p.tags = aws.bedrock(&p.region).tags(&p.arn).await?;
            Ok(p)
        }
        _ => {
            crate::aws::bedrock::sort_profiles(&mut found);
            Err(Error::AmbiguousProfile {
                name: reference.to_string(),
                arns: found.into_iter().map(|p| p.arn).collect(),
            })
        }
    }
}

/// Refuses at once when no one can confirm (no `--yes`, no terminal on
/// stdin), so a change that would be refused costs no request.
pub fn ensure_confirmable(yes: bool) -> Result<()> {
    if yes || io::stdin().is_terminal() {
        return Ok(());
    }
    Err(Error::Refused {
        message: "refusing to change anything without confirmation: stdin is not a terminal".into(),
        hint: Some("pass `--yes` to confirm, or `--dry-run` to see the plan".into()),
    })
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
    ensure_confirmable(yes)?;
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
