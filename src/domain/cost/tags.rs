//! Cost-allocation tags: their status, whether a key can group a report
//! (activation), and the status changes `cost-tags` plans.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::range::DateRange;
use crate::domain::InputError;
use crate::domain::tag::TagKey;

/// A cost-allocation tag's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum TagStatus {
    Active,
    Inactive,
}

impl TagStatus {
    pub fn api_name(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Inactive => "Inactive",
        }
    }
}

impl fmt::Display for TagStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.api_name())
    }
}

/// A cost-allocation tag as `ListCostAllocationTags` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostTag {
    pub key: String,
    /// `UserDefined` or `AWSGenerated`.
    pub kind: String,
    pub status: TagStatus,
    /// When the status last changed (for an active key: its activation).
    pub last_updated: Option<Timestamp>,
    /// The month billing last saw the key (a month's first day).
    pub last_used: Option<Timestamp>,
}

/// Whether Cost Explorer can group by a tag key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// Billing has never seen the key: no resource carried it in cost data yet.
    NeverSeen,
    /// Known but not activated: Cost Explorer groups everything as `Key$`.
    Inactive,
    Active {
        since: Option<Timestamp>,
        /// Activation is not retroactive: spend before this day (inside the
        /// range) sits in the untagged row.
        untagged_before: Option<Date>,
        /// Activated less than 24 hours ago: data may not have arrived yet.
        settling: bool,
    },
}

/// What a report by `key` over `range` can expect from the key's status.
pub fn activation(key: &str, tags: &[CostTag], range: &DateRange, now: Timestamp) -> Activation {
    match tags.iter().find(|t| t.key == key) {
        None => Activation::NeverSeen,
        Some(t) if t.status == TagStatus::Inactive => Activation::Inactive,
        Some(t) => {
            let since = t.last_updated;
            let day = since.map(|s| s.to_zoned(jiff::tz::TimeZone::UTC).date());
            Activation::Active {
                since,
                untagged_before: day.filter(|d| *d > range.start),
                settling: since.is_some_and(|s| now.duration_since(s) < jiff::SignedDuration::from_hours(24)),
            }
        }
    }
}

/// One requested status change, after comparing with the current status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedChange {
    pub key: TagKey,
    /// `None`: billing does not know the key.
    pub from: Option<TagStatus>,
    pub to: TagStatus,
}

impl PlannedChange {
    /// Whether an `UpdateCostAllocationTagsStatus` entry is worth sending:
    /// the key is known and not already in the wanted status.
    pub fn needs_request(&self) -> bool {
        self.from.is_some_and(|f| f != self.to)
    }
}

/// `--activate` and `--deactivate` as one list, each key once; a key in both is an input error.
pub fn requested_changes(
    activate: &[TagKey],
    deactivate: &[TagKey],
) -> Result<Vec<(TagKey, TagStatus)>, InputError> {
    let mut out: Vec<(TagKey, TagStatus)> = Vec::new();
    for (keys, status) in [(activate, TagStatus::Active), (deactivate, TagStatus::Inactive)] {
        for k in keys {
            match out.iter().find(|(seen, _)| seen == k) {
                Some((_, s)) if *s != status => {
                    return Err(InputError::new(
                        "tag key",
                        k.as_str(),
                        "is both in `--activate` and in `--deactivate`",
                    ));
                }
                Some(_) => {}
                None => out.push((k.clone(), status)),
            }
        }
    }
    Ok(out)
}

/// Each requested change beside the key's current status.
pub fn plan_changes(requested: &[(TagKey, TagStatus)], current: &[CostTag]) -> Vec<PlannedChange> {
    requested
        .iter()
        .map(|(key, to)| PlannedChange {
            key: key.clone(),
            from: current.iter().find(|t| t.key == key.as_str()).map(|t| t.status),
            to: *to,
        })
        .collect()
}
