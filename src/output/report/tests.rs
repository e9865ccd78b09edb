//! The page from hand-made figures: every section filled, missing and
//! failed sections, estimates marked as such, accounts, and escaping.

use jiff::Timestamp;
use rust_decimal::Decimal;

use super::html;
use crate::domain::budget::status::{Status, Threshold};
use crate::domain::cost::{CostRow, CostTable, DateRange, PaidRequests, Period};
use crate::domain::price::{EstimateSum, KindAmounts, Unpriced};
use crate::domain::report::{
    BudgetSection, BypassLine, CoverageBasis, CoverageSection, DepartmentUsage, EstimateRow, Estimated,
    Header, Idle, IdleProfile, Report, Spend, ThisMonth, UnpricedProfile, UsageLine,
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
        UsageLine {
            value: Some("Search".into()),
            profiles: 2,
            usage: u(100, 300, 0.75),
        },
        UsageLine {
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

/// A department's estimate: `[input, output, cache read, cache write]`
/// USD, savings, profiles priced and unpriced.
fn estimate_row(
    value: Option<&str>,
    kinds: [&str; 4],
    savings: &str,
    priced: usize,
    unpriced: usize,
) -> EstimateRow {
    EstimateRow {
        value: value.map(str::to_owned),
        profiles: priced + unpriced,
        sum: EstimateSum {
            cost: KindAmounts {
                input: dec(kinds[0]),
                output: dec(kinds[1]),
                cache_read: dec(kinds[2]),
                cache_write: dec(kinds[3]),
            },
            savings: dec(savings),
            priced,
            unpriced,
        },
        cache_hit_ratio: Some(0.5),
    }
}

fn estimated() -> Estimated {
    Estimated {
        rows: vec![
            estimate_row(Some("Search"), ["10", "2.3456", "0", "0"], "-0.5", 2, 0),
            estimate_row(None, ["0", "0", "0", "0"], "0", 0, 2),
        ],
        total: estimate_row(None, ["10", "2.3456", "0", "0"], "-0.5", 2, 2),
        unpriced: vec![UnpricedProfile {
            name: "images".into(),
            region: "us-west-2".into(),
            account: None,
            department: None,
            reason: Unpriced::NotInCatalog {
                model: "SD3.5 Large".into(),
                region: "us-west-2".into(),
            },
        }],
        publication_date: Some("2026-11-01T00:00:00Z".into()),
    }
}

fn this_month() -> ThisMonth {
    ThisMonth {
        range: DateRange {
            start: "2026-11-01".parse().unwrap(),
            end_exclusive: "2026-11-23".parse().unwrap(),
        },
        window: Window::days(
            "2026-11-01".parse().unwrap(),
            "2026-11-22".parse().unwrap(),
            now(),
        )
        .unwrap(),
        estimate: Estimated {
            rows: vec![
                estimate_row(Some("Search"), ["2", "0.5", "0", "0"], "0", 2, 0),
                estimate_row(Some("Legal"), ["0.125", "0", "0", "0"], "0", 1, 0),
                estimate_row(None, ["0.5", "0", "0", "0"], "0", 1, 0),
            ],
            total: estimate_row(None, ["2.625", "0.5", "0", "0"], "0", 4, 0),
            unpriced: vec![],
            publication_date: None,
        },
    }
}

fn status(name: &str, department: &str, limit: &str, actual: &str, crossed: &[bool]) -> Status {
    Status {
        name: name.into(),
        spec: Some("org".into()),
        department: Some(department.into()),
        limit: dec(limit),
        unit: "USD".into(),
        period: "MONTHLY".into(),
        actual: dec(actual),
        forecast: Some(dec("1500")),
        used_percent: Some(
            (dec(actual) * Decimal::ONE_HUNDRED / dec(limit))
                .round_dp(1)
                .normalize(),
        ),
        thresholds: crossed
            .iter()
            .zip(["actual > 80%", "actual > 100%"])
            .map(|(c, n)| Threshold {
                notification: n.into(),
                crossed: *c,
            })
            .collect(),
    }
}

fn report() -> Report {
    Report {
        header: Header {
            account: "123456789012".into(),
            accounts: vec![],
            regions: vec!["us-east-1".into(), "eu-west-1".into()],
            not_read: vec![],
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
        this_month: Some(Ok(this_month())),
        usage: Ok(usage()),
        idle: Ok(Idle {
            idle_since: "2026-10-23".parse().unwrap(),
            rows: vec![IdleProfile {
                name: "old-one".into(),
                region: "us-east-1".into(),
                account: None,
                arn: "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc".into(),
                department: Some(HOSTILE.into()),
                age_days: Some(90),
                last_traffic: None,
            }],
            considered: 3,
        }),
        estimated: Some(Ok(estimated())),
        coverage: Some(Ok(CoverageSection {
            basis: CoverageBasis::Tokens,
            attributed: dec("700"),
            untagged: dec("100"),
            bypass: dec("200"),
            top_bypass: vec![BypassLine {
                model_id: "us.anthropic.claude-sonnet-4-5-20250929-v1:0".into(),
                regions: vec!["us-east-1".into()],
                amount: dec("200"),
            }],
        })),
        budgets: Some(Ok(BudgetSection {
            account: "123456789012".into(),
            rows: vec![
                status("aipctl-org-Search", "Search", "1000", "1234.5678", &[true, true]),
                status(
                    "aipctl-org-Legal",
                    "Legal",
                    "2000",
                    "604.4560000000000172803993336856365203857421875",
                    &[false, false],
                ),
            ],
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
    // One bar per non-zero department-month: 2 + 1 + 2, and 3 for this month's estimate.
    assert_eq!(bars(&page, "spend-chart"), 8);
    assert_eq!(bars(&page, "tokens-chart"), 2);
    assert_eq!(bars(&page, "cache-chart"), 1, "no bar for a zero hit ratio");
    assert_eq!(bars(&page, "idle-chart"), 1);
    assert_eq!(bars(&page, "estimated-chart"), 1, "an unpriced row has no bar");
    assert_eq!(bars(&page, "coverage-chart"), 3);
    assert_eq!(bars(&page, "budgets-chart"), 2);
    for table in [
        "spend-table",
        "usage-table",
        "idle-table",
        "estimated-table",
        "coverage-table",
        "bypass-table",
        "budgets-table",
        "unpriced-table",
    ] {
        assert!(page.contains(&format!("<table id=\"{table}\">")), "{table}");
    }
    assert!(!page.contains("Not available"), "nothing is missing");
    assert!(
        !page.contains("this-month-table"),
        "the estimate is a column of the spend table"
    );
}

#[test]
fn tables_show_cents_keep_the_exact_figure_and_never_price_the_unpriced_at_zero() {
    let page = html(&report()).unwrap();
    assert!(
        page.contains(r#" data-exact="1,234.5678" title="exact: 1,234.5678">1,234.57<"#),
        "to the cent, grouped, the exact figure kept"
    );
    assert!(page.contains(">-20.00<"), "a credit stays negative");
    assert!(
        !page.contains(r#"data-exact="-20.00""#),
        "no exact figure where the cents hide nothing"
    );
    assert!(
        page.contains(r#" data-exact="12.3456" title="exact: 12.3456">12.35<"#) && page.contains(">-0.50<")
    );
    assert!(page.contains(">unpriced<"));
    assert!(page.contains(">123.5%<"), "a budget over its limit");
    assert!(
        page.contains(">604.46<") && !page.contains("604.456"),
        "budgets to the cent, as AWS Budgets means them"
    );
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
    r.this_month = None;
    r.spend = Err("ce GetCostAndUsage in us-east-1 failed: AccessDeniedException: <no>".into());
    let page = html(&r).unwrap();
    assert!(page.contains("Not available yet: <code>aipctl coverage</code> will provide it."));
    assert!(page.contains("<p class=\"absent\">Not made in this run.</p>"));
    assert!(page.contains("<p class=\"absent\">Not read in this run.</p>"));
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

/// The text of `<section id="ID">`.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    &page[start..start + page[start..].find("</section>").unwrap()]
}

#[test]
fn this_months_estimate_is_marked_as_one_on_the_chart_and_in_the_table() {
    let page = html(&report()).unwrap();
    let spend = section(&page, "spend");
    assert!(spend.contains("Nov 2026 (1–22) est."), "the chart's column label");
    assert!(
        spend.contains(">Nov 2026 (1–22)*</th><th scope=\"col\" class=\"num\">Nov 2026 (1–22) estimate<"),
        "the table's heading, beside the months"
    );
    assert!(
        spend.contains(">Billed (USD)<"),
        "the total says it is what was billed"
    );
    assert!(spend.contains("faded: this month&#39;s estimate (tokens × prices, not billed)"));
    assert!(spend.contains(">This month, estimated<") && spend.contains(">$3.13<"));
    // Legal has only the estimate: a row of its own, its billed months a dash.
    assert!(spend.contains("Legal</td><td class=\"num\">–</td>"), "{spend}");
    assert_eq!(spend.matches("class=\"num month estimate\"").count(), 4);
    assert!(
        spend.contains(">2.50<") && spend.contains(r#" data-exact="3.125" title="exact: 3.125">3.13<"#),
        "rows and total to the cent (half a cent up), the exact figure kept"
    );
    // The faded colour of Search (#4e79a7 halfway to white).
    assert!(spend.contains("fill=\"#A6BCD3\""), "faded segments");
}

#[test]
fn the_estimate_shows_each_kind_savings_hit_ratio_and_names_the_unpriced() {
    let page = html(&report()).unwrap();
    let e = section(&page, "estimated");
    for cell in [
        ">10.00<",
        ">2.35<",
        ">12.35<",
        "\"exact: 12.3456\"",
        ">-0.50<",
        ">50.0%<",
    ] {
        assert!(e.contains(cell), "{cell}");
    }
    assert!(e.contains("Prompt-cache savings (negative: a loss)"));
    assert!(e.contains("A negative saving"));
    assert!(
        e.contains(">images<") && e.contains(">the Price List has no price for SD3.5 Large in us-west-2<")
    );
    assert!(e.contains("published 2026-11-01"));
    assert!(
        e.contains("(untagged)</td><td class=\"num\">2</td><td class=\"num bar\">unpriced<"),
        "untagged is unpriced, not $0: {e}"
    );
}

#[test]
fn budgets_show_thresholds_crossed_and_say_when_there_are_none() {
    let page = html(&report()).unwrap();
    let b = section(&page, "budgets");
    assert!(
        b.contains(">actual &gt; 80%, actual &gt; 100%<")
            || b.contains(">actual &#62; 80%, actual &#62; 100%<"),
        "{b}"
    );
    assert!(b.contains(">none of 2<"));
    assert!(b.contains(">1 of 2<"), "one budget over a threshold");
    let mut r = report();
    r.budgets = Some(Ok(BudgetSection {
        account: "123456789012".into(),
        rows: vec![],
    }));
    let page = html(&r).unwrap();
    assert!(section(&page, "budgets").contains("No budget managed by aipctl in account 123456789012"));
    r.budgets = Some(Err("budgets DescribeBudgets failed: AccessDeniedException".into()));
    let page = html(&r).unwrap();
    assert!(section(&page, "budgets").contains("Not available: budgets DescribeBudgets failed"));
}

#[test]
fn across_accounts_the_header_lists_them_and_says_departments_are_summed() {
    let mut r = report();
    r.header.accounts = vec!["123456789012 (mgmt)".into(), "234567890123 (alpha)".into()];
    r.header.not_read = vec!["345678901234".into()];
    if let Ok(idle) = &mut r.idle {
        idle.rows[0].account = Some("234567890123 (alpha)".into());
    }
    let page = html(&r).unwrap();
    assert!(page.contains("<title>Bedrock spend and usage by Department · 2 accounts</title>"));
    assert!(page.contains("<dt>Accounts</dt><dd>2: 123456789012 (mgmt), 234567890123 (alpha)"));
    assert!(page.contains("figures are summed across these accounts"));
    assert!(page.contains("<dt>Accounts or regions not read</dt><dd class=\"failed\">345678901234</dd>"));
    assert!(section(&page, "idle").contains("<th scope=\"col\">Account</th>"));
}

#[test]
fn without_cost_explorer_this_months_estimate_stands_alone() {
    let mut r = report();
    r.spend = Err("denied".into());
    let page = html(&r).unwrap();
    let spend = section(&page, "spend");
    assert!(spend.contains("Not available: denied"));
    assert!(spend.contains("<table id=\"this-month-table\">") && !spend.contains("spend-chart"));
}
