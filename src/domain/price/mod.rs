//! Token prices from the AWS Price List and what tokens cost at them: the
//! four token kinds Bedrock bills, the catalog read from the two Bedrock
//! offers, the estimate of a profile's tokens in exact USD with its
//! prompt-cache savings, and the reconciliation of estimates with the bill.
//!
//! - [`catalog`]: Price List documents into prices (USD per token, exact),
//!   keyed by model name, region and scope, with the offer they came from;
//! - [`estimate`]: tokens × prices per kind, the cache savings, sums;
//! - [`reconcile`]: billed beside estimated per tag value, and what explains
//!   the difference.
//!
//! Which region's price applies: the region the request is made from (the
//! profile's own region), whatever region serves it. AWS: "There's no
//! additional routing cost for using cross-Region inference. The price is
//! calculated based on the Region from which you call an inference profile"
//! (<https://docs.aws.amazon.com/bedrock/latest/userguide/cross-region-inference.html>),
//! and for global profiles "The price is calculated based on the AWS Region
//! from which the request is made (source AWS Region)", about 10% below
//! geographic inference
//! (<https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html>):
//! global traffic takes the offer's Global price where it has one.
//!
//! No I/O here: the gateway hands over the documents, commands the counts.

pub mod catalog;
pub mod estimate;
pub mod reconcile;

pub use catalog::{
    ModelPrices, ModelQuery, Offer, PriceCatalog, PriceFilter, PriceFilterKind, PriceScope, Product,
    TokenKind, model_key, product, routes_globally,
};
pub use estimate::{
    Estimate, EstimateSum, KindAmounts, PriceKey, TokenCounts, Unpriced, estimate, price_usage,
};
pub use reconcile::{
    BilledRow, Cause, ReconcileRow, Reconciliation, TOLERANCE_PERCENT, billed_rows, is_token_usage_type,
    reconcile,
};

#[cfg(test)]
mod tests;
