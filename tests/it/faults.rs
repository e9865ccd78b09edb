//! The fault suite: with throttling on 30% of calls and 5xx on 5% on every
//! service, commands finish with the same output as without faults; writes
//! that commit before a lost response happen once; a profile that keeps
//! failing is named while the rest go; a call slower than the operation
//! timeout fails clearly instead of hanging.

use serde_json::{Value, json};

use crate::support::{INSTANTS, NOVA_PRO, SONNET_US, World, usage, world};

fn chaos(w: &World) {
    w.faults(json!([
        {"service": "*", "operation": "*", "error": "ThrottlingException", "status": 429, "probability": 0.30},
        {"service": "*", "operation": "*", "error": "InternalServerException", "status": 500, "probability": 0.05},
    ]));
}

fn calm(w: &World) {
    w.control("DELETE", "/_emu/faults", None);
}

fn seed(w: &World) {
    let ps = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "search-sonnet", "source": SONNET_US, "tags": {"Department": "Search"}},
        {"region": "us-east-1", "name": "support-nova", "source": NOVA_PRO, "tags": {"Department": "Support"}},
        {"region": "us-west-2", "name": "legal-nova", "source": NOVA_PRO, "tags": {"Department": "Legal"}},
        {"region": "us-west-2", "name": "old-nova", "source": NOVA_PRO, "created_at": w.time_days_ago(90)},
    ]));
    w.seed_usage(ps[..3].iter().zip(10..).map(|(p, invocations)| {
        usage(p, &w.date_days_ago(2))
            .invocations(invocations)
            .tokens([1000, 100, 500, 50])
    }));
}

/// Runs `args` without faults, then with them; both must succeed with the
/// same stdout, with the default retry settings (standard mode, its
/// attempts and the operation timeout that fits them).
fn same_under_faults(w: &World, args: &[&str]) {
    calm(w);
    let clean = w.run(args).ok();
    chaos(w);
    let faulty = w.run(args);
    calm(w);
    let faulty = faulty.ok();
    assert_eq!(
        clean.stdout(),
        faulty.stdout(),
        "{args:?}: output differs under faults"
    );
}

#[test]
fn read_commands_give_identical_output_under_throttling_and_5xx() {
    let w = world().at(INSTANTS[2]);
    seed(&w);
    let regions = "us-east-1,us-west-2";
    same_under_faults(&w, &["list", "--region", regions, "-o", "json"]);
    same_under_faults(
        &w,
        &["describe", "search-sonnet", "--region", regions, "-o", "json"],
    );
    // Whole past days: a window that ends "now" would move between the two runs.
    // `--no-cache`: both runs read the Price List (the second would say it was cached).
    let (from, to) = (w.date_days_ago(7), w.date_days_ago(1));
    let window = ["--from", from.as_str(), "--to", to.as_str(), "--no-cache"];
    same_under_faults(
        &w,
        &[&["usage", "--region", regions, "-o", "json"][..], &window].concat(),
    );
    same_under_faults(
        &w,
        &[
            &["usage", "--region", regions, "--by", "Department", "-o", "csv"][..],
            &window,
        ]
        .concat(),
    );
    same_under_faults(&w, &["prune", "--region", regions, "-o", "json"]);
    // Faults did fire: the log has throttled answers.
    chaos(&w);
    w.clear_requests();
    w.run(["list", "--region", regions]).ok();
    let throttled = w.requests().iter().filter(|r| r["status"] == 429).count();
    assert!(throttled > 0, "the fault rules must have fired");
}

#[test]
fn delete_under_faults_deletes_exactly_what_was_asked() {
    let w = world().at(INSTANTS[2]);
    seed(&w);
    chaos(&w);
    let run = w.run([
        "delete",
        "--tag",
        "Department",
        "--region",
        "us-east-1,us-west-2",
        "--yes",
        "-o",
        "json",
    ]);
    calm(&w);
    let results: Vec<String> = run
        .ok()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["result"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(results.len(), 3);
    assert!(
        results.iter().all(|r| r == "deleted" || r == "already-gone"),
        "{results:?}"
    );
    let left = w
        .run(["list", "--region", "us-east-1,us-west-2", "-o", "json"])
        .json();
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["name"], "old-nova");
}

#[test]
fn create_with_an_error_after_the_write_commits_yields_exactly_one_profile() {
    let w = world().at(INSTANTS[2]);
    w.faults(json!([{"service": "bedrock", "operation": "CreateInferenceProfile", "error": "ServiceUnavailableException", "status": 503, "count": 2, "after_action": true}]));
    let created = w.run(["create", "chat", "--model", NOVA_PRO, "-o", "json"]).ok();
    calm(&w);
    let list = w.run(["list", "-o", "json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["arn"], created.json()["arn"]);
}

#[test]
fn a_delete_that_keeps_failing_for_one_profile_names_it_while_the_rest_are_deleted() {
    let w = world().at(INSTANTS[2]);
    seed(&w);
    // Every attempt for the first profile (in order) fails; retries exhausted.
    w.faults(json!([{"service": "bedrock", "operation": "DeleteInferenceProfile", "error": "InternalServerException", "status": 500, "count": 3}]));
    let v = w
        .run([
            "delete",
            "--tag",
            "Department",
            "--region",
            "us-east-1,us-west-2",
            "--yes",
            "--concurrency",
            "1",
            "--max-attempts",
            "3",
            "-o",
            "json",
        ])
        .code(1)
        .stderr_has("1 of 3 deletions failed")
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
            .contains("DeleteInferenceProfile"),
        "{}",
        failed[0]
    );
    let left = w
        .run(["list", "--region", "us-east-1,us-west-2", "-o", "json"])
        .json();
    assert_eq!(
        left.as_array().unwrap().len(),
        2,
        "the failed one and the untagged one remain"
    );
}

#[test]
fn a_call_slower_than_the_operation_timeout_fails_naming_the_call() {
    let w = world().at(INSTANTS[2]);
    w.faults(json!([{"service": "bedrock", "operation": "ListInferenceProfiles", "delay_ms": 4000}]));
    w.run(["list", "--timeout", "1"])
        .code(1)
        .stderr_has("bedrock ListInferenceProfiles in us-east-1 failed")
        .stderr_has("timed out");
}

/// The cost report's figures, without the request count (retries are billed
/// and counted, so that number rightly differs under faults).
fn figures(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("paid_requests");
        o.remove("from_cache");
    }
    v
}

#[test]
fn cost_gives_the_same_figures_under_throttling_and_5xx() {
    let w = world().at(INSTANTS[2]);
    seed(&w);
    w.activate("Department", &w.date_days_ago(60));
    let args = ["cost", "--last", "30d", "--no-cache", "-o", "json"];
    calm(&w);
    let clean = w.run(args).ok().json();
    chaos(&w);
    let faulty = w.run(args);
    calm(&w);
    let faulty = faulty.ok().json();
    assert_eq!(figures(&clean), figures(&faulty));
    assert!(
        faulty["paid_requests"].as_u64() >= clean["paid_requests"].as_u64(),
        "retries are counted, never hidden"
    );
}

const SPEC: &str = r#"[defaults]
regions = ["us-east-1", "us-west-2"]
models = ["nova"]

[models.nova]
source = "amazon.nova-pro-v1:0"

[teams.search]
department = "Search"
cost_center = "CC-1010"

[teams.support]
department = "Support"
cost_center = "CC-1020"

[teams.legal]
department = "Legal"
"#;

/// `(region, name, tags)` of every profile, the account's state as a spec sees it.
fn state(w: &World) -> Vec<(String, String, Value)> {
    w.profiles("us-east-1,us-west-2")
        .iter()
        .map(|p| {
            (
                p["region"].as_str().unwrap().to_owned(),
                p["name"].as_str().unwrap().to_owned(),
                p["tags"].clone(),
            )
        })
        .collect()
}

#[test]
fn apply_under_throttling_and_5xx_makes_the_account_a_calm_apply_makes() {
    let w = world().at(INSTANTS[2]);
    let spec = w.file("spec.toml", SPEC);
    let spec = spec.to_str().unwrap();
    w.run(["apply", "-f", spec, "--yes"]).ok();
    let calm_state = state(&w);
    assert_eq!(calm_state.len(), 6);
    w.control("POST", "/_emu/reset", None);
    chaos(&w);
    let run = w.run(["apply", "-f", spec, "--yes"]);
    calm(&w);
    run.ok();
    assert_eq!(state(&w), calm_state);
}
