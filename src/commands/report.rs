//! `aipctl report --out FILE.html`: one self-contained page for people who
//! read cost by department and do not run CLIs.
//!
//! Every figure is made the way the command that owns it makes it, through
//! the same shared code: spend per tag value and month as `cost` (Cost
//! Explorer, metered and cached; `--forecast` adds its forecast), tokens and
//! cache hits per tag value as `usage --by` (CloudWatch), the estimate of
//! those tokens and this month's so far at Price List prices as `usage`
//! prices them, the budgets as `budgets` reads them, idle profiles as
//! `prune`'s dry run. The order: check every input and open the output file
//! (exit 2 before any request), enter the accounts (`--accounts`) or ask STS
//! for the caller's, list the profiles, then read CloudWatch, the Price
//! List, Cost Explorer and AWS Budgets at the same time. Across accounts,
//! CloudWatch is read in each account and each department summed; Cost
//! Explorer (filtered to the accounts' `LINKED_ACCOUNT`s) and Budgets are
//! read in the caller's. A part whose requests fail is named on the page and
//! in the exit code (1); the rest is still written. Attribution coverage as
//! `coverage` measures it (CloudWatch by `ModelId`, priced from the Price
//! List) comes last. The file is written whole or not at all.

use futures::future::join_all;
use jiff::Timestamp;
use jiff::civil::Date;

use super::shared::accounts::{Failures, Fleet};
use super::shared::budgets::statuses;
use super::shared::cost::{self as shared_cost, CostPlan, linked_accounts};
use super::shared::coverage::{Ask, measure};
use super::shared::metrics::{last_traffic, look_back, usage_of, window};
use super::shared::prices::Prices;
use super::shared::select::select;
use super::shared::session::connect_fleet;
use crate::aws::Aws;
use crate::cli::{GlobalArgs, ReportArgs};
use crate::domain::account::{Account, AccountId};
use crate::domain::cost::{CostMetric, DateRange, Granularity};
use crate::domain::filter::ProfileFilter;
use crate::domain::profile::Profile;
use crate::domain::prune::{self, Criteria};
use crate::domain::region::Region;
use crate::domain::report::{
    self, BudgetSection, DepartmentUsage, Estimated, Header, Idle, Part, Report, Spend, ThisMonth,
};
use crate::domain::usage::Usage;
use crate::domain::window::{Span, Window, utc_date};
use crate::error::{Error, Result};
use crate::output::Output;
use crate::output::cost::paid_summary;
use crate::output::report::file::Destination;
use crate::output::report::summary::ReportSummary;

/// The bypass models the coverage section names.
const TOP_BYPASS: usize = 5;

pub async fn run(args: ReportArgs, g: &GlobalArgs, now: Timestamp, out: &mut Output) -> Result<()> {
    let today = utc_date(now);
    let window = window(&args.window, now)?;
    let (field, end_field) = if args.window.from.is_some() {
        ("--from", "--to")
    } else {
        ("--since", "--since")
    };
    let cost_range = report::cost_range(&window, today, field)?;
    if args.forecast {
        report::check_forecast(&cost_range, today, end_field)?;
    }
    let month = report::this_month(&cost_range, now);
    let destination = Destination::prepare(&args.out)?;

    let (aws, regions, mut fleet) = connect_fleet(g, out).await?;
    let account = caller_account(&aws, &fleet, &regions, out).await?;
    let selection = select(&mut fleet, &regions, &ProfileFilter::default(), now, g, out).await?;
    let mut failures = selection.failures;
    let listed = selection.profiles;
    let key = args.tag_key.as_str();

    let linked = linked_accounts(&aws, g, false, out).await;
    let ce = shared_cost::explorer(&aws, args.cache_ttl.0, args.no_cache, now);
    let plan = cost_plan(&args, cost_range);
    out.stage("reading CloudWatch, the Price List, Cost Explorer and AWS Budgets");
    let prices = async {
        if listed.is_empty() {
            return Ok(None);
        }
        Prices::read(&aws, &listed, args.no_cache, now).await.map(Some)
    };
    let month_window = month.as_ref().map(|(_, w)| w);
    let figures = figures(&fleet, listed.clone(), &window, month_window, args.idle, now);
    let spend = async {
        let (table, meta) = shared_cost::table(&plan, &linked?, &ce, g, out, now, today).await?;
        Ok(Spend::from_table(&table, meta.forecast))
    };
    let budgets = async {
        let rows = statuses(&aws, &account, false).await?;
        Ok(BudgetSection {
            account: account.clone(),
            rows,
        })
    };
    let (prices, figures, spend, budgets) = tokio::join!(prices, figures, spend, budgets);
    for problem in ce.cache_problems() {
        out.detail(&format!("could not write the cache: {problem}"));
    }
    let paid = ce.paid_requests();
    let prices = part(prices);
    let publication_date = match &prices {
        Ok(Some(p)) => p.announce(out).publication_date,
        _ => None,
    };
    let figures = figures.settle(&fleet, &mut failures)?;
    let accounts = read_accounts(&fleet, &figures.failed_accounts);
    let made = Made::of(
        figures,
        &prices,
        publication_date.as_ref(),
        month,
        args.idle,
        key,
        now,
    );
    let ask = Ask {
        fleet: &fleet,
        regions: &regions,
        profiles: &listed,
        window: &window,
        key,
        prices: Some(args.no_cache),
        now,
    };
    // A Price List that fails leaves the section by tokens (with a warning), as `coverage` does.
    let coverage = measure(&aws, ask, &mut failures, out)
        .await
        .map(|m| m.coverage.summary(TOP_BYPASS));

    let report = Report {
        header: Header {
            account,
            accounts,
            regions: regions.iter().map(ToString::to_string).collect(),
            not_read: failures.regions(),
            tag_key: key.to_owned(),
            window,
            cost_range,
            generated_at: now,
            profiles: made.profiles,
            paid,
        },
        spend: part(spend),
        this_month: made.this_month,
        usage: made.usage,
        idle: made.idle,
        estimated: Some(made.estimated),
        coverage: Some(part(coverage)),
        budgets: Some(part(budgets)),
    };
    write(&report, destination, failures, out)
}

/// The caller's account: known once accounts were entered, else from STS.
async fn caller_account(aws: &Aws, fleet: &Fleet, regions: &[Region], out: &mut Output) -> Result<String> {
    if let Some(caller) = &fleet.caller {
        return Ok(caller.to_string());
    }
    out.stage("asking STS which account this is");
    let first = regions.first().cloned().unwrap_or_else(|| aws.home_region());
    aws.account_id(&first).await
}

/// Writes the page, says what it holds, and exits 1 when a part or an
/// account failed.
fn write(report: &Report, destination: Destination, failures: Failures, out: &mut Output) -> Result<()> {
    let html = crate::output::report::html(report)?;
    let shown = destination.path().display().to_string();
    let bytes = destination.commit(html.as_bytes())?;
    out.data(&ReportSummary::new(report, shown, bytes))?;
    out.note(&paid_summary(&report.header.paid));

    let failed = report.failed_parts();
    if !failed.is_empty() {
        return Err(Error::Partial {
            failed: failed.len(),
            total: report.parts_made(),
            what: "report sections",
        });
    }
    failures.finish()
}

/// Spend per tag value and calendar month over `range`, as `cost` asks for it.
fn cost_plan(args: &ReportArgs, range: DateRange) -> CostPlan {
    CostPlan {
        key: args.tag_key.clone(),
        range,
        granularity: Granularity::Monthly,
        metric: CostMetric::Unblended,
        split: None,
        all_services: false,
        filter_tags: Vec::new(),
        forecast: args.forecast,
    }
}

/// The labels of the accounts whose figures are on the page, in a run
/// across accounts (empty in one account).
fn read_accounts(fleet: &Fleet, failed: &[AccountId]) -> Vec<String> {
    if !fleet.multi {
        return Vec::new();
    }
    fleet
        .members()
        .iter()
        .filter_map(|m| m.account.as_ref())
        .filter(|a| !failed.contains(&a.id))
        .map(Account::label)
        .collect()
}

/// The parts made from CloudWatch's figures and the prices.
struct Made {
    profiles: usize,
    usage: Part<DepartmentUsage>,
    estimated: Part<Estimated>,
    this_month: Option<Part<ThisMonth>>,
    idle: Part<Idle>,
}

impl Made {
    fn of(
        figures: Figures,
        prices: &Part<Option<Prices>>,
        publication_date: Option<&String>,
        month: Option<(DateRange, Window)>,
        idle_span: Span,
        key: &str,
        now: Timestamp,
    ) -> Self {
        let Figures {
            profiles,
            usage,
            month_usage,
            last_traffic,
            ..
        } = figures;
        let usage = part(usage);
        let estimate = |usages: &Part<Vec<Usage>>| -> Part<Estimated> {
            let usages = usages.as_ref().map_err(Clone::clone)?;
            let estimates = match prices.as_ref().map_err(Clone::clone)? {
                Some(p) => p.estimate(&profiles, usages),
                None => Vec::new(),
            };
            Ok(Estimated::by_tag(
                &profiles,
                usages,
                &estimates,
                key,
                publication_date.cloned(),
            ))
        };
        let this_month = month.zip(month_usage).map(|((range, window), usages)| {
            estimate(&part(usages)).map(|estimate| ThisMonth {
                range,
                window,
                estimate,
            })
        });
        Self {
            profiles: profiles.len(),
            estimated: estimate(&usage),
            this_month,
            idle: part(last_traffic).map(|last| idle(&profiles, &last, idle_span, key, now)),
            usage: usage.map(|u| DepartmentUsage::by_tag(&profiles, &u, key)),
        }
    }
}

/// A part for the page: its figures, or the failure said in its place.
fn part<T>(made: Result<T>) -> Part<T> {
    made.map_err(|e| match e.hint() {
        Some(hint) => format!("{e} ({hint})"),
        None => e.to_string(),
    })
}

/// What CloudWatch says of the profiles, read in each account: the
/// window's usage, this month's so far, and each profile's last traffic.
struct Figures {
    /// The profiles whose figures are below, in their order.
    profiles: Vec<Profile>,
    usage: Result<Vec<Usage>>,
    /// `None` when the report has no estimate of this month.
    month_usage: Option<Result<Vec<Usage>>>,
    last_traffic: Result<Vec<Option<Date>>>,
    /// Accounts left out because a read failed (runs across accounts).
    failed_accounts: Vec<AccountId>,
}

/// One account's reads, before they are settled into [`Figures`].
struct Read<'a> {
    member: &'a super::shared::accounts::Member,
    profiles: Vec<Profile>,
    usage: Result<Vec<Usage>>,
    month_usage: Option<Result<Vec<Usage>>>,
    last_traffic: Result<Vec<Option<Date>>>,
}

struct Reads<'a>(Vec<Read<'a>>, bool);

/// Reads each account's figures at once (the three reads of an account together).
async fn figures<'a>(
    fleet: &'a Fleet,
    profiles: Vec<Profile>,
    window: &Window,
    month: Option<&Window>,
    idle: Span,
    now: Timestamp,
) -> Reads<'a> {
    let reads = join_all(
        fleet
            .by_member(profiles)
            .into_iter()
            .map(|(member, ps)| async move {
                let (usage, month_usage, last) = tokio::join!(
                    usage_of(&member.aws, &ps, window),
                    async {
                        match month {
                            Some(w) => Some(usage_of(&member.aws, &ps, w).await.map(|(u, _)| u)),
                            None => None,
                        }
                    },
                    last_traffic(&member.aws, &ps, look_back(idle), now),
                );
                Read {
                    member,
                    profiles: ps,
                    usage: usage.map(|(u, _)| u),
                    month_usage,
                    last_traffic: last.map(|(l, _)| l),
                }
            }),
    )
    .await;
    Reads(reads, month.is_some())
}

impl Reads<'_> {
    /// In one account, each read is its part's figures or failure. Across
    /// accounts, an account with a failed read is a failure of the run (named
    /// after the page is written, exit 1) and left out of every part, so
    /// the parts sum the same accounts.
    fn settle(self, fleet: &Fleet, failures: &mut Failures) -> Result<Figures> {
        let Reads(reads, with_month) = self;
        let mut f = Figures {
            profiles: Vec::new(),
            usage: Ok(Vec::new()),
            month_usage: with_month.then(|| Ok(Vec::new())),
            last_traffic: Ok(Vec::new()),
            failed_accounts: Vec::new(),
        };
        for r in reads {
            if !fleet.multi {
                return Ok(Figures {
                    profiles: r.profiles,
                    usage: r.usage,
                    month_usage: r.month_usage,
                    last_traffic: r.last_traffic,
                    failed_accounts: Vec::new(),
                });
            }
            match (r.usage, r.month_usage.transpose(), r.last_traffic) {
                (Ok(usage), Ok(month), Ok(last)) => {
                    f.profiles.extend(r.profiles);
                    extend(&mut f.usage, usage);
                    if let (Some(all), Some(month)) = (&mut f.month_usage, month) {
                        extend(all, month);
                    }
                    extend(&mut f.last_traffic, last);
                }
                (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                    if let Some(a) = &r.member.account {
                        f.failed_accounts.push(a.id.clone());
                    }
                    failures.member(r.member, e)?;
                }
            }
        }
        Ok(f)
    }
}

fn extend<T>(all: &mut Result<Vec<T>>, more: Vec<T>) {
    if let Ok(all) = all {
        all.extend(more);
    }
}

/// The profiles `prune --idle IDLE` would delete, judged as its dry run
/// judges them from each profile's `last` traffic.
fn idle(profiles: &[Profile], last: &[Option<Date>], idle: Span, key: &str, now: Timestamp) -> Idle {
    let criteria = Criteria {
        idle,
        min_age: idle.duration(),
        grace: None,
        mark: false,
    };
    let judged: Vec<prune::Assessment> = profiles
        .iter()
        .zip(last)
        .map(|(p, l)| prune::assess(p, *l, now, &criteria))
        .collect();
    Idle::from_assessments(
        profiles.iter().zip(&judged),
        key,
        prune::idle_since(idle, now),
        now,
    )
}
