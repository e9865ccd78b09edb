//! The price catalog: AWS Price List documents (`pricing:GetProducts`) of
//! the two Bedrock offers read into exact USD-per-token prices of the four
//! token kinds, per model, region and scope, each with the offer it came from.
//!
//! The offers differ (AWS facts, section "Prices"; the emulator's
//! `awsemu/pricelist.py` documents the sources):
//!
//! - `AmazonBedrock` (first-party and older models): product attributes
//!   `model` (display name, "Nova Pro"), `regionCode`, `inferenceType`
//!   ("Input tokens", "Output tokens", "Prompt cache read input tokens",
//!   "Prompt cache write input tokens"), `feature` ("On-demand Inference"),
//!   `usagetype` (`USE1-NovaPro-input-tokens`); unit `1K tokens`.
//! - `AmazonBedrockFoundationModels` (Marketplace models such as Claude 4.x):
//!   no `model` or `inferenceType`; keyed by `servicename` ("Claude Sonnet 4.5
//!   (Amazon Bedrock Edition)") and `usagetype`
//!   (`USE1-MP:USE1_InputTokenCount-Units`, `…OutputTokenCount…`,
//!   `…CacheReadInputTokenCount…`, `…CacheWriteInputTokenCount…`), priced per
//!   million tokens (unit `Units`, description "Million Input Tokens
//!   Regional"). Variants at other prices share the offer: `…_Global` (global
//!   cross-Region inference, kept as [`PriceScope::Global`]), `…_Batch`,
//!   `…_Global_Batch` and the 1-hour cache write `CacheWrite1hInputTokenCount`
//!   (left out: no profile traffic bills at them).
//!
//! Anything else in the offers (batch, provisioned throughput, images,
//! other features) is not a token price of on-demand traffic and is left
//! out. A model the catalog does not name is unpriced, never free.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::InputError;
use crate::domain::profile::{BedrockArn, GEOGRAPHY_PREFIXES, ModelRef};

/// The four kinds of tokens Bedrock bills at separate prices. Summing only
/// input and output is "the most common source of reconciliation gaps"
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/cost-mgmt-understanding-cur-data.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// Input tokens neither read from nor written to the prompt cache.
    Input,
    Output,
    CacheRead,
    CacheWrite,
}

impl TokenKind {
    pub const ALL: [TokenKind; 4] = [Self::Input, Self::Output, Self::CacheRead, Self::CacheWrite];

    /// For people: `input`, `output`, `cache read`, `cache write`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Input => "input",
            Self::Output => "output",
            Self::CacheRead => "cache read",
            Self::CacheWrite => "cache write",
        }
    }

    /// For JSON keys and CSV columns: `input`, `output`, `cache_read`, `cache_write`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Input => "input",
            Self::Output => "output",
            Self::CacheRead => "cache_read",
            Self::CacheWrite => "cache_write",
        }
    }
}

/// The Price List offer (service code) a price came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Offer {
    /// First-party and older models, billed under "Amazon Bedrock".
    AmazonBedrock,
    /// Marketplace models, billed under "<Model> (Amazon Bedrock Edition)".
    AmazonBedrockFoundationModels,
}

impl Offer {
    /// Marketplace first: a model both offers name bills through the Marketplace.
    pub const ALL: [Offer; 2] = [Self::AmazonBedrockFoundationModels, Self::AmazonBedrock];

    /// The `ServiceCode` of `GetProducts`.
    pub fn service_code(self) -> &'static str {
        match self {
            Self::AmazonBedrock => "AmazonBedrock",
            Self::AmazonBedrockFoundationModels => "AmazonBedrockFoundationModels",
        }
    }
}

impl fmt::Display for Offer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.service_code())
    }
}

/// Which price of a model applies: the in-Region / geographic one, or the
/// Global cross-Region one (about 10% lower).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceScope {
    Regional,
    Global,
}

impl PriceScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Regional => "regional",
            Self::Global => "global",
        }
    }
}

/// How a `GetProducts` filter compares (the model's `FilterType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PriceFilterKind {
    /// Equal, ignoring case (the long-standing type).
    TermMatch,
    Equals,
    Contains,
    /// `value` is a comma-separated list.
    AnyOf,
    NoneOf,
}

/// One `GetProducts` filter: a product attribute (or `ServiceCode`) and a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceFilter {
    pub kind: PriceFilterKind,
    pub field: String,
    pub value: String,
}

impl PriceFilter {
    pub fn term_match(field: &str, value: &str) -> Self {
        Self {
            kind: PriceFilterKind::TermMatch,
            field: field.to_owned(),
            value: value.to_owned(),
        }
    }
}

/// One token price read from a Price List document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub offer: Offer,
    /// The model's display name: `model`, or `servicename` without " (Amazon Bedrock Edition)".
    pub model: String,
    pub region: String,
    pub kind: TokenKind,
    pub scope: PriceScope,
    /// Exact: the document's price divided by its unit's tokens.
    pub usd_per_token: Decimal,
    pub usage_type: String,
    /// The document's `publicationDate`.
    pub publication_date: Option<String>,
}

const MARKETPLACE_SUFFIX: &str = " (Amazon Bedrock Edition)";
const ON_DEMAND: &str = "On-demand Inference";

/// The key a model is matched by: its name in lower case, letters and
/// digits only (`Claude Sonnet 4.5` → `claudesonnet45`), so the Price List's
/// spelling and `GetFoundationModel`'s `modelName` meet without guessing.
pub fn model_key(name: &str) -> String {
    name.trim_end_matches(MARKETPLACE_SUFFIX)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// How many tokens the unit of a price counts: `1K tokens` → 1,000;
/// `Units` with a "Million …" description (the Marketplace offer) →
/// 1,000,000. `None` when neither says.
fn tokens_per_unit(unit: &str, description: &str) -> Option<Decimal> {
    let unit = unit.to_ascii_lowercase();
    let description = description.to_ascii_lowercase();
    if unit.contains("1k") || unit.contains("1,000 tokens") || unit.contains("thousand") {
        return Some(Decimal::from(1_000));
    }
    if unit.contains("1m") || unit.contains("million") || description.contains("million") {
        return Some(Decimal::from(1_000_000));
    }
    (description.contains("per 1k tokens") || description.contains("thousand")).then(|| Decimal::from(1_000))
}

/// The kind and scope of a first-party product, from `inferenceType`.
fn first_party_kind(inference_type: &str) -> Option<TokenKind> {
    match inference_type.to_ascii_lowercase().as_str() {
        "input tokens" => Some(TokenKind::Input),
        "output tokens" => Some(TokenKind::Output),
        "prompt cache read input tokens" | "cache read input tokens" => Some(TokenKind::CacheRead),
        "prompt cache write input tokens" | "cache write input tokens" => Some(TokenKind::CacheWrite),
        _ => None,
    }
}

/// The kind and scope of a Marketplace usage type
/// (`USE1-MP:USE1_CacheReadInputTokenCount_Global-Units`); `None` for the
/// batch and 1-hour cache-write variants and anything else.
fn marketplace_kind(usage_type: &str) -> Option<(TokenKind, PriceScope)> {
    let (_, rest) = usage_type.split_once("MP:")?;
    let rest = rest.strip_suffix("-Units").unwrap_or(rest);
    let (_, metric) = rest.split_once('_')?;
    let (metric, scope) = match metric.strip_suffix("_Global") {
        Some(m) => (m, PriceScope::Global),
        None => (metric, PriceScope::Regional),
    };
    let kind = match metric {
        "InputTokenCount" => TokenKind::Input,
        "OutputTokenCount" => TokenKind::Output,
        "CacheReadInputTokenCount" => TokenKind::CacheRead,
        "CacheWriteInputTokenCount" => TokenKind::CacheWrite,
        _ => return None,
    };
    Some((kind, scope))
}

/// The single on-demand price of a document: (USD per unit, unit, description).
fn on_demand_price(doc: &Value) -> Option<(Decimal, String, String)> {
    // One OnDemand term per document: the term and its dimension keys are SKU codes.
    let term = doc.get("terms")?.get("OnDemand")?.as_object()?.values().next()?;
    let dimensions = term.get("priceDimensions")?.as_object()?;
    // A tiered price starts at 0; on-demand token prices have one tier.
    let dim = dimensions.values().find(|d| {
        d.get("beginRange")
            .and_then(Value::as_str)
            .is_none_or(|b| b == "0")
    })?;
    let usd = dim.get("pricePerUnit")?.get("USD")?.as_str()?;
    let usd = Decimal::from_str(usd)
        .or_else(|_| Decimal::from_scientific(usd))
        .ok()?;
    let text = |k: &str| dim.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    Some((usd, text("unit"), text("description")))
}

/// Reads one `PriceList` entry (a JSON document as a string) of `offer`.
/// `Ok(None)` for a product that is not an on-demand token price aipctl
/// uses; `Err` for a document that is not JSON.
pub fn product(offer: Offer, document: &str) -> Result<Option<Product>, String> {
    let doc: Value =
        serde_json::from_str(document).map_err(|e| format!("a PriceList entry is not JSON: {e}"))?;
    let Some(attributes) = doc.get("product").and_then(|p| p.get("attributes")) else {
        return Ok(None);
    };
    let attr = |k: &str| attributes.get(k).and_then(Value::as_str);
    let (Some(region), Some(usage_type)) = (attr("regionCode"), attr("usagetype")) else {
        return Ok(None);
    };
    let found = match offer {
        Offer::AmazonBedrock => {
            let feature_ok = attr("feature").is_none_or(|f| f.eq_ignore_ascii_case(ON_DEMAND));
            match (attr("model"), attr("inferenceType").and_then(first_party_kind)) {
                (Some(model), Some(kind)) if feature_ok => {
                    // Guess: a first-party Global price would carry "global" in its usage type.
                    let scope = if usage_type.to_ascii_lowercase().contains("global") {
                        PriceScope::Global
                    } else {
                        PriceScope::Regional
                    };
                    Some((model.to_owned(), kind, scope))
                }
                _ => None,
            }
        }
        Offer::AmazonBedrockFoundationModels => {
            let model = attr("servicename").and_then(|s| s.strip_suffix(MARKETPLACE_SUFFIX));
            match (model, marketplace_kind(usage_type)) {
                (Some(model), Some((kind, scope))) => Some((model.to_owned(), kind, scope)),
                _ => None,
            }
        }
    };
    let Some((model, kind, scope)) = found else {
        return Ok(None);
    };
    let Some((usd, unit, description)) = on_demand_price(&doc) else {
        return Ok(None);
    };
    let Some(per_unit) = tokens_per_unit(&unit, &description) else {
        return Ok(None);
    };
    Ok(Some(Product {
        offer,
        model,
        region: region.to_owned(),
        kind,
        scope,
        usd_per_token: (usd / per_unit).normalize(),
        usage_type: usage_type.to_owned(),
        publication_date: doc
            .get("publicationDate")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }))
}

/// The prices of one model in one region and scope, from one offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelPrices {
    pub offer: Offer,
    pub model: String,
    pub region: String,
    pub scope: PriceScope,
    /// USD per token; a kind absent here is not priced (the model has no prompt cache, say).
    pub usd_per_token: BTreeMap<TokenKind, Decimal>,
}

impl ModelPrices {
    pub fn price(&self, kind: TokenKind) -> Option<Decimal> {
        self.usd_per_token.get(&kind).copied()
    }
}

/// Every token price read, grouped per model, region, scope and offer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PriceCatalog {
    models: Vec<ModelPrices>,
    /// The latest `publicationDate` of the documents read.
    pub publication_date: Option<String>,
    /// Prices left out because two documents disagree on them.
    pub conflicts: Vec<String>,
}

type Slot = (String, String, PriceScope, Offer);

impl PriceCatalog {
    /// The catalog of `products`. Two different prices for the same model,
    /// region, scope, offer and kind leave that kind unpriced (named in
    /// [`Self::conflicts`]) rather than pick one.
    pub fn new(products: impl IntoIterator<Item = Product>) -> Self {
        let mut slots: BTreeMap<Slot, (String, BTreeMap<TokenKind, Option<Decimal>>)> = BTreeMap::new();
        let mut publication_date: Option<String> = None;
        let mut conflicts = Vec::new();
        for p in products {
            if let Some(d) = &p.publication_date
                && publication_date.as_ref().is_none_or(|have| d > have)
            {
                publication_date = Some(d.clone());
            }
            let slot = (model_key(&p.model), p.region.clone(), p.scope, p.offer);
            let entry = slots
                .entry(slot)
                .or_insert_with(|| (p.model.clone(), BTreeMap::new()));
            match entry.1.get(&p.kind) {
                None => {
                    entry.1.insert(p.kind, Some(p.usd_per_token));
                }
                Some(Some(have)) if *have != p.usd_per_token => {
                    conflicts.push(format!(
                        "{} {} {} ({}): {} and {} USD per token",
                        p.model,
                        p.region,
                        p.kind.label(),
                        p.offer,
                        have,
                        p.usd_per_token
                    ));
                    entry.1.insert(p.kind, None);
                }
                Some(_) => {}
            }
        }
        let mut models: Vec<ModelPrices> = slots
            .into_iter()
            .map(|((_, region, scope, offer), (model, kinds))| ModelPrices {
                offer,
                model,
                region,
                scope,
                usd_per_token: kinds.into_iter().filter_map(|(k, v)| Some((k, v?))).collect(),
            })
            .filter(|m| !m.usd_per_token.is_empty())
            .collect();
        models.sort_by(|a, b| {
            (&a.model, &a.region, a.scope, a.offer).cmp(&(&b.model, &b.region, b.scope, b.offer))
        });
        Self {
            models,
            publication_date,
            conflicts,
        }
    }

    /// Every model's prices, by model name, region and scope.
    pub fn models(&self) -> &[ModelPrices] {
        &self.models
    }

    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }

    /// The prices that apply to `model` (a display name, e.g. `GetFoundationModel`'s
    /// `modelName`) in `region`: the Global ones for global traffic where the
    /// offer has them, else the regional ones; the Marketplace offer before
    /// the first-party one. `None`: the catalog does not price the model there.
    pub fn lookup(&self, model: &str, region: &str, scope: PriceScope) -> Option<&ModelPrices> {
        let key = model_key(model);
        let candidates = |s: PriceScope| {
            Offer::ALL.into_iter().find_map(|offer| {
                self.models.iter().find(|m| {
                    m.offer == offer && m.scope == s && m.region == region && model_key(&m.model) == key
                })
            })
        };
        match scope {
            PriceScope::Global => candidates(PriceScope::Global).or_else(|| candidates(PriceScope::Regional)),
            PriceScope::Regional => candidates(PriceScope::Regional),
        }
    }
}

/// `prices --model`: a model ID or ARN, a system profile ID or ARN (its
/// model), or words of the model's name (`sonnet 4.5`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelQuery {
    Model(ModelRef),
    Name(String),
}

impl ModelQuery {
    /// The foundation-model ID a reference names (without a geography prefix).
    pub fn model_id(&self) -> Option<String> {
        let id = match self {
            Self::Model(ModelRef::FoundationModelId(s)) => return Some(s.clone()),
            Self::Model(ModelRef::FoundationModelArn(a)) => return Some(a.resource_id.clone()),
            Self::Model(ModelRef::SystemProfileId(s)) => s.clone(),
            Self::Model(ModelRef::SystemProfileArn(a)) => a.resource_id.clone(),
            Self::Name(_) => return None,
        };
        Some(strip_geography(&id).to_owned())
    }

    /// Whether a catalog model name matches words of a name (ignoring case,
    /// spaces and punctuation).
    pub fn matches_name(&self, name: &str) -> bool {
        match self {
            Self::Name(words) => model_key(name).contains(&model_key(words)),
            Self::Model(_) => false,
        }
    }
}

/// `us.anthropic.claude-…` → `anthropic.claude-…`.
fn strip_geography(id: &str) -> &str {
    match id.split_once('.') {
        Some((prefix, rest)) if GEOGRAPHY_PREFIXES.contains(&prefix) && rest.contains('.') => rest,
        _ => id,
    }
}

impl FromStr for ModelQuery {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let looks_like_id = s.starts_with("arn:")
            || (!s.contains(char::is_whitespace)
                && s.contains('.')
                && s.chars().any(|c| c.is_ascii_lowercase())
                && s.chars().all(|c| c.is_ascii_alphanumeric() || "-:.".contains(c)));
        if looks_like_id {
            return s.parse::<ModelRef>().map(Self::Model).map_err(|e| InputError {
                field: "--model".into(),
                ..e
            });
        }
        let words = s.trim();
        let allowed = |c: char| c.is_alphanumeric() || " .-_()+".contains(c);
        if words.is_empty()
            || words.chars().count() > 100
            || !words.chars().all(allowed)
            || model_key(words).is_empty()
        {
            return Err(InputError::new(
                "--model",
                s,
                "expected a model ID (`amazon.nova-pro-v1:0`), a system profile ID, an ARN, or words of a \
                 model's name (`sonnet 4.5`)",
            ));
        }
        Ok(Self::Name(words.to_owned()))
    }
}

/// Whether the model ARNs of a profile route globally: a global profile
/// lists the Region-less foundation-model ARN (`arn:aws:bedrock:::foundation-model/…`).
pub fn routes_globally(model_arns: &[String]) -> bool {
    model_arns
        .iter()
        .filter_map(|a| BedrockArn::parse(a))
        .any(|a| a.region.is_empty())
}
