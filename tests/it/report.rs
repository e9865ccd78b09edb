//! `report`: the HTML page of a seeded account. Its tables are checked
//! against what was seeded (tokens) and what the emulator billed for it
//! (spend, the estimates of the window and of this month), its budgets
//! against AWS Budgets' own `CalculatedSpend`, its charts' bars against
//! those tables, its paid requests against the request log; its structure
//! is a snapshot. Across accounts, departments are summed and Cost Explorer
//! is filtered to the accounts read. Failures: a part AWS refuses is named
//! on the page (exit 1), a failure before the end leaves any earlier file
//! whole, and a 1,000-profile account stays under 3 MB.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};

use crate::support::{self, NOVA_PRO, Priced, Run, SONNET_US, World, snapshot};

/// 2026-11-22 13:00 UTC: `--since 30d` is Oct 23 → Nov 22, so the cost part is October and November.
const NOW: &str = support::INSTANTS[2];
const REGIONS: &str = "us-east-1,us-west-2";
const NOVA_MICRO_US: &str = "us.amazon.nova-micro-v1:0";

fn world() -> World {
    support::world().at(NOW)
}

/// The figure of each cell of `<table id="ID">`'s body, row by row: the
/// exact decimal of an amount shown to the cent (`data-exact`), else the
/// text, tags stripped and entities left as they are.
fn table(page: &str, id: &str) -> Vec<Vec<String>> {
    cells(page, id, true)
}

/// The text of each cell of `<table id="ID">`'s body as the page shows it.
fn shown(page: &str, id: &str) -> Vec<Vec<String>> {
    cells(page, id, false)
}

fn cells(page: &str, id: &str, exact: bool) -> Vec<Vec<String>> {
    let start = page
        .find(&format!("<table id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no table {id}"));
    let html = &page[start..start + page[start..].find("</table>").unwrap()];
    let body = &html[html.find("<tbody>").unwrap()..html.find("</tbody>").unwrap()];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let attrs = &cell[..cell.find('>').unwrap()];
                    match attrs.split_once("data-exact=\"") {
                        Some((_, rest)) if exact => rest[..rest.find('"').unwrap()].to_owned(),
                        _ => strip_tags(&cell[cell.find('>').unwrap() + 1..]).trim().to_owned(),
                    }
                })
                .collect()
        })
        .collect()
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// The `<rect>`s (bars) of `<figure id="ID">`.
fn bars(page: &str, id: &str) -> usize {
    let start = page
        .find(&format!("<figure id=\"{id}\""))
        .unwrap_or_else(|| panic!("no figure {id}"));
    page[start..start + page[start..].find("</figure>").unwrap()]
        .matches("<rect")
        .count()
}

/// The HTML of `<section id="ID">`.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    &page[start..start + page[start..].find("</section>").unwrap()]
}

/// Each amount of `<table id="ID">` is shown to the cent of its exact
/// figure (`data-exact`), and some exact figure has more than cents.
fn assert_shown_to_the_cent(page: &str, id: &str) {
    let spend = table(page, id);
    let cents = shown(page, id);
    for (exact, shown) in spend.iter().flatten().zip(cents.iter().flatten()) {
        let shown = shown.replace("&#60;", "<");
        if let Ok(d) = exact.replace(',', "").parse::<Decimal>() {
            let to_cent = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            if shown == "< 0.01" {
                assert!(to_cent.is_zero() && !d.is_zero(), "{exact} is shown as {shown}");
            } else {
                assert_eq!(number(&shown), to_cent, "{exact} is shown as {shown}");
            }
        }
    }
    assert!(
        spend
            .iter()
            .flatten()
            .any(|c| c.split_once('.').is_some_and(|(_, f)| f.len() > 2)),
        "some figure has more than cents, so the check above compares something: {spend:?}"
    );
}

fn number(cell: &str) -> Decimal {
    cell.replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {cell}"))
}

/// The page without what a structure snapshot should not hold: the style
/// sheet, and each chart's SVG drawing, kept as its bar count and labels.
fn outline(page: &str) -> String {
    let mut out = String::new();
    let mut rest = page;
    let style = rest.find("<style>").unwrap();
    out.push_str(&rest[..style]);
    out.push_str("<style>[CSS]</style>");
    rest = &rest[rest.find("</style>").unwrap() + "</style>".len()..];
    while let Some(at) = rest.find("<svg") {
        out.push_str(&rest[..at]);
        let end = at + rest[at..].find("</svg>").unwrap() + "</svg>".len();
        let svg = &rest[at..end];
        let labels: Vec<String> = svg
            .split("<text")
            .skip(1)
            .map(|t| strip_tags(&t[t.find('>').unwrap() + 1..]).trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        let _ = write!(
            out,
            "<svg rects={} labels=[{}]/>",
            svg.matches("<rect").count(),
            labels.join(" | ")
        );
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Four profiles in two regions, created 90 days ago: Search (Sonnet) and
/// Support (Nova Pro) with traffic, Legal idle since creation, one without
/// a Department with a little traffic; plus traffic that names a system
/// profile (untagged spend that no profile's usage shows). Returns what
/// each Department (`None`: untagged) spent and its tokens.
struct Seeded {
    spent: BTreeMap<Option<String>, Decimal>,
    /// What the profiles' traffic cost (the bypass traffic left out), over
    /// the window and in November so far.
    through_profiles: BTreeMap<Option<String>, Decimal>,
    this_month: BTreeMap<Option<String>, Decimal>,
    tokens: BTreeMap<Option<String>, [u64; 4]>,
    /// Search's savings by hand: reads × (input − read price) − writes ×
    /// (write − input price), from the emulator's price table.
    search_savings: Decimal,
    /// What the traffic costs at the price table's prices: through tagged
    /// profiles, through the untagged one, straight to the system profile.
    coverage: [Decimal; 3],
}

fn seeded(w: &World) -> Seeded {
    w.activate("Department", "2025-01-01");
    let created = w.time_days_ago(90);
    let p = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "search-sonnet", "source": SONNET_US, "tags": {"Department": "Search"}, "created_at": created},
        {"region": "us-east-1", "name": "support-nova", "source": NOVA_PRO, "tags": {"Department": "Support"}, "created_at": created},
        {"region": "us-west-2", "name": "legal-nova", "source": NOVA_PRO, "tags": {"Department": "Legal"}, "created_at": created},
        {"region": "us-west-2", "name": "orphan-nova", "source": NOVA_PRO, "tags": {"Owner": "bob"}, "created_at": created},
    ]));
    let traffic = |i: usize, source: &'static str, region: &'static str, days_ago: i64, tokens: [u64; 4]| {
        assert_eq!(p[i]["region"], region);
        Priced {
            model: p[i]["id"].as_str().unwrap().to_owned(),
            source,
            region,
            date: w.date_days_ago(days_ago),
            tokens,
        }
    };
    let calls = [
        (
            Some("Search"),
            traffic(
                0,
                SONNET_US,
                "us-east-1",
                30,
                [1_000_003, 200_001, 3_000_007, 500_009],
            ),
        ),
        (
            Some("Search"),
            traffic(0, SONNET_US, "us-east-1", 3, [400_000, 50_000, 1_000_000, 0]),
        ),
        (
            Some("Support"),
            traffic(1, NOVA_PRO, "us-east-1", 5, [2_000_011, 100_003, 0, 0]),
        ),
        (None, traffic(3, NOVA_PRO, "us-west-2", 2, [10_007, 1_009, 0, 0])),
    ];
    let bypass = Priced {
        model: NOVA_MICRO_US.into(),
        source: NOVA_MICRO_US,
        region: "us-east-1",
        date: w.date_days_ago(4),
        tokens: [3_333_337, 111_113, 0, 0],
    };
    w.seed_usage(calls.iter().map(|(_, c)| c.record()).chain([bypass.record()]));
    let mut spent: BTreeMap<Option<String>, Decimal> = BTreeMap::new();
    let mut this_month: BTreeMap<Option<String>, Decimal> = BTreeMap::new();
    let mut tokens: BTreeMap<Option<String>, [u64; 4]> = BTreeMap::new();
    let november = w.date_days_ago(21);
    for (dept, call) in &calls {
        let dept = dept.map(str::to_owned);
        *spent.entry(dept.clone()).or_default() += call.cost(w);
        if call.date >= november {
            *this_month.entry(dept.clone()).or_default() += call.cost(w);
        }
        let t = tokens.entry(dept).or_default();
        for (sum, n) in t.iter_mut().zip(call.tokens) {
            *sum += n;
        }
    }
    let through_profiles = spent.clone();
    let bypass_cost = bypass.cost(w);
    *spent.entry(None).or_default() += bypass_cost;
    let attributed = through_profiles
        .iter()
        .filter(|(d, _)| d.is_some())
        .map(|(_, v)| *v)
        .sum();
    let coverage = [attributed, through_profiles[&None], bypass_cost];
    tokens.insert(Some("Legal".into()), [0; 4]);
    let price = |kind: &str| -> Decimal {
        let p = w.control(
            "GET",
            &format!("/_emu/prices?model_id={SONNET_US}&region=us-east-1"),
            None,
        );
        p[kind].as_str().unwrap().parse().unwrap()
    };
    let [input, _, read, write] = tokens[&Some("Search".to_owned())];
    let search_savings = (Decimal::from(read) * (price("input") - price("cache_read"))
        - Decimal::from(write) * (price("cache_write") - price("input")))
        / Decimal::from(1000);
    assert!(input > 0 && read > 0 && write > 0);
    Seeded {
        spent,
        through_profiles,
        this_month,
        tokens,
        search_savings,
        coverage,
    }
}

/// The seeded figures match to the cent, and within the emulator's rounding
/// of each line item to 10 decimals.
fn assert_billed(estimate: Decimal, bill: Decimal, what: &str) {
    assert_eq!(estimate.round_dp(2), bill.round_dp(2), "{what}");
    assert!(
        (estimate - bill).abs() < Decimal::new(1, 8),
        "{what}: {estimate} vs {bill}"
    );
}

fn key(cell: &str) -> Option<String> {
    (cell != "(untagged)").then(|| cell.to_owned())
}

/// `report --out OUT --region REGIONS` with `extra` flags.
fn run_report(w: &World, out: &Path, extra: &[&str]) -> Run {
    w.run(
        [
            &["report", "--out", out.to_str().unwrap(), "--region", REGIONS][..],
            extra,
        ]
        .concat(),
    )
}

fn report(w: &World, out: &Path) -> String {
    run_report(w, out, &[]).ok().stdout_has("wrote ");
    std::fs::read_to_string(out).unwrap()
}

/// `report -o json` when one section fails: exit 1, the count said on
/// stderr; the JSON summary and the page written anyway.
fn report_with_one_failure(w: &World) -> (Value, String) {
    let out = w.home().join("report.html");
    let summary = run_report(w, &out, &["-o", "json"])
        .code(1)
        .stderr_has("1 of 7 report sections failed")
        .json();
    (summary, std::fs::read_to_string(&out).unwrap())
}

/// Each section's status in a JSON summary, by section name.
fn statuses(summary: &Value) -> BTreeMap<String, String> {
    summary["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["section"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Coverage: every series is priced, so each class is its estimated USD,
/// exactly, and the bypass table names the system profile called directly.
fn assert_coverage(page: &str, seeded: &Seeded) {
    let coverage = table(page, "coverage-table");
    let amounts: Vec<(String, Decimal)> = coverage.iter().map(|r| (r[0].clone(), number(&r[1]))).collect();
    assert_eq!(
        amounts,
        [
            ("Attributed".to_owned(), seeded.coverage[0]),
            ("Untagged profiles".to_owned(), seeded.coverage[1]),
            ("Bypass".to_owned(), seeded.coverage[2]),
        ]
    );
    assert!(page.contains("Share of Bedrock traffic (estimated USD)"));
    assert_eq!(bars(page, "coverage-chart"), 3);
    let bypass = table(page, "bypass-table");
    assert_eq!(bypass.len(), 1);
    assert_eq!(
        (
            bypass[0][0].as_str(),
            bypass[0][1].as_str(),
            number(&bypass[0][2])
        ),
        (NOVA_MICRO_US, "us-east-1", seeded.coverage[2])
    );
}

#[test]
fn the_page_holds_the_seeded_spend_tokens_and_idle_profiles_and_draws_a_bar_for_each() {
    let w = world();
    let seeded = seeded(&w);
    let out = w.home().join("report.html");
    let page = report(&w, &out);

    // Spend: each Department's row totals what its priced traffic cost.
    // Columns: Department, Oct, Nov, Nov (1–22) estimate, Billed, Share.
    let spend = table(&page, "spend-table");
    let billed: Vec<&Vec<String>> = spend.iter().filter(|r| r[4] != "–").collect();
    let totals: BTreeMap<Option<String>, Decimal> =
        billed.iter().map(|r| (key(&r[0]), number(&r[4]))).collect();
    assert_eq!(totals, seeded.spent);
    let non_zero = billed
        .iter()
        .flat_map(|r| &r[1..3])
        .filter(|c| !number(c).is_zero())
        .count();
    assert_eq!(
        non_zero, 4,
        "Search in October; Search, Support and untagged in November"
    );
    // This month's estimate: what November's traffic through each profile was billed.
    let november: BTreeMap<Option<String>, Decimal> =
        spend.iter().map(|r| (key(&r[0]), number(&r[3]))).collect();
    assert_eq!(november.len(), 4, "Legal has a row of its own: {spend:?}");
    for (dept, bill) in &seeded.this_month {
        assert_billed(november[dept], *bill, &format!("{dept:?} this month"));
    }
    assert!(november[&Some("Legal".to_owned())].is_zero());
    assert!(page.contains(">Nov 2026 (1–22) estimate<"));
    // Shown to the cent, the exact figure beside it: the estimate's decimals run long.
    assert_shown_to_the_cent(&page, "spend-table");
    assert_eq!(
        bars(&page, "spend-chart"),
        non_zero + 3,
        "a faded bar per department with an estimate"
    );

    // The window's estimate: each Department's bill (bypass traffic is no profile's).
    // Columns: Department, Profiles, Estimated, Cache savings, Cache hit, Unpriced, Input,
    // Output, Cache read, Cache write.
    let estimated = table(&page, "estimated-table");
    assert_eq!(estimated.len(), 4);
    for r in &estimated {
        let dept = key(&r[0]);
        let total = number(&r[2]);
        let bill = seeded.through_profiles.get(&dept).copied().unwrap_or_default();
        assert_billed(total, bill, &format!("{dept:?} estimated"));
        let kinds: Decimal = r[6..10].iter().map(|c| number(c)).sum();
        assert_eq!(kinds, total, "the kinds add up: {r:?}");
        assert_eq!(r[5], "0", "nothing unpriced");
    }
    let search = estimated.iter().find(|r| r[0] == "Search").unwrap();
    assert_eq!(number(&search[3]), seeded.search_savings, "savings by hand");
    let [input, _, read, write] = seeded.tokens[&Some("Search".to_owned())];
    #[allow(clippy::cast_precision_loss)]
    let hit = read as f64 / (input + read + write) as f64 * 100.0;
    assert_eq!(search[4], format!("{hit:.1}%"));
    assert_eq!(
        bars(&page, "estimated-chart"),
        3,
        "Search, Support, untagged; Legal costs nothing"
    );

    // Tokens: exactly what was seeded, per Department.
    let usage = table(&page, "usage-table");
    let seen: BTreeMap<Option<String>, [u64; 4]> = usage
        .iter()
        .map(|r| {
            let n = |i: usize| u64::try_from(number(&r[i])).unwrap();
            // Department, Profiles, Invocations, Input, Cache read, Cache write, Output, …
            (key(&r[0]), [n(3), n(6), n(4), n(5)])
        })
        .collect();
    assert_eq!(seen, seeded.tokens);
    assert_eq!(bars(&page, "tokens-chart"), 3, "Legal has no tokens, so no bar");
    assert_eq!(bars(&page, "cache-chart"), 1, "only Search reads from the cache");

    // Idle: the profile with no traffic, as old as it was made.
    let idle = table(&page, "idle-table");
    assert_eq!(idle, [["legal-nova", "us-west-2", "Legal", "90", "none seen"]]);
    assert_eq!(bars(&page, "idle-chart"), 1);

    // The header: the account STS names, and the paid requests the log saw.
    assert!(page.contains(&format!("<dd>{}</dd>", support::ACCOUNT)));
    let paid = w.count("ce:*");
    assert!(paid > 0);
    assert!(
        page.contains(&format!("<dd>{paid} (USD 0.0{paid})</dd>")),
        "{paid} paid requests"
    );
    assert_coverage(&page, &seeded);
    for filled in ["estimated", "budgets", "coverage"] {
        assert!(!section(&page, filled).contains("Not available"), "{filled}");
    }
    assert!(section(&page, "budgets").contains(&format!(
        "No budget managed by aipctl in account {}",
        support::ACCOUNT
    )));
    assert_eq!(w.count("budgets:DescribeBudgets"), 1, "one read of the budgets");

    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\d{4}-\d{2}-\d{2}", "[DATE]");
    settings.add_filter(r"\d{2}:\d{2} UTC", "[TIME] UTC");
    settings.add_filter(
        r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}",
        "[MONTH]",
    );
    settings.bind(|| snapshot!("page_structure", outline(&page)));
}

#[test]
fn a_second_report_is_served_from_the_cache_and_pays_nothing() {
    let w = world();
    seeded(&w);
    let out = w.home().join("report.html");
    report(&w, &out);
    let first = w.count("ce:*");
    w.clear_requests();
    let page = report(&w, &out);
    assert_eq!(w.count("ce:*"), 0, "no Cost Explorer request the second time");
    assert!(
        page.contains(&format!(
            "<dd>0 (USD 0.00); {first} requests answered from the cache</dd>"
        )),
        "the header says so"
    );
    run_report(&w, &out, &["-o", "json"])
        .ok()
        .json()
        .get("paid_requests")
        .filter(|n| *n == &Value::from(0))
        .expect("JSON says 0 paid requests");
}

#[test]
fn a_part_aws_refuses_is_named_on_the_page_and_the_rest_is_written() {
    let w = world();
    seeded(&w);
    w.faults(
        json!([{"service": "ce", "operation": "GetCostAndUsage", "error": "AccessDeniedException",
                     "status": 400, "message": "not for you"}]),
    );
    let (summary, page) = report_with_one_failure(&w);
    assert_eq!(summary["sections"][0]["status"], "failed");
    assert_eq!(summary["sections"][2]["status"], "ready");
    assert!(
        page.contains("<p class=\"failed\">Not available: ce GetCostAndUsage"),
        "the page says why"
    );
    assert!(page.contains("AccessDeniedException: not for you"));
    assert!(!page.contains("spend-table") && page.contains("usage-table") && page.contains("idle-table"));
}

#[test]
fn a_coverage_that_cannot_be_read_is_named_in_its_section_and_the_rest_is_written() {
    let w = world();
    seeded(&w);
    // The other CloudWatch reads list each region's metrics first; coverage lists after them.
    let out = w.home().join("before.html");
    run_report(&w, &out, &["-o", "json"]).ok();
    let before_coverage = w.count("ListMetrics") - 2;
    w.clear_requests();
    w.faults(
        json!([{"service": "cloudwatch", "operation": "ListMetrics", "error": "AccessDenied",
                     "status": 403, "message": "no ListMetrics", "skip": before_coverage}]),
    );
    let (summary, page) = report_with_one_failure(&w);
    assert_eq!(statuses(&summary)["coverage"], "failed");
    let section = section(&page, "coverage");
    assert!(
        section.contains("Not available: cloudwatch ListMetrics"),
        "{section}"
    );
    assert!(page.contains("spend-table") && page.contains("usage-table") && !page.contains("coverage-table"));
}

#[test]
fn a_report_that_fails_before_the_end_leaves_the_earlier_file_whole() {
    let w = world();
    seeded(&w);
    let out = w.home().join("kept.html");
    std::fs::write(&out, "the earlier report").unwrap();
    w.faults(
        json!([{"service": "bedrock", "operation": "ListInferenceProfiles",
                     "error": "AccessDeniedException", "status": 403}]),
    );
    run_report(&w, &out, &[])
        .code(1)
        .stderr_has("AccessDeniedException");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "the earlier report");
    let left: Vec<String> = std::fs::read_dir(w.home())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("kept"))
        .collect();
    assert_eq!(left, ["kept.html"], "no temporary file left beside it");
}

#[test]
fn an_out_path_that_cannot_be_written_exits_2_before_any_request() {
    let w = world();
    let file = w.file("plain-file", "x");
    let cases = [
        w.home().join("no-such-dir").join("r.html"),
        file.join("r.html"),
        w.home().to_owned(),
    ];
    for out in cases {
        w.run(["report", "--out", out.to_str().unwrap()])
            .code(2)
            .stderr_has("invalid --out");
        assert!(!out.is_file() || out == file);
    }
    assert_eq!(w.requests(), Vec::<Value>::new(), "nothing asked of AWS");
}

/// 1,000 profiles in 4 regions, 40 departments, 30 days of traffic (the
/// emulator's bench seed): the page stays well under 3 MB.
#[test]
fn a_thousand_profiles_make_a_page_under_three_megabytes() {
    let w = world();
    let regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"];
    w.control(
        "POST",
        "/_emu/seed",
        Some(
            json!({"scenario": "bench", "profiles": 1000, "regions": regions, "days": 30, "departments": 40}),
        ),
    );
    let out = w.home().join("big.html");
    w.run([
        "report",
        "--out",
        out.to_str().unwrap(),
        "--region",
        &regions.join(","),
    ])
    .ok();
    let page = std::fs::read_to_string(&out).unwrap();
    let bytes = page.len();
    // About 100 KB when this was written: nothing on the page grows with the profiles but the idle list.
    assert!(bytes < 3 * 1024 * 1024, "{bytes} bytes");
    assert_eq!(table(&page, "usage-table").len(), 40, "a row per department");
}

/// Search and Support with a budget each; Search's limit is below what it
/// spent this month.
const SPEC: &str = r#"name = "platform"

[defaults]
regions = ["us-east-1"]
models = ["nova"]
budget = { monthly = 2000, notify = ["finops@example.com"], thresholds = [80, 100], forecast = true }

[models.nova]
source = "amazon.nova-pro-v1:0"

[teams.search]
department = "Search"
budget = { monthly = 2 }

[teams.support]
department = "Support"
"#;

fn cents(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("a decimal string: {v}"))
        .parse::<Decimal>()
        .unwrap()
        .round_dp(2)
}

#[test]
fn budgets_show_the_spend_aws_budgets_computes_and_the_thresholds_it_crossed() {
    let w = world();
    seeded(&w);
    let spec = w.file("spec.toml", SPEC);
    w.run(["apply", "-f", spec.to_str().unwrap(), "--yes"]).ok();
    let out = w.home().join("report.html");
    let page = report(&w, &out);

    // Budget, Department, Limit, Actual, Forecast, Used, Thresholds crossed.
    let rows = table(&page, "budgets-table");
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["aipctl-platform-Search", "aipctl-platform-Support"]);
    for r in &rows {
        let api = crate::budgets::budget(&w, &r[0]).unwrap();
        let spend = &api["CalculatedSpend"];
        let actual = cents(&spend["ActualSpend"]["Amount"]);
        assert!(actual > Decimal::ZERO, "{api}");
        assert_eq!(number(&r[3]), actual, "{}: AWS Budgets' actual", r[0]);
        // AWS forecasts only with a billing cycle of history: Search has October's.
        let forecast = spend.get("ForecastedSpend").map(|f| cents(&f["Amount"]));
        match forecast {
            Some(f) => assert_eq!(number(&r[4]), f, "{}: AWS Budgets' forecast", r[0]),
            None => assert_eq!(r[4], "–", "{}: no forecast", r[0]),
        }
        let limit = cents(&api["BudgetLimit"]["Amount"]);
        assert_eq!(number(&r[2]), limit);
        let used = (actual * Decimal::ONE_HUNDRED / limit).round_dp(1).normalize();
        assert_eq!(r[5], format!("{used}%"));
        let over = |amount: Decimal, pct: i64| amount * Decimal::ONE_HUNDRED > limit * Decimal::from(pct);
        let expected: Vec<&str> = [
            ("actual > 80%", over(actual, 80)),
            ("actual > 100%", over(actual, 100)),
            ("forecast > 100%", forecast.is_some_and(|f| over(f, 100))),
        ]
        .iter()
        .filter(|(_, crossed)| *crossed)
        .map(|(n, _)| *n)
        .collect();
        let crossed = r[6].replace("&#62;", ">").replace("&gt;", ">");
        if expected.is_empty() {
            assert!(crossed.starts_with("none of"), "{crossed}");
        } else {
            assert_eq!(crossed, expected.join(", "), "{}", r[0]);
        }
    }
    assert!(
        rows[0][6].contains("actual &#62; 100%") || rows[0][6].contains("actual > 100%"),
        "Search spent more than its USD 2: {:?}",
        rows[0]
    );
    assert!(rows[0][4] != "–", "Search has October's history, so a forecast");
    assert_eq!(
        bars(&page, "budgets-chart"),
        2,
        "a bar for each budget's share used"
    );
}

#[test]
fn a_budgets_refusal_is_named_in_its_section_and_the_rest_is_written() {
    let w = world();
    seeded(&w);
    w.faults(json!([{"service": "budgets", "operation": "DescribeBudgets", "error": "AccessDeniedException",
        "message": "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: budgets:ViewBudget"}]));
    let (summary, page) = report_with_one_failure(&w);
    let status = statuses(&summary);
    assert_eq!(status["budgets"], "failed");
    assert_eq!(status["spend"], "ready");
    assert_eq!(status["this month's estimate"], "ready");
    let budgets = section(&page, "budgets");
    assert!(budgets.contains("<p class=\"failed\">Not available: budgets DescribeBudgets"));
    assert!(budgets.contains("AccessDeniedException") && budgets.contains("budgets:ViewBudget"));
    for other in ["spend-table", "estimated-table", "usage-table", "idle-table"] {
        assert!(page.contains(other), "{other} is still written");
    }
}

#[test]
fn tokens_of_a_model_that_cannot_be_priced_are_named_never_counted_as_zero() {
    let w = world();
    w.activate("Department", "2025-01-01");
    let p = w.seed_profiles(json!([
        {"region": "us-east-1", "name": "design-sonnet", "source": SONNET_US, "tags": {"Department": "Design"}},
        {"region": "us-west-2", "name": "design-nova", "source": NOVA_PRO, "tags": {"Department": "Design"}},
        {"region": "us-west-2", "name": "legal-nova", "source": NOVA_PRO, "tags": {"Department": "Legal"}},
    ]));
    let sonnet = Priced {
        model: p[0]["id"].as_str().unwrap().to_owned(),
        source: SONNET_US,
        region: "us-east-1",
        date: w.date_days_ago(1),
        tokens: [100_000, 10_000, 0, 0],
    };
    let nova = |i: usize| {
        support::usage(&p[i], &w.date_days_ago(1))
            .invocations(5)
            .tokens([500_000, 1_000, 0, 0])
    };
    w.seed_usage([sonnet.record(), nova(1), nova(2)]);
    // us-west-2 knows no Nova Pro: its profiles' model has no name to price.
    w.faults(
        json!([{"service": "bedrock", "operation": "GetFoundationModel", "region": "us-west-2",
        "error": "ResourceNotFoundException", "status": 404, "message": "no such model"}]),
    );
    let out = w.home().join("report.html");
    let page = report(&w, &out);

    let estimated = table(&page, "estimated-table");
    let row = |d: &str| estimated.iter().find(|r| r[0] == d).unwrap().clone();
    // Design: the priced part (Sonnet), one profile out; Legal: unpriced, not 0.
    assert_billed(number(&row("Design")[2]), sonnet.cost(&w), "Design's priced part");
    assert_eq!(row("Design")[5], "1");
    assert_eq!(row("Legal")[2], "unpriced");
    assert_eq!(row("Legal")[3], "unpriced");
    let unpriced = table(&page, "unpriced-table");
    let named: Vec<(&str, &str)> = unpriced.iter().map(|r| (r[0].as_str(), r[2].as_str())).collect();
    assert_eq!(named, [("design-nova", "Design"), ("legal-nova", "Legal")]);
    assert!(unpriced[0][3].contains("names no model"), "{unpriced:?}");
    assert!(
        section(&page, "estimated")
            .contains("A row with unpriced profiles shows the estimate of its priced ones")
    );
    assert!(section(&page, "spend").contains("The estimate leaves out 2 profiles"));
}

const ALPHA: &str = "234567890123";
const BETA: &str = "345678901234";

/// An organization: the caller's account (the management one) and two
/// members, each with a Search profile and a day of traffic; what each
/// account's traffic was billed.
fn organization(w: &World) -> BTreeMap<&'static str, Decimal> {
    w.control(
        "POST",
        "/_emu/organizations",
        Some(json!({
            "management": {"id": support::ACCOUNT, "name": "mgmt"},
            "accounts": [{"id": ALPHA, "name": "alpha"}, {"id": BETA, "name": "beta"}],
        })),
    );
    w.activate("Department", "2025-01-01");
    let mut billed = BTreeMap::new();
    for (i, account) in [support::ACCOUNT, ALPHA, BETA].into_iter().enumerate() {
        let seeded = w.control(
            "POST",
            "/_emu/profiles",
            Some(json!({"account_id": account, "profiles": [
                {"region": "us-east-1", "name": format!("chat-{i}"), "source": NOVA_PRO,
                 "tags": {"Department": "Search"}, "created_at": w.time_days_ago(60)}
            ]})),
        );
        let profile = &seeded["profiles"][0];
        let n = 1_000_000 * (u64::try_from(i).unwrap() + 1);
        let record = support::usage(profile, &w.date_days_ago(2))
            .invocations(7)
            .tokens([n, n / 10, 0, 0])
            .json();
        let answer = w.control(
            "POST",
            "/_emu/usage",
            Some(json!({"account_id": account, "records": [record]})),
        );
        billed.insert(account, answer["cost_usd"].as_str().unwrap().parse().unwrap());
    }
    w.clear_requests();
    billed
}

/// Logged requests of `operation`, by the account they were made in.
fn per_account(w: &World, operation: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for r in w.requests() {
        if r["operation"] == operation {
            *out.entry(r["account"].as_str().unwrap_or("").to_owned())
                .or_default() += 1;
        }
    }
    out
}

#[test]
fn across_accounts_departments_are_summed_and_cost_explorer_is_filtered_to_them() {
    let w = world();
    let billed = organization(&w);
    let out = w.home().join("org.html");
    let accounts = format!("{ALPHA},{BETA}");
    w.run([
        "report",
        "--out",
        out.to_str().unwrap(),
        "--region",
        "us-east-1",
        "--accounts",
        &accounts,
    ])
    .ok()
    .stdout_has("2 accounts");
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(
        page.contains(&format!("<dt>Accounts</dt><dd>2: {ALPHA}, {BETA}")),
        "the header lists them"
    );
    assert!(page.contains("figures are summed across these accounts"));

    // Search: two profiles, one in each account, and their bills together.
    let usage = table(&page, "usage-table");
    assert_eq!(usage[0][0], "Search");
    assert_eq!(usage[0][1], "2");
    let both = billed[ALPHA] + billed[BETA];
    let estimated = table(&page, "estimated-table");
    assert_billed(number(&estimated[0][2]), both, "Search across the two accounts");
    let spend = table(&page, "spend-table");
    let search = spend.iter().find(|r| r[0] == "Search").unwrap();
    assert_eq!(
        number(&search[4]),
        both,
        "the payer's bill of those two accounts only"
    );

    // CloudWatch in each account read; Cost Explorer and Budgets in the caller's.
    let metrics = per_account(&w, "GetMetricData");
    assert_eq!(metrics.keys().cloned().collect::<Vec<_>>(), [ALPHA, BETA]);
    let caller_only = BTreeMap::from([(support::ACCOUNT.to_owned(), 1)]);
    assert_eq!(per_account(&w, "GetCostAndUsage"), caller_only);
    assert_eq!(per_account(&w, "DescribeBudgets"), caller_only);
}

#[test]
fn a_member_that_cannot_be_entered_is_named_and_the_others_are_summed() {
    let w = world();
    let billed = organization(&w);
    w.control(
        "DELETE",
        &format!("/_emu/iam/roles?account_id={BETA}&role_name=OrganizationAccountAccessRole"),
        None,
    );
    let out = w.home().join("org.html");
    w.run([
        "report",
        "--out",
        out.to_str().unwrap(),
        "--region",
        "us-east-1",
        "--accounts",
        "all",
    ])
    .code(1)
    .stderr_has("1 of 3 accounts failed")
    .stderr_has(&format!("{BETA} (beta)"));
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.contains(&format!(
        "<dt>Accounts</dt><dd>2: {} (mgmt), {ALPHA} (alpha)",
        support::ACCOUNT
    )));
    assert!(page.contains(&format!(
        "<dt>Accounts or regions not read</dt><dd class=\"failed\">{BETA}</dd>"
    )));
    let estimated = table(&page, "estimated-table");
    assert_billed(
        number(&estimated[0][2]),
        billed[support::ACCOUNT] + billed[ALPHA],
        "the accounts entered",
    );
}

#[test]
fn forecast_asks_cost_explorer_once_per_department_and_adds_a_column() {
    let w = world();
    seeded(&w);
    let out = w.home().join("report.html");
    let run = run_report(&w, &out, &["--forecast", "-o", "json"]).ok();
    let page = std::fs::read_to_string(&out).unwrap();
    let forecasts = w.count("ce:GetCostForecast");
    assert_eq!(
        forecasts, 3,
        "Search, Support and (untagged) in Cost Explorer's table"
    );
    assert!(page.contains(">Forecast 2026-11-22 → 2026-11-30<"));
    assert_eq!(
        run.json()["paid_requests"].as_u64().unwrap(),
        u64::try_from(w.count("ce:*")).unwrap()
    );
}
