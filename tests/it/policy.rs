//! `aipctl policy` against the emulator: invoke policies built from real
//! seeded profiles (a single-region foundation-model copy, a `us.` and a
//! `global.` system-profile copy), the Step Functions task and its role, and
//! the shipped documents as the command prints them. Every document is
//! linted with parliament and every CloudFormation template with cfn-lint.

use std::collections::BTreeSet;

use aipctl::domain::profile::BedrockArn;
use serde_json::{Value, json};

use crate::support::iam::{
    Kind, assert_cfn_lint_clean, assert_parliament_clean, exceptions, linted, read, shipped,
};
use crate::support::{ACCOUNT, NOVA_PRO, Run, SONNET_US, World, bare, snapshot, world};

const SONNET_GLOBAL: &str = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";
const SONNET: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";

// ------------------------------------------------------------------ shipped documents

#[test]
fn operator_and_read_only_print_the_shipped_files_without_calling_aws() {
    let w = world();
    for (cmd, file) in [("operator", "operator.json"), ("read-only", "read-only.json")] {
        // No region, no request: the documents are built in.
        let printed = w.cmd().env_remove("AWS_REGION").run(["policy", cmd]).ok();
        assert_eq!(
            printed.stdout_bytes(),
            read(&format!("policies/{file}")).as_bytes(),
            "{cmd}"
        );
        for format in ["terraform", "cloudformation"] {
            let out = w.run(["policy", cmd, "--format", format]).ok();
            snapshot!(format!("{cmd}_{format}"), out.stdout());
            if format == "cloudformation" {
                let template: Value = out.json();
                assert_eq!(
                    template["Resources"]
                        .as_object()
                        .unwrap()
                        .values()
                        .next()
                        .unwrap()["Properties"]["PolicyDocument"],
                    shipped(file)
                );
                assert_cfn_lint_clean(cmd, &out.stdout());
            }
        }
    }
    assert_eq!(w.calls(), Vec::<(String, String)>::new(), "no AWS request");
}

#[test]
fn a_default_output_format_for_rows_does_not_stop_a_policy_but_an_explicit_one_does() {
    let w = world();
    let shipped_file = read("policies/read-only.json");
    for format in ["text", "yaml"] {
        // A default from the environment (or the profile's `output`) is meant for rows.
        let printed = w
            .cmd()
            .env("AWS_DEFAULT_OUTPUT", format)
            .run(["policy", "read-only"])
            .ok();
        assert_eq!(
            printed.stdout_bytes(),
            shipped_file.as_bytes(),
            "AWS_DEFAULT_OUTPUT={format}"
        );
        // Asked for on the command line, it cannot be honoured: said, not ignored.
        w.run(["policy", "read-only", "-o", format])
            .code(2)
            .stderr_has("a policy is a document");
    }
    assert_eq!(w.calls(), Vec::<(String, String)>::new(), "no AWS request");
}

// ------------------------------------------------------------------ require-profile

#[test]
fn require_profile_prints_the_shipped_file_as_an_iam_policy_or_an_scp_without_calling_aws() {
    let w = world();
    let printed = w
        .cmd()
        .env_remove("AWS_REGION")
        .run(["policy", "require-profile"])
        .ok();
    assert_eq!(
        printed.stdout_bytes(),
        read("policies/require-profile.json").as_bytes()
    );
    let doc = shipped("require-profile.json");
    // Denies only: both invoke actions (Converse and ConverseStream are
    // authorized as these) on every model and system profile, unless an
    // application profile is the one the request came through.
    for s in doc["Statement"].as_array().unwrap() {
        assert_eq!(s["Effect"], "Deny");
        assert_eq!(
            s["Action"],
            json!(["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"])
        );
        assert_eq!(
            s["Condition"],
            json!({"ArnNotLike": {"bedrock:InferenceProfileArn": "arn:aws:bedrock:*:*:application-inference-profile/*"}})
        );
    }
    let resources: Vec<&Value> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["Resource"])
        .collect();
    assert_eq!(
        resources,
        [
            &json!(["arn:aws:bedrock:*::foundation-model/*"]),
            &json!(["arn:aws:bedrock:*:*:inference-profile/*"])
        ]
    );
    assert_parliament_clean(&[linted("require-profile", Kind::Identity, &doc)]);
    // The lint reads the condition keys of deny statements too.
    let mut typo = doc.clone();
    typo["Statement"][0]["Condition"] = json!({"ArnNotLike": {"bedrock:InferenceProfileArns": "x"}});
    let (found, _) = crate::support::iam::parliament(&[linted("typo", Kind::Identity, &typo)]);
    assert!(
        found.iter().any(|f| f.issue == "UNKNOWN_CONDITION_FOR_ACTION"),
        "{found:#?}"
    );

    for (scp, forms) in [(false, "iam"), (true, "scp")] {
        for format in ["terraform", "cloudformation"] {
            let mut args = vec!["policy", "require-profile", "--format", format];
            if scp {
                args.push("--scp");
            }
            let out = w.run(&args).ok().stdout();
            snapshot!(format!("require_profile_{forms}_{format}"), out);
            if format == "cloudformation" {
                let template: Value = serde_json::from_str(&out).unwrap();
                let resource = &template["Resources"]["AipctlRequireProfilePolicy"];
                let body = if scp {
                    assert_eq!(resource["Type"], "AWS::Organizations::Policy");
                    assert_eq!(resource["Properties"]["Type"], "SERVICE_CONTROL_POLICY");
                    &resource["Properties"]["Content"]
                } else {
                    assert_eq!(resource["Type"], "AWS::IAM::ManagedPolicy");
                    &resource["Properties"]["PolicyDocument"]
                };
                assert_eq!(body, &doc);
                assert_cfn_lint_clean(&format!("require-profile-{forms}"), &out);
            } else {
                let heredoc = out
                    .split_once("<<EOT\n")
                    .unwrap()
                    .1
                    .split_once("EOT\n")
                    .unwrap()
                    .0;
                assert_eq!(serde_json::from_str::<Value>(heredoc).unwrap(), doc);
                assert!(out.starts_with(if scp {
                    "resource \"aws_organizations_policy\" \"aipctl_require_profile\" {"
                } else {
                    "resource \"aws_iam_policy\" \"aipctl_require_profile\" {"
                }));
            }
        }
    }
    assert_eq!(w.calls(), Vec::<(String, String)>::new(), "no AWS request");
}

// ------------------------------------------------------------------ invoke

fn source_tag(system_profile_id: &str) -> String {
    format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/{system_profile_id}")
}

/// A single-region copy of a foundation model, a `us.` copy with its
/// source recorded (as `aipctl create` does) and a `global.` copy made
/// elsewhere (no record: the catalog tells). Profile IDs are reproducible
/// (moto's seeded generator), so snapshots show real ARNs.
fn seeded() -> World {
    let w = world();
    w.control("POST", "/moto-api/seed?a=8", None);
    w.seed_profiles(json!([
        {"region": "us-east-1", "name": "support-nova", "source": NOVA_PRO, "tags": {"Department": "Support"}},
        {"region": "us-east-1", "name": "search-sonnet", "source": SONNET_US,
         "tags": {"Department": "Search", "aipctl:source": source_tag(SONNET_US)}},
        {"region": "us-east-1", "name": "search-global", "source": SONNET_GLOBAL, "tags": {"Department": "Search"}},
    ]));
    w
}

/// `aipctl policy ARGS`, which must succeed.
fn policy(w: &World, args: &[&str]) -> Run {
    w.run(["policy"].iter().chain(args)).ok()
}

/// The statements that allow `action` on `resource`.
fn grants<'a>(doc: &'a Value, action: &str, resource: &str) -> Vec<&'a Value> {
    doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["Action"].as_array().unwrap().iter().any(|a| a == action))
        .filter(|s| s["Resource"].as_array().unwrap().iter().any(|r| r == resource))
        .collect()
}

fn profile_arns_in(statement: &Value) -> BTreeSet<String> {
    let condition = &statement["Condition"];
    let values = if condition.get("ArnLike").is_some() {
        &condition["ArnLike"]["bedrock:InferenceProfileArn"]
    } else {
        &condition["ArnEquals"]["bedrock:InferenceProfileArn"]
    };
    match values {
        Value::String(s) => BTreeSet::from([s.clone()]),
        Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_owned()).collect(),
        _ => BTreeSet::new(),
    }
}

/// What the prerequisites pages require, checked from the profiles' own
/// `models[]`: each profile and its system profile unconditionally, each
/// routed model only through that profile, region-less models only for
/// requests with no region.
fn assert_covers(doc: &Value, profile: &Value, system_profile: Option<&str>, actions: &[&str]) {
    let arn = profile["arn"].as_str().unwrap();
    for action in actions {
        for entry in std::iter::once(arn).chain(system_profile) {
            let g = grants(doc, action, entry);
            assert!(
                g.iter().any(|s| s.get("Condition").is_none()),
                "{action} on {entry} is not granted: {doc:#}"
            );
        }
        let models = profile["models"].as_array().unwrap();
        assert!(!models.is_empty());
        for m in models {
            let m = m.as_str().unwrap();
            let g = grants(doc, action, m);
            assert_eq!(g.len(), 1, "{action} on {m}: {g:#?}");
            let via = profile_arns_in(g[0]);
            assert!(via.contains(arn), "{m} is not reachable through {arn}");
            if let Some(s) = system_profile {
                assert!(via.contains(s), "{m} is not reachable through {s}");
            }
            let region_less = BedrockArn::parse(m).unwrap().region.is_empty();
            assert_eq!(
                g[0]["Condition"]["StringEquals"]["aws:RequestedRegion"] == "unspecified",
                region_less,
                "{m}"
            );
        }
    }
}

/// Every resource and condition value is a well-formed Bedrock ARN of the
/// type its place calls for (parliament cannot check these; see its exceptions).
fn assert_arns_well_formed(doc: &Value) {
    for (i, s) in doc["Statement"].as_array().unwrap().iter().enumerate() {
        for r in s["Resource"].as_array().unwrap() {
            let r = r.as_str().unwrap();
            let arn = BedrockArn::parse(r).unwrap_or_else(|| panic!("not a Bedrock ARN: {r}"));
            let expected: &[&str] = if i == 0 {
                &["application-inference-profile", "inference-profile"]
            } else {
                &["foundation-model"]
            };
            assert!(expected.contains(&arn.resource_type.as_str()), "{r}");
            assert_eq!(arn.account.is_empty(), i > 0, "{r}");
        }
        for p in profile_arns_in(s) {
            let arn = BedrockArn::parse(&p).unwrap_or_else(|| panic!("not a Bedrock ARN: {p}"));
            assert!(arn.resource_type.ends_with("inference-profile"), "{p}");
        }
    }
}

#[test]
fn invoke_covers_a_single_region_a_geographic_and_a_global_profile() {
    let w = seeded();
    let out = policy(&w, &["invoke", "support-nova", "search-sonnet", "search-global"]);
    let text = out.stdout();
    snapshot!("invoke_json", text);
    let doc: Value = serde_json::from_str(&text).unwrap();
    let by_name = |n: &str| {
        w.profiles("us-east-1")
            .into_iter()
            .find(|p| p["name"] == n)
            .unwrap()
    };
    let actions = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];
    let nova = by_name("support-nova");
    assert_eq!(nova["models"].as_array().unwrap().len(), 1);
    assert_covers(&doc, &nova, None, &actions);
    let us = by_name("search-sonnet");
    assert_eq!(
        us["routed_regions"],
        json!(["us-east-1", "us-east-2", "us-west-2"])
    );
    assert_covers(&doc, &us, Some(&source_tag(SONNET_US)), &actions);
    let global = by_name("search-global");
    assert!(
        global["models"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == &json!(format!("arn:aws:bedrock:::foundation-model/{SONNET}")))
    );
    assert_covers(&doc, &global, Some(&source_tag(SONNET_GLOBAL)), &actions);
    // Nothing else: the Nova model is not reachable through the Sonnet profiles.
    let nova_model = nova["models"][0].as_str().unwrap();
    assert_eq!(
        profile_arns_in(grants(&doc, "bedrock:InvokeModel", nova_model)[0]),
        BTreeSet::from([nova["arn"].as_str().unwrap().to_owned()])
    );
    assert_arns_well_formed(&doc);
    assert_parliament_clean(&[linted("invoke", Kind::Identity, &doc)]);
}

#[test]
fn the_system_profile_comes_from_the_recorded_tag_or_else_from_the_catalog() {
    let w = seeded();
    w.clear_requests();
    policy(&w, &["invoke", "search-sonnet"]);
    let recorded = w.count("ListInferenceProfiles");
    w.clear_requests();
    policy(&w, &["invoke", "search-global"]);
    let looked_up = w.count("ListInferenceProfiles");
    assert_eq!(
        looked_up,
        recorded + 1,
        "one catalog listing, only when nothing was recorded"
    );
}

#[test]
fn a_cross_region_profile_no_catalog_entry_explains_gets_a_pattern_and_a_warning() {
    let w = world();
    let model = "example.unlisted-model-v1:0";
    let models: Vec<String> = ["us-east-1", "us-west-2"]
        .iter()
        .map(|r| format!("arn:aws:bedrock:{r}::foundation-model/{model}"))
        .collect();
    w.seed_profiles(json!([
        {"region": "us-east-1", "name": "odd", "source": NOVA_PRO, "models": models},
    ]));
    let out = policy(&w, &["invoke", "odd"]);
    let pattern = format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/*.{model}");
    let out = out.stderr_has(&format!("warning: profile `odd` routes across regions, but no system-defined profile in us-east-1 serves its routes; allowing {pattern}"));
    let d: Value = out.json();
    let odd = w
        .profiles("us-east-1")
        .into_iter()
        .find(|p| p["name"] == "odd")
        .unwrap();
    assert_covers(&d, &odd, Some(&pattern), &["bedrock:InvokeModel"]);
    assert_parliament_clean(&[linted("pattern", Kind::Identity, &d)]);
}

#[test]
fn invoke_output_is_the_same_whatever_the_order_of_profiles() {
    let w = seeded();
    let a = policy(
        &w,
        &[
            "invoke",
            "search-global",
            "support-nova",
            "search-sonnet",
            "support-nova",
        ],
    );
    let b = policy(&w, &["invoke", "search-sonnet", "search-global", "support-nova"]);
    assert_eq!(a.stdout(), b.stdout());
}

#[test]
fn invoke_by_tag_takes_every_matching_profile_in_the_chosen_regions() {
    let w = world();
    w.seed_profiles(json!([
        {"region": "us-east-1", "name": "search-east", "source": SONNET_US, "tags": {"Department": "Search"}},
        {"region": "us-west-2", "name": "search-west", "source": NOVA_PRO, "tags": {"Department": "Search"}},
        {"region": "us-east-1", "name": "legal", "source": NOVA_PRO, "tags": {"Department": "Legal"}},
    ]));
    let out = policy(
        &w,
        &[
            "invoke",
            "--tag",
            "Department=Search",
            "--region",
            "us-east-1,us-west-2",
        ],
    );
    let doc: Value = out.json();
    let all: Vec<Value> = w
        .profiles("us-east-1")
        .into_iter()
        .chain(w.profiles("us-west-2"))
        .collect();
    let arn = |n: &str| {
        all.iter().find(|p| p["name"] == n).unwrap()["arn"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let entry: BTreeSet<String> = doc["Statement"][0]["Resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        entry,
        BTreeSet::from([arn("search-east"), arn("search-west"), source_tag(SONNET_US)])
    );
    assert!(!out.stdout().contains(&arn("legal")));
    assert!(
        out.stdout()
            .contains("arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0")
    );
}

#[test]
fn invoke_writes_terraform_and_cloudformation() {
    let w = seeded();
    let tf = policy(&w, &["invoke", "search-global", "--format", "terraform"]).stdout();
    snapshot!("invoke_terraform", tf);
    let cfn = policy(&w, &["invoke", "search-global", "--format", "cloudformation"]).stdout();
    snapshot!("invoke_cloudformation", cfn);
    assert_cfn_lint_clean("invoke", &cfn);
    // The same document in every format.
    let json: Value = policy(&w, &["invoke", "search-global"]).json();
    let template: Value = serde_json::from_str(&cfn).unwrap();
    assert_eq!(
        template["Resources"]["AipctlInvokePolicy"]["Properties"]["PolicyDocument"],
        json
    );
    let heredoc = tf.split_once("<<EOT\n").unwrap().1.split_once("EOT\n").unwrap().0;
    assert_eq!(serde_json::from_str::<Value>(heredoc).unwrap(), json);
}

// ------------------------------------------------------------------ Step Functions

#[test]
fn stepfunctions_invokes_through_the_profile_with_a_role_that_can() {
    let w = seeded();
    let out = policy(&w, &["stepfunctions", "search-sonnet", "--max-tokens", "512"]);
    let text = out.stdout();
    snapshot!("stepfunctions_json", text);
    let v: Value = serde_json::from_str(&text).unwrap();
    let us = w
        .profiles("us-east-1")
        .into_iter()
        .find(|p| p["name"] == "search-sonnet")
        .unwrap();
    let task = &v["definition"]["States"]["InvokeThroughProfile"];
    assert_eq!(v["definition"]["QueryLanguage"], "JSONata");
    assert_eq!(task["Resource"], "arn:aws:states:::bedrock:invokeModel");
    assert_eq!(task["Arguments"]["ModelId"], us["arn"]);
    assert_eq!(task["Arguments"]["Body"]["max_tokens"], 512);
    assert_eq!(
        task["Arguments"]["Body"]["anthropic_version"],
        "bedrock-2023-05-31"
    );
    // The integration calls InvokeModel only.
    assert_covers(
        &v["role_policy"],
        &us,
        Some(&source_tag(SONNET_US)),
        &["bedrock:InvokeModel"],
    );
    assert!(!text.contains("InvokeModelWithResponseStream"));
    assert_eq!(
        v["assume_role_policy"]["Statement"][0]["Principal"]["Service"],
        "states.amazonaws.com"
    );
    assert_parliament_clean(&[
        linted("stepfunctions-role", Kind::Identity, &v["role_policy"]),
        linted("stepfunctions-trust", Kind::Trust, &v["assume_role_policy"]),
    ]);

    let cfn = policy(
        &w,
        &["stepfunctions", "search-global", "--format", "cloudformation"],
    )
    .stdout();
    snapshot!("stepfunctions_cloudformation", cfn);
    assert_cfn_lint_clean("stepfunctions", &cfn);
    let tf = policy(&w, &["stepfunctions", "search-global", "--format", "terraform"]).stdout();
    snapshot!("stepfunctions_terraform", tf);
}

// ------------------------------------------------------------------ every exception is needed

#[test]
fn every_lint_exception_is_needed_by_some_document() {
    let w = seeded();
    let invoke: Value = policy(&w, &["invoke", "support-nova", "search-sonnet", "search-global"]).json();
    let sfn: Value = policy(&w, &["stepfunctions", "search-global"]).json();
    let used = assert_parliament_clean(&[
        linted("operator", Kind::Identity, &shipped("operator.json")),
        linted("read-only", Kind::Identity, &shipped("read-only.json")),
        linted(
            "require-department-tag",
            Kind::Identity,
            &shipped("require-department-tag.json"),
        ),
        linted(
            "require-profile",
            Kind::Identity,
            &shipped("require-profile.json"),
        ),
        linted("invoke", Kind::Identity, &invoke),
        linted("stepfunctions-role", Kind::Identity, &sfn["role_policy"]),
        linted("stepfunctions-trust", Kind::Trust, &sfn["assume_role_policy"]),
    ]);
    let all: BTreeSet<usize> = (0..exceptions().len()).collect();
    let stale: Vec<_> = all
        .difference(&used)
        .map(|i| (exceptions()[*i].issue.clone(), exceptions()[*i].action.clone()))
        .collect();
    assert!(stale.is_empty(), "exceptions no document needs: {stale:?}");
}

// ------------------------------------------------------------------ help

#[test]
fn subcommand_help_texts() {
    for cmd in [
        "invoke",
        "operator",
        "read-only",
        "stepfunctions",
        "require-profile",
    ] {
        let out = bare(["policy", cmd, "--help"]).ok();
        snapshot!(format!("help_policy_{cmd}"), out.stdout());
    }
}

// ------------------------------------------------------------------ bad input

#[test]
fn an_unknown_format_is_refused_before_any_request() {
    let w = seeded();
    for args in [
        vec!["policy", "invoke", "search-sonnet", "--format", "yaml"],
        vec!["policy", "operator", "--format", "hcl"],
        vec!["policy", "invoke"],
        vec!["policy", "invoke", "search-sonnet", "--tag", "Department=Search"],
        vec!["policy", "stepfunctions", "search-sonnet", "--max-tokens", "0"],
        vec![
            "policy",
            "invoke",
            "arn:aws:bedrock:us-east-1::foundation-model/x.y",
        ],
    ] {
        let out = w.run(&args).code(2);
        assert!(out.stdout().is_empty());
    }
    w.run(["policy", "invoke", "x", "--format", "yaml"])
        .stderr_has("possible values: json, terraform, cloudformation");
    assert_eq!(w.calls(), Vec::<(String, String)>::new());
}

#[test]
fn a_profile_with_no_models_is_refused_with_exit_2() {
    let w = world();
    w.seed_profiles(json!([
        {"region": "us-east-1", "name": "hollow", "source": NOVA_PRO, "models": []},
        {"region": "us-east-1", "name": "fine", "source": NOVA_PRO},
    ]));
    let out = w
        .run(["policy", "invoke", "fine", "hollow"])
        .code(2)
        .stderr_has("error: invalid profile `hollow`: it lists no models");
    assert!(out.stdout().is_empty());
}

#[test]
fn an_unknown_profile_or_an_empty_selection_says_where_it_looked() {
    let w = seeded();
    let out = w
        .run(["policy", "invoke", "search-sonnet", "nope"])
        .code(1)
        .stderr_has("error: inference profile `nope` was not found in us-east-1");
    assert!(out.stdout().is_empty());
    w.run([
        "policy",
        "invoke",
        "--tag",
        "Department=Legal",
        "--region",
        "us-east-1,us-west-2",
    ])
    .code(1)
    .stderr_has("error: no inference profile with tag `Department=Legal` in us-east-1, us-west-2")
    .stderr_has("hint: run `aipctl list --all-regions`");
}

#[test]
fn stepfunctions_refuses_a_profile_whose_model_does_not_take_a_messages_body() {
    let w = seeded();
    let out = w
        .run(["policy", "stepfunctions", "support-nova"])
        .code(2)
        .stderr_has("serves `amazon.nova-pro-v1:0`")
        .stderr_has("Anthropic");
    assert!(out.stdout().is_empty());
}

#[test]
fn access_denied_exits_1_and_points_at_the_operator_policy() {
    let w = seeded();
    w.faults(json!([{
        "service": "bedrock", "operation": "ListTagsForResource",
        "error": "AccessDeniedException", "status": 403
    }]));
    let out = w
        .run(["policy", "invoke", "search-sonnet"])
        .code(1)
        .stderr_has("AccessDeniedException")
        .stderr_has("hint: the caller lacks `bedrock:ListTagsForResource`; `aipctl policy operator` prints");
    assert!(out.stdout().is_empty());
}
