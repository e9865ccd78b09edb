use super::*;
use crate::domain::account::{Account, AccountId};
use crate::domain::price::{Offer, PriceCatalog, PriceScope, Product, TokenKind, Unpriced};
use crate::domain::profile::{ProfileName, test_profile};

const SONNET: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";

fn region(r: &str) -> Region {
    r.parse().unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn series(region_name: &str, model_id: &str, source: Source, total_input: u64) -> Series {
    Series {
        account: None,
        region: region(region_name),
        model_id: model_id.into(),
        foundation_model: None,
        scope: PriceScope::Regional,
        source,
        invocations: 1,
        tokens: Tokens {
            input: total_input,
            ..Tokens::default()
        },
        estimate: None,
    }
}

fn profile_source(name: &str, value: Option<&str>) -> Source {
    Source::Profile {
        name: name.into(),
        arn: format!("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/{name}"),
        tag_value: value.map(str::to_owned),
    }
}

#[test]
fn model_ids_are_classified_by_what_they_name() {
    let mut search = test_profile("search", "aaaaaaaaaaaa", &[("Department", "Search")]);
    search.model_arns = vec![format!("arn:aws:bedrock:us-east-1::foundation-model/{SONNET}")];
    let bare = test_profile("bare", "bbbbbbbbbbbb", &[("Owner", "bob")]);
    let empty = test_profile("empty", "cccccccccccc", &[("Department", "")]);
    let profiles = [&search, &bare, &empty];
    let class = |id: &str| classify(id, &profiles, "Department");

    let by_id = class("aaaaaaaaaaaa");
    assert_eq!(by_id.class(), Class::Attributed);
    assert_eq!(
        class(search.arn.as_str()),
        by_id,
        "the ARN form is the same profile"
    );
    assert_eq!(
        by_id,
        Source::Profile {
            name: "search".into(),
            arn: search.arn.to_string(),
            tag_value: Some("Search".into())
        }
    );
    assert_eq!(foundation_model(&by_id, Some(&search)).as_deref(), Some(SONNET));
    assert_eq!(class("bbbbbbbbbbbb").class(), Class::Unattributed);
    assert_eq!(
        class("cccccccccccc").class(),
        Class::Unattributed,
        "an empty value is no value"
    );
    // Another key makes `search` unattributed too.
    assert_eq!(
        classify("aaaaaaaaaaaa", &profiles, "CostCenter").class(),
        Class::Unattributed
    );

    assert_eq!(class("zzzzzzzzzzzz"), Source::UnknownProfile);
    assert_eq!(
        class("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/gone12345678"),
        Source::UnknownProfile
    );
    let system = class(&format!("us.{SONNET}"));
    assert_eq!(
        system,
        Source::SystemProfile {
            id: format!("us.{SONNET}")
        }
    );
    assert_eq!(system.class(), Class::Bypass);
    assert_eq!(foundation_model(&system, None).as_deref(), Some(SONNET));
    assert_eq!(
        class(&format!(
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.{SONNET}"
        )),
        Source::SystemProfile {
            id: format!("global.{SONNET}")
        }
    );
    assert_eq!(
        class("amazon.nova-lite-v1:0"),
        Source::FoundationModel {
            id: "amazon.nova-lite-v1:0".into()
        }
    );
    assert_eq!(
        class("arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-lite-v1:0"),
        Source::FoundationModel {
            id: "amazon.nova-lite-v1:0".into()
        }
    );
    assert_eq!(
        class("arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc"),
        Source::Other
    );
    assert_eq!(class("Not A Model"), Source::Other);
    assert_eq!(Source::Other.class(), Class::Bypass);
    assert_eq!(foundation_model(&Source::UnknownProfile, None), None);
}

#[test]
fn shares_sum_by_class_and_department_and_idle_series_are_left_out() {
    let c = Coverage::new(
        "Department",
        vec![
            series("us-east-1", "a", profile_source("search-a", Some("Search")), 600),
            series("us-west-2", "b", profile_source("search-b", Some("Search")), 100),
            series("us-east-1", "c", profile_source("legal", Some("Legal")), 100),
            series("us-east-1", "d", profile_source("shared", None), 50),
            series("us-east-1", "e", Source::UnknownProfile, 50),
            series(
                "us-east-1",
                "us.x.y",
                Source::SystemProfile { id: "us.x.y".into() },
                60,
            ),
            series(
                "us-west-2",
                "us.x.y",
                Source::SystemProfile { id: "us.x.y".into() },
                20,
            ),
            series(
                "us-west-2",
                "x.z",
                Source::FoundationModel { id: "x.z".into() },
                20,
            ),
            Series {
                invocations: 0,
                ..series("us-east-1", "idle", profile_source("idle", Some("Search")), 0)
            },
        ],
    );
    assert_eq!(c.series.len(), 8, "the idle series is dropped");
    assert_eq!(c.series[0].model_id, "a", "attributed first, largest first");
    assert_eq!(c.series.last().unwrap().class(), Class::Bypass);
    assert_eq!(c.class_tokens(Class::Attributed).total(), 800);
    assert_eq!(c.class_share(Class::Attributed), Some(dec("80.0")));
    assert_eq!(c.class_share(Class::Unattributed), Some(dec("10.0")));
    assert_eq!(c.class_share(Class::Bypass), Some(dec("10.0")));

    let d = c.departments();
    assert_eq!(
        d.iter()
            .map(|d| (d.value.as_str(), d.tokens.total()))
            .collect::<Vec<_>>(),
        [("Search", 700), ("Legal", 100)]
    );
    assert_eq!(d[0].share, Some(dec("70.0")));
    assert_eq!(d[0].regions.len(), 2);
    assert_eq!(d[0].profiles.len(), 2);

    let u = c.unattributed();
    assert_eq!(u.len(), 2);
    assert_eq!(u[0].share, Some(dec("5.0")));

    let b = c.bypass();
    assert_eq!(b.len(), 2);
    assert_eq!(b[0].id, "us.x.y");
    assert_eq!(b[0].tokens.total(), 80, "one system profile, two regions");
    assert_eq!(b[0].share, Some(dec("8.0")));
    assert_eq!(
        b[0].regions.iter().map(Region::as_str).collect::<Vec<_>>(),
        ["us-east-1", "us-west-2"]
    );
    assert_eq!(
        b[0].fix.as_deref(),
        Some("aipctl create TEAM-y --model us.x.y --department TEAM --region us-east-1,us-west-2")
    );
    assert_eq!(b[1].share, Some(dec("2.0")));
}

#[test]
fn the_id_and_arn_forms_of_one_profile_count_once_per_profile() {
    let arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/shared";
    let c = Coverage::new(
        "Department",
        vec![
            series("us-east-1", "shared", profile_source("shared", None), 30),
            series("us-east-1", arn, profile_source("shared", None), 70),
        ],
    );
    let u = c.unattributed();
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].tokens.total(), 100);
    assert_eq!(u[0].share, Some(dec("100.0")));
}

#[test]
fn the_gate_compares_exactly_not_the_rounded_share() {
    let c = |attributed: u64, other: u64| {
        Coverage::new(
            "Department",
            vec![
                series("us-east-1", "a", profile_source("a", Some("Search")), attributed),
                series(
                    "us-east-1",
                    "b.c",
                    Source::FoundationModel { id: "b.c".into() },
                    other,
                ),
            ],
        )
    };
    let pct = |s: &str| s.parse::<Percent>().unwrap();
    // 8996 of 10000 is 89.96 %, shown as 90.0 %, still below 90.
    let just_below = c(8996, 1004);
    assert_eq!(just_below.class_share(Class::Attributed), Some(dec("90.0")));
    assert_eq!(just_below.gate(pct("90")), Gate::Below);
    assert_eq!(c(9000, 1000).gate(pct("90")), Gate::Pass);
    assert_eq!(c(0, 10).gate(pct("0")), Gate::Pass, "0 never fails");
    assert_eq!(c(10, 0).gate(pct("100")), Gate::Pass);
    assert_eq!(c(10, 1).gate(pct("100")), Gate::Below);
    let none = Coverage::new("Department", vec![]);
    assert_eq!(none.gate(pct("50")), Gate::NoTraffic);
    assert_eq!(none.class_share(Class::Attributed), None);
}

#[test]
fn percentages_from_0_to_100_parse_and_others_are_refused() {
    for (s, v) in [
        ("90", "90"),
        ("97.5", "97.5"),
        ("0", "0"),
        ("100", "100"),
        ("80%", "80"),
        ("90.0", "90"),
    ] {
        assert_eq!(s.parse::<Percent>().unwrap().value(), dec(v), "{s}");
    }
    for s in ["101", "-1", "", "abc", "1e2", "90 %x", "100.01", "%", " ", "5,5"] {
        let e = s.parse::<Percent>().unwrap_err();
        assert_eq!(e.field, "--fail-under", "{s}");
        assert!(e.rule.contains("from 0 to 100"), "{s}");
    }
    assert_eq!("97.50".parse::<Percent>().unwrap().to_string(), "97.5%");
}

#[test]
fn suggested_names_drop_provider_date_and_version_and_follow_the_name_rule() {
    assert_eq!(suggested_name(SONNET), "TEAM-claude-sonnet-4-5");
    assert_eq!(suggested_name("amazon.nova-lite-v1:0"), "TEAM-nova-lite");
    assert_eq!(
        suggested_name("meta.llama3-3-70b-instruct-v1:0"),
        "TEAM-llama3-3-70b-instruct"
    );
    assert_eq!(
        suggested_name("mistral.mistral-large-2402-v1:0"),
        "TEAM-mistral-large-2402"
    );
    let long = format!("x.{}", "a".repeat(100));
    assert_eq!(suggested_name(&long).len(), 64);
    assert!(suggested_name("x.a..b__c").parse::<ProfileName>().is_ok());
    for model in [SONNET, "a.b", "weird.--v1", "x.12345678"] {
        assert!(suggested_name(model).parse::<ProfileName>().is_ok(), "{model}");
    }
}

#[test]
fn a_fix_copies_what_the_callers_name_in_every_region_they_call_from() {
    let regions: BTreeSet<Region> = [region("us-west-2")].into();
    assert_eq!(
        create_command(
            &Source::FoundationModel {
                id: "amazon.nova-lite-v1:0".into()
            },
            &regions
        )
        .as_deref(),
        Some(
            "aipctl create TEAM-nova-lite --model amazon.nova-lite-v1:0 --department TEAM --region us-west-2"
        )
    );
    assert_eq!(
        create_command(
            &Source::SystemProfile {
                id: format!("eu.{SONNET}")
            },
            &regions
        )
        .as_deref(),
        Some(
            "aipctl create TEAM-claude-sonnet-4-5 --model eu.anthropic.claude-sonnet-4-5-20250929-v1:0 --department TEAM --region us-west-2"
        )
    );
    assert_eq!(create_command(&Source::Other, &regions), None);
    assert_eq!(create_command(&Source::UnknownProfile, &regions), None);
}

const NOVA: &str = "amazon.nova-pro-v1:0";

/// Nova Pro (first party) in us-east-1; Claude Sonnet 4.5 (Marketplace) in
/// us-east-1 at the regional and the Global price; both by input and output.
fn catalog() -> PriceCatalog {
    let product = |offer, model: &str, kind, scope, usd: &str| Product {
        offer,
        model: model.into(),
        region: "us-east-1".into(),
        kind,
        scope,
        usd_per_token: dec(usd),
        usage_type: "x".into(),
        publication_date: None,
    };
    let (first, market) = (Offer::AmazonBedrock, Offer::AmazonBedrockFoundationModels);
    PriceCatalog::new([
        product(
            first,
            "Nova Pro",
            TokenKind::Input,
            PriceScope::Regional,
            "0.0000008",
        ),
        product(
            first,
            "Nova Pro",
            TokenKind::Output,
            PriceScope::Regional,
            "0.0000032",
        ),
        product(
            market,
            "Claude Sonnet 4.5",
            TokenKind::Input,
            PriceScope::Regional,
            "0.000003",
        ),
        product(
            market,
            "Claude Sonnet 4.5",
            TokenKind::Output,
            PriceScope::Regional,
            "0.000015",
        ),
        product(
            market,
            "Claude Sonnet 4.5",
            TokenKind::Input,
            PriceScope::Global,
            "0.0000027",
        ),
        product(
            market,
            "Claude Sonnet 4.5",
            TokenKind::Output,
            PriceScope::Global,
            "0.0000135",
        ),
    ])
}

fn names() -> BTreeMap<String, Option<String>> {
    BTreeMap::from([
        (NOVA.to_owned(), Some("Nova Pro".to_owned())),
        (SONNET.to_owned(), Some("Claude Sonnet 4.5".to_owned())),
    ])
}

/// A series of `source` reaching `model`, priced from [`catalog`].
fn priced(model_id: &str, source: Source, model: Option<&str>, scope: PriceScope, input: u64) -> Series {
    let mut s = series("us-east-1", model_id, source, input);
    s.foundation_model = model.map(str::to_owned);
    s.scope = scope;
    s.estimate = Some(s.priced(&catalog(), &names()));
    s
}

#[test]
fn shares_are_by_cost_when_every_series_is_priced_and_the_gate_compares_cost() {
    let attributed = priced(
        "a",
        profile_source("legal", Some("Legal")),
        Some(NOVA),
        PriceScope::Regional,
        1000,
    );
    let global = format!("global.{SONNET}");
    let regional = format!("us.{SONNET}");
    let c = Coverage::new(
        "Department",
        vec![
            attributed,
            priced(
                &global,
                Source::SystemProfile { id: global.clone() },
                Some(SONNET),
                PriceScope::Global,
                1000,
            ),
            priced(
                &regional,
                Source::SystemProfile { id: regional.clone() },
                Some(SONNET),
                PriceScope::Regional,
                1000,
            ),
        ],
    );
    assert_eq!(c.basis, ShareBasis::Cost);
    // 1,000 input tokens each: $0.0008 (Nova Pro), $0.0027 (Sonnet, Global), $0.003 (Sonnet).
    assert_eq!(c.series[1].cost(), Some(dec("0.003")), "the larger bypass first");
    assert_eq!(
        c.series[2].cost(),
        Some(dec("0.0027")),
        "global traffic at the Global price"
    );
    assert_eq!(c.weight(|_| true), dec("0.0065"));
    // 0.0008 of 0.0065 is 12.31 %; by tokens it would be 33.3 %.
    assert_eq!(c.class_share(Class::Attributed), Some(dec("12.3")));
    let bypass = c.class_cost(Class::Bypass).unwrap();
    assert_eq!((bypass.cost.total(), bypass.unpriced), (dec("0.0057"), 0));
    let pct = |s: &str| s.parse::<Percent>().unwrap();
    assert_eq!(c.gate(pct("12.3")), Gate::Pass, "0.08 ≥ 0.07995");
    assert_eq!(c.gate(pct("12.31")), Gate::Below, "0.08 < 0.080015");
    let b = c.bypass();
    assert_eq!(b[0].id, regional);
    assert_eq!(b[0].share, Some(dec("46.2")));
    assert_eq!(c.departments()[0].cost.unwrap().cost.input, dec("0.0008"));

    // The report's section: the classes in USD and the largest bypass model.
    let summary = c.summary(1);
    assert_eq!(summary.basis, ShareBasis::Cost);
    assert_eq!(
        (summary.attributed, summary.untagged, summary.bypass),
        (dec("0.0008"), Decimal::ZERO, dec("0.0057"))
    );
    assert_eq!(summary.top_bypass.len(), 1);
    assert_eq!(
        (
            summary.top_bypass[0].model_id.as_str(),
            summary.top_bypass[0].amount
        ),
        (regional.as_str(), dec("0.003"))
    );
    assert_eq!(summary.shares()[0], Some(dec("12.3")));
}

#[test]
fn one_unpriced_series_puts_shares_back_on_tokens_and_is_named_not_zero() {
    let legal = priced(
        "a",
        profile_source("legal", Some("Legal")),
        Some(NOVA),
        PriceScope::Regional,
        1000,
    );
    let gone = priced(
        "gone12345678",
        Source::UnknownProfile,
        None,
        PriceScope::Regional,
        500,
    );
    let not_sold_here = priced(
        "meta.llama3-3-70b-instruct-v1:0",
        Source::FoundationModel {
            id: "meta.llama3-3-70b-instruct-v1:0".into(),
        },
        Some("meta.llama3-3-70b-instruct-v1:0"),
        PriceScope::Regional,
        500,
    );
    let c = Coverage::new("Department", vec![legal, gone, not_sold_here]);
    assert_eq!(c.basis, ShareBasis::Tokens);
    assert_eq!(
        c.class_share(Class::Attributed),
        Some(dec("50.0")),
        "1,000 of 2,000 tokens"
    );
    let unpriced: Vec<(&str, &Unpriced)> = c
        .unpriced()
        .into_iter()
        .map(|(s, why)| (s.model_id.as_str(), why))
        .collect();
    assert_eq!(
        unpriced,
        [
            ("gone12345678", &Unpriced::UnknownModel),
            (
                "meta.llama3-3-70b-instruct-v1:0",
                &Unpriced::NoModelName {
                    model_id: Some("meta.llama3-3-70b-instruct-v1:0".into())
                }
            ),
        ]
    );
    let un = c.class_cost(Class::Unattributed).unwrap();
    assert_eq!((un.priced, un.unpriced), (0, 1), "unpriced, not $0");
    let all = c.cost_of(|_| true).unwrap();
    assert_eq!(
        (all.cost.total(), all.priced, all.unpriced),
        (dec("0.0008"), 1, 2)
    );
    assert!(!all.complete());

    // Without prices: no money at all, shares by tokens.
    let plain = Coverage::new(
        "Department",
        vec![series(
            "us-east-1",
            "a",
            profile_source("legal", Some("Legal")),
            10,
        )],
    );
    assert!(!plain.priced());
    assert_eq!(plain.class_cost(Class::Attributed), None);
    assert_eq!(plain.basis, ShareBasis::Tokens);
    let summary = c.summary(5);
    assert_eq!(summary.basis, ShareBasis::Tokens);
    assert_eq!(
        (summary.attributed, summary.untagged, summary.bypass),
        (dec("1000"), dec("500"), dec("500")),
        "tokens, since one series is unpriced"
    );
    assert_eq!(summary.top_bypass[0].amount, dec("500"));
}

#[test]
fn the_price_scope_follows_global_routing() {
    let global = format!("global.{SONNET}");
    assert_eq!(
        price_scope(&Source::SystemProfile { id: global }, None),
        PriceScope::Global
    );
    assert_eq!(
        price_scope(
            &Source::SystemProfile {
                id: format!("us.{SONNET}")
            },
            None
        ),
        PriceScope::Regional
    );
    let mut copy = test_profile("g", "gggggggggggg", &[("Department", "Search")]);
    copy.model_arns = vec![
        format!("arn:aws:bedrock:::foundation-model/{SONNET}"),
        format!("arn:aws:bedrock:us-east-1::foundation-model/{SONNET}"),
    ];
    let source = profile_source("g", Some("Search"));
    assert_eq!(price_scope(&source, Some(&copy)), PriceScope::Global);
    copy.model_arns.remove(0);
    assert_eq!(price_scope(&source, Some(&copy)), PriceScope::Regional);
    assert_eq!(
        price_scope(&Source::FoundationModel { id: NOVA.into() }, None),
        PriceScope::Regional
    );
}

#[test]
fn accounts_keep_their_departments_profiles_and_bypass_apart() {
    let account = |id: &str, name: &str| {
        Some(Account {
            id: id.parse::<AccountId>().unwrap(),
            name: Some(name.into()),
        })
    };
    let in_account = |a: Option<Account>, s: Series| Series { account: a, ..s };
    let (alpha, beta) = (account("234567890123", "alpha"), account("345678901234", "beta"));
    let system = || Source::SystemProfile { id: "us.x.y".into() };
    let c = Coverage::new(
        "Department",
        vec![
            in_account(
                alpha.clone(),
                series("us-east-1", "a", profile_source("chat", Some("Search")), 30),
            ),
            in_account(
                beta.clone(),
                series("us-east-1", "a", profile_source("chat", Some("Search")), 10),
            ),
            in_account(
                alpha.clone(),
                series("us-east-1", "b", profile_source("shared", None), 5),
            ),
            in_account(
                beta.clone(),
                series("us-east-1", "b", profile_source("shared", None), 5),
            ),
            in_account(alpha.clone(), series("us-east-1", "us.x.y", system(), 20)),
            in_account(beta.clone(), series("us-east-1", "us.x.y", system(), 30)),
        ],
    );
    let d = c.departments();
    assert_eq!(
        d.iter()
            .map(|d| (d.account.clone(), d.tokens.total(), d.share))
            .collect::<Vec<_>>(),
        [
            (alpha.clone(), 30, Some(dec("30.0"))),
            (beta.clone(), 10, Some(dec("10.0")))
        ]
    );
    assert_eq!(c.unattributed().len(), 2, "one profile ARN, two accounts");
    let b = c.bypass();
    assert_eq!(
        b.iter()
            .map(|b| (b.account.clone(), b.tokens.total()))
            .collect::<Vec<_>>(),
        [(beta, 30), (alpha, 20)]
    );
}
