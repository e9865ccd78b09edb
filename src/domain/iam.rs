//! IAM policy documents: the invoke policy for application profiles, derived
//! from each profile's own `models[]` rather than from a table of regions;
//! the Step Functions task that invokes through a profile and the role it
//! needs; and the documents shipped in `policies/`. Values in, values out:
//! nothing here calls AWS or prints.
//!
//! Invoking through an application profile is authorized against the
//! profile, against the system-defined profile it copies (if any), and
//! against the foundation model in every region the request may be routed
//! to — the region-less model ARN for global profiles
//! (<https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html>,
//! <https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html>).
//! The model statements carry `bedrock:InferenceProfileArn`, so the models
//! can be reached only through these profiles, never called directly.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::domain::InputError;
use crate::domain::profile::{APPLICATION_PROFILE, BedrockArn, FOUNDATION_MODEL, Profile, SYSTEM_PROFILE};

/// The only policy language version that allows variables.
pub const VERSION: &str = "2012-10-17";
/// `InvokeModel`; `Converse` is authorized as this action too.
pub const INVOKE_MODEL: &str = "bedrock:InvokeModel";
/// `InvokeModelWithResponseStream`; `ConverseStream` is authorized as this action too.
pub const INVOKE_MODEL_STREAM: &str = "bedrock:InvokeModelWithResponseStream";
/// What an application needs to call a model through a profile, streaming or
/// not, with the `InvokeModel` or the `Converse` API
/// (<https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html>).
pub const INVOKE_ACTIONS: &[&str] = &[INVOKE_MODEL, INVOKE_MODEL_STREAM];
/// The condition key naming the profile a model request came through (type ARN).
pub const PROFILE_ARN_KEY: &str = "bedrock:InferenceProfileArn";
/// The Step Functions optimized integration for `InvokeModel`.
pub const STATES_INVOKE_MODEL: &str = "arn:aws:states:::bedrock:invokeModel";
/// The Messages API version Bedrock expects in an Anthropic request body.
pub const ANTHROPIC_VERSION: &str = "bedrock-2023-05-31";
/// IAM's size limit for a managed policy, in characters without whitespace
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>).
pub const MANAGED_POLICY_MAX_CHARS: usize = 6_144;

/// `policies/operator.json`: every permission aipctl uses.
pub const OPERATOR_JSON: &[u8] = include_bytes!("../../policies/operator.json");
/// `policies/read-only.json`: the reads only.
pub const READ_ONLY_JSON: &[u8] = include_bytes!("../../policies/read-only.json");
/// `policies/require-profile.json`: no model or system profile but through an
/// application profile (an SCP or an identity policy; see [`Shipped::RequireProfile`]).
pub const REQUIRE_PROFILE_JSON: &[u8] = include_bytes!("../../policies/require-profile.json");

/// A policy document in the shape AWS reads. `Action` and `Resource` are
/// always written as arrays; a condition value is a string when there is one
/// and an array when there are several (IAM accepts both; a single string is
/// what `Null` and most linters expect).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    #[serde(rename = "Version")]
    pub version: String,
    #[serde(rename = "Statement")]
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// Condition operator → key → values.
pub type Condition = BTreeMap<String, BTreeMap<String, Values>>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    #[serde(rename = "Sid")]
    pub sid: String,
    #[serde(rename = "Effect")]
    pub effect: Effect,
    /// Only in trust policies: who may assume the role.
    #[serde(rename = "Principal", default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<BTreeMap<String, Values>>,
    #[serde(rename = "Action", with = "always_array")]
    pub actions: Vec<String>,
    /// Empty only in trust policies, which name no resource.
    #[serde(
        rename = "Resource",
        with = "always_array",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub resources: Vec<String>,
    #[serde(rename = "Condition", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub condition: Condition,
}

/// Values of a condition key or principal: one string, or several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Values(pub Vec<String>);

impl Values {
    pub fn one(v: impl Into<String>) -> Self {
        Self(vec![v.into()])
    }
}

impl Serialize for Values {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => s.serialize_str(one),
            many => many.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Values {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self(one_or_many(d)?))
    }
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

mod always_array {
    use serde::{Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &[String], s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        super::one_or_many(d)
    }
}

impl Document {
    pub fn new(statements: Vec<Statement>) -> Self {
        Self {
            version: VERSION.to_owned(),
            statements,
        }
    }

    /// Characters IAM counts against its size limits (whitespace excluded).
    pub fn size_chars(&self) -> usize {
        serde_json::to_string(self)
            .expect("a document always serializes")
            .chars()
            .filter(|c| !c.is_whitespace())
            .count()
    }
}

/// The documents in `policies/` that `aipctl policy` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shipped {
    Operator,
    ReadOnly,
    /// Denies `InvokeModel` and `InvokeModelWithResponseStream` (what
    /// `Converse` and `ConverseStream` are authorized as) on foundation
    /// models and system-defined profiles unless `bedrock:InferenceProfileArn`
    /// names an application profile. The key is absent when a model is called
    /// directly, and `ArnNotLike` holds for an absent key
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>),
    /// so a bare call is denied. That the key names the application profile
    /// (not the system profile it copies) when one copies a system profile is
    /// not documented: see the README.
    RequireProfile,
}

impl Shipped {
    /// The file's bytes, exactly.
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Self::Operator => OPERATOR_JSON,
            Self::ReadOnly => READ_ONLY_JSON,
            Self::RequireProfile => REQUIRE_PROFILE_JSON,
        }
    }

    pub fn document(self) -> Document {
        serde_json::from_slice(self.bytes()).expect("the shipped policies are valid documents (tested)")
    }

    /// `operator`, `read-only`, `require-profile`: the file stem and the subcommand.
    pub fn name(self) -> &'static str {
        match self {
            Self::Operator => "operator",
            Self::ReadOnly => "read-only",
            Self::RequireProfile => "require-profile",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::Operator => {
                "Everything aipctl does: manage Bedrock application inference profiles and their tags, read CloudWatch metrics, manage dashboards, read Cost Explorer and activate cost allocation tags"
            }
            Self::ReadOnly => {
                "Read Bedrock application inference profiles, CloudWatch metrics and dashboards, and Cost Explorer spend; nothing that writes"
            }
            Self::RequireProfile => {
                "Deny invoking Amazon Bedrock foundation models and system-defined inference profiles except through an application inference profile, so every call reaches a tagged cost row"
            }
        }
    }
}

/// How aipctl knows what an application profile copies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopiedFrom {
    /// A foundation model: one region, no system-defined profile in the path.
    FoundationModel,
    /// This system-defined profile, as recorded in `aipctl:source`.
    SystemProfile(String),
    /// The profile routes across regions, so it copies a system-defined
    /// profile, but nothing recorded which: look it up with [`match_system_profile`].
    Unrecorded,
}

/// What the profile's tags and `models[]` say about its source.
pub fn source_of(profile: &Profile) -> CopiedFrom {
    if let Some(arn) = profile.source().and_then(BedrockArn::parse) {
        match arn.resource_type.as_str() {
            SYSTEM_PROFILE => return CopiedFrom::SystemProfile(arn.to_string()),
            FOUNDATION_MODEL => return CopiedFrom::FoundationModel,
            _ => {}
        }
    }
    let regions: BTreeSet<String> = profile
        .model_arns
        .iter()
        .filter_map(|a| BedrockArn::parse(a))
        .map(|a| a.region)
        .collect();
    let single_region = regions.len() == 1 && regions.contains(profile.region.as_str());
    if single_region {
        CopiedFrom::FoundationModel
    } else {
        CopiedFrom::Unrecorded
    }
}

/// A system-defined profile as its region's catalog lists it.
#[derive(Debug, Clone, Copy)]
pub struct CatalogEntry<'a> {
    pub arn: &'a str,
    pub model_arns: &'a [String],
}

/// The system-defined profile `profile` copies, from the catalog of its
/// region: the one that serves the same model over the same routes; failing
/// that (AWS may have added a destination since), the only one that serves
/// the same model with the same reach (global or within a geography).
pub fn match_system_profile(profile: &Profile, catalog: &[CatalogEntry<'_>]) -> Option<String> {
    let model = profile.model_id()?;
    let own: BTreeSet<&str> = profile.model_arns.iter().map(String::as_str).collect();
    let own_global = has_region_less(&profile.model_arns);
    let candidates: Vec<&CatalogEntry<'_>> = catalog
        .iter()
        .filter(|e| {
            let ids: BTreeSet<String> = e
                .model_arns
                .iter()
                .filter_map(|a| BedrockArn::parse(a))
                .map(|a| a.resource_id)
                .collect();
            ids.len() == 1 && ids.contains(&model) && has_region_less(e.model_arns) == own_global
        })
        .collect();
    let exact: Vec<&CatalogEntry<'_>> = candidates
        .iter()
        .copied()
        .filter(|e| e.model_arns.iter().map(String::as_str).collect::<BTreeSet<_>>() == own)
        .collect();
    match (exact.as_slice(), candidates.as_slice()) {
        ([one], _) | ([], [one]) => Some(one.arn.to_owned()),
        _ => None,
    }
}

/// Whether some model ARN has no region: the mark of a global profile.
fn has_region_less(model_arns: &[String]) -> bool {
    model_arns
        .iter()
        .filter_map(|a| BedrockArn::parse(a))
        .any(|a| a.region.is_empty())
}

/// A pattern for every system-defined profile of the profile's region and
/// account that serves its model (`…:inference-profile/*.MODEL`), for when
/// the exact one cannot be told.
pub fn system_profile_pattern(profile: &Profile) -> Option<String> {
    let arn = BedrockArn::parse(&profile.arn)?;
    let model = profile.model_id()?;
    Some(format!(
        "arn:{}:bedrock:{}:{}:{SYSTEM_PROFILE}/*.{model}",
        arn.partition, arn.region, arn.account
    ))
}

/// What invoking through one application profile touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvokeTarget {
    pub profile_arn: String,
    /// The system-defined profile it copies, when it copies one.
    pub system_profile_arn: Option<String>,
    /// The foundation model in every routed region (`models[]`).
    pub model_arns: Vec<String>,
}

impl InvokeTarget {
    /// Checks that `profile` can be invoked at all: it is an application
    /// profile and it lists models, all of them foundation models.
    pub fn new(profile: &Profile, system_profile_arn: Option<String>) -> Result<Self, InputError> {
        let bad = |rule: &str| InputError::new("profile", &profile.name, rule);
        if BedrockArn::parse(&profile.arn).is_none_or(|a| a.resource_type != APPLICATION_PROFILE) {
            return Err(bad(&format!(
                "`{}` is not an application inference profile ARN",
                profile.arn
            )));
        }
        if profile.model_arns.is_empty() {
            return Err(bad(&format!(
                "it lists no models (`models[]` of `{}` is empty), so there is nothing it can invoke",
                profile.arn
            )));
        }
        if let Some(odd) = profile
            .model_arns
            .iter()
            .find(|a| BedrockArn::parse(a).is_none_or(|a| a.resource_type != FOUNDATION_MODEL))
        {
            return Err(bad(&format!(
                "`{odd}` in its `models[]` is not a foundation-model ARN"
            )));
        }
        Ok(Self {
            profile_arn: profile.arn.to_string(),
            system_profile_arn,
            model_arns: profile.model_arns.clone(),
        })
    }

    fn entry_points(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.profile_arn.as_str()).chain(self.system_profile_arn.as_deref())
    }
}

/// The least-privilege policy to send `actions` through `targets`:
///
/// 1. the application profiles and the system profiles they copy, as they are;
/// 2. the foundation models, each only through the profiles that route to it
///    (`ArnEquals bedrock:InferenceProfileArn`, `ArnLike` when a system
///    profile is only known as a pattern). Models reached through the
///    same set of profiles share a statement; region-less (global) model ARNs
///    get their own, which also requires `aws:RequestedRegion = unspecified`
///    as AWS's global inference examples do.
///
/// Which ARN the condition key holds when an application profile copies a
/// system profile is not documented, so both are accepted. Everything is
/// sorted and deduplicated, so the same profiles always give the same bytes.
pub fn invoke_policy(targets: &[InvokeTarget], actions: &[&str]) -> Document {
    let actions: Vec<String> = actions
        .iter()
        .map(|a| (*a).to_owned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let entry: BTreeSet<&str> = targets.iter().flat_map(InvokeTarget::entry_points).collect();
    let mut via: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for t in targets {
        for m in &t.model_arns {
            via.entry(m).or_default().extend(t.entry_points());
        }
    }
    // (region-less, profiles) → models; ordered for output by the first model.
    let mut groups: BTreeMap<(bool, BTreeSet<&str>), BTreeSet<&str>> = BTreeMap::new();
    for (model, profiles) in via {
        let global = BedrockArn::parse(model).is_some_and(|a| a.region.is_empty());
        groups.entry((global, profiles)).or_default().insert(model);
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort_by(|a, b| (a.0.0, a.1.first()).cmp(&(b.0.0, b.1.first())));

    let mut statements = vec![Statement {
        sid: "InvokeThroughProfiles".into(),
        effect: Effect::Allow,
        principal: None,
        actions: actions.clone(),
        resources: entry.iter().map(|s| (*s).to_owned()).collect(),
        condition: Condition::new(),
    }];
    for (i, ((global, profiles), models)) in groups.into_iter().enumerate() {
        // A system profile that could not be told exactly is a pattern.
        let operator = if profiles.iter().any(|p| p.contains(['*', '?'])) {
            "ArnLike"
        } else {
            "ArnEquals"
        };
        let mut condition = Condition::new();
        condition.entry(operator.into()).or_default().insert(
            PROFILE_ARN_KEY.into(),
            Values(profiles.iter().map(|s| (*s).to_owned()).collect()),
        );
        if global {
            condition
                .entry("StringEquals".into())
                .or_default()
                .insert("aws:RequestedRegion".into(), Values::one("unspecified"));
        }
        statements.push(Statement {
            sid: format!("ModelsOnlyViaProfiles{}", i + 1),
            effect: Effect::Allow,
            principal: None,
            actions: actions.clone(),
            resources: models.iter().map(|s| (*s).to_owned()).collect(),
            condition,
        });
    }
    Document::new(statements)
}

/// A one-state Amazon States Language machine (JSONata) whose Task invokes
/// the model through an application profile with the optimized Bedrock
/// integration; the prompt comes from the execution input's `prompt`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateMachine {
    #[serde(rename = "Comment")]
    pub comment: String,
    #[serde(rename = "QueryLanguage")]
    pub query_language: &'static str,
    #[serde(rename = "StartAt")]
    pub start_at: &'static str,
    #[serde(rename = "States")]
    pub states: BTreeMap<&'static str, TaskState>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskState {
    #[serde(rename = "Type")]
    pub kind: &'static str,
    #[serde(rename = "Resource")]
    pub resource: &'static str,
    #[serde(rename = "Arguments")]
    pub arguments: InvokeArguments,
    #[serde(rename = "End")]
    pub end: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvokeArguments {
    /// The application profile ARN: what attaches its tags to the bill.
    #[serde(rename = "ModelId")]
    pub model_id: String,
    #[serde(rename = "Body")]
    pub body: MessagesBody,
}

/// An Anthropic Messages API request
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages.html>).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessagesBody {
    pub anthropic_version: &'static str,
    pub max_tokens: u32,
    pub messages: Vec<Message>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub role: &'static str,
    pub content: Vec<TextBlock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextBlock {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub text: &'static str,
}

/// The state's name in the machine.
pub const TASK_STATE: &str = "InvokeThroughProfile";

/// The machine for `profile`. The body is an Anthropic Messages API request,
/// so the profile must serve an Anthropic model.
pub fn stepfunctions_machine(profile: &Profile, max_tokens: u32) -> Result<StateMachine, InputError> {
    let model = profile.model_id().unwrap_or_default();
    if !model.starts_with("anthropic.") {
        return Err(InputError::new(
            "profile",
            &profile.name,
            &format!(
                "it serves `{}`, but the task's body is an Anthropic Messages API request; choose a profile of an Anthropic model",
                if model.is_empty() { "no model" } else { &model }
            ),
        ));
    }
    let task = TaskState {
        kind: "Task",
        resource: STATES_INVOKE_MODEL,
        arguments: InvokeArguments {
            model_id: profile.arn.to_string(),
            body: MessagesBody {
                anthropic_version: ANTHROPIC_VERSION,
                max_tokens,
                messages: vec![Message {
                    role: "user",
                    content: vec![TextBlock {
                        kind: "text",
                        text: "{% $states.input.prompt %}",
                    }],
                }],
            },
        },
        end: true,
    };
    Ok(StateMachine {
        comment: format!(
            "Invoke {model} through the application inference profile {} ({}); input: {{\"prompt\": \"...\"}}",
            profile.name, profile.region
        ),
        query_language: "JSONata",
        start_at: TASK_STATE,
        states: BTreeMap::from([(TASK_STATE, task)]),
    })
}

/// The trust policy of the state machine's role: Step Functions, on behalf
/// of state machines of this account only (the confused-deputy guard AWS
/// recommends, <https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html>).
pub fn stepfunctions_trust_policy(account: &str) -> Document {
    let mut condition = Condition::new();
    condition
        .entry("StringEquals".into())
        .or_default()
        .insert("aws:SourceAccount".into(), Values::one(account));
    Document::new(vec![Statement {
        sid: "StepFunctionsOfThisAccount".into(),
        effect: Effect::Allow,
        principal: Some(BTreeMap::from([(
            "Service".to_owned(),
            Values::one("states.amazonaws.com"),
        )])),
        actions: vec!["sts:AssumeRole".into()],
        resources: Vec::new(),
        condition,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::{ProfileArn, ProfileStatus, ProfileType};
    use crate::domain::tag::{SOURCE_TAG, Tags};

    const ACCOUNT: &str = "123456789012";
    const SONNET: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";

    fn fm(region: &str, model: &str) -> String {
        format!("arn:aws:bedrock:{region}::foundation-model/{model}")
    }

    fn system(region: &str, id: &str) -> String {
        format!("arn:aws:bedrock:{region}:{ACCOUNT}:inference-profile/{id}")
    }

    fn profile(name: &str, id: &str, region: &str, models: &[String]) -> Profile {
        Profile {
            name: name.into(),
            id: id.into(),
            arn: ProfileArn::parse(&format!(
                "arn:aws:bedrock:{region}:{ACCOUNT}:application-inference-profile/{id}"
            ))
            .unwrap(),
            region: region.parse().unwrap(),
            status: ProfileStatus::Active,
            kind: ProfileType::Application,
            description: None,
            model_arns: models.to_vec(),
            tags: Tags::default(),
            created_at: None,
            updated_at: None,
            account: None,
        }
    }

    fn us_sonnet() -> Vec<String> {
        ["us-east-1", "us-east-2", "us-west-2"]
            .iter()
            .map(|r| fm(r, SONNET))
            .collect()
    }

    fn doc_json(d: &Document) -> serde_json::Value {
        serde_json::to_value(d).unwrap()
    }

    #[test]
    fn the_source_comes_from_the_recorded_tag_then_from_the_routes() {
        let mut p = profile("a", "aaaaaaaaaaaa", "us-east-1", &us_sonnet());
        assert_eq!(source_of(&p), CopiedFrom::Unrecorded);
        p.tags
            .insert(SOURCE_TAG, system("us-east-1", &format!("us.{SONNET}")));
        assert_eq!(
            source_of(&p),
            CopiedFrom::SystemProfile(system("us-east-1", &format!("us.{SONNET}")))
        );
        let single = profile(
            "b",
            "bbbbbbbbbbbb",
            "us-east-1",
            &[fm("us-east-1", "amazon.nova-pro-v1:0")],
        );
        assert_eq!(source_of(&single), CopiedFrom::FoundationModel);
        let global = profile(
            "c",
            "cccccccccccc",
            "us-east-1",
            &[fm("", SONNET), fm("us-east-1", SONNET)],
        );
        assert_eq!(source_of(&global), CopiedFrom::Unrecorded);
    }

    #[test]
    fn the_catalog_match_prefers_identical_routes_and_tells_global_from_geographic() {
        let us = system("us-east-1", &format!("us.{SONNET}"));
        let gl = system("us-east-1", &format!("global.{SONNET}"));
        let us_models = us_sonnet();
        let gl_models = vec![fm("", SONNET), fm("us-east-1", SONNET)];
        let other = system("us-east-1", "us.amazon.nova-pro-v1:0");
        let other_models = vec![fm("us-east-1", "amazon.nova-pro-v1:0")];
        let catalog = [
            CatalogEntry {
                arn: &other,
                model_arns: &other_models,
            },
            CatalogEntry {
                arn: &us,
                model_arns: &us_models,
            },
            CatalogEntry {
                arn: &gl,
                model_arns: &gl_models,
            },
        ];
        let geo = profile("geo", "aaaaaaaaaaaa", "us-east-1", &us_sonnet());
        assert_eq!(match_system_profile(&geo, &catalog), Some(us.clone()));
        let global = profile("glo", "bbbbbbbbbbbb", "us-east-1", &gl_models);
        assert_eq!(match_system_profile(&global, &catalog), Some(gl.clone()));
        // AWS added a region to the system profile after the copy: still the only us. one.
        let older = profile("old", "cccccccccccc", "us-east-1", &us_sonnet()[..2]);
        assert_eq!(match_system_profile(&older, &catalog), Some(us.clone()));
        let unknown = profile(
            "x",
            "dddddddddddd",
            "us-east-1",
            &[fm("us-east-1", "meta.llama"), fm("us-west-2", "meta.llama")],
        );
        assert_eq!(match_system_profile(&unknown, &catalog), None);
        assert_eq!(
            system_profile_pattern(&unknown).as_deref(),
            Some("arn:aws:bedrock:us-east-1:123456789012:inference-profile/*.meta.llama")
        );
    }

    #[test]
    fn a_geographic_profile_allows_the_profiles_and_each_routed_model_only_through_them() {
        let p = profile("search", "aaaaaaaaaaaa", "us-east-1", &us_sonnet());
        let sys = system("us-east-1", &format!("us.{SONNET}"));
        let t = InvokeTarget::new(&p, Some(sys.clone())).unwrap();
        let d = invoke_policy(&[t], INVOKE_ACTIONS);
        let v = doc_json(&d);
        assert_eq!(v["Version"], VERSION);
        assert_eq!(v["Statement"].as_array().unwrap().len(), 2);
        assert_eq!(v["Statement"][0]["Resource"], serde_json::json!([p.arn, sys]));
        assert_eq!(v["Statement"][0].get("Condition"), None);
        assert_eq!(v["Statement"][1]["Resource"], serde_json::json!(us_sonnet()));
        assert_eq!(
            v["Statement"][1]["Condition"],
            serde_json::json!({"ArnEquals": {PROFILE_ARN_KEY: [p.arn, sys]}})
        );
        for s in v["Statement"].as_array().unwrap() {
            assert_eq!(s["Action"], serde_json::json!(INVOKE_ACTIONS));
            assert_eq!(s["Effect"], "Allow");
        }
    }

    #[test]
    fn a_global_profile_gets_the_region_less_model_in_its_own_statement() {
        let models = vec![fm("", SONNET), fm("us-east-1", SONNET)];
        let p = profile("glo", "bbbbbbbbbbbb", "us-east-1", &models);
        let sys = system("us-east-1", &format!("global.{SONNET}"));
        let d = invoke_policy(
            &[InvokeTarget::new(&p, Some(sys.clone())).unwrap()],
            INVOKE_ACTIONS,
        );
        let v = doc_json(&d);
        let stmts = v["Statement"].as_array().unwrap();
        assert_eq!(stmts.len(), 3);
        assert_eq!(stmts[1]["Resource"], serde_json::json!([fm("us-east-1", SONNET)]));
        assert_eq!(stmts[1]["Condition"].get("StringEquals"), None);
        assert_eq!(stmts[2]["Resource"], serde_json::json!([fm("", SONNET)]));
        assert_eq!(
            stmts[2]["Condition"],
            serde_json::json!({
                "ArnEquals": {PROFILE_ARN_KEY: [p.arn, sys]},
                "StringEquals": {"aws:RequestedRegion": "unspecified"}
            })
        );
    }

    #[test]
    fn profiles_sharing_a_model_merge_per_model_and_the_order_of_input_does_not_matter() {
        let geo = profile("geo", "aaaaaaaaaaaa", "us-east-1", &us_sonnet());
        let geo_sys = system("us-east-1", &format!("us.{SONNET}"));
        let single = profile("one", "bbbbbbbbbbbb", "us-east-1", &[fm("us-east-1", SONNET)]);
        let a = InvokeTarget::new(&geo, Some(geo_sys.clone())).unwrap();
        let b = InvokeTarget::new(&single, None).unwrap();
        let d = invoke_policy(&[a.clone(), b.clone()], INVOKE_ACTIONS);
        assert_eq!(d, invoke_policy(&[b, a.clone(), a], INVOKE_ACTIONS));
        let v = doc_json(&d);
        let stmts = v["Statement"].as_array().unwrap();
        assert_eq!(stmts.len(), 3, "{v:#}");
        assert_eq!(
            stmts[0]["Resource"],
            serde_json::json!([geo.arn, single.arn, geo_sys])
        );
        // us-east-1 is reached through both profiles; the other two regions through one.
        assert_eq!(stmts[1]["Resource"], serde_json::json!([fm("us-east-1", SONNET)]));
        assert_eq!(
            stmts[1]["Condition"]["ArnEquals"][PROFILE_ARN_KEY],
            serde_json::json!([geo.arn, single.arn, geo_sys])
        );
        assert_eq!(
            stmts[2]["Resource"],
            serde_json::json!([fm("us-east-2", SONNET), fm("us-west-2", SONNET)])
        );
        assert_eq!(
            stmts[2]["Condition"]["ArnEquals"][PROFILE_ARN_KEY],
            serde_json::json!([geo.arn, geo_sys])
        );
        let sids: BTreeSet<&str> = stmts.iter().map(|s| s["Sid"].as_str().unwrap()).collect();
        assert_eq!(sids.len(), stmts.len(), "Sids are unique");
    }

    #[test]
    fn a_system_profile_known_only_as_a_pattern_is_matched_with_arn_like() {
        let models = vec![fm("us-east-1", "meta.llama-x"), fm("us-west-2", "meta.llama-x")];
        let p = profile("llama", "aaaaaaaaaaaa", "us-east-1", &models);
        let pattern = system_profile_pattern(&p).unwrap();
        let d = invoke_policy(
            &[InvokeTarget::new(&p, Some(pattern.clone())).unwrap()],
            INVOKE_ACTIONS,
        );
        let v = doc_json(&d);
        assert_eq!(v["Statement"][0]["Resource"][1], pattern);
        assert_eq!(
            v["Statement"][1]["Condition"],
            serde_json::json!({"ArnLike": {PROFILE_ARN_KEY: [p.arn, pattern]}})
        );
    }

    #[test]
    fn a_profile_without_models_or_with_odd_models_cannot_be_a_target() {
        let empty = profile("empty", "aaaaaaaaaaaa", "us-east-1", &[]);
        let e = InvokeTarget::new(&empty, None).unwrap_err();
        assert!(e.to_string().contains("lists no models"), "{e}");
        let odd = profile(
            "odd",
            "bbbbbbbbbbbb",
            "us-east-1",
            &[system("us-east-1", "us.x.y")],
        );
        let e = InvokeTarget::new(&odd, None).unwrap_err();
        assert!(e.to_string().contains("is not a foundation-model ARN"), "{e}");
    }

    #[test]
    fn single_condition_values_are_strings_and_documents_round_trip() {
        let d = stepfunctions_trust_policy(ACCOUNT);
        let text = serde_json::to_string(&d).unwrap();
        assert!(text.contains(r#""aws:SourceAccount":"123456789012""#), "{text}");
        assert!(
            text.contains(r#""Principal":{"Service":"states.amazonaws.com"}"#),
            "{text}"
        );
        assert!(!text.contains("Resource"), "{text}");
        let back: Document = serde_json::from_str(&text).unwrap();
        assert_eq!(back, d);
        let loose: Document = serde_json::from_str(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","Action":"x:Y","Resource":"*"}]}"#,
        )
        .unwrap();
        assert_eq!(loose.statements[0].actions, ["x:Y"]);
        assert_eq!(loose.statements[0].resources, ["*"]);
    }

    #[test]
    fn the_shipped_documents_parse_and_are_written_in_the_canonical_form() {
        for s in [Shipped::Operator, Shipped::ReadOnly, Shipped::RequireProfile] {
            let d = s.document();
            let mut again = serde_json::to_string_pretty(&d).unwrap();
            again.push('\n');
            assert_eq!(
                again.as_bytes(),
                s.bytes(),
                "{} is not in the canonical form",
                s.name()
            );
        }
    }

    #[test]
    fn require_profile_denies_models_and_system_profiles_unless_through_an_application_profile() {
        let d = Shipped::RequireProfile.document();
        assert_eq!(d.statements.len(), 2);
        let resources: Vec<&str> = d
            .statements
            .iter()
            .map(|s| s.resources.join(","))
            .map(|r| {
                if r.contains(FOUNDATION_MODEL) {
                    "models"
                } else {
                    "system"
                }
            })
            .collect();
        assert_eq!(resources, ["models", "system"]);
        for s in &d.statements {
            assert_eq!(s.effect, Effect::Deny);
            assert_eq!(s.actions, INVOKE_ACTIONS);
            assert_eq!(s.resources.len(), 1);
            let r = &s.resources[0];
            assert!(
                r == "arn:aws:bedrock:*::foundation-model/*"
                    || r == "arn:aws:bedrock:*:*:inference-profile/*",
                "{r}"
            );
            assert_eq!(
                s.condition["ArnNotLike"][PROFILE_ARN_KEY],
                Values::one(format!("arn:aws:bedrock:*:*:{APPLICATION_PROFILE}/*"))
            );
            assert_eq!(s.condition.len(), 1);
        }
    }

    #[test]
    fn the_state_machine_invokes_through_the_profile_arn_with_a_messages_body() {
        let p = profile("search", "aaaaaaaaaaaa", "us-east-1", &us_sonnet());
        let m = stepfunctions_machine(&p, 512).unwrap();
        let v = serde_json::to_value(&m).unwrap();
        let task = &v["States"][TASK_STATE];
        assert_eq!(v["QueryLanguage"], "JSONata");
        assert_eq!(v["StartAt"], TASK_STATE);
        assert_eq!(task["Resource"], STATES_INVOKE_MODEL);
        assert_eq!(task["Arguments"]["ModelId"], p.arn.as_str());
        assert_eq!(task["Arguments"]["Body"]["anthropic_version"], ANTHROPIC_VERSION);
        assert_eq!(task["Arguments"]["Body"]["max_tokens"], 512);
        assert_eq!(
            task["Arguments"]["Body"]["messages"][0]["content"][0]["text"],
            "{% $states.input.prompt %}"
        );
        let nova = profile(
            "nova",
            "bbbbbbbbbbbb",
            "us-east-1",
            &[fm("us-east-1", "amazon.nova-pro-v1:0")],
        );
        let e = stepfunctions_machine(&nova, 512).unwrap_err();
        assert!(e.to_string().contains("Anthropic"), "{e}");
    }

    #[test]
    fn size_counts_characters_without_whitespace() {
        let d = Document::new(vec![]);
        assert_eq!(d.size_chars(), r#"{"Version":"2012-10-17","Statement":[]}"#.len());
    }
}
