//! Unit tests of the cost report's pure parts.

use super::*;
use crate::domain::tag::{Tag, TagKey};
use clap::ValueEnum;
use jiff::Timestamp;
use jiff::civil::date;
use rust_decimal::Decimal;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn range(spec: TimeSpec, today: &str) -> Result<(String, String), InputError> {
    DateRange::resolve(spec, d(today)).map(|r| (r.start.to_string(), r.end_exclusive.to_string()))
}

#[test]
fn choices_parse_from_their_flag_spelling_only() {
    let metric = |s: &str| CostMetric::from_str(s, false);
    assert_eq!(metric("net-unblended").unwrap().api_name(), "NetUnblendedCost");
    assert_eq!(metric("usage").unwrap().forecast_name(), None);
    assert_eq!(
        metric("amortized").unwrap().forecast_name(),
        Some("AMORTIZED_COST")
    );
    assert!(metric("UnblendedCost").is_err());
    assert!(Granularity::from_str("hourly", false).is_err());
    assert_eq!(
        Split::from_str("usage-type", false).unwrap().grouping(),
        Grouping::Dimension("USAGE_TYPE".into())
    );
    assert_eq!(
        Split::from_str("model", false).unwrap().grouping(),
        Grouping::ProductAttribute("model".into())
    );
    let names = |v: &[_]| -> Vec<String> {
        v.iter()
            .map(|c: &CostMetric| c.to_possible_value().unwrap().get_name().to_owned())
            .collect()
    };
    assert_eq!(
        names(CostMetric::value_variants()),
        ["unblended", "amortized", "net-unblended", "usage"]
    );
}

#[test]
fn last_days_and_weeks_end_today_and_months_are_calendar_months() {
    let last = |s| TimeSpec::parse_last(s).unwrap();
    assert_eq!(
        range(last("30d"), "2026-11-22").unwrap(),
        ("2026-10-24".into(), "2026-11-23".into())
    );
    assert_eq!(
        range(last("1w"), "2026-11-22").unwrap(),
        ("2026-11-16".into(), "2026-11-23".into())
    );
    assert_eq!(
        range(last("6mo"), "2026-11-22").unwrap(),
        ("2026-06-01".into(), "2026-11-23".into())
    );
    assert_eq!(
        range(last("1mo"), "2026-11-30").unwrap(),
        ("2026-11-01".into(), "2026-12-01".into())
    );
    for bad in ["", "30", "d", "0d", "3y", "-1d", "1.5m", "99999d"] {
        assert!(TimeSpec::parse_last(bad).is_err(), "{bad}");
    }
}

#[test]
fn months_and_inclusive_dates_become_end_exclusive_ranges() {
    let m = TimeSpec::parse_month("2026-10").unwrap();
    assert_eq!(
        range(m, "2026-11-22").unwrap(),
        ("2026-10-01".into(), "2026-11-01".into())
    );
    // The current month stops at tomorrow.
    let m = TimeSpec::parse_month("2026-11").unwrap();
    assert_eq!(
        range(m, "2026-11-22").unwrap(),
        ("2026-11-01".into(), "2026-11-23".into())
    );
    let b = TimeSpec::Between {
        from: d("2026-11-01"),
        to: d("2026-11-07"),
    };
    assert_eq!(
        range(b, "2026-11-22").unwrap(),
        ("2026-11-01".into(), "2026-11-08".into())
    );
    for bad in ["2026-13", "2026-1", "26-10", "2026/10", "2026-10-01", ""] {
        assert!(TimeSpec::parse_month(bad).is_err(), "{bad}");
    }
}

#[test]
fn ranges_cost_explorer_refuses_are_input_errors() {
    let today = "2026-11-22";
    let future = TimeSpec::Between {
        from: d("2026-11-23"),
        to: d("2026-11-30"),
    };
    assert!(range(future, today).unwrap_err().rule.contains("after today"));
    let backwards = TimeSpec::Between {
        from: d("2026-11-07"),
        to: d("2026-11-01"),
    };
    assert_eq!(range(backwards, today).unwrap_err().field, "--to");
    let old = TimeSpec::parse_month("2025-09").unwrap();
    assert!(range(old, today).unwrap_err().rule.contains("13 months"));
    assert!(range(TimeSpec::parse_month("2025-10").unwrap(), today).is_ok());
    assert!(range(TimeSpec::parse_last("14mo").unwrap(), today).is_ok());
    assert!(range(TimeSpec::parse_last("15mo").unwrap(), today).is_err());
    assert!(range(TimeSpec::parse_last("900d").unwrap(), today).is_err());
    assert!(range(TimeSpec::parse_month("2026-12").unwrap(), today).is_err());
}

#[test]
fn periods_are_clipped_months_or_days() {
    let r = DateRange {
        start: d("2026-09-15"),
        end_exclusive: d("2026-11-23"),
    };
    assert_eq!(
        r.periods(Granularity::Monthly),
        vec![
            (d("2026-09-15"), d("2026-10-01")),
            (d("2026-10-01"), d("2026-11-01")),
            (d("2026-11-01"), d("2026-11-23"))
        ]
    );
    assert_eq!(r.periods(Granularity::Daily).len(), 69);
    assert_eq!(r.last_day(), d("2026-11-22"));
}

#[test]
fn ttls_take_minutes_hours_days() {
    assert_eq!(parse_ttl("30m").unwrap().as_secs(), 1800);
    assert_eq!(parse_ttl("6h").unwrap().as_secs(), 21_600);
    assert_eq!(parse_ttl("7d").unwrap().as_secs(), 604_800);
    for bad in ["0h", "8d", "h", "6", "6s", "-1h"] {
        assert!(parse_ttl(bad).is_err(), "{bad}");
    }
}

#[test]
fn filters_and_scope_use_and_only_with_two_parts() {
    let tags: Vec<Tag> = ["Env=prod", "Env=dev", "Team="]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(
        tag_filters(&tags),
        vec![
            Filter::Tag {
                key: "Env".into(),
                values: vec!["dev".into(), "prod".into()]
            },
            Filter::TagAbsent { key: "Team".into() },
        ]
    );
    let services = vec!["Amazon Bedrock".to_owned()];
    assert_eq!(
        scope_filter(Some(&services), &[]),
        Some(Filter::Dimension {
            key: "SERVICE".into(),
            values: services.clone()
        })
    );
    assert_eq!(scope_filter(None, &[]), None);
    assert!(matches!(scope_filter(Some(&services), &tags), Some(Filter::And(p)) if p.len() == 3));
    let both: Vec<Tag> = ["Env=", "Env=prod"].iter().map(|s| s.parse().unwrap()).collect();
    assert!(matches!(&tag_filters(&both)[0], Filter::Or(p) if p.len() == 2));
}

#[test]
fn bedrock_services_keep_only_bedrock_names() {
    let names = vec![
        "Claude 3 Haiku (Amazon Bedrock Edition)".to_owned(),
        "Amazon Bedrock".to_owned(),
        "Amazon Simple Storage Service".to_owned(),
        "Amazon Bedrock".to_owned(),
    ];
    assert_eq!(
        bedrock_services(names),
        vec!["Amazon Bedrock", "Claude 3 Haiku (Amazon Bedrock Edition)"]
    );
}

fn amount(keys: &[&str], amount: &str) -> GroupAmount {
    GroupAmount {
        keys: keys.iter().map(|k| (*k).to_owned()).collect(),
        amount: amount.parse().unwrap(),
        unit: "USD".into(),
    }
}

fn result(start: &str, end: &str, estimated: bool, groups: Vec<GroupAmount>) -> PeriodResult {
    PeriodResult {
        start: d(start),
        end_exclusive: d(end),
        estimated,
        groups,
    }
}

#[test]
fn shape_sums_exactly_merges_split_periods_and_orders_by_spend() {
    let expected = [
        (d("2026-10-01"), d("2026-11-01")),
        (d("2026-11-01"), d("2026-11-23")),
    ];
    let pages = vec![
        result(
            "2026-10-01",
            "2026-11-01",
            false,
            vec![
                amount(&["Department$Legal"], "0.1"),
                amount(&["Department$Search"], "0.2"),
            ],
        ),
        // The same period again on the next page, with the rest of its groups.
        result(
            "2026-10-01",
            "2026-11-01",
            false,
            vec![amount(&["Department$"], "1.0000000001")],
        ),
        result(
            "2026-11-01",
            "2026-11-23",
            true,
            vec![amount(&["Department$Search"], "0.1000000002")],
        ),
    ];
    let t = shape(&expected, &pages, None, "USD", d("2026-11-22"));
    let names: Vec<Option<&str>> = t.rows.iter().map(|r| r.value.as_deref()).collect();
    assert_eq!(names, vec![Some("Search"), Some("Legal"), None]);
    assert_eq!(t.rows[0].amounts, vec![d2("0.2"), d2("0.1000000002")]);
    assert_eq!(t.rows[0].total.to_string(), "0.3000000002");
    assert_eq!(t.total.to_string(), "1.4000000003");
    assert_eq!(t.period_totals[0].to_string(), "1.3000000001");
    assert_eq!(
        t.periods.iter().map(|p| p.estimated).collect::<Vec<_>>(),
        vec![false, true]
    );
    assert_eq!(t.unit, "USD");
    assert_eq!(
        t.tag_values(),
        vec![Some("Search".into()), Some("Legal".into()), None]
    );
}

fn d2(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn shape_always_has_an_untagged_row_and_every_period() {
    let expected = [
        (d("2026-10-01"), d("2026-10-02")),
        (d("2026-10-02"), d("2026-10-03")),
    ];
    let t = shape(&expected, &[], None, "USD", d("2026-11-22"));
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0].value, None);
    assert_eq!(t.rows[0].amounts, vec![Decimal::ZERO, Decimal::ZERO]);
    assert_eq!(t.periods.len(), 2);
    assert!(t.periods.iter().all(|p| !p.estimated));
    assert_eq!(share_percent(Decimal::ONE, Decimal::ZERO), None);
}

#[test]
fn shape_with_a_second_grouping_keeps_a_tag_value_together() {
    let expected = [(d("2026-10-01"), d("2026-11-01"))];
    let pages = vec![result(
        "2026-10-01",
        "2026-11-01",
        false,
        vec![
            amount(&["Department$A", "Amazon Bedrock"], "1"),
            amount(&["Department$A", "Claude (Amazon Bedrock Edition)"], "5"),
            amount(&["Department$B", "Amazon Bedrock"], "4"),
            amount(&["Department$", "Amazon Bedrock"], "9"),
        ],
    )];
    let split = Grouping::Dimension("SERVICE".into());
    let t = shape(&expected, &pages, Some(&split), "USD", d("2026-11-22"));
    let rows: Vec<(Option<&str>, Option<&str>)> = t
        .rows
        .iter()
        .map(|r| (r.value.as_deref(), r.group.as_deref()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (Some("A"), Some("Claude (Amazon Bedrock Edition)")),
            (Some("A"), Some("Amazon Bedrock")),
            (Some("B"), Some("Amazon Bedrock")),
            (None, Some("Amazon Bedrock")),
        ]
    );
    let model = Grouping::ProductAttribute("model".into());
    let pages = vec![result(
        "2026-10-01",
        "2026-11-01",
        false,
        vec![amount(&["Department$A", "model$Claude Sonnet 4.5"], "1")],
    )];
    let t = shape(&expected, &pages, Some(&model), "USD", d("2026-11-22"));
    assert_eq!(t.rows[0].group.as_deref(), Some("Claude Sonnet 4.5"));
}

#[test]
fn group_values_split_at_the_first_dollar() {
    assert_eq!(group_value("Department$Search"), Some("Search".into()));
    assert_eq!(group_value("Department$"), None);
    assert_eq!(group_value("Env$a$b"), Some("a$b".into()));
}

#[test]
fn shares_round_to_one_decimal() {
    assert_eq!(share_percent(d2("1"), d2("3")).unwrap().to_string(), "33.3");
    assert_eq!(share_percent(d2("2"), d2("3")).unwrap().to_string(), "66.7");
    assert_eq!(share_percent(d2("3"), d2("3")).unwrap().to_string(), "100.0");
    assert_eq!(share_percent(d2("-1"), d2("40")).unwrap().to_string(), "-2.5");
    assert_eq!(requests_cost_usd(3).to_string(), "0.03");
}

fn tag(key: &str, status: TagStatus, updated: Option<&str>) -> CostTag {
    CostTag {
        key: key.into(),
        kind: "UserDefined".into(),
        status,
        last_updated: updated.map(|u| u.parse().unwrap()),
        last_used: None,
    }
}

#[test]
fn activation_tells_unknown_inactive_late_and_settling_keys_apart() {
    let r = DateRange {
        start: d("2026-09-01"),
        end_exclusive: d("2026-11-23"),
    };
    let now: Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
    let tags = vec![
        tag("Department", TagStatus::Active, Some("2026-08-14T00:00:00Z")),
        tag("CostCenter", TagStatus::Active, Some("2026-11-18T00:00:00Z")),
        tag("Fresh", TagStatus::Active, Some("2026-11-22T01:00:00Z")),
        tag("Owner", TagStatus::Inactive, None),
    ];
    assert_eq!(
        activation("Department", &tags, &r, now),
        Activation::Active {
            since: tags[0].last_updated,
            untagged_before: None,
            settling: false
        }
    );
    assert!(matches!(
        activation("CostCenter", &tags, &r, now),
        Activation::Active { untagged_before: Some(day), settling: false, .. } if day == date(2026, 11, 18)
    ));
    assert!(matches!(
        activation("Fresh", &tags, &r, now),
        Activation::Active { settling: true, .. }
    ));
    assert_eq!(activation("Owner", &tags, &r, now), Activation::Inactive);
    assert_eq!(activation("Nope", &tags, &r, now), Activation::NeverSeen);
}

#[test]
fn status_changes_are_planned_against_the_current_status() {
    let k = |s: &str| s.parse::<TagKey>().unwrap();
    let req = requested_changes(&[k("A"), k("B"), k("A")], &[k("C")]).unwrap();
    assert_eq!(req.len(), 3);
    assert!(requested_changes(&[k("A")], &[k("A")]).is_err());
    let current = vec![
        tag("A", TagStatus::Active, None),
        tag("C", TagStatus::Active, None),
    ];
    let plan = plan_changes(&req, &current);
    let needs: Vec<bool> = plan.iter().map(PlannedChange::needs_request).collect();
    // A is already active, B is unknown to billing, C goes inactive.
    assert_eq!(needs, vec![false, false, true]);
    assert_eq!(plan[1].from, None);
}
