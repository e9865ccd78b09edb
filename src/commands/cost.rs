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

use jiff::Timestamp;
use jiff::civil::Date;

use super::shared::{self, cost::CostPlan};
use crate::cli::{CostArgs, GlobalArgs};
use crate::domain::cost::{DateRange, SpanUnit, TimeSpec};
use crate::error::{Error, Result};
use crate::output::Output;
use crate::output::cost::{CostReport, ReportMeta, paid_summary};

fn plan(args: &CostArgs, today: Date) -> Result<CostPlan> {
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
        (Some(from), Some(to), _, _) => TimeSpec::Between { from, to },
        (_, _, Some(month), _) => month,
        (_, _, _, Some(last)) => last,
        _ => TimeSpec::Last {
            count: 3,
            unit: SpanUnit::Months,
        },
    };
    let range = DateRange::resolve(spec, today)?;
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
    Ok(CostPlan {
        key: args.tag_key.clone(),
        range,
        granularity: args.granularity,
        metric: args.metric,
        split: args.by.first().copied(),
        all_services: args.all_services,
        filter_tags: args.filter_tags.clone(),
        forecast: args.forecast,
    })
}

pub async fn run(args: CostArgs, g: &GlobalArgs, now: Timestamp, out: &mut Output) -> Result<()> {
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let plan = plan(&args, today)?;
    let aws = shared::session::load(g).await?;
    let ce = shared::cost::explorer(&aws, args.cache_ttl, args.no_cache, now);
    out.stage("asking Cost Explorer");
    let report = shared::cost::table(&plan, &ce, g, out, now, today).await;
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
        shared::cost::table_notes(out, &table);
        Ok(())
    });
    out.note(&paid_summary(&paid));
    printed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use crate::domain::cost::{CostMetric, Granularity};
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<CostPlan> {
        let cli = Cli::try_parse_from([&["aipctl", "cost"], args].concat()).expect("clap accepts it");
        let Command::Cost(a) = cli.command else {
            panic!("not cost")
        };
        plan(&a, "2026-11-22".parse().unwrap())
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
