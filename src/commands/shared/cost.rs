//! What `cost` and `report` share: one Cost Explorer report by a
//! cost-allocation tag, made the way `aipctl cost` makes it.
//!
//! Every Cost Explorer request is paid, so the order is: check the tag key's
//! activation (`ListCostAllocationTags`), find the Bedrock billing services
//! (`GetDimensionValues`; skipped with `--all-services`), then one
//! `GetCostAndUsage` followed to its last page, and with a forecast one
//! `GetCostForecast` per tag value, announced before they are made. Answers
//! come from the on-disk cache while fresh; the gateway counts what was paid.
//! From the payer, `--accounts` scopes the report to linked accounts
//! ([`linked_accounts`]).

use std::collections::BTreeMap;

use futures::{StreamExt, TryStreamExt, stream};
use jiff::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;

use super::spend;
pub use super::spend::explorer;
use crate::aws::Aws;
use crate::aws::costexplorer::CostExplorer;
use crate::cli::GlobalArgs;
use crate::domain::account::{AccountSel, OuId};
use crate::domain::cost::{self, CostMetric, DateRange, Filter, ForecastQuery, Granularity, Grouping, Split};
use crate::domain::tag::{Tag, TagKey};
use crate::error::{Error, Result};
use crate::output::cost::{MAX_PERIOD_COLUMNS, ReportMeta};
use crate::output::{Format, Output};

/// Cost Explorer throttles early (`LimitExceededException`), and every
/// retry is paid: forecasts go at most this many at a time.
const MAX_CE_CONCURRENCY: usize = 4;
/// From this many `GetCostAndUsage` pages on, a daily report says what monthly would save.
const EXPENSIVE_PAGES: usize = 10;

/// A report, checked whole before any request.
#[derive(Debug, Clone)]
pub struct CostPlan {
    pub key: TagKey,
    pub range: DateRange,
    pub granularity: Granularity,
    pub metric: CostMetric,
    pub split: Option<Split>,
    pub all_services: bool,
    pub filter_tags: Vec<Tag>,
    pub forecast: bool,
}

impl Linked {
    /// Every account the caller's bill covers, without names.
    pub fn every() -> Self {
        Self {
            ids: None,
            names: BTreeMap::new(),
        }
    }
}

/// Everything up to the data: the table and what the view needs besides.
pub async fn table(
    plan: &CostPlan,
    linked: &Linked,
    ce: &CostExplorer,
    g: &GlobalArgs,
    out: &mut Output,
    now: Timestamp,
    today: Date,
) -> Result<(cost::CostTable, ReportMeta)> {
    check_activation(plan, ce, out, now).await?;

    let services = if plan.all_services {
        None
    } else {
        Some(ce.bedrock_services(&plan.range).await?)
    };
    let mut split = plan.split;
    if split == Some(Split::Model) && plan.range.start < cost::PRODUCT_ATTRIBUTES_FROM {
        out.warn(&format!(
            "Cost Explorer has model data only from {}; splitting by billing service instead \
             (third-party models bill under their own service names)",
            cost::PRODUCT_ATTRIBUTES_FROM
        ));
        split = Some(Split::Service);
    }
    if split == Some(Split::Model) {
        out.note(
            "note: a split by model leaves out costs without a model (credits, refunds, other services), \
             so its total can be below the report's without `--by`",
        );
    }
    let by_tag = spend::ByTag {
        key: &plan.key,
        range: plan.range,
        granularity: plan.granularity,
        metric: plan.metric,
        split,
        filter_tags: &plan.filter_tags,
        linked_accounts: linked.ids.as_deref(),
    };
    let split_grouping = split.map(Split::grouping);
    let expected = plan.range.periods(plan.granularity);
    let default_unit = if plan.metric.is_money() { "USD" } else { "N/A" };

    let results = if services.as_ref().is_some_and(Vec::is_empty) {
        out.note(&format!(
            "no Bedrock spend from {} to {}: Cost Explorer lists no Bedrock billing service then",
            plan.range.start,
            plan.range.last_day()
        ));
        Vec::new()
    } else {
        ce.cost_and_usage(&by_tag.query(services.as_deref())).await?
    };
    let table = cost::shape(&expected, &results, split_grouping.as_ref(), default_unit, today);
    let pages = ce
        .paid_requests()
        .sent
        .get("GetCostAndUsage")
        .copied()
        .unwrap_or(0);
    if plan.granularity == Granularity::Daily && pages >= EXPENSIVE_PAGES {
        out.note(&format!(
            "note: {} daily periods took {pages} paid pages (Cost Explorer sends about 100 day × value \
             groups a page); `--granularity monthly` needs about 30 times fewer",
            expected.len()
        ));
    }

    let forecast = if !plan.forecast {
        None
    } else if services.as_ref().is_some_and(Vec::is_empty) {
        out.note(&format!(
            "forecast: nothing to forecast: no Bedrock spend from {} to {}, so no GetCostForecast request \
             was made",
            plan.range.start,
            plan.range.last_day()
        ));
        None
    } else {
        Some(forecasts(plan, linked, ce, g, out, services.as_deref(), &table, today).await?)
    };
    let by = split.map(|s| {
        let key = match s.grouping() {
            Grouping::Tag(k) | Grouping::Dimension(k) | Grouping::ProductAttribute(k) => k,
        };
        (key, s.label().to_owned())
    });
    Ok((
        table,
        ReportMeta {
            range: plan.range,
            tag_key: plan.key.as_str().to_owned(),
            by,
            metric: plan.metric.api_name().to_owned(),
            granularity: plan.granularity.api_name().to_owned(),
            services,
            forecast,
            paid: cost::PaidRequests::default(),
            account_names: if split == Some(Split::Account) {
                linked.names.clone()
            } else {
                BTreeMap::new()
            },
            accounts: linked.named_ids(),
        },
    ))
}

/// The linked accounts a report covers and their names.
pub struct Linked {
    /// The `LINKED_ACCOUNT` filter's values; `None`: every account the bill covers.
    pub ids: Option<Vec<String>>,
    /// Account names by ID, from Organizations.
    pub names: BTreeMap<String, String>,
}

impl Linked {
    /// The filter's accounts with their names, when known.
    pub fn named_ids(&self) -> Option<Vec<(String, Option<String>)>> {
        self.ids.as_ref().map(|ids| {
            ids.iter()
                .map(|id| (id.clone(), self.names.get(id).cloned()))
                .collect()
        })
    }
}

/// Which accounts' spend the payer's report covers (`--accounts`,
/// `--accounts-file`, `--exclude-accounts`) and, for them or for `--by
/// account`, the accounts' names: one `ListAccounts` (a page per 20
/// accounts), never a request per account. Suspended accounts count: their
/// spend stays on the bill. Without Organizations access, `--by account`
/// goes without names.
pub async fn linked_accounts(
    aws: &Aws,
    g: &GlobalArgs,
    by_account: bool,
    out: &mut Output,
) -> Result<Linked> {
    let args = &g.org;
    if !args.is_multi() && !by_account {
        return Ok(Linked {
            ids: None,
            names: BTreeMap::new(),
        });
    }
    let org = aws.organizations();
    let ous: Vec<&OuId> = args
        .accounts
        .iter()
        .filter_map(|s| match s {
            AccountSel::Ou(ou) => Some(ou),
            _ => None,
        })
        .collect();
    let all = args.accounts.contains(&AccountSel::All);
    let (listed, under) = tokio::join!(org.accounts(), async {
        futures::future::try_join_all(ous.iter().map(|ou| org.accounts_under(ou))).await
    });
    let needs_org = all || !ous.is_empty();
    let listed = match listed {
        Ok(l) => l,
        Err(e) if !needs_org => {
            out.warn(&format!("account names are not shown: {e}"));
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    let names: BTreeMap<String, String> = listed
        .iter()
        .map(|a| (a.id.to_string(), a.name.clone()))
        .collect();
    let mut ids: Vec<String> = Vec::new();
    if all {
        ids.extend(listed.iter().map(|a| a.id.to_string()));
    }
    if !ous.is_empty() {
        ids.extend(under?.into_iter().flatten().map(|a| a.id.to_string()));
    }
    for s in &args.accounts {
        if let AccountSel::Id(id) = s {
            ids.push(id.to_string());
        }
    }
    if let Some(path) = &args.accounts_file {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Usage {
            message: format!("cannot read the accounts file `{}`: {e}", path.display()),
            hint: None,
        })?;
        let file = crate::domain::account::parse_accounts_file(&text).map_err(|e| Error::Usage {
            message: format!("`{}`: {e}", path.display()),
            hint: None,
        })?;
        ids.extend(file.iter().map(|a| a.account.id.to_string()));
    }
    let mut seen = std::collections::BTreeSet::new();
    ids.retain(|id| seen.insert(id.clone()) && !args.exclude_accounts.iter().any(|x| x.as_str() == id));
    let ids = if !args.is_multi() || (all && args.exclude_accounts.is_empty()) {
        None
    } else if ids.is_empty() {
        return Err(Error::Usage {
            message: "no account is left to report on after `--exclude-accounts`".into(),
            hint: None,
        });
    } else {
        Some(ids)
    };
    Ok(Linked { ids, names })
}

/// What the table leaves implicit, said under it.
pub fn table_notes(out: &mut Output, table: &cost::CostTable) {
    if out.format != Format::Table {
        return;
    }
    if table.periods.len() > MAX_PERIOD_COLUMNS {
        out.note(&format!(
            "{} periods: the table shows a trend per row; `-o csv` or `-o json` has every period",
            table.periods.len()
        ));
    }
    if table.periods.iter().any(|p| p.estimated) {
        out.note("* estimated: billing for the period is not final yet");
    }
}

/// Warns when Cost Explorer cannot group (or filter) by the keys asked for.
pub async fn check_activation(
    plan: &CostPlan,
    ce: &CostExplorer,
    out: &mut Output,
    now: Timestamp,
) -> Result<()> {
    let mut keys = vec![plan.key.as_str().to_owned()];
    for t in &plan.filter_tags {
        if !keys.iter().any(|k| k == t.key.as_str()) {
            keys.push(t.key.as_str().to_owned());
        }
    }
    let tags = ce.cost_allocation_tags(Some(&keys), true).await?;
    spend::warn_activation(out, &keys, &tags, &plan.range, now);
    Ok(())
}

/// One `GetCostForecast` per tag value for the rest of the month, announced
/// first, a few at a time. A value without enough history gets `None`.
#[allow(clippy::too_many_arguments, reason = "the report's parts, passed down once")]
async fn forecasts(
    plan: &CostPlan,
    linked: &Linked,
    ce: &CostExplorer,
    g: &GlobalArgs,
    out: &mut Output,
    services: Option<&[String]>,
    table: &cost::CostTable,
    today: Date,
) -> Result<(DateRange, Vec<Option<Decimal>>)> {
    let range = cost::rest_of_month(today);
    let values = table.tag_values();
    out.note(&format!(
        "forecast: {n} GetCostForecast request{s}, one per `{key}` value (up to USD {usd}; cached answers are free)",
        n = values.len(),
        s = if values.len() == 1 { "" } else { "s" },
        key = plan.key,
        usd = crate::output::cost::Amount(cost::requests_cost_usd(values.len())).exact(),
    ));
    let metric = plan.metric.forecast_name().unwrap_or_default().to_owned();
    let queries: Vec<ForecastQuery> = values
        .iter()
        .map(|v| {
            let mut parts: Vec<Filter> =
                cost::scope_filter_in(services, &plan.filter_tags, linked.ids.as_deref())
                    .map(|f| match f {
                        Filter::And(parts) => parts,
                        one => vec![one],
                    })
                    .unwrap_or_default();
            let key = plan.key.as_str().to_owned();
            parts.push(match v {
                Some(value) => Filter::Tag {
                    key,
                    values: vec![value.clone()],
                },
                None => Filter::TagAbsent { key },
            });
            ForecastQuery {
                range,
                metric: metric.clone(),
                filter: Filter::all(parts),
            }
        })
        .collect();
    let by_value: Vec<Option<Decimal>> = stream::iter(queries.iter().map(|q| ce.forecast(q)))
        .buffered(usize::from(g.concurrency).min(MAX_CE_CONCURRENCY))
        .try_collect()
        .await?;
    let missing = by_value.iter().filter(|f| f.is_none()).count();
    if missing > 0 {
        out.note(&format!(
            "no forecast for {}: Cost Explorer has too little history for {}",
            crate::output::plural(missing, "value"),
            if missing == 1 { "it" } else { "them" }
        ));
    }
    let per_row = table
        .rows
        .iter()
        .map(|r| {
            values
                .iter()
                .position(|v| *v == r.value)
                .and_then(|i| by_value[i])
        })
        .collect();
    Ok((range, per_row))
}
