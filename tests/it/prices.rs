//! Money from the AWS Price List: `prices`, the estimated cost and cache
//! savings of `usage` and `describe --usage`, and `cost --reconcile`.
//!
//! The emulator prices its Price List and its bill from one table, so an
//! estimate of fully attributed traffic must equal the bill to the cent;
//! the bill is what the emulator answered when the usage was seeded (its
//! `cost_usd`), never aipctl's own output. Savings are checked against sums
//! done here by hand from the published prices.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};

use crate::support::{self, NOVA_PRO, SONNET_US, World, snapshot, usage, usage_in};

const NOW: &str = support::INSTANTS[2];
const SONNET_GLOBAL: &str = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";
/// Offered in us-west-2, and absent from the Price List: unpriced.
const STABLE_DIFFUSION: &str = "stability.sd3-5-large-v1:0";

fn world() -> World {
    support::world().at(NOW)
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap_or_else(|| panic!("not a decimal string: {v}")))
        .unwrap_or_else(|e| panic!("{v}: {e}"))
}

fn cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Seeds `records` and returns what the emulator billed for them.
fn billed(w: &World, records: impl IntoIterator<Item = support::Usage>) -> Decimal {
    let records: Vec<Value> = records.into_iter().map(|u| u.json()).collect();
    let answer = w.control("POST", "/_emu/usage", Some(json!({ "records": records })));
    dec(&answer["cost_usd"])
}

fn row<'a>(report: &'a Value, key: &str, value: Option<&str>) -> &'a Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[key].as_str() == value)
        .unwrap_or_else(|| panic!("no row {key}={value:?} in {report}"))
}

/// The Search department: a US Sonnet profile, a global Sonnet profile and a
/// Nova Pro profile, every token kind, three days.
fn search_department(w: &World) -> (Vec<Value>, Vec<Decimal>) {
    w.activate("Department", "2026-01-01");
    let p = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "search-sonnet", "source": SONNET_US, "tags": {"Department": "Search"}},
        {"region": "us-east-1", "name": "search-global", "source": SONNET_GLOBAL, "tags": {"Department": "Search"}},
        {"region": "us-east-1", "name": "search-nova", "source": NOVA_PRO, "tags": {"Department": "Search"}},
    ]));
    let tokens = [
        [12_345_701, 4_567_899, 100_000_001, 3_333_337],
        [9_876_503, 1_432_101, 55_555_553, 777_777],
        [77_777_777, 5_555_557, 3_333_331, 1_234_567],
    ];
    let bills = p
        .iter()
        .zip(tokens)
        .map(|(profile, t)| {
            billed(
                w,
                (1..=3).map(|d| {
                    usage(profile, &w.date_days_ago(d))
                        .invocations(10)
                        .tokens(t.map(|n| n + u64::try_from(d).unwrap()))
                }),
            )
        })
        .collect();
    (p, bills)
}

#[test]
fn the_estimate_of_a_fully_attributed_department_equals_its_bill_to_the_cent() {
    let w = world();
    let (profiles, bills) = search_department(&w);
    let (from, to) = (w.date_days_ago(3), w.date_days_ago(1));
    let report = w
        .run([
            "usage",
            "--region",
            "us-east-1",
            "--from",
            &from,
            "--to",
            &to,
            "-o",
            "json",
        ])
        .ok()
        .json();
    for (p, bill) in profiles.iter().zip(&bills) {
        let name = p["name"].as_str().unwrap();
        let r = row(&report, "name", Some(name));
        let estimate = dec(&r["estimated_usd"]["total"]);
        assert_eq!(cents(estimate), cents(*bill), "{name}: {r}");
        assert!(
            (estimate - bill).abs() < Decimal::new(1, 8),
            "{name}: {estimate} vs {bill}"
        );
        let kinds: Decimal = ["input", "output", "cache_read", "cache_write"]
            .iter()
            .map(|k| dec(&r["estimated_usd"][k]))
            .sum();
        assert_eq!(kinds, estimate, "the kinds add up to the total");
        assert_eq!(r["price"]["status"], "priced");
    }
    let global = row(&report, "name", Some("search-global"));
    assert_eq!(
        (&global["price"]["scope"], &global["price"]["offer"]),
        (&json!("global"), &json!("AmazonBedrockFoundationModels")),
        "global traffic takes the Global price"
    );
    let nova = row(&report, "name", Some("search-nova"));
    assert_eq!(nova["price"]["offer"], "AmazonBedrock");

    // The same department, reconciled against Cost Explorer: nothing to flag.
    let r = w
        .run([
            "cost",
            "--reconcile",
            "--region",
            "us-east-1",
            "--from",
            &from,
            "--to",
            &to,
            "-o",
            "json",
        ])
        .ok()
        .json();
    let search = row(&r, "value", Some("Search"));
    let total_bill: Decimal = bills.iter().copied().sum();
    assert_eq!(dec(&search["billed_usd"]), total_bill, "{search}");
    assert_eq!(
        cents(dec(&search["estimated_usd"])),
        cents(total_bill),
        "{search}"
    );
    assert_eq!(search["flagged"], false);
    assert_eq!(search["causes"], json!([]));
}

#[test]
fn cache_savings_match_the_hand_computation_for_a_marketplace_and_a_first_party_model() {
    let w = world();
    let p = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "sonnet", "source": SONNET_US, "tags": {"Department": "Search"}},
        {"region": "us-east-1", "name": "nova", "source": NOVA_PRO, "tags": {"Department": "Search"}},
        {"region": "us-east-1", "name": "writer", "source": SONNET_US, "tags": {"Department": "Legal"}},
    ]));
    let day = w.date_days_ago(2);
    w.seed_usage([
        usage(&p[0], &day)
            .invocations(5)
            .tokens([1_000_000, 200_000, 3_000_000, 400_000]),
        usage(&p[1], &day)
            .invocations(5)
            .tokens([500_000, 100_000, 2_000_000, 500_000]),
        usage(&p[2], &day).invocations(5).tokens([0, 0, 0, 1_000_000]),
    ]);
    let report = w
        .run(["usage", "--region", "us-east-1", "--since", "7d", "-o", "json"])
        .ok()
        .json();
    let savings = |name: &str| dec(&row(&report, "name", Some(name))["cache_savings_usd"]);
    // Claude Sonnet 4.5 (Marketplace): input $3, cache read $0.30, cache write $3.75 per 1M tokens.
    // 3,000,000 × (3 − 0.30)/1M − 400,000 × (3.75 − 3)/1M = 8.10 − 0.30
    assert_eq!(savings("sonnet"), Decimal::from_str("7.8").unwrap());
    // Nova Pro (first party): input $0.80, cache read $0.20, cache write $0 per 1M tokens.
    // 2,000,000 × (0.80 − 0.20)/1M − 500,000 × (0 − 0.80)/1M = 1.20 + 0.40
    assert_eq!(savings("nova"), Decimal::from_str("1.6").unwrap());
    // Writes never read: the cache cost 1,000,000 × (3.75 − 3)/1M.
    assert_eq!(savings("writer"), Decimal::from_str("-0.75").unwrap());
    let by_dept = w
        .run([
            "usage",
            "--region",
            "us-east-1",
            "--since",
            "7d",
            "--by",
            "Department",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(
        dec(&row(&by_dept, "value", Some("Search"))["cache_savings_usd"]),
        Decimal::from_str("9.4").unwrap()
    );
    w.run([
        "usage",
        "--region",
        "us-east-1",
        "--since",
        "7d",
        "--by",
        "Department",
    ])
    .ok()
    .stdout_has("-$0.75")
    .stdout_has("negative cache savings: cache writes cost more than cache reads saved");
}

#[test]
fn a_model_the_price_list_does_not_price_is_unpriced_never_free() {
    let w = world();
    w.seed_profiles(json!([
        {"region": "us-west-2", "name": "images", "source": STABLE_DIFFUSION, "tags": {"Department": "Design"}},
        {"region": "us-west-2", "name": "design-nova", "source": NOVA_PRO, "tags": {"Department": "Design"}},
    ]));
    let listed = w.profiles("us-west-2");
    let nova = listed.iter().find(|p| p["name"] == "design-nova").unwrap();
    w.seed_usage([usage(nova, &w.date_days_ago(1))
        .invocations(1)
        .tokens([1_000_000, 0, 0, 0])]);
    let report = w
        .run(["usage", "--region", "us-west-2", "-o", "json"])
        .ok()
        .json();
    let images = row(&report, "name", Some("images"));
    assert_eq!(images["estimated_usd"], Value::Null, "{images}");
    assert_eq!(images["cache_savings_usd"], Value::Null);
    assert_eq!(images["price"]["status"], "unpriced");
    assert!(
        images["price"]["unpriced_reason"]
            .as_str()
            .unwrap()
            .contains("no price for Stable Diffusion 3.5 Large in us-west-2"),
        "{images}"
    );
    let table = w.run(["usage", "--region", "us-west-2"]).ok().stdout();
    let line = table.lines().find(|l| l.contains("images")).unwrap();
    assert!(line.contains("unpriced") && !line.contains("$0.00"), "{line}");
    // A department with an unpriced profile shows its priced part as a floor.
    let by = w
        .run(["usage", "--region", "us-west-2", "--by", "Department"])
        .ok()
        .stdout();
    let design = by.lines().find(|l| l.contains("Design")).unwrap();
    assert!(design.contains("≥$0.80"), "{by}");
    w.run(["prices", "--region", "us-west-2", "--model", STABLE_DIFFUSION])
        .ok()
        .stderr_has(
            "the Price List has no price for Stable Diffusion 3.5 Large in us-west-2: it is unpriced",
        );
}

#[test]
fn the_catalog_is_read_once_then_served_from_the_cache_for_a_day() {
    let w = world();
    search_department(&w);
    w.clear_requests();
    w.run(["usage", "--region", "us-east-1", "-o", "json"]).ok();
    let first = w.count("pricing:GetProducts");
    assert!(first >= 2, "both offers were read: {:?}", w.calls());
    assert_eq!(
        w.count("bedrock:GetFoundationModel"),
        2,
        "one lookup per model (Sonnet 4.5, Nova Pro): {:?}",
        w.calls()
    );
    w.clear_requests();
    let again = w
        .run(["usage", "--region", "us-east-1", "--by", "Department"])
        .ok()
        .stdout();
    assert_eq!(w.count("pricing:GetProducts"), 0, "{:?}", w.calls());
    assert!(again.contains("AWS Price List of 2026-11-01, cached"), "{again}");
    w.run(["prices", "--region", "us-east-1"]).ok();
    assert_eq!(w.count("pricing:GetProducts"), 0, "`prices` shares the cache");
    w.run(["usage", "--region", "us-east-1", "--no-cache"]).ok();
    assert_eq!(w.count("pricing:GetProducts"), first, "--no-cache reads it again");
    w.run(["usage", "--region", "us-east-1", "--no-prices"]).ok();
    assert_eq!(w.count("pricing:GetProducts"), first, "--no-prices asks nothing");
    // The catalog lasts a day from when it was read (the --no-cache run above, at NOW).
    let later = |hours: i64| (w.now() + jiff::SignedDuration::from_hours(hours)).to_string();
    w.clear_requests();
    w.cmd()
        .env("AIPCTL_NOW", later(23))
        .run(["usage", "--region", "us-east-1", "-o", "json"])
        .ok();
    assert_eq!(
        w.count("pricing:GetProducts"),
        0,
        "23 hours on, the cached catalog serves"
    );
    w.cmd()
        .env("AIPCTL_NOW", later(25))
        .run(["usage", "--region", "us-east-1", "-o", "json"])
        .ok();
    assert_eq!(
        w.count("pricing:GetProducts"),
        first,
        "25 hours on, it is read again"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = w.home().join("cache/aipctl/price-list");
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        for entry in std::fs::read_dir(&dir).unwrap() {
            assert_eq!(mode(&entry.unwrap().path()), 0o600);
        }
    }
}

#[test]
fn the_price_list_is_asked_in_us_east_1_whatever_the_region_read() {
    let w = world();
    w.seed_profiles(json!([
        {"region": "eu-west-1", "name": "legal-nova", "source": "amazon.nova-pro-v1:0", "tags": {"Department": "Legal"}},
    ]));
    w.clear_requests();
    w.run(["usage", "--region", "eu-west-1", "-o", "json"]).ok();
    let regions: std::collections::BTreeSet<String> = w
        .requests()
        .iter()
        .filter(|r| r["operation"] == "GetProducts")
        .map(|r| r["region"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        regions.into_iter().collect::<Vec<_>>(),
        ["us-east-1"],
        "the Price List API's endpoint is us-east-1 (or ap-south-1, eu-central-1)"
    );
    assert!(w.count("bedrock:ListInferenceProfiles") > 0, "{:?}", w.calls());
}

#[test]
fn todays_estimate_is_the_usage_of_today_so_far() {
    let w = world();
    let p = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "search-sonnet", "source": SONNET_US, "tags": {"Department": "Search"}},
    ]));
    let today = w.date_days_ago(0);
    let bill_today = billed(
        &w,
        [usage(&p[0], &today)
            .invocations(7)
            .tokens([123_457, 45_679, 888_889, 11_111])],
    );
    billed(
        &w,
        [usage(&p[0], &w.date_days_ago(1))
            .invocations(7)
            .tokens([999_999, 0, 0, 0])],
    );
    let report = w
        .run([
            "usage",
            "--region",
            "us-east-1",
            "--since",
            "today",
            "--by",
            "Department",
            "-o",
            "json",
        ])
        .ok()
        .json();
    let search = row(&report, "value", Some("Search"));
    assert_eq!(
        cents(dec(&search["estimated_usd"]["total"])),
        cents(bill_today),
        "{search}"
    );
    assert_eq!(search["unpriced_profiles"], 0);
}

#[test]
fn reconcile_shows_what_went_through_no_profile_and_charges_that_are_not_tokens() {
    let w = world();
    w.activate("Department", "2026-01-01");
    let p = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "search-sonnet", "source": SONNET_US, "tags": {"Department": "Search"}},
        {"region": "us-east-1", "name": "legal-nova", "source": NOVA_PRO, "tags": {"Department": "Legal"}},
        {"region": "us-east-1", "name": "sandbox", "source": NOVA_PRO, "tags": {"Owner": "kim"}},
    ]));
    let day = |n| format!("2026-10-{n:02}");
    let search = billed(
        &w,
        [usage(&p[0], &day(3))
            .invocations(9)
            .tokens([4_000_003, 700_001, 9_000_007, 300_001])],
    );
    let legal = billed(
        &w,
        [usage(&p[1], &day(4))
            .invocations(9)
            .tokens([2_000_001, 300_003, 0, 0])],
    );
    let sandbox = billed(
        &w,
        [usage(&p[2], &day(5))
            .invocations(9)
            .tokens([1_000_007, 100_009, 0, 0])],
    );
    // Traffic that names the system profile: billed, untagged, through no application profile.
    let direct = billed(
        &w,
        [usage_in("us-east-1", SONNET_US, &day(6))
            .invocations(9)
            .tokens([3_000_011, 400_003, 0, 0])],
    );
    w.control(
        "POST",
        "/_emu/cost-line-items",
        Some(json!({"line_items": [
            {"date": day(7), "service": "Amazon Bedrock", "cost": "-5", "record_type": "Credit",
             "region": "us-east-1", "tags": {"Department": "Legal"}},
        ]})),
    );
    w.clear_requests();
    let report = w
        .run(["cost", "--reconcile", "--region", "us-east-1", "-o", "json"])
        .ok()
        .json();
    assert_eq!(
        (report["start"].as_str(), report["end"].as_str()),
        (Some("2026-10-01"), Some("2026-11-01")),
        "last month"
    );
    let untagged = &report["untagged"];
    assert_eq!(dec(&untagged["billed_usd"]), sandbox + direct);
    assert_eq!(
        cents(dec(&untagged["untagged_profiles_estimated_usd"])),
        cents(sandbox)
    );
    assert_eq!(cents(dec(&untagged["not_through_profiles_usd"])), cents(direct));
    let none = row(&report, "value", None);
    assert_eq!(none["causes"], json!(["not_through_profiles"]));
    assert_eq!(none["flagged"], true);
    let search_row = row(&report, "value", Some("Search"));
    assert_eq!(
        (dec(&search_row["billed_usd"]), search_row["flagged"].as_bool()),
        (search, Some(false))
    );
    let legal_row = row(&report, "value", Some("Legal"));
    assert_eq!(dec(&legal_row["billed_other_usd"]), Decimal::from(-5));
    assert_eq!(cents(dec(&legal_row["difference_usd"])), Decimal::from(-5));
    assert_eq!(
        (legal_row["flagged"].as_bool(), &legal_row["causes"]),
        (Some(true), &json!(["non_token_charges"]))
    );
    assert_eq!(cents(dec(&legal_row["estimated_usd"])), cents(legal));
    assert_eq!(
        w.count("ce:GetCostAndUsage"),
        1,
        "one paid request for the bill by tag and usage type"
    );

    let table = w.run(["cost", "--reconcile", "--region", "us-east-1"]).ok();
    snapshot!("reconcile_table", table.stdout());
    assert!(
        table
            .stderr()
            .contains("not through profiles: untagged Bedrock spend")
    );
}

#[test]
fn the_catalog_of_many_regions_is_read_page_by_page_without_duplicates() {
    let w = world();
    let v = w.run(["prices", "--all-regions", "-o", "json"]).ok().json();
    let rows = v["prices"].as_array().unwrap();
    let mut keys: Vec<String> = rows
        .iter()
        .map(|r| format!("{} {} {} {}", r["model"], r["region"], r["scope"], r["offer"]))
        .collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "no model priced twice in one region and scope");
    // Every region the emulator serves Sonnet 4.5 in (all ten), at the regional price.
    let sonnet = rows
        .iter()
        .filter(|r| r["model"] == "Claude Sonnet 4.5" && r["scope"] == "regional")
        .count();
    assert_eq!(sonnet, 10, "{v}");
    // 546 Marketplace and 270 first-party documents: pages of at most 100, some shorter.
    assert!(w.count("pricing:GetProducts") >= 9, "{:?}", w.calls());
}

#[test]
fn usage_still_shows_tokens_when_the_price_list_is_denied_and_exits_1() {
    let w = world();
    search_department(&w);
    w.faults(
        json!([{"service": "pricing", "operation": "GetProducts", "error": "AccessDeniedException",
                     "status": 400}]),
    );
    let run = w
        .run(["usage", "--region", "us-east-1", "-o", "json"])
        .code(1)
        .stderr_has("no estimated cost")
        .stderr_has("pricing:GetProducts");
    let report = run.json();
    assert_eq!(report["rows"].as_array().unwrap().len(), 3, "{report}");
    assert!(report["rows"][0].get("estimated_usd").is_none(), "{report}");
}

#[test]
fn prices_show_the_four_kinds_per_model_region_and_offer() {
    let w = world();
    let v = w
        .run([
            "prices",
            "--region",
            "us-east-1,eu-west-1",
            "--model",
            "sonnet 4.5",
            "-o",
            "json",
        ])
        .ok()
        .json();
    let rows = v["prices"].as_array().unwrap();
    let find = |region: &str, scope: &str| {
        rows.iter()
            .find(|r| r["region"] == region && r["scope"] == scope)
            .unwrap_or_else(|| panic!("{region} {scope} in {v}"))
    };
    let us = find("us-east-1", "regional");
    assert_eq!(us["offer"], "AmazonBedrockFoundationModels");
    let per = &us["usd_per_million_tokens"];
    assert_eq!(
        [
            &per["input"],
            &per["output"],
            &per["cache_read"],
            &per["cache_write"]
        ]
        .map(dec),
        ["3", "15", "0.3", "3.75"].map(|s| Decimal::from_str(s).unwrap())
    );
    assert!(dec(&find("eu-west-1", "global")["usd_per_million_tokens"]["input"]) < dec(&per["input"]));
    assert_eq!(v["publication_date"], "2026-11-01T00:00:00Z");
    let by_id = w
        .run([
            "prices",
            "--region",
            "us-east-1",
            "--model",
            NOVA_PRO,
            "-o",
            "json",
        ])
        .ok()
        .json();
    let nova = &by_id["prices"].as_array().unwrap()[0];
    assert_eq!(
        (&nova["model"], &nova["offer"]),
        (&json!("Nova Pro"), &json!("AmazonBedrock"))
    );
    assert_eq!(
        nova["usd_per_million_tokens"]["cache_write"], "0.00",
        "Nova cache writes are free, not unpriced"
    );
    snapshot!(
        "prices_table",
        w.run(["prices", "--region", "us-east-1", "--model", "claude"])
            .ok()
            .stdout()
    );
    w.run([
        "prices",
        "--region",
        "us-east-1",
        "--model",
        "amazon.no-such-model-v1:0",
    ])
    .code(1)
    .stderr_has("no foundation model `amazon.no-such-model-v1:0` in us-east-1");
}

#[test]
fn usage_and_describe_tables_with_money() {
    let w = world();
    search_department(&w);
    let (from, to) = (w.date_days_ago(3), w.date_days_ago(1));
    snapshot!(
        "usage_by_department_with_money",
        w.run([
            "usage",
            "--region",
            "us-east-1",
            "--by",
            "Department",
            "--from",
            &from,
            "--to",
            &to
        ])
        .ok()
        .stdout()
    );
    let describe = w
        .run(["describe", "search-nova", "--region", "us-east-1", "--usage"])
        .ok()
        .stdout();
    let money: Vec<&str> = describe
        .lines()
        .filter(|l| l.contains("cost") || l.contains("savings"))
        .collect();
    snapshot!("describe_usage_money", money.join("\n"));
    let json = w
        .run([
            "describe",
            "search-nova",
            "--region",
            "us-east-1",
            "--usage",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(json["cost_30d"]["price"]["model"], "Nova Pro", "{json}");
    assert!(dec(&json["cost_30d"]["estimated_usd"]["total"]) > Decimal::ZERO);
}
