"""The seeded demo and bench accounts: the invariants the demo script and benchmarks rely on."""

from __future__ import annotations

import urllib.error
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
DEPARTMENTS = {"Search", "Support", "Marketing", "Finance", "Legal", "Platform", "DataScience"}


def today() -> date:
    return datetime.now(timezone.utc).date()


def midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)


@pytest.fixture
def demo(emu):
    summary = emu.control("POST", "/_emu/seed", {"scenario": "demo"})
    return emu, summary


def app_profiles(emu, region: str) -> list[dict]:
    bedrock = emu.client("bedrock", region)
    out, token = [], None
    while True:
        kwargs = {"typeEquals": "APPLICATION", "maxResults": 50}
        if token:
            kwargs["nextToken"] = token
        page = bedrock.list_inference_profiles(**kwargs)
        out.extend(page["inferenceProfileSummaries"])
        token = page.get("nextToken")
        if not token:
            return out


def tags_of(emu, region: str, arn: str) -> dict:
    tags = emu.client("bedrock", region).list_tags_for_resource(resourceARN=arn)["tags"]
    return {t["key"]: t["value"] for t in tags}


def invocations(emu, region: str, profile_id: str, first: date, last_exclusive: date) -> list[float]:
    r = emu.client("cloudwatch", region).get_metric_data(
        MetricDataQueries=[{"Id": "m1", "MetricStat": {
            "Metric": {"Namespace": "AWS/Bedrock", "MetricName": "Invocations",
                       "Dimensions": [{"Name": "ModelId", "Value": profile_id}]},
            "Period": 86400, "Stat": "Sum"}}],
        StartTime=midnight(first), EndTime=midnight(last_exclusive))
    return r["MetricDataResults"][0]["Values"]


def test_demo_account_shape(demo):
    emu, summary = demo
    profiles = {r: app_profiles(emu, r) for r in REGIONS}
    assert {r: len(p) for r, p in profiles.items()} == {"us-east-1": 15, "us-west-2": 9, "eu-west-1": 7}
    assert summary["by_region"] == {"us-east-1": 15, "us-west-2": 9, "eu-west-1": 7}
    departments = Counter()
    protected, untagged = [], []
    for region, plist in profiles.items():
        for p in plist:
            tags = tags_of(emu, region, p["inferenceProfileArn"])
            if "Department" in tags:
                departments[tags["Department"]] += 1
                assert set(tags) >= {"Department", "CostCenter", "Owner"}
            else:
                untagged.append(p["inferenceProfileName"])
            if tags.get("aipctl:protect") == "true":
                protected.append(p["inferenceProfileName"])
            age = datetime.now(timezone.utc) - p["createdAt"]
            assert timedelta(0) <= age <= timedelta(days=121)
    assert set(departments) == DEPARTMENTS
    assert sorted(untagged) == sorted(summary["untagged"]) and len(untagged) == 2
    assert sorted(protected) == sorted(summary["protected"]) and len(protected) == 5
    assert len(summary["idle"]) == 4 and len(summary["recent"]) == 3


def test_idle_profiles_have_no_recent_datapoints_and_active_ones_do(demo):
    emu, summary = demo
    t = today()
    by_name = {p["inferenceProfileName"]: (r, p) for r in REGIONS for p in app_profiles(emu, r)}
    for name in summary["idle"]:
        region, p = by_name[name]
        assert invocations(emu, region, p["inferenceProfileId"], t - timedelta(days=45), t + timedelta(days=1)) == []
        assert datetime.now(timezone.utc) - p["createdAt"] > timedelta(days=60)
    for name in summary["recent"]:
        region, p = by_name[name]
        assert datetime.now(timezone.utc) - p["createdAt"] < timedelta(days=7)
        values = invocations(emu, region, p["inferenceProfileId"], t - timedelta(days=30), t + timedelta(days=1))
        assert 0 < len(values) <= 7 and sum(values) < 2000
    region, p = by_name["platform-gateway-haiku"]
    values = invocations(emu, region, p["inferenceProfileId"], t - timedelta(days=30), t)
    assert len(values) == 30 and min(values) > 1000
    # Some idle profiles did have traffic before they went quiet.
    region, p = by_name["support-legacy-summarizer"]
    assert invocations(emu, region, p["inferenceProfileId"], t - timedelta(days=90), t - timedelta(days=60))


def test_demo_costs_by_department_show_untagged_spend_and_late_cost_center(demo):
    emu, summary = demo
    t = today()
    ce = emu.client("ce")
    period = {"Start": (t - timedelta(days=30)).isoformat(), "End": t.isoformat()}
    r = ce.get_cost_and_usage(TimePeriod=period, Granularity="MONTHLY", Metrics=["UnblendedCost"],
                              GroupBy=[{"Type": "TAG", "Key": "Department"}])
    totals = Counter()
    for res in r["ResultsByTime"]:
        for g in res["Groups"]:
            totals[g["Keys"][0]] += Decimal(g["Metrics"]["UnblendedCost"]["Amount"])
    assert {k.split("$", 1)[1] for k in totals} == DEPARTMENTS | {""}
    assert all(v > 0 for v in totals.values())
    # CostCenter was activated 4 days ago: older spend is in "CostCenter$" only.
    older = {"Start": (t - timedelta(days=30)).isoformat(), "End": (t - timedelta(days=5)).isoformat()}
    r = ce.get_cost_and_usage(TimePeriod=older, Granularity="MONTHLY", Metrics=["UnblendedCost"],
                              GroupBy=[{"Type": "TAG", "Key": "CostCenter"}])
    assert {g["Keys"][0] for res in r["ResultsByTime"] for g in res["Groups"]} == {"CostCenter$"}
    recent = {"Start": (t - timedelta(days=3)).isoformat(), "End": t.isoformat()}
    r = ce.get_cost_and_usage(TimePeriod=recent, Granularity="DAILY", Metrics=["UnblendedCost"],
                              GroupBy=[{"Type": "TAG", "Key": "CostCenter"}])
    keys = {g["Keys"][0] for res in r["ResultsByTime"] for g in res["Groups"]}
    assert "CostCenter$CC-1010" in keys and "CostCenter$" in keys
    tags = {x["TagKey"]: x["Status"] for x in ce.list_cost_allocation_tags()["CostAllocationTags"]}
    assert tags == {"Department": "Active", "CostCenter": "Active", "Owner": "Inactive", "aipctl:protect": "Inactive"}
    services = ce.get_dimension_values(TimePeriod=period, Dimension="SERVICE")["DimensionValues"]
    names = {v["Value"] for v in services}
    assert {"Amazon Bedrock", "Claude Sonnet 4.5 (Amazon Bedrock Edition)", "Amazon Simple Storage Service"} <= names


def test_demo_is_deterministic_and_seeds_once_per_reset(emu):
    first = emu.control("POST", "/_emu/seed", {"scenario": "demo"})
    with pytest.raises(urllib.error.HTTPError) as info:
        emu.control("POST", "/_emu/seed", {"scenario": "demo"})
    assert info.value.code == 409
    emu.control("POST", "/_emu/reset")
    second = emu.control("POST", "/_emu/seed", {"scenario": "demo"})
    assert first["usage"] == second["usage"]
    assert first["usage"]["line_items"] > 5000


def test_bench_scenario(emu):
    out = emu.control("POST", "/_emu/seed", {"scenario": "bench", "profiles": 40, "regions": list(REGIONS) + ["ap-northeast-1"],
                                             "days": 3, "departments": 7})
    assert out["profiles"] == 40
    counts = {r: len(app_profiles(emu, r)) for r in list(REGIONS) + ["ap-northeast-1"]}
    assert counts == {"us-east-1": 10, "us-west-2": 10, "eu-west-1": 10, "ap-northeast-1": 10}
    t = today()
    r = emu.client("ce").get_cost_and_usage(
        TimePeriod={"Start": (t - timedelta(days=3)).isoformat(), "End": t.isoformat()}, Granularity="MONTHLY",
        Metrics=["UnblendedCost"], GroupBy=[{"Type": "TAG", "Key": "Department"}])
    keys = {g["Keys"][0] for res in r["ResultsByTime"] for g in res["Groups"]}
    assert keys == {f"Department$Dept{n:03d}" for n in range(1, 8)}


def test_unknown_scenario_is_refused(emu):
    with pytest.raises(urllib.error.HTTPError) as info:
        emu.control("POST", "/_emu/seed", {"scenario": "nope"})
    assert info.value.code == 400
