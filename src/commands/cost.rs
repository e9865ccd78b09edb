//! `aipctl cost`: spend per value of a cost-allocation tag (default
//! `Department`) from Cost Explorer, optionally split by a second dimension.
//!
//! Every Cost Explorer request is paid, so the order is: check every input
//! (exit 2 before any request), check the tag key's activation
//! (`ListCostAllocationTags`), find the Bedrock billing services
//! (`GetDimensionValues`; skipped with `--all-services`), then one
//! `GetCostAndUsage` followed to its last page, and with `--forecast` one
//! `GetCostForecast` per tag value, announced before they are made. Answers
//! come from the on-disk cache while fresh. The run ends with a line on
//! stderr saying how many paid requests were made and what they cost.
//!
//! `--reconcile` (in [`reconcile`]) puts the bill beside the estimate of the
//! profiles' tokens at Price List prices, per tag value.

use jiff::Timestamp;
use jiff::civil::Date;

use super::shared::cost::{CostPlan, linked_accounts, table, table_notes};
use super::shared::spend;
use crate::cli::{CostArgs, GlobalArgs};
use crate::domain::cost::{DateRange, SpanUnit, Split, TimeSpec};
use crate::error::{Error, Result};
use crate::output::Output;
use crate::output::cost::{CostReport, ReportMeta, paid_summary};

mod reconcile;

/// The report `args` ask for, checked whole before any request, and
/// whether it is `--reconcile` (billed beside estimated, [`reconcile`]).
fn plan(args: &CostArgs, today: Date) -> Result<(CostPlan, bool)> {
    if args.by.len() > 1 {
        return Err(Error::Usage {
            message: format!(
                "Cost Explorer groups by at most two things: the tag key and one `--by`, not {}",
                args.by.len()
            ),
            hint: Some("keep one `--by` (service, model, region, account or usage-type)".into()),
        });
    }
    let spec = match (args.from, args.to, args.month, args.last) {
        (Some(from), Some(to), _, _) => TimeSpec::Between {
            from: from.0,
            to: to.0,
        },
        (_, _, Some(month), _) => month.0,
        (_, _, _, Some(last)) => last.0,
        // A reconciliation needs a closed window: last month, whole.
        _ if args.reconcile => TimeSpec::Month(
            today
                .first_of_month()
                .yesterday()
                .map_or(today, Date::first_of_month),
        ),
        _ => TimeSpec::Last {
            count: 3,
            unit: SpanUnit::Months,
        },
    };
    let range = DateRange::resolve(spec, today)?;
    if args.reconcile {
        reconcile::check(range, args.metric, today)?;
    }
    if args.forecast && args.metric.forecast_name().is_none() {
        return Err(Error::Usage {
            message: "`--forecast` needs a cost metric: Cost Explorer does not forecast usage quantities"
                .into(),
            hint: Some("drop `--metric usage`, or drop `--forecast`".into()),
        });
    }
    if args.forecast && !args.by.is_empty() {
        return Err(Error::Usage {
            message: "`--forecast` is one request per tag value and cannot be split by `--by`".into(),
            hint: Some("run the forecast without `--by`".into()),
        });
    }
    let plan = CostPlan {
        key: args.tag_key.clone(),
        range,
        granularity: args.granularity,
        metric: args.metric,
        split: args.by.first().copied(),
        all_services: args.all_services,
        filter_tags: args.filter_tags.clone(),
        forecast: args.forecast,
    };
    Ok((plan, args.reconcile))
}

pub async fn run(args: CostArgs, g: &GlobalArgs, now: Timestamp, out: &mut Output) -> Result<()> {
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let (plan, reconciling) = plan(&args, today)?;
    if reconciling {
        super::shared::session::single_account(g, "cost --reconcile")?;
    }
    super::shared::session::enters_no_account(g, "cost")?;
    let aws = super::shared::session::load(g).await?;
    let linked = linked_accounts(&aws, g, plan.split == Some(Split::Account), out).await?;
    let ce = spend::explorer(&aws, args.cache_ttl.0, args.no_cache, now);
    if reconciling {
        let done = reconcile::run(&plan, &ce, &aws, args.no_cache, g, now, out).await;
        for problem in ce.cache_problems() {
            out.detail(&format!("could not write the cache: {problem}"));
        }
        out.note(&paid_summary(&ce.paid_requests()));
        return done;
    }
    out.stage("asking Cost Explorer");
    let report = table(&plan, &linked, &ce, g, out, now, today).await;
    for problem in ce.cache_problems() {
        out.detail(&format!("could not write the cache: {problem}"));
    }
    let paid = ce.paid_requests();
    let printed = report.and_then(|(table, meta)| {
        let meta = ReportMeta {
            paid: paid.clone(),
            ..meta
        };
        out.data(&CostReport::new(&table, meta))?;
        table_notes(out, &table);
        Ok(())
    });
    out.note(&paid_summary(&paid));
    printed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    use crate::domain::cost::{CostMetric, Granularity};

    fn parse(args: &[&str]) -> Result<CostPlan> {
        let cli = Cli::try_parse_from([&["aipctl", "cost"], args].concat()).expect("clap accepts it");
        let Command::Cost(a) = cli.command else {
            panic!("not cost")
        };
        plan(&a, "2026-11-22".parse().unwrap()).map(|(p, _)| p)
    }

    #[test]
    fn the_default_is_three_calendar_months_monthly_by_department() {
        let p = parse(&[]).unwrap();
        assert_eq!(p.key.as_str(), "Department");
        assert_eq!(p.range.start.to_string(), "2026-09-01");
        assert_eq!(p.range.end_exclusive.to_string(), "2026-11-23");
        assert_eq!(p.granularity, Granularity::Monthly);
        assert_eq!(p.metric, CostMetric::Unblended);
    }

    #[test]
    fn plans_refuse_what_cost_explorer_would() {
        let code = |args: &[&str]| parse(args).map(|_| ()).unwrap_err().exit_code();
        assert_eq!(code(&["--by", "service", "--by", "region"]), 2);
        assert_eq!(code(&["--forecast", "--metric", "usage"]), 2);
        assert_eq!(code(&["--forecast", "--by", "service"]), 2);
        assert_eq!(code(&["--from", "2026-11-23", "--to", "2026-11-24"]), 2);
        assert_eq!(code(&["--month", "2024-01"]), 2);
        assert!(parse(&["--month", "2026-10", "--by", "model"]).is_ok());
    }
}
