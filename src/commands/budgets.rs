//! `aipctl budgets [--all] [--fail-over PCT]`: where each budget aipctl
//! manages stands this month, from AWS Budgets' own `CalculatedSpend`.
//!
//! One `sts:GetCallerIdentity` (Budgets calls name the account), then the
//! reads `shared::budgets` makes (as `report` does). `--fail-over PCT` prints the table,
//! then exits with `EXIT_OVER_BUDGET` (6) naming every budget that has spent
//! more than PCT percent of its limit.

use jiff::Timestamp;

use super::shared::budgets::statuses;
use super::shared::session::load;
use crate::cli::{BudgetsArgs, GlobalArgs};
use crate::error::{EXIT_OVER_BUDGET, Error, Result};
use crate::output::budgets::BudgetsView;
use crate::output::{Output, plural};

pub async fn run(args: BudgetsArgs, g: &GlobalArgs, now: Timestamp, out: &mut Output) -> Result<()> {
    super::shared::session::single_account(g, "budgets")?;
    let aws = load(g).await?;
    out.stage("asking AWS Budgets");
    let account = aws.account_id(&aws.home_region()).await?;
    let rows = statuses(&aws, &account, args.all).await?;
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
