//! What tokens cost at catalog prices, exactly, and what the prompt cache
//! saved: the arithmetic `usage`, `describe --usage`, `cost --reconcile`
//! (and any later report) share.
//!
//! Cost per kind = tokens × USD per token, exact (no rounding; the table
//! rounds to cents when it prints). Savings = what the cache-read tokens
//! would have cost as plain input, minus what they did cost, minus the
//! premium the cache writes paid over plain input:
//!
//! ```text
//! savings = cache_read × (input − cache_read_price) − cache_write × (cache_write_price − input)
//! ```
//!
//! It is negative when the writes cost more than the reads saved (a cache
//! written often and read rarely).

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::catalog::{ModelPrices, Offer, PriceCatalog, PriceScope, TokenKind};
use crate::domain::usage::Usage;

/// Tokens of each kind over a window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenCounts {
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_write: u64,
}

impl TokenCounts {
    pub fn get(&self, kind: TokenKind) -> u64 {
        match kind {
            TokenKind::Input => self.input,
            TokenKind::Output => self.output,
            TokenKind::CacheRead => self.cache_read,
            TokenKind::CacheWrite => self.cache_write,
        }
    }

    /// The four kinds added up.
    pub fn total(&self) -> u64 {
        self.input + self.output + self.cache_read + self.cache_write
    }

    pub fn add(&mut self, other: &TokenCounts) {
        self.input += other.input;
        self.output += other.output;
        self.cache_read += other.cache_read;
        self.cache_write += other.cache_write;
    }
}

impl<'a> std::iter::Sum<&'a TokenCounts> for TokenCounts {
    fn sum<I: Iterator<Item = &'a TokenCounts>>(iter: I) -> Self {
        let mut t = TokenCounts::default();
        for x in iter {
            t.add(x);
        }
        t
    }
}

impl From<&Usage> for TokenCounts {
    fn from(u: &Usage) -> Self {
        Self {
            input: u.input_tokens,
            output: u.output_tokens,
            cache_read: u.cache_read_tokens,
            cache_write: u.cache_write_tokens,
        }
    }
}

/// USD for each token kind, exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindAmounts {
    pub input: Decimal,
    pub output: Decimal,
    pub cache_read: Decimal,
    pub cache_write: Decimal,
}

impl KindAmounts {
    pub fn get(&self, kind: TokenKind) -> Decimal {
        match kind {
            TokenKind::Input => self.input,
            TokenKind::Output => self.output,
            TokenKind::CacheRead => self.cache_read,
            TokenKind::CacheWrite => self.cache_write,
        }
    }

    fn slot(&mut self, kind: TokenKind) -> &mut Decimal {
        match kind {
            TokenKind::Input => &mut self.input,
            TokenKind::Output => &mut self.output,
            TokenKind::CacheRead => &mut self.cache_read,
            TokenKind::CacheWrite => &mut self.cache_write,
        }
    }

    pub fn total(&self) -> Decimal {
        self.input + self.output + self.cache_read + self.cache_write
    }

    pub fn add(&mut self, other: &KindAmounts) {
        for kind in TokenKind::ALL {
            *self.slot(kind) += other.get(kind);
        }
    }
}

/// Why tokens could not be priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unpriced {
    /// The profile's model has no name to look up (no foundation-model ARN,
    /// or `GetFoundationModel` knows no such model in the region).
    NoModelName { model_id: Option<String> },
    /// Traffic whose model cannot be told at all: a CloudWatch `ModelId`
    /// naming an application profile no longer listed, or a provisioned or
    /// custom model.
    UnknownModel,
    /// The catalog has no price for the model in the region.
    NotInCatalog { model: String, region: String },
    /// The catalog prices the model but not a kind it has tokens of.
    KindNotPriced {
        model: String,
        region: String,
        kind: TokenKind,
    },
}

impl fmt::Display for Unpriced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoModelName { model_id: Some(id) } => {
                write!(
                    f,
                    "`GetFoundationModel` names no model `{id}` in the profile's region"
                )
            }
            Self::NoModelName { model_id: None } => f.write_str("the profile names no foundation model"),
            Self::UnknownModel => f.write_str(
                "the model is unknown (a profile no longer listed, or a provisioned or custom model)",
            ),
            Self::NotInCatalog { model, region } => {
                write!(f, "the Price List has no price for {model} in {region}")
            }
            Self::KindNotPriced { model, region, kind } => write!(
                f,
                "the Price List has no {} token price for {model} in {region}",
                kind.label()
            ),
        }
    }
}

/// Which prices a profile's tokens take: its model's name, the region the
/// requests are made from (the profile's), and the scope of its routing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceKey {
    /// `None` when the model could not be named; the ID is kept for the message.
    pub model_name: Option<String>,
    pub model_id: Option<String>,
    pub region: String,
    pub scope: PriceScope,
}

/// Tokens priced, or why they could not be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Estimate {
    Priced {
        cost: KindAmounts,
        /// Can be negative (see the module documentation).
        savings: Decimal,
        offer: Offer,
        /// The scope of the prices used (global traffic falls back to the
        /// regional price where the offer has no Global one).
        scope: PriceScope,
        /// The model as the Price List names it.
        model: String,
    },
    Unpriced(Unpriced),
}

impl Estimate {
    pub fn cost(&self) -> Option<&KindAmounts> {
        match self {
            Self::Priced { cost, .. } => Some(cost),
            Self::Unpriced(_) => None,
        }
    }

    pub fn savings(&self) -> Option<Decimal> {
        match self {
            Self::Priced { savings, .. } => Some(*savings),
            Self::Unpriced(_) => None,
        }
    }
}

/// `tokens` at `prices`. A kind with tokens but no price leaves the whole
/// estimate unpriced: a partial sum would read as the full cost.
pub fn estimate(prices: &ModelPrices, tokens: &TokenCounts) -> Estimate {
    let mut cost = KindAmounts::default();
    for kind in TokenKind::ALL {
        let n = tokens.get(kind);
        if n == 0 {
            continue;
        }
        let Some(price) = prices.price(kind) else {
            return Estimate::Unpriced(Unpriced::KindNotPriced {
                model: prices.model.clone(),
                region: prices.region.clone(),
                kind,
            });
        };
        *cost.slot(kind) = Decimal::from(n) * price;
    }
    Estimate::Priced {
        cost,
        savings: savings(prices, tokens),
        offer: prices.offer,
        scope: prices.scope,
        model: prices.model.clone(),
    }
}

/// What the cache saved at `prices` (only called once every kind with
/// tokens has a price, so a missing cache price has no tokens).
fn savings(prices: &ModelPrices, tokens: &TokenCounts) -> Decimal {
    let price = |k| prices.price(k).unwrap_or_default();
    let input = price(TokenKind::Input);
    let reads = Decimal::from(tokens.cache_read) * (input - price(TokenKind::CacheRead));
    let writes = Decimal::from(tokens.cache_write) * (price(TokenKind::CacheWrite) - input);
    reads - writes
}

/// The reusable entry point: tokens of one model in one region, priced
/// from `catalog`: exact USD per kind and the prompt-cache savings.
pub fn price_usage(catalog: &PriceCatalog, key: &PriceKey, tokens: &TokenCounts) -> Estimate {
    let Some(model) = &key.model_name else {
        return Estimate::Unpriced(Unpriced::NoModelName {
            model_id: key.model_id.clone(),
        });
    };
    match catalog.lookup(model, &key.region, key.scope) {
        Some(prices) => estimate(prices, tokens),
        None => Estimate::Unpriced(Unpriced::NotInCatalog {
            model: model.clone(),
            region: key.region.clone(),
        }),
    }
}

/// Estimates added up (a department, a whole report): the priced part and
/// how many estimates were left out as unpriced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EstimateSum {
    pub cost: KindAmounts,
    pub savings: Decimal,
    pub priced: usize,
    pub unpriced: usize,
}

impl EstimateSum {
    pub fn add(&mut self, e: &Estimate) {
        match e {
            Estimate::Priced { cost, savings, .. } => {
                self.cost.add(cost);
                self.savings += *savings;
                self.priced += 1;
            }
            Estimate::Unpriced(_) => self.unpriced += 1,
        }
    }

    pub fn of<'a>(estimates: impl IntoIterator<Item = &'a Estimate>) -> Self {
        let mut s = Self::default();
        for e in estimates {
            s.add(e);
        }
        s
    }

    /// Whether every estimate summed was priced.
    pub fn complete(&self) -> bool {
        self.unpriced == 0
    }
}
