//! Tags as AWS defines them for Bedrock resources, parsed before any request.
//!
//! Owns the syntax (`K=V`, `K`) and the rules of
//! [Bedrock tagging](https://docs.aws.amazon.com/bedrock/latest/userguide/tagging.html):
//! keys 1–128 and values 0–256 characters of `[a-zA-Z0-9\s._:/=+@-]`, the
//! reserved `aws:` prefix and 50 tags per resource, counting existing ones.
//! Nothing here talks to AWS.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::domain::InputError;

/// The service limit: 50 tags per resource, existing and new together
/// (`TooManyTagsException` in the Bedrock model).
pub const MAX_TAGS_PER_RESOURCE: usize = 50;
/// The cost-allocation tag aipctl centres on.
pub const DEPARTMENT: &str = "Department";
/// Records the `copyFrom` ARN, which AWS never returns after creation.
pub const SOURCE_TAG: &str = "aipctl:source";
/// `aipctl:protect=true` keeps a profile from `delete` and `prune`.
pub const PROTECT_TAG: &str = "aipctl:protect";
/// Marks profiles that `apply` provisions (`aipctl:managed=true`).
pub const MANAGED_TAG: &str = "aipctl:managed";
/// The spec that provisions a managed profile (its top-level `name`):
/// `apply` treats only its own spec's profiles as orphans.
pub const SPEC_TAG: &str = "aipctl:spec";
/// `team/model`: which spec entry a managed profile is, so a renamed entry
/// is seen as a replacement rather than an orphan plus a creation.
pub const SLOT_TAG: &str = "aipctl:slot";

const KEY_MAX: usize = 128;
const VALUE_MAX: usize = 256;

fn allowed_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c.is_whitespace() || "._:/=+@-".contains(c)
}

/// A tag key that satisfies AWS's syntax. Reserved keys (`aws:…`) parse, so
/// they can be used in filters; [`TagKey::writable`] refuses them for writes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct TagKey(String);

impl TagKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Keys starting with `aws:` (any case) are reserved for AWS.
    pub fn is_reserved(&self) -> bool {
        self.0.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
    }

    /// The key, if a user may set or remove it.
    pub fn writable(self) -> Result<Self, InputError> {
        if self.is_reserved() {
            return Err(InputError::new(
                "tag key",
                &self.0,
                "keys starting with `aws:` are reserved for AWS",
            ));
        }
        Ok(self)
    }
}

impl FromStr for TagKey {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let len = s.chars().count();
        if len == 0 || len > KEY_MAX {
            return Err(InputError::new("tag key", s, "must be 1 to 128 characters"));
        }
        if let Some(bad) = s.chars().find(|c| !allowed_char(*c)) {
            return Err(InputError::new(
                "tag key",
                s,
                &format!("`{bad}` is not allowed; use letters, digits, spaces and `_ . : / = + - @`"),
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Display for TagKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A tag value: 0–256 characters of the same set as keys.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct TagValue(String);

impl TagValue {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for TagValue {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.chars().count() > VALUE_MAX {
            return Err(InputError::new("tag value", s, "must be at most 256 characters"));
        }
        if let Some(bad) = s.chars().find(|c| !allowed_char(*c)) {
            return Err(InputError::new(
                "tag value",
                s,
                &format!("`{bad}` is not allowed; use letters, digits, spaces and `_ . : / = + - @`"),
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

/// `KEY=VALUE` as given on the command line. The value may be empty (`KEY=`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub key: TagKey,
    pub value: TagValue,
}

impl FromStr for Tag {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let Some((key, value)) = s.split_once('=') else {
            return Err(InputError::new("tag", s, "expected `KEY=VALUE`"));
        };
        Ok(Self {
            key: key.parse()?,
            value: value.parse()?,
        })
    }
}

/// Tag keys reports and policies rely on, whose case people get wrong: AWS
/// tag keys are case-sensitive, so `department` is a second cost-allocation
/// tag beside `Department`.
pub const WELL_KNOWN_KEYS: &[&str] = &[DEPARTMENT, "CostCenter", "Owner"];

/// Checks tags given together (on the command line): one value per key, and
/// no key that differs only in case from a well-known key or from a key the
/// resource already has (`existing`). Returns them without repeats.
pub fn check_given(given: &[Tag], existing: &Tags) -> Result<Vec<Tag>, InputError> {
    let mut out: Vec<Tag> = Vec::with_capacity(given.len());
    for tag in given {
        if let Some(first) = out.iter().find(|t| t.key == tag.key) {
            if first.value != tag.value {
                return Err(InputError::new(
                    "tag",
                    tag.key.as_str(),
                    &format!(
                        "is given twice with different values (`{}` and `{}`); a key has one value",
                        first.value.as_str(),
                        tag.value.as_str()
                    ),
                ));
            }
            continue;
        }
        let key = tag.key.as_str();
        let known = WELL_KNOWN_KEYS
            .iter()
            .copied()
            .chain(existing.iter().map(|(k, _)| k))
            .chain(out.iter().map(|t| t.key.as_str()))
            .find(|k| *k != key && k.eq_ignore_ascii_case(key));
        if let Some(spelling) = known {
            return Err(InputError::new(
                "tag key",
                key,
                &format!(
                    "differs from `{spelling}` only in case, and tag keys are case-sensitive (cost reports \
                     would show two keys); use `{spelling}`"
                ),
            ));
        }
        out.push(tag.clone());
    }
    Ok(out)
}

/// A filter on tags: `K=V` (the key has that value) or `K` (the key is present).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagFilter {
    Equals(TagKey, TagValue),
    Present(TagKey),
}

impl TagFilter {
    pub fn matches(&self, tags: &Tags) -> bool {
        match self {
            Self::Equals(k, v) => tags.get(k.as_str()) == Some(v.as_str()),
            Self::Present(k) => tags.get(k.as_str()).is_some(),
        }
    }

    pub fn key(&self) -> &TagKey {
        match self {
            Self::Equals(k, _) | Self::Present(k) => k,
        }
    }
}

impl FromStr for TagFilter {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('=') {
            Some((k, v)) => Ok(Self::Equals(k.parse()?, v.parse()?)),
            None => Ok(Self::Present(s.parse()?)),
        }
    }
}

/// A resource's tags, ordered by key so every view is stable. A sorted list
/// rather than a map: a profile has a handful of tags, and a map's node
/// holds room for eleven, which is most of the memory of listing
/// thousands of profiles. Serialized as a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags(Vec<(String, String)>);

impl Tags {
    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.position(key).ok().map(|i| self.0[i].1.as_str())
    }

    /// Sets `key` to `value`, replacing the value it had.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let (key, value) = (key.into(), value.into());
        match self.position(&key) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<String> {
        self.position(key).ok().map(|i| self.0.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Key and value, by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// Whether `aipctl:protect=true` is set (case-insensitive value).
    pub fn is_protected(&self) -> bool {
        self.get(PROTECT_TAG)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// The tags after setting `new` on top of `self`, refused when the result
    /// would exceed [`MAX_TAGS_PER_RESOURCE`].
    pub fn merged(&self, new: &[Tag]) -> Result<Self, InputError> {
        let mut out = self.clone();
        for tag in new {
            out.insert(tag.key.as_str(), tag.value.as_str());
        }
        if out.len() > MAX_TAGS_PER_RESOURCE {
            return Err(InputError::new(
                "tags",
                &format!("{} tags", out.len()),
                &format!(
                    "a profile can carry at most {MAX_TAGS_PER_RESOURCE} tags, counting the {} it has",
                    self.len()
                ),
            ));
        }
        Ok(out)
    }

    /// What changes between `self` (before) and `after`, key by key.
    pub fn diff(&self, after: &Self) -> Vec<TagChange> {
        let mut keys: Vec<&str> = self.keys().chain(after.keys()).collect();
        keys.sort_unstable();
        keys.dedup();
        keys.into_iter()
            .filter_map(|k| {
                let (b, a) = (self.get(k), after.get(k));
                (b != a).then(|| TagChange {
                    key: k.to_owned(),
                    before: b.map(str::to_owned),
                    after: a.map(str::to_owned),
                })
            })
            .collect()
    }
}

/// Like a map's: a key given twice keeps its last value.
impl FromIterator<(String, String)> for Tags {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        let mut tags = Self::default();
        for (k, v) in iter {
            tags.insert(k, v);
        }
        tags.0.shrink_to_fit();
        tags
    }
}

impl Serialize for Tags {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Tags {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<String, String>::deserialize(d)?.into_iter().collect())
    }
}

/// One key's change: added (`before: None`), removed (`after: None`) or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagChange {
    pub key: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_tags_have_one_value_per_key_and_the_usual_spelling() {
        let t = |s: &str| s.parse::<Tag>().unwrap();
        let none = Tags::default();
        let e = check_given(&[t("Team=a"), t("Team=b")], &none).unwrap_err();
        assert!(
            e.rule.contains("twice with different values (`a` and `b`)"),
            "{e}"
        );
        assert_eq!(
            check_given(&[t("Team=a"), t("Team=a")], &none).unwrap(),
            [t("Team=a")]
        );
        let e = check_given(&[t("department=Search")], &none).unwrap_err();
        assert!(e.rule.contains("use `Department`"), "{e}");
        assert!(
            check_given(&[t("COSTCENTER=1")], &none)
                .unwrap_err()
                .rule
                .contains("`CostCenter`")
        );
        let existing: Tags = [("Env".to_owned(), "prod".to_owned())].into_iter().collect();
        assert!(
            check_given(&[t("env=dev")], &existing)
                .unwrap_err()
                .rule
                .contains("use `Env`")
        );
        assert!(check_given(&[t("Env=dev"), t("Department=Search")], &existing).is_ok());
        assert!(
            check_given(&[t("team=a"), t("Team=b")], &none)
                .unwrap_err()
                .rule
                .contains("use `team`")
        );
    }

    #[test]
    fn tags_keep_one_value_per_key_in_key_order_and_read_and_write_as_an_object() {
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let mut tags: Tags = [pair("Team", "a"), pair("Department", "Search"), pair("Team", "b")]
            .into_iter()
            .collect();
        assert_eq!(
            tags.iter().collect::<Vec<_>>(),
            [("Department", "Search"), ("Team", "b")]
        );
        tags.insert("Env", "prod");
        tags.insert("Team", "c");
        assert_eq!(
            (tags.get("Team"), tags.get("Env"), tags.get("team")),
            (Some("c"), Some("prod"), None)
        );
        assert_eq!(tags.remove("Env"), Some("prod".to_owned()));
        assert_eq!(tags.remove("Env"), None);
        let json = serde_json::to_string(&tags).unwrap();
        assert_eq!(json, r#"{"Department":"Search","Team":"c"}"#);
        let back: Tags = serde_json::from_str(r#"{"Team":"c","Department":"Search"}"#).unwrap();
        assert_eq!(back, tags);
    }

    #[test]
    fn tag_parses_key_and_value_and_allows_empty_value() {
        let t: Tag = "Department=Search".parse().unwrap();
        assert_eq!((t.key.as_str(), t.value.as_str()), ("Department", "Search"));
        let t: Tag = "Owner=".parse().unwrap();
        assert_eq!(t.value.as_str(), "");
        let t: Tag = "a=b=c".parse().unwrap();
        assert_eq!(t.value.as_str(), "b=c");
    }

    #[test]
    fn tag_rejects_bad_syntax_naming_the_rule() {
        let e = "Department".parse::<Tag>().unwrap_err();
        assert!(e.to_string().contains("KEY=VALUE"), "{e}");
        let e = "=x".parse::<Tag>().unwrap_err();
        assert!(e.to_string().contains("1 to 128"), "{e}");
        let e = "Dept=a,b".parse::<Tag>().unwrap_err();
        assert!(e.to_string().contains("`,` is not allowed"), "{e}");
        let long = "k".repeat(129);
        assert!(long.parse::<TagKey>().is_err());
        assert!("k".repeat(128).parse::<TagKey>().is_ok());
        assert!("v".repeat(257).parse::<TagValue>().is_err());
        assert!("v".repeat(256).parse::<TagValue>().is_ok());
    }

    #[test]
    fn reserved_keys_parse_for_filters_but_are_not_writable() {
        let k: TagKey = "AWS:cloudformation:stack-name".parse().unwrap();
        assert!(k.is_reserved());
        assert!(k.writable().is_err());
        let k: TagKey = "awsome".parse().unwrap();
        assert!(k.writable().is_ok());
    }

    #[test]
    fn filters_match_equality_and_presence() {
        let tags: Tags = [("Department".into(), "Search".into())].into_iter().collect();
        assert!("Department=Search".parse::<TagFilter>().unwrap().matches(&tags));
        assert!(!"Department=Legal".parse::<TagFilter>().unwrap().matches(&tags));
        assert!("Department".parse::<TagFilter>().unwrap().matches(&tags));
        assert!(!"Owner".parse::<TagFilter>().unwrap().matches(&tags));
    }

    #[test]
    fn merge_counts_existing_tags_against_the_limit() {
        let existing: Tags = (0..49).map(|i| (format!("k{i}"), String::new())).collect();
        let one: Tag = "k49=x".parse().unwrap();
        assert_eq!(existing.merged(std::slice::from_ref(&one)).unwrap().len(), 50);
        let overwrite: Tag = "k0=y".parse().unwrap();
        let full = existing.merged(&[one]).unwrap();
        assert_eq!(full.merged(&[overwrite]).unwrap().len(), 50);
        let extra: Tag = "k50=x".parse().unwrap();
        let e = full.merged(&[extra]).unwrap_err();
        assert!(e.to_string().contains("at most 50"), "{e}");
    }

    #[test]
    fn diff_lists_added_changed_and_removed_keys() {
        let before: Tags = [("a".into(), "1".into()), ("b".into(), "2".into())]
            .into_iter()
            .collect();
        let after: Tags = [("b".into(), "3".into()), ("c".into(), "4".into())]
            .into_iter()
            .collect();
        let d = before.diff(&after);
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0],
            TagChange {
                key: "a".into(),
                before: Some("1".into()),
                after: None
            }
        );
        assert_eq!(d[1].after.as_deref(), Some("3"));
        assert_eq!(d[2].before, None);
    }
}
