//! Token and prompt-cache figures per profile, from CloudWatch `AWS/Bedrock`.
//!
//! Plans the `GetMetricData` queries (a fixed set of metrics per profile,
//! batched at most [`MAX_QUERIES_PER_CALL`] a call, never one call per
//! profile) and folds the answers into [`Usage`] per profile or per tag value.
//! Metric names and meanings:
//! <https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html>.
//! `InputTokenCount` excludes cache reads and writes, which have their own
//! metrics, so the input side is the sum of the three.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::profile::Profile;
use crate::domain::window::Window;

/// `GetMetricData` accepts at most 500 queries a call.
pub const MAX_QUERIES_PER_CALL: usize = 500;
pub const NAMESPACE: &str = "AWS/Bedrock";
/// The one dimension of Bedrock runtime metrics.
pub const DIMENSION: &str = "ModelId";

/// A metric and statistic aipctl reads for each profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    Invocations,
    InputTokens,
    OutputTokens,
    CacheReadTokens,
    CacheWriteTokens,
    ClientErrors,
    ServerErrors,
    Throttles,
    LatencyP50,
    LatencyP90,
}

impl Metric {
    pub const ALL: [Metric; 10] = [
        Metric::Invocations,
        Metric::InputTokens,
        Metric::OutputTokens,
        Metric::CacheReadTokens,
        Metric::CacheWriteTokens,
        Metric::ClientErrors,
        Metric::ServerErrors,
        Metric::Throttles,
        Metric::LatencyP50,
        Metric::LatencyP90,
    ];
    /// What `prune` needs to call a profile idle.
    pub const TRAFFIC: [Metric; 2] = [Metric::Invocations, Metric::InputTokens];
    /// What `coverage` weighs: invocations and the four token kinds.
    pub const TOKENS: [Metric; 5] = [
        Metric::Invocations,
        Metric::InputTokens,
        Metric::OutputTokens,
        Metric::CacheReadTokens,
        Metric::CacheWriteTokens,
    ];

    pub fn metric_name(self) -> &'static str {
        match self {
            Self::Invocations => "Invocations",
            Self::InputTokens => "InputTokenCount",
            Self::OutputTokens => "OutputTokenCount",
            Self::CacheReadTokens => "CacheReadInputTokenCount",
            Self::CacheWriteTokens => "CacheWriteInputTokenCount",
            Self::ClientErrors => "InvocationClientErrors",
            Self::ServerErrors => "InvocationServerErrors",
            Self::Throttles => "InvocationThrottles",
            Self::LatencyP50 | Self::LatencyP90 => "InvocationLatency",
        }
    }

    pub fn stat(self) -> &'static str {
        match self {
            Self::LatencyP50 => "p50",
            Self::LatencyP90 => "p90",
            _ => "Sum",
        }
    }

    /// Percentiles cannot be added across days, so they are read over the
    /// whole window in one period; sums are read per day (for trends).
    pub fn whole_window(self) -> bool {
        matches!(self, Self::LatencyP50 | Self::LatencyP90)
    }

    fn code(self) -> &'static str {
        match self {
            Self::Invocations => "inv",
            Self::InputTokens => "in",
            Self::OutputTokens => "out",
            Self::CacheReadTokens => "cr",
            Self::CacheWriteTokens => "cw",
            Self::ClientErrors => "ce",
            Self::ServerErrors => "se",
            Self::Throttles => "thr",
            Self::LatencyP50 => "p50",
            Self::LatencyP90 => "p90",
        }
    }
}

/// One `MetricDataQuery` to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricQuery {
    /// `q<target index>_<metric code>`: starts with a lowercase letter, as CloudWatch requires.
    pub id: String,
    pub profile: usize,
    pub metric: Metric,
    /// The `ModelId` dimension value (the profile ID, or its ARN where metrics use that).
    pub dimension_value: String,
    pub period_seconds: i32,
}

/// Which `ModelId` values a profile's metrics carry. AWS does not document
/// it; community tools and samples see the profile ID. aipctl looks at the
/// values that exist (`ListMetrics`) and reads every form found, ID or full
/// ARN (traffic may arrive under both); with neither seen, the ID.
pub fn dimension_values<S: std::hash::BuildHasher>(
    profile: &Profile,
    seen: &std::collections::HashSet<String, S>,
) -> Vec<String> {
    let forms: Vec<String> = [profile.id.as_str(), profile.arn.as_str()]
        .into_iter()
        .filter(|v| seen.contains(*v))
        .map(str::to_owned)
        .collect();
    if forms.is_empty() {
        vec![profile.id.clone()]
    } else {
        forms
    }
}

/// The queries for `targets` (a profile index into the caller's slice and a
/// dimension value; a profile may appear once per form), in batches of at
/// most [`MAX_QUERIES_PER_CALL`]. Sums are read per day (or per hour for a
/// window that does not start at midnight, see [`Window::period_seconds`]);
/// percentiles over the whole window.
pub fn plan(targets: &[(usize, String)], metrics: &[Metric], window: &Window) -> Vec<Vec<MetricQuery>> {
    let whole = window.whole_period_seconds();
    let day_period = window.period_seconds();
    let all: Vec<MetricQuery> = targets
        .iter()
        .enumerate()
        .flat_map(|(t, (profile, dim))| {
            metrics.iter().map(move |m| MetricQuery {
                id: format!("q{t}_{}", m.code()),
                profile: *profile,
                metric: *m,
                dimension_value: dim.clone(),
                period_seconds: if m.whole_window() { whole } else { day_period },
            })
        })
        .collect();
    all.chunks(MAX_QUERIES_PER_CALL)
        .map(<[MetricQuery]>::to_vec)
        .collect()
}

/// Figures over a window. Counts are whole numbers; latencies in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Usage {
    pub invocations: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    /// cache read ÷ (cache read + cache write + uncached input); `None` with no input.
    pub cache_hit_ratio: Option<f64>,
    pub client_errors: u64,
    pub server_errors: u64,
    pub throttles: u64,
    pub latency_p50_ms: Option<f64>,
    pub latency_p90_ms: Option<f64>,
    /// Invocations per day, oldest first, zeros where there was no datapoint.
    pub daily_invocations: Vec<u64>,
}

impl Usage {
    /// Recomputes the derived ratio from the counts.
    fn finish(mut self) -> Self {
        let input_side = self.cache_read_tokens + self.cache_write_tokens + self.input_tokens;
        #[allow(clippy::cast_precision_loss)] // token counts are far below 2^52
        {
            self.cache_hit_ratio =
                (input_side > 0).then(|| self.cache_read_tokens as f64 / input_side as f64);
        }
        self
    }

    fn add(&mut self, other: &Usage) {
        self.invocations += other.invocations;
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
        self.cache_read_tokens += other.cache_read_tokens;
        self.cache_write_tokens += other.cache_write_tokens;
        self.client_errors += other.client_errors;
        self.server_errors += other.server_errors;
        self.throttles += other.throttles;
        if self.daily_invocations.len() < other.daily_invocations.len() {
            self.daily_invocations.resize(other.daily_invocations.len(), 0);
        }
        for (a, b) in self.daily_invocations.iter_mut().zip(&other.daily_invocations) {
            *a += b;
        }
    }

    pub fn errors(&self) -> u64 {
        self.client_errors + self.server_errors
    }
}

/// A datapoint series as CloudWatch returns it: `(epoch seconds, value)`.
pub type Datapoints = Vec<(i64, f64)>;

/// Folds the answers for one profile into its [`Usage`]: one daily value per
/// UTC day of `window` (hourly datapoints add up into their day), so the
/// daily series always sums to the total; a metric with no datapoints counts
/// as zero.
pub fn fold(results: &BTreeMap<Metric, Datapoints>, window: &Window) -> Usage {
    let days = window.day_count();
    let total = |m: Metric| -> u64 {
        let sum: f64 = results.get(&m).map_or(0.0, |s| s.iter().map(|(_, v)| v).sum());
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        // counts: non-negative whole numbers
        {
            sum.round().max(0.0) as u64
        }
    };
    let single = |m: Metric| results.get(&m).and_then(|s| s.first().map(|(_, v)| *v));
    let mut daily = vec![0u64; days];
    for (t, v) in results.get(&Metric::Invocations).into_iter().flatten() {
        if let Some(i) = window.day_index(*t)
            && i < days
        {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            {
                daily[i] += v.round().max(0.0) as u64;
            }
        }
    }
    Usage {
        invocations: total(Metric::Invocations),
        input_tokens: total(Metric::InputTokens),
        output_tokens: total(Metric::OutputTokens),
        cache_read_tokens: total(Metric::CacheReadTokens),
        cache_write_tokens: total(Metric::CacheWriteTokens),
        cache_hit_ratio: None,
        client_errors: total(Metric::ClientErrors),
        server_errors: total(Metric::ServerErrors),
        throttles: total(Metric::Throttles),
        latency_p50_ms: single(Metric::LatencyP50),
        latency_p90_ms: single(Metric::LatencyP90),
        daily_invocations: daily,
    }
    .finish()
}

/// Sums usage per value of `key`; profiles without the tag go under `None`
/// (the untagged row). Latency percentiles cannot be summed and are left out.
pub fn by_tag<'a>(
    rows: impl IntoIterator<Item = (&'a Profile, &'a Usage)>,
    key: &str,
) -> BTreeMap<Option<String>, (usize, Usage)> {
    let mut out: BTreeMap<Option<String>, (usize, Usage)> = BTreeMap::new();
    for (p, u) in rows {
        let entry = out.entry(p.tags.get(key).map(str::to_owned)).or_default();
        entry.0 += 1;
        entry.1.add(u);
    }
    for (_, u) in out.values_mut() {
        *u = std::mem::take(u).finish();
    }
    out
}

/// When no profile carries `key` but some carry a key that differs only in
/// case (`department` for `Department`), that spelling and how many carry it.
pub fn other_spelling(profiles: &[Profile], key: &str) -> Option<(String, usize)> {
    if profiles.iter().any(|p| p.tags.get(key).is_some()) {
        return None;
    }
    let mut found: BTreeMap<&str, usize> = BTreeMap::new();
    for p in profiles {
        for (k, _) in p.tags.iter() {
            if k != key && k.eq_ignore_ascii_case(key) {
                *found.entry(k).or_default() += 1;
            }
        }
    }
    found
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(k, n)| (k.to_owned(), n))
}

/// The sum of several rows (for a total line).
pub fn total<'a>(rows: impl IntoIterator<Item = &'a Usage>) -> Usage {
    let mut t = Usage::default();
    for u in rows {
        t.add(u);
    }
    t.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_batches_at_most_500_queries_with_valid_unique_ids() {
        let targets: Vec<(usize, String)> = (0..1200).map(|i| (i, format!("id{i}"))).collect();
        let now: jiff::Timestamp = "2026-11-22T20:33:00Z".parse().unwrap();
        let window = Window::since(crate::domain::window::Span::Days(30), now);
        let batches = plan(&targets, &Metric::ALL, &window);
        assert_eq!(batches.len(), 24, "12,000 queries in calls of 500");
        assert!(batches.iter().all(|b| b.len() <= MAX_QUERIES_PER_CALL));
        let mut ids: Vec<&str> = batches.iter().flatten().map(|q| q.id.as_str()).collect();
        assert!(
            ids.iter()
                .all(|id| id.starts_with('q') && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        );
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 12_000);
        let p50 = batches[0]
            .iter()
            .find(|q| q.metric == Metric::LatencyP50)
            .unwrap();
        assert_eq!(
            p50.period_seconds,
            (30 * 24 + 21) * 3_600,
            "the whole window, in whole hours"
        );
        assert_eq!(batches[0][0].period_seconds, 86_400);
    }

    #[test]
    fn fold_sums_days_fills_missing_with_zero_and_computes_the_hit_ratio() {
        let start = 1_000_000 * 86_400;
        let window = Window {
            start: jiff::Timestamp::from_second(start).unwrap(),
            end_exclusive: jiff::Timestamp::from_second(start + 3 * 86_400).unwrap(),
        };
        let mut r = BTreeMap::new();
        r.insert(
            Metric::Invocations,
            vec![(start + 43_200, 10.0), (start + 2 * 86_400 + 43_200, 5.0)],
        );
        r.insert(Metric::InputTokens, vec![(start, 600.0)]);
        r.insert(Metric::CacheReadTokens, vec![(start, 300.0)]);
        r.insert(Metric::CacheWriteTokens, vec![(start, 100.0)]);
        r.insert(Metric::LatencyP50, vec![(start, 812.5)]);
        let u = fold(&r, &window);
        assert_eq!(u.invocations, 15);
        assert_eq!(u.daily_invocations, [10, 0, 5]);
        assert_eq!(u.cache_hit_ratio, Some(0.3));
        assert_eq!(u.latency_p50_ms, Some(812.5));
        assert_eq!(u.latency_p90_ms, None);
        assert_eq!(u.output_tokens, 0);
        assert_eq!(fold(&BTreeMap::new(), &window).cache_hit_ratio, None);
    }

    #[test]
    fn the_daily_series_sums_to_the_total_at_any_hour() {
        // The demo seeds one datapoint per day at noon; read at 20:33 with
        // `--since 30d`, every day lands in its own slot and nothing is lost.
        for now in [
            "2026-11-22T00:05:00Z",
            "2026-11-22T12:59:00Z",
            "2026-11-22T13:00:00Z",
            "2026-11-22T20:33:00Z",
        ] {
            let now: jiff::Timestamp = now.parse().unwrap();
            let window = Window::since(crate::domain::window::Span::Days(30), now);
            let noon = |d: i64| window.start.as_second() + d * 86_400 + 43_200;
            let mut r = BTreeMap::new();
            r.insert(
                Metric::Invocations,
                (0..30_i32)
                    .map(|d| (noon(i64::from(d)), 100.0 + f64::from(d)))
                    .collect::<Datapoints>(),
            );
            let u = fold(&r, &window);
            assert_eq!(u.daily_invocations.len(), 31, "30 days and today so far");
            assert_eq!(u.daily_invocations.iter().sum::<u64>(), u.invocations);
            assert_eq!(u.daily_invocations[0], 100);
            assert_eq!(u.daily_invocations[29], 129, "yesterday is the last full day");
            assert_eq!(u.daily_invocations[30], 0, "nothing yet today");
        }
    }

    #[test]
    fn dimension_values_read_every_form_seen_and_default_to_the_id() {
        let p = crate::domain::profile::test_profile("n", "abcdefabcdef", &[]);
        let none = std::collections::HashSet::new();
        assert_eq!(dimension_values(&p, &none), vec![p.id.clone()]);
        let arn_only: std::collections::HashSet<String> = [p.arn.to_string()].into();
        assert_eq!(dimension_values(&p, &arn_only), vec![p.arn.to_string()]);
        let both: std::collections::HashSet<String> = [p.arn.to_string(), p.id.clone()].into();
        assert_eq!(dimension_values(&p, &both), [p.id.clone(), p.arn.to_string()]);
    }
}
