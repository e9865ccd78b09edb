//! `aipctl cost --reconcile`: for a closed window, per value of the tag key,
//! what Cost Explorer billed (the Bedrock billing services, as `cost`
//! reports them, split into token charges and the rest by usage type)
//! beside what the profiles' tokens cost at AWS Price List prices
//! (CloudWatch over the same UTC days), the difference, and what explains
//! it. One `GetCostAndUsage` grouped by tag and usage type; the estimate
//! costs nothing.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::aws::Aws;
use crate::aws::costexplorer::CostExplorer;
use crate::cli::GlobalArgs;
use crate::commands::shared::accounts::Fleet;
use crate::commands::shared::cost::CostPlan as Plan;
use crate::commands::shared::metrics::usage_of;
use crate::commands::shared::prices::price_profiles;
use crate::commands::shared::select::{region_list, select};
use crate::domain::cost::{self, CostMetric, CostQuery, DateRange, Granularity, Grouping};
use crate::domain::filter::ProfileFilter;
use crate::domain::price::{self, Cause};
use crate::domain::window::Window;
use crate::error::{Error, Result};
use crate::output::price::{ReconcileMeta, ReconcileView};
use crate::output::{Output, plural};

/// Refuses what cannot be reconciled: a window that is not over (billing
/// for today is not in yet) and a metric that is not money.
pub(super) fn check(range: DateRange, metric: CostMetric, today: Date) -> Result<()> {
    if range.end_exclusive > today {
        return Err(Error::Usage {
            message: format!(
                "`--reconcile` needs a closed window, and {} → {} includes today, which billing has not closed",
                range.start,
                range.last_day()
            ),
            hint: Some(format!(
                "end it yesterday (`--to {}`) or take a whole month (`--month YYYY-MM`); without either, \
                 `--reconcile` takes last month",
                today.yesterday().unwrap_or(today)
            )),
        });
    }
    if !metric.is_money() {
        return Err(Error::Usage {
            message: "`--reconcile` compares money: `--metric usage` has no estimate to compare".into(),
            hint: Some("drop `--metric`, or use a cost metric such as `unblended`".into()),
        });
    }
    Ok(())
}

pub(super) async fn run(
    plan: &Plan,
    ce: &CostExplorer,
    aws: &Aws,
    no_cache: bool,
    g: &GlobalArgs,
    now: Timestamp,
    out: &mut Output,
) -> Result<()> {
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let regions = aws.regions(&g.regions, g.all_regions)?;
    out.stage("asking Cost Explorer");
    crate::commands::shared::cost::check_activation(plan, ce, out, now).await?;
    let services = ce.bedrock_services(&plan.range).await?;
    let usage_type = Grouping::Dimension("USAGE_TYPE".into());
    let results = if services.is_empty() {
        Vec::new()
    } else {
        ce.cost_and_usage(&CostQuery {
            range: plan.range,
            granularity: Granularity::Monthly,
            metric: plan.metric,
            group_by: vec![Grouping::Tag(plan.key.as_str().to_owned()), usage_type.clone()],
            filter: cost::scope_filter(Some(&services), &[]),
        })
        .await?
    };
    let expected = plan.range.periods(Granularity::Monthly);
    let table = cost::shape(&expected, &results, Some(&usage_type), "USD", today);
    let billed = price::reconcile::billed_rows(
        table
            .rows
            .iter()
            .map(|r| (r.value.clone(), r.group.clone(), r.total)),
    );

    let selection = select(
        &mut Fleet::single(aws),
        &regions,
        &ProfileFilter::default(),
        now,
        g,
        out,
    )
    .await?;
    let profiles = selection.profiles;
    let window = Window::days(plan.range.start, plan.range.last_day(), now)?;
    out.stage(&format!(
        "reading CloudWatch metrics of {}",
        plural(profiles.len(), "profile")
    ));
    let (usages, _) = usage_of(aws, &profiles, &window).await?;
    let priced = price_profiles(aws, &profiles, &usages, no_cache, now, out).await?;
    let key = plan.key.as_str();
    let reconciliation = price::reconcile(
        &billed,
        profiles
            .iter()
            .zip(&priced.estimates)
            .map(|(p, e)| (p.tags.get(key).map(str::to_owned), e)),
    );

    let view = ReconcileView::new(
        &reconciliation,
        ReconcileMeta {
            tag_key: key.to_owned(),
            start: plan.range.start.to_string(),
            end: plan.range.end_exclusive.to_string(),
            metric: plan.metric.api_name().to_owned(),
            window: format!("{} → {} (UTC days)", plan.range.start, plan.range.last_day()),
            prices: priced.source,
            regions: regions.iter().map(ToString::to_string).collect(),
            paid_requests: ce.paid_requests().total(),
        },
    );
    out.data(&view)?;
    if out.is_table() {
        notes(
            out,
            &reconciliation,
            &regions,
            table.periods.iter().any(|p| p.estimated),
        );
    }
    selection.failures.finish()
}

/// What the table's causes mean, said once under it.
fn notes(
    out: &mut Output,
    r: &price::Reconciliation,
    regions: &[crate::domain::region::Region],
    estimated: bool,
) {
    let any = |c: Cause| r.rows.iter().any(|row| row.causes.contains(&c));
    if any(Cause::NotThroughProfiles) {
        out.note(
            "not through profiles: untagged Bedrock spend no untagged application profile accounts for (system \
             profiles, bare model IDs, profiles deleted since)",
        );
    }
    if any(Cause::NonTokenCharges) {
        out.note("non-token: billed charges that are not tokens (credits, refunds, other usage)");
    }
    if any(Cause::UnpricedProfiles) {
        out.note(
            "unpriced profile: its model has no Price List price, so its spend is billed but not estimated",
        );
    }
    if any(Cause::Unexplained) {
        out.note(&format!(
            "unexplained: profiles in other accounts or outside {}, profiles deleted since, tags changed or \
             activated during the window, or prices changed",
            region_list(regions)
        ));
    }
    if estimated {
        out.note("billing for the window is not final yet (Cost Explorer marks it estimated)");
    }
}
