//! The flags of `policy` and its documents.

use clap::{Args, Subcommand};

use super::parse;
use crate::domain::profile::ProfileRef;
use crate::domain::tag::TagFilter;
use crate::output::policy::DocumentFormat;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl policy invoke search-sonnet support-nova > invoke.json
  aipctl policy invoke --tag Department=Search --all-regions --format terraform
  aipctl policy operator --format cloudformation > aipctl-operator.json
  aipctl policy read-only
  aipctl policy stepfunctions search-sonnet --format cloudformation
  aipctl policy require-profile --format terraform --scp   # after `aipctl coverage` shows no bypass

The `operator`, `read-only` and `require-profile` documents are the files in `policies/`; they \
need no AWS access.")]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Invoke through profiles (the Invoke and Converse APIs, streaming or not): the profiles, the
    /// system profiles they copy, and the model in every routed region
    #[command(after_help = "Examples:
  aipctl policy invoke search-sonnet support-nova > invoke.json
  aipctl policy invoke --tag Department=Search --all-regions --format terraform
  aipctl policy invoke --tag Department=Search --accounts 234567890123   # a member's profiles")]
    Invoke(InvokePolicyArgs),
    /// Every permission aipctl uses (`policies/operator.json`)
    #[command(after_help = "Examples:
  aipctl policy operator > aipctl-operator.json
  aipctl policy operator --format terraform > aipctl-operator.tf
  aipctl policy operator --format cloudformation > aipctl-operator.cfn.json")]
    Operator(PolicyFormatArgs),
    /// List, describe, usage and cost; nothing that writes (`policies/read-only.json`)
    #[command(after_help = "Examples:
  aipctl policy read-only > aipctl-read-only.json
  aipctl policy read-only --format terraform > aipctl-read-only.tf")]
    ReadOnly(PolicyFormatArgs),
    /// A Step Functions state machine that invokes through a profile, and the role it needs
    #[command(after_help = "Examples:
  aipctl policy stepfunctions search-sonnet > state-machine.json
  aipctl policy stepfunctions search-sonnet --format cloudformation > state-machine.cfn.json")]
    Stepfunctions(StepFunctionsArgs),
    /// Deny invoking models and system profiles except through an application profile, so no
    /// traffic bypasses attribution (an SCP or identity policy: `policies/require-profile.json`)
    RequireProfile(RequireProfileArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl coverage --all-regions --since 14d            # first: who would be denied
  aipctl policy require-profile > require-profile.json
  aipctl policy require-profile --format terraform --scp > require-profile.tf

Denies bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream (Converse and ConverseStream \
are authorized as these) on foundation models and system-defined profiles unless the request \
comes through an application inference profile (`bedrock:InferenceProfileArn`). Only denies: \
attach it as a service control policy or next to identity policies. The README says how to roll \
it out and what AWS does not document.")]
pub struct RequireProfileArgs {
    #[command(flatten)]
    pub format: PolicyFormatArgs,

    /// With `--format terraform|cloudformation`: an Organizations service control policy instead of
    /// an IAM managed policy
    #[arg(long)]
    pub scp: bool,
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
    #[arg(value_parser = parse::value::<ProfileRef>, required_unless_present = "tags", conflicts_with = "tags")]
    pub profiles: Vec<ProfileRef>,

    /// Every profile with this tag (`KEY=VALUE` or `KEY`); repeat to require all
    #[arg(long = "tag", value_name = "KEY[=VALUE]", value_parser = parse::value::<TagFilter>)]
    pub tags: Vec<TagFilter>,

    #[command(flatten)]
    pub format: PolicyFormatArgs,
}

#[derive(Debug, Args)]
pub struct StepFunctionsArgs {
    /// Profile name, ID or ARN; its model must be an Anthropic model (the body is a Messages API request)
    #[arg(value_parser = parse::value::<ProfileRef>)]
    pub profile: ProfileRef,

    /// `max_tokens` of the request body
    #[arg(long, value_name = "N", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_tokens: u32,

    #[command(flatten)]
    pub format: PolicyFormatArgs,
}
