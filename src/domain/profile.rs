//! Application inference profiles and the names, ARNs and model references
//! that identify them, parsed and checked against the Bedrock service model
//! (`InferenceProfileName`, `InferenceProfileDescription`,
//! `InferenceProfileModelSourceArn`, `FoundationModelArn`) before any request.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;

use crate::domain::InputError;
use crate::domain::region::Region;
use crate::domain::tag::Tags;

/// `([0-9a-zA-Z][ _-]?)+`, 1–64 characters: letters and digits, with single
/// spaces, `_` or `-` between them and never two separators in a row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProfileName(String);

impl ProfileName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks `([0-9a-zA-Z<extra>][ _-]?)+`: every separator follows an allowed
/// character, so no leading separator and no two in a row.
fn separated_words(s: &str, extra: &str) -> Result<(), String> {
    let mut prev_sep = true;
    for c in s.chars() {
        let sep = matches!(c, ' ' | '_' | '-');
        if sep {
            if prev_sep {
                return Err(if s.starts_with(c) {
                    format!("must not start with `{c}`")
                } else {
                    "must not have two of ` `, `_`, `-` in a row".to_owned()
                });
            }
        } else if !(c.is_ascii_alphanumeric() || extra.contains(c)) {
            return Err(format!("`{c}` is not allowed"));
        }
        prev_sep = sep;
    }
    Ok(())
}

impl FromStr for ProfileName {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rule = "1 to 64 letters or digits, with single spaces, `_` or `-` between them";
        if s.is_empty() || s.chars().count() > 64 {
            return Err(InputError::new("profile name", s, &format!("must be {rule}")));
        }
        separated_words(s, "")
            .map_err(|why| InputError::new("profile name", s, &format!("{why}; use {rule}")))?;
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Display for ProfileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `([0-9a-zA-Z:.][ _-]?)+`, 1–200 characters. Commas, quotes, parentheses
/// and slashes are not allowed by AWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description(String);

impl Description {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Description {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rule = "1 to 200 letters, digits, `:` or `.`, with single spaces, `_` or `-` between them";
        if s.is_empty() || s.chars().count() > 200 {
            return Err(InputError::new("description", s, &format!("must be {rule}")));
        }
        separated_words(s, ":.")
            .map_err(|why| InputError::new("description", s, &format!("{why}; use {rule}")))?;
        Ok(Self(s.to_owned()))
    }
}

/// `arn:<partition>:bedrock:<region>:<account>:<resource-type>/<id>`, split
/// into its parts. IDs may contain `:` (`…-v1:0`), so only the first five `:`
/// separate fields.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BedrockArn {
    pub partition: String,
    pub region: String,
    pub account: String,
    pub resource_type: String,
    pub resource_id: String,
}

/// The parts of a Bedrock ARN, borrowed from its text.
struct ArnParts<'a> {
    partition: &'a str,
    region: &'a str,
    account: &'a str,
    resource_type: &'a str,
    resource_id: &'a str,
}

impl<'a> ArnParts<'a> {
    fn split(s: &'a str) -> Option<Self> {
        let mut parts = s.splitn(6, ':');
        let (arn, partition, service, region, account, resource) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        if arn != "arn" || service != "bedrock" || !partition.starts_with("aws") {
            return None;
        }
        let (resource_type, resource_id) = resource.split_once('/')?;
        let id_ok = !resource_id.is_empty()
            && resource_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-:.".contains(c));
        let account_ok =
            account.is_empty() || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
        (id_ok && account_ok).then_some(Self {
            partition,
            region,
            account,
            resource_type,
            resource_id,
        })
    }
}

impl BedrockArn {
    pub fn parse(s: &str) -> Option<Self> {
        let p = ArnParts::split(s)?;
        Some(Self {
            partition: p.partition.to_owned(),
            region: p.region.to_owned(),
            account: p.account.to_owned(),
            resource_type: p.resource_type.to_owned(),
            resource_id: p.resource_id.to_owned(),
        })
    }
}

impl fmt::Display for BedrockArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:bedrock:{}:{}:{}/{}",
            self.partition, self.region, self.account, self.resource_type, self.resource_id
        )
    }
}

pub const APPLICATION_PROFILE: &str = "application-inference-profile";
pub const SYSTEM_PROFILE: &str = "inference-profile";
pub const FOUNDATION_MODEL: &str = "foundation-model";

/// How a user names a profile on the command line: an ARN, or a string that
/// may be its ID or its name (an AIP ID is also a valid name, so both are tried).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileRef {
    Arn(BedrockArn),
    IdOrName(String),
}

impl ProfileRef {
    pub fn matches(&self, profile: &Profile) -> bool {
        match self {
            Self::Arn(arn) => profile.arn == arn.to_string(),
            Self::IdOrName(s) => profile.id == *s || profile.name == *s,
        }
    }
}

impl FromStr for ProfileRef {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with("arn:") {
            let arn = BedrockArn::parse(s).filter(|a| a.resource_type == APPLICATION_PROFILE);
            return arn.map(Self::Arn).ok_or_else(|| {
                InputError::new(
                    "profile",
                    s,
                    "expected `arn:aws:bedrock:REGION:ACCOUNT:application-inference-profile/ID`",
                )
            });
        }
        // A name or an ID: the name rule covers every AIP ID (12 lowercase letters and digits).
        s.parse::<ProfileName>().map_err(|_| {
            InputError::new(
                "profile",
                s,
                "expected a profile name, a 12-character profile ID or an ARN",
            )
        })?;
        Ok(Self::IdOrName(s.to_owned()))
    }
}

impl fmt::Display for ProfileRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Arn(a) => a.fmt(f),
            Self::IdOrName(s) => f.write_str(s),
        }
    }
}

/// The `--model` argument of `create`: what the profile copies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelRef {
    /// `anthropic.claude-3-haiku-20240307-v1:0`
    FoundationModelId(String),
    FoundationModelArn(BedrockArn),
    /// `us.anthropic.claude-sonnet-4-5-20250929-v1:0`
    SystemProfileId(String),
    SystemProfileArn(BedrockArn),
}

/// Geography prefixes of system-defined profile IDs (`us.`, `eu.`, …).
/// A prefix is recognised only when it is not a provider name, so a model ID
/// like `amazon.nova-pro-v1:0` stays a model ID.
pub const GEOGRAPHY_PREFIXES: &[&str] = &["us", "eu", "apac", "jp", "au", "ca", "us-gov", "global", "in"];

impl FromStr for ModelRef {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |rule: &str| InputError::new("model", s, rule);
        if s.starts_with("arn:") {
            let arn = BedrockArn::parse(s).ok_or_else(|| {
                bad("expected a foundation-model or inference-profile ARN, such as `arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0`")
            })?;
            return match arn.resource_type.as_str() {
                FOUNDATION_MODEL => Ok(Self::FoundationModelArn(arn)),
                SYSTEM_PROFILE => Ok(Self::SystemProfileArn(arn)),
                APPLICATION_PROFILE => Err(bad(
                    "an application inference profile cannot be copied; give the model or system profile it was made from",
                )),
                other => Err(bad(&format!(
                    "`{other}` ARNs cannot be copied; give a foundation model or a system profile"
                ))),
            };
        }
        let id_ok = !s.is_empty()
            && s.len() <= 140
            && s.chars().all(|c| c.is_ascii_alphanumeric() || "-:.".contains(c))
            && s.contains('.');
        if !id_ok {
            return Err(bad(
                "expected a model ID like `amazon.nova-pro-v1:0`, a system profile ID like `us.anthropic.claude-sonnet-4-5-20250929-v1:0`, or an ARN",
            ));
        }
        let prefix = s.split('.').next().unwrap_or_default();
        if GEOGRAPHY_PREFIXES.contains(&prefix) && s.matches('.').count() >= 2 {
            Ok(Self::SystemProfileId(s.to_owned()))
        } else {
            Ok(Self::FoundationModelId(s.to_owned()))
        }
    }
}

impl fmt::Display for ModelRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FoundationModelId(s) | Self::SystemProfileId(s) => f.write_str(s),
            Self::FoundationModelArn(a) | Self::SystemProfileArn(a) => a.fmt(f),
        }
    }
}

/// An inference profile's ARN, parsed once: the text as AWS gives it and
/// where in it the parts aipctl reads (region, account, ID) are, so a
/// profile's ARN is one allocation however many profiles are listed.
/// Application and system profiles both have one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProfileArn {
    text: String,
    /// Byte ranges in `text`, as `(start, end)`.
    region: (usize, usize),
    account: (usize, usize),
    id: (usize, usize),
    application: bool,
}

impl ProfileArn {
    /// `None` unless `s` is an `application-inference-profile` or
    /// `inference-profile` ARN.
    pub fn parse(s: &str) -> Option<Self> {
        let p = ArnParts::split(s)?;
        // Each part is a slice of `s`: its place is its distance from the start.
        let range = |part: &str| {
            let start = part.as_ptr() as usize - s.as_ptr() as usize;
            (start, start + part.len())
        };
        matches!(p.resource_type, APPLICATION_PROFILE | SYSTEM_PROFILE).then(|| Self {
            text: s.to_owned(),
            region: range(p.region),
            account: range(p.account),
            id: range(p.resource_id),
            application: p.resource_type == APPLICATION_PROFILE,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn region(&self) -> &str {
        &self.text[self.region.0..self.region.1]
    }

    /// The 12-digit account (empty only in ARNs AWS writes without one).
    pub fn account(&self) -> &str {
        &self.text[self.account.0..self.account.1]
    }

    pub fn id(&self) -> &str {
        &self.text[self.id.0..self.id.1]
    }

    pub fn is_application(&self) -> bool {
        self.application
    }
}

impl std::ops::Deref for ProfileArn {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for ProfileArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq<str> for ProfileArn {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for ProfileArn {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl PartialEq<String> for ProfileArn {
    fn eq(&self, other: &String) -> bool {
        &self.text == other
    }
}

impl serde::Serialize for ProfileArn {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for ProfileArn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not an inference profile ARN")))
    }
}

/// A profile's status. AWS's enum has one value today (`ACTIVE`); others
/// are kept as AWS spells them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileStatus {
    Active,
    Other(String),
}

impl ProfileStatus {
    pub fn from_aws(s: &str) -> Self {
        if s == "ACTIVE" {
            Self::Active
        } else {
            Self::Other(s.to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Active => "ACTIVE",
            Self::Other(s) => s,
        }
    }
}

/// Who made a profile: the user (`APPLICATION`) or AWS (`SYSTEM_DEFINED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileType {
    Application,
    SystemDefined,
}

impl ProfileType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Application => "APPLICATION",
            Self::SystemDefined => "SYSTEM_DEFINED",
        }
    }
}

/// An application inference profile as aipctl sees it: what AWS returns plus
/// its tags (a separate call).
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    pub id: String,
    pub arn: ProfileArn,
    pub region: Region,
    pub status: ProfileStatus,
    pub kind: ProfileType,
    pub description: Option<String>,
    /// One foundation-model ARN per destination region.
    pub model_arns: Vec<String>,
    pub tags: Tags,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    /// The account it was read in, set when a run reads several accounts
    /// (`--accounts`); `None` in a single-account run, whose output names no account.
    pub account: Option<crate::domain::account::Account>,
}

/// The regions a list of model ARNs routes to, sorted, each once; a
/// region-less ARN (a global profile's) shows as `global`.
pub fn routed_regions(model_arns: &[String]) -> Vec<String> {
    let mut out: Vec<String> = model_arns
        .iter()
        .filter_map(|a| BedrockArn::parse(a))
        .map(|a| {
            if a.region.is_empty() {
                "global".to_owned()
            } else {
                a.region
            }
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

impl Profile {
    /// Regions the profile routes to, from `models[]`. Global profiles carry
    /// region-less model ARNs; they route to every commercial region and show
    /// as `global`.
    pub fn routed_regions(&self) -> Vec<String> {
        routed_regions(&self.model_arns)
    }

    /// The model the profile serves: the foundation-model ID shared by its
    /// `models[]` (the same model in every routed region).
    pub fn model_id(&self) -> Option<String> {
        let mut ids: Vec<String> = self
            .model_arns
            .iter()
            .filter_map(|a| BedrockArn::parse(a))
            .map(|a| a.resource_id)
            .collect();
        ids.dedup();
        ids.into_iter().next()
    }

    /// The recorded `copyFrom` ARN (tag `aipctl:source`), when aipctl created it.
    pub fn source(&self) -> Option<&str> {
        self.tags.get(crate::domain::tag::SOURCE_TAG)
    }

    pub fn department(&self) -> Option<&str> {
        self.tags.get(crate::domain::tag::DEPARTMENT)
    }
}

/// A `clientRequestToken` derived from everything a create request asks
/// for: the same request gives the same token, so a retry after a lost
/// response, or a re-run after an interruption, lands on the same profile.
/// `salt` is 0 except when an old token must be retired. Fits the model's
/// pattern `[a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?`.
pub fn request_token(
    region: &Region,
    name: &str,
    source: &str,
    description: Option<&str>,
    tags: &Tags,
    salt: i64,
) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [region.as_str(), name, source, description.unwrap_or("")] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    for (k, v) in tags.iter() {
        h.update(k.as_bytes());
        h.update([1]);
        h.update(v.as_bytes());
        h.update([0]);
    }
    h.update(salt.to_be_bytes());
    format!("aipctl-{}", &hex::encode(h.finalize())[..48])
}

/// A profile for unit tests: us-east-1, ACTIVE, no models, the given tags.
#[cfg(test)]
pub(crate) fn test_profile(name: &str, id: &str, tags: &[(&str, &str)]) -> Profile {
    Profile {
        name: name.into(),
        id: id.into(),
        arn: ProfileArn::parse(&format!(
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/{id}"
        ))
        .expect("a valid profile ARN"),
        region: "us-east-1".parse().expect("valid region"),
        status: ProfileStatus::Active,
        kind: ProfileType::Application,
        description: None,
        model_arns: vec![],
        tags: tags
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        created_at: None,
        updated_at: None,
        account: None,
    }
}

/// Profiles from the JSON `aipctl list -o json` writes (the design's profile
/// shape), for commands that work offline.
pub fn profiles_from_json(text: &str) -> Result<Vec<Profile>, InputError> {
    #[derive(serde::Deserialize)]
    struct Record {
        name: String,
        id: String,
        arn: String,
        region: String,
        #[serde(default = "active")]
        status: String,
        #[serde(rename = "type", default = "application")]
        kind: String,
        #[serde(default)]
        description: Option<String>,
        #[serde(default)]
        models: Vec<String>,
        #[serde(default)]
        tags: std::collections::BTreeMap<String, String>,
    }
    fn active() -> String {
        "ACTIVE".into()
    }
    fn application() -> String {
        "APPLICATION".into()
    }
    let bad = |why: String| InputError::new("profiles file", "", &why);
    let records: Vec<Record> = serde_json::from_str(text)
        .map_err(|e| bad(format!("is not the JSON array `aipctl list -o json` writes: {e}")))?;
    records
        .into_iter()
        .map(|r| {
            Ok(Profile {
                region: r
                    .region
                    .parse()
                    .map_err(|e: InputError| bad(format!("profile `{}`: {e}", r.name)))?,
                arn: ProfileArn::parse(&r.arn)
                    .ok_or_else(|| bad(format!("profile `{}`: `{}` is not a profile ARN", r.name, r.arn)))?,
                name: r.name,
                id: r.id,
                status: ProfileStatus::from_aws(&r.status),
                kind: if r.kind == "SYSTEM_DEFINED" {
                    ProfileType::SystemDefined
                } else {
                    ProfileType::Application
                },
                description: r.description,
                model_arns: r.models,
                tags: r.tags.into_iter().collect(),
                created_at: None,
                updated_at: None,
                account: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_aws_pattern() {
        for ok in [
            "a",
            "team-search-sonnet",
            "Team Search 2",
            "a_b-c d",
            &"x".repeat(64),
        ] {
            assert!(ok.parse::<ProfileName>().is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("", "1 to 64"),
            ("-lead", "must not start with `-`"),
            ("a--b", "two of"),
            ("a b  c", "two of"),
            ("a.b", "`.` is not allowed"),
            ("émile", "`é` is not allowed"),
        ] {
            let e = bad.parse::<ProfileName>().unwrap_err();
            assert!(e.to_string().contains(why), "{bad}: {e}");
        }
        assert!("x".repeat(65).parse::<ProfileName>().is_err());
    }

    #[test]
    fn trailing_separator_is_allowed_as_in_the_aws_pattern() {
        // `([0-9a-zA-Z][ _-]?)+` accepts one trailing separator.
        assert!("abc-".parse::<ProfileName>().is_ok());
    }

    #[test]
    fn descriptions_allow_colon_and_dot_but_not_commas() {
        assert!("Search team: Sonnet 4.5".parse::<Description>().is_ok());
        let e = "a, b".parse::<Description>().unwrap_err();
        assert!(e.to_string().contains("`,` is not allowed"), "{e}");
        assert!("d".repeat(201).parse::<Description>().is_err());
    }

    #[test]
    fn arns_split_at_the_first_five_colons() {
        let a = BedrockArn::parse(
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
        )
        .unwrap();
        assert_eq!(a.region, "us-east-1");
        assert_eq!(a.account, "");
        assert_eq!(a.resource_id, "anthropic.claude-3-haiku-20240307-v1:0");
        assert_eq!(
            a.to_string(),
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
        );
        assert!(BedrockArn::parse("arn:aws:s3:::bucket/x").is_none());
        assert!(
            BedrockArn::parse("arn:aws:bedrock:us-east-1:12345:application-inference-profile/x").is_none()
        );
    }

    #[test]
    fn profile_arns_give_their_parts_from_the_text_they_keep() {
        let text = "arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/ab12cd34";
        let a = ProfileArn::parse(text).unwrap();
        assert_eq!(
            (a.as_str(), a.region(), a.account(), a.id(), a.is_application()),
            (text, "eu-west-1", "123456789012", "ab12cd34", true)
        );
        let s =
            ProfileArn::parse("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.m-v1:0").unwrap();
        assert_eq!(
            (s.region(), s.id(), s.is_application()),
            ("us-east-1", "us.m-v1:0", false)
        );
        let global = ProfileArn::parse("arn:aws:bedrock:us-east-1::inference-profile/global.m").unwrap();
        assert_eq!(global.account(), "");
        assert!(ProfileArn::parse("arn:aws:bedrock:us-east-1::foundation-model/m").is_none());
    }

    #[test]
    fn profile_refs_distinguish_arns_from_ids_and_names() {
        let r: ProfileRef =
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6"
                .parse()
                .unwrap();
        assert!(matches!(r, ProfileRef::Arn(ref a) if a.region == "us-east-1"));
        assert_eq!(
            "chat".parse::<ProfileRef>().unwrap(),
            ProfileRef::IdOrName("chat".into())
        );
        assert!(
            "arn:aws:bedrock:us-east-1::foundation-model/x.y"
                .parse::<ProfileRef>()
                .is_err()
        );
        assert!("no/slash".parse::<ProfileRef>().is_err());
    }

    #[test]
    fn model_refs_recognise_system_profiles_by_geography_prefix() {
        assert!(matches!(
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
                .parse::<ModelRef>()
                .unwrap(),
            ModelRef::SystemProfileId(_)
        ));
        assert!(matches!(
            "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
                .parse::<ModelRef>()
                .unwrap(),
            ModelRef::SystemProfileId(_)
        ));
        assert!(matches!(
            "amazon.nova-pro-v1:0".parse::<ModelRef>().unwrap(),
            ModelRef::FoundationModelId(_)
        ));
        assert!(matches!(
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0"
                .parse::<ModelRef>()
                .unwrap(),
            ModelRef::SystemProfileArn(_)
        ));
        let e = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc"
            .parse::<ModelRef>()
            .unwrap_err();
        assert!(e.to_string().contains("cannot be copied"), "{e}");
        assert!("claude".parse::<ModelRef>().is_err());
    }

    #[test]
    fn routed_regions_come_from_model_arns_and_global_is_named() {
        let p = Profile {
            model_arns: vec![
                "arn:aws:bedrock:us-west-2::foundation-model/m.x-v1:0".into(),
                "arn:aws:bedrock:us-east-1::foundation-model/m.x-v1:0".into(),
                "arn:aws:bedrock:::foundation-model/m.x-v1:0".into(),
            ],
            ..test_profile("n", "i", &[])
        };
        assert_eq!(p.routed_regions(), ["global", "us-east-1", "us-west-2"]);
        assert_eq!(p.model_id().as_deref(), Some("m.x-v1:0"));
    }

    #[test]
    fn request_tokens_are_stable_and_fit_the_aws_pattern() {
        let r: Region = "us-east-1".parse().unwrap();
        let tags: Tags = [("Department".to_owned(), "Search".to_owned())]
            .into_iter()
            .collect();
        let a = request_token(&r, "n", "src", None, &tags, 0);
        assert_eq!(a, request_token(&r, "n", "src", None, &tags, 0));
        assert_ne!(a, request_token(&r, "n", "src", Some("d"), &tags, 0));
        assert_ne!(a, request_token(&r, "n", "src", None, &Tags::default(), 0));
        assert_ne!(a, request_token(&r, "n", "src", None, &tags, 1));
        // [a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?
        assert!(a.len() <= 256 && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        assert!(!a.ends_with('-'));
    }
}
