//! The command line, and nothing else: clap definitions parsed into the
//! domain's types (`Tag`, `TagFilter`, `ProfileRef`, `ModelRef`, `Region`),
//! so a malformed value is refused with exit 2 before any AWS request.

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::InputError;
use crate::domain::account::{AccountId, AccountSel, ExternalId, RoleName, SessionName};
use crate::domain::region::Region;
use crate::output::Format;

mod cost;
mod metrics;
pub mod parse;
mod policy;
mod profiles;
mod provision;
mod report;

pub use cost::{BudgetsArgs, CostArgs, CostTagsArgs, PricesArgs};
pub use metrics::{CoverageArgs, DashboardArgs, PruneArgs, UsageArgs, WindowArgs};
pub use policy::{
    InvokePolicyArgs, PolicyArgs, PolicyCommand, PolicyFormatArgs, RequireProfileArgs, StepFunctionsArgs,
};
pub use profiles::{
    CreateArgs, DeleteArgs, DescribeArgs, ListArgs, ModelsArgs, NameGlob, ProfileFilterArgs, TagArgs,
    UntagArgs,
};
pub use provision::{ApplyArgs, PlanArgs};
pub use report::ReportArgs;

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
  aipctl list --accounts all                        # every account of the AWS Organization
  aipctl report --out bedrock.html --all-regions

Exit codes: 0 success, 1 AWS or runtime failure, 2 invalid input (no AWS request made), \
3 refused (a destructive action with no confirmation possible), 4 changes found by \
`plan --detailed-exitcode`, 5 attributed share below `coverage --fail-under`, 6 a budget over the \
line in `budgets --fail-over`.";

#[derive(Debug, Parser)]
#[command(name = "aipctl", version, about = ABOUT, long_about = LONG_ABOUT, after_help = AFTER_HELP)]
#[command(propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// `--endpoint-url`: an `http://` or `https://` URL with a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointUrl(pub String);

impl std::str::FromStr for EndpointUrl {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rest = s
            .strip_prefix("http://")
            .or_else(|| s.strip_prefix("https://"))
            .ok_or_else(|| {
                InputError::new(
                    "--endpoint-url",
                    s,
                    "expected a URL starting with `http://` or `https://`",
                )
            })?;
        if rest.is_empty() || rest.starts_with('/') {
            return Err(InputError::new("--endpoint-url", s, "the URL has no host"));
        }
        Ok(Self(s.to_owned()))
    }
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Regions to work in; repeat or separate with commas [default: from the AWS config chain]
    #[arg(long = "region", global = true, value_name = "REGION", value_delimiter = ',', value_parser = parse::region)]
    pub regions: Vec<Region>,

    /// Every region that offers Bedrock
    #[arg(long, global = true, conflicts_with = "regions")]
    pub all_regions: bool,

    /// AWS named profile, as in `~/.aws/config`; beats keys in the environment (`AWS_PROFILE`
    /// does not, as in the AWS CLI)
    #[arg(id = "aws_profile", long = "profile", global = true, value_name = "NAME")]
    pub aws_profile: Option<String>,

    /// Send requests to this endpoint instead of AWS's (e.g. a local emulator)
    #[arg(long, global = true, value_name = "URL", value_parser = parse::value::<EndpointUrl>)]
    pub endpoint_url: Option<EndpointUrl>,

    /// Output format [default: `AWS_DEFAULT_OUTPUT`, else the profile's `output`, else table]
    #[arg(short, long, global = true, value_enum)]
    pub output: Option<Format>,

    /// A JMESPath expression applied to the JSON form before printing, as in the AWS CLI
    /// (`--query '[].name'`)
    #[arg(long, global = true, value_name = "JMESPATH", value_parser = crate::output::check_query)]
    pub query: Option<String>,

    /// Accepted for the AWS CLI's sake: aipctl never pages its output
    #[arg(long, global = true)]
    pub no_cli_pager: bool,

    /// `-v` plus the SDK's own events (requests, retries, credentials) on stderr
    #[arg(long, global = true)]
    pub debug: bool,

    /// Answer yes to confirmations (needed for destructive actions without a terminal)
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,

    /// No colours (also when `NO_COLOR` is set)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// One line per AWS call on stderr: service, operation, region, status, attempts, time, request ID
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

    #[command(flatten)]
    pub org: AccountArgs,
}

/// Which accounts of an AWS Organization a command reads, and how it enters them.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Organization options")]
pub struct AccountArgs {
    /// Accounts to read: `all` (every ACTIVE account of the organization), account IDs, or OU IDs
    /// (with the OUs below them); the caller's own account is read as itself, the others through
    /// `--role-name` [default: the caller's account alone]
    #[arg(long, global = true, value_name = "all|ID|ou-…", value_delimiter = ',', value_parser = parse::value::<AccountSel>)]
    pub accounts: Vec<AccountSel>,

    /// c7n-org's accounts file (`accounts:` with `account_id`, `name`, `role`, `regions`): the
    /// accounts to read, each through its `role`
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "accounts")]
    pub accounts_file: Option<std::path::PathBuf>,

    /// Accounts to leave out of `--accounts` or `--accounts-file`
    #[arg(long, global = true, value_name = "ID", value_delimiter = ',', value_parser = parse::value::<AccountId>)]
    pub exclude_accounts: Vec<AccountId>,

    /// The role to assume in each member account [default: OrganizationAccountAccessRole]
    #[allow(
        clippy::doc_markdown,
        reason = "clap prints it as help, as it prints its own defaults"
    )]
    #[arg(long, global = true, value_name = "NAME", value_parser = parse::value::<RoleName>)]
    pub role_name: Option<RoleName>,

    /// The external ID the members' role trust policy asks for
    #[arg(long, global = true, value_name = "ID", value_parser = parse::value::<ExternalId>)]
    pub external_id: Option<ExternalId>,

    /// The session name of the assumed roles, as AWS's logs show it [default: aipctl]
    #[arg(long, global = true, value_name = "NAME", value_parser = parse::value::<SessionName>)]
    pub role_session_name: Option<SessionName>,
}

impl AccountArgs {
    /// Whether the run reads accounts other than the caller's.
    pub fn is_multi(&self) -> bool {
        !self.accounts.is_empty() || self.accounts_file.is_some()
    }

    /// The role to assume in members: `--role-name`, else
    /// [`crate::domain::account::DEFAULT_ROLE`].
    pub fn role(&self) -> RoleName {
        self.role_name.clone().unwrap_or_default()
    }

    /// The flags that say how to choose or enter member accounts
    /// (`--exclude-accounts`, `--role-name`, `--external-id`,
    /// `--role-session-name`) given on this command line: they mean nothing
    /// unless some accounts are read.
    pub fn entry_flags(&self) -> Vec<&'static str> {
        [
            (!self.exclude_accounts.is_empty(), "--exclude-accounts"),
            (self.role_name.is_some(), "--role-name"),
            (self.external_id.is_some(), "--external-id"),
            (self.role_session_name.is_some(), "--role-session-name"),
        ]
        .into_iter()
        .filter_map(|(given, flag)| given.then_some(flag))
        .collect()
    }
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
    /// Who owns Bedrock traffic: tagged profiles, untagged ones, or none (system profiles, bare
    /// models); a gate for CI
    Coverage(CoverageArgs),
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
    /// The budgets aipctl manages: limit, spend and forecast this month, thresholds crossed
    Budgets(BudgetsArgs),
    /// Foundation models per region: on demand, or only through the system profiles that serve them
    Models(ModelsArgs),
    /// Token prices per model and region from the AWS Price List: input, output, cache read and write
    Prices(PricesArgs),
    /// One self-contained HTML page for managers: spend, tokens and cache hits by department, idle profiles
    Report(ReportArgs),
    /// Print shell completions
    #[command(after_help = "Examples:
  aipctl completions bash > ~/.local/share/bash-completion/completions/aipctl
  aipctl completions zsh > \"${fpath[1]}/_aipctl\"
  aipctl completions fish > ~/.config/fish/completions/aipctl.fish")]
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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
