//! `report`: the HTML page of a seeded account. Its tables are checked
//! against what was seeded (tokens) and what the emulator's price table
//! makes of it (spend), its charts' bars against those tables, its paid
//! requests against the request log; its structure is a snapshot. Failures:
//! a part AWS refuses is named on the page (exit 1), a failure before the
//! end leaves any earlier file whole, and a 1,000-profile account stays
//! under 3 MB.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::support::{self, NOVA_PRO, Priced, SONNET_US, World, snapshot};

/// 2026-11-22 13:00 UTC: `--since 30d` is Oct 23 → Nov 22, so the cost part is October and November.
const NOW: &str = support::INSTANTS[2];
const REGIONS: &str = "us-east-1,us-west-2";
const NOVA_MICRO_US: &str = "us.amazon.nova-micro-v1:0";

fn world() -> World {
    support::world().at(NOW)
}

/// The text of each cell of `<table id="ID">`'s body, row by row, tags
/// stripped and entities left as they are.
fn table(page: &str, id: &str) -> Vec<Vec<String>> {
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
                .map(|cell| strip_tags(&cell[cell.find('>').unwrap() + 1..]).trim().to_owned())
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
    tokens: BTreeMap<Option<String>, [u64; 4]>,
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
    let mut tokens: BTreeMap<Option<String>, [u64; 4]> = BTreeMap::new();
    for (dept, call) in &calls {
        let dept = dept.map(str::to_owned);
        *spent.entry(dept.clone()).or_default() += call.cost(w);
        let t = tokens.entry(dept).or_default();
        for (sum, n) in t.iter_mut().zip(call.tokens) {
            *sum += n;
        }
    }
    let bypass_cost = bypass.cost(w);
    let untagged = spent[&None];
    *spent.entry(None).or_default() += bypass_cost;
    tokens.insert(Some("Legal".into()), [0; 4]);
    let attributed = spent.iter().filter(|(d, _)| d.is_some()).map(|(_, v)| *v).sum();
    Seeded {
        spent,
        tokens,
        coverage: [attributed, untagged, bypass_cost],
    }
}

fn key(cell: &str) -> Option<String> {
    (cell != "(untagged)").then(|| cell.to_owned())
}

fn report(w: &World, out: &Path) -> String {
    w.run(["report", "--out", out.to_str().unwrap(), "--region", REGIONS])
        .ok()
        .stdout_has("wrote ");
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn the_page_holds_the_seeded_spend_tokens_and_idle_profiles_and_draws_a_bar_for_each() {
    let w = world();
    let seeded = seeded(&w);
    let out = w.home().join("report.html");
    let page = report(&w, &out);

    // Spend: each Department's row totals what its priced traffic cost.
    let spend = table(&page, "spend-table");
    let totals: BTreeMap<Option<String>, Decimal> =
        spend.iter().map(|r| (key(&r[0]), number(&r[3]))).collect();
    assert_eq!(
        totals, seeded.spent,
        "columns: Department, Oct, Nov, Total, Share"
    );
    let non_zero = spend
        .iter()
        .flat_map(|r| &r[1..3])
        .filter(|c| !number(c).is_zero())
        .count();
    assert_eq!(
        non_zero, 4,
        "Search in October; Search, Support and untagged in November"
    );
    assert_eq!(bars(&page, "spend-chart"), non_zero);

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
    // Coverage: every series is priced, so each class is its estimated USD, exactly.
    let coverage = table(&page, "coverage-table");
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
    assert_eq!(bars(&page, "coverage-chart"), 3);
    let bypass = table(&page, "bypass-table");
    assert_eq!(bypass.len(), 1);
    assert_eq!(
        (
            bypass[0][0].as_str(),
            bypass[0][1].as_str(),
            number(&bypass[0][2])
        ),
        (NOVA_MICRO_US, "us-east-1", seeded.coverage[2])
    );
    for section in ["estimated", "budgets"] {
        let at = page.find(&format!("<section id=\"{section}\"")).unwrap();
        assert!(
            page[at..]
                .split("</section>")
                .next()
                .unwrap()
                .contains("Not available yet"),
            "{section}"
        );
    }

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
    w.run([
        "report",
        "--out",
        out.to_str().unwrap(),
        "--region",
        REGIONS,
        "-o",
        "json",
    ])
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
    let out = w.home().join("report.html");
    let run = w
        .run([
            "report",
            "--out",
            out.to_str().unwrap(),
            "--region",
            REGIONS,
            "-o",
            "json",
        ])
        .code(1)
        .stderr_has("1 of 4 report sections failed");
    let summary = run.json();
    assert_eq!(summary["sections"][0]["status"], "failed");
    assert_eq!(summary["sections"][2]["status"], "ready");
    let page = std::fs::read_to_string(&out).unwrap();
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
    // Usage and idle profiles list each region's metrics first (4 requests); coverage lists after them.
    w.faults(
        json!([{"service": "cloudwatch", "operation": "ListMetrics", "error": "AccessDenied",
                     "status": 403, "message": "no ListMetrics", "skip": 4}]),
    );
    let out = w.home().join("report.html");
    let summary = w
        .run([
            "report",
            "--out",
            out.to_str().unwrap(),
            "--region",
            REGIONS,
            "-o",
            "json",
        ])
        .code(1)
        .stderr_has("1 of 4 report sections failed")
        .json();
    assert_eq!(summary["sections"][3]["section"], "coverage");
    assert_eq!(summary["sections"][3]["status"], "failed");
    let page = std::fs::read_to_string(&out).unwrap();
    let at = page.find("<section id=\"coverage\"").unwrap();
    let section = page[at..].split("</section>").next().unwrap();
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
    w.run(["report", "--out", out.to_str().unwrap(), "--region", REGIONS])
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
    // 75,599 bytes when this was written: nothing on the page grows with the profiles but the idle list.
    assert!(bytes < 3 * 1024 * 1024, "{bytes} bytes");
    assert_eq!(table(&page, "usage-table").len(), 40, "a row per department");
}
