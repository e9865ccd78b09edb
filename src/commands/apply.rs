//! `aipctl apply -f SPEC | --plan FILE`: makes the account match a spec.
//!
//! The plan is made as `aipctl plan` makes it (or read from a saved plan,
//! after checking that nothing it touches has changed since: the account,
//! and each affected profile's ARN and tags), shown on stderr, then:
//! replacements are refused (exit 3) without `--allow-replace`; orphans are
//! deleted only with `--prune`, never when protected; a terminal is asked to
//! type `yes`, and without one aipctl refuses (exit 3) unless `--yes`.
//!
//! Budgets and anomaly alerts follow the same rules (their orphans only with
//! `--prune`) and run after the profiles, through `shared::alerts`.
//!
//! Changes run with bounded concurrency. Creation uses a request token
//! derived from the request, so a retry or a re-run lands on the same
//! profile; a replacement with the same name deletes first (AWS refuses two
//! profiles of one name), a renamed one creates first. A failure is reported
//! per profile, the others go on, and the command exits 1; running it again
//! finishes the job, because the next plan starts from what exists.

use std::path::Path;

use futures::{StreamExt, stream};

use super::shared::accounts::{self, Failures, Fleet};
use super::shared::alerts;
use super::shared::confirm::confirm;
use super::shared::provision::create_profile;
use super::shared::session::{entry_flags_need_accounts, load};
use super::shared::spec::{check_account_flags, make, open_accounts, read_spec, regions};
use crate::aws::Aws;
use crate::aws::Deleted;
use crate::aws::bedrock::Bedrock;
use crate::aws::listing::Query;
use crate::cli::{ApplyArgs, GlobalArgs};
use crate::domain::account::AccountId;
use crate::domain::outcome::Outcome;
use crate::domain::plan::{Change, Desired, PLAN_FORMAT, PLAN_FORMAT_ONE_ACCOUNT, SavedPlan};
use crate::domain::profile::Profile;
use crate::domain::region::Region;
use crate::domain::tag::{TagChange, Tags};
use crate::error::{Error, Result};
use crate::output::plan::{PlanView, summary_line};
use crate::output::profiles::{OutcomeRow, OutcomeRows};
use crate::output::{AccountCols, Format, Output, View, plural};

pub async fn run(args: ApplyArgs, g: &GlobalArgs, now: jiff::Timestamp, out: &mut Output) -> Result<()> {
    let (aws, fleet, mut made, failures) = obtain(&args, g, now, out).await?;
    // Only what can be reached runs: the changes of accounts that could not
    // be entered (or read) are left for the next run, and named at the end.
    let caller = made.fingerprint.account.clone();
    if fleet.multi {
        made.changes.retain(|c| fleet.member(c.account()).is_some());
        if !fleet
            .members()
            .iter()
            .any(|m| m.id().is_some_and(|a| a.as_str() == caller))
        {
            made.budgets.clear();
            made.anomalies.clear();
        }
    }

    if made.has_changes() {
        out.note_table(&PlanView { file: &made }.table());
    }
    out.note(&summary_line(&made.summary));

    let (todo, mut outcomes) = admit(made.changes, &args)?;
    let orphan_budget =
        |c: &&crate::domain::budget::Change| matches!(c, crate::domain::budget::Change::Orphan { .. });
    let orphan_alert =
        |c: &&crate::domain::anomaly::Change| matches!(c, crate::domain::anomaly::Change::Orphan { .. });
    let budgets: Vec<_> = made
        .budgets
        .iter()
        .filter(|c| args.prune || !orphan_budget(c))
        .cloned()
        .collect();
    let anomalies: Vec<_> = made
        .anomalies
        .iter()
        .filter(|c| args.prune || !orphan_alert(c))
        .cloned()
        .collect();
    if !args.prune {
        outcomes.extend(alerts::kept(&made.budgets, &made.anomalies));
    }
    let count = todo.len() + budgets.len() + anomalies.len();
    if count == 0 {
        name_accounts(&fleet, &caller, &mut outcomes);
        if !outcomes.is_empty() || out.format != Format::Table {
            out.data(&OutcomeRows(&outcomes))?;
        }
        out.note("nothing to do");
        return failures.finish();
    }

    confirm(
        out,
        g.yes,
        &format!(
            "Apply {} of spec `{}` in {}?",
            plural(count, "change"),
            made.spec,
            where_(&fleet, &caller)
        ),
        &count.to_string(),
        "`aipctl plan` to see the plan without changing anything",
    )?;

    let total = count;
    outcomes.extend(execute(&fleet, todo, now, out).await);
    outcomes.extend(alerts::execute(&aws, &caller, &budgets, &anomalies).await);
    name_accounts(&fleet, &caller, &mut outcomes);
    outcomes.sort_by(|a, b| {
        let key = |o: &OutcomeRow| (o.account.as_ref().map(|a| a.account.clone()), o.region.clone());
        (key(a), &a.name, &a.arn, &a.error).cmp(&(key(b), &b.name, &b.arn, &b.error))
    });
    let failed = outcomes.iter().filter(|o| o.result.is_failure()).count();
    out.data(&OutcomeRows(&outcomes))?;
    if !failures.is_empty() {
        if failed > 0 {
            out.warn(&format!("{failed} of {} failed", plural(total, "change")));
        }
        return failures.finish();
    }
    if failed > 0 {
        return Err(Error::Partial {
            failed,
            total,
            what: "changes",
        });
    }
    Ok(())
}

/// The plan to apply: made from the spec (`-f`), or read from a saved plan
/// (`--plan`) and checked against the accounts; with the accounts it covers
/// and those that could not be entered or read.
async fn obtain(
    args: &ApplyArgs,
    g: &GlobalArgs,
    now: jiff::Timestamp,
    out: &mut Output,
) -> Result<(Aws, Fleet, SavedPlan, Failures)> {
    match (&args.file, &args.plan) {
        (Some(path), _) => {
            let spec = read_spec(path)?;
            check_account_flags(g, &spec, path)?;
            let aws = load(g).await?;
            let regions = regions(g, &spec, out);
            let mut fleet = open_accounts(&aws, g, &spec, out).await?;
            let (made, failures) = Box::pin(make(&aws, &mut fleet, &spec, path, &regions, now, out)).await?;
            Ok((aws, fleet, made, failures))
        }
        (None, Some(path)) => {
            refuse_choices(g, path)?;
            let saved = read_plan(path)?;
            if !saved.is_multi_account() {
                entry_flags_need_accounts(g, false)?;
            }
            let aws = load(g).await?;
            let (fleet, failures) = check_unchanged(&aws, g, &saved, path).await?;
            Ok((aws, fleet, saved, failures))
        }
        (None, None) => Err(Error::usage(
            "give a spec with `-f SPEC` or a saved plan with `--plan FILE`",
        )),
    }
}

/// `account 123456789012`, or `3 accounts: 123456789012, …` across several.
fn where_(fleet: &Fleet, caller: &str) -> String {
    if !fleet.multi {
        return format!("account {caller}");
    }
    let labels: Vec<String> = fleet.members().iter().map(accounts::Member::label).collect();
    format!("{}: {}", plural(labels.len(), "account"), labels.join(", "))
}

/// Names the account of every outcome across accounts (budgets and alerts
/// are the caller's).
fn name_accounts(fleet: &Fleet, caller: &str, outcomes: &mut [OutcomeRow]) {
    if !fleet.multi {
        return;
    }
    for o in outcomes.iter_mut().filter(|o| o.account.is_none()) {
        o.account = Some(AccountCols {
            account: caller.to_owned(),
            account_name: fleet
                .members()
                .iter()
                .find(|m| m.id().is_some_and(|a| a.as_str() == caller))
                .and_then(|m| m.account.as_ref()?.name.clone()),
        });
    }
}

/// A saved plan names its own regions and accounts: refuses, before any
/// request, the flags that would choose others.
fn refuse_choices(g: &GlobalArgs, path: &Path) -> Result<()> {
    let mut given: Vec<&str> = Vec::new();
    if g.all_regions {
        given.push("`--all-regions`");
    }
    if !g.regions.is_empty() {
        given.push("`--region`");
    }
    if !g.org.accounts.is_empty() {
        given.push("`--accounts`");
    }
    if g.org.accounts_file.is_some() {
        given.push("`--accounts-file`");
    }
    if !g.org.exclude_accounts.is_empty() {
        given.push("`--exclude-accounts`");
    }
    if given.is_empty() {
        return Ok(());
    }
    Err(Error::Usage {
        message: format!(
            "a saved plan names its own regions and accounts; {} {} not apply",
            given.join(" and "),
            if given.len() == 1 { "does" } else { "do" }
        ),
        hint: Some(format!(
            "run `aipctl apply --plan {}` without {}",
            path.display(),
            if given.len() == 1 { "it" } else { "them" }
        )),
    })
}

/// Splits the plan into what runs and what is held back: replacements are
/// refused without `--allow-replace` (exit 3, before any write); orphans are
/// kept without `--prune`, and protected ones always.
fn admit(changes: Vec<Change>, args: &ApplyArgs) -> Result<(Vec<Change>, Vec<OutcomeRow>)> {
    let replaced: Vec<String> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Replace { arn, .. } => Some(format!("`{}` in {} ({arn})", c.name(), c.region())),
            _ => None,
        })
        .collect();
    if !replaced.is_empty() && !args.allow_replace {
        return Err(Error::Refused {
            message: format!(
                "the plan replaces {}, which gives {} a new ARN: {}; nothing was changed",
                plural(replaced.len(), "profile"),
                if replaced.len() == 1 { "it" } else { "them" },
                replaced.join(", ")
            ),
            hint: Some(
                "pass `--allow-replace` (callers must then use the new ARNs), or change the spec back".into(),
            ),
        });
    }

    let mut outcomes = Vec::new();
    let mut todo = Vec::new();
    for c in changes {
        match &c {
            Change::Orphan { protected: true, .. } => outcomes.push(outcome(
                &c,
                Outcome::Protected,
                c.region(),
                Some("orphan tagged aipctl:protect=true; never deleted".into()),
            )),
            Change::Orphan { .. } if !args.prune => outcomes.push(outcome(
                &c,
                Outcome::Kept,
                c.region(),
                Some("orphan; pass `--prune` to delete it".into()),
            )),
            _ => todo.push(c),
        }
    }
    Ok((todo, outcomes))
}

/// A saved plan, checked for its format and for edits (exit 2 otherwise).
fn read_plan(path: &Path) -> Result<SavedPlan> {
    let bad = |why: String| Error::Usage {
        message: format!("`{}` {why}", path.display()),
        hint: Some("make one with `aipctl plan -f SPEC --out FILE`".into()),
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot be read: {e}")))?;
    let file: SavedPlan = serde_json::from_str(&text)
        .map_err(|e| bad(format!("is not a plan written by `aipctl plan --out`: {e}")))?;
    if !file.format_is_known() {
        return Err(bad(format!(
            "is a plan of format `{}`; this aipctl reads `{PLAN_FORMAT_ONE_ACCOUNT}` (one account) and \
             `{PLAN_FORMAT}` (several)",
            file.format
        )));
    }
    if !file.fingerprint.is_intact() {
        return Err(bad(
            "was edited: its fingerprint does not match the account state it records".into(),
        ));
    }
    Ok(file)
}

/// Refuses (exit 1, listing what changed) when the caller's account is not
/// the one the plan was made by, or a profile it touches changed since.
/// Across accounts, each is entered again (through `--role-name`) and read;
/// one that cannot be is returned as a failure, its changes left out.
async fn check_unchanged(
    aws: &Aws,
    g: &GlobalArgs,
    saved: &SavedPlan,
    path: &Path,
) -> Result<(Fleet, Failures)> {
    let fp = &saved.fingerprint;
    let regions = &fp.regions;
    let first = regions
        .first()
        .ok_or_else(|| Error::usage(format!("`{}` names no region", path.display())))?;
    let (account, actual, fleet, failures) = if saved.is_multi_account() {
        let mut fleet = accounts::open_ids(aws, &g.org, &fp.accounts, false, &[]).await?;
        let read = fleet
            .run_each(|m| async move {
                let mut ps = m.aws.profiles_with_tags(regions, Query::every()).await?;
                m.stamp(&mut ps);
                Ok::<_, Error>(ps)
            })
            .await;
        let mut failures = fleet.take_failures();
        let mut actual: Vec<Profile> = Vec::new();
        let mut unread: Vec<usize> = Vec::new();
        for (i, r) in read {
            match r {
                Ok(ps) => actual.extend(ps),
                Err(e) => {
                    failures.member(&fleet.members()[i], e)?;
                    unread.push(i);
                }
            }
        }
        fleet.drop_members(&unread);
        let caller = fleet.caller.as_ref().map(ToString::to_string).unwrap_or_default();
        (caller, actual, fleet, failures)
    } else {
        let (account, actual) = tokio::try_join!(
            aws.account_id(first),
            aws.profiles_with_tags(regions, Query::every())
        )?;
        (account, actual, Fleet::single(aws), Failures::default())
    };
    let read: Vec<&AccountId> = fleet.members().iter().filter_map(|m| m.id()).collect();
    let unread: Vec<AccountId> = fp
        .accounts
        .iter()
        .filter(|a| !read.contains(a))
        .cloned()
        .collect();
    let mut changed = fp.changes_since(&account, &actual, &unread);
    let caller_read = !fleet.multi || read.iter().any(|a| a.as_str() == account);
    if account == fp.account && caller_read {
        changed.extend(alerts::changes_since(aws, &saved.spec, fp).await?);
    }
    if changed.is_empty() {
        return Ok((fleet, failures));
    }
    Err(Error::Conflict {
        message: format!(
            "the account changed since the plan in `{}` was made; nothing was changed:\n  - {}",
            path.display(),
            changed.join("\n  - ")
        ),
        hint: Some("make a new plan with `aipctl plan -f SPEC --out FILE` and review it".into()),
    })
}

fn outcome(c: &Change, result: Outcome, region: &Region, detail: Option<String>) -> OutcomeRow {
    let arn = match c {
        Change::Create { .. } => String::new(),
        Change::Retag { arn, .. } | Change::Replace { arn, .. } | Change::Orphan { arn, .. } => arn.clone(),
    };
    OutcomeRow {
        account: c.account().map(|a| AccountCols {
            account: a.to_string(),
            account_name: None,
        }),
        name: c.name().to_owned(),
        arn,
        region: region.to_string(),
        result,
        error: detail,
    }
}

/// Runs the changes, each in its account, with bounded concurrency.
async fn execute(
    fleet: &Fleet,
    todo: Vec<Change>,
    now: jiff::Timestamp,
    out: &mut Output,
) -> Vec<OutcomeRow> {
    let bar = out.progress(todo.len() as u64, "applying");
    let concurrency = fleet.members()[0].aws.concurrency;
    let results: Vec<OutcomeRow> = stream::iter(todo.into_iter().map(|c| {
        let m = fleet
            .member(c.account())
            .expect("changes of accounts not entered were left out");
        let b = m.aws.bedrock(c.region());
        let name = m.account.as_ref().and_then(|a| a.name.clone());
        let bar = bar.clone();
        async move {
            let mut o = execute_one(&b, &c, now).await;
            if let Some(a) = &mut o.account {
                a.account_name = name;
            }
            bar.inc(1);
            o
        }
    }))
    .buffer_unordered(concurrency)
    .collect()
    .await;
    bar.finish_and_clear();
    results
}

async fn execute_one(b: &Bedrock, c: &Change, now: jiff::Timestamp) -> OutcomeRow {
    let done = match c {
        Change::Create { desired } => create(b, desired, now)
            .await
            .map(|p| (p.arn.to_string(), Outcome::Created, None)),
        Change::Retag { arn, tag_changes, .. } => retag(b, arn, tag_changes)
            .await
            .map(|()| (arn.clone(), Outcome::Retagged, None)),
        Change::Replace {
            arn,
            current_name,
            desired,
            ..
        } => replace(b, arn, current_name, desired, now)
            .await
            .map(|p| (p.arn.to_string(), Outcome::Replaced, Some(format!("was {arn}")))),
        Change::Orphan { arn, .. } => b.delete_profile(arn).await.map(|d| {
            let result = match d {
                Deleted::Now => Outcome::Deleted,
                Deleted::AlreadyGone => Outcome::AlreadyGone,
            };
            (arn.clone(), result, None)
        }),
    };
    match done {
        Ok((arn, result, detail)) => {
            let mut o = outcome(c, result, c.region(), detail);
            o.arn = arn;
            o
        }
        Err(e) => outcome(c, Outcome::Failed, c.region(), Some(e.to_string())),
    }
}

async fn create(b: &Bedrock, d: &Desired, now: jiff::Timestamp) -> Result<Profile> {
    create_profile(now, b, &d.name, d.description.as_deref(), &d.source, &d.tags).await
}

/// Removes first, then sets: the 50-tag limit counts existing tags.
async fn retag(b: &Bedrock, arn: &str, changes: &[TagChange]) -> Result<()> {
    let removed: Vec<String> = changes
        .iter()
        .filter(|c| c.after.is_none())
        .map(|c| c.key.clone())
        .collect();
    let set: Tags = changes
        .iter()
        .filter_map(|c| c.after.as_ref().map(|a| (c.key.clone(), a.clone())))
        .collect();
    if !removed.is_empty() {
        b.untag(arn, &removed).await?;
    }
    if !set.is_empty() {
        b.tag(arn, &set).await?;
    }
    Ok(())
}

/// Same name: delete, then create (AWS refuses a second profile of one
/// name). New name: create, then delete, so a failure leaves the old one.
async fn replace(
    b: &Bedrock,
    arn: &str,
    current_name: &str,
    d: &Desired,
    now: jiff::Timestamp,
) -> Result<Profile> {
    if current_name == d.name {
        b.delete_profile(arn).await?;
        create(b, d, now).await
    } else {
        let p = create(b, d, now).await?;
        b.delete_profile(arn).await?;
        Ok(p)
    }
}
