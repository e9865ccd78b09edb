//! Which spend a report covers: the Bedrock billing services and the
//! `--filter-tag` values, as a Cost Explorer expression.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::BEDROCK_SEARCH;
use crate::domain::tag::Tag;

/// A Cost Explorer filter `Expression`, as far as aipctl writes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    /// `Dimensions {Key, Values}`: any of the values.
    Dimension {
        key: String,
        values: Vec<String>,
    },
    /// `Tags {Key, Values}`: any of the values.
    Tag {
        key: String,
        values: Vec<String>,
    },
    /// `Tags {Key, MatchOptions: [ABSENT]}`: spend without the tag.
    TagAbsent {
        key: String,
    },
}

impl Filter {
    /// `And` of the parts, or the one part (Cost Explorer wants `And` to have
    /// at least two operands).
    pub fn all(mut parts: Vec<Filter>) -> Option<Filter> {
        match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(Self::And(parts)),
        }
    }

    fn any(mut parts: Vec<Filter>) -> Filter {
        if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            Self::Or(parts)
        }
    }
}

/// The `--filter-tag K=V` flags as filter parts: any value of one key
/// matches (`Or`), every key must match (`And`); `K=` means spend without
/// the tag `K`.
pub fn tag_filters(tags: &[Tag]) -> Vec<Filter> {
    let mut by_key: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for t in tags {
        by_key.entry(t.key.as_str()).or_default().insert(t.value.as_str());
    }
    by_key
        .into_iter()
        .map(|(key, values)| {
            let mut parts = Vec::new();
            if values.contains("") {
                parts.push(Filter::TagAbsent { key: key.to_owned() });
            }
            let named: Vec<String> = values
                .iter()
                .filter(|v| !v.is_empty())
                .map(|v| (*v).to_owned())
                .collect();
            if !named.is_empty() {
                parts.push(Filter::Tag {
                    key: key.to_owned(),
                    values: named,
                });
            }
            Filter::any(parts)
        })
        .collect()
}

/// The report's scope: the Bedrock billing services (`None`: every service)
/// and the `--filter-tag` parts.
pub fn scope_filter(services: Option<&[String]>, tags: &[Tag]) -> Option<Filter> {
    scope_filter_in(services, tags, None)
}

/// [`scope_filter`] limited to the spend of `accounts` (a `LINKED_ACCOUNT`
/// filter, as the payer's Cost Explorer sees its members); `None`: every
/// account the caller's bill covers.
pub fn scope_filter_in(
    services: Option<&[String]>,
    tags: &[Tag],
    accounts: Option<&[String]>,
) -> Option<Filter> {
    let mut parts = Vec::new();
    if let Some(services) = services {
        parts.push(Filter::Dimension {
            key: "SERVICE".into(),
            values: services.to_vec(),
        });
    }
    if let Some(accounts) = accounts {
        parts.push(Filter::Dimension {
            key: "LINKED_ACCOUNT".into(),
            values: accounts.to_vec(),
        });
    }
    parts.extend(tag_filters(tags));
    Filter::all(parts)
}

/// The Bedrock billing service names among `GetDimensionValues` answers
/// (the search is a substring match; this keeps only names that contain it).
pub fn bedrock_services(names: Vec<String>) -> Vec<String> {
    let needle = BEDROCK_SEARCH.to_ascii_lowercase();
    let mut out: Vec<String> = names
        .into_iter()
        .filter(|n| n.to_ascii_lowercase().contains(&needle))
        .collect();
    out.sort();
    out.dedup();
    out
}
