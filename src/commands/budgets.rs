//! `aipctl budgets [--all] [--fail-over PCT]`: where each budget aipctl
//! manages stands this month, from AWS Budgets' own `CalculatedSpend`.
//!
//! One `sts:GetCallerIdentity` (Budgets calls name the account), one
//! `DescribeBudgets` followed to its last page, and one
//! `DescribeNotificationsForBudget` per budget shown. aipctl's budgets are
//! those named `aipctl-<spec>-<department>` whose filter is that department
//! (`domain::budget::Current::owner`). `--fail-over PCT` prints the table,
//! then exits with `EXIT_OVER_BUDGET` (6) naming every budget that has spent
//! more than PCT percent of its limit.

use jiff::Timestamp;

use super::shared::session::load;
use crate::cli::{BudgetsArgs, GlobalArgs};
use crate::domain::budget::status::Status;
use crate::error::{EXIT_OVER_BUDGET, Error, Result};
use crate::output::budgets::BudgetsView;
use crate::output::{Output, plural};

pub async fn run(args: BudgetsArgs, g: &GlobalArgs, now: Timestamp, out: &mut Output) -> Result<()> {
    super::shared::session::single_account(g, "budgets")?;
    let aws = load(g).await?;
    out.stage("asking AWS Budgets");
    let account = aws.account_id(&aws.home_region()).await?;
    let gateway = aws.budgets(&account);
    let mut budgets = gateway.list().await?;
    budgets.retain(|b| args.all || b.owner().is_some());
    gateway.detail(&mut budgets, |_| true, false).await?;
    let rows: Vec<Status> = budgets.iter().map(Status::of).collect();
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let period = format!("{}..{:02}", today.first_of_month(), today.day());
    out.data(&BudgetsView {
        rows: &rows,
        account: &account,
        period,
        all: args.all,
    })?;
    let Some(line) = args.fail_over else {
        return Ok(());
    };
    let over: Vec<String> = rows
        .iter()
        .filter(|s| s.is_over(line))
        .map(|s| {
            let used = s.used_percent.map_or_else(String::new, |p| format!(" ({p}%)"));
            format!("{}{used}", s.name)
        })
        .collect();
    if over.is_empty() {
        out.note(&format!("no budget has spent more than {}% of its limit", line.0));
        return Ok(());
    }
    out.warn(&format!(
        "{} over {}% of {} limit: {}",
        plural(over.len(), "budget"),
        line.0,
        if over.len() == 1 { "its" } else { "their" },
        over.join(", ")
    ));
    Err(Error::Quiet(EXIT_OVER_BUDGET))
}
