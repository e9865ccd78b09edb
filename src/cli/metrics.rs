//! The flags of the verbs that read CloudWatch: `usage`, `dashboard`,
//! `prune`, `coverage`, and the metrics window they share.

use std::path::PathBuf;

use clap::Args;

use super::parse;
use super::profiles::ProfileFilterArgs;
use crate::domain::cost::CacheTtl;
use crate::domain::coverage::Percent;
use crate::domain::dashboard::DashboardName;
use crate::domain::tag::TagKey;
use crate::domain::window::{Day, Span};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl dashboard bedrock-by-department --region us-east-1,us-west-2
  aipctl dashboard search --tag Department=Search --print > search.json
  aipctl list -o json > profiles.json && aipctl dashboard offline --from-json profiles.json --print
  aipctl dashboard --list
  aipctl dashboard bedrock-by-department --delete")]
pub struct DashboardArgs {
    /// Dashboard name: letters, digits, `_`, `-` (a large selection becomes NAME-1, NAME-2, ...)
    #[arg(id = "dashboard", value_name = "NAME", value_parser = parse::value::<DashboardName>, required_unless_present = "list")]
    pub name: Option<DashboardName>,

    #[command(flatten)]
    pub filter: ProfileFilterArgs,

    /// Tag key that makes the sections
    #[arg(long, value_name = "KEY", default_value = "Department", value_parser = parse::value::<TagKey>)]
    pub by: TagKey,

    /// Print the body JSON to stdout instead of putting it (no AWS write)
    #[arg(long)]
    pub print: bool,

    /// Take the profiles from a file written by `aipctl list -o json` (with `--print`, no AWS call at all)
    #[arg(long, value_name = "FILE")]
    pub from_json: Option<PathBuf>,

    /// List the dashboards aipctl made
    #[arg(long, conflicts_with_all = ["print", "from_json", "delete"])]
    pub list: bool,

    /// Delete the dashboard NAME (and its numbered parts), if aipctl made it
    #[arg(long, conflicts_with_all = ["print", "from_json"])]
    pub delete: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "A profile is idle when CloudWatch shows no invocations and no input tokens for it over \
the idle window. Profiles younger than --min-age are never idle by missing data alone; \
aipctl:protect=true is never pruned.

Examples:
  aipctl prune --all-regions                    # the plan: what is idle and why
  aipctl prune --idle 60d --plan-out idle.json  # save the plan for review
  aipctl prune --from-plan idle.json --apply    # delete that plan, each profile re-checked
  aipctl prune --mark                           # tag idle profiles aipctl:idle-since=DATE
  aipctl prune --grace 14d --apply              # later: delete those marked 14+ days ago
  aipctl prune --accounts all --all-regions     # the organization's idle profiles (a dry run)
  aipctl prune --accounts 234567890123,345678901234 --protect-accounts 234567890123 --apply"
)]
pub struct PruneArgs {
    #[command(flatten)]
    pub filter: ProfileFilterArgs,

    /// How long without invocations or input tokens makes a profile idle (`30d`, `8w`): no
    /// traffic on any UTC day since that many days before today
    #[arg(long, value_name = "SPAN", default_value = "30d", value_parser = parse::value::<Span>)]
    pub idle: Span,

    /// Never call a profile younger than this idle [default: the idle window]
    #[arg(long, value_name = "SPAN", value_parser = parse::value::<Span>)]
    pub min_age: Option<Span>,

    /// Delete the idle profiles (asks first; without a terminal needs `--yes`)
    #[arg(long)]
    pub apply: bool,

    /// Write the plan (the profiles to delete) to FILE, for `--from-plan`
    #[arg(long, value_name = "FILE")]
    pub plan_out: Option<PathBuf>,

    /// Act on exactly the profiles of a saved plan, re-checking each one's tags and traffic first
    #[arg(long, value_name = "FILE", conflicts_with_all = ["mark", "grace", "tags", "untagged", "name", "idle", "min_age", "plan_out"])]
    pub from_plan: Option<PathBuf>,

    /// Tag idle profiles `aipctl:idle-since=DATE` instead of deleting them (a grace period for owners)
    #[arg(long, conflicts_with_all = ["apply", "grace"])]
    pub mark: bool,

    /// Delete only profiles marked idle at least this long ago and still idle; unmark those active again
    #[arg(long, value_name = "SPAN", value_parser = parse::value::<Span>)]
    pub grace: Option<Span>,

    /// Accounts whose profiles are never deleted or marked, whatever `--accounts` selects (a
    /// blocklist, e.g. production)
    #[arg(long, value_name = "ID", value_delimiter = ',', value_parser = parse::value::<crate::domain::account::AccountId>)]
    pub protect_accounts: Vec<crate::domain::account::AccountId>,
}

/// A metrics window: `--since` or `--from`/`--to`.
#[derive(Debug, Args)]
pub struct WindowArgs {
    /// How far back to look: `today`, whole hours (`12h`, from the start of that hour), or whole
    /// UTC days (`7d`, `4w`: that many days before today, and today so far)
    #[arg(long, value_name = "SPAN", default_value = "30d", value_parser = parse::value::<Span>, conflicts_with_all = ["from", "to"])]
    pub since: Span,

    /// First day (UTC, inclusive), `YYYY-MM-DD`
    #[arg(long, value_name = "DATE", requires = "to", value_parser = parse::value::<Day>)]
    pub from: Option<Day>,

    /// Last day (UTC, inclusive), `YYYY-MM-DD`
    #[arg(long, value_name = "DATE", requires = "from", value_parser = parse::value::<Day>)]
    pub to: Option<Day>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl usage                                       # every profile, the last 30 UTC days
  aipctl usage --by Department --since 7d --all-regions
  aipctl usage --by Department --since today         # today's estimated spend and cache savings
  aipctl usage --accounts all --by Department        # every account of the organization
  aipctl usage --tag Department=Search --from 2026-11-01 --to 2026-11-07 -o csv
  aipctl usage --since 7d -o json --query 'rows[].[name, estimated_usd.total]'

Windows are UTC days: `--since 30d` is the 30 days before today and today so far. Figures come \
from CloudWatch (AWS/Bedrock), read in batches of up to 500 queries a call. Estimated cost is \
tokens × AWS Price List prices of the profile's model in the profile's region (each token kind \
at its own price; the Price List is cached for a day); cache savings are what the cache-read \
tokens would have cost as plain input, minus what they did cost, minus the cache-write premium \
(negative when writes cost more than reads saved). `-o json` and `-o csv` have the cost of \
each token kind.")]
pub struct UsageArgs {
    #[command(flatten)]
    pub filter: ProfileFilterArgs,

    /// One row per value of this tag key (e.g. `Department`) instead of one per profile
    #[arg(long, value_name = "KEY", value_parser = parse::value::<TagKey>)]
    pub by: Option<TagKey>,

    #[command(flatten)]
    pub window: WindowArgs,

    /// Leave out estimated cost and savings (no Price List request)
    #[arg(long)]
    pub no_prices: bool,

    /// Read the Price List again even when a cached copy (kept a day) exists
    #[arg(long, conflicts_with = "no_prices")]
    pub no_cache: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl coverage --all-regions                   # who owns 30 days of Bedrock traffic, in USD
  aipctl coverage --since 7d --fail-under 95      # in CI: exit 5 below 95 % attributed
  aipctl coverage --accounts all                  # every account of the organization
  aipctl coverage --billed                        # and billed spend under the tag, per month
  aipctl coverage --no-prices                     # tokens only, no Price List request
  aipctl coverage -o json --query 'bypass[].fix'  # commands that give bypass traffic a profile
  aipctl coverage --from 2026-11-01 --to 2026-11-07 -o csv > series.csv

Every `ModelId` series of CloudWatch's AWS/Bedrock metrics is one of: an application profile with \
the tag (attributed, per department), one without it (unattributed), or a system profile \
(`us.`, `eu.`, `global.`…) or bare model called directly (bypass: no profile, no tag on the bill). \
Each series is priced as `aipctl usage` prices a profile: its tokens × AWS Price List prices of \
its model in its own region, each token kind at its own price, global traffic at the Global \
price. Shares are by estimated cost when every series is priced, else by tokens (input, output, \
cache read and cache write added up), and the output says which and names what is unpriced \
(never counted as $0). `ListMetrics` lists only values with data in the last two weeks, so \
bypass traffic that stopped earlier is not seen. Exit codes: 0, or 5 with `--fail-under` when \
the attributed share is below it (1, 2 and 3 as everywhere).")]
pub struct CoverageArgs {
    #[command(flatten)]
    pub window: WindowArgs,

    /// The cost-allocation tag key that attributes a profile's traffic
    #[arg(long, value_name = "KEY", default_value = crate::domain::tag::DEPARTMENT, value_parser = parse::value::<TagKey>)]
    pub tag_key: TagKey,

    /// Exit 5 when the attributed share (on the basis shown: cost, else tokens) is below PCT (0 to
    /// 100), after printing the report
    #[arg(long, value_name = "PCT", value_parser = parse::value::<Percent>)]
    pub fail_under: Option<Percent>,

    /// Add billed spend under the tag key vs untagged per month, from Cost Explorer (paid requests,
    /// cached as for `cost`; with `--accounts`, only those linked accounts' spend)
    #[arg(long)]
    pub billed: bool,

    /// Leave out estimated cost (no Price List request): shares by tokens
    #[arg(long)]
    pub no_prices: bool,

    /// Ask the Price List (and with `--billed`, Cost Explorer) again even when a cached answer exists
    #[arg(long)]
    pub no_cache: bool,

    /// With `--billed`: how long a cached answer is reused: `30m`, `6h`, `1d` (at most 7 days)
    #[arg(long, value_name = "TTL", default_value = "6h", value_parser = parse::value::<CacheTtl>)]
    pub cache_ttl: CacheTtl,
}
