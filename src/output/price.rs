//! Price views: `aipctl prices` (the four token prices per model, region
//! and scope, with the offer), the money of a usage row (estimated USD per
//! token kind, the prompt-cache savings, the prices used), the line that
//! says where the prices came from, and `cost --reconcile`.
//!
//! JSON and CSV carry exact decimals as strings; tables round to cents
//! (prices to what they are: `$0.035` per 1M tokens stays `$0.035`).

use comfy_table::{CellAlignment, Table};
use rust_decimal::Decimal;
use serde::Serialize;

use super::cost::{Amount, money};
use super::{View, age, new_table};
use crate::domain::price::{
    Cause, Estimate, EstimateSum, KindAmounts, ModelPrices, Offer, PriceScope, ReconcileRow, Reconciliation,
    TOLERANCE_PERCENT, TokenKind,
};

const MILLION: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// USD for each token kind and their sum, exact.
#[derive(Debug, Clone, Serialize)]
pub struct MoneyByKind {
    pub input: Amount,
    pub output: Amount,
    pub cache_read: Amount,
    pub cache_write: Amount,
    pub total: Amount,
}

impl From<&KindAmounts> for MoneyByKind {
    fn from(k: &KindAmounts) -> Self {
        Self {
            input: Amount(k.input),
            output: Amount(k.output),
            cache_read: Amount(k.cache_read),
            cache_write: Amount(k.cache_write),
            total: Amount(k.total()),
        }
    }
}

/// The prices a profile's tokens took, or why there were none.
#[derive(Debug, Clone, Serialize)]
pub struct PriceUsed {
    /// `priced` or `unpriced`.
    pub status: &'static str,
    pub offer: Option<Offer>,
    pub scope: Option<PriceScope>,
    /// The model as the Price List names it.
    pub model: Option<String>,
    /// Why the tokens are unpriced (never counted as $0).
    pub unpriced_reason: Option<String>,
}

/// The money of a usage row.
#[derive(Debug, Clone, Serialize)]
pub struct RowMoney {
    /// Tokens × Price List prices, per kind; `null` when nothing could be
    /// priced. For a group, the priced profiles only (see `unpriced_profiles`).
    pub estimated_usd: Option<MoneyByKind>,
    /// What the prompt cache saved; negative when cache writes cost more
    /// than the reads saved; `null` when unpriced.
    pub cache_savings_usd: Option<Amount>,
    /// A profile row: the prices used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<PriceUsed>,
    /// A group row: profiles whose tokens are unpriced, left out of `estimated_usd`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unpriced_profiles: Option<usize>,
}

impl RowMoney {
    pub fn of_profile(e: &Estimate) -> Self {
        match e {
            Estimate::Priced {
                cost,
                savings,
                offer,
                scope,
                model,
            } => Self {
                estimated_usd: Some(cost.into()),
                cache_savings_usd: Some(Amount(*savings)),
                price: Some(PriceUsed {
                    status: "priced",
                    offer: Some(*offer),
                    scope: Some(*scope),
                    model: Some(model.clone()),
                    unpriced_reason: None,
                }),
                unpriced_profiles: None,
            },
            Estimate::Unpriced(why) => Self {
                estimated_usd: None,
                cache_savings_usd: None,
                price: Some(PriceUsed {
                    status: "unpriced",
                    offer: None,
                    scope: None,
                    model: None,
                    unpriced_reason: Some(why.to_string()),
                }),
                unpriced_profiles: None,
            },
        }
    }

    pub fn of_group(sum: &EstimateSum) -> Self {
        let any = sum.priced > 0;
        Self {
            estimated_usd: any.then(|| (&sum.cost).into()),
            cache_savings_usd: any.then_some(Amount(sum.savings)),
            price: None,
            unpriced_profiles: Some(sum.unpriced),
        }
    }

    /// The table cell of the estimated total: `$12.34`, `unpriced`, or
    /// `≥$12.34` when some profiles are unpriced.
    pub fn cost_cell(&self) -> String {
        match (&self.estimated_usd, self.unpriced_profiles.unwrap_or(0)) {
            (None, _) => "unpriced".into(),
            (Some(m), 0) => money(m.total.0, "USD"),
            (Some(m), _) => format!("≥{}", money(m.total.0, "USD")),
        }
    }

    pub fn savings_cell(&self) -> String {
        self.cache_savings_usd
            .map_or_else(|| "-".into(), |a| money(a.0, "USD"))
    }

    /// CSV cells: the four kinds, the total, the savings (empty when unpriced).
    pub fn csv_cells(&self) -> Vec<String> {
        let mut v: Vec<String> = match &self.estimated_usd {
            Some(m) => [m.input, m.output, m.cache_read, m.cache_write, m.total]
                .iter()
                .map(|a| a.exact())
                .collect(),
            None => vec![String::new(); 5],
        };
        v.push(self.cache_savings_usd.map(Amount::exact).unwrap_or_default());
        v
    }

    pub fn negative_savings(&self) -> bool {
        self.cache_savings_usd
            .is_some_and(|a| a.0.is_sign_negative() && !a.0.is_zero())
    }
}

/// CSV headers of [`RowMoney::csv_cells`].
pub const MONEY_CSV_COLUMNS: [&str; 6] = [
    "estimated_input_usd",
    "estimated_output_usd",
    "estimated_cache_read_usd",
    "estimated_cache_write_usd",
    "estimated_total_usd",
    "cache_savings_usd",
];

/// Where prices came from, for footers and JSON.
#[derive(Debug, Clone, Serialize)]
pub struct PriceSource {
    /// `AWS Price List (pricing:GetProducts)`.
    pub source: &'static str,
    /// The catalog's `publicationDate` (the latest of the documents read).
    pub publication_date: Option<String>,
    /// Whether every answer came from the on-disk cache.
    pub from_cache: bool,
    /// The age of the oldest cached answer used, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached_seconds_ago: Option<i64>,
    /// `GetProducts` pages requested by this run.
    pub requests: usize,
}

impl PriceSource {
    pub const SOURCE: &'static str = "AWS Price List (pricing:GetProducts)";

    /// `AWS Price List of 2026-11-01, cached 3h ago (--no-cache reads it again)`.
    pub fn line(&self) -> String {
        let published = self.publication_date.as_deref().map_or_else(
            || "AWS Price List".to_owned(),
            |d| format!("AWS Price List of {}", day(d)),
        );
        match (self.requests, self.cached_seconds_ago) {
            (0, Some(s)) => format!("{published}, cached {} (--no-cache reads it again)", ago(s)),
            (_, Some(s)) => format!("{published}, partly cached {}", ago(s)),
            (_, None) => format!("{published}, read just now"),
        }
    }
}

fn ago(seconds: i64) -> String {
    match age(seconds) {
        a if a == "just now" => a,
        a => format!("{a} ago"),
    }
}

fn day(timestamp: &str) -> &str {
    timestamp.get(..10).unwrap_or(timestamp)
}

/// A price for people: USD per 1M tokens to 4 decimals (4 significant
/// digits below a cent), at least 2 (`$3.00`, `$2.7273`, `$0.00875`).
fn per_million(usd_per_token: Option<Decimal>) -> String {
    usd_per_token.map_or_else(
        || "-".into(),
        |p| {
            let m = p * MILLION;
            let places = if m.abs() >= Decimal::new(1, 2) || m.is_zero() {
                4
            } else {
                // 0.00875 has its first digit at the 3rd place: keep 4 digits from there.
                let mut first = 0;
                let mut x = m.abs();
                while x < Decimal::ONE && first < 20 {
                    x *= Decimal::TEN;
                    first += 1;
                }
                first + 3
            };
            let rounded =
                m.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            format!("${}", Amount(rounded).exact())
        },
    )
}

fn offer_label(offer: Offer) -> &'static str {
    match offer {
        Offer::AmazonBedrock => "Bedrock",
        Offer::AmazonBedrockFoundationModels => "Marketplace",
    }
}

/// One model's prices in one region, as `aipctl prices` prints them.
#[derive(Debug, Serialize)]
pub struct PriceRow {
    pub model: String,
    pub region: String,
    /// `regional` (in-Region and geographic cross-Region) or `global`.
    pub scope: PriceScope,
    /// The Price List service code the prices came from.
    pub offer: Offer,
    /// USD per 1,000,000 tokens, exact; `null`: the kind is not priced.
    pub usd_per_million_tokens: PerKind,
}

#[derive(Debug, Serialize)]
pub struct PerKind {
    pub input: Option<Amount>,
    pub output: Option<Amount>,
    pub cache_read: Option<Amount>,
    pub cache_write: Option<Amount>,
}

impl From<&ModelPrices> for PriceRow {
    fn from(m: &ModelPrices) -> Self {
        let at = |k| m.price(k).map(|p| Amount(p * MILLION));
        Self {
            model: m.model.clone(),
            region: m.region.clone(),
            scope: m.scope,
            offer: m.offer,
            usd_per_million_tokens: PerKind {
                input: at(TokenKind::Input),
                output: at(TokenKind::Output),
                cache_read: at(TokenKind::CacheRead),
                cache_write: at(TokenKind::CacheWrite),
            },
        }
    }
}

/// `aipctl prices`.
#[derive(Debug, Serialize)]
pub struct PricesView {
    pub prices: Vec<PriceRow>,
    #[serde(flatten)]
    pub source: PriceSource,
    pub regions: Vec<String>,
    #[serde(skip)]
    models: Vec<ModelPrices>,
    /// The model asked for with `--model`, for the sentence when none is priced.
    #[serde(skip)]
    wanted: Option<String>,
}

impl PricesView {
    pub fn new(
        models: Vec<ModelPrices>,
        source: PriceSource,
        regions: Vec<String>,
        wanted: Option<String>,
    ) -> Self {
        Self {
            prices: models.iter().map(PriceRow::from).collect(),
            source,
            regions,
            models,
            wanted,
        }
    }
}

impl View for PricesView {
    fn table(&self) -> Table {
        let mut t = new_table(&[
            "model",
            "region",
            "input",
            "output",
            "cache read",
            "cache write",
            "offer",
        ]);
        for m in &self.models {
            let model = match m.scope {
                PriceScope::Global => format!("{} (global)", m.model),
                PriceScope::Regional => m.model.clone(),
            };
            t.add_row(vec![
                model,
                m.region.clone(),
                per_million(m.price(TokenKind::Input)),
                per_million(m.price(TokenKind::Output)),
                per_million(m.price(TokenKind::CacheRead)),
                per_million(m.price(TokenKind::CacheWrite)),
                offer_label(m.offer).to_owned(),
            ]);
        }
        for i in 2..6 {
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = [
            "model",
            "region",
            "scope",
            "offer",
            "input_usd_per_million",
            "output_usd_per_million",
            "cache_read_usd_per_million",
            "cache_write_usd_per_million",
        ]
        .map(String::from)
        .to_vec();
        let cell = |a: Option<Amount>| a.map(Amount::exact).unwrap_or_default();
        let rows = self
            .prices
            .iter()
            .map(|p| {
                vec![
                    p.model.clone(),
                    p.region.clone(),
                    p.scope.as_str().to_owned(),
                    p.offer.service_code().to_owned(),
                    cell(p.usd_per_million_tokens.input),
                    cell(p.usd_per_million_tokens.output),
                    cell(p.usd_per_million_tokens.cache_read),
                    cell(p.usd_per_million_tokens.cache_write),
                ]
            })
            .collect();
        (header, rows)
    }

    fn footer(&self) -> Vec<String> {
        vec![
            "USD per 1M tokens (-o json: exact); -: not priced; (global): global cross-Region inference"
                .to_owned(),
            "offers: Bedrock = AmazonBedrock, Marketplace = AmazonBedrockFoundationModels".to_owned(),
            format!(
                "prices: {} · regions: {}",
                self.source.line(),
                self.regions.join(", ")
            ),
        ]
    }

    fn empty(&self) -> Option<String> {
        self.prices.is_empty().then(|| match &self.wanted {
            Some(model) => format!(
                "the Price List has no price for {model} in {}: it is unpriced (aipctl never counts it as $0)",
                self.regions.join(", ")
            ),
            None => format!("the Price List prices no model in {}", self.regions.join(", ")),
        })
    }
}

/// One tag value of `cost --reconcile`.
#[derive(Debug, Serialize)]
pub struct ReconcileRowView {
    /// The tag value; `null` is spend and profiles without the tag.
    pub value: Option<String>,
    pub billed_usd: Amount,
    pub billed_tokens_usd: Amount,
    /// Billed charges that are not tokens: credits, refunds, other usage.
    pub billed_other_usd: Amount,
    pub estimated_usd: Amount,
    pub difference_usd: Amount,
    /// Of billed, one decimal; `null` when nothing was billed.
    pub difference_percent: Option<String>,
    pub flagged: bool,
    pub profiles: usize,
    pub unpriced_profiles: usize,
    pub causes: Vec<Cause>,
}

impl From<&ReconcileRow> for ReconcileRowView {
    fn from(r: &ReconcileRow) -> Self {
        Self {
            value: r.value.clone(),
            billed_usd: Amount(r.billed_usd),
            billed_tokens_usd: Amount(r.billed_tokens_usd),
            billed_other_usd: Amount(r.billed_other_usd),
            estimated_usd: Amount(r.estimated_usd),
            difference_usd: Amount(r.difference_usd),
            difference_percent: r.difference_percent.map(|p| p.to_string()),
            flagged: r.flagged,
            profiles: r.profiles,
            unpriced_profiles: r.unpriced_profiles,
            causes: r.causes.clone(),
        }
    }
}

/// The untagged side of a reconciliation, spelled out.
#[derive(Debug, Serialize)]
pub struct UntaggedView {
    /// Billed spend without the tag.
    pub billed_usd: Amount,
    /// The estimate of the profiles without the tag.
    pub untagged_profiles_estimated_usd: Amount,
    /// Untagged billed token spend no untagged profile accounts for: system
    /// profiles, bare model IDs, profiles deleted since.
    pub not_through_profiles_usd: Amount,
}

/// `aipctl cost --reconcile`.
#[derive(Debug, Serialize)]
pub struct ReconcileView {
    pub tag_key: String,
    pub start: String,
    /// Exclusive, as Cost Explorer's `TimePeriod.End`.
    pub end: String,
    pub metric: String,
    pub currency: &'static str,
    pub tolerance_percent: String,
    pub rows: Vec<ReconcileRowView>,
    pub total: ReconcileRowView,
    pub untagged: UntaggedView,
    pub prices: PriceSource,
    /// Regions whose profiles were estimated.
    pub regions: Vec<String>,
    /// Cost Explorer requests this run made.
    pub paid_requests: usize,
    #[serde(skip)]
    pub window: String,
}

impl ReconcileView {
    pub fn new(r: &Reconciliation, meta: ReconcileMeta) -> Self {
        let untagged = r.untagged();
        let zero = Decimal::ZERO;
        Self {
            tag_key: meta.tag_key,
            start: meta.start,
            end: meta.end,
            metric: meta.metric,
            currency: "USD",
            tolerance_percent: TOLERANCE_PERCENT.to_string(),
            rows: r.rows.iter().map(ReconcileRowView::from).collect(),
            total: (&r.total).into(),
            untagged: UntaggedView {
                billed_usd: Amount(untagged.map_or(zero, |u| u.billed_usd)),
                untagged_profiles_estimated_usd: Amount(untagged.map_or(zero, |u| u.estimated_usd)),
                not_through_profiles_usd: Amount(
                    untagged.map_or(zero, |u| u.billed_tokens_usd - u.estimated_usd),
                ),
            },
            prices: meta.prices,
            regions: meta.regions,
            paid_requests: meta.paid_requests,
            window: meta.window,
        }
    }
}

/// What [`ReconcileView::new`] needs besides the reconciliation.
pub struct ReconcileMeta {
    pub tag_key: String,
    pub start: String,
    pub end: String,
    pub metric: String,
    pub window: String,
    pub prices: PriceSource,
    pub regions: Vec<String>,
    pub paid_requests: usize,
}

/// What explains a row's difference, in a few words.
fn causes(r: &ReconcileRowView) -> String {
    let parts: Vec<String> = r
        .causes
        .iter()
        .map(|c| match c {
            Cause::NonTokenCharges => format!("non-token {}", money(r.billed_other_usd.0, "USD")),
            Cause::UnpricedProfiles => super::plural(r.unpriced_profiles, "unpriced profile"),
            Cause::NotThroughProfiles => format!(
                "{} not through profiles",
                money(r.billed_tokens_usd.0 - r.estimated_usd.0, "USD")
            ),
            Cause::Unexplained => "unexplained".to_owned(),
        })
        .collect();
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join("; ")
    }
}

impl View for ReconcileView {
    fn table(&self) -> Table {
        let mut t = new_table(&[
            &self.tag_key,
            "billed",
            "estimated",
            "difference",
            "diff %",
            "",
            "explained by",
        ]);
        let line = |r: &ReconcileRowView, name: String| {
            vec![
                name,
                money(r.billed_usd.0, "USD"),
                money(r.estimated_usd.0, "USD"),
                money(r.difference_usd.0, "USD"),
                r.difference_percent
                    .as_ref()
                    .map_or_else(|| "-".into(), |p| format!("{p}%")),
                if r.flagged { "!" } else { "" }.to_owned(),
                causes(r),
            ]
        };
        for r in &self.rows {
            t.add_row(line(r, r.value.clone().unwrap_or_else(|| "(untagged)".into())));
        }
        let mut total = line(&self.total, "TOTAL".into());
        // The rows say what explains their part of the total's difference.
        total[5] = String::new();
        total[6] = String::new();
        t.add_row(total);
        for i in 1..5 {
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = [
            "tag_key",
            "value",
            "billed_usd",
            "billed_tokens_usd",
            "billed_other_usd",
            "estimated_usd",
            "difference_usd",
            "difference_percent",
            "flagged",
            "profiles",
            "unpriced_profiles",
            "causes",
        ]
        .map(String::from)
        .to_vec();
        let rows = self
            .rows
            .iter()
            .map(|r| {
                vec![
                    self.tag_key.clone(),
                    r.value.clone().unwrap_or_default(),
                    r.billed_usd.exact(),
                    r.billed_tokens_usd.exact(),
                    r.billed_other_usd.exact(),
                    r.estimated_usd.exact(),
                    r.difference_usd.exact(),
                    r.difference_percent.clone().unwrap_or_default(),
                    r.flagged.to_string(),
                    r.profiles.to_string(),
                    r.unpriced_profiles.to_string(),
                    r.causes
                        .iter()
                        .map(|c| {
                            serde_json::to_value(c)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_owned))
                                .unwrap_or_default()
                        })
                        .collect::<Vec<_>>()
                        .join(" "),
                ]
            })
            .collect();
        (header, rows)
    }

    fn footer(&self) -> Vec<String> {
        let flagged = self.rows.iter().filter(|r| r.flagged).count();
        let mut lines = vec![format!(
            "billed: Cost Explorer {}, Bedrock billing services · estimated: CloudWatch tokens × Price List prices, \
             profiles in {}",
            self.metric,
            self.regions.join(", ")
        )];
        if flagged > 0 {
            lines.push(format!(
                "!: difference over {}% of billed ({} of {})",
                self.tolerance_percent,
                flagged,
                super::plural(self.rows.len(), "row")
            ));
        }
        lines.push(format!(
            "window: {} · prices: {}",
            self.window,
            self.prices.line()
        ));
        lines
    }

    fn optional_columns(&self) -> Vec<String> {
        vec!["diff %".into()]
    }
}
