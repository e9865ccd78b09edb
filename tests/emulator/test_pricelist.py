"""AWS Price List ``GetProducts`` for the AmazonBedrock and AmazonBedrockFoundationModels offers."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError

BEDROCK = "AmazonBedrock"
FM = "AmazonBedrockFoundationModels"
SONNET45 = "Claude Sonnet 4.5 (Amazon Bedrock Edition)"
SONNET_US = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
SONNET_GLOBAL = "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
NOVA_PRO = "amazon.nova-pro-v1:0"
NOW = "2026-11-22T13:00:00Z"
DAY = date(2026, 11, 21)

# As AWS spells them: usage-type prefix and Price List location per served Region.
REGION_NAMES = {
    "us-east-1": ("USE1", "US East (N. Virginia)"),
    "us-east-2": ("USE2", "US East (Ohio)"),
    "us-west-2": ("USW2", "US West (Oregon)"),
    "eu-west-1": ("EUW1", "EU (Ireland)"),
    "eu-central-1": ("EUC1", "EU (Frankfurt)"),
    "eu-west-3": ("EUW3", "EU (Paris)"),
    "eu-north-1": ("EUN1", "EU (Stockholm)"),
    "ap-northeast-1": ("APN1", "Asia Pacific (Tokyo)"),
    "ap-southeast-2": ("APS2", "Asia Pacific (Sydney)"),
    "ca-central-1": ("CAN1", "Canada (Central)"),
}


def f(field: str, value: str, kind: str = "TERM_MATCH") -> dict:
    return {"Type": kind, "Field": field, "Value": value}


def raw_client(emu, validate: bool = True):
    """A pricing client; ``validate=False`` sends what botocore would refuse (as the Rust SDK does)."""
    return boto3.client(
        "pricing", region_name="us-east-1", endpoint_url=emu.url,
        aws_access_key_id="AKIDTEST", aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}, parameter_validation=validate))


def docs(emu, service: str, filters: list[dict] | None = None, page_size: int = 100) -> list[dict]:
    """Every document of a query, following NextToken to the end."""
    client = emu.client("pricing")
    kwargs = {"ServiceCode": service, "Filters": filters or [], "MaxResults": page_size}
    out: list[dict] = []
    while True:
        r = client.get_products(**kwargs)
        assert r["FormatVersion"] == "aws_v1"
        assert all(isinstance(item, str) for item in r["PriceList"])
        out.extend(json.loads(item) for item in r["PriceList"])
        if "NextToken" not in r:
            return out
        kwargs["NextToken"] = r["NextToken"]


def attrs(doc: dict) -> dict:
    return doc["product"]["attributes"]


def dimension(doc: dict) -> dict:
    [term] = doc["terms"]["OnDemand"].values()
    [dim] = term["priceDimensions"].values()
    return dim


def price(doc: dict) -> Decimal:
    return Decimal(dimension(doc)["pricePerUnit"]["USD"])


def error_of(call) -> ClientError:
    with pytest.raises(ClientError) as info:
        call()
    return info.value


# --------------------------------------------------------------------------- documents


def test_amazonbedrock_document_is_shaped_like_aws(emu):
    [doc] = docs(emu, BEDROCK, [f("regionCode", "us-east-1"), f("model", "Nova Pro"),
                                f("inferenceType", "Input tokens"), f("feature", "On-demand Inference")])
    assert list(doc) == ["product", "serviceCode", "terms", "version", "publicationDate"]
    assert doc["serviceCode"] == BEDROCK and doc["product"]["productFamily"] == "Amazon Bedrock"
    assert attrs(doc) == {
        "regionCode": "us-east-1", "inferenceType": "Input tokens", "servicecode": "AmazonBedrock",
        "feature": "On-demand Inference", "provider": "Amazon", "usagetype": "USE1-NovaPro-input-tokens",
        "locationType": "AWS Region", "location": "US East (N. Virginia)", "model": "Nova Pro",
        "servicename": "Amazon Bedrock", "operation": "",
    }
    sku = doc["product"]["sku"]
    assert sku == "0YKK4UQEO3D5PI8Y"  # hashed from offer/model/Region/usage type: the same every run
    [(term_code, term)] = doc["terms"]["OnDemand"].items()
    assert term_code == f"{sku}.JRTCKXETXF" and term["sku"] == sku and term["offerTermCode"] == "JRTCKXETXF"
    assert term["effectiveDate"].endswith("T00:00:00Z") and term["termAttributes"] == {}
    [(rate_code, dim)] = term["priceDimensions"].items()
    assert rate_code == dim["rateCode"] == f"{sku}.JRTCKXETXF.6YS6EN2CT7"
    assert dim["unit"] == "1K tokens" and dim["pricePerUnit"] == {"USD": "0.0008000000"}
    assert (dim["beginRange"], dim["endRange"], dim["appliesTo"]) == ("0", "Inf", [])
    assert dim["description"] == "$0.00080 per 1K tokens for NovaPro-input-tokens inUS East (N. Virginia)"
    assert len(doc["version"]) == 14 and doc["publicationDate"].endswith("Z")


def test_foundation_models_document_is_keyed_by_servicename(emu):
    [doc] = docs(emu, FM, [f("servicename", SONNET45), f("regionCode", "us-east-1"),
                           f("usagetype", "USE1-MP:USE1_InputTokenCount-Units")])
    assert doc["serviceCode"] == FM and doc["product"]["productFamily"] == "Machine Learning"
    assert attrs(doc) == {
        "regionCode": "us-east-1", "servicecode": FM, "usagetype": "USE1-MP:USE1_InputTokenCount-Units",
        "locationType": "AWS Region", "location": "US East (N. Virginia)", "servicename": SONNET45,
        "operation": "",
    }
    dim = dimension(doc)
    assert dim["unit"] == "Units" and dim["pricePerUnit"] == {"USD": "3.0000000000"}  # per 1M tokens
    assert dim["description"] == "AWS Marketplace software usage|us-east-1|Million Input Tokens Regional"


def test_marketplace_variants_are_distinct_from_the_billed_prices(emu):
    got = {attrs(d)["usagetype"]: (price(d), dimension(d)["description"].rsplit("|", 1)[1])
           for d in docs(emu, FM, [f("servicename", SONNET45), f("regionCode", "eu-central-1")])}
    std = {"InputTokenCount": Decimal(3), "OutputTokenCount": Decimal(15),
           "CacheReadInputTokenCount": Decimal("0.3"), "CacheWriteInputTokenCount": Decimal("3.75")}
    for metric, value in std.items():
        assert got[f"EUC1-MP:EUC1_{metric}-Units"][0] == value
        assert got[f"EUC1-MP:EUC1_{metric}_Global-Units"][0] == (value / Decimal("1.1")).quantize(
            Decimal("1E-10"), rounding=ROUND_HALF_UP)
    assert got["EUC1-MP:EUC1_InputTokenCount_Batch-Units"][0] == Decimal("1.5")
    assert got["EUC1-MP:EUC1_OutputTokenCount_Batch-Units"][0] == Decimal("7.5")
    assert got["EUC1-MP:EUC1_CacheWrite1hInputTokenCount-Units"][0] == Decimal(6)
    assert "EUC1-MP:EUC1_InputTokenCount_Global_Batch-Units" in got
    assert "EUC1-MP:EUC1_CacheWrite1hInputTokenCount_Global-Units" in got
    assert len(got) == 14
    # every variant has its own price: picking one for another shows
    standard = {got[f"EUC1-MP:EUC1_{m}-Units"][0] for m in std}
    assert all(p not in standard for ut, (p, _) in got.items() if ut.count("_") > 1 or "1h" in ut)
    assert got["EUC1-MP:EUC1_OutputTokenCount-Units"][1] == "Million Response Tokens Regional"
    assert got["EUC1-MP:EUC1_OutputTokenCount_Global-Units"][1] == "Million Response Tokens Global"
    # no Marketplace SKU has the first-party attributes
    assert all(not {"inferenceType", "provider", "model"} & set(attrs(d)) for d in docs(emu, FM,
                                                                                        [f("regionCode", "us-east-1")]))


def test_first_party_cache_and_batch_products(emu):
    got = {attrs(d)["usagetype"]: (attrs(d)["inferenceType"], attrs(d)["feature"], price(d))
           for d in docs(emu, BEDROCK, [f("model", "Nova Micro"), f("regionCode", "ap-northeast-1")])}
    assert got == {
        "APN1-NovaMicro-input-tokens": ("Input tokens", "On-demand Inference", Decimal("0.000035")),
        "APN1-NovaMicro-output-tokens": ("Output tokens", "On-demand Inference", Decimal("0.00014")),
        "APN1-NovaMicro-cache-read-input-token-count":
            ("Prompt cache read input tokens", "On-demand Inference", Decimal("0.00000875")),
        # free, but priced: a product at 0 is not an unpriced model
        "APN1-NovaMicro-cache-write-input-token-count":
            ("Prompt cache write input tokens", "On-demand Inference", Decimal(0)),
        "APN1-NovaMicro-input-tokens-batch": ("input tokens batch", "Batch Inference", Decimal("0.0000175")),
        "APN1-NovaMicro-output-tokens-batch": ("output tokens batch", "Batch Inference", Decimal("0.00007")),
    }


def test_offer_of_each_model_follows_billing_and_unpriced_models_are_absent(emu):
    families = emu.control("GET", "/_emu/prices")["models"]
    listed: dict[str, tuple[str, str]] = {}
    for region in REGION_NAMES:
        for m in emu.client("bedrock", region).list_foundation_models()["modelSummaries"]:
            listed.setdefault(m["modelId"], (region, m["modelName"]))
    first_party = docs(emu, BEDROCK)
    marketplace = docs(emu, FM)
    models = {attrs(d)["model"] for d in first_party}
    servicenames = {attrs(d)["servicename"] for d in marketplace}
    assert {attrs(d)["servicename"] for d in first_party} == {"Amazon Bedrock"}
    checked = 0
    for model_id, family in families.items():
        region, name = listed[model_id]
        edition = f"{name} (Amazon Bedrock Edition)"
        if family is None:
            assert name not in models and edition not in servicenames, model_id
            continue
        billed = emu.control("GET", f"/_emu/prices?model_id={model_id}&region={region}")["service_name"]
        if billed == "Amazon Bedrock":
            assert name in models and edition not in servicenames, model_id
        else:
            assert billed == edition and edition in servicenames and name not in models, model_id
        checked += 1
    assert checked >= 20
    assert "Stable Diffusion 3.5 Large (Amazon Bedrock Edition)" not in servicenames  # no price family
    assert "Titan Image Generator G1 v2" not in models
    # cache kinds a family does not support have no product (not a $0 one)
    haiku3 = {attrs(d)["usagetype"] for d in marketplace
              if attrs(d)["servicename"] == "Claude 3 Haiku (Amazon Bedrock "
                                            "Edition)" and attrs(d)["regionCode"] == "us-east-1"}
    assert haiku3 and not any("Cache" in ut for ut in haiku3)
    llama = {attrs(d)["usagetype"] for d in first_party if attrs(d)["model"] == "Llama 3.3 70B Instruct"}
    assert llama and not any("cache" in ut for ut in llama)


def test_region_prefixes_and_locations_follow_aws(emu):
    everything = docs(emu, BEDROCK) + docs(emu, FM)
    assert {attrs(d)["regionCode"] for d in everything} == set(REGION_NAMES)
    for d in everything:
        a = attrs(d)
        code, location = REGION_NAMES[a["regionCode"]]
        assert a["location"] == location and a["locationType"] == "AWS Region"
        assert a["usagetype"].startswith(f"{code}-")
        if d["serviceCode"] == FM:
            assert a["usagetype"].startswith(f"{code}-MP:{code}_") and a["usagetype"].endswith("-Units")
    assert len({d["product"]["sku"] for d in everything}) == len(everything)


# --------------------------------------------------------------------------- filters


def usage_types(emu, service: str, filters: list[dict]) -> set[str]:
    return {attrs(d)["usagetype"] for d in docs(emu, service, filters)}


def test_term_match_ignores_case_equals_does_not(emu):
    base = [f("servicename", SONNET45)]
    exact = usage_types(emu, FM, base + [f("regionCode", "us-east-1")])
    assert len(exact) == 14
    assert usage_types(emu, FM, base + [f("regionCode", "US-EAST-1")]) == exact
    assert usage_types(emu, FM, base + [f("regionCode", "us-east-1", "EQUALS")]) == exact
    assert usage_types(emu, FM, base + [f("regionCode", "US-EAST-1", "EQUALS")]) == set()
    # field names are exact
    assert usage_types(emu, FM, base + [f("regioncode", "us-east-1")]) == set()


def test_contains_any_of_none_of(emu):
    base = [f("servicename", SONNET45), f("regionCode", "us-west-2")]
    glob = usage_types(emu, FM, base + [f("usagetype", "_Global", "CONTAINS")])
    assert glob and all("_Global" in ut for ut in glob) and len(glob) == 7
    assert usage_types(emu, FM, base + [f("usagetype", "_global", "CONTAINS")]) == set()
    standard = ["USW2-MP:USW2_InputTokenCount-Units", "USW2-MP:USW2_OutputTokenCount-Units",
                "USW2-MP:USW2_CacheReadInputTokenCount-Units", "USW2-MP:USW2_CacheWriteInputTokenCount-Units"]
    assert usage_types(emu, FM, base + [f("usagetype", ", ".join(standard), "ANY_OF")]) == set(standard)
    rest = usage_types(emu, FM, base + [f("usagetype", ",".join(standard), "NONE_OF")])
    assert len(rest) == 10 and not rest & set(standard)
    regions = {attrs(d)["regionCode"] for d in docs(emu, BEDROCK, [
        f("model", "Nova Lite"), f("regionCode", "us-east-1,eu-west-1", "ANY_OF")])}
    assert regions == {"us-east-1", "eu-west-1"}
    # a product without the field never matches, NONE_OF included
    assert docs(emu, FM, [f("inferenceType", "Input tokens", "NONE_OF")]) == []
    assert docs(emu, BEDROCK, [f("noSuchAttribute", "x")]) == []


def test_service_code_and_product_family_fields(emu):
    nova = [f("model", "Nova Pro"), f("regionCode", "us-east-1")]
    assert len(docs(emu, BEDROCK, nova + [f("ServiceCode", BEDROCK)])) == 6
    assert docs(emu, BEDROCK, nova + [f("ServiceCode", FM)]) == []
    assert len(docs(emu, BEDROCK, nova + [f("productFamily", "Amazon Bedrock")])) == 6


def test_filter_validation(emu):
    client = raw_client(emu, validate=False)
    bad_type = error_of(lambda: client.get_products(ServiceCode=BEDROCK,
                                                    Filters=[f("model", "Nova Pro", "STARTS_WITH")]))
    assert bad_type.response["Error"]["Code"] == "InvalidParameterException"
    assert "enum value set: [TERM_MATCH, EQUALS, CONTAINS, ANY_OF, NONE_OF]" in bad_type.response["Error"]["Message"]
    too_many = error_of(lambda: client.get_products(ServiceCode=BEDROCK, Filters=[f("model", "Nova Pro")] * 51))
    assert too_many.response["Error"]["Code"] == "InvalidParameterException"
    empty_value = error_of(lambda: client.get_products(ServiceCode=BEDROCK, Filters=[f("model", "")]))
    assert empty_value.response["Error"]["Code"] == "InvalidParameterException"
    assert len(docs(emu, BEDROCK, [f("model", "Nova Pro")] * 50)) > 0


# --------------------------------------------------------------------------- pagination


def test_pagination_to_the_end_without_duplicates(emu):
    client = emu.client("pricing")
    full = docs(emu, FM)
    assert len(full) > 300
    first = client.get_products(ServiceCode=FM)
    assert len(first["PriceList"]) == 100 and "NextToken" in first  # default page size
    pages: list[int] = []
    seen: list[str] = []
    kwargs = {"ServiceCode": FM, "MaxResults": 7}
    while True:
        r = client.get_products(**kwargs)
        pages.append(len(r["PriceList"]))
        seen.extend(json.loads(d)["product"]["sku"] for d in r["PriceList"])
        if "NextToken" not in r:
            break
        kwargs["NextToken"] = r["NextToken"]
    assert len(seen) == len(set(seen)) == len(full)
    assert set(seen) == {d["product"]["sku"] for d in full}
    assert max(pages) == 7 and 6 in pages[:-1]  # a short page is not the end
    assert all(p > 0 for p in pages)
    # botocore's paginator gets the same, and MaxResults may change between pages
    paginated = [item for page in client.get_paginator("get_products").paginate(
        ServiceCode=FM, PaginationConfig={"PageSize": 33}) for item in page["PriceList"]]
    assert sorted(paginated) == sorted(json.dumps(d, separators=(",", ":")) for d in full)
    r1 = client.get_products(ServiceCode=FM, MaxResults=5)
    r2 = client.get_products(ServiceCode=FM, MaxResults=50, NextToken=r1["NextToken"])
    assert len(r2["PriceList"]) == 49  # second page: one short


def test_max_results_bounds(emu):
    client = emu.client("pricing")
    assert len(client.get_products(ServiceCode=BEDROCK, MaxResults=1)["PriceList"]) == 1
    assert len(client.get_products(ServiceCode=BEDROCK, MaxResults=100)["PriceList"]) == 100
    with pytest.raises(ParamValidationError):
        client.get_products(ServiceCode=BEDROCK, MaxResults=0)
    raw = raw_client(emu, validate=False)
    for value, needle in ((0, "greater than or equal to 1"), (101, "less than or equal to 100")):
        err = error_of(lambda: raw.get_products(ServiceCode=BEDROCK, MaxResults=value))
        assert err.response["Error"]["Code"] == "InvalidParameterException"
        assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert needle in err.response["Error"]["Message"]


def test_bad_foreign_and_expired_tokens(emu):
    client = emu.client("pricing")
    for token in ("garbage", "abc:def", "QUJD:REVG"):
        err = error_of(lambda: client.get_products(ServiceCode=FM, NextToken=token))
        assert err.response["Error"]["Code"] == "InvalidNextTokenException"
    token = client.get_products(ServiceCode=FM, MaxResults=3)["NextToken"]
    mac, payload = token.split(":")
    tampered = f"{mac}:{payload[:-4]}{'A' if payload[-4] != 'A' else 'B'}{payload[-3:]}"
    for kwargs in ({"ServiceCode": BEDROCK}, {"ServiceCode": FM, "Filters": [f("regionCode", "us-east-1")]},
                   {"ServiceCode": FM, "NextToken": tampered}):
        kwargs.setdefault("NextToken", token)
        err = error_of(lambda: client.get_products(**kwargs))
        assert err.response["Error"]["Code"] == "InvalidNextTokenException", kwargs
    emu.control("POST", "/_emu/clock", {"now": NOW})
    token = client.get_products(ServiceCode=FM, MaxResults=3)["NextToken"]
    emu.control("POST", "/_emu/clock", {"now": "2026-11-22T13:59:00Z"})
    assert len(client.get_products(ServiceCode=FM, MaxResults=3, NextToken=token)["PriceList"]) == 2
    emu.control("POST", "/_emu/clock", {"now": "2026-11-22T14:01:00Z"})
    err = error_of(lambda: client.get_products(ServiceCode=FM, MaxResults=3, NextToken=token))
    assert err.response["Error"]["Code"] == "ExpiredNextTokenException"
    assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 400


# --------------------------------------------------------------------------- errors


def test_service_code_and_format_version_errors(emu):
    client = emu.client("pricing")
    for code in ("AmazonEC2", "amazonbedrock"):
        err = error_of(lambda: client.get_products(ServiceCode=code))
        assert err.response["Error"]["Code"] == "NotFoundException"
        assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    err = error_of(lambda: client.get_products(ServiceCode=""))
    assert err.response["Error"] == {
        "Code": "InvalidParameterException",
        "Message": "Input Parameters are invalid. serviceCode cannot be null or empty"}
    assert err.response["Message"] == err.response["Error"]["Message"]  # the modeled member
    err = error_of(lambda: client.get_products(ServiceCode=BEDROCK, FormatVersion="aws_v2"))
    assert err.response["Error"]["Code"] == "InvalidParameterException"
    assert client.get_products(ServiceCode=BEDROCK, FormatVersion="aws_v1", MaxResults=1)["FormatVersion"] == "aws_v1"
    err = error_of(lambda: client.describe_services())
    assert err.response["Error"]["Code"] == "UnknownOperationException"


def test_malformed_body_is_a_serialization_error(emu):
    req = urllib.request.Request(emu.url + "/", data=b"{not json", method="POST", headers={
        "X-Amz-Target": "AWSPriceListService.GetProducts", "Content-Type": "application/x-amz-json-1.1"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=10)
    assert info.value.code == 400
    assert info.value.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert json.loads(info.value.read())["__type"] == "SerializationException"


def test_request_log_and_fault_rules_see_pricing(emu):
    emu.control("DELETE", "/_emu/requests")
    emu.control("POST", "/_emu/faults", {"rules": [
        {"service": "pricing", "operation": "GetProducts", "error": "ThrottlingException", "count": 1},
        {"service": "pricing", "operation": "GetProducts", "error": "InternalErrorException", "skip": 1, "count": 1},
    ]})
    client = emu.client("pricing", retries=0)
    throttled = error_of(lambda: client.get_products(ServiceCode=BEDROCK, MaxResults=1))
    assert throttled.response["Error"]["Code"] == "ThrottlingException"
    assert throttled.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert len(client.get_products(ServiceCode=BEDROCK, MaxResults=1)["PriceList"]) == 1
    internal = error_of(lambda: client.get_products(ServiceCode=BEDROCK, MaxResults=1))
    assert internal.response["Error"]["Code"] == "InternalErrorException"
    assert internal.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    log = emu.control("GET", "/_emu/requests?service=pricing")["requests"]
    assert [(e["operation"], e["status"], e["region"]) for e in log] == [
        ("GetProducts", 400, "us-east-1"), ("GetProducts", 200, "us-east-1"), ("GetProducts", 500, "us-east-1")]
    rules = emu.control("GET", "/_emu/faults")["rules"]
    assert [(r["seen"], r["fired"]) for r in rules] == [(3, 1), (2, 1)]


# --------------------------------------------------------------------------- estimate = bill


def billed_by_usage_type(emu, service: str) -> dict[str, Decimal]:
    r = emu.client("ce").get_cost_and_usage(
        TimePeriod={"Start": DAY.isoformat(), "End": "2026-11-22"}, Granularity="DAILY",
        Metrics=["UnblendedCost"], GroupBy=[{"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
        Filter={"Dimensions": {"Key": "SERVICE", "Values": [service]}})
    return {g["Keys"][0]: Decimal(g["Metrics"]["UnblendedCost"]["Amount"]) for g in r["ResultsByTime"][0]["Groups"]}


@pytest.mark.parametrize(
    "model_id,offer,key,service,per",
    [
        (SONNET_US, FM, ("servicename", SONNET45), SONNET45, Decimal(1_000_000)),
        (NOVA_PRO, BEDROCK, ("model", "Nova Pro"), "Amazon Bedrock", Decimal(1000)),
        (SONNET_GLOBAL, FM, ("servicename", SONNET45), SONNET45, Decimal(1_000_000)),
    ],
)
def test_price_list_estimate_equals_the_bill(emu, model_id, offer, key, service, per):
    emu.control("POST", "/_emu/clock", {"now": NOW})
    tokens = {"input_tokens": 1_234_567, "output_tokens": 89_013, "cache_read_tokens": 4_567_891,
              "cache_write_tokens": 345_679}
    seeded = emu.control("POST", "/_emu/usage", {"records": [
        {"region": "us-east-1", "model_id": model_id, "date": DAY.isoformat(), "invocations": 321, **tokens}]})
    billed = billed_by_usage_type(emu, service)
    # the client's side: price each billed usage type from the price list
    prices = {attrs(d)["usagetype"]: price(d) for d in docs(emu, offer, [f(*key), f("regionCode", "us-east-1")])}
    by_kind = {"InputTokenCount": "input_tokens", "OutputTokenCount": "output_tokens",
               "CacheReadInputTokenCount": "cache_read_tokens", "CacheWriteInputTokenCount": "cache_write_tokens",
               "input-tokens": "input_tokens", "output-tokens": "output_tokens",
               "cache-read-input-token-count": "cache_read_tokens",
               "cache-write-input-token-count": "cache_write_tokens"}
    by_kind.update({f"{k}_Global": v for k, v in by_kind.items() if k[0].isupper()})
    assert len(billed) == 4
    # Global cross-Region traffic bills (and so is priced) at the Global price, nowhere else.
    assert all(t.endswith("_Global-Units") == model_id.startswith("global.") for t in billed), billed
    estimate = Decimal(0)
    for usage_type, amount in billed.items():
        kind = usage_type.split("_", 1)[1][:-len("-Units")] if "-MP:" in usage_type else usage_type.split("-", 2)[2]
        line = (tokens[by_kind[kind]] * prices[usage_type] / per).quantize(Decimal("1E-10"), rounding=ROUND_HALF_UP)
        assert line == amount, usage_type
        estimate += line
    assert estimate == Decimal(seeded["cost_usd"]) == sum(billed.values())
    assert estimate.quantize(Decimal("0.01")) == sum(billed.values()).quantize(Decimal("0.01"))
    assert estimate > 0


def raw_pricing(emu, body: bytes, method: str = "POST") -> tuple[int, dict]:
    req = urllib.request.Request(emu.url + "/", data=body if method == "POST" else None, method=method, headers={
        "X-Amz-Target": "AWSPriceListService.GetProducts", "Content-Type": "application/x-amz-json-1.1"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.mark.parametrize("body,code", [
    (b"[]", "SerializationException"),
    (b'{"ServiceCode": 5}', "SerializationException"),
    (b'{"ServiceCode": "AmazonBedrock", "FormatVersion": ""}', "InvalidParameterException"),
    (b'{"ServiceCode": "AmazonBedrock", "MaxResults": "5"}', "SerializationException"),
    (b'{"ServiceCode": "AmazonBedrock", "Filters": {"Type": "TERM_MATCH"}}', "SerializationException"),
    (b'{"ServiceCode": "AmazonBedrock", "Filters": ["x"]}', "SerializationException"),
    (b'{"ServiceCode": "AmazonBedrock", "Filters": [{"Type": "TERM_MATCH", "Field": "regionCode"}]}',
     "InvalidParameterException"),
])
def test_requests_no_sdk_sends(emu, body, code):
    status, doc = raw_pricing(emu, body)
    assert (status, doc["__type"]) == (400, code), doc


def test_awsjson_requests_are_posts(emu):
    status, doc = raw_pricing(emu, b"", method="GET")
    assert (status, doc["__type"]) == (405, "UnknownOperationException")


def test_a_token_past_the_end_is_invalid(emu):
    from awsemu import clock, pricelist

    client = emu.client("pricing")
    filters = [f("regionCode", "us-east-1")]
    first = client.get_products(ServiceCode=BEDROCK, Filters=filters, MaxResults=1)
    assert first["NextToken"]
    binding = pricelist._binding(BEDROCK, [("TERM_MATCH", "regionCode", "us-east-1")], None)
    past = pricelist.encode_token(binding, 10_000, 1, clock.epoch())
    err = error_of(lambda: client.get_products(ServiceCode=BEDROCK, Filters=filters, NextToken=past))
    assert err.response["Error"]["Code"] == "InvalidNextTokenException"


def test_fault_delay_and_after_action(emu):
    emu.control("POST", "/_emu/faults", {"latency_ms": {"pricing": 1}, "rules": [
        {"service": "pricing", "operation": "GetProducts", "error": "ThrottlingException", "after_action": True}]})
    client = emu.client("pricing", retries=0)
    for body in ({"ServiceCode": BEDROCK, "MaxResults": 1}, {"ServiceCode": ""}):  # the action succeeds / fails
        err = error_of(lambda body=body: client.get_products(**body))
        assert err.response["Error"]["Code"] == "ThrottlingException"
