//! The flags of the money verbs: `cost`, `cost-tags`, `prices` and `budgets`.

use clap::Args;

use super::parse;
use crate::domain::budget::status::LimitShare;
use crate::domain::cost::{CacheTtl, CostMetric, Granularity, Last, Month, Split, TagStatus};
use crate::domain::price::ModelQuery;
use crate::domain::tag::{Tag, TagKey};
use crate::domain::window::Day;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl cost                                  # Bedrock spend per Department, last 3 months
  aipctl cost --month 2026-10 --by service     # one month, split by billing service
  aipctl cost --last 30d --granularity daily -o csv > spend.csv
  aipctl cost --tag-key CostCenter --filter-tag Env=prod --forecast
  aipctl cost --all-services --metric net-unblended --last 12mo
  aipctl cost --reconcile --all-regions                # last month: billed beside estimated
  aipctl cost --reconcile --month 2026-10 -o json
  aipctl cost --by account                             # from the payer, per linked account
  aipctl cost --accounts 234567890123,ou-ab12-cd34ef56 # only these accounts' spend

Each Cost Explorer request costs USD 0.01, every page and every retry included. aipctl says how \
many it made and keeps answers on disk for `--cache-ttl` (in `$XDG_CACHE_HOME/aipctl`, else \
the platform's cache directory), so running the same report again is free.

`--reconcile` puts each tag value's bill (Cost Explorer, Bedrock billing services) beside the \
estimate of its profiles (CloudWatch tokens × AWS Price List prices) over a closed window \
(default: last month), flags differences over 2% and says what explains them: charges that are \
not tokens (credits, refunds), unpriced profiles, and in the untagged row the spend that went \
through no application profile at all. Only profiles in the chosen regions are estimated.")]
pub struct CostArgs {
    /// Cost-allocation tag key whose values make the rows
    #[arg(long, value_name = "KEY", default_value = crate::domain::tag::DEPARTMENT, value_parser = parse::value::<TagKey>)]
    pub tag_key: TagKey,

    /// Split each row by a second dimension (Cost Explorer allows two groupings: the tag key and this)
    #[arg(long = "by", value_name = "DIMENSION", value_enum)]
    pub by: Vec<Split>,

    /// Range ending today: days, weeks or calendar months (`30d`, `12w`; `6mo` is this month and
    /// the 5 before; `m` is minutes everywhere) [default: 3mo]
    #[arg(long, value_name = "SPAN", value_parser = parse::value::<Last>, conflicts_with_all = ["month", "from", "to"])]
    pub last: Option<Last>,

    /// One calendar month, `YYYY-MM`
    #[arg(long, value_name = "MONTH", value_parser = parse::value::<Month>, conflicts_with_all = ["from", "to"])]
    pub month: Option<Month>,

    /// First day (UTC, inclusive), `YYYY-MM-DD`
    #[arg(long, value_name = "DATE", requires = "to", value_parser = parse::value::<Day>)]
    pub from: Option<Day>,

    /// Last day (UTC, inclusive), `YYYY-MM-DD`
    #[arg(long, value_name = "DATE", requires = "from", value_parser = parse::value::<Day>)]
    pub to: Option<Day>,

    /// One column per day or per month
    #[arg(long, value_name = "GRANULARITY", default_value = "monthly", value_enum)]
    pub granularity: Granularity,

    /// What to sum: cost as billed, with upfront fees spread, after discounts, or usage quantity
    #[arg(long, value_name = "METRIC", default_value = "unblended", value_enum)]
    pub metric: CostMetric,

    /// Every service's spend, not only Bedrock's
    #[arg(long)]
    pub all_services: bool,

    /// Only spend with this tag (`KEY=VALUE`; `KEY=` for spend without KEY); repeat: any value of
    /// one key matches, every key must match
    #[arg(long = "filter-tag", value_name = "KEY=VALUE", value_parser = parse::value::<Tag>)]
    pub filter_tags: Vec<Tag>,

    /// Add each tag value's Cost Explorer forecast for the rest of this month (one request per value)
    #[arg(long)]
    pub forecast: bool,

    /// Billed beside estimated per tag value, over a closed window (default: last month)
    #[arg(long, conflicts_with_all = ["forecast", "by", "all_services", "filter_tags", "granularity"])]
    pub reconcile: bool,

    /// Ask Cost Explorer (and with `--reconcile`, the Price List) even when a cached answer exists
    #[arg(long)]
    pub no_cache: bool,

    /// How long a cached answer is reused: `30m`, `6h`, `1d` (at most 7 days)
    #[arg(long, value_name = "TTL", default_value = "6h", value_parser = parse::value::<CacheTtl>)]
    pub cache_ttl: CacheTtl,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl cost-tags                             # every key billing has seen, with its status
  aipctl cost-tags --activate Department CostCenter
  aipctl cost-tags --deactivate Owner --dry-run

Only the management (payer) account can change the status. An activated key tags spend from \
then on (not retroactively), and Cost Explorer shows it up to 24 hours later. Each request \
costs USD 0.01.")]
pub struct CostTagsArgs {
    /// Activate these keys for cost allocation (20 per request; more are sent in batches)
    #[arg(long, value_name = "KEY", num_args = 1.., value_delimiter = ',', value_parser = parse::cost_tag_key)]
    pub activate: Vec<TagKey>,

    /// Deactivate these keys
    #[arg(long, value_name = "KEY", num_args = 1.., value_delimiter = ',', value_parser = parse::cost_tag_key)]
    pub deactivate: Vec<TagKey>,

    /// Show what would change and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Only list keys with this status
    #[arg(long, value_name = "STATUS", conflicts_with_all = ["activate", "deactivate"],
        value_enum)]
    pub status: Option<TagStatus>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl prices                                   # every priced model in your default region
  aipctl prices --model sonnet --region us-east-1,eu-west-1
  aipctl prices --model us.anthropic.claude-sonnet-4-5-20250929-v1:0 -o json
  aipctl prices --all-regions -o csv > bedrock-prices.csv

Prices come from the AWS Price List (`pricing:GetProducts`, asked in us-east-1, the API's own \
region): the `AmazonBedrock` offer (first-party and older models, priced per 1K tokens) and the \
`AmazonBedrockFoundationModels` offer (Marketplace models such as Claude, per 1M tokens). The \
table shows USD per 1M tokens for input, output, prompt-cache reads and writes; batch and \
1-hour cache-write prices are left out. Traffic through a cross-Region profile is priced in the \
region it is sent from; global profiles at the `(global)` price. Answers are cached for a day.")]
pub struct PricesArgs {
    /// Only this model: a model ID or ARN, a system profile ID, or words of its name (`sonnet 4.5`)
    #[arg(long, value_name = "MODEL", value_parser = parse::value::<ModelQuery>)]
    pub model: Option<ModelQuery>,

    /// Read the Price List again even when a cached copy (kept a day) exists
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl budgets                   # limit, spend, forecast, thresholds crossed
  aipctl budgets --all -o csv      # every budget of the account
  aipctl budgets --fail-over 90    # scheduled checks: exit 6 past 90% of a limit
  aipctl budgets -o json --query '[?used_percent > `80`].name'

The amounts are AWS Budgets' own `CalculatedSpend` for the current period: actual spend so far and \
AWS's forecast (none until it has a month of history). Budgets are made by `aipctl apply` from the \
spec's `budget` entries and named `aipctl-<spec>-<department>`. Only the management (payer) \
account, or an account with billing access, can read them.")]
pub struct BudgetsArgs {
    /// Every budget of the account, not only those aipctl manages
    #[arg(long)]
    pub all: bool,

    /// Exit 6 when any budget shown has spent more than PCT percent of its limit
    #[arg(long, value_name = "PCT", value_parser = parse::value::<LimitShare>)]
    pub fail_over: Option<LimitShare>,
}
