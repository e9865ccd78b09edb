//! `usage`, `describe --usage` and `dashboard` against seeded CloudWatch data.

use serde_json::{Value, json};

use crate::support::{INSTANTS, NOVA_PRO, SONNET_US, World, snapshot, usage, world};

/// Three profiles, two departments, usage on three days of last week.
fn seeded(w: &World) -> (Vec<Value>, String, String) {
    let profiles = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "search-sonnet", "source": SONNET_US, "tags": {"Department": "Search"}},
        {"region": "us-east-1", "name": "search-nova", "source": NOVA_PRO, "tags": {"Department": "Search"}},
        {"region": "us-west-2", "name": "legal-nova", "source": NOVA_PRO, "tags": {"Department": "Legal"}},
        {"region": "us-west-2", "name": "quiet", "source": NOVA_PRO, "tags": {"Department": "Legal"}},
    ]));
    let day = |n: i64| w.date_days_ago(n);
    let rec = |p: &Value, date: String, invocations: u64, tokens: [u64; 4]| {
        usage(p, &date)
            .invocations(invocations)
            .tokens(tokens)
            .with("client_errors", 1)
            .with("throttles", 2)
            .with("latency_ms", json!([100.0, 200.0, 300.0, 400.0]))
    };
    w.seed_usage([
        rec(&profiles[0], day(7), 10, [1000, 500, 3000, 200]),
        rec(&profiles[0], day(6), 20, [2000, 700, 6000, 100]),
        rec(&profiles[1], day(6), 5, [400, 100, 0, 0]),
        rec(&profiles[2], day(5), 7, [700, 300, 700, 700]),
        // Outside the window asked for below: must not count.
        rec(&profiles[0], day(20), 1000, [1000, 1000, 1000, 1000]),
    ]);
    (profiles, day(8), day(2))
}

#[test]
fn usage_per_profile_equals_the_seeded_numbers_with_zeros_for_silent_profiles() {
    let w = world().at(INSTANTS[2]);
    let (_, from, to) = seeded(&w);
    w.clear_requests();
    let v = w
        .run([
            "usage",
            "--region",
            "us-east-1,us-west-2",
            "--from",
            &from,
            "--to",
            &to,
            "-o",
            "json",
        ])
        .ok()
        .json();
    let rows = v["rows"].as_array().unwrap();
    let row = |name: &str| {
        rows.iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {v}"))
    };
    let s = row("search-sonnet");
    assert_eq!(
        (
            s["invocations"].as_u64(),
            s["input_tokens"].as_u64(),
            s["output_tokens"].as_u64()
        ),
        (Some(30), Some(3000), Some(1200))
    );
    assert_eq!(
        (s["cache_read_tokens"].as_u64(), s["cache_write_tokens"].as_u64()),
        (Some(9000), Some(300))
    );
    // 9000 / (9000 + 300 + 3000)
    assert!((s["cache_hit_ratio"].as_f64().unwrap() - 9000.0 / 12_300.0).abs() < 1e-12);
    assert_eq!(
        (s["client_errors"].as_u64(), s["throttles"].as_u64()),
        (Some(2), Some(4))
    );
    assert_eq!(
        s["daily_invocations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_u64().unwrap())
            .sum::<u64>(),
        30
    );
    let q = row("quiet");
    assert_eq!(q["invocations"], 0);
    assert_eq!(q["cache_hit_ratio"], Value::Null);
    assert_eq!(v["total"]["invocations"], 42);
    // One ListMetrics and one GetMetricData per region: never one call per profile.
    assert_eq!(w.count("GetMetricData"), 2);
    assert_eq!(w.count("ListMetrics"), 2);
}

#[test]
fn usage_by_department_sums_profiles_and_recomputes_the_ratio() {
    let w = world().at(INSTANTS[2]);
    let (_, from, to) = seeded(&w);
    let v = w
        .run([
            "usage",
            "--region",
            "us-east-1,us-west-2",
            "--from",
            &from,
            "--to",
            &to,
            "--by",
            "Department",
            "-o",
            "json",
        ])
        .ok()
        .json();
    let rows = v["rows"].as_array().unwrap();
    let search = rows.iter().find(|r| r["value"] == "Search").unwrap();
    assert_eq!(search["profiles"], 2);
    assert_eq!(search["invocations"], 35);
    assert_eq!(search["input_tokens"], 3400);
    assert!((search["cache_hit_ratio"].as_f64().unwrap() - 9000.0 / (9000.0 + 300.0 + 3400.0)).abs() < 1e-12);
    let legal = rows.iter().find(|r| r["value"] == "Legal").unwrap();
    assert_eq!(
        (legal["profiles"].as_u64(), legal["invocations"].as_u64()),
        (Some(2), Some(7))
    );
    assert!((legal["cache_hit_ratio"].as_f64().unwrap() - 700.0 / 2100.0).abs() < 1e-12);
}

#[test]
fn usage_reads_metrics_published_under_the_profile_arn() {
    let w = world().at(INSTANTS[2]);
    let p = &w.seed_profiles(json!([{"region": "us-east-1", "name": "arn-form", "source": NOVA_PRO}]))[0];
    w.seed_usage([usage(p, &w.date_days_ago(3))
        .with("dimension_value", p["arn"].clone())
        .invocations(11)
        .tokens([10, 10, 0, 0])]);
    let v = w.run(["usage", "--since", "7d", "-o", "json"]).ok().json();
    assert_eq!(v["rows"][0]["invocations"], 11);
}

#[test]
fn usage_for_1200_profiles_makes_at_most_ceil_queries_over_500_calls() {
    let w = world().at(INSTANTS[2]);
    w.control(
        "POST",
        "/_emu/quotas",
        Some(json!({"application_profiles": 2000})),
    );
    let specs: Vec<Value> = (0..1200)
        .map(|i| json!({"region": "us-east-1", "name": format!("p{i:04}"), "source": NOVA_PRO}))
        .collect();
    w.seed_profiles(json!(specs));
    w.clear_requests();
    let v = w.run(["usage", "--since", "7d", "-o", "json"]).ok().json();
    assert_eq!(v["rows"].as_array().unwrap().len(), 1200);
    // 10 metrics x 1200 profiles = 12,000 queries: 24 calls of 500.
    assert_eq!(w.count("GetMetricData"), 24);
}

#[test]
fn describe_usage_adds_thirty_day_figures() {
    let w = world().at(INSTANTS[2]);
    seeded(&w);
    let v = w
        .run(["describe", "search-sonnet", "--usage", "-o", "json"])
        .ok()
        .json();
    // 30 in the window of the other tests plus 1000 twenty days ago.
    assert_eq!(v["usage_30d"]["invocations"], 1030);
    w.run(["describe", "search-sonnet", "--usage"])
        .stdout_has("cache hit ratio (30d)");
}

#[test]
fn dashboard_puts_a_body_that_is_stable_across_runs_and_lists_and_deletes_it() {
    let w = world().at(INSTANTS[2]);
    seeded(&w);
    let args = ["dashboard", "bedrock", "--region", "us-east-1,us-west-2"];
    w.run(args).ok();
    let first = w.control("GET", "/_emu/requests", None);
    assert!(
        first["requests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["operation"] == "PutDashboard" && r["status"] == 200)
    );
    let print = [
        "dashboard",
        "bedrock",
        "--region",
        "us-east-1,us-west-2",
        "--print",
    ];
    let printed = w.run(print);
    let again = w.run(print);
    assert_eq!(
        printed.stdout_bytes(),
        again.stdout_bytes(),
        "same profiles, same bytes"
    );
    let text = printed.json().to_string();
    for needle in [
        "Generated by aipctl",
        "Search",
        "Legal",
        "cache hit ratio",
        "CacheReadInputTokenCount",
        "TimeToFirstToken",
        "Comparison",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
    let listed = w.run(["dashboard", "--list", "-o", "json"]).json();
    assert_eq!(listed, json!(["bedrock"]));
    w.run(["dashboard", "bedrock", "--delete", "--yes"]).ok();
    let listed = w.run(["dashboard", "--list", "-o", "json"]).json();
    assert_eq!(listed, json!([]));
}

#[test]
fn dashboard_print_from_json_makes_no_aws_call() {
    let w = world().at(INSTANTS[2]);
    seeded(&w);
    let list = w.run(["list", "--region", "us-east-1,us-west-2", "-o", "json"]);
    let file = w.file("profiles.json", list.stdout_bytes());
    w.clear_requests();
    let out = w
        .run([
            "dashboard",
            "offline",
            "--from-json",
            file.to_str().unwrap(),
            "--print",
            "--tag",
            "Department=Legal",
        ])
        .ok();
    assert!(w.calls().is_empty(), "{:?}", w.calls());
    let text = out.json().to_string();
    assert!(
        text.contains("legal-nova") && !text.contains("search-sonnet"),
        "the tag filter applies to the file"
    );
}

#[test]
fn dashboard_for_an_empty_selection_is_valid_and_explains_itself() {
    let w = world().at(INSTANTS[2]);
    w.run(["dashboard", "nothing", "--tag", "Department=Nobody"]).ok();
    let printed = w.run(["dashboard", "nothing", "--tag", "Department=Nobody", "--print"]);
    snapshot!("dashboard_empty", printed.stdout());
}

#[test]
fn dashboard_body_snapshot() {
    let w = world().at(INSTANTS[2]);
    let list = json!([
        {"name": "search-sonnet", "id": "aaaaaaaaaaaa", "arn": "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/aaaaaaaaaaaa", "region": "us-east-1", "tags": {"Department": "Search"}},
        {"name": "legal-nova", "id": "bbbbbbbbbbbb", "arn": "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/bbbbbbbbbbbb", "region": "us-west-2", "tags": {"Department": "Legal"}},
    ]);
    let file = w.file("profiles.json", list.to_string());
    let out = w
        .run([
            "dashboard",
            "snap",
            "--from-json",
            file.to_str().unwrap(),
            "--print",
        ])
        .ok();
    snapshot!("dashboard_two_departments", out.stdout());
}

#[test]
fn the_daily_series_has_one_value_per_utc_day_and_sums_to_the_total_at_any_hour() {
    for instant in INSTANTS {
        let w = world().at(instant);
        let p = &w.seed_profiles(json!([
            {"region": "us-east-1", "name": "steady", "source": NOVA_PRO, "tags": {"Department": "Search"}},
        ]))[0];
        // One record a day for the 30 days before today, 100 + days ago invocations.
        w.seed_usage((1..=30u32).map(|d| {
            usage(p, &w.date_days_ago(i64::from(d)))
                .invocations(u64::from(100 + d))
                .tokens([10, 1, 0, 0])
        }));
        let v = w.run(["usage", "--since", "30d", "-o", "json"]).ok().json();
        let row = &v["rows"][0];
        let daily: Vec<u64> = row["daily_invocations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_u64().unwrap())
            .collect();
        let total: u64 = (1..=30).map(|d| 100 + d).sum();
        assert_eq!(row["invocations"], total, "at {instant}");
        assert_eq!(daily.len(), 31, "at {instant}: 30 days and today so far");
        assert_eq!(
            daily.iter().sum::<u64>(),
            total,
            "at {instant}: the series sums to the total"
        );
        assert_eq!(daily[0], 130, "at {instant}: the first day is 30 days ago");
        assert_eq!(daily[29], 101, "at {instant}: yesterday");
        assert_eq!(daily[30], 0, "at {instant}: nothing yet today");
        assert_eq!(
            v["start"],
            format!("{}T00:00:00Z", w.date_days_ago(30)),
            "at {instant}: the window starts at UTC midnight"
        );
    }
}

#[test]
fn usage_by_a_key_spelt_in_another_case_says_so_instead_of_showing_all_untagged() {
    let w = world();
    seeded(&w);
    w.run(["usage", "--region", "us-east-1,us-west-2", "--by", "department"])
        .code(2)
        .stderr_has("4 carry `Department`")
        .stderr_has("use `--by Department`");
    assert_eq!(w.count("GetMetricData"), 0, "refused before reading metrics");
}
