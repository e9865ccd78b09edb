"""``POST /_emu/usage``: one seeding call, consistent CloudWatch metrics and billing."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

ACCOUNT = "123456789012"
SONNET_US = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU3 = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA_PRO = "amazon.nova-pro-v1:0"


def today() -> date:
    return datetime.now(UTC).date()


def midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def post_error(emu, path: str, body: dict) -> tuple[int, str]:
    try:
        emu.control("POST", path, body)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    raise AssertionError("expected an error")


def make_aip(emu, name: str, tags: dict, source: str = SONNET_US, region: str = "us-east-1") -> dict:
    bedrock = emu.client("bedrock", region)
    if source.split(".", 1)[0] in ("us", "eu", "global"):
        arn = f"arn:aws:bedrock:{region}:{ACCOUNT}:inference-profile/{source}"
    else:
        arn = f"arn:aws:bedrock:{region}::foundation-model/{source}"
    created = bedrock.create_inference_profile(
        inferenceProfileName=name, modelSource={"copyFrom": arn},
        tags=[{"key": k, "value": v} for k, v in tags.items()])
    return bedrock.get_inference_profile(inferenceProfileIdentifier=created["inferenceProfileArn"])


def daily_sums(emu, region: str, model_dim: str, metric: str, first: date, last: date, stat: str = "Sum") -> dict:
    cw = emu.client("cloudwatch", region)
    r = cw.get_metric_data(
        MetricDataQueries=[{
            "Id": "m1",
            "MetricStat": {
                "Metric": {"Namespace": "AWS/Bedrock", "MetricName": metric,
                           "Dimensions": [{"Name": "ModelId", "Value": model_dim}]},
                "Period": 86400, "Stat": stat,
            },
        }],
        StartTime=midnight(first), EndTime=midnight(last + timedelta(days=1)),
    )
    [result] = r["MetricDataResults"]
    return {ts.date(): v for ts, v in zip(result["Timestamps"], result["Values"], strict=True)}


def record(model_id: str, d: date, **counts) -> dict:
    base = {"region": "us-east-1", "model_id": model_id, "date": d.isoformat(), "invocations": 10,
            "input_tokens": 1000, "output_tokens": 200, "cache_read_tokens": 0, "cache_write_tokens": 0}
    base.update(counts)
    return base


def test_usage_writes_cloudwatch_datapoints_under_the_profile_id(emu):
    aip = make_aip(emu, "search-chat", {"Department": "Search"})
    pid = aip["inferenceProfileId"]
    t = today()
    days = [t - timedelta(days=n) for n in (3, 2, 1)]
    records = [
        record(pid, d, invocations=100 + i, input_tokens=5000 + i, output_tokens=700, cache_read_tokens=9000,
               cache_write_tokens=800, client_errors=2, server_errors=1, throttles=4,
               latency_ms=[100.0, 200.0, 300.0], ttft_ms=[50.0])
        for i, d in enumerate(days)
    ]
    out = emu.control("POST", "/_emu/usage", {"records": records})
    assert out["line_items"] == 3 * 4
    # 8 count metrics + latency + TTFT per record
    assert out["datapoints"] == 3 * 10
    assert daily_sums(emu, "us-east-1", pid, "Invocations", days[0], days[-1]) == {
        days[0]: 100.0, days[1]: 101.0, days[2]: 102.0}
    assert daily_sums(emu, "us-east-1", pid, "InputTokenCount", days[0], days[-1])[days[1]] == 5001.0
    assert set(daily_sums(emu, "us-east-1", pid, "CacheReadInputTokenCount", days[0], days[-1]).values()) == {9000.0}
    assert set(daily_sums(emu, "us-east-1", pid, "CacheWriteInputTokenCount", days[0], days[-1]).values()) == {800.0}
    assert set(daily_sums(emu, "us-east-1", pid, "InvocationThrottles", days[0], days[-1]).values()) == {4.0}
    assert set(daily_sums(emu, "us-east-1", pid, "InvocationLatency", days[0], days[-1], "Average").values()) == {200.0}
    assert set(daily_sums(emu, "us-east-1", pid, "TimeToFirstToken", days[0], days[-1], "Maximum").values()) == {50.0}
    # Nothing under the ARN or the underlying model: AIP traffic is reported under its ID.
    assert daily_sums(emu, "us-east-1", aip["inferenceProfileArn"], "Invocations", days[0], days[-1]) == {}
    assert daily_sums(emu, "us-east-1", "anthropic.claude-sonnet-4-5-20250929-v1:0", "Invocations",
                      days[0], days[-1]) == {}


def test_datapoints_sit_at_noon_and_zero_counts_are_omitted(emu):
    aip = make_aip(emu, "quiet", {"Department": "Legal"})
    pid = aip["inferenceProfileId"]
    d = today() - timedelta(days=1)
    emu.control("POST", "/_emu/usage", {"records": [record(pid, d, invocations=5, cache_read_tokens=0)]})
    cw = emu.client("cloudwatch")
    names = {m["MetricName"] for m in cw.list_metrics(
        Namespace="AWS/Bedrock", Dimensions=[{"Name": "ModelId", "Value": pid}])["Metrics"]}
    assert names == {"Invocations", "InputTokenCount", "OutputTokenCount"}
    stats = cw.get_metric_data(
        MetricDataQueries=[{"Id": "m", "MetricStat": {
            "Metric": {"Namespace": "AWS/Bedrock", "MetricName": "Invocations",
                       "Dimensions": [{"Name": "ModelId", "Value": pid}]},
            "Period": 3600, "Stat": "Sum"}}],
        StartTime=midnight(d), EndTime=midnight(d + timedelta(days=1)))
    [result] = stats["MetricDataResults"]
    assert result["Timestamps"] == [datetime(d.year, d.month, d.day, 12, tzinfo=UTC)]
    assert result["Values"] == [5.0]


def test_dimension_value_override_and_non_aip_model_ids(emu):
    aip = make_aip(emu, "arn-form", {"Department": "Finance"})
    d = today()
    emu.control("POST", "/_emu/usage", {"records": [
        record(aip["inferenceProfileId"], d, invocations=7, dimension_value=aip["inferenceProfileArn"]),
        record(SONNET_US, d, invocations=11),
        record(f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/{SONNET_US}", d, invocations=1),
        record(NOVA_PRO, d, invocations=13),
    ]})
    assert daily_sums(emu, "us-east-1", aip["inferenceProfileArn"], "Invocations", d, d) == {d: 7.0}
    assert daily_sums(emu, "us-east-1", aip["inferenceProfileId"], "Invocations", d, d) == {}
    assert daily_sums(emu, "us-east-1", SONNET_US, "Invocations", d, d) == {d: 12.0}
    assert daily_sums(emu, "us-east-1", NOVA_PRO, "Invocations", d, d) == {d: 13.0}


def test_list_metrics_shows_every_kind_of_model_id_seeded(emu):
    """What `aipctl coverage` discovers: one ModelId per way of calling a model."""
    by_id = make_aip(emu, "by-id", {"Department": "Search"})
    by_arn = make_aip(emu, "by-arn", {}, source=NOVA_PRO)
    d = today() - timedelta(days=1)
    emu.control("POST", "/_emu/usage", {"records": [
        record(by_id["inferenceProfileId"], d, invocations=2),
        record(by_arn["inferenceProfileId"], d, invocations=3, dimension_value=by_arn["inferenceProfileArn"]),
        record(SONNET_US, d, invocations=5),
        record(NOVA_PRO, d, invocations=7),
        record(NOVA_PRO, d, invocations=1, region="us-west-2"),
    ]})
    cw = emu.client("cloudwatch")
    listed = [m["Dimensions"] for m in cw.list_metrics(
        Namespace="AWS/Bedrock", MetricName="Invocations", Dimensions=[{"Name": "ModelId"}])["Metrics"]]
    assert sorted(dims[0]["Value"] for dims in listed) == sorted([
        by_id["inferenceProfileId"], by_arn["inferenceProfileArn"], SONNET_US, NOVA_PRO])
    assert all(len(dims) == 1 and dims[0]["Name"] == "ModelId" for dims in listed)
    west = emu.client("cloudwatch", "us-west-2").list_metrics(
        Namespace="AWS/Bedrock", MetricName="Invocations", Dimensions=[{"Name": "ModelId"}])["Metrics"]
    assert [m["Dimensions"][0]["Value"] for m in west] == [NOVA_PRO]
    for value, n in ((by_id["inferenceProfileId"], 2), (by_arn["inferenceProfileArn"], 3), (SONNET_US, 5),
                     (NOVA_PRO, 7)):
        assert daily_sums(emu, "us-east-1", value, "Invocations", d, d) == {d: float(n)}


def test_principal_tags_reach_billing_under_the_iam_principal_prefix(emu):
    d = today() - timedelta(days=1)
    emu.control("POST", "/_emu/usage", {"records": [
        record(SONNET_US, d, principal_tags={"Department": "Search"}),
        record(NOVA_PRO, d),
    ]})
    ce = emu.client("ce")
    listed = {t["TagKey"]: (t["Type"], t["Status"]) for t in ce.list_cost_allocation_tags()["CostAllocationTags"]}
    assert listed == {"iamPrincipal/Department": ("UserDefined", "Inactive")}

    def untagged_by_principal() -> dict:
        r = ce.get_cost_and_usage(
            TimePeriod={"Start": d.isoformat(), "End": (d + timedelta(days=1)).isoformat()},
            Granularity="MONTHLY", Metrics=["UnblendedCost"],
            Filter={"Tags": {"Key": "Department", "MatchOptions": ["ABSENT"]}},
            GroupBy=[{"Type": "TAG", "Key": "iamPrincipal/Department"}])
        return {g["Keys"][0]: g["Metrics"]["UnblendedCost"]["Amount"] for g in r["ResultsByTime"][0]["Groups"]}

    # Inactive: everything groups as untagged.
    assert list(untagged_by_principal()) == ["iamPrincipal/Department$"]
    emu.control("POST", "/_emu/cost-allocation-tags", {"tags": [
        {"key": "iamPrincipal/Department", "status": "Active", "activated_at": (d - timedelta(days=3)).isoformat()}]})
    got = untagged_by_principal()
    assert set(got) == {"iamPrincipal/Department$Search", "iamPrincipal/Department$"}
    sonnet = Decimal("1000") * Decimal("0.003") / 1000 + Decimal("200") * Decimal("0.015") / 1000
    assert Decimal(got["iamPrincipal/Department$Search"]) == sonnet
    # The resource tag and the principal tag stay apart.
    r = ce.get_cost_and_usage(
        TimePeriod={"Start": d.isoformat(), "End": (d + timedelta(days=1)).isoformat()},
        Granularity="MONTHLY", Metrics=["UnblendedCost"], GroupBy=[{"Type": "TAG", "Key": "Department"}])
    assert [g["Keys"] for g in r["ResultsByTime"][0]["Groups"]] == [["Department$"]]


def test_line_items_are_priced_tagged_and_billed_under_real_service_names(emu):
    aip = make_aip(emu, "support-bot", {"Department": "Support", "CostCenter": "CC-7"})
    d = today()
    prices = emu.control("GET", "/_emu/prices")
    fam = prices["families"][prices["models"]["anthropic.claude-sonnet-4-5-20250929-v1:0"]]
    nova = prices["families"][prices["models"][NOVA_PRO]]
    out = emu.control("POST", "/_emu/usage", {"records": [
        record(aip["inferenceProfileArn"], d, input_tokens=123_457, output_tokens=9_999,
               cache_read_tokens=1_000_001, cache_write_tokens=77),
        record(NOVA_PRO, d, input_tokens=3_333, output_tokens=1, cache_read_tokens=10, cache_write_tokens=0),
    ]})

    def c(tokens, price):
        return (Decimal(tokens) * Decimal(price) / 1000).quantize(Decimal("1E-10"), rounding=ROUND_HALF_UP)

    tagged = c(123_457, fam["input"]) + c(9_999, fam["output"]) + c(1_000_001, fam["cache_read"]) + c(77,
                                                                                                      fam["cache_write"])
    untagged = c(3_333, nova["input"]) + c(1, nova["output"]) + c(10, nova["cache_read"])
    assert Decimal(out["cost_usd"]) == tagged + untagged
    assert out["line_items"] == 4 + 3

    emu.control("POST", "/_emu/cost-allocation-tags",
                {"tags": [{"key": "Department", "status": "Active",
                           "activated_at": (d - timedelta(days=1)).isoformat()}]})
    ce = emu.client("ce")
    r = ce.get_cost_and_usage(
        TimePeriod={"Start": d.isoformat(), "End": (d + timedelta(days=1)).isoformat()}, Granularity="DAILY",
        Metrics=["UnblendedCost", "UsageQuantity"],
        GroupBy=[{"Type": "TAG", "Key": "Department"}, {"Type": "DIMENSION", "Key": "SERVICE"}])
    got = {tuple(g["Keys"]): Decimal(g["Metrics"]["UnblendedCost"]["Amount"]) for g in r["ResultsByTime"][0]["Groups"]}
    assert got == {
        ("Department$Support", "Claude Sonnet 4.5 (Amazon Bedrock Edition)"): tagged,
        ("Department$", "Amazon Bedrock"): untagged,
    }
    quantities = {tuple(g["Keys"]): g["Metrics"]["UsageQuantity"] for g in r["ResultsByTime"][0]["Groups"]}
    assert Decimal(quantities[("Department$", "Amazon Bedrock")]["Amount"]) == Decimal("3.344")  # 1K-token units
    usage_types = ce.get_dimension_values(
        TimePeriod={"Start": d.isoformat(), "End": (d + timedelta(days=1)).isoformat()}, Dimension="USAGE_TYPE")
    assert {v["Value"] for v in usage_types["DimensionValues"]} == {
        "USE1-MP:USE1_InputTokenCount-Units", "USE1-MP:USE1_OutputTokenCount-Units",
        "USE1-MP:USE1_CacheReadInputTokenCount-Units", "USE1-MP:USE1_CacheWriteInputTokenCount-Units",
        "USE1-NovaPro-input-tokens", "USE1-NovaPro-output-tokens", "USE1-NovaPro-cache-read-input-token-count",
    }


def test_tags_are_those_at_seeding_time(emu):
    aip = make_aip(emu, "moving", {"Department": "Search"})
    bedrock = emu.client("bedrock")
    t = today()
    emu.control("POST", "/_emu/usage", {"records": [record(aip["inferenceProfileId"], t - timedelta(days=1))]})
    bedrock.tag_resource(resourceARN=aip["inferenceProfileArn"], tags=[{"key": "Department", "value": "Legal"}])
    emu.control("POST", "/_emu/usage", {"records": [record(aip["inferenceProfileId"], t)]})
    emu.control("POST", "/_emu/cost-allocation-tags",
                {"tags": [{"key": "Department", "status": "Active",
                           "activated_at": (t - timedelta(days=5)).isoformat()}]})
    r = emu.client("ce").get_cost_and_usage(
        TimePeriod={"Start": (t - timedelta(days=1)).isoformat(), "End": (t + timedelta(days=1)).isoformat()},
        Granularity="DAILY", Metrics=["UnblendedCost"], GroupBy=[{"Type": "TAG", "Key": "Department"}])
    assert [[g["Keys"][0] for g in x["Groups"]] for x in r["ResultsByTime"]] == [
        ["Department$Search"], ["Department$Legal"]]


@pytest.mark.parametrize(
    "bad,needle",
    [
        (dict(model_id="no-such-model"), "neither an inference profile nor a foundation model"),
        (dict(model_id=HAIKU3, cache_read_tokens=10), "does not support prompt caching"),
        (dict(date="2020-13-01"), "YYYY-MM-DD"),
        (dict(date=(date.today() + timedelta(days=3)).isoformat()), "in the future"),
        (dict(input_tokens=-1), "non-negative integer"),
        (dict(output_tokens=1.5), "non-negative integer"),
        (dict(region="mars-central-1"), "not served"),
        (dict(model_id="stability.sd3-5-large-v1:0", region="us-west-2"), "no price known"),
        (dict(model_id=""), "model_id must be a non-empty string"),
        (dict(model_id="arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/nope12345678"),
         "no inference profile"),
        (dict(latency_ms=[1.0, -2.0]), "must be a list of non-negative numbers"),
        (dict(dimension_value=5), "dimension_value must be a string"),
        (dict(principal_tags={"Team": 5}), "principal_tags must map non-empty keys to strings"),
        (dict(principal_tags=["Team"]), "principal_tags must map non-empty keys to strings"),
        (dict(date="soon"), "YYYY-MM-DD"),
    ],
)
def test_bad_records_are_refused_and_nothing_is_written(emu, bad, needle):
    good = record(NOVA_PRO, today() - timedelta(days=1), invocations=3)
    status, body = post_error(emu, "/_emu/usage", {"records": [good, dict(record(HAIKU3, today()), **bad)]})
    assert status == 400
    assert needle in body
    assert emu.control("GET", "/_emu/cost-line-items")["count"] == 0
    assert daily_sums(emu, "us-east-1", NOVA_PRO, "Invocations", today() - timedelta(days=1), today()) == {}


def test_prices_route_serves_decimal_strings_for_every_priced_catalog_model(emu):
    prices = emu.control("GET", "/_emu/prices")
    assert prices["unit"] == "USD per 1000 tokens"
    assert "ROUND_HALF_UP" in prices["rounding"]
    sonnet = prices["families"]["claude-sonnet-4.5"]
    assert (sonnet["input"], sonnet["output"], sonnet["cache_read"], sonnet["cache_write"]) == (
        "0.003", "0.015", "0.0003", "0.00375")
    assert prices["families"]["claude-3-haiku"]["cache_read"] is None
    assert prices["models"][NOVA_PRO] == "nova-pro"
    for family in prices["families"].values():
        for kind in ("input", "output"):
            Decimal(family[kind])  # never floats
    one = emu.control("GET", f"/_emu/prices?model_id={urllib.request.quote(SONNET_US)}&region=us-west-2")
    assert (one["model_id"], one["kind"], one["family"]) == (
        "anthropic.claude-sonnet-4-5-20250929-v1:0", "SYSTEM_DEFINED", "claude-sonnet-4.5")
    assert one["service_name"] == "Claude Sonnet 4.5 (Amazon Bedrock Edition)"
    assert one["scope"] == "regional"


def test_global_profiles_of_marketplace_models_bill_at_the_global_price(emu):
    """Global cross-Region inference costs about 10 % less (AWS); first-party models have no Global price."""
    aip = make_aip(emu, "global-sonnet", {"Department": "Search"},
                   source="global.anthropic.claude-sonnet-4-5-20250929-v1:0")
    one = emu.control("GET", f"/_emu/prices?model_id={aip['inferenceProfileId']}&region=us-east-1")
    assert (one["scope"], one["input"], one["cache_write"]) == ("global", "0.0027272727273", "0.0034090909091")
    day = (today() - timedelta(days=1)).isoformat()
    seeded = emu.control("POST", "/_emu/usage", {"records": [
        {"region": "us-east-1", "model_id": aip["inferenceProfileId"], "date": day, "input_tokens": 1_000_000}]})
    assert seeded["cost_usd"] == "2.7272727273"
    groups = emu.client("ce").get_cost_and_usage(
        TimePeriod={"Start": day, "End": today().isoformat()}, Granularity="DAILY", Metrics=["UnblendedCost"],
        GroupBy=[{"Type": "DIMENSION", "Key": "USAGE_TYPE"}])["ResultsByTime"][0]["Groups"]
    assert [g["Keys"][0] for g in groups] == ["USE1-MP:USE1_InputTokenCount_Global-Units"]
    nova = emu.control("GET", "/_emu/prices?model_id=amazon.nova-pro-v1:0&region=us-east-1")
    assert nova["scope"] == "regional"


def test_raw_line_items_for_other_services_and_credits(emu):
    d = today()
    out = emu.control("POST", "/_emu/cost-line-items", {"line_items": [
        {"date": d.isoformat(), "service": "Amazon Simple Storage Service", "cost": "0.42", "region": "us-east-1"},
        {"date": d.isoformat(), "service": "Amazon Bedrock", "cost": "-5", "record_type": "Credit",
         "metrics": {"NetUnblendedCost": "-4"}},
    ]})
    assert out == {"line_items": 2, "cost_usd": "-4.58"}
    status, body = post_error(emu, "/_emu/cost-line-items",
                              {"line_items": [{"date": d.isoformat(), "service": "S3", "cost": 0.1}]})
    assert status == 400 and "float" in body
    r = emu.client("ce").get_cost_and_usage(
        TimePeriod={"Start": d.isoformat(), "End": (d + timedelta(days=1)).isoformat()}, Granularity="DAILY",
        Metrics=["UnblendedCost", "NetUnblendedCost"], GroupBy=[{"Type": "DIMENSION", "Key": "RECORD_TYPE"}])
    got = {g["Keys"][0]: (g["Metrics"]["UnblendedCost"]["Amount"], g["Metrics"]["NetUnblendedCost"]["Amount"])
           for g in r["ResultsByTime"][0]["Groups"]}
    assert got == {"Credit": ("-5", "-4"), "Usage": ("0.42", "0.42")}


def test_reset_clears_line_items_and_tag_state(emu):
    d = today()
    emu.control("POST", "/_emu/cost-line-items", {"line_items": [{"date": d.isoformat(), "service": "X", "cost": "1",
                                                                   "tags": {"K": "v"}}]})
    emu.control("POST", "/_emu/cost-allocation-tags", {"tags": [{"key": "K", "status": "Active"}]})
    emu.control("POST", "/_emu/reset")
    assert emu.control("GET", "/_emu/cost-line-items")["count"] == 0
    assert emu.control("GET", "/_emu/cost-allocation-tags")["tags"] == []
    assert emu.client("ce").list_cost_allocation_tags()["CostAllocationTags"] == []


@pytest.mark.parametrize("body,needle", [
    ({"records": "x"}, 'records\\" must be a list'),
    ({"records": ["x"]}, "records[0] must be an object"),
    ({"records": [{"region": "us-east-1", "date": "2026-01-01"}]}, "records[0] needs 'model_id'"),
    ({"account_id": "12", "records": []}, "account_id must be 12 digits"),
    ([], "body must be"),
])
def test_usage_route_refuses_malformed_bodies(emu, body, needle):
    status, text = post_error(emu, "/_emu/usage", body)
    assert status == 400 and needle in text


def test_prices_route_refuses_what_it_cannot_resolve(emu):
    with pytest.raises(urllib.error.HTTPError) as err:
        emu.control("GET", "/_emu/prices?model_id=no-such-model")
    assert err.value.code == 400 and b"neither an inference profile" in err.value.read()


def test_a_profile_without_models_cannot_be_used(emu):
    emu.control("POST", "/_emu/profiles", {"profiles": [
        {"region": "us-east-1", "name": "empty", "source": NOVA_PRO, "models": []}]})
    arn = emu.client("bedrock").list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"][0][
        "inferenceProfileArn"]
    status, text = post_error(emu, "/_emu/usage", {"records": [record(arn, today())]})
    assert status == 400 and "has no models" in text
