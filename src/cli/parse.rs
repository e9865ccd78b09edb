//! clap value parsers. One generic parser serves every domain type through
//! its `FromStr`; the few below add a step the type alone cannot know
//! (trimming a region list item, the `Department` shorthand, a writable tag).
//!
//! The message is the rule broken: clap already names the flag and the
//! value, so only when the rule is about a part of the value (the key of
//! `K=V`) does the message name that part.

use std::str::FromStr;

use crate::domain::InputError;
use crate::domain::cost::TimeSpec;
use crate::domain::region::Region;
use crate::domain::tag::{DEPARTMENT, Tag, TagKey};

use super::NameGlob;

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

/// `--endpoint-url`: an `http://` or `https://` URL with a host.
pub fn endpoint(s: &str) -> Result<String, String> {
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"))
        .ok_or("expected a URL starting with `http://` or `https://`")?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err("the URL has no host".into());
    }
    Ok(s.to_owned())
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

/// A `YYYY-MM-DD` date.
pub fn date(s: &str) -> Result<jiff::civil::Date, String> {
    crate::domain::window::parse_date("date", s).map_err(|e| e.rule)
}

/// `--last 30d|12w|6mo`.
pub fn last(s: &str) -> Result<TimeSpec, String> {
    TimeSpec::parse_last(s).map_err(|e| message(&e, s))
}

/// `--month YYYY-MM`.
pub fn month(s: &str) -> Result<TimeSpec, String> {
    TimeSpec::parse_month(s).map_err(|e| message(&e, s))
}

/// `--cache-ttl 30m|6h|1d`.
pub fn ttl(s: &str) -> Result<std::time::Duration, String> {
    crate::domain::cost::parse_ttl(s).map_err(|e| message(&e, s))
}

/// `--name GLOB`, compiled once.
pub fn glob(s: &str) -> Result<NameGlob, String> {
    if s.is_empty() {
        return Err("the glob is empty".into());
    }
    globset::GlobBuilder::new(s)
        .literal_separator(false)
        .build()
        .map(|g| NameGlob(g.compile_matcher()))
        .map_err(|e| format!("not a valid glob: {}", e.kind()))
}
