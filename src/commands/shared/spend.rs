//! Bedrock spend by a cost-allocation tag from Cost Explorer, the way `cost`
//! and `coverage --billed` both ask for it: the same cache, the same
//! paid-request counting, the same request, so one command's answer is the
//! other's cache hit.

use jiff::Timestamp;

use crate::aws::Aws;
use crate::aws::cache::{self, CacheSettings};
use crate::aws::costexplorer::CostExplorer;
use crate::domain::cost::{
    self, Activation, CostMetric, CostQuery, CostTag, DateRange, Granularity, Grouping, Split,
};
use crate::domain::tag::{Tag, TagKey};
use crate::output::Output;

/// The Cost Explorer gateway with the on-disk cache: answers younger than
/// `ttl` are reused unless `no_cache`.
pub fn explorer(aws: &Aws, ttl: std::time::Duration, no_cache: bool, now: Timestamp) -> CostExplorer {
    aws.cost_explorer(CacheSettings {
        dir: cache::default_dir().map(|d| d.join("cost-explorer")),
        ttl,
        reuse: !no_cache,
        now: now.as_second(),
    })
}

/// What a report by a tag asks Cost Explorer for.
#[derive(Debug, Clone)]
pub struct ByTag<'a> {
    pub key: &'a TagKey,
    pub range: DateRange,
    pub granularity: Granularity,
    pub metric: CostMetric,
    pub split: Option<Split>,
    pub filter_tags: &'a [Tag],
    /// Only these linked accounts' spend (`--accounts`, from the payer); `None`: every account.
    pub linked_accounts: Option<&'a [String]>,
}

impl ByTag<'_> {
    /// The `GetCostAndUsage` request: grouped by the tag key (and the
    /// split), scoped to `services` (`None`: every service) and the filter tags.
    pub fn query(&self, services: Option<&[String]>) -> CostQuery {
        let mut group_by = vec![Grouping::Tag(self.key.as_str().to_owned())];
        group_by.extend(self.split.map(Split::grouping));
        CostQuery {
            range: self.range,
            granularity: self.granularity,
            metric: self.metric,
            group_by,
            filter: cost::scope_filter_in(services, self.filter_tags, self.linked_accounts),
        }
    }
}

/// Warns when Cost Explorer cannot group (or filter) by `keys`, given the
/// cost-allocation tags `tags` (as `ListCostAllocationTags` lists them):
/// the first key makes the rows, the others filter.
pub fn warn_activation(
    out: &mut Output,
    keys: &[String],
    tags: &[CostTag],
    range: &DateRange,
    now: Timestamp,
) {
    for (i, key) in keys.iter().enumerate() {
        let role = if i == 0 {
            "so every cost lands in the (untagged) row"
        } else {
            "so `--filter-tag` sees every cost as untagged"
        };
        match cost::activation(key, tags, range, now) {
            Activation::NeverSeen => {
                out.warn(&format!("AWS billing has never seen the tag key `{key}`, {role}"));
                out.note(&format!(
                    "fix: tag the resources (e.g. `aipctl tag PROFILE {key}=VALUE`); billing sees a new key \
                     within 24 h; then run `aipctl cost-tags --activate {key}`"
                ));
            }
            Activation::Inactive => {
                out.warn(&format!("the cost-allocation tag `{key}` is not active, {role}"));
                out.note(&format!(
                    "fix: `aipctl cost-tags --activate {key}` (management account); Cost Explorer shows it up \
                     to 24 h later, for spend from then on (activation is not retroactive)"
                ));
            }
            Activation::Active {
                untagged_before,
                settling,
                ..
            } => {
                if let Some(day) = untagged_before {
                    out.note(&format!(
                        "note: `{key}` was activated on {day}; spend before that day is in the (untagged) \
                         row (activation is not retroactive)"
                    ));
                }
                if settling {
                    out.note(&format!(
                        "note: `{key}` was activated less than 24 h ago; Cost Explorer may not show it yet"
                    ));
                }
            }
        }
    }
}
