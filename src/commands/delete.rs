//! `aipctl delete PROFILE... | --tag K=V...`: shows what will go, asks, then
//! deletes with bounded concurrency.
//!
//! Safety rules: a TTY is asked to type the profile name (one) or the count
//! (many); without a TTY aipctl refuses (exit 3) unless `--yes`. `--dry-run`
//! prints the plan and touches nothing. Profiles tagged `aipctl:protect=true`
//! are never deleted. "Already gone" counts as done. Failures are reported per
//! profile and make the command exit 1 after the others are done.

use super::shared::accounts::{Failures, Fleet};
use super::shared::confirm::confirm_in_account;
use super::shared::removal::{delete_all, outcome};
use super::shared::select::{resolve_many, select};
use super::shared::session::{connect, single_account};
use crate::cli::{DeleteArgs, GlobalArgs};
use crate::domain::filter::ProfileFilter;
use crate::domain::outcome::Outcome;
use crate::domain::profile::Profile;
use crate::error::{Error, Result};
use crate::output::profiles::{DeletionPlan, protected_line};
use crate::output::profiles::{OutcomeRow, OutcomeRows};
use crate::output::{Output, plural};

pub async fn run(args: DeleteArgs, g: &GlobalArgs, now: jiff::Timestamp, out: &mut Output) -> Result<()> {
    single_account(g, "delete")?;
    let (aws, regions) = connect(g).await?;
    let by_filter = args.profiles.is_empty();
    let (targets, failures) = if by_filter {
        let filter = ProfileFilter {
            tags: args.tags,
            ..ProfileFilter::default()
        };
        let selection = select(&mut Fleet::single(&aws), &regions, &filter, now, g, out).await?;
        (selection.profiles, selection.failures)
    } else {
        (
            resolve_many(&aws, &regions, &args.profiles, out).await?,
            Failures::default(),
        )
    };

    let (protected, deletable): (Vec<Profile>, Vec<Profile>) =
        targets.into_iter().partition(|p| p.tags.is_protected());
    let mut outcomes: Vec<OutcomeRow> = protected
        .iter()
        .map(|p| {
            outcome(
                p,
                Outcome::Protected,
                Some("tagged aipctl:protect=true; remove the tag to delete it".into()),
            )
        })
        .collect();

    if deletable.is_empty() {
        out.data(&OutcomeRows(&outcomes))?;
        return if !by_filter && !protected.is_empty() {
            Err(Error::Refused {
                message: "every named profile is protected; nothing was deleted".into(),
                hint: Some("remove the tag with `aipctl untag PROFILE aipctl:protect` first".into()),
            })
        } else {
            out.note("nothing to delete");
            failures.finish()
        };
    }

    if args.dry_run {
        outcomes.extend(deletable.iter().map(|p| outcome(p, Outcome::WouldDelete, None)));
        out.data(&OutcomeRows(&outcomes))?;
        out.note(&format!(
            "dry run: {} would be deleted; nothing was changed",
            plural(deletable.len(), "profile")
        ));
        return failures.finish();
    }

    show_plan(out, &deletable, &protected);
    let (question, expected) = match deletable.as_slice() {
        [one] => (
            format!("Delete `{}` in {}?", one.name, one.region),
            one.name.clone(),
        ),
        many => (
            format!("Delete these {} profiles?", many.len()),
            many.len().to_string(),
        ),
    };
    confirm_in_account(
        &aws,
        &deletable[0].region,
        out,
        g.yes,
        &question,
        &expected,
        "`--dry-run` to see the plan",
    )
    .await?;

    let total = deletable.len();
    outcomes.extend(delete_all(&aws, deletable, out).await);
    let failed = outcomes.iter().filter(|o| o.result.is_failure()).count();
    out.data(&OutcomeRows(&outcomes))?;
    if failed > 0 {
        return Err(Error::Partial {
            failed,
            total,
            what: "deletions",
        });
    }
    if !by_filter && !protected.is_empty() {
        return Err(Error::Refused {
            message: format!(
                "{} {} protected and {} not deleted",
                plural(protected.len(), "named profile"),
                if protected.len() == 1 { "is" } else { "are" },
                if protected.len() == 1 { "was" } else { "were" }
            ),
            hint: Some("remove the tag with `aipctl untag PROFILE aipctl:protect` first".into()),
        });
    }
    failures.finish()
}

fn show_plan(out: &mut Output, deletable: &[Profile], protected: &[Profile]) {
    out.note_table(&DeletionPlan(deletable).table());
    if let Some(line) = protected_line(protected) {
        out.note(&line);
    }
}
