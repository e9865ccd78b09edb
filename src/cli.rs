//! The command line, and nothing else: clap definitions parsed into the
//! domain's types (`Tag`, `TagFilter`, `ProfileRef`, `ModelRef`, `Region`),
//! so a malformed value is refused with exit 2 before any AWS request.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::cost::{CostMetric, Granularity, Split, TagStatus, TimeSpec};
use crate::domain::profile::{Description, ModelRef, ProfileName, ProfileRef};
use crate::domain::region::Region;
use crate::domain::tag::{Tag, TagFilter, TagKey};
use crate::output::Format;
use crate::output::policy::DocumentFormat;

const ABOUT: &str = "Manage Amazon Bedrock application inference profiles as the unit of cost attribution.";
const LONG_ABOUT: &str = "\
Manage Amazon Bedrock application inference profiles as the unit of cost attribution.

Platform teams provision tagged per-team profiles, finance reads spend by department, \
operators find and remove profiles nobody uses. Credentials and the default region come \
from the usual AWS chain (environment, `~/.aws/config` profiles, SSO).";

const AFTER_HELP: &str = "\
Examples:
  aipctl create search-sonnet --department Search \\
      --model us.anthropic.claude-sonnet-4-5-20250929-v1:0
  aipctl list --all-regions --untagged Department
  aipctl describe search-sonnet
  aipctl tag search-sonnet CostCenter=CC-1234
  aipctl delete --tag Department=Legacy --dry-run
  aipctl plan -f teams.toml && aipctl apply -f teams.toml

Exit codes: 0 success, 1 AWS or runtime failure, 2 invalid input (no AWS request made), \
3 refused (a destructive action with no confirmation possible).";

#[derive(Debug, Parser)]
#[command(name = "aipctl", version, about = ABOUT, long_about = LONG_ABOUT, after_help = AFTER_HELP)]
#[command(propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Region(s) to work in; repeat or separate with commas [default: from the AWS config chain]
    #[arg(long = "region", global = true, value_name = "REGION", value_delimiter = ',', value_parser = parse_region)]
    pub regions: Vec<Region>,

    /// Every region that offers Bedrock
    #[arg(long, global = true, conflicts_with = "regions")]
    pub all_regions: bool,

    /// AWS named profile, as in `~/.aws/config`; beats keys in the environment (`AWS_PROFILE`
    /// does not, as in the AWS CLI)
    #[arg(id = "aws_profile", long = "profile", global = true, value_name = "NAME")]
    pub aws_profile: Option<String>,

    /// Send requests to this endpoint instead of AWS's (e.g. a local emulator)
    #[arg(long, global = true, value_name = "URL", value_parser = parse_endpoint)]
    pub endpoint_url: Option<String>,

    /// Output format
    #[arg(short, long, global = true, value_enum, default_value_t = Format::Table)]
    pub output: Format,

    /// Answer yes to confirmations (needed for destructive actions without a terminal)
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,

    /// No colours (also when `NO_COLOR` is set)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Show AWS operations, request IDs and timings on stderr
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// How many AWS requests run at once
    #[arg(long, global = true, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,

    /// Give up on an AWS operation, retries included, after this many seconds [default: room for
    /// every retry: 20 s an attempt plus the backoff between them]
    #[arg(long, global = true, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,

    /// Attempts per AWS request, including the first; throttling, 5xx and dropped connections are
    /// retried with exponential backoff (a refused connection is not)
    #[arg(long, global = true, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: u32,

    /// `standard` backs off exponentially with jitter; `adaptive` also slows the request rate after
    /// throttling (kind to shared quotas, but slower)
    #[arg(long, global = true, value_enum, default_value_t = RetryMode::Standard)]
    pub retry_mode: RetryMode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RetryMode {
    Standard,
    Adaptive,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an application inference profile
    Create(CreateArgs),
    /// List application inference profiles with their tags
    List(ListArgs),
    /// Show one profile: routed regions, tags, source, the ARNs an invoker needs
    Describe(DescribeArgs),
    /// Delete profiles, after showing what will go (asks first; `--dry-run` touches nothing)
    Delete(DeleteArgs),
    /// Add or change tags on a profile
    Tag(TagArgs),
    /// Remove tags from a profile
    Untag(UntagArgs),
    /// Token and prompt-cache figures per profile or per department, from CloudWatch
    Usage(UsageArgs),
    /// Build (and put) CloudWatch dashboards of token and prompt-cache metrics
    Dashboard(DashboardArgs),
    /// Show what `apply` would change to make the account match a spec (reads only)
    Plan(PlanArgs),
    /// Make the account match a spec: create, retag, and (when allowed) replace and prune
    Apply(ApplyArgs),
    /// Find profiles with no traffic and delete them safely (a dry run unless `--apply`)
    Prune(PruneArgs),
    /// Least-privilege IAM policies: invoke through profiles, run aipctl, read only
    Policy(PolicyArgs),
    /// Spend per value of a cost-allocation tag (default `Department`), from Cost Explorer
    Cost(CostArgs),
    /// Cost-allocation tag keys: status and last use; activate or deactivate them
    CostTags(CostTagsArgs),
    /// Print shell completions
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Profile name: letters and digits with single ` `, `_` or `-` between them (1-64)
    #[arg(value_parser = parse_name)]
    pub name: ProfileName,

    /// What the profile copies: a foundation-model ID or ARN (one region), or a system-defined
    /// cross-region profile ID or ARN (`us.anthropic…`) to route across its regions
    #[arg(long, value_name = "MODEL", value_parser = parse_model)]
    pub model: ModelRef,

    /// Tag to set, `KEY=VALUE` (repeatable)
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_tag)]
    pub tags: Vec<Tag>,

    /// Shorthand for `--tag Department=D`
    #[arg(long, value_name = "D", value_parser = parse_department)]
    pub department: Option<Tag>,

    /// Description (1-200 letters, digits, `:`, `.`, with single separators)
    #[arg(long, value_name = "TEXT", value_parser = parse_description)]
    pub description: Option<Description>,
}

#[derive(Debug, Args)]
pub struct ProfileFilterArgs {
    /// Keep profiles with this tag (`KEY=VALUE`) or tag key (`KEY`); repeat to require all
    #[arg(long = "tag", value_name = "KEY[=VALUE]", value_parser = parse_tag_filter)]
    pub tags: Vec<TagFilter>,

    /// Keep profiles without this tag key: the ones that leak cost out of a department's row
    #[arg(long = "untagged", value_name = "KEY", value_parser = parse_tag_key)]
    pub untagged: Vec<TagKey>,

    /// Keep profiles whose name matches this glob (`team-*`, `*-sonnet`)
    #[arg(long = "name", value_name = "GLOB", value_parser = parse_glob)]
    pub name: Option<NameGlob>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: ProfileFilterArgs,

    /// Extra tag keys to show as table columns (Department is always shown)
    #[arg(long = "columns", value_name = "KEY", value_delimiter = ',', value_parser = parse_tag_key)]
    pub columns: Vec<TagKey>,
}

#[derive(Debug, Args)]
pub struct DescribeArgs {
    /// Profile name, ID or ARN
    #[arg(value_parser = parse_profile_ref)]
    pub profile: ProfileRef,

    /// Add the last 30 days of token and cache figures (CloudWatch)
    #[arg(long)]
    pub usage: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl dashboard bedrock-by-department --region us-east-1,us-west-2
  aipctl dashboard search --tag Department=Search --print > search.json
  aipctl list -o json > profiles.json && aipctl dashboard offline --from-json profiles.json --print
  aipctl dashboard --list
  aipctl dashboard bedrock-by-department --delete")]
pub struct DashboardArgs {
    /// Dashboard name: letters, digits, `_`, `-` (a large selection becomes NAME-1, NAME-2, ...)
    #[arg(id = "dashboard", value_name = "NAME", value_parser = parse_dashboard_name, required_unless_present = "list")]
    pub name: Option<crate::domain::dashboard::DashboardName>,

    #[command(flatten)]
    pub filter: ProfileFilterArgs,

    /// Tag key that makes the sections
    #[arg(long, value_name = "KEY", default_value = "Department", value_parser = parse_tag_key)]
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
  aipctl prune --all-regions                       # the plan: what is idle and why
  aipctl prune --idle 60d --plan-out idle.json     # save the plan for review
  aipctl prune --from-plan idle.json --apply       # delete exactly that plan, re-checking each profile
  aipctl prune --mark                              # tag idle profiles aipctl:idle-since=DATE
  aipctl prune --grace 14d --apply                 # later: delete those marked 14+ days ago, still idle"
)]
pub struct PruneArgs {
    #[command(flatten)]
    pub filter: ProfileFilterArgs,

    /// How long without invocations or input tokens makes a profile idle (`30d`, `8w`): no
    /// traffic on any UTC day since that many days before today
    #[arg(long, value_name = "SPAN", default_value = "30d", value_parser = parse_span)]
    pub idle: crate::domain::window::Span,

    /// Never call a profile younger than this idle [default: the idle window]
    #[arg(long, value_name = "SPAN", value_parser = parse_span)]
    pub min_age: Option<crate::domain::window::Span>,

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
    #[arg(long, value_name = "SPAN", value_parser = parse_span)]
    pub grace: Option<crate::domain::window::Span>,
}

/// A metrics window: `--since` or `--from`/`--to`.
#[derive(Debug, Args)]
pub struct WindowArgs {
    /// How far back to look: `today`, whole hours (`12h`, from the start of that hour), or whole
    /// UTC days (`7d`, `4w`: that many days before today, and today so far)
    #[arg(long, value_name = "SPAN", default_value = "30d", value_parser = parse_since, conflicts_with_all = ["from", "to"])]
    pub since: crate::domain::window::Span,

    /// First day (UTC, inclusive), `YYYY-MM-DD`
    #[arg(long, value_name = "DATE", requires = "to", value_parser = parse_from)]
    pub from: Option<jiff::civil::Date>,

    /// Last day (UTC, inclusive), `YYYY-MM-DD`
    #[arg(long, value_name = "DATE", requires = "from", value_parser = parse_to)]
    pub to: Option<jiff::civil::Date>,
}

#[derive(Debug, Args)]
pub struct UsageArgs {
    #[command(flatten)]
    pub filter: ProfileFilterArgs,

    /// One row per value of this tag key (e.g. `Department`) instead of one per profile
    #[arg(long, value_name = "KEY", value_parser = parse_tag_key)]
    pub by: Option<TagKey>,

    #[command(flatten)]
    pub window: WindowArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl cost                                  # Bedrock spend per Department, last 3 months
  aipctl cost --month 2026-10 --by service     # one month, split by billing service
  aipctl cost --last 30d --granularity daily -o csv > spend.csv
  aipctl cost --tag-key CostCenter --filter-tag Env=prod --forecast
  aipctl cost --all-services --metric net-unblended --last 12m

Each Cost Explorer request costs USD 0.01, every page and every retry included. aipctl says how \
many it made and keeps answers on disk for `--cache-ttl` (in `$XDG_CACHE_HOME/aipctl`, else \
the platform's cache directory), so running the same report again is free.")]
pub struct CostArgs {
    /// Cost-allocation tag key whose values make the rows
    #[arg(long, value_name = "KEY", default_value = crate::domain::tag::DEPARTMENT, value_parser = parse_tag_key)]
    pub tag_key: TagKey,

    /// Split each row by a second dimension (Cost Explorer allows two groupings: the tag key and this)
    #[arg(long = "by", value_name = "DIMENSION", value_parser = PossibleValuesParser::new(Split::NAMES)
        .map(|s| s.parse::<Split>().expect("a listed value")))]
    pub by: Vec<Split>,

    /// Range ending today: days, weeks or calendar months (`30d`, `12w`; `6m` is this month and
    /// the 5 before) [default: 3m]
    #[arg(long, value_name = "SPAN", value_parser = parse_last, conflicts_with_all = ["month", "from", "to"])]
    pub last: Option<TimeSpec>,

    /// One calendar month, `YYYY-MM`
    #[arg(long, value_name = "MONTH", value_parser = parse_month, conflicts_with_all = ["from", "to"])]
    pub month: Option<TimeSpec>,

    /// First day (UTC, inclusive), `YYYY-MM-DD`
    #[arg(long, value_name = "DATE", requires = "to", value_parser = parse_from)]
    pub from: Option<jiff::civil::Date>,

    /// Last day (UTC, inclusive), `YYYY-MM-DD`
    #[arg(long, value_name = "DATE", requires = "from", value_parser = parse_to)]
    pub to: Option<jiff::civil::Date>,

    /// One column per day or per month
    #[arg(long, value_name = "GRANULARITY", default_value = "monthly", value_parser = PossibleValuesParser::new(Granularity::NAMES)
        .map(|s| s.parse::<Granularity>().expect("a listed value")))]
    pub granularity: Granularity,

    /// What to sum: cost as billed, with upfront fees spread, after discounts, or usage quantity
    #[arg(long, value_name = "METRIC", default_value = "unblended", value_parser = PossibleValuesParser::new(CostMetric::NAMES)
        .map(|s| s.parse::<CostMetric>().expect("a listed value")))]
    pub metric: CostMetric,

    /// Every service's spend, not only Bedrock's
    #[arg(long)]
    pub all_services: bool,

    /// Only spend with this tag (`KEY=VALUE`; `KEY=` for spend without KEY); repeat: any value of
    /// one key matches, every key must match
    #[arg(long = "filter-tag", value_name = "KEY=VALUE", value_parser = parse_filter_tag)]
    pub filter_tags: Vec<Tag>,

    /// Add each tag value's Cost Explorer forecast for the rest of this month (one request per value)
    #[arg(long)]
    pub forecast: bool,

    /// Ask Cost Explorer even when a cached answer exists (the fresh answer replaces it)
    #[arg(long)]
    pub no_cache: bool,

    /// How long a cached answer is reused: `30m`, `6h`, `1d` (at most 7 days)
    #[arg(long, value_name = "TTL", default_value = "6h", value_parser = parse_ttl)]
    pub cache_ttl: std::time::Duration,
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
    #[arg(long, value_name = "KEY", num_args = 1.., value_delimiter = ',', value_parser = parse_cost_tag_key)]
    pub activate: Vec<TagKey>,

    /// Deactivate these keys
    #[arg(long, value_name = "KEY", num_args = 1.., value_delimiter = ',', value_parser = parse_cost_tag_key)]
    pub deactivate: Vec<TagKey>,

    /// Show what would change and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Only list keys with this status
    #[arg(long, value_name = "STATUS", conflicts_with_all = ["activate", "deactivate"],
        value_parser = PossibleValuesParser::new(["active", "inactive"])
            .map(|s| if s == "active" { TagStatus::Active } else { TagStatus::Inactive }))]
    pub status: Option<TagStatus>,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Profiles to delete: names, IDs or ARNs
    #[arg(value_parser = parse_profile_ref, required_unless_present = "tags", conflicts_with = "tags")]
    pub profiles: Vec<ProfileRef>,

    /// Delete every profile with this tag (`KEY=VALUE` or `KEY`); repeat to require all
    #[arg(long = "tag", value_name = "KEY[=VALUE]", value_parser = parse_tag_filter)]
    pub tags: Vec<TagFilter>,

    /// Show what would be deleted and touch nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// Profile name, ID or ARN
    #[arg(value_parser = parse_profile_ref)]
    pub profile: ProfileRef,

    /// Tags to set, `KEY=VALUE`
    #[arg(required = true, value_name = "KEY=VALUE", value_parser = parse_tag)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Args)]
pub struct UntagArgs {
    /// Profile name, ID or ARN
    #[arg(value_parser = parse_profile_ref)]
    pub profile: ProfileRef,

    /// Tag keys to remove
    #[arg(required = true, value_name = "KEY", value_parser = parse_tag_key)]
    pub keys: Vec<TagKey>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl plan -f teams.toml
  aipctl plan -f teams.toml -o json --out plan.json
  aipctl plan -f teams.toml --region us-east-1     # only this region

Reads the account in the spec's regions (or `--region`/`--all-regions`) and prints creations, \
tag changes, replacements (AWS cannot change a name, description or model in place: the ARN \
changes) and orphans (profiles aipctl manages that the spec no longer has). Nothing is changed.")]
pub struct PlanArgs {
    /// The provisioning spec (TOML; the README describes it)
    #[arg(short = 'f', long = "file", value_name = "SPEC")]
    pub file: PathBuf,

    /// Also save the plan as JSON, with a fingerprint of the account, for `apply --plan`
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl apply -f teams.toml                        # shows the plan, asks, applies
  aipctl apply -f teams.toml --yes --prune          # also deletes orphans, no prompt
  aipctl plan -f teams.toml --out plan.json && aipctl apply --plan plan.json

Idempotent: a second run changes nothing. An interrupted run is finished by running it again.")]
pub struct ApplyArgs {
    /// The provisioning spec (TOML; the README describes it)
    #[arg(
        short = 'f',
        long = "file",
        value_name = "SPEC",
        required_unless_present = "plan",
        conflicts_with = "plan"
    )]
    pub file: Option<PathBuf>,

    /// Execute exactly this saved plan (`aipctl plan --out`), if the account has not changed since
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,

    /// Replace profiles whose name, description or model changed (their ARN changes)
    #[arg(long)]
    pub allow_replace: bool,

    /// Delete orphans: profiles aipctl manages that the spec no longer has
    #[arg(long)]
    pub prune: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl policy invoke search-sonnet support-nova > invoke.json
  aipctl policy invoke --tag Department=Search --all-regions --format terraform
  aipctl policy operator --format cloudformation > aipctl-operator.json
  aipctl policy read-only
  aipctl policy stepfunctions search-sonnet --format cloudformation

The `operator` and `read-only` documents are the files in `policies/`; they need no AWS access.")]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Invoke through profiles (the Invoke and Converse APIs, streaming or not): the profiles, the
    /// system profiles they copy, and the model in every routed region
    Invoke(InvokePolicyArgs),
    /// Every permission aipctl uses (`policies/operator.json`)
    Operator(PolicyFormatArgs),
    /// List, describe, usage and cost; nothing that writes (`policies/read-only.json`)
    ReadOnly(PolicyFormatArgs),
    /// A Step Functions state machine that invokes through a profile, and the role it needs
    Stepfunctions(StepFunctionsArgs),
}

#[derive(Debug, Args)]
pub struct PolicyFormatArgs {
    /// Write the document as JSON, or ready to paste into Terraform or CloudFormation
    #[arg(long, value_enum, default_value_t = DocumentFormat::Json)]
    pub format: DocumentFormat,
}

#[derive(Debug, Args)]
pub struct InvokePolicyArgs {
    /// Profiles to invoke through: names, IDs or ARNs
    #[arg(value_parser = parse_profile_ref, required_unless_present = "tags", conflicts_with = "tags")]
    pub profiles: Vec<ProfileRef>,

    /// Every profile with this tag (`KEY=VALUE` or `KEY`); repeat to require all
    #[arg(long = "tag", value_name = "KEY[=VALUE]", value_parser = parse_tag_filter)]
    pub tags: Vec<TagFilter>,

    #[command(flatten)]
    pub format: PolicyFormatArgs,
}

#[derive(Debug, Args)]
pub struct StepFunctionsArgs {
    /// Profile name, ID or ARN; its model must be an Anthropic model (the body is a Messages API request)
    #[arg(value_parser = parse_profile_ref)]
    pub profile: ProfileRef,

    /// `max_tokens` of the request body
    #[arg(long, value_name = "N", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_tokens: u32,

    #[command(flatten)]
    pub format: PolicyFormatArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// A `--name` glob, compiled once.
#[derive(Debug, Clone)]
pub struct NameGlob(pub globset::GlobMatcher);

// clap value parsers: each parses into a domain type and reports the rule broken.

fn parse_region(s: &str) -> Result<Region, String> {
    s.trim().parse().map_err(|e: crate::domain::InputError| e.rule)
}

fn parse_endpoint(s: &str) -> Result<String, String> {
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"))
        .ok_or("expected a URL starting with `http://` or `https://`")?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err("the URL has no host".into());
    }
    Ok(s.to_owned())
}

fn parse_name(s: &str) -> Result<ProfileName, String> {
    s.parse().map_err(|e: crate::domain::InputError| e.rule)
}

fn parse_model(s: &str) -> Result<ModelRef, String> {
    s.parse().map_err(|e: crate::domain::InputError| e.rule)
}

fn parse_tag(s: &str) -> Result<Tag, String> {
    let tag: Tag = s.parse().map_err(|e: crate::domain::InputError| e.to_string())?;
    let key = tag.key.clone().writable().map_err(|e| e.to_string())?;
    Ok(Tag {
        key,
        value: tag.value,
    })
}

fn parse_department(s: &str) -> Result<Tag, String> {
    if s.is_empty() {
        return Err("a department cannot be empty".into());
    }
    parse_tag(&format!("{}={s}", crate::domain::tag::DEPARTMENT))
}

fn parse_description(s: &str) -> Result<Description, String> {
    s.parse().map_err(|e: crate::domain::InputError| e.rule)
}

fn parse_tag_filter(s: &str) -> Result<TagFilter, String> {
    s.parse().map_err(|e: crate::domain::InputError| e.to_string())
}

fn parse_tag_key(s: &str) -> Result<TagKey, String> {
    s.parse().map_err(|e: crate::domain::InputError| e.rule)
}

fn parse_profile_ref(s: &str) -> Result<ProfileRef, String> {
    s.parse().map_err(|e: crate::domain::InputError| e.rule)
}

fn parse_since(s: &str) -> Result<crate::domain::window::Span, String> {
    crate::domain::window::Span::parse("--since", s).map_err(|e| e.rule)
}

fn parse_span(s: &str) -> Result<crate::domain::window::Span, String> {
    crate::domain::window::Span::parse("span", s).map_err(|e| e.rule)
}

fn parse_from(s: &str) -> Result<jiff::civil::Date, String> {
    crate::domain::window::parse_date("--from", s).map_err(|e| e.rule)
}

fn parse_to(s: &str) -> Result<jiff::civil::Date, String> {
    crate::domain::window::parse_date("--to", s).map_err(|e| e.rule)
}

fn parse_last(s: &str) -> Result<TimeSpec, String> {
    TimeSpec::parse_last(s).map_err(|e| e.rule)
}

fn parse_month(s: &str) -> Result<TimeSpec, String> {
    TimeSpec::parse_month(s).map_err(|e| e.rule)
}

fn parse_ttl(s: &str) -> Result<std::time::Duration, String> {
    crate::domain::cost::parse_ttl(s).map_err(|e| e.rule)
}

/// A `--filter-tag`: reserved `aws:` keys are fine here (AWS-generated cost-allocation tags).
fn parse_filter_tag(s: &str) -> Result<Tag, String> {
    s.parse().map_err(|e: crate::domain::InputError| e.to_string())
}

/// A cost-allocation tag key: no whitespace around it, reserved `aws:` keys allowed.
fn parse_cost_tag_key(s: &str) -> Result<TagKey, String> {
    if s.trim() != s {
        return Err("a tag key has no spaces at either end".into());
    }
    parse_tag_key(s)
}

fn parse_dashboard_name(s: &str) -> Result<crate::domain::dashboard::DashboardName, String> {
    s.parse().map_err(|e: crate::domain::InputError| e.rule)
}

fn parse_glob(s: &str) -> Result<NameGlob, String> {
    if s.is_empty() {
        return Err("the glob is empty".into());
    }
    globset::GlobBuilder::new(s)
        .literal_separator(false)
        .build()
        .map(|g| NameGlob(g.compile_matcher()))
        .map_err(|e| format!("not a valid glob: {}", e.kind()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
