use rust_decimal::Decimal;
use serde_json::json;

use super::catalog::ModelQuery;
use super::*;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A document shaped like AWS's: attributes, one `OnDemand` term with one dimension.
fn doc(attributes: &serde_json::Value, unit: &str, usd: &str, description: &str) -> String {
    json!({
        "product": {"productFamily": "x", "attributes": attributes, "sku": "SKU"},
        "serviceCode": "x",
        "terms": {"OnDemand": {"SKU.JRTCKXETXF": {"priceDimensions": {"SKU.JRTCKXETXF.6YS6EN2CT7": {
            "unit": unit, "endRange": "Inf", "description": description, "appliesTo": [],
            "rateCode": "SKU.JRTCKXETXF.6YS6EN2CT7", "beginRange": "0", "pricePerUnit": {"USD": usd}}},
            "sku": "SKU", "effectiveDate": "2026-11-01T00:00:00Z", "offerTermCode": "JRTCKXETXF", "termAttributes": {}}}},
        "version": "20261101000000",
        "publicationDate": "2026-11-01T00:00:00Z",
    })
    .to_string()
}

fn first_party(model: &str, inference_type: &str, feature: &str, usd_per_1k: &str) -> String {
    doc(
        &json!({"regionCode": "us-east-1", "inferenceType": inference_type, "servicecode": "AmazonBedrock",
                "feature": feature, "provider": "Amazon", "usagetype": "USE1-NovaPro-input-tokens",
                "model": model, "servicename": "Amazon Bedrock", "operation": ""}),
        "1K tokens",
        usd_per_1k,
        "$0.0008 per 1K tokens",
    )
}

fn marketplace(service: &str, region: &str, metric: &str, usd_per_million: &str) -> String {
    let code = if region == "us-east-1" { "USE1" } else { "USW2" };
    doc(
        &json!({"regionCode": region, "servicecode": "AmazonBedrockFoundationModels",
                "usagetype": format!("{code}-MP:{code}_{metric}-Units"), "servicename": service, "operation": ""}),
        "Units",
        usd_per_million,
        &format!("AWS Marketplace software usage|{region}|Million Input Tokens Regional"),
    )
}

const SONNET: &str = "Claude Sonnet 4.5 (Amazon Bedrock Edition)";

#[test]
fn first_party_documents_give_a_price_per_token_from_1k_units() {
    let p = product(
        Offer::AmazonBedrock,
        &first_party("Nova Pro", "Input tokens", "On-demand Inference", "0.0008"),
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        (p.model.as_str(), p.region.as_str(), p.kind, p.scope),
        ("Nova Pro", "us-east-1", TokenKind::Input, PriceScope::Regional)
    );
    assert_eq!(p.usd_per_token, d("0.0000008"));
    assert_eq!(p.publication_date.as_deref(), Some("2026-11-01T00:00:00Z"));
    let cache = first_party(
        "Nova Pro",
        "Prompt cache read input tokens",
        "On-demand Inference",
        "0.0002",
    );
    assert_eq!(
        product(Offer::AmazonBedrock, &cache).unwrap().unwrap().kind,
        TokenKind::CacheRead
    );
    // Batch is not on-demand traffic: left out, by feature or by inference type.
    for (it, feature) in [
        ("input tokens batch", "Batch Inference"),
        ("Input tokens", "Batch Inference"),
    ] {
        assert_eq!(
            product(
                Offer::AmazonBedrock,
                &first_party("Nova Pro", it, feature, "0.0004")
            )
            .unwrap(),
            None
        );
    }
    assert!(product(Offer::AmazonBedrock, "not json").is_err());
}

#[test]
fn marketplace_documents_are_keyed_by_service_name_and_priced_per_million() {
    let p = product(
        Offer::AmazonBedrockFoundationModels,
        &marketplace(SONNET, "us-east-1", "InputTokenCount", "3.0000000000"),
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        (p.model.as_str(), p.kind, p.scope, p.usd_per_token),
        (
            "Claude Sonnet 4.5",
            TokenKind::Input,
            PriceScope::Regional,
            d("0.000003")
        )
    );
    let global = product(
        Offer::AmazonBedrockFoundationModels,
        &marketplace(
            SONNET,
            "us-east-1",
            "CacheReadInputTokenCount_Global",
            "0.2727272727",
        ),
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        (global.kind, global.scope),
        (TokenKind::CacheRead, PriceScope::Global)
    );
    assert_eq!(global.usd_per_token, d("0.0000002727272727"));
    // Variants billed at other prices never pass for the on-demand ones.
    for metric in [
        "InputTokenCount_Batch",
        "OutputTokenCount_Global_Batch",
        "CacheWrite1hInputTokenCount",
        "CacheWrite1hInputTokenCount_Global",
    ] {
        let doc = marketplace(SONNET, "us-east-1", metric, "1.5");
        assert_eq!(
            product(Offer::AmazonBedrockFoundationModels, &doc).unwrap(),
            None,
            "{metric}"
        );
    }
    let not_bedrock = marketplace("Some Other Product", "us-east-1", "InputTokenCount", "1");
    assert_eq!(
        product(Offer::AmazonBedrockFoundationModels, &not_bedrock).unwrap(),
        None
    );
}

fn sonnet_catalog() -> PriceCatalog {
    let docs = [
        ("InputTokenCount", "3"),
        ("OutputTokenCount", "15"),
        ("CacheReadInputTokenCount", "0.3"),
        ("CacheWriteInputTokenCount", "3.75"),
        ("InputTokenCount_Global", "2.7272727273"),
    ];
    let mut products: Vec<Product> = docs
        .iter()
        .map(|(m, usd)| {
            product(
                Offer::AmazonBedrockFoundationModels,
                &marketplace(SONNET, "us-east-1", m, usd),
            )
            .unwrap()
            .unwrap()
        })
        .collect();
    for (it, usd) in [
        ("Input tokens", "0.0008"),
        ("Output tokens", "0.0032"),
        ("Prompt cache read input tokens", "0.0002"),
        ("Prompt cache write input tokens", "0"),
    ] {
        products.push(
            product(
                Offer::AmazonBedrock,
                &first_party("Nova Pro", it, "On-demand Inference", usd),
            )
            .unwrap()
            .unwrap(),
        );
    }
    PriceCatalog::new(products)
}

#[test]
fn models_are_found_by_their_name_whatever_the_spelling() {
    let c = sonnet_catalog();
    assert_eq!(
        model_key("Claude Sonnet 4.5 (Amazon Bedrock Edition)"),
        "claudesonnet45"
    );
    let p = c
        .lookup("claude sonnet 4.5", "us-east-1", PriceScope::Regional)
        .unwrap();
    assert_eq!(p.offer, Offer::AmazonBedrockFoundationModels);
    assert_eq!(p.price(TokenKind::Output), Some(d("0.000015")));
    assert!(
        c.lookup("Claude Sonnet 4.5", "us-west-2", PriceScope::Regional)
            .is_none()
    );
    assert!(
        c.lookup("Claude Sonnet 4", "us-east-1", PriceScope::Regional)
            .is_none()
    );
    // Global traffic takes the Global prices where they exist, else the regional ones.
    let g = c
        .lookup("Claude Sonnet 4.5", "us-east-1", PriceScope::Global)
        .unwrap();
    assert_eq!(g.scope, PriceScope::Global);
    let nova = c.lookup("Nova Pro", "us-east-1", PriceScope::Global).unwrap();
    assert_eq!(
        (nova.offer, nova.scope),
        (Offer::AmazonBedrock, PriceScope::Regional)
    );
    assert_eq!(c.publication_date.as_deref(), Some("2026-11-01T00:00:00Z"));
}

#[test]
fn disagreeing_prices_leave_the_kind_unpriced_and_say_so() {
    let three = marketplace(SONNET, "us-east-1", "InputTokenCount", "3");
    let four = marketplace(SONNET, "us-east-1", "InputTokenCount", "4");
    let output = marketplace(SONNET, "us-east-1", "OutputTokenCount", "15");
    let c = PriceCatalog::new(
        [three.clone(), three, four, output]
            .iter()
            .map(|x| product(Offer::AmazonBedrockFoundationModels, x).unwrap().unwrap()),
    );
    let p = c
        .lookup("Claude Sonnet 4.5", "us-east-1", PriceScope::Regional)
        .unwrap();
    assert_eq!(p.price(TokenKind::Input), None);
    assert_eq!(c.conflicts.len(), 1, "{:?}", c.conflicts);
}

fn key(model: &str, scope: PriceScope) -> PriceKey {
    PriceKey {
        model_name: Some(model.into()),
        model_id: None,
        region: "us-east-1".into(),
        scope,
    }
}

#[test]
fn a_marketplace_models_cost_and_savings_match_the_hand_computation() {
    // Sonnet 4.5: input 3, output 15, cache read 0.30, cache write 3.75 USD per million.
    let tokens = TokenCounts {
        input: 2_000_000,
        output: 100_000,
        cache_read: 1_000_000,
        cache_write: 100_000,
    };
    let e = price_usage(
        &sonnet_catalog(),
        &key("Claude Sonnet 4.5", PriceScope::Regional),
        &tokens,
    );
    let cost = e.cost().unwrap();
    assert_eq!(
        (cost.input, cost.output, cost.cache_read, cost.cache_write),
        (d("6"), d("1.5"), d("0.3"), d("0.375"))
    );
    assert_eq!(cost.total(), d("8.175"));
    // 1,000,000 × (3 − 0.30)/1M − 100,000 × (3.75 − 3)/1M = 2.70 − 0.075
    assert_eq!(e.savings(), Some(d("2.625")));
    // Writes without reads: the cache cost money.
    let writes_only = TokenCounts {
        cache_write: 1_000_000,
        ..TokenCounts::default()
    };
    let e = price_usage(
        &sonnet_catalog(),
        &key("Claude Sonnet 4.5", PriceScope::Regional),
        &writes_only,
    );
    assert_eq!(e.savings(), Some(d("-0.75")));
}

#[test]
fn a_first_party_models_cost_and_savings_match_the_hand_computation() {
    // Nova Pro: input 0.0008, output 0.0032, cache read 0.0002, cache write 0 USD per 1K.
    let tokens = TokenCounts {
        input: 10_000,
        output: 1_000,
        cache_read: 10_000,
        cache_write: 5_000,
    };
    let e = price_usage(&sonnet_catalog(), &key("Nova Pro", PriceScope::Regional), &tokens);
    let Estimate::Priced {
        cost, savings, offer, ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(*offer, Offer::AmazonBedrock);
    assert_eq!(cost.total(), d("0.008") + d("0.0032") + d("0.002"));
    // 10,000 × (0.0008 − 0.0002)/1K − 5,000 × (0 − 0.0008)/1K = 0.006 + 0.004: free writes add to the savings.
    assert_eq!(*savings, d("0.010"));
}

#[test]
fn unpriced_models_and_kinds_are_never_zero() {
    let c = sonnet_catalog();
    let tokens = TokenCounts {
        input: 10,
        ..TokenCounts::default()
    };
    let e = price_usage(&c, &key("Llama 3.3 70B Instruct", PriceScope::Regional), &tokens);
    assert!(
        matches!(e, Estimate::Unpriced(Unpriced::NotInCatalog { .. })),
        "{e:?}"
    );
    assert_eq!(e.cost(), None);
    let no_name = PriceKey {
        model_name: None,
        model_id: Some("x.y".into()),
        ..key("", PriceScope::Regional)
    };
    assert!(matches!(
        price_usage(&c, &no_name, &tokens),
        Estimate::Unpriced(Unpriced::NoModelName { .. })
    ));
    // A kind without a price but with tokens leaves the whole estimate unpriced.
    let only_input = PriceCatalog::new([product(
        Offer::AmazonBedrockFoundationModels,
        &marketplace(SONNET, "us-east-1", "InputTokenCount", "3"),
    )
    .unwrap()
    .unwrap()]);
    let with_output = TokenCounts { output: 5, ..tokens };
    let e = price_usage(
        &only_input,
        &key("Claude Sonnet 4.5", PriceScope::Regional),
        &with_output,
    );
    assert_eq!(
        e,
        Estimate::Unpriced(Unpriced::KindNotPriced {
            model: "Claude Sonnet 4.5".into(),
            region: "us-east-1".into(),
            kind: TokenKind::Output
        })
    );
    let sum = EstimateSum::of([
        &e,
        &price_usage(&c, &key("Nova Pro", PriceScope::Regional), &tokens),
    ]);
    assert_eq!((sum.priced, sum.unpriced, sum.complete()), (1, 1, false));
}

#[test]
fn model_queries_are_ids_arns_or_words_of_a_name() {
    let q: ModelQuery = "us.anthropic.claude-sonnet-4-5-20250929-v1:0".parse().unwrap();
    assert_eq!(
        q.model_id().as_deref(),
        Some("anthropic.claude-sonnet-4-5-20250929-v1:0")
    );
    let q: ModelQuery = "amazon.nova-pro-v1:0".parse().unwrap();
    assert_eq!(q.model_id().as_deref(), Some("amazon.nova-pro-v1:0"));
    let q: ModelQuery = "sonnet 4.5".parse().unwrap();
    assert!(q.matches_name("Claude Sonnet 4.5") && !q.matches_name("Claude Sonnet 4"));
    assert!("Nova".parse::<ModelQuery>().unwrap().matches_name("Nova Pro"));
    for bad in ["", "  ", "arn:aws:s3:::bucket", "a;b", "---"] {
        let e = bad.parse::<ModelQuery>().unwrap_err();
        assert_eq!(e.field, "--model", "{bad}");
    }
}

#[test]
fn usage_types_tell_token_charges_from_the_rest() {
    for t in [
        "USE1-NovaPro-input-tokens",
        "USW2-NovaPro-output-tokens",
        "USE1-NovaPro-cache-read-input-token-count",
        "USE1-MP:USE1_InputTokenCount-Units",
        "USE1-MP:USE1_CacheWriteInputTokenCount_Global-Units",
    ] {
        assert!(is_token_usage_type(t), "{t}");
    }
    for t in ["", "USE1-TimedStorage-ByteHrs", "USE1-ProvisionedThroughput"] {
        assert!(!is_token_usage_type(t), "{t}");
    }
}

fn priced(total: &str) -> Estimate {
    Estimate::Priced {
        cost: KindAmounts {
            input: d(total),
            ..KindAmounts::default()
        },
        savings: Decimal::ZERO,
        offer: Offer::AmazonBedrock,
        scope: PriceScope::Regional,
        model: "Nova Pro".into(),
    }
}

#[test]
fn reconciliation_flags_gaps_over_two_percent_and_names_their_causes() {
    let dept = |s: &str| Some(s.to_owned());
    let billed = billed_rows([
        (dept("Search"), Some("USE1-NovaPro-input-tokens".into()), d("100")),
        (dept("Legal"), Some("USE1-NovaPro-input-tokens".into()), d("50")),
        (dept("Legal"), None, d("-10")),
        (dept("Ops"), Some("USE1-NovaPro-input-tokens".into()), d("40")),
        (None, Some("USE1-MP:USE1_InputTokenCount-Units".into()), d("30")),
    ]);
    let estimates = [
        (dept("Search"), priced("99.5")),
        (dept("Legal"), priced("50")),
        (dept("Ops"), priced("30")),
        (
            dept("Ops"),
            Estimate::Unpriced(Unpriced::NoModelName { model_id: None }),
        ),
        (None, priced("12")),
        (dept("New"), priced("1")),
    ];
    let r = reconcile(&billed, estimates.iter().map(|(v, e)| (v.clone(), e)));
    let row = |v: Option<&str>| r.rows.iter().find(|x| x.value.as_deref() == v).unwrap();
    let search = row(Some("Search"));
    assert_eq!((search.difference_usd, search.flagged), (d("0.5"), false));
    assert_eq!(search.difference_percent, Some(d("0.5")));
    let legal = row(Some("Legal"));
    assert_eq!(
        (legal.billed_usd, legal.difference_usd, legal.flagged),
        (d("40"), d("-10"), true)
    );
    assert_eq!(legal.causes, [Cause::NonTokenCharges]);
    let ops = row(Some("Ops"));
    assert_eq!((ops.unpriced_profiles, ops.profiles, ops.flagged), (1, 2, true));
    assert_eq!(ops.causes, [Cause::UnpricedProfiles]);
    let untagged = r.untagged().unwrap();
    assert_eq!(
        (untagged.difference_usd, untagged.causes.as_slice()),
        (d("18"), &[Cause::NotThroughProfiles][..])
    );
    let new = row(Some("New"));
    assert!(new.flagged && new.difference_percent.is_none() && new.causes == [Cause::Unexplained]);
    assert_eq!(r.rows.last().unwrap().value, None, "untagged last");
    assert_eq!(r.rows[0].value.as_deref(), Some("Search"), "biggest billed first");
    assert_eq!(r.total.billed_usd, d("210"));
    assert_eq!(r.total.estimated_usd, d("192.5"));
    assert_eq!(r.flagged(), 4);
}

#[test]
fn the_line_is_two_percent_of_the_bill() {
    let dept = |s: &str| Some(s.to_owned());
    let billed = billed_rows([
        (dept("Under"), Some("USE1-NovaPro-input-tokens".into()), d("100")),
        (dept("At"), Some("USE1-NovaPro-input-tokens".into()), d("100")),
        (dept("Over"), Some("USE1-NovaPro-input-tokens".into()), d("100")),
    ]);
    let estimates = [
        (dept("Under"), priced("98.1")),
        (dept("At"), priced("98")),
        (dept("Over"), priced("97.9")),
    ];
    let r = reconcile(&billed, estimates.iter().map(|(v, e)| (v.clone(), e)));
    let flagged = |v: &str| {
        r.rows
            .iter()
            .find(|x| x.value.as_deref() == Some(v))
            .unwrap()
            .flagged
    };
    assert_eq!(
        (flagged("Under"), flagged("At"), flagged("Over")),
        (false, false, true),
        "1.9 % and 2 % are within the line, 2.1 % is beyond it"
    );
}
