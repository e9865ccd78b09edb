//! `aipctl delete PROFILE... | --tag K=V...`: shows what will go, asks, then
//! deletes with bounded concurrency.
//!
//! Safety rules: a TTY is asked to type the profile name (one) or the count
//! (many); without a TTY aipctl refuses (exit 3) unless `--yes`. `--dry-run`
//! prints the plan and touches nothing. Profiles tagged `aipctl:protect=true`
//! are never deleted. "Already gone" counts as done. Failures are reported per
//! profile and make the command exit 1 after the others are done.

use futures::{StreamExt, stream};

use super::{connect, resolve_many};
use crate::aws::Aws;
use crate::aws::bedrock::Deleted;
use crate::cli::{DeleteArgs, GlobalArgs};
use crate::domain::filter::ProfileFilter;
use crate::domain::profile::Profile;
use crate::error::{Error, Result};
use crate::output::profiles::{Outcome, Outcomes};
use crate::output::{Output, new_table};

pub async fn run(args: DeleteArgs, g: &GlobalArgs, out: &mut Output) -> Result<()> {
    let (aws, regions) = connect(g).await?;
    let by_filter = args.profiles.is_empty();
    let (targets, failures) = if by_filter {
        let filter = ProfileFilter {
            tags: args.tags,
            ..ProfileFilter::default()
        };
        let selection = super::select(&aws, &regions, &filter, g, out).await?;
        (selection.profiles, selection.failures)
    } else {
        (
            resolve_many(&aws, &regions, &args.profiles).await?,
            super::RegionFailures::default(),
        )
    };

    let (protected, deletable): (Vec<Profile>, Vec<Profile>) =
        targets.into_iter().partition(|p| p.tags.is_protected());
    let mut outcomes: Vec<Outcome> = protected
        .iter()
        .map(|p| {
            outcome(
                p,
                "protected",
                Some("tagged aipctl:protect=true; remove the tag to delete it".into()),
            )
        })
        .collect();

    if deletable.is_empty() {
        out.data(&Outcomes(&outcomes))?;
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
        outcomes.extend(deletable.iter().map(|p| outcome(p, "would-delete", None)));
        out.data(&Outcomes(&outcomes))?;
        out.note(&format!(
            "dry run: {} profile(s) would be deleted; nothing was changed",
            deletable.len()
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
    super::confirm_in_account(
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
    let failed = outcomes.iter().filter(|o| o.result == "failed").count();
    out.data(&Outcomes(&outcomes))?;
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
                "{} named profile(s) are protected and were not deleted",
                protected.len()
            ),
            hint: Some("remove the tag with `aipctl untag PROFILE aipctl:protect` first".into()),
        });
    }
    failures.finish()
}

pub(super) fn outcome(p: &Profile, result: &'static str, error: Option<String>) -> Outcome {
    Outcome {
        name: p.name.clone(),
        arn: p.arn.clone(),
        region: p.region.to_string(),
        result,
        error,
    }
}

fn show_plan(out: &mut Output, deletable: &[Profile], protected: &[Profile]) {
    let mut t = new_table(&["delete", "region", "department", "arn"]);
    for p in deletable {
        t.add_row(vec![
            p.name.as_str(),
            p.region.as_str(),
            p.department().unwrap_or("-"),
            p.arn.as_str(),
        ]);
    }
    out.note_table(&t);
    if !protected.is_empty() {
        let names: Vec<&str> = protected.iter().map(|p| p.name.as_str()).collect();
        out.note(&format!(
            "skipping protected (aipctl:protect=true): {}",
            names.join(", ")
        ));
    }
}

/// Deletes `profiles` with bounded concurrency and a progress bar; one
/// outcome each (`deleted`, `already-gone` or `failed`), sorted.
pub(super) async fn delete_all(aws: &Aws, profiles: Vec<Profile>, out: &mut Output) -> Vec<Outcome> {
    let bar = out.progress(profiles.len() as u64, "deleting");
    let results: Vec<Outcome> = stream::iter(profiles.into_iter().map(|p| {
        let b = aws.bedrock(&p.region);
        let bar = bar.clone();
        async move {
            let result = b.delete_profile(&p.arn).await;
            bar.inc(1);
            match result {
                Ok(Deleted::Now) => outcome(&p, "deleted", None),
                Ok(Deleted::AlreadyGone) => outcome(&p, "already-gone", None),
                Err(e) => outcome(&p, "failed", Some(e.to_string())),
            }
        }
    }))
    .buffer_unordered(aws.concurrency)
    .collect()
    .await;
    bar.finish_and_clear();
    let mut results = results;
    results.sort_by(|a, b| (&a.region, &a.name, &a.arn).cmp(&(&b.region, &b.name, &b.arn)));
    results
}
