//! The page from hand-made figures: every section filled (including those
//! no command fills yet), missing and failed sections, and escaping.

use jiff::Timestamp;
use rust_decimal::Decimal;

use super::html;
use crate::domain::cost::{CostRow, CostTable, DateRange, PaidRequests, Period};
use crate::domain::report::{
    Budget, Budgets, Bypass, Coverage, CoverageBasis, DepartmentUsage, Estimate, Estimated, Header, Idle,
    IdleProfile, Report, Spend, UsageRow,
};
use crate::domain::usage::Usage;
use crate::domain::window::{Span, Window};

const HOSTILE: &str = "<script>alert(\"x\")</script> & R&D";

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn now() -> Timestamp {
    "2026-11-22T13:00:00Z".parse().unwrap()
}

fn spend() -> Spend {
    let p = |s: &str, e: &str, estimated| Period {
        start: s.parse().unwrap(),
        end_exclusive: e.parse().unwrap(),
        estimated,
    };
    let row = |v: Option<&str>, a: [&str; 2]| CostRow {
        value: v.map(str::to_owned),
        group: None,
        amounts: a.iter().map(|s| dec(s)).collect(),
        total: a.iter().map(|s| dec(s)).sum(),
    };
    let table = CostTable {
        periods: vec![
            p("2026-10-01", "2026-11-01", false),
            p("2026-11-01", "2026-11-23", true),
        ],
        rows: vec![
            row(Some("Search"), ["1234.5678", "10"]),
            row(Some(HOSTILE), ["5", "0"]),
            row(None, ["-20", "3.25"]),
        ],
        period_totals: vec![dec("1219.5678"), dec("13.25")],
        total: dec("1232.8178"),
        unit: "USD".into(),
    };
    Spend::from_table(&table, None)
}

fn usage() -> DepartmentUsage {
    let u = |input: u64, read: u64, ratio: f64| Usage {
        invocations: 10,
        input_tokens: input,
        output_tokens: 5,
        cache_read_tokens: read,
        cache_hit_ratio: Some(ratio),
        ..Usage::default()
    };
    let rows = vec![
        UsageRow {
            value: Some("Search".into()),
            profiles: 2,
            usage: u(100, 300, 0.75),
        },
        UsageRow {
            value: Some(HOSTILE.into()),
            profiles: 1,
            usage: u(50, 0, 0.0),
        },
    ];
    DepartmentUsage {
        total: crate::domain::usage::total(rows.iter().map(|r| &r.usage)),
        rows,
    }
}

fn report() -> Report {
    Report {
        header: Header {
            account: "123456789012".into(),
            regions: vec!["us-east-1".into(), "eu-west-1".into()],
            failed_regions: vec![],
            tag_key: "Department".into(),
            window: Window::since(Span::Days(30), now()),
            cost_range: DateRange {
                start: "2026-10-01".parse().unwrap(),
                end_exclusive: "2026-11-23".parse().unwrap(),
            },
            generated_at: now(),
            profiles: 3,
            paid: PaidRequests::default(),
        },
        spend: Ok(spend()),
        usage: Ok(usage()),
        idle: Ok(Idle {
            idle_since: "2026-10-23".parse().unwrap(),
            rows: vec![IdleProfile {
                name: "old-one".into(),
                region: "us-east-1".into(),
                arn: "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc".into(),
                department: Some(HOSTILE.into()),
                age_days: Some(90),
                last_traffic: None,
            }],
            considered: 3,
        }),
        estimated: Some(Ok(Estimated {
            rows: vec![
                Estimate {
                    value: Some("Search".into()),
                    estimated_usd: Some(dec("12.3456")),
                    savings_usd: Some(dec("-0.5")),
                    unpriced_profiles: 0,
                },
                Estimate {
                    value: None,
                    estimated_usd: None,
                    savings_usd: None,
                    unpriced_profiles: 2,
                },
            ],
        })),
        coverage: Some(Ok(Coverage {
            basis: CoverageBasis::Tokens,
            attributed: dec("700"),
            untagged: dec("100"),
            bypass: dec("200"),
            top_bypass: vec![Bypass {
                model_id: "us.anthropic.claude-sonnet-4-5-20250929-v1:0".into(),
                regions: vec!["us-east-1".into()],
                amount: dec("200"),
            }],
        })),
        budgets: Some(Ok(Budgets {
            rows: vec![Budget {
                name: "aipctl-org-Search".into(),
                department: Some("Search".into()),
                limit_usd: dec("1000"),
                actual_usd: dec("1234.5678"),
                forecast_usd: Some(dec("1500")),
            }],
        })),
    }
}

/// The `<rect>`s of the figure with `id` (its bars).
fn bars(page: &str, id: &str) -> usize {
    let start = page
        .find(&format!("<figure id=\"{id}\""))
        .unwrap_or_else(|| panic!("no {id}"));
    let end = start + page[start..].find("</figure>").unwrap();
    page[start..end].matches("<rect").count()
}

#[test]
fn every_section_draws_its_chart_and_table_when_its_figures_exist() {
    let page = html(&report()).unwrap();
    // One bar per non-zero department-month: 2 + 1 + 2.
    assert_eq!(bars(&page, "spend-chart"), 5);
    assert_eq!(bars(&page, "tokens-chart"), 2);
    assert_eq!(bars(&page, "cache-chart"), 1, "no bar for a zero hit ratio");
    assert_eq!(bars(&page, "idle-chart"), 1);
    assert_eq!(bars(&page, "estimated-chart"), 1, "an unpriced row has no bar");
    assert_eq!(bars(&page, "coverage-chart"), 3);
    assert_eq!(bars(&page, "budgets-chart"), 1);
    for table in [
        "spend-table",
        "usage-table",
        "idle-table",
        "estimated-table",
        "coverage-table",
        "bypass-table",
        "budgets-table",
    ] {
        assert!(page.contains(&format!("<table id=\"{table}\">")), "{table}");
    }
    assert!(!page.contains("Not available"), "nothing is missing");
}

#[test]
fn tables_carry_exact_decimals_and_never_price_the_unpriced_at_zero() {
    let page = html(&report()).unwrap();
    assert!(page.contains(">1,234.5678<"), "exact, grouped");
    assert!(page.contains(">-20.00<"), "a credit stays negative");
    assert!(page.contains(">12.3456<") && page.contains(">-0.50<"));
    assert!(page.contains(">unpriced<"));
    assert!(page.contains(">123.5%<"), "a budget over its limit");
}

#[test]
fn tag_values_are_escaped_in_tables_legends_and_charts() {
    let page = html(&report()).unwrap();
    assert!(!page.contains("<script"), "no script");
    assert!(!page.contains("R&D"), "every `&` is escaped");
    // The template escapes with numeric references, plotters with named ones.
    let by_template = "&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; R&#38;D";
    let by_plotters = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; R";
    assert_eq!(page.matches(by_template).count(), 5, "2 legends, 3 tables");
    assert_eq!(
        page.matches(by_plotters).count(),
        2,
        "the tokens and cache charts' labels"
    );
}

#[test]
fn missing_sections_name_their_command_and_failed_ones_their_error() {
    let mut r = report();
    r.estimated = None;
    r.coverage = None;
    r.budgets = None;
    r.spend = Err("ce GetCostAndUsage in us-east-1 failed: AccessDeniedException: <no>".into());
    let page = html(&r).unwrap();
    assert!(page.contains("Not available yet: <code>aipctl usage</code>"));
    assert!(page.contains("Not available yet: <code>aipctl coverage</code> will provide it."));
    assert!(page.contains("Not available yet: <code>aipctl budgets</code> will provide it."));
    assert!(page.contains(
        "Not available: ce GetCostAndUsage in us-east-1 failed: AccessDeniedException: &#60;no&#62;"
    ));
    for gone in [
        "spend-chart",
        "spend-table",
        "estimated-table",
        "coverage-table",
        "budgets-table",
    ] {
        assert!(!page.contains(gone), "{gone} has no figures to show");
    }
}

#[test]
fn nothing_idle_is_one_sentence_without_chart_or_table() {
    let mut r = report();
    if let Ok(idle) = &mut r.idle {
        idle.rows.clear();
    }
    let page = html(&r).unwrap();
    assert!(page.contains("Nothing is idle: each of the 3 profiles had traffic since 2026-10-23"));
    assert!(!page.contains("idle-chart") && !page.contains("idle-table"));
}

#[test]
fn a_forecast_adds_a_column_and_its_total() {
    let mut r = report();
    if let Ok(spend) = &mut r.spend {
        spend.forecast = Some(crate::domain::report::Forecast {
            range: DateRange {
                start: "2026-11-22".parse().unwrap(),
                end_exclusive: "2026-12-01".parse().unwrap(),
            },
            per_row: vec![Some(dec("7.5")), None, Some(dec("1"))],
        });
    }
    let page = html(&r).unwrap();
    assert!(page.contains(">Forecast 2026-11-22 → 2026-11-30<"));
    assert!(page.contains(">7.50<") && page.contains(">too little history<") && page.contains(">8.50<"));
}

#[test]
fn an_account_without_profiles_says_so_instead_of_empty_sections() {
    let mut r = report();
    r.usage = Ok(DepartmentUsage {
        rows: vec![],
        total: Usage::default(),
    });
    if let Ok(idle) = &mut r.idle {
        idle.rows.clear();
        idle.considered = 0;
    }
    let page = html(&r).unwrap();
    assert_eq!(
        page.matches("No application inference profile in us-east-1, eu-west-1.")
            .count(),
        2
    );
    assert!(!page.contains("usage-table") && !page.contains("Nothing is idle"));
}
