//! Foundation models and the system-defined (cross-region) profiles that
//! serve them, per region: what `aipctl models` shows and what `create`
//! checks. A model a region serves "only through inference profiles" lists
//! `INFERENCE_PROFILE` without `ON_DEMAND` in `inferenceTypesSupported`; it
//! must be invoked through a system profile such as `us.anthropic.…`
//! (<https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html>).

use serde::Serialize;

use crate::domain::profile::BedrockArn;
use crate::domain::region::Region;

/// A foundation model as a region lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundationModel {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub provider: String,
    /// `ON_DEMAND`, `PROVISIONED`, and `INFERENCE_PROFILE` (outside the SDK enum).
    pub inference_types: Vec<String>,
}

impl FoundationModel {
    pub fn on_demand(&self) -> bool {
        self.inference_types.iter().any(|t| t == "ON_DEMAND")
    }
}

/// A system-defined (cross-region) profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemProfile {
    pub id: String,
    pub arn: String,
    pub model_arns: Vec<String>,
}

impl SystemProfile {
    /// Whether the profile routes to `model_id`.
    pub fn serves(&self, model_id: &str) -> bool {
        self.model_arns
            .iter()
            .filter_map(|a| BedrockArn::parse(a))
            .any(|a| a.resource_id == model_id)
    }

    /// The regions it routes to (`global` for region-less model ARNs).
    pub fn routes(&self) -> Vec<String> {
        super::profile::routed_regions(&self.model_arns)
    }
}

/// A system profile as `models` shows it: its ID and where it routes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    pub id: String,
    pub routed_regions: Vec<String>,
}

/// How one region offers one model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Availability {
    pub region: String,
    pub model_id: String,
    pub model_name: String,
    pub provider: String,
    /// Invocable on demand in this region by its model ID.
    pub on_demand: bool,
    /// The system profiles callable from this region that route to it,
    /// geographic ones before `global.`.
    pub system_profiles: Vec<Route>,
}

/// Every model of `models` with the system profiles of the same region that
/// serve it, by model ID. `provider` keeps only one provider (any case).
pub fn availability(
    region: &Region,
    models: &[FoundationModel],
    profiles: &[SystemProfile],
    provider: Option<&str>,
) -> Vec<Availability> {
    let mut out: Vec<Availability> = models
        .iter()
        .filter(|m| provider.is_none_or(|p| m.provider.eq_ignore_ascii_case(p)))
        .map(|m| {
            let mut routes: Vec<Route> = profiles
                .iter()
                .filter(|p| p.serves(&m.id))
                .map(|p| Route {
                    id: p.id.clone(),
                    routed_regions: p.routes(),
                })
                .collect();
            routes.sort_by(|a, b| {
                (a.id.starts_with("global."), &a.id).cmp(&(b.id.starts_with("global."), &b.id))
            });
            Availability {
                region: region.to_string(),
                model_id: m.id.clone(),
                model_name: m.name.clone(),
                provider: m.provider.clone(),
                on_demand: m.on_demand(),
                system_profiles: routes,
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.provider, &a.model_id).cmp(&(&b.provider, &b.model_id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_are_joined_with_the_system_profiles_that_route_to_them() {
        let region: Region = "us-east-1".parse().unwrap();
        let sonnet = "anthropic.claude-sonnet-4-5-20250929-v1:0";
        let models = vec![
            FoundationModel {
                id: sonnet.into(),
                arn: format!("arn:aws:bedrock:us-east-1::foundation-model/{sonnet}"),
                name: "Claude Sonnet 4.5".into(),
                provider: "Anthropic".into(),
                inference_types: vec!["INFERENCE_PROFILE".into()],
            },
            FoundationModel {
                id: "amazon.nova-pro-v1:0".into(),
                arn: "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0".into(),
                name: "Nova Pro".into(),
                provider: "Amazon".into(),
                inference_types: vec!["ON_DEMAND".into()],
            },
        ];
        let profiles = vec![
            SystemProfile {
                id: format!("global.{sonnet}"),
                arn: String::new(),
                model_arns: vec![format!("arn:aws:bedrock:::foundation-model/{sonnet}")],
            },
            SystemProfile {
                id: format!("us.{sonnet}"),
                arn: String::new(),
                model_arns: vec![
                    format!("arn:aws:bedrock:us-west-2::foundation-model/{sonnet}"),
                    format!("arn:aws:bedrock:us-east-1::foundation-model/{sonnet}"),
                ],
            },
        ];
        let all = availability(&region, &models, &profiles, None);
        assert_eq!(all[0].model_id, "amazon.nova-pro-v1:0");
        assert!(all[0].on_demand && all[0].system_profiles.is_empty());
        let s = &all[1];
        assert!(!s.on_demand);
        assert_eq!(
            s.system_profiles[0].id,
            format!("us.{sonnet}"),
            "geographic first"
        );
        assert_eq!(s.system_profiles[0].routed_regions, ["us-east-1", "us-west-2"]);
        assert_eq!(s.system_profiles[1].routed_regions, ["global"]);
        assert_eq!(availability(&region, &models, &profiles, Some("amazon")).len(), 1);
    }
}
