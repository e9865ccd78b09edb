//! Tags in bulk: `tag:GetResources` answers for 100 profiles a call; the
//! profiles the index lacks (never tagged, or too new for it) are read one
//! by one, and a denied `tag:GetResources` falls back to reading every
//! profile's tags. Whatever the index does, the output is the same.

use serde_json::{Value, json};

use crate::support::{INSTANTS, NOVA_PRO, World, world};

/// 250 tagged profiles and 2 that never had a tag, in us-east-1.
fn seeded(w: &World) -> Vec<Value> {
    let mut specs: Vec<Value> = (0..250)
        .map(|i| {
            let dept = if i % 2 == 0 { "Search" } else { "Legal" };
            json!({"region": "us-east-1", "name": format!("p{i:03}"), "source": NOVA_PRO,
                   "tags": {"Department": dept}, "created_at": w.time_days_ago(10)})
        })
        .collect();
    for name in ["bare-1", "bare-2"] {
        specs.push(json!({"region": "us-east-1", "name": name, "source": NOVA_PRO, "created_at": w.time_days_ago(10)}));
    }
    w.seed_profiles(json!(specs))
}

/// `list -o json` with `args`, from a clear request log: (stdout, stderr).
fn list(w: &World, args: &[&str]) -> (String, String) {
    w.clear_requests();
    let run = w.run([&["list", "-o", "json"][..], args].concat()).ok();
    (run.stdout(), run.stderr())
}

fn names(stdout: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn list_reads_tags_100_at_a_time_and_the_same_with_the_index_lagging_or_denied() {
    let w = world().at(INSTANTS[2]);
    let profiles = seeded(&w);

    let (complete, _) = list(&w, &[]);
    assert_eq!(names(&complete).len(), 252);
    assert_eq!(w.count("ListInferenceProfiles"), 1);
    assert_eq!(w.count("GetResources"), 3, "250 indexed profiles, 100 a page");
    assert_eq!(
        w.count("ListTagsForResource"),
        2,
        "only the two profiles that never had a tag are read one by one"
    );

    // Ten profiles the index has not caught up with: read one by one.
    let missing: Vec<&str> = profiles[..10]
        .iter()
        .map(|p| p["arn"].as_str().unwrap())
        .collect();
    w.control("POST", "/_emu/tagging", Some(json!({ "missing": missing })));
    let (lagging, _) = list(&w, &[]);
    assert_eq!(lagging, complete, "a lagging index changes nothing");
    assert_eq!(w.count("ListTagsForResource"), 12);
    w.control("DELETE", "/_emu/tagging", None);

    // tag:GetResources denied: one warning, every profile read one by one.
    w.faults(json!([{"service": "tagging", "operation": "GetResources",
        "error": "AccessDeniedException", "status": 400,
        "message": "User is not authorized to perform: tag:GetResources"}]));
    let (denied, err) = list(&w, &[]);
    assert_eq!(denied, complete, "a denied index changes nothing");
    assert_eq!(w.count("ListTagsForResource"), 252);
    assert_eq!(
        err.matches("`tag:GetResources` is not allowed").count(),
        1,
        "warned once: {err}"
    );
}

#[test]
fn a_tag_filter_is_applied_by_aws_and_new_profiles_the_index_lacks_still_count() {
    let w = world().at(INSTANTS[2]);
    let profiles = seeded(&w);
    // A profile made a minute ago that the index does not show yet.
    let new = w.seed_profiles(
        json!([{"region": "us-east-1", "name": "fresh", "source": NOVA_PRO,
        "tags": {"Department": "Search"}, "created_at": "2026-11-22T12:59:00Z"}]),
    );
    let missing = [
        new[0]["arn"].as_str().unwrap(),
        profiles[0]["arn"].as_str().unwrap(),
    ];
    w.control("POST", "/_emu/tagging", Some(json!({ "missing": missing })));
    let (out, _) = list(&w, &["--tag", "Department=Search"]);
    let found = names(&out);
    assert!(
        found.contains(&"fresh".to_owned()),
        "the new profile is read directly"
    );
    assert!(
        !found.contains(&"p000".to_owned()),
        "an old profile absent from the filtered index does not match (it would be indexed by now)"
    );
    assert_eq!(found.len(), 125, "124 indexed Search profiles and the new one");
    assert_eq!(w.count("GetResources"), 2, "124 matches, 100 a page");
    assert_eq!(w.count("ListTagsForResource"), 1, "only the young profile");
}

#[test]
fn delete_by_tag_reads_no_tags_one_by_one() {
    let w = world().at(INSTANTS[2]);
    let specs: Vec<Value> = (0..100)
        .map(|i| {
            json!({"region": "us-east-1", "name": format!("old{i:03}"), "source": NOVA_PRO,
                        "tags": {"Team": "legacy"}, "created_at": w.time_days_ago(10)})
        })
        .collect();
    w.seed_profiles(json!(specs));
    w.clear_requests();
    let v = w
        .run(["delete", "--tag", "Team=legacy", "--yes", "-o", "json"])
        .ok()
        .json();
    assert_eq!(v.as_array().unwrap().len(), 100);
    assert_eq!(w.count("ListTagsForResource"), 0);
    assert_eq!(w.count("GetResources"), 1);
    assert_eq!(w.count("DeleteInferenceProfile"), 100);
}

#[test]
fn named_profiles_get_their_tags_in_bulk_and_the_same_with_the_index_lagging_or_denied() {
    let w = world().at(INSTANTS[2]);
    let profiles = seeded(&w);
    // One of them is protected, so the tags decide the outcome.
    w.run(["tag", "p001", "aipctl:protect=true"]).ok();
    let mut args = vec![
        "delete".to_owned(),
        "--dry-run".to_owned(),
        "-o".to_owned(),
        "json".to_owned(),
    ];
    args.extend((0..150).map(|i| format!("p{i:03}")));
    args.push("bare-1".to_owned());
    let dry_run = |w: &World| {
        w.clear_requests();
        let run = w.run(&args).ok();
        (run.stdout(), run.stderr())
    };

    let (complete, _) = dry_run(&w);
    let rows: Value = serde_json::from_str(&complete).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 151);
    let protected: Vec<&str> = rows
        .iter()
        .filter(|r| r["result"] == "protected")
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(protected, ["p001"]);
    assert_eq!(w.count("GetResources"), 2, "151 ARNs, 100 a request");
    assert_eq!(
        w.count("ListTagsForResource"),
        1,
        "only the profile that never had a tag"
    );

    let missing: Vec<&str> = profiles[..10]
        .iter()
        .map(|p| p["arn"].as_str().unwrap())
        .collect();
    w.control("POST", "/_emu/tagging", Some(json!({ "missing": missing })));
    let (lagging, _) = dry_run(&w);
    assert_eq!(lagging, complete, "a lagging index changes nothing");
    assert_eq!(w.count("ListTagsForResource"), 11);
    w.control("DELETE", "/_emu/tagging", None);

    w.faults(json!([{"service": "tagging", "operation": "GetResources",
        "error": "AccessDeniedException", "status": 400,
        "message": "User is not authorized to perform: tag:GetResources"}]));
    let (denied, err) = dry_run(&w);
    assert_eq!(denied, complete, "a denied index changes nothing");
    assert_eq!(w.count("ListTagsForResource"), 151);
    assert_eq!(
        err.matches("`tag:GetResources` is not allowed").count(),
        1,
        "warned once: {err}"
    );
}

#[test]
fn one_named_profile_reads_its_own_tags_in_one_request() {
    let w = world().at(INSTANTS[2]);
    seeded(&w);
    w.clear_requests();
    let v = w.run(["describe", "p002", "-o", "json"]).ok().json();
    assert_eq!(v["tags"]["Department"], "Search");
    assert_eq!(w.count("ListTagsForResource"), 1);
    assert_eq!(
        w.count("GetResources"),
        0,
        "the index may lag; one profile costs one request either way"
    );
}
