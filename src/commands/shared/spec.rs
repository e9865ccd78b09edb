//! What `plan` and `apply` share: reading a spec (checked whole, exit 2
//! with file, line and field), the regions and accounts it covers, and the
//! plan made by reading each account and diffing it against the spec's
//! entries there (profiles here, budgets and anomaly alerts, which stay in
//! the caller's account, through [`super::alerts`]).

use std::collections::BTreeMap;
use std::path::Path;

use futures::{StreamExt, TryStreamExt, stream};

use super::accounts::{self, Failures, Fleet};
use super::provision::{ModelSource, resolve_source};
use crate::aws::Aws;
use crate::aws::listing::Query;
use crate::cli::GlobalArgs;
use crate::domain::account::AccountId;
use crate::domain::plan::{self, Alerts, Clash, Desired, Plan, SavedPlan};
use crate::domain::profile::ModelRef;
use crate::domain::profile::Profile;
use crate::domain::region::{BEDROCK_REGIONS, Region};
use crate::domain::spec::{self, Entry, Spec, SpecError};
use crate::error::{Error, Result, SpecErrors};
use crate::output::{Output, plural};

const SPEC_HINT: &str = "the spec format is described in the README, section `Provisioning from a spec`";

/// Reads and checks a spec file; every problem is an exit-2 error naming
/// the file, line and field.
pub fn read_spec(path: &Path) -> Result<Spec> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Usage {
        message: format!("cannot read the spec `{}`: {e}", path.display()),
        hint: None,
    })?;
    spec::parse(&text).map_err(|errors| Error::Spec {
        errors: SpecErrors {
            file: path.display().to_string(),
            errors,
        },
        hint: Some(SPEC_HINT.into()),
    })
}

/// The regions to read: `--all-regions`, the `--region` list, or every
/// region the spec names. Entries in other regions are left out, said once.
pub fn regions(g: &GlobalArgs, spec: &Spec, out: &mut Output) -> Vec<Region> {
    let chosen: Vec<Region> = if g.all_regions {
        BEDROCK_REGIONS
            .iter()
            .map(|r| r.parse().expect("valid built-in region"))
            .collect()
    } else if g.regions.is_empty() {
        spec.regions.clone()
    } else {
        let mut v = g.regions.clone();
        v.sort();
        v.dedup();
        v
    };
    let left_out: Vec<&Entry> = spec
        .entries
        .iter()
        .filter(|e| !chosen.contains(&e.region))
        .collect();
    if !left_out.is_empty() {
        let mut rs: Vec<&str> = left_out.iter().map(|e| e.region.as_str()).collect();
        rs.dedup();
        out.warn(&format!(
            "{} of the spec {} in regions not read ({}); left out of this plan",
            plural(left_out.len(), "profile"),
            if left_out.len() == 1 { "is" } else { "are" },
            rs.join(", ")
        ));
    }
    chosen
}

/// The accounts a spec's plan reads: the caller's alone when the spec names
/// none (and then `--accounts` is refused: it would not apply), else the
/// caller's and those the spec names, or those `--accounts` chooses
/// ([`accounts::open_named`]); none entered yet.
pub async fn open_accounts(aws: &Aws, g: &GlobalArgs, spec: &Spec, out: &mut Output) -> Result<Fleet> {
    if spec.accounts.is_empty() {
        return Ok(Fleet::single(aws));
    }
    out.stage("reading the accounts");
    accounts::open_named(aws, g, &spec.accounts, out).await
}

/// Refuses, before any request, account flags a spec gives no meaning to:
/// `--accounts` or `--accounts-file` when it names no accounts (its
/// profiles are the caller's), and the flags that choose or enter accounts
/// when no account is read.
pub fn check_account_flags(g: &GlobalArgs, spec: &Spec, file: &Path) -> Result<()> {
    if g.org.is_multi() && spec.accounts.is_empty() {
        return Err(Error::Usage {
            message: format!(
                "the spec `{}` names no accounts: its profiles are in the caller's account, so `--accounts` and \
                 `--accounts-file` do not apply",
                file.display()
            ),
            hint: Some(
                "give a team (or `[defaults]`) `accounts = [\"ID\", …]` to provision in other accounts, or leave \
                 the flag out"
                    .into(),
            ),
        });
    }
    super::session::entry_flags_need_accounts(g, !spec.accounts.is_empty())
}

/// Reads every account of `fleet` (each as soon as it is entered) and
/// diffs it against the spec's entries there; the spec's budgets and
/// anomaly alerts are planned in the caller's account when it is read.
/// Accounts that could not be entered or read are returned as failures
/// (named; the command exits 1 after doing the rest); any input error is
/// the error.
pub async fn make(
    aws: &Aws,
    fleet: &mut Fleet,
    spec: &Spec,
    file: &Path,
    regions: &[Region],
    now: jiff::Timestamp,
    out: &mut Output,
) -> Result<(SavedPlan, Failures)> {
    let first = regions.first().ok_or_else(|| Error::usage("no region to read"))?;
    let multi = fleet.multi;
    let known_caller = fleet.caller.clone();
    // Entries by the account they are in: the caller's (`None`) is named in a
    // multi-account run.
    let account_of = |e: &Entry| -> Option<AccountId> { e.account.clone().or_else(|| known_caller.clone()) };
    let chosen = fleet.chosen();
    left_out_accounts(spec, regions, &chosen, &account_of, out);
    let entries_in = |id: Option<&AccountId>, rs: &[Region]| -> Vec<&Entry> {
        spec.entries
            .iter()
            .filter(|e| rs.contains(&e.region) && account_of(e).as_ref() == id)
            .collect()
    };
    let (caller, read) = tokio::join!(
        async {
            match &known_caller {
                Some(c) => Ok(c.to_string()),
                None => aws.account_id(first).await,
            }
        },
        fleet.run_each(|m| {
            let mine = entries_in(m.id(), m.regions(regions));
            async move {
                let rs = m.regions(regions);
                let (listing, sources) = tokio::join!(
                    m.aws.profiles_by_region(rs, Query::every()),
                    resolve_all(&m.aws, &mine, file)
                );
                let mut profiles = Vec::new();
                for (_, listed) in listing.regions {
                    profiles.extend(listed?);
                }
                m.stamp(&mut profiles);
                Ok::<_, Error>((profiles, sources?))
            }
        })
    );
    let caller = caller?;
    let mut failures = fleet.take_failures();
    let mut plans = Vec::new();
    let mut read_accounts: Vec<AccountId> = Vec::new();
    let mut caller_read = !multi;
    let mut unread: Vec<usize> = Vec::new();
    for (i, answer) in read {
        let m = &fleet.members()[i];
        let (actual, sources): (Vec<Profile>, _) = match answer {
            Ok(r) => r,
            // A spec error (a model the region does not offer) is the spec's, not the account's.
            Err(e @ (Error::Spec { .. } | Error::Usage { .. })) => return Err(e),
            Err(e) => {
                failures.member(m, e)?;
                unread.push(i);
                continue;
            }
        };
        let mine = entries_in(m.id(), m.regions(regions));
        same_name_twice(&mine, file)?;
        let desired: Vec<Desired> = mine
            .iter()
            .map(|e| {
                let s = &sources[&(e.region.clone(), e.source.to_string())];
                let mut d = Desired::new(e, &spec.name, s.arn.clone(), s.routes.clone());
                d.account = m.id().cloned();
                d
            })
            .collect();
        let plan = plan::diff(&spec.name, &desired, &actual)
            .map_err(|clashes| clash_error(&spec.name, &mine, &clashes, file))?;
        plans.push(match m.id() {
            Some(id) => {
                read_accounts.push(id.clone());
                caller_read |= id.as_str() == caller;
                plan.in_account(id)
            }
            None => plan,
        });
    }
    fleet.drop_members(&unread);
    let plan = Plan::merge(plans);
    let alerts = if caller_read {
        let read = Box::pin(super::alerts::read(aws, spec, &caller, now, out)).await?;
        super::alerts::plan(spec, &read, &file.display().to_string())?
    } else {
        if spec.declares_budgets || spec.declares_anomalies {
            out.warn(&format!(
                "the spec's budgets and anomaly alerts are in the caller's account {caller}, which this run does not \
                 read; they are left out of this plan"
            ));
        }
        Alerts::default()
    };
    Ok((
        SavedPlan::new(&spec.name, &plan, &alerts, &caller, regions, &read_accounts),
        failures,
    ))
}

/// Refuses two entries with one name in one region of an account: the spec
/// checks names per account it names, but a team that names the caller's
/// own account by its ID shares it with the teams that name none.
fn same_name_twice(entries: &[&Entry], file: &Path) -> Result<()> {
    for (i, e) in entries.iter().enumerate() {
        if let Some(other) = entries[..i]
            .iter()
            .find(|o| o.region == e.region && o.name == e.name)
        {
            return Err(Error::Spec {
                errors: SpecErrors {
                    file: file.display().to_string(),
                    errors: vec![SpecError {
                        at: e.name_at.clone(),
                        message: format!(
                            "team `{}` and team `{}` both get the name `{}` in {} of the caller's account (named \
                             by its ID in one, implied in the other)",
                            e.team, other.team, e.name, e.region
                        ),
                    }],
                },
                hint: Some("give one of them another name, or name the account the same way in both".into()),
            });
        }
    }
    Ok(())
}

/// Warns, once, of the spec's profiles in accounts this run does not read
/// (left out by `--accounts` or `--exclude-accounts`), or in regions the
/// accounts file does not give their account.
fn left_out_accounts(
    spec: &Spec,
    regions: &[Region],
    chosen: &[(Option<AccountId>, Option<Vec<Region>>)],
    account_of: &dyn Fn(&Entry) -> Option<AccountId>,
    out: &mut Output,
) {
    let mut missing: Vec<String> = Vec::new();
    let mut count = 0;
    for e in spec.entries.iter().filter(|e| regions.contains(&e.region)) {
        let id = account_of(e);
        let label = match chosen.iter().find(|(a, _)| *a == id) {
            Some((_, None)) => continue,
            Some((_, Some(own))) if own.contains(&e.region) => continue,
            Some((_, Some(_))) => format!("{} of {}", e.region, id.as_ref().map_or("", AccountId::as_str)),
            None => id.map_or_else(|| "the caller's".to_owned(), |a| a.to_string()),
        };
        count += 1;
        if !missing.contains(&label) {
            missing.push(label);
        }
    }
    if count > 0 {
        out.warn(&format!(
            "{} of the spec {} in accounts or regions not read ({}); left out of this plan",
            plural(count, "profile"),
            if count == 1 { "is" } else { "are" },
            missing.join(", ")
        ));
    }
}

/// Names this spec wants that another spec's profiles have: an input error
/// (exit 2) at the line the name comes from. Adopting the profile would take
/// it from the other spec, whose next apply would take it back.
fn clash_error(spec: &str, entries: &[&Entry], clashes: &[Clash], file: &Path) -> Error {
    let errors = clashes
        .iter()
        .map(|c| SpecError {
            at: entries[c.desired].name_at.clone(),
            message: format!(
                "the name `{}` in {} is a profile of spec `{}` ({}); spec `{spec}` cannot manage it too",
                c.name, c.region, c.other_spec, c.arn
            ),
        })
        .collect();
    Error::Spec {
        errors: SpecErrors {
            file: file.display().to_string(),
            errors,
        },
        hint: Some(
            "give the entry another name in this spec, or remove it from the other spec and apply that one first"
                .into(),
        ),
    }
}

/// Each distinct (region, model) resolved once, concurrently. A model a
/// region does not offer is an input error at the line that names it.
async fn resolve_all(
    aws: &Aws,
    entries: &[&Entry],
    file: &Path,
) -> Result<BTreeMap<(Region, String), ModelSource>> {
    let mut distinct: BTreeMap<(Region, String), &Entry> = BTreeMap::new();
    for e in entries {
        distinct
            .entry((e.region.clone(), e.source.to_string()))
            .or_insert(e);
    }
    stream::iter(distinct.into_iter().map(|(key, e)| {
        let b = aws.bedrock(&e.region);
        let model: ModelRef = e.source.clone();
        async move {
            match resolve_source(&b, &model).await {
                Ok(s) => Ok((key, s)),
                // `create`'s hints name its flags; here the place to fix is the spec line.
                Err(Error::Usage { message, .. }) => Err(Error::Spec {
                    errors: SpecErrors {
                        file: file.display().to_string(),
                        errors: vec![SpecError {
                            at: e.source_at.clone(),
                            message,
                        }],
                    },
                    hint: Some(format!(
                        "give model `{}` a foundation model or system-defined profile that {} offers",
                        e.model, e.region
                    )),
                }),
                Err(other) => Err(other),
            }
        }
    }))
    .buffer_unordered(aws.concurrency)
    .try_collect()
    .await
}
