//! The flags of the profile verbs: `create`, `list`, `describe`, `delete`,
//! `tag`, `untag`, and the profile filter several verbs share.

use clap::Args;

use super::parse;
use crate::domain::InputError;
use crate::domain::profile::{Description, ModelRef, ProfileName, ProfileRef};
use crate::domain::tag::{Tag, TagFilter, TagKey};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl create search-sonnet --department Search \\
      --model us.anthropic.claude-sonnet-4-5-20250929-v1:0      # routes across US regions
  aipctl create support-nova --model amazon.nova-pro-v1:0 --department Support \\
      --tag CostCenter=CC-1234 --region us-east-1,eu-west-1     # one profile in each region
  aipctl models --provider Anthropic                            # which --model to give

Creating again with the same name, model, tags and description reports the existing profile.")]
pub struct CreateArgs {
    /// Profile name: letters and digits with single ` `, `_` or `-` between them (1-64)
    #[arg(value_parser = parse::value::<ProfileName>)]
    pub name: ProfileName,

    /// What the profile copies: a foundation-model ID or ARN (one region), or a system-defined
    /// cross-region profile ID or ARN (`us.anthropic…`) to route across its regions
    #[arg(long, value_name = "MODEL", value_parser = parse::value::<ModelRef>)]
    pub model: ModelRef,

    /// Tag to set, `KEY=VALUE` (repeatable)
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse::writable_tag)]
    pub tags: Vec<Tag>,

    /// Shorthand for `--tag Department=D`
    #[arg(long, value_name = "D", value_parser = parse::department)]
    pub department: Option<Tag>,

    /// Description (1-200 letters, digits, `:`, `.`, with single separators)
    #[arg(long, value_name = "TEXT", value_parser = parse::value::<Description>)]
    pub description: Option<Description>,
}

#[derive(Debug, Args)]
pub struct ProfileFilterArgs {
    /// Keep profiles with this tag (`KEY=VALUE`) or tag key (`KEY`); repeat to require all
    #[arg(long = "tag", value_name = "KEY[=VALUE]", value_parser = parse::value::<TagFilter>)]
    pub tags: Vec<TagFilter>,

    /// Keep profiles without this tag key: the ones that leak cost out of a department's row
    #[arg(long = "untagged", value_name = "KEY", value_parser = parse::value::<TagKey>)]
    pub untagged: Vec<TagKey>,

    /// Keep profiles whose name matches this glob (`team-*`, `*-sonnet`)
    #[arg(long = "name", value_name = "GLOB", value_parser = parse::value::<NameGlob>)]
    pub name: Option<NameGlob>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl list --all-regions
  aipctl list --tag Department=Search --columns Owner,CostCenter
  aipctl list --untagged Department                  # spend no department owns
  aipctl list --name 'search-*' -o csv > search.csv
  aipctl list --accounts all --all-regions          # every account of the organization
  aipctl list --accounts-file accounts.yml          # c7n-org's accounts file
  aipctl list -o json --query '[].{name: name, department: tags.Department}'")]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: ProfileFilterArgs,

    /// Extra tag keys to show as table columns (Department is always shown)
    #[arg(long = "columns", value_name = "KEY", value_delimiter = ',', value_parser = parse::value::<TagKey>)]
    pub columns: Vec<TagKey>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl describe search-sonnet                      # by name
  aipctl describe p24qm5pye2qr --usage               # by ID, with 30 days of usage and cost
  aipctl describe arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/p24qm5pye2qr")]
pub struct DescribeArgs {
    /// Profile name, ID or ARN
    #[arg(value_parser = parse::value::<ProfileRef>)]
    pub profile: ProfileRef,

    /// Add the last 30 days of token and cache figures (CloudWatch), their estimated cost and the
    /// prompt-cache savings (AWS Price List)
    #[arg(long)]
    pub usage: bool,

    /// With `--usage`: leave out the estimated cost (no Price List request)
    #[arg(long, requires = "usage")]
    pub no_prices: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl delete search-sonnet                        # asks you to type the name
  aipctl delete --tag Department=Legacy --dry-run    # the plan, nothing touched
  aipctl delete --tag Department=Legacy --yes        # in scripts

Profiles tagged aipctl:protect=true are never deleted; one already gone counts as done.")]
pub struct DeleteArgs {
    /// Profiles to delete: names, IDs or ARNs
    #[arg(value_parser = parse::value::<ProfileRef>, required_unless_present = "tags", conflicts_with = "tags")]
    pub profiles: Vec<ProfileRef>,

    /// Delete every profile with this tag (`KEY=VALUE` or `KEY`); repeat to require all
    #[arg(long = "tag", value_name = "KEY[=VALUE]", value_parser = parse::value::<TagFilter>)]
    pub tags: Vec<TagFilter>,

    /// Show what would be deleted and touch nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl tag search-sonnet Owner=dana CostCenter=CC-1234
  aipctl tag search-sonnet Department=Search --region eu-west-1

Keys are case-sensitive: `department` beside `Department` would be a second cost-allocation tag, \
so a key spelt like a well-known or existing one in another case is refused.")]
pub struct TagArgs {
    /// Profile name, ID or ARN
    #[arg(value_parser = parse::value::<ProfileRef>)]
    pub profile: ProfileRef,

    /// Tags to set, `KEY=VALUE`
    #[arg(required = true, value_name = "KEY=VALUE", value_parser = parse::writable_tag)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl untag search-sonnet Owner
  aipctl untag search-sonnet aipctl:protect          # allow deleting it again")]
pub struct UntagArgs {
    /// Profile name, ID or ARN
    #[arg(value_parser = parse::value::<ProfileRef>)]
    pub profile: ProfileRef,

    /// Tag keys to remove
    #[arg(required = true, value_name = "KEY", value_parser = parse::value::<TagKey>)]
    pub keys: Vec<TagKey>,
}

/// A `--name` glob, compiled once.
#[derive(Debug, Clone)]
pub struct NameGlob(pub globset::GlobMatcher);

impl std::str::FromStr for NameGlob {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(InputError::new("--name", s, "the glob is empty"));
        }
        globset::GlobBuilder::new(s)
            .literal_separator(false)
            .build()
            .map(|g| Self(g.compile_matcher()))
            .map_err(|e| InputError::new("--name", s, &format!("not a valid glob: {}", e.kind())))
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl models                                   # the models of your default region
  aipctl models --region us-east-1,eu-west-1 --provider Anthropic
  aipctl models --all-regions -o json --query \"[?!on_demand].model_id\"

A model offered on demand can be copied into a single-region profile by its ID; one served only
through inference profiles needs a system profile (`us.`, `eu.`, `global.`…) as the source.")]
pub struct ModelsArgs {
    /// Only this provider's models (`Anthropic`, `Amazon`, `Meta`…)
    #[arg(long, value_name = "PROVIDER")]
    pub provider: Option<String>,
}
