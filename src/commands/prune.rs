//! `aipctl prune`: finds profiles with no traffic and deletes them safely.
//!
//! Dry run by default: the plan (each idle profile, its age, last traffic and
//! why it qualifies). `--apply` deletes after confirmation; `--plan-out` saves
//! the plan and `--from-plan` deletes exactly it, re-checking each profile's
//! tags and traffic first; `--mark` / `--grace` make it a two-step clean-up
//! with a grace period for owners. Traffic comes from `GetMetricData` in
//! batches of up to 500 queries, regions concurrently.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use jiff::Timestamp;

use super::shared::accounts::{Failures, Fleet};
use super::shared::confirm::{confirm, confirm_in_account};
use super::shared::metrics::{last_traffic, look_back};
use super::shared::removal::{delete_all, outcome};
use super::shared::select::select;
use super::shared::session::{connect_fleet, load};
use crate::aws::Aws;
use crate::aws::listing::Query;
use crate::cli::{GlobalArgs, PruneArgs};
use crate::domain::InputError;
use crate::domain::account::AccountId;
use crate::domain::filter::ProfileFilter;
use crate::domain::outcome::Outcome;
use crate::domain::profile::Profile;
use crate::domain::prune::{self, Action, Criteria, IDLE_SINCE_TAG, SavedPrunePlan};
use crate::domain::region::Region;
use crate::domain::tag::Tags;
use crate::domain::window::Span;
use crate::error::{Error, Result};
use crate::output::profiles::{OutcomeRow, OutcomeRows};
use crate::output::prune::{PruneRow, PruneView};
use crate::output::{Output, plural};

pub async fn run(args: PruneArgs, g: &GlobalArgs, now: Timestamp, out: &mut Output) -> Result<()> {
    check_accounts(&args, g)?;
    if let Some(path) = &args.from_plan {
        let plan = read_plan(path)?;
        return from_plan(plan, args.apply, g, out, now).await;
    }
    let criteria = Criteria {
        idle: args.idle,
        min_age: args.min_age.unwrap_or(args.idle).duration(),
        grace: args.grace.map(Span::duration),
        mark: args.mark,
    };
    let filter = ProfileFilter::from(args.filter);
    let (aws, regions, mut fleet) = connect_fleet(g, out).await?;
    let idle_since = prune::idle_since(criteria.idle, now);
    let region_names: Vec<String> = regions.iter().map(Region::to_string).collect();
    let selection = select(&mut fleet, &regions, &filter, now, g, out).await?;
    let (profiles, mut failures) = (selection.profiles, selection.failures);
    out.stage(&format!(
        "reading the traffic of {}",
        plural(profiles.len(), "profile")
    ));
    let (profiles, last, calls) =
        traffic(&fleet, profiles, look_back(criteria.idle), now, &mut failures).await?;
    out.detail(&format!(
        "{} for {}",
        plural(calls, "GetMetricData request"),
        plural(profiles.len(), "profile")
    ));
    let judged: Vec<(&Profile, prune::Assessment)> = profiles
        .iter()
        .zip(last)
        .map(|(p, l)| {
            (
                p,
                protect_account(p, prune::assess(p, l, now, &criteria), &args.protect_accounts),
            )
        })
        .collect();
    let rows: Vec<PruneRow> = judged
        .iter()
        .filter(|(_, a)| a.action != Action::Keep)
        .map(|(p, a)| row(p, a, now, idle_since))
        .collect();
    let of = |action: Action| {
        judged
            .iter()
            .filter(|(_, a)| a.action == action)
            .map(|(p, _)| *p)
            .collect::<Vec<&Profile>>()
    };
    let (to_delete, to_mark, to_unmark) = (of(Action::Delete), of(Action::Mark), of(Action::Unmark));

    summarize(out, &profiles, &judged);
    if let Some(path) = &args.plan_out {
        let plan = SavedPrunePlan::new(&to_delete, &region_names, criteria.idle, now);
        let text = serde_json::to_string_pretty(&plan).map_err(std::io::Error::from)?;
        std::fs::write(path, text + "\n")?;
        out.note(&format!(
            "plan with {} written to {}",
            plural(to_delete.len(), "profile"),
            path.display()
        ));
    }

    if args.mark || (args.apply && !to_unmark.is_empty()) {
        mark(&fleet, &to_mark, &to_unmark, now, out).await?;
    }
    let view = PruneView {
        rows: &rows,
        idle_since: idle_since.to_string(),
        regions: region_names,
    };
    if !args.apply {
        out.data(&view)?;
        if !to_delete.is_empty() && !args.mark {
            out.note(&format!(
                "dry run: {} would be deleted; pass `--apply` to delete {}",
                plural(to_delete.len(), "profile"),
                if to_delete.len() == 1 { "it" } else { "them" }
            ));
        }
        return failures.finish();
    }
    if to_delete.is_empty() {
        out.data(&view)?;
        out.note("nothing to delete");
        return failures.finish();
    }
    out.note_table(&crate::output::View::table(&view));
    if fleet.multi {
        delete_across(&fleet, &to_delete, g.yes, out).await?;
    } else {
        delete_in_account(&aws, &to_delete, g.yes, out).await?;
    }
    failures.finish()
}

/// Each profile's last traffic, read in every account at once; an account
/// whose metrics fail is a failure of the run and its profiles are left out.
async fn traffic(
    fleet: &Fleet,
    profiles: Vec<Profile>,
    span: Span,
    now: Timestamp,
    failures: &mut Failures,
) -> Result<(Vec<Profile>, Vec<Option<jiff::civil::Date>>, usize)> {
    let read = futures::future::join_all(fleet.by_member(profiles).into_iter().map(|(m, ps)| async move {
        let r = last_traffic(&m.aws, &ps, span, now).await;
        (m, ps, r)
    }))
    .await;
    let (mut kept, mut last, mut calls) = (Vec::new(), Vec::new(), 0);
    for (m, ps, r) in read {
        match r {
            Ok((l, n)) => {
                calls += n;
                kept.extend(ps);
                last.extend(l);
            }
            Err(e) => failures.member(m, e)?,
        }
    }
    Ok((kept, last, calls))
}

/// Deletes `to_delete` in the caller's account, after asking.
async fn delete_in_account(aws: &Aws, to_delete: &[&Profile], yes: bool, out: &mut Output) -> Result<()> {
    let n = to_delete.len();
    confirm_in_account(
        aws,
        &to_delete[0].region,
        out,
        yes,
        &format!("Delete {}?", plural(n, "idle profile")),
        &n.to_string(),
        "run without `--apply` to see the plan",
    )
    .await?;
    let outcomes = delete_all(aws, to_delete.iter().map(|p| (*p).clone()).collect(), out).await;
    finish(out, &outcomes, n)
}

/// Deletes `to_delete` in the accounts they were read in, after one
/// confirmation naming the accounts.
async fn delete_across(fleet: &Fleet, to_delete: &[&Profile], yes: bool, out: &mut Output) -> Result<()> {
    let n = to_delete.len();
    let groups = fleet.by_member(to_delete.iter().map(|p| (*p).clone()).collect());
    let names: Vec<String> = groups.iter().map(|(m, _)| m.label()).collect();
    confirm(
        out,
        yes,
        &format!(
            "Delete {} in {}: {}?",
            plural(n, "idle profile"),
            plural(groups.len(), "account"),
            names.join(", ")
        ),
        &n.to_string(),
        "run without `--apply` to see the plan",
    )?;
    let mut outcomes = Vec::new();
    for (m, ps) in groups {
        outcomes.extend(delete_all(&m.aws, ps, out).await);
    }
    finish(out, &outcomes, n)
}

/// Refuses, before any request (exit 2), a change across accounts that were
/// not named one by one (`--apply` or `--mark` with `all` or an OU), and a
/// saved plan across accounts (a plan file records one account).
fn check_accounts(args: &PruneArgs, g: &GlobalArgs) -> Result<()> {
    if !g.org.is_multi() {
        return Ok(());
    }
    if (args.apply || args.mark) && !Fleet::explicit_only(&g.org) {
        return Err(Error::Usage {
            message: format!(
                "`--{}` across the organization needs the accounts named one by one, not `all` or an OU",
                if args.apply { "apply" } else { "mark" }
            ),
            hint: Some(
                "run the dry run with `--accounts all`, then `--accounts ID,ID --apply` for the accounts to clean \
                 (`--protect-accounts` keeps some out)"
                    .into(),
            ),
        });
    }
    if args.plan_out.is_some() || args.from_plan.is_some() {
        return Err(Error::Usage {
            message: "a saved prune plan records one account; `--plan-out` and `--from-plan` do not take `--accounts`".into(),
            hint: Some("save one plan per account, with that account's credentials".into()),
        });
    }
    Ok(())
}

/// A profile of an account in `--protect-accounts` is never deleted or marked.
fn protect_account(p: &Profile, a: prune::Assessment, protected: &[AccountId]) -> prune::Assessment {
    let blocked = p
        .account
        .as_ref()
        .is_some_and(|acct| protected.contains(&acct.id));
    if blocked && matches!(a.action, Action::Delete | Action::Mark) {
        prune::Assessment {
            action: Action::Protected,
            reason: "its account is in `--protect-accounts`".into(),
            ..a
        }
    } else {
        a
    }
}

fn read_plan(path: &Path) -> Result<SavedPrunePlan> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new("--from-plan", &shown, &format!("cannot be read: {e}")))?;
    SavedPrunePlan::parse(&text).map_err(|e| InputError::new("--from-plan", &shown, &e.rule).into())
}

fn row(p: &Profile, a: &prune::Assessment, now: Timestamp, idle_since: jiff::civil::Date) -> PruneRow {
    PruneRow {
        account: crate::output::AccountCols::of(p.account.as_ref()),
        name: p.name.clone(),
        region: p.region.to_string(),
        arn: p.arn.to_string(),
        department: p.department().map(str::to_owned),
        age_days: p.created_at.map(|c| now.duration_since(c).as_secs() / 86_400),
        last_traffic: a.last_traffic.map(|d| d.to_string()),
        action: a.action,
        idle_since: idle_since.to_string(),
        reason: a.reason.clone(),
    }
}

fn summarize(out: &mut Output, profiles: &[Profile], judged: &[(&Profile, prune::Assessment)]) {
    let count = |action: Action| judged.iter().filter(|(_, a)| a.action == action).count();
    out.note(&format!(
        "{} considered: {} to delete, {} to mark, {} in grace, {} protected, {} too new, {} active",
        plural(profiles.len(), "profile"),
        count(Action::Delete),
        count(Action::Mark),
        count(Action::InGrace),
        count(Action::Protected),
        count(Action::TooNew),
        judged
            .iter()
            .filter(|(_, a)| a.action == Action::Keep && a.last_traffic.is_some())
            .count(),
    ));
}

async fn mark(
    fleet: &Fleet,
    to_mark: &[&Profile],
    to_unmark: &[&Profile],
    now: Timestamp,
    out: &mut Output,
) -> Result<()> {
    let today = now.strftime("%Y-%m-%d").to_string();
    for p in to_mark {
        let mut tag = Tags::default();
        tag.insert(IDLE_SINCE_TAG, today.as_str());
        fleet
            .member_of(p)
            .aws
            .bedrock(&p.region)
            .tag(&p.arn, &tag)
            .await?;
    }
    for p in to_unmark {
        fleet
            .member_of(p)
            .aws
            .bedrock(&p.region)
            .untag(&p.arn, &[IDLE_SINCE_TAG.to_owned()])
            .await?;
    }
    if !to_mark.is_empty() {
        out.note(&format!(
            "marked {} {IDLE_SINCE_TAG}={today}",
            plural(to_mark.len(), "profile")
        ));
    }
    if !to_unmark.is_empty() {
        out.note(&format!(
            "removed the idle mark from {} with traffic again",
            plural(to_unmark.len(), "profile")
        ));
    }
    Ok(())
}

fn finish(out: &mut Output, outcomes: &[OutcomeRow], total: usize) -> Result<()> {
    out.data(&OutcomeRows(outcomes))?;
    let failed = outcomes.iter().filter(|o| o.result.is_failure()).count();
    if failed > 0 {
        return Err(Error::Partial {
            failed,
            total,
            what: "deletions",
        });
    }
    Ok(())
}

/// Sorts the plan's profiles into outcomes decided from the account alone
/// (gone, protected, changed since) and the ones still to check for traffic.
fn recheck(plan: &SavedPrunePlan, found: &[Profile]) -> (Vec<OutcomeRow>, Vec<Profile>) {
    let by_arn: HashMap<&str, &Profile> = found.iter().map(|p| (p.arn.as_str(), p)).collect();
    let mut outcomes = Vec::new();
    let mut still = Vec::new();
    for planned in &plan.profiles {
        let skip = |result: Outcome, why: String| OutcomeRow {
            account: None,
            name: planned.name.clone(),
            arn: planned.arn.clone(),
            region: planned.region.clone(),
            result,
            error: Some(why),
        };
        match by_arn.get(planned.arn.as_str()) {
            None => outcomes.push(skip(Outcome::AlreadyGone, "not found; nothing to do".into())),
            Some(p) if p.tags.is_protected() => {
                outcomes.push(skip(
                    Outcome::Protected,
                    "tagged aipctl:protect=true since the plan".into(),
                ));
            }
            Some(p) if p.tags != planned.tags => {
                let changed: Vec<String> = planned.tags.diff(&p.tags).into_iter().map(|c| c.key).collect();
                outcomes.push(skip(
                    Outcome::Skipped,
                    format!("changed since the plan (tags: {})", changed.join(", ")),
                ));
            }
            Some(p) => still.push((*p).clone()),
        }
    }
    (outcomes, still)
}

/// `--from-plan FILE`: exactly the plan's profiles, each re-checked: gone
/// already (done), changed since (skipped), protected now (skipped), traffic
/// since (skipped); the rest deleted with `--apply`.
async fn from_plan(
    plan: SavedPrunePlan,
    apply: bool,
    g: &GlobalArgs,
    out: &mut Output,
    now: Timestamp,
) -> Result<()> {
    let plan_regions: Vec<Region> = plan
        .regions
        .iter()
        .map(|r| r.parse())
        .collect::<Result<_, InputError>>()?;
    if let Some(r) = g
        .regions
        .iter()
        .find(|r| !plan_regions.contains(r))
        .filter(|_| !g.regions.is_empty())
    {
        return Err(Error::Usage {
            message: format!(
                "--region {r} is not a region of the plan ({})",
                plan.regions.join(", ")
            ),
            hint: Some("drop `--region`: a plan carries its own regions".into()),
        });
    }
    let aws = load(g).await?;
    let wanted: BTreeSet<&str> = plan.profiles.iter().map(|p| p.arn.as_str()).collect();
    let accounts: RefCell<BTreeSet<String>> = RefCell::new(BTreeSet::new());
    let found: Vec<Profile> = aws
        .profiles_with_tags(
            &plan_regions,
            Query {
                keep_untagged: |p: &Profile| {
                    accounts.borrow_mut().insert(p.arn.account().to_owned());
                    wanted.contains(p.arn.as_str())
                },
                tags: &[],
                now: Some(now),
            },
        )
        .await?;
    if let (Some(planned), Some(seen)) = (&plan.account, accounts.borrow().iter().next())
        && planned != seen
    {
        return Err(InputError::new(
            "--from-plan",
            planned,
            &format!("the plan is for account {planned}, but these credentials see account {seen}"),
        )
        .into());
    }
    let (mut outcomes, still) = recheck(&plan, &found);
    let idle = plan.idle_span();
    let since = prune::idle_since(idle, now);
    let (last, _) = last_traffic(&aws, &still, idle, now).await?;
    let mut to_delete = Vec::new();
    for (p, l) in still.into_iter().zip(last) {
        match l {
            Some(day) if day >= since => outcomes.push(outcome(
                &p,
                Outcome::Skipped,
                Some(format!("received traffic after the plan (on {day})")),
            )),
            _ => to_delete.push(p),
        }
    }
    if !apply {
        outcomes.extend(to_delete.iter().map(|p| outcome(p, Outcome::WouldDelete, None)));
        out.data(&OutcomeRows(&outcomes))?;
        out.note(&format!(
            "dry run: {} of the plan would be deleted; pass `--apply`",
            plural(to_delete.len(), "profile")
        ));
        return Ok(());
    }
    if !to_delete.is_empty() {
        let n = to_delete.len();
        let going: Vec<OutcomeRow> = to_delete
            .iter()
            .map(|p| outcome(p, Outcome::WouldDelete, None))
            .collect();
        out.note_table(&crate::output::View::table(&OutcomeRows(&going)));
        confirm_in_account(
            &aws,
            &to_delete[0].region,
            out,
            g.yes,
            &format!("Delete {} of the plan?", plural(n, "profile")),
            &n.to_string(),
            "run without `--apply` to re-check the plan",
        )
        .await?;
        outcomes.extend(delete_all(&aws, to_delete, out).await);
    }
    outcomes.sort_by(|a, b| (&a.region, &a.name).cmp(&(&b.region, &b.name)));
    let total = plan.profiles.len();
    finish(out, &outcomes, total)
}
