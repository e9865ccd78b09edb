//! What a run paid Cost Explorer: requests per operation, retries, answers
//! served from the cache, and the USD they cost. The counting itself is done
//! where the requests go out (`aws::metering`); this is the bill, a value.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

/// Every Cost Explorer API request is billed at USD 0.01, each page and each
/// retry included (<https://aws.amazon.com/aws-cost-management/aws-cost-explorer/pricing/>).
pub const REQUEST_PRICE_USD: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// The cost of `n` Cost Explorer requests in USD.
pub fn requests_cost_usd(n: usize) -> Decimal {
    Decimal::from(n) * REQUEST_PRICE_USD
}

/// What a run cost in Cost Explorer requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaidRequests {
    /// Requests that went on the wire, per operation, retries included:
    /// what AWS bills.
    pub attempts: BTreeMap<String, usize>,
    /// Requests aipctl made (one per page), per operation, before retries.
    pub sent: BTreeMap<String, usize>,
    /// Requests answered from the on-disk cache instead (pages included).
    pub from_cache: usize,
    /// The age of the oldest cached answer used, in seconds.
    pub oldest_cached_seconds: Option<i64>,
}

impl PaidRequests {
    pub fn total(&self) -> usize {
        self.attempts.values().sum()
    }

    /// Attempts beyond the first of each request (throttling, 5xx).
    pub fn retries(&self) -> usize {
        self.total().saturating_sub(self.sent.values().sum())
    }

    pub fn cost_usd(&self) -> Decimal {
        requests_cost_usd(self.total())
    }
}
