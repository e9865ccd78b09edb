//! `cost` and `cost-tags` against the emulator's Cost Explorer, which prices
//! seeded usage into line items. Amounts are checked against the seeded
//! usage priced here, from the emulator's published price table; request
//! counts against its request log (every attempt, retries included).

use std::collections::BTreeMap;

use jiff::civil::Date;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};

use crate::support::{self, NOVA_PRO, Priced, SONNET_US, World, snapshot, usage};

const NOVA_MICRO_US: &str = "us.amazon.nova-micro-v1:0";

/// The day every test here runs on (`world()` fixes the clock there), so
/// "last month" and "the last 7 days" never straddle a boundary mid-test.
const NOW: &str = support::INSTANTS[2];

fn today() -> Date {
    NOW.parse::<jiff::Timestamp>()
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

fn world() -> World {
    support::world().at(NOW)
}

fn days_ago(n: i64) -> Date {
    today() - jiff::Span::new().days(n)
}

/// The first day of last month.
fn last_month() -> Date {
    today().first_of_month() - jiff::Span::new().months(1)
}

/// `YYYY-MM` of a date.
fn ym(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// Day `n` (1-based) of last month.
fn lm(n: i64) -> String {
    (last_month() + jiff::Span::new().days(n - 1)).to_string()
}

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
        .parse()
        .unwrap()
}

/// What the seeded account spent last month, per Department (`None`: untagged).
struct Seeded {
    expected: BTreeMap<Option<String>, Decimal>,
    s3_search: Decimal,
}

/// Three departments and untagged Bedrock spend last month, a Bedrock
/// credit, S3 spend tagged Search (outside the default scope) and usage in
/// the month before (outside the range asked for).
fn seeded(w: &World) -> Seeded {
    w.activate("Department", "2025-01-01");
    let p = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "search-sonnet", "source": SONNET_US, "tags": {"Department": "Search"}},
        {"region": "us-east-1", "name": "search-nova", "source": NOVA_PRO, "tags": {"Department": "Search"}},
        {"region": "us-west-2", "name": "legal-nova", "source": NOVA_PRO, "tags": {"Department": "Legal"}},
        {"region": "us-west-2", "name": "support-sonnet", "source": SONNET_US, "tags": {"Department": "Support", "Owner": "kim"}},
    ]));
    let id = |i: usize| p[i]["id"].as_str().unwrap().to_owned();
    let priced = |i: usize, source, region, date: String, tokens| Priced {
        model: id(i),
        source,
        region,
        date,
        tokens,
    };
    let month_before = (last_month() - jiff::Span::new().days(10)).to_string();
    let mut spent = vec![
        (
            Some("Search"),
            priced(
                0,
                SONNET_US,
                "us-east-1",
                lm(3),
                [12_345_701, 4_567_899, 100_000_001, 3_333_337],
            ),
        ),
        (
            Some("Search"),
            priced(0, SONNET_US, "us-east-1", lm(4), [9_876_503, 432_101, 0, 0]),
        ),
        (
            Some("Search"),
            priced(
                1,
                NOVA_PRO,
                "us-east-1",
                lm(5),
                [77_777_777, 5_555_557, 333_331, 0],
            ),
        ),
        (
            Some("Legal"),
            priced(2, NOVA_PRO, "us-west-2", lm(3), [1_000_103, 200_201, 0, 0]),
        ),
        (
            Some("Support"),
            priced(
                3,
                SONNET_US,
                "us-west-2",
                lm(4),
                [40_000_009, 9_000_001, 250_000_003, 7_000_099],
            ),
        ),
    ];
    // Calls that name a system profile carry no profile tags: untagged spend.
    spent.push((
        None,
        Priced {
            model: NOVA_MICRO_US.into(),
            source: NOVA_MICRO_US,
            region: "us-east-1",
            date: lm(5),
            tokens: [333_333_337, 11_111_113, 7, 0],
        },
    ));
    let outside = priced(
        0,
        SONNET_US,
        "us-east-1",
        month_before,
        [1_000_000, 1_000_000, 0, 0],
    );
    w.seed_usage(spent.iter().map(|(_, u)| u.record()).chain([outside.record()]));

    let credit = Decimal::from(-5);
    let s3_search: Decimal = "25.1234567891".parse().unwrap();
    w.control("POST", "/_emu/cost-line-items", Some(json!({"line_items": [
        {"date": lm(6), "service": "Amazon Bedrock", "cost": "-5", "record_type": "Credit", "region": "us-east-1"},
        {"date": lm(6), "service": "Amazon Simple Storage Service", "cost": s3_search.to_string(),
         "region": "us-east-1", "tags": {"Department": "Search"}},
    ]})));

    let mut expected: BTreeMap<Option<String>, Decimal> = BTreeMap::new();
    for (dept, u) in &spent {
        *expected.entry(dept.map(str::to_owned)).or_default() += u.cost(w);
    }
    *expected.entry(None).or_default() += credit;
    Seeded { expected, s3_search }
}

fn row<'a>(report: &'a Value, value: Option<&str>) -> &'a Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["value"].as_str() == value)
        .unwrap_or_else(|| panic!("no row {value:?} in {report}"))
}

/// `aipctl ARGS -o json`, which must succeed: the report and what was said
/// on stderr.
fn report(w: &World, args: &[&str]) -> (Value, String) {
    let run = w.run(args.iter().chain(&["-o", "json"])).ok();
    (run.json(), run.stderr())
}

#[test]
fn totals_per_department_equal_the_seeded_usage_priced_independently() {
    let w = world();
    let s = seeded(&w);
    w.clear_requests();
    let month = ym(last_month());
    let (v, err) = report(&w, &["cost", "--month", &month]);

    for (dept, amount) in &s.expected {
        let r = row(&v, dept.as_deref());
        assert_eq!(dec(&r["total"]), *amount, "{dept:?}: {r}");
        assert_eq!(r["amounts"].as_array().unwrap().len(), 1);
    }
    let all: Decimal = s.expected.values().copied().sum();
    assert_eq!(dec(&v["total"]), all);
    assert_eq!(v["rows"].as_array().unwrap().len(), s.expected.len());
    // Biggest spender first, untagged last.
    let order: Vec<Option<&str>> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].as_str())
        .collect();
    assert_eq!(order.last(), Some(&None));
    let totals: Vec<Decimal> = v["rows"].as_array().unwrap()[..order.len() - 1]
        .iter()
        .map(|r| dec(&r["total"]))
        .collect();
    assert!(totals.windows(2).all(|p| p[0] >= p[1]), "{totals:?}");

    assert_eq!(v["tag_key"], "Department");
    assert_eq!(v["metric"], "UnblendedCost");
    assert_eq!(v["currency"], "USD");
    assert_eq!(v["granularity"], "MONTHLY");
    assert_eq!(
        v["periods"],
        json!([{"start": lm(1), "end": today().first_of_month().to_string(), "estimated": false}])
    );
    // The scope came from GetDimensionValues: first-party and Marketplace names, no S3.
    assert_eq!(
        v["services"],
        json!(["Amazon Bedrock", "Claude Sonnet 4.5 (Amazon Bedrock Edition)"])
    );
    assert_eq!(
        (
            w.count("ce:ListCostAllocationTags"),
            w.count("ce:GetDimensionValues"),
            w.count("ce:GetCostAndUsage")
        ),
        (1, 1, 1)
    );
    assert_eq!(v["paid_requests"], 3);
    assert_eq!(v["from_cache"], false);
    assert!(err.contains("Cost Explorer: 3 paid requests (USD 0.03)"), "{err}");

    // Every service: the S3 spend tagged Search joins Search's row, and no
    // GetDimensionValues is needed.
    w.clear_requests();
    let (all_services, _) = report(&w, &["cost", "--month", &month, "--all-services"]);
    assert_eq!(
        dec(&row(&all_services, Some("Search"))["total"]),
        s.expected[&Some("Search".to_owned())] + s.s3_search
    );
    assert_eq!(all_services["services"], Value::Null);
    assert_eq!(w.count("ce:GetDimensionValues"), 0);

    // A tag filter narrows; the untagged row stays, at zero.
    let (legal, _) = report(
        &w,
        &["cost", "--month", &month, "--filter-tag", "Department=Legal"],
    );
    assert_eq!(legal["rows"].as_array().unwrap().len(), 2);
    assert_eq!(
        dec(&row(&legal, Some("Legal"))["total"]),
        s.expected[&Some("Legal".to_owned())]
    );
    assert_eq!(dec(&row(&legal, None)["total"]), Decimal::ZERO);
}

#[test]
fn untagged_spend_appears_as_its_own_row() {
    let w = world();
    let s = seeded(&w);
    let table = w.run(["cost", "--month", &ym(last_month())]).ok().stdout();
    let untagged = table
        .lines()
        .find(|l| l.trim_start().starts_with("(untagged)"))
        .unwrap_or_else(|| panic!("no untagged row:\n{table}"));
    let cents = s.expected[&None].round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    assert!(untagged.contains(&format!("${cents}")), "{untagged} vs {cents}");
    let mut lines = table.lines().rev();
    assert!(
        lines.next().unwrap().starts_with("window: "),
        "the footer states the window:\n{table}"
    );
    assert!(
        lines.next().unwrap().trim_start().starts_with("TOTAL"),
        "the total closes the table:\n{table}"
    );
}

#[test]
fn an_inactive_tag_key_groups_everything_as_untagged_and_warns() {
    let w = world();
    let s = seeded(&w);
    w.control(
        "POST",
        "/_emu/cost-allocation-tags",
        Some(json!({"tags": [{"key": "Department", "status": "Inactive"}]})),
    );
    let (v, err) = report(&w, &["cost", "--month", &ym(last_month())]);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{v}");
    assert_eq!(rows[0]["value"], Value::Null);
    assert_eq!(dec(&v["total"]), s.expected.values().copied().sum::<Decimal>());
    assert!(
        err.contains("warning: the cost-allocation tag `Department` is not active"),
        "{err}"
    );
    assert!(err.contains("`aipctl cost-tags --activate Department`"), "{err}");

    // A key billing has never seen gets its own warning and the same fix.
    let (_, err) = report(&w, &["cost", "--month", &ym(last_month()), "--tag-key", "Team"]);
    assert!(
        err.contains("warning: AWS billing has never seen the tag key `Team`"),
        "{err}"
    );
    assert!(err.contains("`aipctl cost-tags --activate Team`"), "{err}");
}

#[test]
fn a_recently_activated_key_notes_that_earlier_spend_stays_untagged() {
    let w = world();
    seeded(&w);
    let since = days_ago(3).to_string();
    w.activate("Department", &since);
    let (v, err) = report(&w, &["cost", "--last", "30d"]);
    assert!(
        err.contains(&format!(
            "`Department` was activated on {since}; spend before that day is in the (untagged) row"
        )),
        "{err}"
    );
    // Last month's spend predates the activation: all of it is untagged.
    assert!(
        v["rows"].as_array().unwrap().iter().all(|r| r["value"].is_null()),
        "{v}"
    );
}

#[test]
fn pagination_over_150_departments_returns_every_row() {
    let w = world();
    w.activate("Department", "2025-01-01");
    let specs: Vec<Value> = (1..=150)
        .map(|i| {
            json!({"region": "us-east-1", "name": format!("team-{i:03}"), "source": NOVA_PRO,
                        "tags": {"Department": format!("D{i:03}")}})
        })
        .collect();
    let profiles = w.seed_profiles(json!(specs));
    let mut records = Vec::new();
    let mut expected: BTreeMap<String, Decimal> = BTreeMap::new();
    for (i, p) in profiles.iter().enumerate() {
        for day in [lm(2), lm(3)] {
            let u = Priced {
                model: p["id"].as_str().unwrap().to_owned(),
                source: NOVA_PRO,
                region: "us-east-1",
                date: day,
                tokens: [1_000 + i as u64 * 7, 100 + i as u64, 0, 0],
            };
            records.push(u.record());
            *expected.entry(format!("D{:03}", i + 1)).or_default() += u.cost(&w);
        }
    }
    w.seed_usage(records);
    w.clear_requests();

    // Two days × 150 departments = 300 groups; Cost Explorer sends 100 a page.
    let (v, _) = report(
        &w,
        &["cost", "--from", &lm(2), "--to", &lm(3), "--granularity", "daily"],
    );
    assert_eq!(w.count("ce:GetCostAndUsage"), 3);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 151, "150 departments and the untagged row");
    for (dept, amount) in &expected {
        let r = row(&v, Some(dept));
        assert_eq!(dec(&r["total"]), *amount, "{dept}");
        assert!(
            r["amounts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| dec(a) > Decimal::ZERO),
            "{dept}: both days, though a page boundary cut them: {r}"
        );
    }
    assert_eq!(v["paid_requests"], 5);
    assert_eq!(w.count("ce:*"), 5);
}

#[test]
fn a_second_identical_run_makes_no_paid_request_and_says_so() {
    let w = world();
    seeded(&w);
    let month = ym(last_month());
    let (first, _) = report(&w, &["cost", "--month", &month]);
    assert_eq!(first["paid_requests"], 3);
    w.clear_requests();

    let (second, err) = report(&w, &["cost", "--month", &month]);
    assert_eq!(w.count("ce:*"), 0, "{:?}", w.calls());
    assert_eq!(second["paid_requests"], 0);
    assert_eq!(second["from_cache"], true);
    assert_eq!(second["rows"], first["rows"]);
    assert!(err.contains("Cost Explorer: 0 paid requests (USD 0.00)"), "{err}");
    assert!(err.contains("3 answered from the cache"), "{err}");
    let cache = w.home().join("cache/aipctl/cost-explorer");
    assert!(
        std::fs::read_dir(&cache).unwrap().count() >= 3,
        "entries live in the platform cache dir"
    );

    // Another request is another answer; `--no-cache` asks again.
    report(&w, &["cost", "--month", &month, "--metric", "amortized"]);
    assert_eq!(w.count("ce:GetCostAndUsage"), 1);
    w.clear_requests();
    let (fresh, _) = report(&w, &["cost", "--month", &month, "--no-cache"]);
    assert_eq!(fresh["paid_requests"], 3);
    assert_eq!(w.count("ce:*"), 3);
}

#[test]
fn retries_under_throttling_are_counted_as_paid_requests() {
    let w = world();
    seeded(&w);
    w.faults(json!([{"service": "ce", "operation": "GetCostAndUsage",
                     "error": "LimitExceededException", "count": 2}]));
    w.clear_requests();
    let (v, err) = report(&w, &["cost", "--month", &ym(last_month())]);
    let statuses: Vec<u64> = w
        .requests()
        .iter()
        .filter(|r| r["operation"] == "GetCostAndUsage")
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![400, 400, 200]);
    assert_eq!(v["paid_requests"], w.count("ce:*"));
    assert_eq!(v["paid_requests"], 5);
    assert!(
        err.contains("5 paid requests (USD 0.05)") && err.contains("2 of them retries"),
        "{err}"
    );
}

#[test]
fn a_forecast_is_one_announced_request_per_tag_value() {
    let w = world();
    w.activate("Department", "2025-01-01");
    let p = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "a", "source": NOVA_PRO, "tags": {"Department": "Search"}},
        {"region": "us-east-1", "name": "b", "source": NOVA_PRO, "tags": {"Department": "Legal"}},
    ]));
    w.seed_usage(p.iter().map(|p| {
        usage(p, &days_ago(2).to_string())
            .invocations(1)
            .tokens([1_000_000, 0, 0, 0])
    }));
    w.clear_requests();
    let (v, err) = report(&w, &["cost", "--last", "7d", "--forecast"]);
    // Search, Legal and the untagged row: three values, three forecasts.
    assert!(
        err.contains("forecast: 3 GetCostForecast requests, one per `Department` value"),
        "{err}"
    );
    assert_eq!(w.count("ce:GetCostForecast"), 3);
    assert!(dec(&row(&v, Some("Search"))["forecast"]) > Decimal::ZERO);
    assert_eq!(row(&v, None)["forecast"], Value::Null, "no untagged history");
    assert_eq!(
        dec(&v["forecast"]["total"]),
        dec(&row(&v, Some("Search"))["forecast"]) + dec(&row(&v, Some("Legal"))["forecast"])
    );
    assert_eq!(v["forecast"]["start"], today().to_string());
    assert!(
        err.contains("no forecast for 1 value: Cost Explorer has too little history for it"),
        "{err}"
    );
}

#[test]
fn a_forecast_with_nothing_to_forecast_makes_no_request_and_says_so() {
    // On the 1st, `--last 1mo` is today alone: no Bedrock spend yet, so no
    // Bedrock service to forecast; nothing is sent and nothing fails.
    let w = support::world().at("2026-12-01T00:05:00Z");
    w.activate("Department", "2025-01-01");
    let p = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "a", "source": NOVA_PRO, "tags": {"Department": "Search"}},
    ]));
    w.seed_usage([usage(&p[0], "2026-11-30")
        .invocations(1)
        .tokens([1_000_000, 0, 0, 0])]);
    w.clear_requests();
    w.run(["cost", "--last", "1mo", "--forecast", "-o", "json"])
        .ok()
        .stderr_has("nothing to forecast: no Bedrock spend from 2026-12-01 to 2026-12-01");
    assert_eq!(w.count("ce:GetCostForecast"), 0);
    assert!(
        w.requests().iter().all(|r| r["status"] == 200),
        "no failing request"
    );
}

#[test]
fn a_month_cut_short_is_labelled_with_its_real_dates() {
    let w = world();
    seeded(&w);
    let table = w
        .run(["cost", "--from", "2026-10-10", "--to", "2026-11-05"])
        .ok()
        .stdout();
    let header = table.lines().next().unwrap();
    assert!(
        header.contains("2026-10-10..31") && header.contains("2026-11-01..05"),
        "{header}"
    );
    assert!(!header.contains("2026-11 "), "{header}");
}

#[test]
fn the_current_month_is_marked_estimated() {
    let w = world();
    seeded(&w);
    let (v, _) = report(&w, &["cost", "--last", "1mo"]);
    assert_eq!(v["periods"][0]["estimated"], true);
    let table = w
        .run(["cost", "--last", "1mo"])
        .stderr_has("* estimated")
        .stdout();
    let header = table.lines().next().unwrap();
    assert!(header.contains('*'), "{header}");
}

#[test]
fn bad_input_exits_2_before_any_request() {
    let w = world();
    let tomorrow = days_ago(-1).to_string();
    let later = days_ago(-3).to_string();
    let long_ago = ym(today() - jiff::Span::new().months(20));
    let cases: Vec<Vec<&str>> = vec![
        vec!["cost", "--metric", "blended"],
        vec!["cost", "--granularity", "hourly"],
        vec!["cost", "--from", "2026-02-30", "--to", "2026-03-02"],
        vec!["cost", "--from", "yesterday", "--to", "2026-03-02"],
        vec!["cost", "--month", "2026-1"],
        vec!["cost", "--last", "10y"],
        vec!["cost", "--last", "0d"],
        vec!["cost", "--by", "service", "--by", "region"],
        vec!["cost", "--by", "team"],
        vec!["cost", "--tag-key", ""],
        vec!["cost", "--from", &tomorrow, "--to", &later],
        vec!["cost", "--month", &long_ago],
        vec!["cost", "--from", "2026-11-05", "--to", "2026-11-01"],
        vec!["cost", "--last", "7d", "--month", "2026-10"],
        vec!["cost", "--forecast", "--metric", "usage"],
        vec!["cost", "--filter-tag", "Department"],
        vec!["cost", "--cache-ttl", "0h"],
        vec!["cost-tags", "--activate", "A", "--deactivate", "A"],
        vec!["cost-tags", "--activate", ""],
        vec!["cost-tags", "--status", "gone"],
    ];
    for args in cases {
        let run = w.run(&args).code(2);
        assert!(!run.stderr().is_empty(), "{args:?} says why");
        assert_eq!(w.requests().len(), 0, "{args:?} made a request");
    }
}

fn tag_state(w: &World) -> BTreeMap<String, String> {
    w.control("GET", "/_emu/cost-allocation-tags", None)["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["key"].as_str().unwrap().to_owned(),
                t["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn cost_tags_lists_every_key_with_status_and_last_use() {
    let w = world();
    seeded(&w);
    w.clear_requests();
    let (v, _) = report(&w, &["cost-tags"]);
    let keys: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["key"].as_str().unwrap(), t["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        keys,
        vec![("Department", "Active"), ("Owner", "Inactive")],
        "keys on profiles and line items"
    );
    let dept = &v[0];
    assert_eq!(dept["type"], "UserDefined");
    assert_eq!(dept["last_updated"], "2025-01-01T00:00:00Z");
    assert_eq!(dept["last_used"], format!("{}T00:00:00Z", lm(1)));
    assert_eq!(w.count("ce:ListCostAllocationTags"), 1);

    let (inactive, _) = report(&w, &["cost-tags", "--status", "inactive"]);
    assert_eq!(inactive.as_array().unwrap().len(), 1);
}

#[test]
fn cost_tags_activation_refuses_without_a_terminal_before_any_request() {
    let w = world();
    seeded(&w);
    w.clear_requests();
    w.run(["cost-tags", "--activate", "Owner"])
        .code(3)
        .stderr_has("--yes");
    assert_eq!(w.requests().len(), 0);
    assert_eq!(tag_state(&w).get("Owner"), None, "still never set");

    // A dry run shows the plan, pays for the look-up only, changes nothing.
    let (plan, _) = report(&w, &["cost-tags", "--deactivate", "Department", "--dry-run"]);
    assert_eq!(plan[0]["result"], "would-deactivate");
    assert_eq!(w.count("ce:UpdateCostAllocationTagsStatus"), 0);
    assert_eq!(tag_state(&w)["Department"], "Active");
}

#[test]
fn cost_tags_activation_batches_20_keys_a_request_and_reports_unknown_keys() {
    let w = world();
    seeded(&w);
    let keys: Vec<String> = (1..=25).map(|i| format!("K{i:02}")).collect();
    let tags: Vec<Value> = keys
        .iter()
        .map(|k| json!({"key": k, "status": "Inactive"}))
        .collect();
    w.control(
        "POST",
        "/_emu/cost-allocation-tags",
        Some(json!({ "tags": tags })),
    );
    w.clear_requests();

    let mut args = vec!["cost-tags", "--yes", "-o", "json", "--activate"];
    args.extend(keys.iter().map(String::as_str));
    args.extend(["Department", "NeverSeen"]);
    // One key is unknown to billing: a partial failure, reported per key.
    let v = w
        .run(args)
        .code(1)
        .stderr_has("1 of 27 tag status changes failed")
        .json();
    let result = |key: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|o| o["key"] == key)
            .unwrap_or_else(|| panic!("{key} in {v}"))["result"]
            .clone()
    };
    for k in &keys {
        assert_eq!(result(k), "activated", "{k}");
    }
    assert_eq!(result("Department"), "unchanged");
    assert_eq!(result("NeverSeen"), "not-found");
    assert_eq!(w.count("ce:UpdateCostAllocationTagsStatus"), 2, "25 keys: 20 + 5");
    assert_eq!(w.count("ce:ListCostAllocationTags"), 1);
    let state = tag_state(&w);
    assert!(keys.iter().all(|k| state[k] == "Active"), "{state:?}");
}

#[test]
fn activating_a_key_drops_the_cached_status_so_the_next_report_sees_it() {
    let w = world();
    seeded(&w);
    let month = ym(last_month());
    let (_, err) = report(&w, &["cost", "--month", &month, "--tag-key", "Owner"]);
    assert!(err.contains("`Owner` is not active"), "{err}");
    w.run(["cost-tags", "--activate", "Owner", "--yes"])
        .ok()
        .stderr_has("not retroactively");
    w.clear_requests();
    let (_, err) = report(&w, &["cost", "--month", &month, "--tag-key", "Owner"]);
    assert!(!err.contains("not active"), "{err}");
    assert!(err.contains("activated less than 24 h ago"), "{err}");
    assert_eq!(w.count("ce:ListCostAllocationTags"), 1);
}

#[test]
fn cost_views() {
    let w = world();
    seeded(&w);
    let month = ym(last_month());
    let run = |args: &[&str]| {
        let out = w.run(args).ok();
        format!("{}--- stderr ---\n{}", out.stdout(), out.stderr())
    };
    // Last month and this month as fixed stand-ins of the same width.
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(&month, "20XX-LM");
    settings.add_filter(&ym(today().first_of_month()), "20XX-TM");
    let _months = settings.bind_to_scope();
    snapshot!("cost_table", run(&["cost", "--month", &month, "--no-cache"]));
    snapshot!(
        "cost_by_service_table",
        run(&["cost", "--month", &month, "--by", "service", "--no-cache"])
    );
    snapshot!(
        "cost_json",
        run(&["cost", "--month", &month, "-o", "json", "--no-cache"])
    );
    snapshot!(
        "cost_daily_csv",
        run(&[
            "cost",
            "--from",
            &lm(3),
            "--to",
            &lm(5),
            "--granularity",
            "daily",
            "-o",
            "csv",
            "--no-cache"
        ])
    );
    snapshot!("cost_tags_table", run(&["cost-tags"]));
}
