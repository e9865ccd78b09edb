//! The documents in `policies/` without AWS: kept in step with the one
//! table of operations aipctl sends (`aws::OPERATIONS`), that table kept in
//! step with the SDK calls in `src/aws/`, and every document linted.

use std::collections::BTreeSet;
use std::path::Path;

use aipctl::aws::{OPERATIONS, Operation, OperationKind};
use serde_json::{Value, json};

use crate::support::iam::{Kind, assert_parliament_clean, linted, parliament, shipped};
use crate::support::root;

#[test]
fn the_linter_reports_what_no_exception_excuses() {
    // A clean run proves something only if broken documents are reported.
    let unknown = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Typo", "Effect": "Allow", "Action": ["bedrock:InvokeModels"], "Resource": ["*"]}
    ]});
    let mismatch = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Bucket", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::bucket"]}
    ]});
    // The trust-policy exception does not excuse an identity policy.
    let no_resource = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Nothing", "Effect": "Allow", "Action": ["bedrock:InvokeModel"]}
    ]});
    let (found, _) = parliament(&[
        linted("unknown", Kind::Identity, &unknown),
        linted("mismatch", Kind::Identity, &mismatch),
        linted("no-resource", Kind::Identity, &no_resource),
    ]);
    let issues: BTreeSet<(&str, &str)> = found
        .iter()
        .map(|f| (f.name.as_str(), f.issue.as_str()))
        .collect();
    assert_eq!(
        issues,
        BTreeSet::from([
            ("unknown", "UNKNOWN_ACTION"),
            ("mismatch", "RESOURCE_MISMATCH"),
            ("no-resource", "MALFORMED"),
        ]),
        "{found:#?}"
    );
}

// ------------------------------------------------------------------ the operation table

/// Actions allowed by a document's statements (all of them must be Allow,
/// with plain actions: no wildcards, no `NotAction`).
fn allowed_actions(document: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for s in document["Statement"].as_array().unwrap() {
        assert_eq!(s["Effect"], "Allow", "{s}");
        assert!(
            s.get("NotAction").is_none() && s.get("NotResource").is_none(),
            "{s}"
        );
        for a in s["Action"].as_array().unwrap() {
            let a = a.as_str().unwrap();
            assert!(!a.contains('*'), "wildcard action {a}");
            out.insert(a.to_owned());
        }
    }
    out
}

#[test]
fn the_operator_policy_allows_every_operation_aipctl_sends_and_nothing_more() {
    let governed: Vec<&Operation> = OPERATIONS
        .iter()
        .filter(|o| o.access != OperationKind::Unrestricted)
        .collect();
    let operations: BTreeSet<(&str, &str)> = governed.iter().map(|o| (o.service, o.name)).collect();
    assert_eq!(operations.len(), governed.len(), "an operation is listed twice");
    // Several Budgets operations share one IAM action (`budgets:ModifyBudget`).
    let table: BTreeSet<String> = governed.iter().map(|o| o.iam_action()).collect();
    let policy = allowed_actions(&shipped("operator.json"));
    let missing: Vec<_> = table.difference(&policy).collect();
    let extra: Vec<_> = policy.difference(&table).collect();
    assert!(missing.is_empty(), "operator.json lacks {missing:?}");
    assert!(
        extra.is_empty(),
        "operator.json grants {extra:?}, which aipctl never sends"
    );
}

#[test]
fn the_read_only_policy_allows_every_read_and_no_write() {
    let reads: BTreeSet<String> = OPERATIONS
        .iter()
        .filter(|o| o.access == OperationKind::Read)
        .map(Operation::iam_action)
        .collect();
    let policy = allowed_actions(&shipped("read-only.json"));
    assert_eq!(policy, reads);
    for o in OPERATIONS.iter().filter(|o| o.access == OperationKind::Write) {
        assert!(
            !policy.contains(&o.iam_action()),
            "read-only.json grants {}",
            o.iam_action()
        );
    }
}

#[test]
fn profile_actions_are_granted_on_application_profiles_only() {
    // IAM supports resource-level permissions for these; aipctl never needs
    // them on other Bedrock resources.
    let scoped = [
        "bedrock:GetInferenceProfile",
        "bedrock:ListTagsForResource",
        "bedrock:DeleteInferenceProfile",
        "bedrock:TagResource",
        "bedrock:UntagResource",
    ];
    for file in ["operator.json", "read-only.json"] {
        for s in shipped(file)["Statement"].as_array().unwrap() {
            let actions: Vec<&str> = s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            if actions.iter().any(|a| scoped.contains(a)) {
                for r in s["Resource"].as_array().unwrap() {
                    assert!(
                        r.as_str().unwrap().contains(":application-inference-profile/"),
                        "{file}: {actions:?} on {r}"
                    );
                }
            }
        }
    }
}

/// `snake_case` SDK method → `PascalCase` operation.
fn operation_name(method: &str) -> String {
    method
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The IAM prefix of the one SDK crate a file of `src/aws` sends requests with.
fn service_of(path: &Path, text: &str) -> Option<&'static str> {
    let crates: Vec<&'static str> = [
        ("aws_sdk_bedrock::", "bedrock"),
        ("aws_sdk_budgets::", "budgets"),
        ("aws_sdk_cloudwatch::", "cloudwatch"),
        ("aws_sdk_costexplorer::", "ce"),
        ("aws_sdk_pricing::", "pricing"),
        ("aws_sdk_sts::", "sts"),
        ("aws_sdk_organizations::", "organizations"),
        ("aws_sdk_resourcegroupstagging::", "tag"),
    ]
    .iter()
    .filter(|(c, _)| text.contains(c))
    .map(|(_, p)| *p)
    .collect();
    match crates.as_slice() {
        [] => None,
        [one] => Some(one),
        many => panic!(
            "{} uses several SDKs ({many:?}); teach this test which calls go where",
            path.display()
        ),
    }
}

/// Every `(service, Operation)` the `aws` layer sends: SDK client method
/// calls (`client.list_inference_profiles()`, also across lines) and the
/// operation names its errors are labelled with (`fail("GetDashboard", …)`).
fn sdk_calls() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("src/aws")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let calls = client_methods(&text)
            .into_iter()
            .map(|m| operation_name(&m))
            .chain(labelled_operations(&text))
            .collect::<Vec<_>>();
        if calls.is_empty() {
            continue;
        }
        let service = service_of(&path, &text)
            .unwrap_or_else(|| panic!("{} makes calls but names no SDK crate", path.display()));
        out.extend(calls.into_iter().map(|op| (service.to_owned(), op)));
    }
    out
}

/// `m` in every `client . m (`, whitespace and newlines allowed between.
fn client_methods(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("client") {
        let before = text[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = text[i + "client".len()..].trim_start();
        let Some(rest) = rest.strip_prefix('.') else {
            continue;
        };
        let rest = rest.trim_start();
        let method: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        if !method.is_empty() && rest[method.len()..].starts_with('(') {
            out.push(method);
        }
    }
    out
}

/// `Op` in every `fail("Op"` and `failure(SERVICE, "Op"`, whitespace and
/// newlines allowed between (rustfmt puts a long call's arguments on lines
/// of their own).
fn labelled_operations(text: &str) -> Vec<String> {
    let label = |call: &str, leading: &[&str]| -> Option<String> {
        let mut rest = call;
        for token in leading.iter().chain(&["\""]) {
            rest = rest.trim_start().strip_prefix(token)?;
        }
        rest.find('"').map(|end| rest[..end].to_owned())
    };
    let mut out = Vec::new();
    for (marker, leading) in [("fail(", &[][..]), ("failure(", &["SERVICE", ","][..])] {
        for (i, _) in text.match_indices(marker) {
            out.extend(label(&text[i + marker.len()..], leading));
        }
    }
    out
}

#[test]
fn every_sdk_call_in_the_aws_layer_is_in_the_operation_table() {
    let calls = sdk_calls();
    // The scan itself works: it sees calls of each service aipctl uses today.
    for known in [
        ("bedrock", "ListInferenceProfiles"),
        ("bedrock", "CreateInferenceProfile"),
        ("cloudwatch", "PutDashboard"),
        ("sts", "GetCallerIdentity"),
        ("pricing", "GetProducts"),
    ] {
        assert!(
            calls.contains(&(known.0.to_owned(), known.1.to_owned())),
            "the scan missed {known:?}: {calls:?}"
        );
    }
    let table: BTreeSet<(String, String)> = OPERATIONS
        .iter()
        .map(|o| (o.service.to_owned(), o.name.to_owned()))
        .collect();
    let missing: Vec<_> = calls.difference(&table).collect();
    assert!(
        missing.is_empty(),
        "src/aws sends {missing:?}, missing from aws::OPERATIONS (and so from policies/)"
    );
}

#[test]
fn the_source_scan_reads_calls_across_lines() {
    let text = "let x = self\n    .client\n    .list_tags_for_resource()\n; other_client.nope(); self.client.get_dashboard().x(); .map_err(|e| self.fail(\"GetDashboard\", &e)); failure(\n    SERVICE,\n    \"GetCallerIdentity\",\n); failure(SERVICE, operation, region)";
    assert_eq!(client_methods(text), ["list_tags_for_resource", "get_dashboard"]);
    assert_eq!(labelled_operations(text), ["GetDashboard", "GetCallerIdentity"]);
    assert_eq!(operation_name("list_tags_for_resource"), "ListTagsForResource");
}

// ------------------------------------------------------------------ shipped documents

#[test]
fn the_shipped_policies_pass_the_linter() {
    assert_parliament_clean(&[
        linted("operator", Kind::Identity, &shipped("operator.json")),
        linted("read-only", Kind::Identity, &shipped("read-only.json")),
        linted(
            "require-department-tag",
            Kind::Identity,
            &shipped("require-department-tag.json"),
        ),
    ]);
}

#[test]
fn the_department_policy_denies_create_without_the_tag_and_its_removal() {
    let p = shipped("require-department-tag.json");
    let stmts = p["Statement"].as_array().unwrap();
    let find = |action: &str, op: &str| {
        stmts.iter().find(|s| {
            s["Effect"] == "Deny"
                && s["Action"].as_array().unwrap().iter().any(|a| a == action)
                && s["Condition"].get(op).is_some()
        })
    };
    let create = find("bedrock:CreateInferenceProfile", "Null").expect("a Deny on create without the tag");
    assert_eq!(create["Condition"]["Null"]["aws:RequestTag/Department"], "true");
    let untag = find("bedrock:UntagResource", "ForAnyValue:StringEquals").expect("a Deny on removing it");
    assert_eq!(
        untag["Condition"]["ForAnyValue:StringEquals"]["aws:TagKeys"],
        "Department"
    );
    for s in stmts {
        for r in s["Resource"].as_array().unwrap() {
            // On the new profile only: CreateInferenceProfile is also
            // authorized against its source, which carries no tags.
            assert!(
                r.as_str().unwrap().contains(":application-inference-profile/"),
                "{r}"
            );
        }
    }
}
