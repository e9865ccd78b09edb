//! Cost Explorer reports by a cost-allocation tag, as values: the choices a
//! user makes (metric, granularity, time range, second grouping, scope), the
//! request they become, and [`shape`], which folds Cost Explorer's answer
//! into one row per tag value with exact decimal sums.
//!
//! Facts this module encodes (Cost Explorer API reference,
//! <https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html>):
//! time periods are `YYYY-MM-DD`, start inclusive and end exclusive; at most
//! two `GroupBy` entries; a tag group key is `Key$value` and spend without the
//! tag is `Key$`; amounts are decimal strings. No I/O and no clock here: the
//! caller passes "today".
//!
//! - [`choice`]: metric, granularity, second grouping;
//! - [`range`]: time ranges on UTC days;
//! - [`filter`]: the scope of a report as a Cost Explorer expression;
//! - [`shape`]: the request and the folding of the answer;
//! - [`tags`]: cost-allocation tag status and activation.
//!
//! - [`paid`]: what a run paid Cost Explorer (counted in `aws::metering`).

pub mod choice;
pub mod filter;
pub mod paid;
pub mod range;
pub mod shape;
pub mod tags;

use jiff::civil::Date;

use crate::domain::InputError;

pub use choice::{CostMetric, Granularity, Grouping, Split};
pub use filter::{Filter, bedrock_services, scope_filter, scope_filter_in, tag_filters};
pub use paid::{PaidRequests, REQUEST_PRICE_USD, requests_cost_usd};
pub use range::{DateRange, Last, Month, SpanUnit, TimeSpec, earliest_start, rest_of_month};
pub use shape::{
    CostQuery, CostRow, CostTable, ForecastQuery, GroupAmount, Period, PeriodResult, group_value, shape,
    share_percent,
};
pub use tags::{Activation, CostTag, PlannedChange, TagStatus, activation, plan_changes, requested_changes};

/// Cost Explorer keeps 13 months of daily and monthly history by default
/// (<https://docs.aws.amazon.com/cost-management/latest/userguide/ce-what-is.html>).
pub const HISTORY_MONTHS: i64 = 13;
/// `UpdateCostAllocationTagsStatus` takes 1–20 entries.
pub const MAX_STATUS_ENTRIES_PER_CALL: usize = 20;
/// `ListCostAllocationTags` filters on 1–100 `TagKeys`.
pub const MAX_TAG_KEYS_PER_LIST: usize = 100;
/// Product attributes (`--by model`) exist for periods from this day on;
/// earlier periods fail with `DataUnavailableException`.
pub const PRODUCT_ATTRIBUTES_FROM: Date = jiff::civil::date(2026, 9, 1);
/// What third-party and first-party Bedrock billing service names share:
/// "Amazon Bedrock", "Claude Sonnet 4.5 (Amazon Bedrock Edition)", …
pub const BEDROCK_SEARCH: &str = "Bedrock";

/// `--cache-ttl` ([`parse_ttl`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheTtl(pub std::time::Duration);

impl std::str::FromStr for CacheTtl {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_ttl(s).map(Self)
    }
}

/// `--cache-ttl`: a whole number of minutes, hours or days (`30m`, `6h`, `1d`), at most 7 days.
pub fn parse_ttl(s: &str) -> Result<std::time::Duration, InputError> {
    use crate::domain::span::{self, Unit};
    let n = span::parse("--cache-ttl", s, &[Unit::Minutes, Unit::Hours, Unit::Days])?;
    let ttl = n.duration().unwrap_or_default();
    if ttl > std::time::Duration::from_secs(7 * 86_400) {
        return Err(InputError::new(
            "--cache-ttl",
            s,
            "is longer than 7 days, the longest a cached answer is kept",
        ));
    }
    Ok(ttl)
}

#[cfg(test)]
mod tests;
