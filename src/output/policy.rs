//! IAM documents as users paste them: the policy JSON itself, Terraform
//! resources, or a CloudFormation template (an IAM managed policy, or an
//! Organizations service control policy). Built from typed values, so the
//! key order is fixed and the same input gives the same bytes.
//!
//! Terraform gets the JSON in a heredoc, escaped for Terraform's templates
//! (`${` and `%{` would otherwise be interpolated); CloudFormation gets a
//! JSON template, which YAML templates accept as well.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::iam::{Document, StateMachine};

/// How a policy is named where it is pasted.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    /// Terraform resource label, `snake_case`.
    pub terraform: &'a str,
    /// CloudFormation logical ID, `PascalCase`.
    pub cloudformation: &'a str,
    /// The policy's description (≤ 1,000 characters, as IAM requires).
    pub description: &'a str,
}

/// How `aipctl policy` writes a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocumentFormat {
    /// Plain JSON
    Json,
    /// Terraform resources: `aws_iam_policy`; for `stepfunctions` a role, its policy and the state machine
    Terraform,
    /// A CloudFormation template (JSON, which YAML templates accept too)
    Cloudformation,
}

/// One policy document in `format`. `verbatim` is the exact JSON to print
/// for the `json` format, when the document comes from a file.
pub fn policy(doc: &Document, verbatim: Option<&[u8]>, names: Names<'_>, format: DocumentFormat) -> Vec<u8> {
    match format {
        DocumentFormat::Json => verbatim.map_or_else(|| pretty(doc).into_bytes(), <[u8]>::to_vec),
        DocumentFormat::Terraform => format!(
            "resource \"aws_iam_policy\" \"{label}\" {{\n  description = {description}\n  policy      = {body}\n}}\n",
            label = names.terraform,
            description = hcl_string(names.description),
            body = heredoc(&pretty(doc)),
        )
        .into_bytes(),
        DocumentFormat::Cloudformation => {
            let logical = names.cloudformation;
            let template = Template {
                version: TEMPLATE_VERSION,
                description: names.description,
                resources: BTreeMap::from([(
                    logical,
                    Resource::ManagedPolicy {
                        kind: "AWS::IAM::ManagedPolicy",
                        properties: ManagedPolicyProperties {
                            description: names.description,
                            policy_document: doc,
                        },
                    },
                )]),
                outputs: BTreeMap::from([("PolicyArn", Output::reference(logical))]),
            };
            pretty(&template).into_bytes()
        }
    }
}

/// One policy document as an AWS Organizations service control policy named
/// `name`: Terraform's `aws_organizations_policy` or CloudFormation's
/// `AWS::Organizations::Policy` (JSON is the document itself, `verbatim`).
pub fn service_control_policy(
    doc: &Document,
    verbatim: Option<&[u8]>,
    names: Names<'_>,
    name: &str,
    format: DocumentFormat,
) -> Vec<u8> {
    match format {
        DocumentFormat::Json => policy(doc, verbatim, names, format),
        DocumentFormat::Terraform => format!(
            "resource \"aws_organizations_policy\" \"{label}\" {{\n  name        = {name}\n  description = {description}\n  type        = \"{SCP_TYPE}\"\n  content     = {body}\n}}\n",
            label = names.terraform,
            name = hcl_string(name),
            description = hcl_string(names.description),
            body = heredoc(&pretty(doc)),
        )
        .into_bytes(),
        DocumentFormat::Cloudformation => {
            let logical = names.cloudformation;
            let template = Template {
                version: TEMPLATE_VERSION,
                description: names.description,
                resources: BTreeMap::from([(
                    logical,
                    Resource::OrganizationsPolicy {
                        kind: "AWS::Organizations::Policy",
                        properties: OrganizationsPolicyProperties {
                            name,
                            description: names.description,
                            kind: SCP_TYPE,
                            content: doc,
                        },
                    },
                )]),
                outputs: BTreeMap::from([("PolicyId", Output::reference(logical))]),
            };
            pretty(&template).into_bytes()
        }
    }
}

/// The Organizations policy type of a service control policy.
const SCP_TYPE: &str = "SERVICE_CONTROL_POLICY";

/// The state machine, the policy of its role and the role's trust policy.
pub fn stepfunctions(
    machine: &StateMachine,
    role_policy: &Document,
    trust: &Document,
    description: &str,
    format: DocumentFormat,
) -> Vec<u8> {
    const LABEL: &str = "aipctl_invoke_profile";
    const ROLE: &str = "InvokeProfileRole";
    const MACHINE: &str = "InvokeProfileStateMachine";
    const ROLE_POLICY: &str = "InvokeThroughProfile";
    match format {
        DocumentFormat::Json => {
            #[derive(Serialize)]
            struct Bundle<'a> {
                definition: &'a StateMachine,
                role_policy: &'a Document,
                assume_role_policy: &'a Document,
            }
            pretty(&Bundle {
                definition: machine,
                role_policy,
                assume_role_policy: trust,
            })
            .into_bytes()
        }
        DocumentFormat::Terraform => format!(
            "resource \"aws_iam_role\" \"{LABEL}\" {{\n  description        = {description}\n  assume_role_policy = {trust}\n}}\n\n\
             resource \"aws_iam_role_policy\" \"{LABEL}\" {{\n  name   = \"{ROLE_POLICY}\"\n  role   = aws_iam_role.{LABEL}.id\n  policy = {policy}\n}}\n\n\
             resource \"aws_sfn_state_machine\" \"{LABEL}\" {{\n  role_arn   = aws_iam_role.{LABEL}.arn\n  definition = {definition}\n}}\n",
            description = hcl_string(description),
            trust = heredoc(&pretty(trust)),
            policy = heredoc(&pretty(role_policy)),
            definition = heredoc(&pretty(machine)),
        )
        .into_bytes(),
        DocumentFormat::Cloudformation => {
            let template = Template {
                version: TEMPLATE_VERSION,
                description,
                resources: BTreeMap::from([
                    (
                        ROLE,
                        Resource::Role {
                            kind: "AWS::IAM::Role",
                            properties: RoleProperties {
                                description,
                                assume_role_policy_document: trust,
                                policies: vec![InlinePolicy {
                                    policy_name: ROLE_POLICY,
                                    policy_document: role_policy,
                                }],
                            },
                        },
                    ),
                    (
                        MACHINE,
                        Resource::StateMachine {
                            kind: "AWS::StepFunctions::StateMachine",
                            properties: StateMachineProperties {
                                role_arn: GetAtt {
                                    get_att: [ROLE, "Arn"],
                                },
                                definition: machine,
                            },
                        },
                    ),
                ]),
                outputs: BTreeMap::from([("StateMachineArn", Output::reference(MACHINE))]),
            };
            pretty(&template).into_bytes()
        }
    }
}

const TEMPLATE_VERSION: &str = "2010-09-09";

#[derive(Serialize)]
struct Template<'a> {
    #[serde(rename = "AWSTemplateFormatVersion")]
    version: &'static str,
    #[serde(rename = "Description")]
    description: &'a str,
    #[serde(rename = "Resources")]
    resources: BTreeMap<&'a str, Resource<'a>>,
    #[serde(rename = "Outputs")]
    outputs: BTreeMap<&'static str, Output<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Resource<'a> {
    ManagedPolicy {
        #[serde(rename = "Type")]
        kind: &'static str,
        #[serde(rename = "Properties")]
        properties: ManagedPolicyProperties<'a>,
    },
    Role {
        #[serde(rename = "Type")]
        kind: &'static str,
        #[serde(rename = "Properties")]
        properties: RoleProperties<'a>,
    },
    StateMachine {
        #[serde(rename = "Type")]
        kind: &'static str,
        #[serde(rename = "Properties")]
        properties: StateMachineProperties<'a>,
    },
    OrganizationsPolicy {
        #[serde(rename = "Type")]
        kind: &'static str,
        #[serde(rename = "Properties")]
        properties: OrganizationsPolicyProperties<'a>,
    },
}

#[derive(Serialize)]
struct OrganizationsPolicyProperties<'a> {
    #[serde(rename = "Name")]
    name: &'a str,
    #[serde(rename = "Description")]
    description: &'a str,
    #[serde(rename = "Type")]
    kind: &'static str,
    #[serde(rename = "Content")]
    content: &'a Document,
}

#[derive(Serialize)]
struct ManagedPolicyProperties<'a> {
    #[serde(rename = "Description")]
    description: &'a str,
    #[serde(rename = "PolicyDocument")]
    policy_document: &'a Document,
}

#[derive(Serialize)]
struct RoleProperties<'a> {
    #[serde(rename = "Description")]
    description: &'a str,
    #[serde(rename = "AssumeRolePolicyDocument")]
    assume_role_policy_document: &'a Document,
    #[serde(rename = "Policies")]
    policies: Vec<InlinePolicy<'a>>,
}

#[derive(Serialize)]
struct InlinePolicy<'a> {
    #[serde(rename = "PolicyName")]
    policy_name: &'static str,
    #[serde(rename = "PolicyDocument")]
    policy_document: &'a Document,
}

#[derive(Serialize)]
struct StateMachineProperties<'a> {
    #[serde(rename = "RoleArn")]
    role_arn: GetAtt,
    #[serde(rename = "Definition")]
    definition: &'a StateMachine,
}

#[derive(Serialize)]
struct GetAtt {
    #[serde(rename = "Fn::GetAtt")]
    get_att: [&'static str; 2],
}

#[derive(Serialize)]
struct Output<'a> {
    #[serde(rename = "Value")]
    value: Ref<'a>,
}

impl<'a> Output<'a> {
    fn reference(logical_id: &'a str) -> Self {
        Self {
            value: Ref {
                reference: logical_id,
            },
        }
    }
}

#[derive(Serialize)]
struct Ref<'a> {
    #[serde(rename = "Ref")]
    reference: &'a str,
}

/// Two-space indented JSON and a final newline.
fn pretty(value: &impl Serialize) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("documents always serialize");
    s.push('\n');
    s
}

/// Terraform reads `${…}` and `%{…}` in strings and heredocs as templates;
/// doubling the first character makes them literal (IAM policy variables
/// such as `${aws:username}` must reach AWS as written).
fn escape_template(s: &str) -> String {
    s.replace("${", "$${").replace("%{", "%%{")
}

/// `text` (ending in a newline) as a heredoc. Pretty JSON never has a line
/// that is exactly `EOT`.
fn heredoc(text: &str) -> String {
    format!("<<EOT\n{}EOT", escape_template(text))
}

/// A quoted Terraform string.
fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in escape_template(s).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::iam::{Effect, Statement, Values};

    fn doc_with_variable() -> Document {
        let mut condition = crate::domain::iam::Condition::new();
        condition.entry("StringEquals".into()).or_default().insert(
            "aws:ResourceTag/Department".into(),
            Values::one("${aws:PrincipalTag/Department}"),
        );
        Document::new(vec![Statement {
            sid: "Abac".into(),
            effect: Effect::Allow,
            principal: None,
            actions: vec!["bedrock:InvokeModel".into()],
            resources: vec!["*".into()],
            condition,
        }])
    }

    fn names() -> Names<'static> {
        Names {
            terraform: "aipctl_test",
            cloudformation: "AipctlTestPolicy",
            description: "say \"hi\" to ${x}",
        }
    }

    #[test]
    fn terraform_heredocs_keep_policy_variables_literal() {
        let d = doc_with_variable();
        let text = String::from_utf8(policy(&d, None, names(), DocumentFormat::Terraform)).unwrap();
        assert!(
            text.starts_with("resource \"aws_iam_policy\" \"aipctl_test\" {\n"),
            "{text}"
        );
        assert!(text.contains(r#"description = "say \"hi\" to $${x}""#), "{text}");
        // Undo Terraform's escaping of the heredoc: the document comes back exactly.
        let body = text
            .split_once("<<EOT\n")
            .and_then(|(_, rest)| rest.split_once("EOT\n"))
            .map(|(body, _)| body)
            .unwrap();
        assert!(body.contains("$${aws:PrincipalTag/Department}"), "{body}");
        let unescaped = body.replace("$${", "${").replace("%%{", "%{");
        assert_eq!(serde_json::from_str::<Document>(&unescaped).unwrap(), d);
    }

    #[test]
    fn json_is_the_verbatim_bytes_when_given_and_pretty_otherwise() {
        let d = doc_with_variable();
        assert_eq!(
            policy(&d, Some(b"exact"), names(), DocumentFormat::Json),
            b"exact"
        );
        let text = String::from_utf8(policy(&d, None, names(), DocumentFormat::Json)).unwrap();
        assert!(text.ends_with("}\n"));
        assert_eq!(serde_json::from_str::<Document>(&text).unwrap(), d);
    }

    #[test]
    fn cloudformation_wraps_the_document_in_a_managed_policy() {
        let d = doc_with_variable();
        let text = String::from_utf8(policy(&d, None, names(), DocumentFormat::Cloudformation)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["AWSTemplateFormatVersion"], "2010-09-09");
        let r = &v["Resources"]["AipctlTestPolicy"];
        assert_eq!(r["Type"], "AWS::IAM::ManagedPolicy");
        assert_eq!(
            r["Properties"]["PolicyDocument"],
            serde_json::to_value(&d).unwrap()
        );
        assert_eq!(v["Outputs"]["PolicyArn"]["Value"]["Ref"], "AipctlTestPolicy");
    }
}
