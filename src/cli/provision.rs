//! The flags of `plan` and `apply`.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl plan -f teams.toml
  aipctl plan -f teams.toml -o json --out plan.json
  aipctl plan -f teams.toml --region us-east-1     # only this region
  aipctl plan -f teams.toml --detailed-exitcode    # in CI: exit 4 when the account drifted
  aipctl plan -f teams.toml --accounts 234567890123 # a spec naming accounts: only this one's share

Reads the account in the spec's regions (or `--region`/`--all-regions`) and prints creations, \
tag changes, replacements (AWS cannot change a name, description or model in place: the ARN \
changes) and orphans (profiles aipctl manages that the spec no longer has), then the budgets and \
anomaly alerts of the spec's `budget` and `anomaly` entries (region `global`): creations, \
updates with their diff, orphans. Nothing is changed. Teams that name `accounts = [...]` are \
planned in each of those accounts (entered through `--role-name`), every change naming its \
account; budgets and anomaly alerts stay in the caller's account.")]
pub struct PlanArgs {
    /// The provisioning spec (TOML; the README describes it)
    #[arg(short = 'f', long = "file", value_name = "SPEC")]
    pub file: PathBuf,

    /// Also save the plan as JSON, with a fingerprint of the account, for `apply --plan`
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Exit 4 when the plan has changes, 0 when it has none (for CI drift checks; 1, 2 and 3
    /// keep their meanings)
    #[arg(long)]
    pub detailed_exitcode: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl apply -f teams.toml                        # shows the plan, asks, applies
  aipctl apply -f teams.toml --yes --prune          # also deletes orphans, no prompt
  aipctl plan -f teams.toml --out plan.json && aipctl apply --plan plan.json
  aipctl apply -f teams.toml --role-name PlatformDeployer  # members entered through this role

Idempotent: a second run changes nothing. An interrupted run is finished by running it again. \
Across accounts, each change is made through its account's role; an account that cannot be \
entered is named (exit 1) after the others are applied.")]
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

    /// Delete orphans: profiles, budgets and anomaly monitors of this spec that it no longer has
    #[arg(long)]
    pub prune: bool,
}
