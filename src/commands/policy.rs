//! `aipctl policy invoke|operator|read-only|stepfunctions|require-profile`:
//! least-privilege IAM documents, and the guard that keeps traffic on
//! application profiles.
//!
//! `invoke` and `stepfunctions` read the profiles (with their tags) and
//! build the policy from each profile's own `models[]`; the system profile
//! a profile copies comes from its `aipctl:source` tag or, for profiles made
//! elsewhere, from the system-profile catalog of its region. `operator`,
//! `read-only` and `require-profile` print the files in `policies/` and make
//! no AWS request.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use futures::{StreamExt, TryStreamExt, stream};

use super::shared::accounts::Fleet;
use super::shared::select::{region_list, resolve, resolve_in_fleet, select};
use super::shared::session::{connect, connect_fleet};

use crate::cli::{GlobalArgs, InvokePolicyArgs, PolicyArgs, PolicyCommand, StepFunctionsArgs};
use crate::domain::account::AccountId;
use crate::domain::filter::ProfileFilter;
use crate::domain::iam::{self, CatalogEntry, CopiedFrom, InvokeTarget, Shipped};
use crate::domain::profile::{BedrockArn, Profile};
use crate::domain::region::Region;
use crate::domain::tag::TagFilter;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::output::policy::DocumentFormat;
use crate::output::policy::{self as render, Names};

/// IAM allows 1,000 characters in a policy or role description.
const DESCRIPTION_MAX: usize = 1_000;

pub async fn run(args: PolicyArgs, g: &GlobalArgs, now: jiff::Timestamp, out: &mut Output) -> Result<()> {
    // A policy is a document, not rows: only its own formats (`--format`) print it.
    super::shared::session::document_output(
        g,
        "a policy is a document",
        "choose its form with `--format json|terraform|cloudformation`",
    )?;
    if !matches!(args.command, PolicyCommand::Invoke(_)) {
        super::shared::session::single_account(g, "policy")?;
    }
    match args.command {
        PolicyCommand::Operator(a) => shipped(Shipped::Operator, a.format, out),
        PolicyCommand::ReadOnly(a) => shipped(Shipped::ReadOnly, a.format, out),
        PolicyCommand::RequireProfile(a) if a.scp => {
            let which = Shipped::RequireProfile;
            out.raw(&render::service_control_policy(
                &which.document(),
                Some(which.bytes()),
                shipped_names(which),
                "aipctl-require-profile",
                a.format.format,
            ))
        }
        PolicyCommand::RequireProfile(a) => shipped(Shipped::RequireProfile, a.format.format, out),
        PolicyCommand::Invoke(a) => invoke(a, g, now, out).await,
        PolicyCommand::Stepfunctions(a) => stepfunctions(a, g, out).await,
    }
}

fn shipped_names(which: Shipped) -> Names<'static> {
    let (terraform, cloudformation) = match which {
        Shipped::Operator => ("aipctl_operator", "AipctlOperatorPolicy"),
        Shipped::ReadOnly => ("aipctl_read_only", "AipctlReadOnlyPolicy"),
        Shipped::RequireProfile => ("aipctl_require_profile", "AipctlRequireProfilePolicy"),
    };
    Names {
        terraform,
        cloudformation,
        description: which.description(),
    }
}

fn shipped(which: Shipped, format: DocumentFormat, out: &mut Output) -> Result<()> {
    out.raw(&render::policy(
        &which.document(),
        Some(which.bytes()),
        shipped_names(which),
        format,
    ))
}

async fn invoke(
    args: InvokePolicyArgs,
    g: &GlobalArgs,
    now: jiff::Timestamp,
    out: &mut Output,
) -> Result<()> {
    let (_, regions, mut fleet) = connect_fleet(g, out).await?;
    let profiles = if args.profiles.is_empty() {
        let filter = ProfileFilter {
            tags: args.tags,
            ..ProfileFilter::default()
        };
        // A policy for some regions would look whole: all or nothing.
        let selection = select(&mut fleet, &regions, &filter, now, g, out).await?;
        selection.failures.finish()?;
        let found: Vec<Profile> = selection.profiles;
        if found.is_empty() {
            let wanted: Vec<String> = filter
                .tags
                .iter()
                .map(|t| match t {
                    TagFilter::Equals(k, v) => format!("`{k}={}`", v.as_str()),
                    TagFilter::Present(k) => format!("`{k}`"),
                })
                .collect();
            return Err(Error::NoProfileMatches {
                filter: format!(
                    "{} {}",
                    if wanted.len() == 1 { "tag" } else { "tags" },
                    wanted.join(" and ")
                ),
                regions: region_list(&regions),
            });
        }
        found
    } else {
        fleet.enter().await?;
        fleet.take_failures().finish()?;
        let mut found: Vec<Profile> = Vec::new();
        for r in &args.profiles {
            let p = resolve_in_fleet(&fleet, &regions, r).await?;
            if !found.iter().any(|f| f.arn == p.arn) {
                found.push(p);
            }
        }
        found
    };
    let targets = targets(&fleet, &profiles, out).await?;
    let doc = iam::invoke_policy(&targets, iam::INVOKE_ACTIONS);
    warn_if_too_large(&doc, out);
    let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
    let description = describe(
        if names.len() == 1 {
            "Invoke Amazon Bedrock models through the application inference profile"
        } else {
            "Invoke Amazon Bedrock models through the application inference profiles"
        },
        &names,
    );
    let names = Names {
        terraform: "aipctl_invoke",
        cloudformation: "AipctlInvokePolicy",
        description: &description,
    };
    out.raw(&render::policy(&doc, None, names, args.format.format))
}

async fn stepfunctions(args: StepFunctionsArgs, g: &GlobalArgs, out: &mut Output) -> Result<()> {
    let (aws, regions) = connect(g).await?;
    let profile = resolve(&aws, &regions, &args.profile).await?;
    InvokeTarget::new(&profile, None)?;
    let machine = iam::stepfunctions_machine(&profile, args.max_tokens)?;
    let target = targets(&Fleet::single(&aws), std::slice::from_ref(&profile), out).await?;
    // The optimized integration calls InvokeModel only; it never streams.
    let role_policy = iam::invoke_policy(&target, &[iam::INVOKE_MODEL]);
    let account = BedrockArn::parse(&profile.arn)
        .map(|a| a.account)
        .unwrap_or_default();
    let trust = iam::stepfunctions_trust_policy(&account);
    let description = describe(
        "Step Functions invoking Amazon Bedrock through the application inference profile",
        &[profile.name.as_str()],
    );
    out.raw(&render::stepfunctions(
        &machine,
        &role_policy,
        &trust,
        &description,
        args.format.format,
    ))
}

/// Each profile as an invoke target: models checked first (no request for
/// a profile that cannot be invoked), then the system profile it copies,
/// looked up once per region for profiles whose source was not recorded.
async fn targets(fleet: &Fleet, profiles: &[Profile], out: &mut Output) -> Result<Vec<InvokeTarget>> {
    for p in profiles {
        InvokeTarget::new(p, None)?;
    }
    let sources: Vec<CopiedFrom> = profiles.iter().map(iam::source_of).collect();
    // System-defined profiles' ARNs name the account: each account's own catalog.
    let account_of = |p: &Profile| p.account.as_ref().map(|a| a.id.clone());
    let lookup: BTreeSet<(Option<AccountId>, &Region)> = profiles
        .iter()
        .zip(&sources)
        .filter(|(_, s)| **s == CopiedFrom::Unrecorded)
        .map(|(p, _)| (account_of(p), &p.region))
        .collect();
    let catalogs: BTreeMap<(Option<AccountId>, &Region), Vec<crate::domain::model::SystemProfile>> =
        stream::iter(lookup.into_iter().map(|(account, r)| {
            let m = fleet
                .members()
                .iter()
                .find(|m| m.account.as_ref().map(|a| a.id.clone()) == account);
            let b = m.map_or(&fleet.members()[0].aws, |m| &m.aws).bedrock(r);
            async move { Ok::<_, Error>(((account, r), b.system_profiles().await?)) }
        }))
        .buffer_unordered(fleet.members()[0].aws.concurrency)
        .try_collect()
        .await?;
    let mut targets = Vec::with_capacity(profiles.len());
    for (p, source) in profiles.iter().zip(sources) {
        let system = match source {
            CopiedFrom::FoundationModel => None,
            CopiedFrom::SystemProfile(arn) => Some(arn),
            CopiedFrom::Unrecorded => {
                let catalog: Vec<CatalogEntry<'_>> = catalogs
                    .get(&(account_of(p), &p.region))
                    .map(|c| {
                        c.iter()
                            .map(|s| CatalogEntry {
                                arn: &s.arn,
                                model_arns: &s.model_arns,
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let matched = iam::match_system_profile(p, &catalog);
                if matched.is_none() {
                    let pattern = iam::system_profile_pattern(p);
                    out.warn(&format!(
                        "profile `{}` routes across regions, but no system-defined profile in {} serves its routes; allowing {}",
                        p.name,
                        p.region,
                        pattern.as_deref().unwrap_or("no system profile")
                    ));
                    pattern
                } else {
                    matched
                }
            }
        };
        targets.push(InvokeTarget::new(p, system)?);
    }
    Ok(targets)
}

fn warn_if_too_large(doc: &iam::Document, out: &mut Output) {
    let size = doc.size_chars();
    if size > iam::MANAGED_POLICY_MAX_CHARS {
        out.warn(&format!(
            "the policy has {size} characters without whitespace; a managed policy may have {}: split the profiles over several policies",
            iam::MANAGED_POLICY_MAX_CHARS
        ));
    }
}

/// `what a, b, c`, cut to IAM's description limit with `and N more`.
fn describe(what: &str, names: &[&str]) -> String {
    let mut text = what.to_owned();
    for (i, name) in names.iter().enumerate() {
        let sep = if i == 0 { " " } else { ", " };
        let after = names.len() - i - 1;
        let tail = if after > 0 {
            format!(" and {after} more").len()
        } else {
            0
        };
        if text.len() + sep.len() + name.len() + tail > DESCRIPTION_MAX {
            let _ = write!(text, " and {} more", names.len() - i);
            break;
        }
        text.push_str(sep);
        text.push_str(name);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_list_the_profiles_within_the_iam_limit() {
        assert_eq!(describe("Invoke through", &["a", "b"]), "Invoke through a, b");
        let many: Vec<String> = (0..200).map(|i| format!("profile-{i:03}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let text = describe("Invoke through", &refs);
        assert!(text.len() <= DESCRIPTION_MAX, "{}", text.len());
        assert!(
            text.starts_with("Invoke through profile-000, profile-001"),
            "{text}"
        );
        let (listed, more) = text.rsplit_once(" and ").unwrap();
        let shown = listed.matches("profile-").count();
        assert_eq!(more, format!("{} more", 200 - shown));
    }
}
