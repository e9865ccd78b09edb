//! `prune` against seeded traffic: what is idle, dry run, apply, plans,
//! marks and grace, faults.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::support::{INSTANTS, NOVA_PRO, World, names, usage, world};

fn traffic(w: &World, p: &Value, days_ago: i64) {
    w.seed_usage([usage(p, &w.date_days_ago(days_ago))
        .invocations(3)
        .tokens([300, 30, 0, 0])]);
}

/// old-idle: no traffic ever; old-active: traffic 3 days ago; old-past:
/// traffic 40 days ago only; new-silent: 5 days old; keep-idle: protected.
fn seeded(w: &World) -> BTreeMap<String, Value> {
    let ps = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "old-idle", "source": NOVA_PRO, "tags": {"Department": "Search"}, "created_at": w.time_days_ago(90)},
        {"region": "us-east-1", "name": "old-active", "source": NOVA_PRO, "tags": {"Department": "Search"}, "created_at": w.time_days_ago(90)},
        {"region": "us-east-1", "name": "old-past", "source": NOVA_PRO, "tags": {"Department": "Legal"}, "created_at": w.time_days_ago(90)},
        {"region": "us-east-1", "name": "new-silent", "source": NOVA_PRO, "created_at": w.time_days_ago(5)},
        {"region": "us-east-1", "name": "keep-idle", "source": NOVA_PRO, "tags": {"aipctl:protect": "true"}, "created_at": w.time_days_ago(90)},
    ]));
    let by: BTreeMap<String, Value> = ps
        .into_iter()
        .map(|p| (p["name"].as_str().unwrap().to_owned(), p))
        .collect();
    traffic(w, &by["old-active"], 3);
    traffic(w, &by["old-past"], 40);
    by
}

/// `name → field` of each entry of a prune report or outcome list.
fn by_name(v: &Value, field: &str) -> BTreeMap<String, String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_owned(),
                r[field].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn actions(v: &Value) -> BTreeMap<String, String> {
    by_name(v, "action")
}

fn names_left(w: &World) -> Vec<String> {
    names(w.run(["list", "-o", "json"]).json().as_array().unwrap())
}

#[test]
fn prune_finds_exactly_the_idle_old_unprotected_profiles_and_touches_nothing_by_default() {
    // At any hour: the answer must not depend on when the command runs.
    for instant in INSTANTS {
        let w = world().at(instant);
        seeded(&w);
        let run = w.run(["prune", "-o", "json"]).ok().stderr_has("pass `--apply`");
        let v = run.json();
        assert_eq!(
            actions(&v),
            BTreeMap::from([
                ("old-idle".to_owned(), "delete".to_owned()),
                ("old-past".to_owned(), "delete".to_owned()),
                ("new-silent".to_owned(), "too-new".to_owned()),
                ("keep-idle".to_owned(), "protected".to_owned()),
            ]),
            "at {instant}"
        );
        let past = v
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "old-past")
            .unwrap();
        assert_eq!(
            past["last_traffic"],
            w.date_days_ago(40),
            "at {instant}: the UTC day the traffic was on"
        );
        assert_eq!(w.count("DeleteInferenceProfile"), 0, "a dry run by default");
    }
}

#[test]
fn traffic_on_the_first_day_of_the_idle_window_keeps_a_profile_at_any_hour() {
    // `--idle 30d` is the 30 UTC days before today and today: traffic 30
    // days ago keeps a profile, traffic 31 days ago does not.
    for instant in INSTANTS {
        let w = world().at(instant);
        let ps = w.seed_profiles(json!([
            {"region": "us-east-1", "name": "edge-in", "source": NOVA_PRO, "created_at": w.time_days_ago(90)},
            {"region": "us-east-1", "name": "edge-out", "source": NOVA_PRO, "created_at": w.time_days_ago(90)},
        ]));
        traffic(&w, &ps[0], 30);
        traffic(&w, &ps[1], 31);
        let v = w.run(["prune", "-o", "json"]).ok().json();
        assert_eq!(
            actions(&v),
            BTreeMap::from([("edge-out".to_owned(), "delete".to_owned())]),
            "at {instant}"
        );
    }
}

#[test]
fn prune_apply_refuses_without_a_terminal_and_deletes_with_yes() {
    let w = world().at(INSTANTS[2]);
    seeded(&w);
    w.cmd().stdin("").run(["prune", "--apply"]).code(3);
    assert_eq!(w.count("DeleteInferenceProfile"), 0);
    w.run(["prune", "--apply", "--yes", "-o", "json"]).ok();
    assert_eq!(names_left(&w), ["keep-idle", "new-silent", "old-active"]);
}

#[test]
fn prune_respects_min_age_and_filters() {
    let w = world().at(INSTANTS[2]);
    seeded(&w);
    let v = w
        .run([
            "prune",
            "--min-age",
            "1d",
            "--tag",
            "Department=Search",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(
        actions(&v),
        BTreeMap::from([("old-idle".to_owned(), "delete".to_owned())])
    );
    let v = w
        .run([
            "prune",
            "--min-age",
            "1d",
            "--untagged",
            "Department",
            "-o",
            "json",
        ])
        .json();
    let a = actions(&v);
    assert_eq!(a.get("new-silent").map(String::as_str), Some("delete"), "{a:?}");
}

#[test]
fn from_plan_deletes_exactly_the_plan_and_skips_profiles_that_changed_or_woke_up() {
    let w = world().at(INSTANTS[2]);
    let by = seeded(&w);
    w.seed_profiles(
        json!([{"region": "us-east-1", "name": "outside-plan", "source": NOVA_PRO, "created_at": w.time_days_ago(90)}]),
    );
    let plan = w.home().join("plan.json");
    let plan = plan.to_str().unwrap();
    w.run(["prune", "--name", "old-*", "--plan-out", plan]).ok();
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(plan).unwrap()).unwrap();
    assert_eq!(saved["kind"], "aipctl-prune-plan");
    assert_eq!(saved["profiles"].as_array().unwrap().len(), 2);
    // After the plan was written, traffic for old-past shows up (yesterday's
    // datapoint: seeded data sits at noon UTC, and today's may be in the future).
    traffic(&w, &by["old-past"], 1);
    w.clear_requests();
    let apply = ["prune", "--from-plan", plan, "--apply", "--yes", "-o", "json"];
    let v = w.run(apply).ok().json();
    assert_eq!(
        by_name(&v, "result"),
        BTreeMap::from([
            ("old-idle".to_owned(), "deleted".to_owned()),
            ("old-past".to_owned(), "skipped".to_owned())
        ])
    );
    assert_eq!(w.count("DeleteInferenceProfile"), 1);
    assert!(
        names_left(&w).contains(&"outside-plan".to_owned()),
        "nothing outside the plan is touched"
    );
    // Re-running after a crash finishes the job and touches nothing else.
    w.clear_requests();
    let again = w.run(apply).ok().json();
    assert!(again.to_string().contains("already-gone"));
    assert_eq!(w.count("DeleteInferenceProfile"), 0);
}

#[test]
fn from_plan_skips_a_profile_whose_tags_changed_since() {
    let w = world().at(INSTANTS[2]);
    seeded(&w);
    let plan = w.home().join("plan.json");
    let plan = plan.to_str().unwrap();
    w.run(["prune", "--name", "old-idle", "--plan-out", plan]).ok();
    w.run(["tag", "old-idle", "Owner=someone"]).ok();
    let v = w
        .run(["prune", "--from-plan", plan, "--apply", "--yes", "-o", "json"])
        .ok()
        .json();
    assert_eq!(v[0]["result"], "skipped");
    assert!(
        v[0]["error"]
            .as_str()
            .unwrap()
            .contains("changed since the plan (tags: Owner)"),
        "{v}"
    );
    assert!(names_left(&w).contains(&"old-idle".to_owned()));
}

#[test]
fn mark_then_grace_deletes_only_profiles_marked_long_enough_ago_and_unmarks_active_ones() {
    let w = world().at(INSTANTS[2]);
    seeded(&w);
    w.run(["prune", "--mark", "-o", "json"]).ok();
    assert_eq!(w.count("DeleteInferenceProfile"), 0);
    let today = w.date_days_ago(0);
    let d = w.run(["describe", "old-idle", "-o", "json"]).json();
    assert_eq!(d["tags"]["aipctl:idle-since"], today.as_str());
    // Pretend old-idle was marked 20 days ago; old-past keeps today's mark;
    // old-active was marked once but has traffic.
    let marked_long_ago = format!("aipctl:idle-since={}", w.date_days_ago(20));
    w.run(["tag", "old-idle", &marked_long_ago]).ok();
    w.run(["tag", "old-active", &marked_long_ago]).ok();
    w.run(["prune", "--grace", "14d", "--apply", "--yes", "-o", "json"])
        .ok();
    assert_eq!(
        names_left(&w),
        ["keep-idle", "new-silent", "old-active", "old-past"]
    );
    let active = w.run(["describe", "old-active", "-o", "json"]).json();
    assert!(active["tags"].get("aipctl:idle-since").is_none(), "{active}");
}

#[test]
fn prune_reports_a_partial_failure_and_exits_1() {
    let w = world().at(INSTANTS[2]);
    seeded(&w);
    w.faults(json!([{"service": "bedrock", "operation": "DeleteInferenceProfile", "error": "ConflictException", "status": 400, "message": "in use", "count": 1}]));
    let v = w
        .run(["prune", "--apply", "--yes", "--concurrency", "1", "-o", "json"])
        .code(1)
        .json();
    let count = |result: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|o| o["result"] == result)
            .count()
    };
    assert_eq!(count("failed"), 1);
    assert_eq!(count("deleted"), 1);
}

#[test]
fn prune_batches_traffic_queries_for_a_thousand_profiles() {
    let w = world().at(INSTANTS[2]);
    let specs: Vec<Value> = (0..1000).map(|i| json!({"region": "us-east-1", "name": format!("p{i:04}"), "source": NOVA_PRO, "created_at": w.time_days_ago(60)})).collect();
    w.seed_profiles(json!(specs));
    w.clear_requests();
    let v = w.run(["prune", "-o", "json"]).ok().json();
    assert_eq!(v.as_array().unwrap().len(), 1000);
    // Two metrics a profile: 2,000 queries in calls of 500.
    assert_eq!(w.count("GetMetricData"), 4);
}
