//! Where the budgets aipctl manages stand this month, as `budgets` and
//! `report` show them: one `DescribeBudgets` followed to its last page, then
//! one `DescribeNotificationsForBudget` per budget shown (no subscribers:
//! nothing shown needs them). aipctl's budgets are those named
//! `aipctl-<spec>-<department>` whose filter is that department
//! (`domain::budget::Current::owner`); `all` keeps every budget.

use crate::aws::Aws;
use crate::domain::budget::status::Status;
use crate::error::Result;

/// The standing of `account`'s budgets (aipctl's, or `all`), by name.
pub async fn statuses(aws: &Aws, account: &str, all: bool) -> Result<Vec<Status>> {
    let gateway = aws.budgets(account);
    let mut budgets = gateway.list().await?;
    budgets.retain(|b| all || b.owner().is_some());
    gateway.detail(&mut budgets, |_| true, false).await?;
    Ok(budgets.iter().map(Status::of).collect())
}
