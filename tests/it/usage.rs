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

/// `usage -o json` over the seeded regions from `from` to `to`.
fn usage_between(w: &World, from: &str, to: &str) -> Value {
    w.run([
        "usage",
        "--region",
        "us-east-1,us-west-2",
        "--from",
        from,
        "--to",
        to,
        "-o",
        "json",
    ])
    .ok()
    .json()
}

#[test]
fn usage_per_profile_equals_the_seeded_numbers_with_zeros_for_silent_profiles() {
    let w = world().at(INSTANTS[2]);
    let (_, from, to) = seeded(&w);
    w.clear_requests();
    let v = usage_between(&w, &from, &to);
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

/// `GetMetricData` against the emulator over the JSON protocol, as the
/// CloudWatch console sends a dashboard graph's rows.
fn get_metric_data(w: &World, region: &str, queries: &[Value], start: &str, end: &str) -> Value {
    let epoch = |d: &str| {
        d.parse::<jiff::civil::Date>()
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_second()
    };
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261122/{region}/monitoring/aws4_request, SignedHeaders=host, Signature=0"
    );
    let body = json!({"MetricDataQueries": queries, "StartTime": epoch(start), "EndTime": epoch(end)});
    ureq::post(&format!("{}/", w.url))
        .set("Authorization", &auth)
        .set("X-Amz-Target", "GraniteServiceVersion20100801.GetMetricData")
        .set("Content-Type", "application/x-amz-json-1.0")
        .send_string(&body.to_string())
        .unwrap_or_else(|e| panic!("GetMetricData: {e}"))
        .into_json()
        .unwrap()
}

/// A graph's rows as the console turns them into queries, with one period
/// over the whole range; and each expression's label by its id.
fn console_queries(props: &Value, days: i64) -> (Vec<Value>, std::collections::BTreeMap<String, String>) {
    let mut labels = std::collections::BTreeMap::new();
    let queries = props["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let row = row.as_array().unwrap();
            let opts = row.last().unwrap();
            let id = opts["id"].as_str().unwrap();
            if let Some(expr) = opts["expression"].as_str() {
                labels.insert(id.to_owned(), opts["label"].as_str().unwrap().to_owned());
                json!({"Id": id, "Expression": expr, "ReturnData": true})
            } else {
                json!({"Id": id, "ReturnData": false, "MetricStat": {
                    "Metric": {"Namespace": row[0], "MetricName": row[1],
                               "Dimensions": [{"Name": row[2], "Value": row[3]}]},
                    "Period": days * 86_400, "Stat": "Sum"}})
            }
        })
        .collect();
    (queries, labels)
}

/// The dashboard's cache-hit graph is metric math that CloudWatch evaluates;
/// evaluated over the same days it must give the ratio `usage` computes.
#[test]
fn the_dashboards_cache_hit_math_gives_the_ratio_usage_reports() {
    let w = world().at(INSTANTS[2]);
    let (_, from, to) = seeded(&w);
    let usage = usage_between(&w, &from, &to);
    let ratio_of = |name: &str| -> f64 {
        let row = usage["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap();
        row["cache_hit_ratio"]
            .as_f64()
            .unwrap_or_else(|| panic!("no ratio for {name}: {row}"))
    };
    let printed = w
        .run(["dashboard", "d", "--region", "us-east-1,us-west-2", "--print"])
        .ok()
        .json();
    let widgets: Vec<&Value> = printed
        .as_array()
        .map_or_else(|| vec![&printed], |a| a.iter().collect())
        .into_iter()
        .flat_map(|body| body["widgets"].as_array().unwrap())
        .filter(|w| {
            w["properties"]["title"]
                .as_str()
                .is_some_and(|t| t.contains("cache hit ratio"))
        })
        .collect();
    assert!(!widgets.is_empty(), "a cache-hit graph: {printed}");
    let end = jiff::civil::Date::strptime("%Y-%m-%d", &to)
        .unwrap()
        .tomorrow()
        .unwrap()
        .to_string();
    let days = i64::from(
        (jiff::civil::Date::strptime("%Y-%m-%d", &end).unwrap()
            - jiff::civil::Date::strptime("%Y-%m-%d", &from).unwrap())
        .get_days(),
    );
    let mut checked = 0;
    for widget in widgets {
        let props = &widget["properties"];
        let region = props["region"].as_str().unwrap();
        let (queries, labels) = console_queries(props, days);
        let answer = get_metric_data(&w, region, &queries, &from, &end);
        for result in answer["MetricDataResults"].as_array().unwrap() {
            let label = &labels[result["Id"].as_str().unwrap()];
            let Some(name) = ["search-sonnet", "search-nova", "legal-nova", "quiet"]
                .into_iter()
                .find(|n| label.contains(n))
            else {
                panic!("a hit-ratio line names its profile: {label}");
            };
            let values = result["Values"].as_array().unwrap();
            if name == "search-nova" || name == "quiet" {
                // No cached input at all (search-nova) or no traffic (quiet): 0 or no point.
                assert!(
                    values.iter().all(|v| v.as_f64() == Some(0.0)),
                    "{name}: {values:?}"
                );
                continue;
            }
            assert_eq!(values.len(), 1, "{name}: one period over the range: {result}");
            let percent = values[0].as_f64().unwrap();
            assert!(
                (percent - 100.0 * ratio_of(name)).abs() < 1e-9,
                "{name}: the dashboard says {percent}%, usage says {}",
                ratio_of(name)
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 2, "search-sonnet and legal-nova are checked");
}
