//! Seed data that several areas share: a small account of profiles, days of
//! Bedrock traffic, active cost-allocation tags. An area's own data (the
//! cost report's priced month, prune's idle and busy profiles) stays in
//! its module.

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Map, Value, json};

use super::{NOVA_PRO, SONNET_US, World};

/// Three profiles, created three days ago: `search-sonnet` (us-east-1,
/// Sonnet across three US regions, `Department=Search`, `Owner=alice`, a
/// description), `support-nova` (us-east-1, Nova Pro, `Department=Support`)
/// and `orphan-nova` (us-west-2, Nova Pro, `Owner=bob`, no department).
/// Returns them as the emulator seeded them.
pub fn seed_three(w: &World) -> Vec<Value> {
    let created = w.time_days_ago(3);
    w.seed_profiles(json!([
        {"region": "us-east-1", "name": "search-sonnet", "source": SONNET_US, "tags": {"Department": "Search", "Owner": "alice"}, "created_at": created, "description": "Search team: Sonnet 4.5"},
        {"region": "us-east-1", "name": "support-nova", "source": NOVA_PRO, "tags": {"Department": "Support"}, "created_at": created},
        {"region": "us-west-2", "name": "orphan-nova", "source": NOVA_PRO, "tags": {"Owner": "bob"}, "created_at": created},
    ]))
}

/// One day of Bedrock traffic for `World::seed_usage`, which the emulator
/// writes both to CloudWatch and, priced, to Cost Explorer:
/// `usage(&profile, &date).invocations(3).tokens([300, 30, 0, 0])`.
/// Counts left out are zero.
#[derive(Clone)]
pub struct Usage(Map<String, Value>);

/// Traffic through `profile` (as seeded or listed: its `region` and `id`) on
/// `date` (`YYYY-MM-DD`).
pub fn usage(profile: &Value, date: &str) -> Usage {
    let field = |name: &str| {
        profile[name]
            .as_str()
            .unwrap_or_else(|| panic!("a profile has a {name}: {profile}"))
    };
    usage_in(field("region"), field("id"), date)
}

/// Traffic in `region` on `date` for `model_id`: a profile ID or ARN, a
/// system profile or a foundation model.
pub fn usage_in(region: &str, model_id: &str, date: &str) -> Usage {
    Usage(Map::from_iter([
        ("region".to_owned(), region.into()),
        ("model_id".to_owned(), model_id.into()),
        ("date".to_owned(), date.into()),
    ]))
}

impl Usage {
    pub fn invocations(self, n: u64) -> Self {
        self.with("invocations", n)
    }

    /// Input, output, cache-read and cache-write tokens.
    pub fn tokens(self, [input, output, cache_read, cache_write]: [u64; 4]) -> Self {
        self.with("input_tokens", input)
            .with("output_tokens", output)
            .with("cache_read_tokens", cache_read)
            .with("cache_write_tokens", cache_write)
    }

    /// Any other field of the record: `client_errors`, `throttles`,
    /// `latency_ms`, `dimension_value`, … (`tests/emulator/awsemu/usage.py`).
    pub fn with(mut self, field: &str, value: impl Into<Value>) -> Self {
        self.0.insert(field.to_owned(), value.into());
        self
    }

    pub fn json(&self) -> Value {
        Value::Object(self.0.clone())
    }
}

impl World {
    /// Seeds days of traffic (`POST /_emu/usage`).
    pub fn seed_usage(&self, records: impl IntoIterator<Item = Usage>) {
        let records: Vec<Value> = records.into_iter().map(|u| u.json()).collect();
        self.control("POST", "/_emu/usage", Some(json!({ "records": records })));
    }

    /// Makes `key` an active cost-allocation tag since `since` (a date or an
    /// instant), as billing's console would.
    pub fn activate(&self, key: &str, since: &str) {
        self.control(
            "POST",
            "/_emu/cost-allocation-tags",
            Some(json!({"tags": [{"key": key, "status": "Active", "activated_at": since}]})),
        );
    }
}

/// One usage record and its cost, priced from `GET /_emu/prices` the way
/// the price table says: per token kind, tokens × price / 1000, rounded to
/// 10 places, half up.
pub struct Priced {
    pub model: String,
    pub source: &'static str,
    pub region: &'static str,
    pub date: String,
    pub tokens: [u64; 4],
}

impl Priced {
    pub fn record(&self) -> Usage {
        usage_in(self.region, &self.model, &self.date)
            .invocations(3)
            .tokens(self.tokens)
    }

    pub fn cost(&self, w: &World) -> Decimal {
        let p = w.control(
            "GET",
            &format!("/_emu/prices?model_id={}&region={}", self.source, self.region),
            None,
        );
        ["input", "output", "cache_read", "cache_write"]
            .iter()
            .zip(self.tokens)
            .map(|(kind, tokens)| {
                let price: Decimal = p[kind].as_str().map_or(Decimal::ZERO, |s| s.parse().unwrap());
                (Decimal::from(tokens) * price / Decimal::from(1000))
                    .round_dp_with_strategy(10, RoundingStrategy::MidpointAwayFromZero)
            })
            .sum()
    }
}
