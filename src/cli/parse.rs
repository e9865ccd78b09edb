//! clap value parsers. One generic parser serves every value type through
//! its `FromStr` (with an [`InputError`]); the few below add a step the type
//! alone cannot know (trimming a region list item, the `Department`
//! shorthand, a writable tag, a cost tag key without spaces around it).
//!
//! The message is the rule broken: clap already names the flag and the
//! value, so only when the rule is about a part of the value (the key of
//! `K=V`) does the message name that part.

use std::str::FromStr;

use crate::domain::InputError;
use crate::domain::region::Region;
use crate::domain::tag::{DEPARTMENT, Tag, TagKey};

fn message(e: &InputError, input: &str) -> String {
    if e.value == input || e.value.is_empty() {
        e.rule.clone()
    } else {
        e.to_string()
    }
}

/// Any domain value with a `FromStr` that reports an [`InputError`].
pub fn value<T: FromStr<Err = InputError>>(s: &str) -> Result<T, String> {
    s.parse().map_err(|e: InputError| message(&e, s))
}

/// A `--region` list item (`us-east-1, eu-west-1` has spaces).
pub fn region(s: &str) -> Result<Region, String> {
    value(s.trim())
}

/// A tag to set: `K=V` whose key is not reserved (`aws:`).
pub fn writable_tag(s: &str) -> Result<Tag, String> {
    let tag: Tag = value(s)?;
    let key = tag.key.clone().writable().map_err(|e| message(&e, s))?;
    Ok(Tag {
        key,
        value: tag.value,
    })
}

/// `--department D`: `--tag Department=D`.
pub fn department(s: &str) -> Result<Tag, String> {
    if s.is_empty() {
        return Err("a department cannot be empty".into());
    }
    writable_tag(&format!("{DEPARTMENT}={s}"))
}

/// A cost-allocation tag key: no whitespace around it, reserved `aws:` keys allowed.
pub fn cost_tag_key(s: &str) -> Result<TagKey, String> {
    if s.trim() != s {
        return Err("a tag key has no spaces at either end".into());
    }
    value(s)
}
