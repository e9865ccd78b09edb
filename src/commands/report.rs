//! `aipctl report --out FILE.html`: one self-contained page for people who
//! read cost by department and do not run CLIs.
//!
//! Every figure is made the way the command that owns it makes it, through
//! the same shared code: spend per tag value and month as `cost` (Cost
//! Explorer, metered and cached), tokens and cache hits per tag value as
//! `usage --by` (CloudWatch), idle profiles as `prune`'s dry run, attribution
//! coverage as `coverage` (CloudWatch by `ModelId`, priced from the Price
//! List). The order: check every input and open the output file (exit 2
//! before any request), ask STS for the account, list the profiles, read
//! CloudWatch and Cost Explorer at the same time, then the coverage. A part whose requests fail is named on the
//! page and in the exit code (1); the rest is still written. The file is
//! written whole or not at all.

use jiff::Timestamp;

use super::shared::accounts::Fleet;
use super::shared::cost::{self as shared_cost, CostPlan, Linked};
use super::shared::coverage::{Ask, measure};
use super::shared::metrics::{last_traffic, look_back, usage_of, window};
use super::shared::select::select;
use super::shared::session::connect;
use crate::aws::Aws;
use crate::cli::{GlobalArgs, ReportArgs};
use crate::domain::cost::{CostMetric, Granularity};
use crate::domain::filter::ProfileFilter;
use crate::domain::profile::Profile;
use crate::domain::prune::{self, Criteria};
use crate::domain::report::{self, DepartmentUsage, Header, Idle, Part, Report, Spend};
use crate::domain::window::{Span, utc_date};
use crate::error::{Error, Result};
use crate::output::Output;
use crate::output::cost::paid_summary;
use crate::output::report::file::Destination;
use crate::output::report::summary::ReportSummary;

/// The parts this aipctl makes from AWS; the others wait for their commands.
const PARTS_MADE: usize = 4;
/// The bypass models the coverage section names.
const TOP_BYPASS: usize = 5;

pub async fn run(args: ReportArgs, g: &GlobalArgs, now: Timestamp, out: &mut Output) -> Result<()> {
    let today = utc_date(now);
    let window = window(&args.window, now)?;
    let field = if args.window.from.is_some() {
        "--from"
    } else {
        "--since"
    };
    let cost_range = report::cost_range(&window, today, field)?;
    super::shared::session::single_account(g, "report")?;
    let destination = Destination::prepare(&args.out)?;

    let (aws, regions) = connect(g).await?;
    let first = regions.first().cloned().unwrap_or_else(|| aws.home_region());
    out.stage("asking STS which account this is");
    let account = aws.account_id(&first).await?;
    let mut fleet = Fleet::single(&aws);
    let selection = select(&mut fleet, &regions, &ProfileFilter::default(), now, g, out).await?;
    let mut failures = selection.failures;
    let profiles = selection.profiles;
    let key = args.tag_key.as_str();

    let ce = shared_cost::explorer(&aws, args.cache_ttl, args.no_cache, now);
    let plan = CostPlan {
        key: args.tag_key.clone(),
        range: cost_range,
        granularity: Granularity::Monthly,
        metric: CostMetric::Unblended,
        split: None,
        all_services: false,
        filter_tags: Vec::new(),
        forecast: false,
    };
    out.stage("reading CloudWatch and Cost Explorer");
    let usage = async {
        let (usages, _) = usage_of(&aws, &profiles, &window).await?;
        Ok(DepartmentUsage::by_tag(&profiles, &usages, key))
    };
    let idle = idle(&aws, &profiles, args.idle, key, now);
    let spend = async {
        let (table, meta) = shared_cost::table(&plan, &Linked::every(), &ce, g, out, now, today).await?;
        Ok(Spend::from_table(&table, meta.forecast))
    };
    let (usage, idle, spend) = tokio::join!(usage, idle, spend);
    let ask = Ask {
        fleet: &fleet,
        regions: &regions,
        profiles: &profiles,
        window: &window,
        key,
        prices: Some(args.no_cache),
        now,
    };
    // A Price List that fails leaves the section by tokens (with a warning), as `coverage` does.
    let coverage = measure(&aws, ask, &mut failures, out)
        .await
        .map(|m| m.coverage.summary(TOP_BYPASS));
    for problem in ce.cache_problems() {
        out.detail(&format!("could not write the cache: {problem}"));
    }
    let paid = ce.paid_requests();

    let report = Report {
        header: Header {
            account,
            regions: regions.iter().map(ToString::to_string).collect(),
            failed_regions: failures.regions(),
            tag_key: key.to_owned(),
            window,
            cost_range,
            generated_at: now,
            profiles: profiles.len(),
            paid: paid.clone(),
        },
        spend: part(spend),
        usage: part(usage),
        idle: part(idle),
        coverage: Some(part(coverage)),
        // No command of this aipctl makes these yet; the page says which will. Each is a
        // `domain::report` value (`Estimated`, `Budgets`) wrapped in `Some(part(…))`.
        estimated: None,
        budgets: None,
    };
    let html = crate::output::report::html(&report)?;
    let shown = destination.path().display().to_string();
    let bytes = destination.commit(html.as_bytes())?;
    out.data(&ReportSummary::new(&report, shown, bytes))?;
    out.note(&paid_summary(&paid));

    let failed = report.failed_parts();
    if !failed.is_empty() {
        return Err(Error::Partial {
            failed: failed.len(),
            total: PARTS_MADE,
            what: "report sections",
        });
    }
    failures.finish()
}

/// A part for the page: its figures, or the failure said in its place.
fn part<T>(made: Result<T>) -> Part<T> {
    made.map_err(|e| match e.hint() {
        Some(hint) => format!("{e} ({hint})"),
        None => e.to_string(),
    })
}

/// The profiles `prune --idle IDLE` would delete, judged as its dry run judges them.
async fn idle(aws: &Aws, profiles: &[Profile], idle: Span, key: &str, now: Timestamp) -> Result<Idle> {
    let criteria = Criteria {
        idle,
        min_age: idle.duration(),
        grace: None,
        mark: false,
    };
    let (last, _) = last_traffic(aws, profiles, look_back(idle), now).await?;
    let judged: Vec<prune::Assessment> = profiles
        .iter()
        .zip(last)
        .map(|(p, l)| prune::assess(p, l, now, &criteria))
        .collect();
    Ok(Idle::from_assessments(
        profiles.iter().zip(&judged),
        key,
        prune::idle_since(idle, now),
        now,
    ))
}
