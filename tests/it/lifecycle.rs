//! Profile lifecycle against the emulator: create, list, describe, tag,
//! untag, delete, with the real binary over HTTP.

use serde_json::{Value, json};

use crate::support::{ACCOUNT, NOVA_PRO, SONNET_US, names, seed_three, world};

#[test]
fn create_copies_a_system_profile_and_records_source_and_department() {
    let w = world();
    let p = w
        .run([
            "create",
            "team-search-sonnet",
            "--model",
            SONNET_US,
            "--department",
            "Search",
            "--tag",
            "Owner=alice",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(p["name"], "team-search-sonnet");
    assert_eq!(p["type"], "APPLICATION");
    assert_eq!(p["status"], "ACTIVE");
    assert_eq!(p["region"], "us-east-1");
    assert_eq!(
        p["routed_regions"],
        json!(["us-east-1", "us-east-2", "us-west-2"])
    );
    assert_eq!(p["models"].as_array().unwrap().len(), 3);
    assert_eq!(p["tags"]["Department"], "Search");
    assert_eq!(p["tags"]["Owner"], "alice");
    assert_eq!(
        p["tags"]["aipctl:source"],
        format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/{SONNET_US}")
    );
    let id = p["id"].as_str().unwrap();
    assert_eq!(
        p["arn"],
        format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/{id}")
    );
}

#[test]
fn create_is_idempotent_for_the_same_request() {
    let w = world();
    let args = [
        "create",
        "chat",
        "--model",
        NOVA_PRO,
        "--department",
        "Support",
        "-o",
        "json",
    ];
    let first = w.run(args).ok();
    let second = w
        .run(args)
        .ok()
        .stderr_has("already exists in us-east-1 as asked");
    assert_eq!(first.json()["arn"], second.json()["arn"]);
    assert_eq!(
        w.count("CreateInferenceProfile"),
        1,
        "the second run must not create"
    );
}

#[test]
fn create_with_same_name_but_different_tags_is_an_error_showing_the_difference() {
    let w = world();
    w.run(["create", "chat", "--model", NOVA_PRO, "--department", "Support"])
        .ok();
    w.run(["create", "chat", "--model", NOVA_PRO, "--department", "Legal"])
        .code(1)
        .stderr_has("tag `Department` is `Support`, asked for `Legal`")
        .stderr_has("hint: change tags with `aipctl tag");
}

#[test]
fn create_with_a_different_model_reports_the_source_difference() {
    let w = world();
    w.run(["create", "chat", "--model", NOVA_PRO]).ok();
    w.run(["create", "chat", "--model", "amazon.nova-lite-v1:0"])
        .code(1)
        .stderr_has("model source is `arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0`");
}

#[test]
fn create_retried_after_a_lost_response_makes_exactly_one_profile() {
    let w = world();
    // The write commits, then the caller sees a 500; the SDK retries with the same token.
    w.faults(json!([{"service": "bedrock", "operation": "CreateInferenceProfile", "error": "InternalServerException", "status": 500, "count": 1, "after_action": true}]));
    w.run(["create", "chat", "--model", NOVA_PRO, "-o", "json"]).ok();
    assert_eq!(
        w.count("CreateInferenceProfile"),
        2,
        "one lost response, one retry"
    );
    let list = w.run(["list", "-o", "json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn create_refuses_a_model_that_is_only_served_cross_region_and_names_the_profile() {
    let w = world();
    w.run([
        "create",
        "chat",
        "--model",
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
    ])
    .code(2)
    .stderr_has("cannot be invoked on demand in us-east-1")
    .stderr_has(&format!("hint: use `--model {SONNET_US}`"));
    assert_eq!(w.count("CreateInferenceProfile"), 0);
}

#[test]
fn create_in_several_regions_makes_one_profile_in_each() {
    let w = world();
    let created = w
        .run([
            "create",
            "chat",
            "--model",
            NOVA_PRO,
            "--region",
            "us-east-1,us-west-2",
            "-o",
            "json",
        ])
        .ok()
        .json();
    let regions: Vec<&str> = created
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["region"].as_str().unwrap())
        .collect();
    assert_eq!(regions, ["us-east-1", "us-west-2"]);
}

#[test]
fn create_rejects_a_model_arn_from_another_region_before_any_request() {
    let w = world();
    w.run([
        "create",
        "chat",
        "--model",
        "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0",
    ])
    .code(2)
    .stderr_has("hint: pass `--region us-west-2`");
    assert!(w.calls().is_empty(), "{:?}", w.calls());
}

#[test]
fn list_filters_by_tag_value_presence_absence_and_name_glob() {
    let w = world();
    seed_three(&w);
    let list = |extra: &[&str]| {
        let mut args = vec!["list", "--region", "us-east-1,us-west-2", "-o", "json"];
        args.extend_from_slice(extra);
        names(w.run(args).ok().json().as_array().unwrap())
    };
    assert_eq!(list(&[]), ["search-sonnet", "support-nova", "orphan-nova"]);
    assert_eq!(list(&["--tag", "Department=Search"]), ["search-sonnet"]);
    assert_eq!(list(&["--tag", "Owner"]), ["search-sonnet", "orphan-nova"]);
    assert_eq!(
        list(&["--tag", "Owner", "--tag", "Department=Search"]),
        ["search-sonnet"]
    );
    assert_eq!(list(&["--untagged", "Department"]), ["orphan-nova"]);
    assert_eq!(list(&["--name", "*-nova"]), ["support-nova", "orphan-nova"]);
}

#[test]
fn list_skips_tag_calls_for_profiles_the_name_glob_excludes() {
    let w = world();
    seed_three(&w);
    w.run(["list", "--region", "us-east-1,us-west-2", "--name", "search-*"])
        .ok();
    // Tags come in bulk, one GetResources a region, and no profile is read one by one.
    assert_eq!(w.count("GetResources"), 2);
    assert_eq!(w.count("ListTagsForResource"), 0);
}

#[test]
fn list_follows_next_token_until_exhausted() {
    let w = world();
    // More than one page needs more than the default quota of 1,000 a region.
    w.control(
        "POST",
        "/_emu/quotas",
        Some(json!({"application_profiles": 2000})),
    );
    let specs: Vec<Value> = (0..1005)
        .map(|i| json!({"region": "us-east-1", "name": format!("p{i:04}"), "source": NOVA_PRO, "tags": {"Department": format!("D{}", i % 7)}}))
        .collect();
    w.seed_profiles(json!(specs));
    let got = names(w.run(["list", "-o", "json"]).ok().json().as_array().unwrap());
    assert_eq!(got.len(), 1005);
    assert_eq!(got.first().map(String::as_str), Some("p0000"));
    assert_eq!(got.last().map(String::as_str), Some("p1004"));
    assert_eq!(w.count("ListInferenceProfiles"), 2, "pages of 1000");
    assert_eq!(w.count("GetResources"), 11, "tags 100 profiles a page");
    assert_eq!(w.count("ListTagsForResource"), 0);
}

#[test]
fn list_always_asks_for_application_profiles_only() {
    let w = world();
    w.run(["list"]).ok();
    let mut ops: Vec<String> = w
        .requests()
        .iter()
        .map(|r| r["operation"].as_str().unwrap().to_owned())
        .collect();
    ops.sort();
    assert_eq!(ops, ["GetResources", "ListInferenceProfiles"]);
}

#[test]
fn list_csv_has_a_header_and_one_row_per_profile() {
    let w = world();
    seed_three(&w);
    let text = w
        .run([
            "list",
            "--region",
            "us-east-1,us-west-2",
            "-o",
            "csv",
            "--columns",
            "Owner",
        ])
        .ok()
        .stdout();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "name,id,arn,region,model,routed_regions,Department,Owner,status,created_at"
    );
    assert_eq!(lines.len(), 4);
    assert!(lines[1].starts_with("search-sonnet,"));
    assert!(
        lines[1].contains(",us-east-1;us-east-2;us-west-2,Search,alice,ACTIVE,"),
        "{}",
        lines[1]
    );
}

#[test]
fn describe_finds_a_profile_by_name_id_and_arn() {
    let w = world();
    seed_three(&w);
    let by_name = w.run(["describe", "search-sonnet", "-o", "json"]).json();
    let id = by_name["id"].as_str().unwrap();
    let arn = by_name["arn"].as_str().unwrap();
    for reference in [id, arn] {
        let found = w.run(["describe", reference, "-o", "json"]).ok().json();
        assert_eq!(found["arn"], arn);
    }
    assert_eq!(by_name["tags"]["Owner"], "alice");
}

#[test]
fn describe_an_ambiguous_name_lists_both_arns() {
    let w = world();
    let seeded = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "chat", "source": NOVA_PRO},
        {"region": "us-west-2", "name": "chat", "source": NOVA_PRO},
    ]));
    let mut run = w
        .run(["describe", "chat", "--region", "us-east-1,us-west-2"])
        .code(1);
    for p in &seeded {
        run = run.stderr_has(p["arn"].as_str().unwrap());
    }
}

#[test]
fn describe_a_missing_profile_says_where_it_looked() {
    let w = world();
    w.run(["describe", "nope", "--region", "eu-west-1"])
        .code(1)
        .stderr_has("error: inference profile `nope` was not found in eu-west-1");
}

#[test]
fn tag_shows_before_and_after_and_untag_removes() {
    let w = world();
    seed_three(&w);
    let v = w
        .run([
            "tag",
            "support-nova",
            "CostCenter=CC-7",
            "Department=Care",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(
        v["changes"],
        json!([
            {"key": "CostCenter", "before": null, "after": "CC-7"},
            {"key": "Department", "before": "Support", "after": "Care"},
        ])
    );
    w.run(["untag", "support-nova", "CostCenter", "-o", "json"]).ok();
    let described = w.run(["describe", "support-nova", "-o", "json"]).json();
    assert_eq!(described["tags"], json!({"Department": "Care"}));
}

#[test]
fn tag_counts_existing_tags_against_the_limit_of_50() {
    let w = world();
    let tags: serde_json::Map<String, Value> = (0..49).map(|i| (format!("k{i}"), json!("v"))).collect();
    w.seed_profiles(json!([{"region": "us-east-1", "name": "full", "source": NOVA_PRO, "tags": tags}]));
    w.run(["tag", "full", "a=1", "b=2"])
        .code(2)
        .stderr_has("at most 50 tags, counting the 49 it has");
    assert_eq!(w.count("TagResource"), 0);
    w.run(["tag", "full", "a=1"]).ok();
}

#[test]
fn delete_refuses_without_confirmation_when_stdin_is_not_a_tty() {
    let w = world();
    seed_three(&w);
    let run = w
        .cmd()
        .stdin("")
        .run(["delete", "support-nova"])
        .code(3)
        .stderr_has("stdin is not a terminal");
    assert!(
        run.stderr().contains("support-nova"),
        "the plan is shown first: {}",
        run.stderr()
    );
    assert_eq!(w.count("DeleteInferenceProfile"), 0);
}

#[test]
fn delete_dry_run_prints_the_plan_and_touches_nothing() {
    let w = world();
    seed_three(&w);
    let plan = w
        .run(["delete", "--tag", "Department", "--dry-run", "-o", "json"])
        .ok()
        .json();
    let results: Vec<&str> = plan
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["would-delete", "would-delete"]);
    assert_eq!(w.count("DeleteInferenceProfile"), 0);
}

#[test]
fn delete_with_yes_deletes_by_tag_and_never_touches_protected_profiles() {
    let w = world();
    seed_three(&w);
    w.seed_profiles(json!([{"region": "us-east-1", "name": "keep", "source": NOVA_PRO, "tags": {"Department": "Search", "aipctl:protect": "true"}}]));
    let v = w
        .run(["delete", "--tag", "Department", "--yes", "-o", "json"])
        .ok()
        .json();
    let by_name: std::collections::BTreeMap<&str, &str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["name"].as_str().unwrap(), o["result"].as_str().unwrap()))
        .collect();
    assert_eq!(
        by_name,
        [
            ("keep", "protected"),
            ("search-sonnet", "deleted"),
            ("support-nova", "deleted")
        ]
        .into()
    );
    let left = names(w.run(["list", "-o", "json"]).json().as_array().unwrap());
    assert_eq!(left, ["keep"]);
}

#[test]
fn delete_of_a_named_protected_profile_is_refused() {
    let w = world();
    w.seed_profiles(json!([{"region": "us-east-1", "name": "keep", "source": NOVA_PRO, "tags": {"aipctl:protect": "TRUE"}}]));
    w.run(["delete", "keep", "--yes"]).code(3).stderr_has("protected");
    assert_eq!(w.count("DeleteInferenceProfile"), 0);
}

#[test]
fn delete_reports_partial_failure_per_profile_and_exits_1() {
    let w = world();
    seed_three(&w);
    // ConflictException is not retried: the first deletion fails, the rest go through.
    w.faults(json!([{"service": "bedrock", "operation": "DeleteInferenceProfile", "error": "ConflictException", "status": 400, "message": "profile is in use", "count": 1}]));
    let v = w
        .run([
            "delete",
            "--tag",
            "Department",
            "--yes",
            "--concurrency",
            "1",
            "-o",
            "json",
        ])
        .code(1)
        .stderr_has("error: 1 of 2 deletions failed")
        .json();
    let failed: Vec<&Value> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["result"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("ConflictException: profile is in use"),
        "{:?}",
        failed[0]
    );
    let left = names(w.run(["list", "-o", "json"]).json().as_array().unwrap());
    assert_eq!(left.len(), 1);
}

#[test]
fn delete_counts_already_gone_as_done_after_a_lost_response() {
    let w = world();
    seed_three(&w);
    w.faults(json!([{"service": "bedrock", "operation": "DeleteInferenceProfile", "error": "InternalServerException", "status": 500, "count": 1, "after_action": true}]));
    let v = w
        .run(["delete", "support-nova", "--yes", "-o", "json"])
        .ok()
        .json();
    assert_eq!(v[0]["result"], "already-gone");
}

#[test]
fn aws_failures_name_the_call_and_show_request_details_under_verbose() {
    let w = world();
    w.faults(json!([{"service": "bedrock", "operation": "ListInferenceProfiles", "error": "AccessDeniedException", "status": 403, "message": "not allowed"}]));
    w.run(["list", "-v"])
        .code(1)
        .stderr_has(
            "error: bedrock ListInferenceProfiles in us-east-1 failed: AccessDeniedException: not allowed",
        )
        .stderr_has("operation: bedrock:ListInferenceProfiles in us-east-1; error code: AccessDeniedException; request id:");
}

#[test]
fn throttling_is_retried_until_it_passes() {
    let w = world();
    seed_three(&w);
    w.faults(json!([{"service": "tagging", "operation": "GetResources", "error": "ThrottledException", "status": 400, "count": 2}]));
    let listed = w
        .run(["list", "--region", "us-east-1,us-west-2", "-o", "json"])
        .ok()
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 3);
    assert_eq!(w.count("GetResources"), 4, "one a region and two retries");
}

#[test]
fn list_says_how_close_each_region_is_to_the_quota() {
    let w = world();
    seed_three(&w);
    w.run(["list", "--region", "us-east-1,us-west-2,eu-west-1"])
        .ok()
        .stderr_has(
            "profiles against the usual quota of about 1000 a region: us-east-1 2 (0%), us-west-2 1 (0%)",
        );
    w.control(
        "POST",
        "/_emu/quotas",
        Some(json!({"application_profiles": 2000})),
    );
    let specs: Vec<Value> = (0..850)
        .map(|i| json!({"region": "eu-west-1", "name": format!("p{i:04}"), "source": NOVA_PRO}))
        .collect();
    w.seed_profiles(json!(specs));
    w.run(["list", "--region", "eu-west-1", "-o", "json"])
        .stderr_has("warning:")
        .stderr_has("near the quota: eu-west-1");
}
