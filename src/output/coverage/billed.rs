//! `coverage --billed`: Bedrock spend under the cost tag per period, from
//! Cost Explorer, beside the traffic's coverage.

use comfy_table::CellAlignment;
use serde::Serialize;

use crate::domain::cost::Period;
use crate::domain::coverage::billed::BilledPeriod;
use crate::output::cost::{Amount, money, period_label};
use crate::output::new_table;

fn pct(d: Option<rust_decimal::Decimal>) -> Option<String> {
    d.map(|d| d.to_string())
}

#[derive(Debug, Serialize)]
pub struct BilledPeriodView {
    pub start: String,
    /// Exclusive, as Cost Explorer's `TimePeriod.End`.
    pub end: String,
    pub estimated: bool,
    /// Spend with a value of the cost tag.
    pub tagged: Amount,
    /// Spend without the cost tag that an IAM principal tag attributes.
    pub by_principal: Amount,
    /// Spend attributed neither way.
    pub untagged: Amount,
    pub total: Amount,
    pub attributed_share_percent: Option<String>,
    #[serde(skip)]
    label: String,
}

impl From<&BilledPeriod> for BilledPeriodView {
    fn from(p: &BilledPeriod) -> Self {
        Self {
            start: p.start.to_string(),
            end: p.end_exclusive.to_string(),
            estimated: p.estimated,
            tagged: Amount(p.tagged),
            by_principal: Amount(p.by_principal),
            untagged: Amount(p.untagged),
            total: Amount(p.total()),
            attributed_share_percent: pct(p.share()),
            label: period_label(&Period {
                start: p.start,
                end_exclusive: p.end_exclusive,
                estimated: p.estimated,
            }),
        }
    }
}

/// `--billed`: Bedrock spend under the cost tag per period, from Cost Explorer.
#[derive(Debug, Serialize)]
pub struct BilledView {
    pub tag_key: String,
    pub metric: &'static str,
    pub currency: &'static str,
    /// Whether IAM-principal cost allocation is on: some `iamPrincipal/` key is active.
    pub iam_principal_allocation: bool,
    /// The principal key whose values count as attributed.
    pub principal_key: Option<String>,
    /// The billing services read (Bedrock's).
    pub services: Vec<String>,
    /// The linked accounts whose spend is read (`--accounts`, from the
    /// payer); `null`: every account the caller's bill covers.
    pub linked_accounts: Option<Vec<String>>,
    pub periods: Vec<BilledPeriodView>,
    pub total: Option<BilledPeriodView>,
    pub paid_requests: usize,
    pub from_cache: bool,
}

impl BilledView {
    pub fn new(
        tag_key: &str,
        principal_key: Option<String>,
        (services, linked_accounts): (Vec<String>, Option<Vec<String>>),
        periods: &[BilledPeriod],
        paid: &crate::domain::cost::PaidRequests,
    ) -> Self {
        Self {
            tag_key: tag_key.to_owned(),
            metric: "UnblendedCost",
            currency: "USD",
            iam_principal_allocation: principal_key.is_some(),
            principal_key,
            services,
            linked_accounts,
            periods: periods.iter().map(BilledPeriodView::from).collect(),
            total: crate::domain::coverage::billed::overall(periods)
                .as_ref()
                .map(BilledPeriodView::from),
            paid_requests: paid.total(),
            from_cache: paid.total() == 0 && paid.from_cache > 0,
        }
    }

    pub(super) fn lines(&self) -> Vec<String> {
        let principal = self.principal_key.is_some();
        let mut header = vec!["billed (Cost Explorer)", "tagged"];
        if principal {
            header.push("by principal");
        }
        header.extend(["untagged", "total", "attributed"]);
        let mut t = new_table(&header);
        let rows = self
            .periods
            .iter()
            .map(|p| (p.label.as_str(), p))
            .chain(self.total.iter().map(|p| ("TOTAL", p)));
        for (label, p) in rows {
            let mut row = vec![label.to_owned(), money(p.tagged.0, self.currency)];
            if principal {
                row.push(money(p.by_principal.0, self.currency));
            }
            row.extend([
                money(p.untagged.0, self.currency),
                money(p.total.0, self.currency),
                p.attributed_share_percent
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), |s| format!("{s}%")),
            ]);
            t.add_row(row);
        }
        for i in 1..header.len() {
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        let mut out = vec![String::new()];
        out.extend(t.to_string().lines().map(|l| l.trim_end().to_owned()));
        out.push(match &self.principal_key {
            Some(k) => format!(
                "billed: {} under `{}`; IAM-principal cost allocation is on: untagged spend with a `{k}` value \
                 counts as attributed",
                self.metric, self.tag_key
            ),
            None => format!(
                "billed: {} under `{}`, Bedrock billing services (credits and refunds without the tag count as \
                 untagged, as in `aipctl cost`)",
                self.metric, self.tag_key
            ),
        });
        if let Some(ids) = &self.linked_accounts {
            out.push(format!("billed spend of the linked accounts {}", ids.join(", ")));
        }
        if self.periods.iter().any(|p| p.estimated) {
            out.push("* estimated: billing for the period is not final yet".to_owned());
        }
        out
    }
}
