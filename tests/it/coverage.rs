//! `coverage` against seeded CloudWatch traffic of every kind of `ModelId`
//! (an application profile by ID and by ARN, a profile no longer listed, a
//! system profile in two regions, a bare model), and `--billed` against the
//! emulator's Cost Explorer, with and without IAM-principal tags. Shares are
//! checked against the seeded token counts, amounts against the emulator's
//! price table, requests against its log.

use std::collections::{BTreeMap, BTreeSet};

use aipctl::aws::{OPERATIONS, OperationKind};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};

use crate::support::{self, NOVA_PRO, SONNET_US, World, snapshot, usage, usage_in};

const NOW: &str = support::INSTANTS[2];
const SONNET: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const REGIONS: &str = "us-east-1,us-west-2";
/// An application-profile ID no profile has: traffic of a deleted one.
const GONE: &str = "gone12345678";

fn world() -> World {
    support::world().at(NOW)
}

/// Tokens seeded per kind of series (input, output, cache read, cache write).
const SEARCH_DAY_2: [u64; 4] = [1000, 500, 3000, 200];
const SEARCH_DAY_3: [u64; 4] = [1000, 0, 0, 0];
const LEGAL_BY_ARN: [u64; 4] = [2000, 1000, 0, 0];
const ORPHAN: [u64; 4] = [500, 200, 0, 0];
const DELETED: [u64; 4] = [100, 0, 0, 0];
const SYSTEM_EAST: [u64; 4] = [300, 100, 0, 0];
const SYSTEM_WEST: [u64; 4] = [150, 50, 0, 0];
const BARE_MODEL: [u64; 4] = [800, 200, 0, 0];

fn sum(t: [u64; 4]) -> u64 {
    t.iter().sum()
}

/// Two tagged profiles (one invoked by its ARN), an untagged one, a deleted
/// one's ID, a system profile called from two regions and a bare model, in
/// the last week; and traffic outside the window that must not count.
fn seeded(w: &World) -> Vec<Value> {
    w.control("POST", "/moto-api/seed?a=11", None);
    let p = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "search-sonnet", "source": SONNET_US, "tags": {"Department": "Search"}},
        {"region": "us-east-1", "name": "legal-nova", "source": NOVA_PRO, "tags": {"Department": "Legal", "Owner": "ana"}},
        {"region": "us-west-2", "name": "orphan-nova", "source": NOVA_PRO, "tags": {"Owner": "bob"}},
        {"region": "us-west-2", "name": "quiet-nova", "source": NOVA_PRO, "tags": {"Department": "Legal"}},
    ]));
    let day = |n: i64| w.date_days_ago(n);
    w.seed_usage([
        usage(&p[0], &day(2)).invocations(3).tokens(SEARCH_DAY_2),
        usage(&p[0], &day(3)).invocations(1).tokens(SEARCH_DAY_3),
        usage(&p[1], &day(2))
            .invocations(2)
            .tokens(LEGAL_BY_ARN)
            .with("dimension_value", p[1]["arn"].clone()),
        usage(&p[2], &day(4)).invocations(1).tokens(ORPHAN),
        usage(&p[0], &day(4))
            .invocations(1)
            .tokens(DELETED)
            .with("dimension_value", GONE),
        usage_in("us-east-1", SONNET_US, &day(1))
            .invocations(1)
            .tokens(SYSTEM_EAST),
        usage_in("us-west-2", SONNET_US, &day(1))
            .invocations(1)
            .tokens(SYSTEM_WEST),
        usage_in("us-east-1", NOVA_PRO, &day(5))
            .invocations(4)
            .tokens(BARE_MODEL),
        // Before the window (7 days): must not count.
        usage(&p[0], &day(10)).invocations(9).tokens([90_000, 0, 0, 0]),
    ]);
    p
}

/// `share` of `total` in percent, one decimal, as the report rounds it.
fn pct(part: u64, total: u64) -> String {
    let mut d = (Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(total))
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    d.rescale(1);
    d.to_string()
}

fn coverage(w: &World, extra: &[&str]) -> crate::support::Run {
    let mut args = vec!["coverage", "--region", REGIONS, "--since", "7d"];
    args.extend(extra);
    w.run(args)
}

/// Every request in the log is a read of the operation table: no write.
fn assert_only_reads(w: &World) {
    let calls = w.calls();
    assert!(!calls.is_empty());
    for (service, operation) in &calls {
        let op = OPERATIONS
            .iter()
            .find(|o| o.name == operation)
            .unwrap_or_else(|| panic!("{service}:{operation} is not an operation aipctl knows"));
        assert_eq!(op.access, OperationKind::Read, "{service}:{operation} writes");
    }
}

#[test]
fn every_kind_of_model_id_is_classified_and_the_shares_are_the_seeded_ones() {
    let w = world();
    let p = seeded(&w);
    w.clear_requests();
    let v = coverage(&w, &["-o", "json"]).ok().json();

    let attributed = sum(SEARCH_DAY_2) + sum(SEARCH_DAY_3) + sum(LEGAL_BY_ARN);
    let unattributed = sum(ORPHAN) + sum(DELETED);
    let bypass = sum(SYSTEM_EAST) + sum(SYSTEM_WEST) + sum(BARE_MODEL);
    let total = attributed + unattributed + bypass;
    assert_eq!(v["total"]["total"], total);
    assert_eq!(v["share_basis"], "tokens");
    assert_eq!(v["attributed_share_percent"], pct(attributed, total));
    let classes: Vec<(&str, u64, &str)> = v["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["class"].as_str().unwrap(),
                c["tokens"]["total"].as_u64().unwrap(),
                c["share_percent"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        classes,
        [
            ("attributed", attributed, pct(attributed, total).as_str()),
            ("unattributed", unattributed, pct(unattributed, total).as_str()),
            ("bypass", bypass, pct(bypass, total).as_str()),
        ]
    );
    let cache_read = SEARCH_DAY_2[2];
    assert_eq!(v["classes"][0]["tokens"]["cache_read"], cache_read);

    // Departments: Search through its ID, Legal through its ARN.
    let depts: Vec<(&str, u64)> = v["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["value"].as_str().unwrap(),
                d["tokens"]["total"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        depts,
        [
            ("Search", sum(SEARCH_DAY_2) + sum(SEARCH_DAY_3)),
            ("Legal", sum(LEGAL_BY_ARN))
        ]
    );
    assert_eq!(v["departments"][1]["profiles"], json!(["legal-nova"]));
    let series = v["series"].as_array().unwrap();
    let legal = series.iter().find(|s| s["profile"] == "legal-nova").unwrap();
    assert_eq!(legal["model_id"], p[1]["arn"], "the ARN form is read and matched");
    assert_eq!(legal["class"], "attributed");
    let search = series.iter().find(|s| s["profile"] == "search-sonnet").unwrap();
    assert_eq!(search["model_id"], p[0]["id"]);
    assert_eq!(search["foundation_model"], SONNET);
    assert_eq!(search["invocations"], 4);

    // Seven series with traffic; quiet-nova and legal-nova's ID form have none.
    assert_eq!(series.len(), 7, "{series:#?}");
    assert_eq!(v["regions"], json!(["us-east-1", "us-west-2"]));
    assert_eq!(v["window"], "2026-11-15 00:00 → 2026-11-22 13:00 UTC");
    assert_eq!(v["fail_under"], Value::Null);

    // One ListMetrics per region, one GetMetricData batch per region, nothing written.
    assert_eq!(w.count("cloudwatch:ListMetrics"), 2);
    assert_eq!(w.count("cloudwatch:GetMetricData"), 2);
    assert_eq!(v["metric_requests"], 2);
    assert_only_reads(&w);
}

#[test]
fn unattributed_profiles_and_bypass_models_are_named_with_their_regions_and_share() {
    let w = world();
    seeded(&w);
    let v = coverage(&w, &["-o", "json"]).ok().json();
    let total = v["total"]["total"].as_u64().unwrap();
    // Unattributed: the untagged profile by name, the deleted one by its ID.
    let un = v["unattributed"].as_array().unwrap();
    assert_eq!(un.len(), 2);
    assert_eq!(
        (&un[0]["profile"], &un[0]["region"], &un[0]["tokens"]["total"]),
        (&json!("orphan-nova"), &json!("us-west-2"), &json!(sum(ORPHAN)))
    );
    assert_eq!(un[0]["reason"], "the profile has no `Department` tag");
    assert_eq!(
        (&un[1]["profile"], &un[1]["model_id"]),
        (&Value::Null, &json!(GONE))
    );

    // Bypass: named by ID, with regions and share, and the fix.
    let by: Vec<(&str, &str, Vec<&str>, u64)> = v["bypass"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["model_id"].as_str().unwrap(),
                b["kind"].as_str().unwrap(),
                b["regions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap())
                    .collect(),
                b["tokens"]["total"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by,
        [
            (NOVA_PRO, "foundation_model", vec!["us-east-1"], sum(BARE_MODEL)),
            (
                SONNET_US,
                "system_profile",
                vec!["us-east-1", "us-west-2"],
                sum(SYSTEM_EAST) + sum(SYSTEM_WEST)
            ),
        ]
    );
    assert_eq!(v["bypass"][0]["share_percent"], pct(sum(BARE_MODEL), total));
    assert_eq!(
        v["bypass"][1]["fix"],
        format!(
            "aipctl create TEAM-claude-sonnet-4-5 --model {SONNET_US} --department TEAM --region us-east-1,us-west-2"
        )
    );
}

#[test]
fn the_suggested_fix_is_a_command_that_runs() {
    let w = world();
    seeded(&w);
    let v = coverage(&w, &["-o", "json"]).ok().json();
    for b in v["bypass"].as_array().unwrap() {
        let fix = b["fix"].as_str().unwrap().replace("TEAM", "Research");
        let args: Vec<&str> = fix.split(' ').skip(1).collect();
        w.run(&args).ok();
    }
    let made: BTreeSet<String> = w
        .profiles(REGIONS)
        .iter()
        .filter(|p| p["tags"]["Department"] == "Research")
        .map(|p| {
            format!(
                "{} {}",
                p["region"].as_str().unwrap(),
                p["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        made,
        BTreeSet::from([
            "us-east-1 Research-nova-pro".to_owned(),
            "us-east-1 Research-claude-sonnet-4-5".to_owned(),
            "us-west-2 Research-claude-sonnet-4-5".to_owned(),
        ])
    );
}

#[test]
fn fail_under_exits_5_below_the_threshold_and_0_at_or_above_after_printing() {
    let w = world();
    seeded(&w);
    let attributed = sum(SEARCH_DAY_2) + sum(SEARCH_DAY_3) + sum(LEGAL_BY_ARN);
    let total =
        attributed + sum(ORPHAN) + sum(DELETED) + sum(SYSTEM_EAST) + sum(SYSTEM_WEST) + sum(BARE_MODEL);
    // 8700 / 11100 = 78.378…%: shown as 78.4 %, yet below 78.4.
    assert_eq!((attributed, total), (8700, 11_100));
    let below = coverage(&w, &["--fail-under", "78.4"]).code(5).stderr_has(
        "warning: 78.4% of the traffic is attributed by `Department` (by tokens), below `--fail-under 78.4%`",
    );
    assert!(
        below.stdout().contains("--fail-under 78.4%: below"),
        "{}",
        below.stdout()
    );
    assert!(below.stdout().contains("TOTAL"), "the report is printed first");
    let met = coverage(&w, &["--fail-under", "78.3"]).ok();
    assert!(met.stdout().contains("--fail-under 78.3%: met"));
    let json = coverage(&w, &["--fail-under", "90", "-o", "json"]).code(5).json();
    assert_eq!(
        (&json["fail_under"], &json["below_threshold"]),
        (&json!("90"), &json!(true))
    );
    coverage(&w, &["--fail-under", "0"]).ok();
    coverage(&w, &["--fail-under", "100%"]).code(5);
}

#[test]
fn fail_under_passes_when_there_is_no_traffic_and_says_so() {
    let w = world();
    let out = coverage(&w, &["--fail-under", "95"])
        .ok()
        .stderr_has("no Bedrock traffic in us-east-1, us-west-2")
        .stderr_has("`--fail-under 95%` passes");
    assert!(out.stdout().is_empty());
    let v = coverage(&w, &["-o", "json"]).ok().json();
    assert_eq!(v["attributed_share_percent"], Value::Null);
    assert_eq!(v["series"], json!([]));
}

#[test]
fn a_region_that_cannot_be_listed_is_not_read_and_named_after_the_report() {
    let w = world();
    seeded(&w);
    w.faults(json!([{
        "service": "bedrock", "operation": "ListInferenceProfiles", "region": "us-west-2",
        "error": "AccessDeniedException", "status": 403
    }]));
    w.clear_requests();
    let out = coverage(&w, &["-o", "json"])
        .code(1)
        .stderr_has("1 of 2 regions failed: us-west-2");
    let v = out.json();
    // us-east-1 is reported; nothing of us-west-2 is guessed at without its profiles.
    assert!(
        v["series"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["region"] == "us-east-1")
    );
    assert_eq!(v["departments"][0]["value"], "Search");
    let list_metrics_regions: BTreeSet<String> = w
        .requests()
        .iter()
        .filter(|r| r["operation"] == "ListMetrics")
        .map(|r| r["region"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(list_metrics_regions, BTreeSet::from(["us-east-1".to_owned()]));
}

#[test]
fn the_report_as_a_table_and_as_csv() {
    let w = world();
    seeded(&w);
    let table = coverage(&w, &[]).ok().stdout();
    snapshot!("coverage_table", table);
    let csv = coverage(&w, &["-o", "csv"]).ok().stdout();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "region,model_id,class,kind,profile,department,foundation_model,invocations,input_tokens,output_tokens,\
         cache_read_tokens,cache_write_tokens,total_tokens,estimated_input_usd,estimated_output_usd,\
         estimated_cache_read_usd,estimated_cache_write_usd,estimated_total_usd,cache_savings_usd,unpriced_reason,\
         share_percent"
    );
    assert_eq!(lines.count(), 7);
    let west = estimate(&w, SONNET_US, "us-west-2", SYSTEM_WEST);
    assert!(
        csv.contains(&format!(
            "us-west-2,{SONNET_US},bypass,system_profile,,,{SONNET},1,150,50,0,0,200,0.00045,0.00075,0.00,0.00,{},0.00,,1.8\n",
            west.normalize()
        )),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(
            "us-east-1,{GONE},unattributed,unknown_application_profile,,,,1,100,0,0,0,100,,,,,,,\"the model is unknown"
        )),
        "{csv}"
    );
    let plain = coverage(&w, &["--no-prices", "-o", "csv"]).ok().stdout();
    assert!(
        plain.starts_with(
            "region,model_id,class,kind,profile,department,foundation_model,invocations,input_tokens,\
             output_tokens,cache_read_tokens,cache_write_tokens,total_tokens,share_percent\n"
        ),
        "{plain}"
    );
}

// ------------------------------------------------------------------ money

/// What `tokens` of `model` (any identifier the emulator resolves) cost at
/// its price table's prices, exactly: per kind, tokens × price / 1000
/// (billing rounds each line item to 10 places; an estimate does not).
fn estimate(w: &World, model: &str, region: &str, tokens: [u64; 4]) -> Decimal {
    let p = w.control(
        "GET",
        &format!("/_emu/prices?model_id={model}&region={region}"),
        None,
    );
    ["input", "output", "cache_read", "cache_write"]
        .iter()
        .zip(tokens)
        .map(|(kind, n)| {
            let price: Decimal = p[kind].as_str().map_or(Decimal::ZERO, |s| s.parse().unwrap());
            Decimal::from(n) * price / Decimal::from(1000)
        })
        .sum()
}

/// Tokens of the priced mix: attributed traffic is mostly cheap Nova Pro,
/// bypass traffic Claude Sonnet 4.5, so shares by cost and by tokens differ.
const SEARCH_NOVA: [u64; 4] = [600_000, 100_000, 0, 0];
const LEGAL_SONNET: [u64; 4] = [100_000, 20_000, 200_000, 10_000];
const ORPHAN_NOVA: [u64; 4] = [50_000, 10_000, 0, 0];
const SONNET_EAST: [u64; 4] = [100_000, 30_000, 0, 0];
const SONNET_WEST: [u64; 4] = [50_000, 10_000, 0, 0];
const SONNET_GLOBAL: [u64; 4] = [80_000, 20_000, 0, 0];
const NOVA_BARE: [u64; 4] = [40_000, 10_000, 0, 0];
const SONNET_GLOBAL_ID: &str = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";

/// A seeded series: the `ModelId` to price it by, its region, tokens and class.
type Seeded = (String, &'static str, [u64; 4], &'static str);

/// Every series of this mix has a Price List price. Returns the seeded
/// series and the profiles.
fn seeded_priced(w: &World) -> (Vec<Seeded>, Vec<Value>) {
    let p = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "search-nova", "source": NOVA_PRO, "tags": {"Department": "Search"}},
        {"region": "us-east-1", "name": "legal-sonnet", "source": SONNET_US, "tags": {"Department": "Legal"}},
        {"region": "us-west-2", "name": "orphan-nova", "source": NOVA_PRO, "tags": {"Owner": "bob"}},
    ]));
    let day = w.date_days_ago(2);
    w.seed_usage([
        usage(&p[0], &day).invocations(5).tokens(SEARCH_NOVA),
        usage(&p[1], &day)
            .invocations(3)
            .tokens(LEGAL_SONNET)
            .with("dimension_value", p[1]["arn"].clone()),
        usage(&p[2], &day).invocations(1).tokens(ORPHAN_NOVA),
        usage_in("us-east-1", SONNET_US, &day)
            .invocations(2)
            .tokens(SONNET_EAST),
        usage_in("us-west-2", SONNET_US, &day)
            .invocations(1)
            .tokens(SONNET_WEST),
        usage_in("us-east-1", SONNET_GLOBAL_ID, &day)
            .invocations(1)
            .tokens(SONNET_GLOBAL),
        usage_in("us-east-1", NOVA_PRO, &day)
            .invocations(1)
            .tokens(NOVA_BARE),
    ]);
    let id = |i: usize| p[i]["id"].as_str().unwrap().to_owned();
    let mix = vec![
        (id(0), "us-east-1", SEARCH_NOVA, "attributed"),
        (id(1), "us-east-1", LEGAL_SONNET, "attributed"),
        (id(2), "us-west-2", ORPHAN_NOVA, "unattributed"),
        (SONNET_US.to_owned(), "us-east-1", SONNET_EAST, "bypass"),
        (SONNET_US.to_owned(), "us-west-2", SONNET_WEST, "bypass"),
        (SONNET_GLOBAL_ID.to_owned(), "us-east-1", SONNET_GLOBAL, "bypass"),
        (NOVA_PRO.to_owned(), "us-east-1", NOVA_BARE, "bypass"),
    ];
    (mix, p)
}

#[test]
fn shares_are_by_cost_from_the_price_table_when_every_series_is_priced() {
    let w = world();
    let (mix, _) = seeded_priced(&w);
    w.clear_requests();
    let v = coverage(&w, &["-o", "json"]).ok().json();
    assert_eq!(v["share_basis"], "cost");
    assert_eq!(v["unpriced"], json!([]));

    // By hand: each series' tokens at the emulator's prices (the global one at its Global price).
    let mut by_class: BTreeMap<&str, Decimal> = BTreeMap::new();
    let mut tokens_by_class: BTreeMap<&str, u64> = BTreeMap::new();
    for (model, region, tokens, class) in &mix {
        *by_class.entry(class).or_default() += estimate(&w, model, region, *tokens);
        *tokens_by_class.entry(class).or_default() += sum(*tokens);
    }
    let total: Decimal = by_class.values().sum();
    let share = |part: Decimal| {
        let mut d = (part * Decimal::ONE_HUNDRED / total)
            .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
        d.rescale(1);
        d.to_string()
    };
    for c in v["classes"].as_array().unwrap() {
        let class = c["class"].as_str().unwrap();
        assert_eq!(dec(&c["estimated_usd"]["total"]), by_class[class], "{class}");
        assert_eq!(c["share_percent"], share(by_class[class]), "{class}");
        assert_eq!(c["unpriced_series"], 0);
    }
    assert_eq!(dec(&v["total_cost"]["estimated_usd"]["total"]), total);
    assert_eq!(v["attributed_share_percent"], share(by_class["attributed"]));
    // By tokens the attributed share would be far higher: the basis matters.
    let all_tokens: u64 = tokens_by_class.values().sum();
    assert_eq!(
        pct(tokens_by_class["attributed"], all_tokens),
        "72.0",
        "1,030,000 of 1,430,000 tokens"
    );
    assert_eq!(share(by_class["attributed"]), "47.2");

    // The global system profile is priced at the Global price, below the regional one.
    let series = v["series"].as_array().unwrap();
    let global = series.iter().find(|s| s["model_id"] == SONNET_GLOBAL_ID).unwrap();
    assert_eq!(global["price"]["scope"], "global");
    assert_eq!(
        dec(&global["estimated_usd"]["total"]),
        estimate(&w, SONNET_GLOBAL_ID, "us-east-1", SONNET_GLOBAL)
    );
    assert!(
        dec(&global["estimated_usd"]["total"]) < estimate(&w, SONNET_US, "us-east-1", SONNET_GLOBAL),
        "the Global price is lower"
    );
    // Departments and bypass models carry their estimate too, per kind, exactly.
    let legal = v["departments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["value"] == "Legal")
        .unwrap();
    assert_eq!(
        dec(&legal["estimated_usd"]["total"]),
        estimate(&w, &mix[1].0, "us-east-1", LEGAL_SONNET)
    );
    assert_eq!(legal["estimated_usd"]["cache_write"], "0.0375");
    let system = v["bypass"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["model_id"] == SONNET_US)
        .unwrap();
    assert_eq!(
        dec(&system["estimated_usd"]["total"]),
        estimate(&w, SONNET_US, "us-east-1", SONNET_EAST) + estimate(&w, SONNET_US, "us-west-2", SONNET_WEST)
    );
    assert!(v["prices"]["requests"].as_u64().unwrap() > 0);
    assert_only_reads(&w);

    // The gate compares the share on the basis shown: 47.2 % by cost fails 60,
    // which 72 % by tokens would pass.
    coverage(&w, &["--fail-under", "60"]).code(5).stderr_has(
        "warning: 47.2% of the traffic is attributed by `Department` (by estimated cost), below `--fail-under 60%`",
    );
    // 47.17…%: shown as 47.2 %, yet below 47.2.
    coverage(&w, &["--fail-under", "47.2"]).code(5);
    coverage(&w, &["--fail-under", "47.1"]).ok();
    coverage(&w, &["--fail-under", "60", "--no-prices"]).ok();

    let table = coverage(&w, &[]).ok().stdout();
    assert!(
        table.contains("shares by estimated cost: attributed 47.2%"),
        "{table}"
    );
    snapshot!("coverage_table_by_cost", table);
}

#[test]
fn an_unpriced_series_puts_shares_back_on_tokens_and_is_named_never_zero() {
    let w = world();
    seeded(&w);
    let v = coverage(&w, &["-o", "json"]).ok().json();
    assert_eq!(v["share_basis"], "tokens");
    assert_eq!(
        v["unpriced"],
        json!([{"region": "us-east-1", "model_id": GONE,
                "reason": "the model is unknown (a profile no longer listed, or a provisioned or custom model)"}])
    );
    // The unattributed class: the orphan's cost, and the deleted profile left out, not $0.
    let un = &v["classes"][1];
    assert_eq!(un["unpriced_series"], 1);
    assert_eq!(
        dec(&un["estimated_usd"]["total"]),
        estimate(&w, NOVA_PRO, "us-west-2", ORPHAN)
    );
    let gone = v["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["model_id"] == GONE)
        .unwrap();
    assert_eq!(gone["estimated_usd"], Value::Null);
    assert_eq!(gone["price"]["status"], "unpriced");
    let deleted = v["unattributed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["model_id"] == GONE)
        .unwrap();
    assert_eq!(
        (&deleted["estimated_usd"], &deleted["unpriced_series"]),
        (&Value::Null, &json!(1))
    );
    // Priced classes still carry their money.
    let attributed = estimate(&w, SONNET_US, "us-east-1", SEARCH_DAY_2)
        + estimate(&w, SONNET_US, "us-east-1", SEARCH_DAY_3)
        + estimate(&w, NOVA_PRO, "us-east-1", LEGAL_BY_ARN);
    assert_eq!(dec(&v["classes"][0]["estimated_usd"]["total"]), attributed);
    let table = coverage(&w, &[]).ok().stdout();
    assert!(
        table.contains("shares are by tokens: 1 of 7 series has no price"),
        "{table}"
    );
    assert!(table.contains("unpriced"), "{table}");
}

#[test]
fn no_prices_leaves_money_out_and_asks_no_price_list() {
    let w = world();
    seeded_priced(&w);
    w.clear_requests();
    let v = coverage(&w, &["--no-prices", "-o", "json"]).ok().json();
    assert_eq!(v["share_basis"], "tokens");
    for absent in ["total_cost", "prices", "unpriced"] {
        assert!(v.get(absent).is_none(), "{absent}");
    }
    assert!(v["classes"][0].get("estimated_usd").is_none());
    assert!(v["series"][0].get("estimated_usd").is_none());
    assert_eq!(w.count("pricing:*"), 0);
    assert_eq!(w.count("GetFoundationModel"), 0);
    let table = coverage(&w, &["--no-prices"]).ok().stdout();
    assert!(!table.contains("EST. COST"), "{table}");
    assert!(table.contains("shares by tokens"), "{table}");
}

#[test]
fn a_price_list_that_fails_leaves_shares_by_tokens_and_exits_1_after_the_report() {
    let w = world();
    seeded_priced(&w);
    w.faults(json!([{
        "service": "pricing", "operation": "GetProducts", "error": "AccessDeniedException", "status": 400
    }]));
    let run = coverage(&w, &["-o", "json"])
        .code(1)
        .stderr_has("no estimated cost, so shares are by tokens");
    let v = run.json();
    assert_eq!(v["share_basis"], "tokens");
    assert!(v.get("total_cost").is_none());
}

// ------------------------------------------------------------------ billed

/// The cost of `tokens` of `model` (any identifier the emulator resolves)
/// from its price table: per kind, tokens × price / 1000, rounded to 10 places.
fn cost(w: &World, model: &str, region: &str, tokens: [u64; 4]) -> Decimal {
    let p = w.control(
        "GET",
        &format!("/_emu/prices?model_id={model}&region={region}"),
        None,
    );
    ["input", "output", "cache_read", "cache_write"]
        .iter()
        .zip(tokens)
        .map(|(kind, n)| {
            let price: Decimal = p[kind].as_str().map_or(Decimal::ZERO, |s| s.parse().unwrap());
            (Decimal::from(n) * price / Decimal::from(1000))
                .round_dp_with_strategy(10, RoundingStrategy::MidpointAwayFromZero)
        })
        .sum()
}

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

#[test]
fn billed_splits_spend_by_the_tag_and_counts_iam_principal_tags_once_active() {
    let w = world();
    w.activate("Department", "2025-01-01");
    let p = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "search-sonnet", "source": SONNET_US, "tags": {"Department": "Search"}},
    ]));
    let day = w.date_days_ago(2);
    let search = [1000, 500, 0, 0];
    let system = [2000, 100, 0, 0];
    let bare = [3000, 300, 0, 0];
    w.seed_usage([
        usage(&p[0], &day).invocations(1).tokens(search),
        usage_in("us-east-1", SONNET_US, &day)
            .invocations(1)
            .tokens(system)
            .with("principal_tags", json!({"Department": "Support"})),
        usage_in("us-east-1", NOVA_PRO, &day).invocations(1).tokens(bare),
    ]);
    let tagged = cost(&w, p[0]["id"].as_str().unwrap(), "us-east-1", search);
    let by_caller = cost(&w, SONNET_US, "us-east-1", system);
    let untagged = cost(&w, NOVA_PRO, "us-east-1", bare);

    w.clear_requests();
    let v = coverage(&w, &["--billed", "-o", "json"]).ok().json();
    let b = &v["billed"];
    assert_eq!(b["iam_principal_allocation"], false);
    assert_eq!(b["principal_key"], Value::Null);
    assert_eq!(
        b["periods"].as_array().unwrap().len(),
        1,
        "2026-11-15 to 22: one month"
    );
    let period = &b["periods"][0];
    assert_eq!(
        (&period["start"], &period["end"]),
        (&json!("2026-11-15"), &json!("2026-11-23"))
    );
    assert_eq!(dec(&period["tagged"]), tagged);
    assert_eq!(dec(&period["untagged"]), by_caller + untagged);
    assert_eq!(dec(&period["by_principal"]), Decimal::ZERO);
    assert_eq!(b["paid_requests"], w.count("ce:*"));
    assert_only_reads(&w);

    // The billing console activates the caller's Department: its spend is attributed.
    w.activate("iamPrincipal/Department", "2025-01-01");
    w.clear_requests();
    let run = coverage(&w, &["--billed", "--no-cache", "-o", "json"]).ok();
    let b = &run.json()["billed"];
    assert_eq!(b["iam_principal_allocation"], true);
    assert_eq!(b["principal_key"], "iamPrincipal/Department");
    let period = &b["periods"][0];
    assert_eq!(dec(&period["tagged"]), tagged);
    assert_eq!(dec(&period["by_principal"]), by_caller);
    assert_eq!(dec(&period["untagged"]), untagged);
    let share = ((tagged + by_caller) * Decimal::ONE_HUNDRED / (tagged + by_caller + untagged))
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    assert_eq!(dec(&period["attributed_share_percent"]), share);
    // The tag list, the services, the report by tag and the untagged spend by caller.
    assert_eq!(w.count("ce:ListCostAllocationTags"), 1);
    assert_eq!(w.count("ce:GetDimensionValues"), 1);
    assert_eq!(w.count("ce:GetCostAndUsage"), 2);
    assert_eq!(b["paid_requests"], 4);
    assert_only_reads(&w);
    let table = coverage(&w, &["--billed"]).ok().stdout();
    assert!(table.contains("IAM-principal cost allocation is on"), "{table}");
    assert!(table.contains("BY PRINCIPAL"), "{table}");
}

#[test]
fn billed_sends_the_request_cost_sends_so_one_answers_the_other_from_the_cache() {
    let w = world();
    w.activate("Department", "2025-01-01");
    let p = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "search-sonnet", "source": SONNET_US, "tags": {"Department": "Search"}},
    ]));
    w.seed_usage([usage(&p[0], &w.date_days_ago(1))
        .invocations(1)
        .tokens([100, 10, 0, 0])]);
    // `--since 7d` at NOW covers 2026-11-15 to 2026-11-22.
    let report: Value = w
        .run(["cost", "--from", "2026-11-15", "--to", "2026-11-22", "-o", "json"])
        .ok()
        .json();
    w.clear_requests();
    let v = coverage(&w, &["--billed", "-o", "json"]).ok().json();
    assert_eq!(
        w.count("ce:GetCostAndUsage"),
        0,
        "answered from cost's cache entry"
    );
    assert_eq!(w.count("ce:GetDimensionValues"), 0);
    assert_eq!(
        dec(&v["billed"]["total"]["tagged"]),
        dec(&report["rows"][0]["total"])
    );
}

#[test]
fn help_text() {
    let out = crate::support::bare(["coverage", "--help"]).ok();
    snapshot!("help_coverage", out.stdout());
}
