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

use super::shared::alerts;
use super::shared::confirm::confirm;
use super::shared::provision::create_profile;
use super::shared::session::load;
use super::shared::spec::{make, read_spec, regions};
use crate::aws::Aws;
use crate::aws::bedrock::{Bedrock, Deleted};
use crate::aws::listing::Query;
use crate::cli::{ApplyArgs, GlobalArgs};
use crate::domain::outcome::Outcome;
use crate::domain::plan::{Change, Desired, PLAN_FORMAT, SavedPlan};
use crate::domain::profile::Profile;
use crate::domain::region::Region;
use crate::domain::tag::{TagChange, Tags};
use crate::error::{Error, Result};
use crate::output::Format;
use crate::output::plan::{PlanView, summary_line};
use crate::output::profiles::{OutcomeRow, OutcomeRows};
use crate::output::{Output, View, plural};

pub async fn run(args: ApplyArgs, g: &GlobalArgs, now: jiff::Timestamp, out: &mut Output) -> Result<()> {
    super::shared::session::single_account(g, "apply")?;
    let (aws, made) = match (&args.file, &args.plan) {
        (Some(path), _) => {
            let spec = read_spec(path)?;
            let aws = load(g).await?;
            let regions = regions(g, &spec, out);
            let made = Box::pin(make(&aws, &spec, path, &regions, now, out)).await?;
            (aws, made)
        }
        (None, Some(path)) => {
            if g.all_regions || !g.regions.is_empty() {
                return Err(Error::Usage {
                    message:
                        "a saved plan names its own regions; `--region` and `--all-regions` do not apply"
                            .into(),
                    hint: Some(format!(
                        "run `aipctl apply --plan {}` without them",
                        path.display()
                    )),
                });
            }
            let saved = read_plan(path)?;
            let aws = load(g).await?;
            check_unchanged(&aws, &saved, path).await?;
            (aws, saved)
        }
        (None, None) => {
            return Err(Error::usage(
                "give a spec with `-f SPEC` or a saved plan with `--plan FILE`",
            ));
        }
    };

    if made.has_changes() {
        out.note_table(&PlanView { file: &made }.table());
    }
    out.note(&summary_line(&made.summary));

    let account = made.fingerprint.account.clone();
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
        if !outcomes.is_empty() || out.format != Format::Table {
            out.data(&OutcomeRows(&outcomes))?;
        }
        out.note("nothing to do");
        return Ok(());
    }

    confirm(
        out,
        g.yes,
        &format!(
            "Apply {} of spec `{}` in account {}?",
            plural(count, "change"),
            made.spec,
            account
        ),
        &count.to_string(),
        "`aipctl plan` to see the plan without changing anything",
    )?;

    let total = count;
    outcomes.extend(execute(&aws, todo, now, out).await);
    outcomes.extend(alerts::execute(&aws, &account, &budgets, &anomalies).await);
    outcomes
        .sort_by(|a, b| (&a.region, &a.name, &a.arn, &a.error).cmp(&(&b.region, &b.name, &b.arn, &b.error)));
    let failed = outcomes.iter().filter(|o| o.result.is_failure()).count();
    out.data(&OutcomeRows(&outcomes))?;
    if failed > 0 {
        return Err(Error::Partial {
            failed,
            total,
            what: "changes",
        });
    }
    Ok(())
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
    if file.format != PLAN_FORMAT {
        return Err(bad(format!(
            "is a plan of format `{}`; this aipctl reads `{PLAN_FORMAT}`",
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

/// Refuses (exit 1, listing what changed) when the account is not the one
/// the plan was made against, or a profile it touches changed since.
async fn check_unchanged(aws: &Aws, saved: &SavedPlan, path: &Path) -> Result<()> {
    let regions = &saved.fingerprint.regions;
    let first = regions
        .first()
        .ok_or_else(|| Error::usage(format!("`{}` names no region", path.display())))?;
    let (account, actual) = tokio::try_join!(
        aws.account_id(first),
        aws.profiles_with_tags(regions, Query::every())
    )?;
    let mut changed = saved.fingerprint.changes_since(&account, &actual);
    if account == saved.fingerprint.account {
        changed.extend(alerts::changes_since(aws, &saved.spec, &saved.fingerprint).await?);
    }
    if changed.is_empty() {
        return Ok(());
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
        name: c.name().to_owned(),
        arn,
        region: region.to_string(),
        result,
        error: detail,
    }
}

async fn execute(aws: &Aws, todo: Vec<Change>, now: jiff::Timestamp, out: &mut Output) -> Vec<OutcomeRow> {
    let bar = out.progress(todo.len() as u64, "applying");
    let results: Vec<OutcomeRow> = stream::iter(todo.into_iter().map(|c| {
        let b = aws.bedrock(c.region());
        let bar = bar.clone();
        async move {
            let o = execute_one(&b, &c, now).await;
            bar.inc(1);
            o
        }
    }))
    .buffer_unordered(aws.concurrency)
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
