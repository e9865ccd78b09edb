//! `aipctl cost-tags`: the cost-allocation tag keys AWS billing knows, with
//! their status and last use; `--activate K...` / `--deactivate K...`.
//!
//! Changes follow the rules of every change aipctl makes: the plan first, a
//! terminal is asked to confirm, without one aipctl refuses (exit 3, before
//! any paid request) unless `--yes`; `--dry-run` changes nothing. Keys
//! already in the wanted status are not sent; keys billing has never seen
//! are reported, not sent. `UpdateCostAllocationTagsStatus` takes 20 keys a
//! request, so more go in batches; per-key failures come back in a 200
//! answer and are reported per key (exit 1).

use jiff::Timestamp;

use crate::aws::cache::{self, CacheSettings};
use crate::aws::costexplorer::CostExplorer;
use crate::cli::{CostTagsArgs, GlobalArgs};
use crate::domain::cost::{self, PlannedChange, TagStatus};
use crate::domain::outcome::StatusOutcome;
use crate::domain::tag::TagKey;
use crate::error::{Error, Result};
use crate::output::cost::{CostTagView, CostTags, StatusChange, StatusChanges, paid_summary, status_plan};
use crate::output::{Output, plural};

pub async fn run(args: CostTagsArgs, g: &GlobalArgs, now: Timestamp, out: &mut Output) -> Result<()> {
    super::shared::session::single_account(g, "cost-tags")?;
    let requested = cost::requested_changes(&args.activate, &args.deactivate)?;
    if !requested.is_empty() && !args.dry_run {
        // Refuse before the paid look-up when no one can confirm.
        super::shared::confirm::ensure_confirmable(g.yes, "`--dry-run` to see the plan")?;
    }
    let aws = super::shared::session::load(g).await?;
    let ce = aws.cost_explorer(CacheSettings {
        dir: cache::default_dir().map(|d| d.join("cost-explorer")),
        ttl: std::time::Duration::ZERO,
        // Status is always read fresh here.
        reuse: false,
        now: now.as_second(),
    });
    let result = if requested.is_empty() {
        list(&args, &ce, out).await
    } else {
        change(&requested, &args, g, &aws, &ce, out).await
    };
    out.note(&paid_summary(&ce.paid_requests()));
    result
}

async fn list(args: &CostTagsArgs, ce: &CostExplorer, out: &mut Output) -> Result<()> {
    let tags = ce.cost_allocation_tags(None, false).await?;
    let shown: Vec<CostTagView> = tags
        .iter()
        .filter(|t| args.status.is_none_or(|s| t.status == s))
        .map(CostTagView::from)
        .collect();
    let empty = shown.is_empty();
    out.data(&CostTags(shown))?;
    if empty {
        out.note(
            "no cost-allocation tag keys: billing lists a key about 24 h after a resource with it has usage",
        );
    }
    Ok(())
}

fn outcome(p: &PlannedChange, result: StatusOutcome, error: Option<String>) -> StatusChange {
    StatusChange {
        key: p.key.as_str().to_owned(),
        from: p.from.map(|s| s.to_string()),
        to: p.to.to_string(),
        result,
        error,
    }
}

/// What to report for a change that is not sent, if it is not sent.
fn unsent(p: &PlannedChange) -> Option<StatusChange> {
    if p.needs_request() {
        None
    } else if p.from.is_none() {
        Some(outcome(
            p,
            StatusOutcome::NotFound,
            Some(
                "billing has not seen this key: tag a resource with it and wait up to 24 h after its first usage"
                    .into(),
            ),
        ))
    } else {
        Some(outcome(p, StatusOutcome::Unchanged, None))
    }
}

async fn change(
    requested: &[(TagKey, TagStatus)],
    args: &CostTagsArgs,
    g: &GlobalArgs,
    aws: &crate::aws::Aws,
    ce: &CostExplorer,
    out: &mut Output,
) -> Result<()> {
    let keys: Vec<String> = requested.iter().map(|(k, _)| k.as_str().to_owned()).collect();
    let current = ce.cost_allocation_tags(Some(&keys), false).await?;
    let planned = cost::plan_changes(requested, &current);
    let to_send: Vec<&PlannedChange> = planned.iter().filter(|p| p.needs_request()).collect();

    if args.dry_run {
        return dry_run(&planned, to_send.len(), out);
    }
    if !to_send.is_empty() {
        show_plan(out, &to_send);
        let activate = to_send.iter().filter(|p| p.to == TagStatus::Active).count();
        let question = match (activate, to_send.len() - activate) {
            (a, 0) => format!("Activate {}?", plural(a, "cost-allocation tag key")),
            (0, d) => format!("Deactivate {}?", plural(d, "cost-allocation tag key")),
            (a, d) => format!("Activate {a} and deactivate {d} cost-allocation tag keys?"),
        };
        let expected = match to_send.as_slice() {
            [one] => one.key.as_str().to_owned(),
            many => many.len().to_string(),
        };
        super::shared::confirm::confirm_in_account(
            aws,
            &aws.home_region(),
            out,
            g.yes,
            &question,
            &expected,
            "`--dry-run` to see the plan",
        )
        .await?;
    }

    let sent = send(ce, &to_send).await;
    // Report in the order asked for.
    let outcomes: Vec<StatusChange> = planned
        .iter()
        .filter_map(|p| unsent(p).or_else(|| sent.iter().find(|o| o.key == p.key.as_str()).cloned()))
        .collect();
    out.data(&StatusChanges(outcomes.clone()))?;
    if outcomes.iter().any(|o| o.result == StatusOutcome::Activated) {
        out.note(
            "activated keys tag spend from today on (not retroactively); Cost Explorer shows them up to 24 h later",
        );
    }
    let failed = outcomes.iter().filter(|o| o.result.is_failure()).count();
    if failed > 0 {
        return Err(Error::Partial {
            failed,
            total: outcomes.len(),
            what: "tag status changes",
        });
    }
    Ok(())
}

fn dry_run(planned: &[PlannedChange], changing: usize, out: &mut Output) -> Result<()> {
    let outcomes: Vec<StatusChange> = planned
        .iter()
        .map(|p| {
            unsent(p).unwrap_or_else(|| {
                let result = match p.to {
                    TagStatus::Active => StatusOutcome::WouldActivate,
                    TagStatus::Inactive => StatusOutcome::WouldDeactivate,
                };
                outcome(p, result, None)
            })
        })
        .collect();
    out.data(&StatusChanges(outcomes))?;
    out.note(&format!(
        "dry run: {} would change in {}; nothing was changed",
        plural(changing, "key"),
        plural(changing.div_ceil(cost::MAX_STATUS_ENTRIES_PER_CALL), "request")
    ));
    Ok(())
}

fn show_plan(out: &mut Output, to_send: &[&PlannedChange]) {
    out.note_table(&status_plan(to_send));
}

/// Sends the changes, 20 keys a request, one request after the other; a
/// failed request fails its keys and the next batch still goes.
async fn send(ce: &CostExplorer, to_send: &[&PlannedChange]) -> Vec<StatusChange> {
    let mut outcomes = Vec::new();
    for batch in to_send.chunks(cost::MAX_STATUS_ENTRIES_PER_CALL) {
        let entries: Vec<(String, TagStatus)> =
            batch.iter().map(|p| (p.key.as_str().to_owned(), p.to)).collect();
        match ce.set_tag_status(&entries).await {
            Ok(failures) => outcomes.extend(batch.iter().map(|p| {
                if let Some(f) = failures.iter().find(|f| f.key == p.key.as_str()) {
                    outcome(
                        p,
                        StatusOutcome::Failed,
                        Some(format!("{}: {}", f.code, f.message)),
                    )
                } else {
                    let result = match p.to {
                        TagStatus::Active => StatusOutcome::Activated,
                        TagStatus::Inactive => StatusOutcome::Deactivated,
                    };
                    outcome(p, result, None)
                }
            })),
            Err(e) => outcomes.extend(
                batch
                    .iter()
                    .map(|p| outcome(p, StatusOutcome::Failed, Some(e.to_string()))),
            ),
        }
    }
    if !to_send.is_empty() {
        ce.forget_tag_lists();
    }
    outcomes
}
