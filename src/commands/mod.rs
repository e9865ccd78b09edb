//! One file per verb; each orchestrates: parsing is done (cli), rules live in
//! `domain`, AWS calls in `aws`, printing in `output`. What several verbs
//! share lives in [`shared`]; no verb imports another.

pub mod apply;
pub mod budgets;
pub mod completions;
pub mod cost;
pub mod cost_tags;
pub mod coverage;
pub mod create;
pub mod dashboard;
pub mod delete;
pub mod describe;
pub mod list;
pub mod models;
pub mod plan;
pub mod policy;
pub mod prices;
pub mod prune;
pub mod report;
pub mod shared;
pub mod tag;
pub mod untag;
pub mod usage;

use crate::cli::{Cli, Command};
use crate::error::Result;
use crate::output::Output;

pub async fn run(cli: Cli, out: &mut Output) -> Result<()> {
    let g = &cli.global;
    // `plan` and `apply` may take their accounts from the spec, and check there.
    if !matches!(cli.command, Command::Plan(_) | Command::Apply(_)) {
        shared::session::entry_flags_need_accounts(g, false)?;
    }
    let now = shared::session::now()?;
    out.activity("working", crate::aws::calls_done);
    match cli.command {
        Command::Create(args) => create::run(args, g, now, out).await,
        Command::List(args) => list::run(args, g, now, out).await,
        Command::Describe(args) => describe::run(args, g, now, out).await,
        Command::Delete(args) => delete::run(args, g, now, out).await,
        Command::Tag(args) => tag::run(args, g, out).await,
        Command::Untag(args) => untag::run(args, g, out).await,
        Command::Usage(args) => usage::run(args, g, now, out).await,
        Command::Dashboard(args) => dashboard::run(args, g, now, out).await,
        Command::Coverage(args) => coverage::run(args, g, now, out).await,
        Command::Plan(args) => Box::pin(plan::run(args, g, now, out)).await,
        Command::Apply(args) => Box::pin(apply::run(args, g, now, out)).await,
        Command::Prune(args) => prune::run(args, g, now, out).await,
        Command::Policy(args) => policy::run(args, g, now, out).await,
        Command::Cost(args) => cost::run(args, g, now, out).await,
        Command::CostTags(args) => cost_tags::run(args, g, now, out).await,
        Command::Budgets(args) => budgets::run(args, g, now, out).await,
        Command::Models(args) => models::run(args, g, out).await,
        Command::Prices(args) => prices::run(args, g, now, out).await,
        Command::Report(args) => Box::pin(report::run(args, g, now, out)).await,
        Command::Completions(args) => completions::run(&args, out),
    }
}
