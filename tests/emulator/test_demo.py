"""The seeded demo and bench accounts: the invariants the demo script and benchmarks rely on."""

from __future__ import annotations

import urllib.error
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
DEPARTMENTS = {"Search", "Support", "Marketing", "Finance", "Legal", "Platform", "DataScience"}
MGMT = "123456789012"
ORG = {  # the demo organization: id -> (name, OU path, status)
    MGMT: ("acme-management", "", "ACTIVE"),
    "234567890123": ("search-prod", "Workloads/Production", "ACTIVE"),
    "345678901234": ("data-science", "Workloads/Research", "ACTIVE"),
    "567890123456": ("shared-services", "Workloads", "ACTIVE"),
    "456789012345": ("legacy-sandbox", "Suspended", "SUSPENDED"),
}
ROLE = "OrganizationAccountAccessRole"


def today() -> date:
    return datetime.now(UTC).date()


def midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


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
            age = datetime.now(UTC) - p["createdAt"]
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
        assert datetime.now(UTC) - p["createdAt"] > timedelta(days=60)
    for name in summary["recent"]:
        region, p = by_name[name]
        assert datetime.now(UTC) - p["createdAt"] < timedelta(days=7)
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
    usage_of = lambda s: {a["id"]: a["usage"] for a in s["organization"]["accounts"]}  # noqa: E731
    assert usage_of(first) == usage_of(second)


# --------------------------------------------------------------------------- the demo organization


def member_client(emu, service: str, creds: dict | None, region: str = "us-east-1"):
    if creds is None:
        return emu.client(service, region)
    return boto3.client(service, region_name=region, endpoint_url=emu.url,
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"], config=Config(retries={"max_attempts": 1}))


def assume(emu, account: str) -> dict:
    return emu.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}",
                                         RoleSessionName="demo")["Credentials"]


def test_demo_organization_structure_and_roles(demo):
    emu, summary = demo
    orgs = emu.client("organizations")
    o = orgs.describe_organization()["Organization"]
    assert (o["Id"], o["MasterAccountId"]) == ("o-aipctldemo", MGMT)
    accounts = [a for p in orgs.get_paginator("list_accounts").paginate() for a in p["Accounts"]]
    assert {a["Id"]: (a["Name"], a["Status"]) for a in accounts} == {i: (n, st) for i, (n, _, st) in ORG.items()}
    assert all(a["State"] == a["Status"] for a in accounts)
    # Walk the OUs from the root: every account is where ORG says.
    (root,) = orgs.list_roots()["Roots"]
    placed = {}

    def walk(parent: str, path: str) -> None:
        for a in orgs.list_accounts_for_parent(ParentId=parent)["Accounts"]:
            placed[a["Id"]] = path
        for ou in orgs.list_organizational_units_for_parent(ParentId=parent)["OrganizationalUnits"]:
            walk(ou["Id"], f"{path}/{ou['Name']}" if path else ou["Name"])

    walk(root["Id"], "")
    assert placed == {i: ou for i, (_, ou, _) in ORG.items()}
    for account in ORG:
        roles = [r["name"] for r in emu.control("GET", f"/_emu/iam/roles?account_id={account}")["roles"]]
        assert roles == ([] if account == MGMT else [ROLE])
    described = {a["id"]: a for a in summary["organization"]["accounts"]}
    assert set(described) == set(ORG)
    assert described[MGMT]["profiles"] == 31


def test_demo_members_hold_their_own_profiles_and_traffic(demo):
    emu, summary = demo
    described = {a["id"]: a for a in summary["organization"]["accounts"]}
    for account, (_, _, status) in ORG.items():
        if account == MGMT:
            continue
        if status != "ACTIVE":
            with pytest.raises(ClientError) as info:
                assume(emu, account)
            assert info.value.response["Error"]["Code"] == "AccessDenied"
            continue
        creds = assume(emu, account)
        names = set()
        for region in REGIONS:
            page = member_client(emu, "bedrock", creds, region).list_inference_profiles(
                typeEquals="APPLICATION", maxResults=100)
            names |= {p["inferenceProfileName"] for p in page["inferenceProfileSummaries"]}
        assert names == set(described[account]["profile_ids"])
        assert len(names) == described[account]["profiles"]
    # The same name in two accounts: two profiles.
    prod = assume(emu, "234567890123")
    their_id = described["234567890123"]["profile_ids"]["search-answers-sonnet"]
    theirs = member_client(emu, "bedrock", prod).get_inference_profile(inferenceProfileIdentifier=their_id)
    assert theirs["inferenceProfileArn"].split(":")[4] == "234567890123"
    assert summary["profile_ids"]["search-answers-sonnet"] != their_id
    t = today()
    pid = described["234567890123"]["profile_ids"]["search-prod-rerank-haiku"]
    r = member_client(emu, "cloudwatch", prod).get_metric_data(
        MetricDataQueries=[{"Id": "m", "MetricStat": {"Metric": {
            "Namespace": "AWS/Bedrock", "MetricName": "Invocations",
            "Dimensions": [{"Name": "ModelId", "Value": pid}]}, "Period": 86400, "Stat": "Sum"}}],
        StartTime=midnight(t - timedelta(days=30)), EndTime=midnight(t))
    assert len(r["MetricDataResults"][0]["Values"]) == 30
    assert invocations(emu, "us-east-1", pid, t - timedelta(days=30), t) == []  # not in the payer's CloudWatch


def test_demo_payer_bill_by_linked_account(demo):
    emu, _ = demo
    t = today()
    window = {"Start": (t - timedelta(days=92)).isoformat(), "End": t.isoformat()}
    expected = {}
    for account in ORG:
        seeded = emu.control("GET", f"/_emu/cost-line-items?account_id={account}")["unblended_cost_by_service"]
        if seeded:
            expected[account] = sum(Decimal(v) for v in seeded.values())
    assert set(expected) == set(ORG)
    ce = emu.client("ce")
    got, names, token = Counter(), {}, None
    while True:
        kwargs = {"NextPageToken": token} if token else {}
        r = ce.get_cost_and_usage(TimePeriod=window, Granularity="MONTHLY", Metrics=["UnblendedCost"],
                                  GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}], **kwargs)
        for res in r["ResultsByTime"]:
            for g in res["Groups"]:
                got[g["Keys"][0]] += Decimal(g["Metrics"]["UnblendedCost"]["Amount"])
        names.update({a["Value"]: a["Attributes"]["description"] for a in r["DimensionValueAttributes"]})
        token = r.get("NextPageToken")
        if not token:
            break
    assert dict(got) == expected
    assert names == {i: n for i, (n, _, _) in ORG.items()}
    # A member's own Cost Explorer: its spend only.
    mine = member_client(emu, "ce", assume(emu, "345678901234")).get_cost_and_usage(
        TimePeriod=window, Granularity="MONTHLY", Metrics=["UnblendedCost"],
        GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}])
    assert {g["Keys"][0] for res in mine["ResultsByTime"] for g in res["Groups"]} == {"345678901234"}


def test_demo_without_organization(emu):
    emu.control("POST", "/_emu/seed", {"scenario": "demo", "organization": False})
    with pytest.raises(ClientError) as info:
        emu.client("organizations").list_accounts()
    assert info.value.response["Error"]["Code"] == "AWSOrganizationsNotInUseException"


def test_bench_org_scenario(emu):
    out = emu.control("POST", "/_emu/seed/bench-org", {"accounts": 3, "regions": ["us-east-1", "eu-west-1"],
                                                       "profiles_per_region": 5, "days": 2, "departments": 4})
    members = [a["id"] for a in out["accounts"]]
    assert members == ["200000000001", "200000000002", "200000000003"] and out["profiles"] == 30
    orgs = emu.client("organizations")
    assert [a["Id"] for a in orgs.list_accounts()["Accounts"]] == [MGMT] + members
    for account in members:
        creds = assume(emu, account)
        for region in ("us-east-1", "eu-west-1"):
            page = member_client(emu, "bedrock", creds, region).list_inference_profiles(typeEquals="APPLICATION")
            assert len(page["inferenceProfileSummaries"]) == 5
    assert app_profiles(emu, "us-east-1") == []
    t = today()
    r = emu.client("ce").get_cost_and_usage(
        TimePeriod={"Start": (t - timedelta(days=3)).isoformat(), "End": t.isoformat()}, Granularity="MONTHLY",
        Metrics=["UnblendedCost"], GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"},
                                            {"Type": "TAG", "Key": "Department"}])
    keys = {tuple(g["Keys"]) for res in r["ResultsByTime"] for g in res["Groups"]}
    assert {k[0] for k in keys} == set(members)
    assert {k[1] for k in keys} == {f"Department$Dept{n:03d}" for n in range(1, 5)}
    with pytest.raises(urllib.error.HTTPError) as info:
        emu.control("POST", "/_emu/seed", {"scenario": "bench-org", "accounts": 3})
    assert info.value.code == 409


def test_bench_scenario(emu):
    out = emu.control("POST", "/_emu/seed", {"scenario": "bench", "profiles": 40, "days": 3, "departments": 7,
                                             "regions": list(REGIONS) + ["ap-northeast-1"]})
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


@pytest.mark.parametrize("body", [
    {"scenario": "bench", "regions": ["mars-central-1"]},
    {"scenario": "bench", "profiles": 0},
    {"scenario": "bench", "days": 401},
    {"scenario": "bench-org", "accounts": 0},
    {"scenario": "bench-org", "account_id": "200000000001"},  # the first bench member
    {"scenario": "demo", "account_id": "234567890123"},  # a member of the demo organization
])
def test_seed_refuses_impossible_requests(emu, body):
    with pytest.raises(urllib.error.HTTPError) as info:
        emu.control("POST", "/_emu/seed", body)
    assert info.value.code == 400


def test_every_region_has_a_bench_model_source():
    from awsemu import catalog, demo

    assert all(demo._bench_sources(r) for r in catalog.REGIONS)


def test_profiles_created_today_are_never_dated_after_now(emu):
    emu.control("POST", "/_emu/clock", {"now": "2026-11-22T00:05:00Z"})
    emu.control("POST", "/_emu/seed", {"scenario": "demo", "organization": False})
    now = datetime(2026, 11, 22, 0, 5, tzinfo=UTC)
    for region in REGIONS:
        for p in app_profiles(emu, region):
            assert p["createdAt"] <= now, p["inferenceProfileName"]


def test_a_day_without_invocations_has_no_record():
    import random

    from awsemu import demo

    assert demo._day_record(random.Random(1), "us-east-1", "m", "Model", date(2026, 11, 21), 0, 100, 10, 0.5,
                            False) is None
