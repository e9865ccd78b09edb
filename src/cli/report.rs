//! The flags of `report`.

use std::path::PathBuf;

use clap::Args;

use super::metrics::WindowArgs;
use super::parse;
use crate::domain::cost::CacheTtl;
use crate::domain::tag::TagKey;
use crate::domain::window::Span;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  aipctl report --out bedrock.html            # 30 days; spend for each month they touch
  aipctl report --out q4.html --from 2026-10-01 --to 2026-12-31 --all-regions
  aipctl report --out weekly.html --since 7d --region us-east-1,eu-west-1
  aipctl report --out fresh.html --no-cache   # ask Cost Explorer again, not the cache
  aipctl report --out org.html --accounts all # every account of the organization, summed
  aipctl report --out month.html --forecast   # and Cost Explorer's forecast per department

One HTML file with its styles and charts inside (no script, nothing fetched): open it offline, \
mail it, print it. Spend comes from Cost Explorer for the whole calendar months the window \
touches (each request costs USD 0.01; answers are cached as for `aipctl cost`), with this \
month's estimate beside it (its tokens so far at AWS Price List prices); tokens, the cache \
hit ratio, estimated spend and prompt-cache savings from CloudWatch over the window; the \
budgets aipctl manages from AWS Budgets; idle profiles as `aipctl prune` finds them; \
attribution coverage as `aipctl coverage` measures it (by estimated cost from the AWS Price List \
when every series is priced, else by tokens). With `--accounts`, each department is summed \
across the accounts, and Cost Explorer and Budgets are read in the caller's (payer) account. \
The file is written whole or not at all: a temporary file beside it, renamed at the end.")]
pub struct ReportArgs {
    /// The HTML file to write (replaced if it exists); its directory must exist
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    #[command(flatten)]
    pub window: WindowArgs,

    /// Tag key whose values are the departments
    #[arg(long, value_name = "KEY", default_value = crate::domain::tag::DEPARTMENT, value_parser = parse::value::<TagKey>)]
    pub tag_key: TagKey,

    /// Idle window of the idle-profile section, as `prune --idle`
    #[arg(long, value_name = "SPAN", default_value = "30d", value_parser = parse::value::<Span>)]
    pub idle: Span,

    /// Ask Cost Explorer and the Price List even when a cached answer exists (the fresh answer
    /// replaces it)
    #[arg(long)]
    pub no_cache: bool,

    /// Add Cost Explorer's forecast of the rest of this month per department: one paid
    /// request per department (USD 0.01 each, cached)
    #[arg(long)]
    pub forecast: bool,

    /// How long a cached Cost Explorer answer is reused: `30m`, `6h`, `1d` (at most 7 days)
    #[arg(long, value_name = "TTL", default_value = "6h", value_parser = parse::value::<CacheTtl>)]
    pub cache_ttl: CacheTtl,
}
