"""Cost Explorer answers computed from seeded line items, checked like AWS answers.

Every expected amount is computed here, independently, from what the test seeded
(raw line items, or usage priced with ``GET /_emu/prices``), never read back from
the emulator.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

SONNET_US = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU_US = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
NOVA_LITE = "amazon.nova-lite-v1:0"
ACCOUNT = "123456789012"


def today() -> date:
    return datetime.now(UTC).date()


def iso(d: date) -> str:
    return d.isoformat()


def first_of_next_month(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)


def first_of_month(d: date) -> date:
    return d.replace(day=1)


def ce(emu, validate: bool = True):
    if validate:
        return emu.client("ce")
    import boto3

    return boto3.client(
        "ce", region_name="us-east-1", endpoint_url=emu.url, aws_access_key_id="AKIDTEST",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}, parameter_validation=False),
    )


def lines(emu, items: list[dict]) -> dict:
    return emu.control("POST", "/_emu/cost-line-items", {"line_items": items})


def activate(emu, key: str, on: date) -> None:
    emu.control("POST", "/_emu/cost-allocation-tags",
                {"tags": [{"key": key, "status": "Active", "activated_at": iso(on)}]})


def error_of(call) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as info:
        call()
    err = info.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


def group_amounts(response_pages: list[dict], metric: str = "UnblendedCost") -> dict[tuple, Decimal]:
    out: dict[tuple, Decimal] = defaultdict(Decimal)
    for page in response_pages:
        for r in page["ResultsByTime"]:
            for g in r["Groups"]:
                out[tuple(g["Keys"])] += Decimal(g["Metrics"][metric]["Amount"])
    return dict(out)


def all_pages(client, **kwargs) -> list[dict]:
    pages = [client.get_cost_and_usage(**kwargs)]
    while pages[-1].get("NextPageToken"):
        pages.append(client.get_cost_and_usage(**kwargs, NextPageToken=pages[-1]["NextPageToken"]))
    return pages


def window(days_back: int) -> dict:
    """A TimePeriod from ``days_back`` days ago up to and including today."""
    t = today()
    return {"Start": iso(t - timedelta(days=days_back)), "End": iso(t + timedelta(days=1))}


def price_of(emu, model_id: str, region: str = "us-east-1") -> dict:
    query = f"/_emu/prices?model_id={urllib.request.quote(model_id)}&region={region}"
    return emu.control("GET", query)


def cost(tokens: int, price: str) -> Decimal:
    return (Decimal(tokens) * Decimal(price) / 1000).quantize(Decimal("0.0000000001"), rounding=ROUND_HALF_UP)


def create_aip(emu, name: str, source_id: str, tags: dict, region: str = "us-east-1") -> dict:
    bedrock = emu.client("bedrock", region)
    if source_id.split(".", 1)[0] in ("us", "eu", "global"):
        source = f"arn:aws:bedrock:{region}:{ACCOUNT}:inference-profile/{source_id}"
    else:
        source = f"arn:aws:bedrock:{region}::foundation-model/{source_id}"
    arn = bedrock.create_inference_profile(
        inferenceProfileName=name, modelSource={"copyFrom": source},
        tags=[{"key": k, "value": v} for k, v in tags.items()],
    )["inferenceProfileArn"]
    return bedrock.get_inference_profile(inferenceProfileIdentifier=arn)


# --------------------------------------------------------------------------- totals


def test_department_totals_equal_usage_priced_independently(emu):
    search = create_aip(emu, "search-chat", SONNET_US, {"Department": "Search"})
    support = create_aip(emu, "support-bot", HAIKU_US, {"Department": "Support", "Owner": "a@b.c"})
    marketing = create_aip(emu, "mkt-copy", NOVA_LITE, {"Department": "Marketing"})
    activate(emu, "Department", today() - timedelta(days=60))
    t = today()
    plan = [  # (model_id, department or None, input, output, cache_read, cache_write)
        (search["inferenceProfileId"], "Search", 120_000, 30_001, 400_000, 25_000),
        (support["inferenceProfileArn"], "Support", 55_555, 7_777, 99_999, 3_333),
        (marketing["inferenceProfileId"], "Marketing", 1_000_003, 200_017, 50_000, 0),
        (SONNET_US, None, 10_000, 2_000, 0, 0),  # a system profile: untagged spend
        (NOVA_LITE, None, 7_000, 1_000, 0, 0),  # a plain model: untagged spend
    ]
    families = {
        search["inferenceProfileId"]: price_of(emu, SONNET_US),
        support["inferenceProfileArn"]: price_of(emu, HAIKU_US),
        marketing["inferenceProfileId"]: price_of(emu, NOVA_LITE),
        SONNET_US: price_of(emu, SONNET_US),
        NOVA_LITE: price_of(emu, NOVA_LITE),
    }
    assert families[search["inferenceProfileId"]]["input"] == "0.003"
    expected: dict[str, Decimal] = defaultdict(Decimal)
    records = []
    for days_ago in range(0, 8):
        for model_id, dept, i, o, cr, cw in plan:
            records.append({
                "region": "us-east-1", "model_id": model_id, "date": iso(t - timedelta(days=days_ago)),
                "invocations": 100 + days_ago, "input_tokens": i + days_ago, "output_tokens": o,
                "cache_read_tokens": cr, "cache_write_tokens": cw,
            })
            p = families[model_id]
            for tokens, kind in ((i + days_ago, "input"), (o, "output"), (cr, "cache_read"), (cw, "cache_write")):
                if tokens:
                    expected[f"Department${dept or ''}"] += cost(tokens, p[kind])
    seeded = emu.control("POST", "/_emu/usage", {"records": records})
    assert Decimal(seeded["cost_usd"]) == sum(expected.values())

    pages = all_pages(
        ce(emu), TimePeriod=window(10), Granularity="MONTHLY", Metrics=["UnblendedCost"],
        GroupBy=[{"Type": "TAG", "Key": "Department"}],
    )
    got = {k[0]: v for k, v in group_amounts(pages).items()}
    assert got == dict(expected)
    assert set(got) == {"Department$Search", "Department$Support", "Department$Marketing", "Department$"}
    for page in pages:
        assert page["GroupDefinitions"] == [{"Type": "TAG", "Key": "Department"}]
        for r in page["ResultsByTime"]:
            assert r["Total"] == {}
            for g in r["Groups"]:
                assert g["Metrics"]["UnblendedCost"]["Unit"] == "USD"


def test_without_group_by_total_is_filled_and_groups_empty(emu):
    t = today()
    lines(emu, [
        {"date": iso(t), "service": "Amazon Bedrock", "cost": "1.10"},
        {"date": iso(t), "service": "Amazon Simple Storage Service", "cost": "0.0000000001"},
    ])
    r = ce(emu).get_cost_and_usage(
        TimePeriod=window(0), Granularity="DAILY", Metrics=["UnblendedCost", "BlendedCost", "UsageQuantity"]
    )
    [period] = r["ResultsByTime"]
    assert period["Groups"] == []
    assert period["Total"]["UnblendedCost"] == {"Amount": "1.1000000001", "Unit": "USD"}
    assert period["Total"]["BlendedCost"]["Amount"] == "1.1000000001"
    assert "NextPageToken" not in r
    assert "GroupDefinitions" not in r


def test_moto_canned_results_no_longer_answer(emu):
    t = today()
    req = urllib.request.Request(
        emu.url + "/moto-api/static/ce/cost-and-usage-results",
        data=json.dumps({"results": [{"ResultsByTime": [{"TimePeriod": {"Start": "2000-01-01", "End": "2000-01-02"},
                                                          "Total": {"UnblendedCost": {"Amount": "999", "Unit": "USD"}},
                                                          "Groups": [], "Estimated": False}]}]}).encode(),
        method="POST",
    )
    urllib.request.urlopen(req).read()
    lines(emu, [{"date": iso(t), "service": "Amazon Bedrock", "cost": "2"}])
    r = ce(emu).get_cost_and_usage(TimePeriod=window(0), Granularity="DAILY", Metrics=["UnblendedCost"])
    assert r["ResultsByTime"][0]["TimePeriod"]["Start"] == iso(t)
    assert r["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"] == "2"


# --------------------------------------------------------------------------- tags


def test_untagged_and_inactive_key_group_as_key_dollar(emu):
    t = today()
    lines(emu, [
        {"date": iso(t), "service": "Amazon Bedrock", "cost": "3", "tags": {"Department": "Search", "Team": "a"}},
        {"date": iso(t), "service": "Amazon Bedrock", "cost": "4", "tags": {"Team": "b"}},
    ])
    client = ce(emu)
    kwargs = dict(TimePeriod=window(0), Granularity="DAILY", Metrics=["UnblendedCost"])
    # Nothing active yet: every cost is in "Department$", a key nobody uses too.
    for key in ("Department", "NoSuchKey"):
        got = group_amounts([client.get_cost_and_usage(**kwargs, GroupBy=[{"Type": "TAG", "Key": key}])])
        assert got == {(f"{key}$",): Decimal(7)}
    activate(emu, "Department", t - timedelta(days=1))
    got = group_amounts([client.get_cost_and_usage(**kwargs, GroupBy=[{"Type": "TAG", "Key": "Department"}])])
    assert got == {("Department$Search",): Decimal(3), ("Department$",): Decimal(4)}
    # Team is still inactive: its values stay invisible.
    got = group_amounts([client.get_cost_and_usage(**kwargs, GroupBy=[{"Type": "TAG", "Key": "Team"}])])
    assert got == {("Team$",): Decimal(7)}


def test_activation_is_not_retroactive(emu):
    t = today()
    lines(emu, [
        {"date": iso(t - timedelta(days=d)), "service": "Amazon Bedrock", "cost": str(d + 1),
         "tags": {"CostCenter": "CC-1"}}
        for d in range(6)
    ])
    activate(emu, "CostCenter", t - timedelta(days=2))
    r = ce(emu).get_cost_and_usage(
        TimePeriod=window(5), Granularity="DAILY", Metrics=["UnblendedCost"],
        GroupBy=[{"Type": "TAG", "Key": "CostCenter"}],
    )
    by_day = {res["TimePeriod"]["Start"]: [g["Keys"][0] for g in res["Groups"]] for res in r["ResultsByTime"]}
    for d in range(6):
        want = "CostCenter$CC-1" if d <= 2 else "CostCenter$"
        assert by_day[iso(t - timedelta(days=d))] == [want]
    # Activating through the API starts today, so yesterday's cost stays untagged.
    lines(emu, [{"date": iso(t - timedelta(days=1)), "service": "Amazon Bedrock", "cost": "1", "tags": {"Env": "prod"}},
                {"date": iso(t), "service": "Amazon Bedrock", "cost": "1", "tags": {"Env": "prod"}}])
    assert ce(emu).update_cost_allocation_tags_status(
        CostAllocationTagsStatus=[{"TagKey": "Env", "Status": "Active"}])["Errors"] == []
    got = group_amounts([ce(emu).get_cost_and_usage(
        TimePeriod=window(1), Granularity="DAILY", Metrics=["UnblendedCost"],
        Filter={"Dimensions": {"Key": "SERVICE", "Values": ["Amazon Bedrock"]}},
        GroupBy=[{"Type": "TAG", "Key": "Env"}])])
    # Env$: the two CostCenter-only items (1 + 2) and yesterday's Env item (1); Env$prod: today's.
    assert got == {("Env$",): Decimal(1) + Decimal(2) + Decimal(1), ("Env$prod",): Decimal(1)}


# --------------------------------------------------------------------------- filters


@pytest.fixture
def mixed(emu):
    t = today()
    lines(emu, [
        {"date": iso(t), "service": "Amazon Bedrock", "region": "us-east-1", "cost": "1",
         "tags": {"Department": "Search"}},
        {"date": iso(t), "service": "Claude Sonnet 4.5 (Amazon Bedrock Edition)", "region": "us-west-2", "cost": "10",
         "tags": {"Department": "Support"}},
        {"date": iso(t), "service": "Claude Sonnet 4.5 (Amazon Bedrock Edition)", "region": "us-east-1", "cost": "100"},
        {"date": iso(t), "service": "Amazon Simple Storage Service", "region": "us-east-1", "cost": "1000",
         "tags": {"Department": "Search"}},
        {"date": iso(t), "service": "Amazon Bedrock", "region": "us-east-1", "cost": "-10000", "record_type": "Credit"},
    ])
    activate(emu, "Department", t - timedelta(days=30))
    return emu


def total_with(emu, flt) -> Decimal:
    r = ce(emu).get_cost_and_usage(TimePeriod=window(0), Granularity="DAILY", Metrics=["UnblendedCost"], Filter=flt)
    return Decimal(r["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"])


BEDROCK_SERVICES = {"Dimensions": {"Key": "SERVICE",
                                   "Values": ["Amazon Bedrock", "Claude Sonnet 4.5 (Amazon Bedrock Edition)"]}}


@pytest.mark.parametrize(
    "flt,expected",
    [
        (BEDROCK_SERVICES, 1 + 10 + 100 - 10000),
        ({"Dimensions": {"Key": "SERVICE", "Values": ["Amazon Bedrock"], "MatchOptions": ["EQUALS"]}}, 1 - 10000),
        ({"Tags": {"Key": "Department", "MatchOptions": ["ABSENT"]}}, 100 - 10000),
        ({"Tags": {"Key": "Department"}}, 100 - 10000),
        ({"Tags": {"Key": "Department", "Values": ["Search", "Support"]}}, 1 + 10 + 1000),
        ({"Tags": {"Key": "Department", "Values": ["search"]}}, 0),
        ({"And": [BEDROCK_SERVICES, {"Not": {"Dimensions": {"Key": "RECORD_TYPE", "Values": ["Credit", "Refund"]}}}]},
         1 + 10 + 100),
        ({"Or": [{"Tags": {"Key": "Department", "Values": ["Support"]}},
                 {"Dimensions": {"Key": "REGION", "Values": ["us-west-2"]}}]}, 10),
        ({"Or": [{"Tags": {"Key": "Department", "Values": ["Search"]}},
                 {"And": [{"Dimensions": {"Key": "REGION", "Values": ["us-east-1"]}},
                          {"Tags": {"Key": "Department", "MatchOptions": ["ABSENT"]}}]}]}, 1 + 1000 + 100 - 10000),
        ({"Not": {"Tags": {"Key": "Department", "MatchOptions": ["ABSENT"]}}}, 1 + 10 + 1000),
    ],
)
def test_filters(mixed, flt, expected):
    assert total_with(mixed, flt) == Decimal(expected)


@pytest.mark.parametrize(
    "flt,message",
    [
        ({"And": [BEDROCK_SERVICES], "Dimensions": {"Key": "SERVICE", "Values": ["x"]}},
         "Expression has more than one roots. Only one root operator is allowed for each expression: "
         "And, Or, Not, Dimensions, Tags, CostCategories"),
        ({"And": [BEDROCK_SERVICES]}, "And expression must have at least 2 operands"),
        ({"Dimensions": {"Key": "RESOURCE_ID", "Values": ["x"]}}, "Dimension RESOURCE_ID is not allowed."),
        ({"Dimensions": {"Key": "SERVICE", "Values": ["Amazon"], "MatchOptions": ["CONTAINS"]}},
         "MatchOptions CONTAINS"),
        ({"Tags": {"Key": "Department", "Values": ["S"], "MatchOptions": ["STARTS_WITH"]}}, "MatchOptions STARTS_WITH"),
        ({}, "Expression has zero or more than one roots"),
    ],
)
def test_invalid_filters_are_validation_errors(emu, flt, message):
    code, msg, status = error_of(lambda: ce(emu).get_cost_and_usage(
        TimePeriod=window(0), Granularity="DAILY", Metrics=["UnblendedCost"], Filter=flt))
    assert (code, status) == ("ValidationException", 400)
    assert msg.startswith(message)


# --------------------------------------------------------------------------- grouping


def test_two_groupings_and_more_is_an_error(mixed):
    client = ce(mixed)
    got = group_amounts([client.get_cost_and_usage(
        TimePeriod=window(0), Granularity="MONTHLY", Metrics=["UnblendedCost"],
        GroupBy=[{"Type": "TAG", "Key": "Department"}, {"Type": "DIMENSION", "Key": "SERVICE"}])])
    assert got == {
        ("Department$Search", "Amazon Bedrock"): Decimal(1),
        ("Department$Support", "Claude Sonnet 4.5 (Amazon Bedrock Edition)"): Decimal(10),
        ("Department$", "Claude Sonnet 4.5 (Amazon Bedrock Edition)"): Decimal(100),
        ("Department$Search", "Amazon Simple Storage Service"): Decimal(1000),
        ("Department$", "Amazon Bedrock"): Decimal(-10000),
    }
    three = [{"Type": "TAG", "Key": "Department"}, {"Type": "DIMENSION", "Key": "SERVICE"},
             {"Type": "DIMENSION", "Key": "REGION"}]
    code, _, status = error_of(lambda: client.get_cost_and_usage(
        TimePeriod=window(0), Granularity="MONTHLY", Metrics=["UnblendedCost"], GroupBy=three))
    assert (code, status) == ("ValidationException", 400)


@pytest.mark.parametrize(
    "group,message",
    [
        ({"Type": "DIMENSION", "Key": "NOT_A_DIMENSION"}, "Group Definition dimension is invalid."),
        ({"Type": "DIMENSION", "Key": "RESOURCE_ID"}, "Group Definition dimension is invalid."),
        ({"Type": "LINKED_ACCOUNT", "Key": "x"}, "Group Definition type is invalid."),
        ({"Type": "TAG", "Key": ""},
         "Group Definition is invalid. Both type an key need to be set to a non-empty value."),
    ],
)
def test_invalid_group_definitions(emu, group, message):
    code, msg, _ = error_of(lambda: ce(emu, validate=False).get_cost_and_usage(
        TimePeriod=window(0), Granularity="DAILY", Metrics=["UnblendedCost"], GroupBy=[group]))
    assert code == "ValidationException"
    assert msg.startswith(message)


def test_dimension_groups_use_plain_values_and_linked_account_attributes(mixed):
    r = ce(mixed).get_cost_and_usage(
        TimePeriod=window(0), Granularity="MONTHLY", Metrics=["UnblendedCost"],
        GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}, {"Type": "DIMENSION", "Key": "RECORD_TYPE"}])
    keys = {tuple(g["Keys"]) for res in r["ResultsByTime"] for g in res["Groups"]}
    assert keys == {(ACCOUNT, "Usage"), (ACCOUNT, "Credit")}
    assert [a["Value"] for a in r["DimensionValueAttributes"]] == [ACCOUNT]


# --------------------------------------------------------------------------- pagination


def test_pagination_over_150_tag_values_returns_every_row_once(emu):
    t = today()
    days = [t - timedelta(days=1), t]
    items = []
    expected = {}
    for n in range(150):
        for k, d in enumerate(days):
            amount = Decimal(n) + Decimal(k) / 100
            items.append({"date": iso(d), "service": "Amazon Bedrock", "cost": str(amount),
                          "tags": {"Department": f"dept-{n:03d}"}})
            expected[(iso(d), f"Department$dept-{n:03d}")] = amount
    lines(emu, items)
    activate(emu, "Department", t - timedelta(days=10))
    client = ce(emu)
    kwargs = dict(TimePeriod=window(1), Granularity="DAILY", Metrics=["UnblendedCost"],
                  GroupBy=[{"Type": "TAG", "Key": "Department"}])
    pages = all_pages(client, **kwargs)
    assert len(pages) == 3  # 300 groups at 100 per response
    seen = Counter()
    for page in pages:
        assert sum(len(r["Groups"]) for r in page["ResultsByTime"]) <= 100
        for r in page["ResultsByTime"]:
            for g in r["Groups"]:
                key = (r["TimePeriod"]["Start"], g["Keys"][0])
                seen[key] += 1
                assert Decimal(g["Metrics"]["UnblendedCost"]["Amount"]) == expected[key]
    assert set(seen) == set(expected)
    assert set(seen.values()) == {1}
    # The first day's 150 groups are cut by the first page boundary.
    assert [r["TimePeriod"]["Start"] for r in pages[1]["ResultsByTime"]] == [iso(days[0]), iso(days[1])]
    assert "NextPageToken" not in pages[-1]


def test_bad_and_foreign_page_tokens(emu):
    t = today()
    lines(emu, [{"date": iso(t), "service": "Amazon Bedrock", "cost": "1", "tags": {"Department": f"d{n}"}}
                for n in range(101)])
    activate(emu, "Department", t)
    client = ce(emu)
    kwargs = dict(TimePeriod=window(0), Granularity="DAILY", Metrics=["UnblendedCost"],
                  GroupBy=[{"Type": "TAG", "Key": "Department"}])
    token = client.get_cost_and_usage(**kwargs)["NextPageToken"]
    code, _, status = error_of(lambda: client.get_cost_and_usage(**kwargs, NextPageToken="not-a-token"))
    assert (code, status) == ("InvalidNextTokenException", 400)
    changed = dict(kwargs, Metrics=["BlendedCost"])
    code, _, _ = error_of(lambda: client.get_cost_and_usage(**changed, NextPageToken=token))
    assert code == "RequestChangedException"


# --------------------------------------------------------------------------- periods


def test_daily_and_monthly_agree(emu):
    t = today()
    start = first_of_month(t) - timedelta(days=40)
    items = []
    total = Decimal(0)
    d = start
    n = 0
    while d <= t:
        amount = Decimal(n % 7) + Decimal("0.0123456789")
        items.append({"date": iso(d), "service": "Amazon Bedrock", "cost": str(amount), "tags": {"Department": "X"}})
        total += amount
        d += timedelta(days=1)
        n += 1
    lines(emu, items)
    client = ce(emu)
    period = {"Start": iso(start), "End": iso(t + timedelta(days=1))}
    daily = client.get_cost_and_usage(TimePeriod=period, Granularity="DAILY", Metrics=["UnblendedCost"])
    monthly = client.get_cost_and_usage(TimePeriod=period, Granularity="MONTHLY", Metrics=["UnblendedCost"])
    assert len(daily["ResultsByTime"]) == (t - start).days + 1
    months = monthly["ResultsByTime"]
    assert months[0]["TimePeriod"]["Start"] == iso(start)  # clipped to the request
    assert months[-1]["TimePeriod"]["End"] == iso(t + timedelta(days=1))
    assert all(m["TimePeriod"]["Start"][8:] == "01" for m in months[1:])
    s_daily = sum(Decimal(r["Total"]["UnblendedCost"]["Amount"]) for r in daily["ResultsByTime"])
    s_monthly = sum(Decimal(r["Total"]["UnblendedCost"]["Amount"]) for r in months)
    assert s_daily == s_monthly == total
    for m in months:
        ms, me = m["TimePeriod"]["Start"], m["TimePeriod"]["End"]
        in_month = sum(Decimal(r["Total"]["UnblendedCost"]["Amount"]) for r in daily["ResultsByTime"]
                       if ms <= r["TimePeriod"]["Start"] < me)
        assert Decimal(m["Total"]["UnblendedCost"]["Amount"]) == in_month
    # Current-month periods are estimated, closed months are not.
    assert months[-1]["Estimated"] is True
    assert months[0]["Estimated"] is False


@pytest.mark.parametrize(
    "period,granularity,message",
    [
        (lambda t: (t, t), "DAILY", "Start date (and hour) should be before end date (and hour)"),
        (lambda t: (t, t - timedelta(days=3)), "DAILY", "Start date (and hour) should be before end date (and hour)"),
        (lambda t: (t + timedelta(days=1), t + timedelta(days=2)), "DAILY", "Start date"),
        (lambda t: (t, first_of_next_month(t) + timedelta(days=1)), "MONTHLY",
         "end date past the beginning of next month"),
        (lambda t: ("2026/01/01", t), "DAILY", "1 validation error detected: Value '2026/01/01' at 'timePeriod.start'"),
        (lambda t: (t - timedelta(days=3), t), "HOURLY", "Hourly"),
        (lambda t: (t - timedelta(days=3), t), "WEEKLY",
         "1 validation error detected: Value 'WEEKLY' at 'granularity'"),
        (lambda t: (date(t.year - 2, 3, 15), t), "MONTHLY",
         "To retrieve data beyond the past 14 months, your start date needs to be the first day of the month."),
    ],
)
def test_time_period_and_granularity_validation(emu, period, granularity, message):
    start, end = period(today())
    tp = {"Start": start if isinstance(start, str) else iso(start), "End": end if isinstance(end, str) else iso(end)}
    code, msg, status = error_of(lambda: ce(emu, validate=False).get_cost_and_usage(
        TimePeriod=tp, Granularity=granularity, Metrics=["UnblendedCost"]))
    assert (code, status) == ("ValidationException", 400)
    assert msg.startswith(message)


def test_unknown_metric_and_missing_metrics_are_rejected(emu):
    client = ce(emu, validate=False)
    for metrics in (["UNBLENDED_COST"], ["UnblendedCost", "Bogus"], []):
        code, _, _ = error_of(lambda: client.get_cost_and_usage(TimePeriod=window(0), Granularity="DAILY",
                                                                Metrics=metrics))
        assert code == "ValidationException"
    code, msg, _ = error_of(lambda: client.get_cost_and_usage(TimePeriod=window(0), Granularity="DAILY"))
    assert code == "ValidationException" and "at 'metrics'" in msg


def test_hourly_after_opt_in(emu):
    t = today()
    lines(emu, [{"date": iso(t - timedelta(days=1)), "service": "Amazon Bedrock", "cost": "5"}])
    emu.control("POST", "/_emu/ce-settings", {"hourly": True})
    y = t - timedelta(days=1)
    r = ce(emu).get_cost_and_usage(
        TimePeriod={"Start": f"{iso(y)}T00:00:00Z", "End": f"{iso(t)}T00:00:00Z"},
        Granularity="HOURLY", Metrics=["UnblendedCost"])
    assert len(r["ResultsByTime"]) == 24
    amounts = {x["TimePeriod"]["Start"]: x["Total"]["UnblendedCost"]["Amount"] for x in r["ResultsByTime"]}
    assert amounts[f"{iso(y)}T12:00:00Z"] == "5"
    assert sum(Decimal(a) for a in amounts.values()) == 5


# --------------------------------------------------------------------------- cost allocation tags


def test_list_cost_allocation_tags_discovers_keys_and_filters(emu):
    t = today()
    create_aip(emu, "tagged-only", HAIKU_US, {"Department": "Legal", "Owner": "x@y.z"})
    lines(emu, [{"date": iso(t - timedelta(days=40)), "service": "Amazon Bedrock", "cost": "1",
                 "tags": {"CostCenter": "CC-9", "aws:createdBy": "root"}}])
    client = ce(emu)
    tags = {x["TagKey"]: x for x in client.list_cost_allocation_tags()["CostAllocationTags"]}
    assert set(tags) == {"Department", "Owner", "CostCenter", "aws:createdBy"}
    assert {x["Status"] for x in tags.values()} == {"Inactive"}
    assert tags["aws:createdBy"]["Type"] == "AWSGenerated"
    assert tags["Owner"]["Type"] == "UserDefined"
    assert tags["CostCenter"]["LastUsedDate"].startswith(iso(first_of_month(t - timedelta(days=40))))
    assert "LastUpdatedDate" not in tags["Department"]

    client.update_cost_allocation_tags_status(CostAllocationTagsStatus=[{"TagKey": "Department", "Status": "Active"}])
    active = client.list_cost_allocation_tags(Status="Active")["CostAllocationTags"]
    assert [x["TagKey"] for x in active] == ["Department"]
    assert active[0]["LastUpdatedDate"].startswith(iso(t))
    assert [x["TagKey"] for x in client.list_cost_allocation_tags(TagKeys=["Owner",
                                                                           "Nope"])["CostAllocationTags"]] == ["Owner"]
    generated = client.list_cost_allocation_tags(Type="AWSGenerated")["CostAllocationTags"]
    assert [x["TagKey"] for x in generated] == ["aws:createdBy"]

    first = client.list_cost_allocation_tags(MaxResults=3)
    assert len(first["CostAllocationTags"]) == 3 and first["NextToken"]
    rest = client.list_cost_allocation_tags(MaxResults=3, NextToken=first["NextToken"])
    assert len(rest["CostAllocationTags"]) == 1 and "NextToken" not in rest
    code, _, _ = error_of(lambda: client.list_cost_allocation_tags(NextToken="garbage"))
    assert code == "InvalidNextTokenException"
    code, msg, _ = error_of(lambda: client.list_cost_allocation_tags(MaxResults=1001))
    assert code == "ValidationException" and "maxResults" in msg


def test_update_cost_allocation_tags_status_rules(emu):
    t = today()
    lines(emu, [{"date": iso(t), "service": "Amazon Bedrock", "cost": "1", "tags": {"Department": "A", "Team": "b"}}])
    emu.control("POST", "/_emu/cost-allocation-tags",
                {"tags": [{"key": "Team", "status": "Active", "activated_at": iso(t - timedelta(days=9))}]})
    client = ce(emu)
    out = client.update_cost_allocation_tags_status(CostAllocationTagsStatus=[
        {"TagKey": "Department", "Status": "Active"},
        {"TagKey": "Team", "Status": "Active"},  # already active: a no-op
        {"TagKey": "Ghost", "Status": "Active"},
    ])
    assert [(e["TagKey"], bool(e["Code"]), bool(e["Message"])) for e in out["Errors"]] == [("Ghost", True, True)]
    tags = {x["TagKey"]: x for x in client.list_cost_allocation_tags()["CostAllocationTags"]}
    assert tags["Team"]["LastUpdatedDate"].startswith(iso(t - timedelta(days=9)))  # unchanged by the no-op
    assert tags["Department"]["Status"] == "Active"
    assert "Ghost" not in tags

    too_many = [{"TagKey": f"k{n}", "Status": "Active"} for n in range(21)]
    code, msg, status = error_of(lambda: client.update_cost_allocation_tags_status(CostAllocationTagsStatus=too_many))
    assert (code, status) == ("ValidationException", 400)
    assert "Member must have length less than or equal to 20" in msg
    code, _, _ = error_of(lambda: ce(emu,
                                     validate=False).update_cost_allocation_tags_status(CostAllocationTagsStatus=[]))
    assert code == "ValidationException"
    code, _, _ = error_of(lambda: ce(emu, validate=False).update_cost_allocation_tags_status(
        CostAllocationTagsStatus=[{"TagKey": "Team", "Status": "On"}]))
    assert code == "ValidationException"

    client.update_cost_allocation_tags_status(CostAllocationTagsStatus=[{"TagKey": "Team", "Status": "Inactive"}])
    got = group_amounts([client.get_cost_and_usage(TimePeriod=window(0), Granularity="DAILY", Metrics=["UnblendedCost"],
                                                   GroupBy=[{"Type": "TAG", "Key": "Team"}])])
    assert got == {("Team$",): Decimal(1)}


# --------------------------------------------------------------------------- forecast


def test_forecast_is_the_recent_daily_average(emu):
    t = today()
    items = []
    for d in range(1, 31):
        items.append({"date": iso(t - timedelta(days=d)), "service": "Amazon Bedrock", "cost": "3",
                      "tags": {"Department": "Search"}})
        items.append({"date": iso(t - timedelta(days=d)), "service": "Amazon Bedrock", "cost": "1",
                      "tags": {"Department": "Legal"}})
    lines(emu, items)
    activate(emu, "Department", t - timedelta(days=100))
    client = ce(emu)
    end = t + timedelta(days=10)
    r = client.get_cost_forecast(TimePeriod={"Start": iso(t), "End": iso(end)}, Metric="UNBLENDED_COST",
                                 Granularity="DAILY", PredictionIntervalLevel=80)
    days = (end - t).days
    assert Decimal(r["Total"]["Amount"]) == Decimal(4 * days)
    assert r["Total"]["Unit"] == "USD"
    assert len(r["ForecastResultsByTime"]) == days
    first = r["ForecastResultsByTime"][0]
    assert Decimal(first["MeanValue"]) == 4
    assert Decimal(first["PredictionIntervalLowerBound"]) < 4 < Decimal(first["PredictionIntervalUpperBound"])
    search = client.get_cost_forecast(
        TimePeriod={"Start": iso(t), "End": iso(end)}, Metric="UNBLENDED_COST", Granularity="MONTHLY",
        Filter={"Tags": {"Key": "Department", "Values": ["Search"]}})
    assert Decimal(search["Total"]["Amount"]) == Decimal(3 * days)
    assert "PredictionIntervalLowerBound" not in search["ForecastResultsByTime"][0]


@pytest.mark.parametrize(
    "kwargs,code",
    [
        (dict(Metric="UNBLENDED_COST", Granularity="DAILY", start=-1, end=3), "ValidationException"),
        (dict(Metric="UnblendedCost", Granularity="DAILY", start=0, end=3), "ValidationException"),
        (dict(Metric="USAGE_QUANTITY", Granularity="DAILY", start=0, end=3), "ValidationException"),
        (dict(Metric="UNBLENDED_COST", Granularity="HOURLY", start=0, end=1), "ValidationException"),
        (dict(Metric="UNBLENDED_COST", Granularity="DAILY", start=0, end=120), "ValidationException"),
        (dict(Metric="UNBLENDED_COST", Granularity="DAILY", start=3, end=3), "ValidationException"),
    ],
)
def test_forecast_validation(emu, kwargs, code):
    t = today()
    lines(emu, [{"date": iso(t - timedelta(days=1)), "service": "Amazon Bedrock", "cost": "1"}])
    kwargs = dict(kwargs)
    start, end = kwargs.pop("start"), kwargs.pop("end")
    got, _, status = error_of(lambda: ce(emu, validate=False).get_cost_forecast(
        TimePeriod={"Start": iso(t + timedelta(days=start)), "End": iso(t + timedelta(days=end))}, **kwargs))
    assert (got, status) == (code, 400)


def test_forecast_without_history_is_data_unavailable(emu):
    t = today()
    code, msg, _ = error_of(lambda: ce(emu).get_cost_forecast(
        TimePeriod={"Start": iso(t), "End": iso(t + timedelta(days=5))}, Metric="UNBLENDED_COST", Granularity="DAILY"))
    assert code == "DataUnavailableException"


# --------------------------------------------------------------------------- dimension values, tags


def test_dimension_values_find_every_bedrock_service_name(emu):
    t = today()
    records = [
        {"region": "us-east-1", "model_id": SONNET_US, "date": iso(t), "invocations": 1, "input_tokens": 10,
         "output_tokens": 1},
        {"region": "us-east-1", "model_id": HAIKU_US, "date": iso(t), "invocations": 1, "input_tokens": 10,
         "output_tokens": 1},
        {"region": "us-west-2", "model_id": NOVA_LITE, "date": iso(t), "invocations": 1, "input_tokens": 10,
         "output_tokens": 1},
    ]
    emu.control("POST", "/_emu/usage", {"records": records})
    lines(emu, [{"date": iso(t), "service": "Amazon Simple Storage Service", "cost": "1"}])
    client = ce(emu)
    r = client.get_dimension_values(TimePeriod=window(0), Dimension="SERVICE", SearchString="bedrock",
                                    Context="COST_AND_USAGE")
    assert sorted(v["Value"] for v in r["DimensionValues"]) == [
        "Amazon Bedrock",
        "Claude Haiku 4.5 (Amazon Bedrock Edition)",
        "Claude Sonnet 4.5 (Amazon Bedrock Edition)",
    ]
    assert r["ReturnSize"] == r["TotalSize"] == 3
    every = client.get_dimension_values(TimePeriod=window(0), Dimension="SERVICE")
    assert every["TotalSize"] == 4
    regions = client.get_dimension_values(TimePeriod=window(0), Dimension="REGION")
    assert sorted(v["Value"] for v in regions["DimensionValues"]) == ["us-east-1", "us-west-2"]
    usage_types = client.get_dimension_values(TimePeriod=window(0), Dimension="USAGE_TYPE", SearchString="MP:")
    assert sorted(v["Value"] for v in usage_types["DimensionValues"]) == [
        "USE1-MP:USE1_InputTokenCount-Units", "USE1-MP:USE1_OutputTokenCount-Units"]
    accounts = client.get_dimension_values(TimePeriod=window(0), Dimension="LINKED_ACCOUNT")
    assert accounts["DimensionValues"][0]["Value"] == ACCOUNT
    assert "description" in accounts["DimensionValues"][0]["Attributes"]
    code, _, _ = error_of(lambda: client.get_dimension_values(TimePeriod=window(0), Dimension="SERVICE",
                                                              NextPageToken="bogus"))
    assert code == "InvalidNextTokenException"


def test_get_tags_lists_active_keys_and_values(emu):
    t = today()
    lines(emu, [
        {"date": iso(t), "service": "Amazon Bedrock", "cost": "1", "tags": {"Department": "Search", "Owner": "o"}},
        {"date": iso(t), "service": "Amazon Bedrock", "cost": "1", "tags": {"Department": "Legal"}},
    ])
    activate(emu, "Department", t - timedelta(days=3))
    client = ce(emu)
    assert client.get_tags(TimePeriod=window(0))["Tags"] == ["Department"]
    values = client.get_tags(TimePeriod=window(0), TagKey="Department")
    assert values["Tags"] == ["Legal", "Search"] and values["TotalSize"] == 2
    assert client.get_tags(TimePeriod=window(0), TagKey="Department", SearchString="sea")["Tags"] == ["Search"]


def test_product_attributes_group_by_model_and_need_recent_periods(emu):
    t = today()
    records = [
        {"region": "us-east-1", "model_id": SONNET_US, "date": iso(t), "invocations": 1, "input_tokens": 1000,
         "output_tokens": 10},
        {"region": "us-east-1", "model_id": NOVA_LITE, "date": iso(t), "invocations": 1, "input_tokens": 1000,
         "output_tokens": 10},
    ]
    emu.control("POST", "/_emu/usage", {"records": records})
    lines(emu, [{"date": iso(t), "service": "Amazon Simple Storage Service", "cost": "1"}])
    client = ce(emu)
    got = group_amounts([client.get_cost_and_usage(
        TimePeriod=window(0), Granularity="DAILY", Metrics=["UnblendedCost"],
        GroupBy=[{"Type": "PRODUCT_ATTRIBUTE", "Key": "model"}])])
    assert set(got) == {("model$Claude Sonnet 4.5",), ("model$Nova Lite",)}  # S3 is not a supported service
    assert got[("model$Claude Sonnet 4.5",)] == cost(1000, "0.003") + cost(10, "0.015")
    code, _, _ = error_of(lambda: client.get_cost_and_usage(
        TimePeriod={"Start": "2026-08-01", "End": iso(t + timedelta(days=1))}, Granularity="MONTHLY",
        Metrics=["UnblendedCost"], GroupBy=[{"Type": "PRODUCT_ATTRIBUTE", "Key": "model"}]))
    assert code == "DataUnavailableException"


def test_errors_are_aws_json_errors(emu):
    req = urllib.request.Request(
        emu.url + "/", method="POST",
        data=json.dumps({"TimePeriod": {"Start": "2026-01-02", "End": "2026-01-01"}, "Granularity": "DAILY",
                         "Metrics": ["UnblendedCost"]}).encode(),
        headers={"X-Amz-Target": "AWSInsightsIndexService.GetCostAndUsage",
                 "Content-Type": "application/x-amz-json-1.1",
                 "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/ce/aws4_request, "
                                  "SignedHeaders=host, Signature=0"},
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req)
    assert info.value.code == 400
    body = json.loads(info.value.read())
    assert body == {"__type": "ValidationException",
                    "message": "Start date (and hour) should be before end date (and hour)"}


# --------------------------------------------------------------------------- what the SDKs do not check

_CAU = dict(Granularity="DAILY", Metrics=["UnblendedCost"], TimePeriod=window(0))


def raw_ce(emu, op: str, body: dict) -> tuple[int, dict]:
    """An awsJson 1.1 request as no SDK would send it (wrong types included)."""
    req = urllib.request.Request(
        emu.url + "/", method="POST", data=json.dumps(body).encode(),
        headers={"X-Amz-Target": f"AWSInsightsIndexService.{op}", "Content-Type": "application/x-amz-json-1.1",
                 "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/ce/aws4_request, "
                                  "SignedHeaders=host, Signature=0"})
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.mark.parametrize(
    "op,body,fragment",
    [
        ("GetCostAndUsage", dict(_CAU, TimePeriod="2026-01-01"), "TimePeriod must be a structure"),
        ("GetCostAndUsage", dict(_CAU, Filter=[]), "Expression must be a structure"),
        ("GetCostAndUsage", dict(_CAU, Filter={"Dimensions": "SERVICE"}), "Dimensions must be a structure"),
        ("GetCostAndUsage", dict(_CAU, Filter={"Tags": "Department"}), "Tags must be a structure"),
        ("GetCostAndUsage", dict(_CAU, Filter={"Tags": {"Key": "D", "MatchOptions": "ABSENT"}}),
         "MatchOptions must be a list"),
        ("GetCostAndUsage", dict(_CAU, Filter={"Tags": {"Key": "D", "Values": "x"}}),
         "Values must be a list of strings"),
        ("GetCostAndUsage", dict(_CAU, GroupBy={"Type": "TAG", "Key": "D"}), "GroupBy must be a list"),
        ("GetCostForecast", dict(Metric="UNBLENDED_COST", Granularity="DAILY", TimePeriod="2026-01-01"),
         "TimePeriod must be a structure"),
        ("UpdateCostAllocationTagsStatus", dict(CostAllocationTagsStatus={"TagKey": "D"}),
         "CostAllocationTagsStatus must be a list"),
        ("UpdateCostAllocationTagsStatus", dict(CostAllocationTagsStatus=["D"]),
         "CostAllocationTagStatusEntry must be a structure"),
        ("GetCostAndUsage", [], "Request body must be a JSON object"),
    ],
)
def test_wrongly_typed_requests_are_validation_errors(emu, op, body, fragment):
    status, doc = raw_ce(emu, op, body)
    assert (status, doc["__type"]) == (400, "ValidationException") and fragment in doc["message"], doc


def test_a_body_that_is_not_json_is_a_serialization_error(emu):
    req = urllib.request.Request(
        emu.url + "/", method="POST", data=b"{not json",
        headers={"X-Amz-Target": "AWSInsightsIndexService.GetTags", "Content-Type": "application/x-amz-json-1.1",
                 "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/ce/aws4_request, "
                                  "SignedHeaders=host, Signature=0"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req)
    assert info.value.code == 400 and json.loads(info.value.read())["__type"] == "SerializationException"


@pytest.mark.parametrize(
    "op,kwargs,code,fragment",
    [
        ("get_cost_and_usage", dict(_CAU, TimePeriod={"Start": "2026-13-01", "End": "2026-01-02"}),
         "ValidationException", "Invalid date: 2026-13-01"),
        ("get_cost_and_usage", dict(_CAU, TimePeriod={"Start": "2026-01-01T00:00:00Z", "End": "2026-01-02T00:00:00Z"}),
         "ValidationException", "Hourly timePeriod is not supported for this request"),
        ("get_cost_and_usage", dict(_CAU, Filter={"Dimensions": {"Key": "SERVICE", "Values": []}}),
         "ValidationException",
         "Dimension SERVICE must have at least one value"),
        ("get_cost_and_usage", dict(_CAU, Filter={"Tags": {"Values": ["x"]}}), "ValidationException", "tags.key"),
        ("get_cost_and_usage", dict(_CAU, Filter={"CostCategories": {"Key": "Team", "Values": ["x"]}}),
         "ValidationException", "CostCategories filters are not supported by the aipctl Cost Explorer emulator"),
        ("get_cost_and_usage", dict(_CAU, Filter={"ProductAttributes": {"Key": "model", "Values": ["x"]}}),
         "ValidationException", "ProductAttributes filters are not supported"),
        ("get_cost_and_usage", dict(_CAU, GroupBy=[{"Type": "COST_CATEGORY", "Key": "Team"}]), "ValidationException",
         "COST_CATEGORY groups are not supported"),
        ("get_cost_forecast", dict(Metric="UNBLENDED_COST", Granularity="DAILY", PredictionIntervalLevel=50,
                                   TimePeriod={"Start": "2026-01-01", "End": "2026-01-02"}), "ValidationException",
         "Member must have value greater than or equal to 51"),
        ("get_cost_forecast", dict(Metric="UNBLENDED_COST", Granularity="DAILY", PredictionIntervalLevel=100,
                                   TimePeriod={"Start": "2026-01-01", "End": "2026-01-02"}), "ValidationException",
         "Member must have value less than or equal to 99"),
        ("get_cost_forecast", dict(Metric="UNBLENDED_COST", Granularity="DAILY", TimePeriod=window(0),
                                   Filter={"Dimensions": {"Key": "PAYER_ACCOUNT", "Values": [ACCOUNT]}}),
         "ValidationException", "Dimension PAYER_ACCOUNT is not allowed."),
        ("get_dimension_values", dict(TimePeriod=window(0), Dimension="SERVICE",
                                      SortBy=[{"Key": "UnblendedCost", "SortOrder": "DESCENDING"}]),
         "ValidationException", "SortBy is not supported by the aipctl Cost Explorer emulator"),
        ("get_tags", dict(TimePeriod=window(0), SortBy=[{"Key": "UnblendedCost"}]), "ValidationException",
         "SortBy is not supported"),
        ("get_dimension_values", dict(TimePeriod=window(0), Dimension="PRODUCT_ATTRIBUTE", DimensionKey="model"),
         "ValidationException", "PRODUCT_ATTRIBUTE values are not served"),
        ("get_dimension_values", dict(TimePeriod=window(0), Dimension="SERVICE_CODE"), "ValidationException",
         "Dimension SERVICE_CODE can only be used in CostCategoryRule"),
        ("get_dimension_values", dict(TimePeriod=window(0), Dimension="ANOMALY_TOTAL_IMPACT_ABSOLUTE"),
         "ValidationException", "is not allowed."),
        ("get_dimension_values",
         dict(TimePeriod=window(0), Dimension="SERVICE", NextPageToken="eyJvIjogOSwgImgiOiAiIn0="),
         "RequestChangedException", "parameters changed"),
        ("list_cost_allocation_tags", dict(TagKeys=[]), "ValidationException", "length greater than or equal to 1"),
        ("list_cost_allocation_tags", dict(TagKeys=[f"k{i}" for i in range(101)]), "ValidationException",
         "length less than or equal to 100"),
        ("list_cost_allocation_tags", dict(MaxResults=0), "ValidationException", "value greater than or equal to 1"),
        ("list_cost_allocation_tags", dict(NextToken="bm90LWpzb24="), "InvalidNextTokenException", "pagination token"),
    ],
)
def test_server_side_checks(emu, op, kwargs, code, fragment):
    got, msg, status = error_of(lambda: getattr(ce(emu, validate=False), op)(**kwargs))
    assert (got, status) == (code, 400) and fragment in msg, msg


def test_hourly_window_reserved_contexts_and_payer_filter(emu):
    t = today()
    lines(emu, [{"date": iso(t), "service": "Amazon Bedrock", "cost": "2"}])
    emu.control("POST", "/_emu/ce-settings", {"hourly": True, "account_names": {ACCOUNT: "acme-main"}})
    client = ce(emu)
    code, msg, _ = error_of(lambda: client.get_cost_and_usage(
        TimePeriod={"Start": f"{iso(t - timedelta(days=20))}T00:00:00Z", "End": f"{iso(t)}T00:00:00Z"},
        Granularity="HOURLY", Metrics=["UnblendedCost"]))
    assert code == "ValidationException" and "Hourly data is only available for the last 14 days" in msg
    assert client.get_dimension_values(TimePeriod=window(0), Dimension="SERVICE", Context="RESERVATIONS")[
        "DimensionValues"] == []
    named = client.get_dimension_values(TimePeriod=window(0), Dimension="LINKED_ACCOUNT")["DimensionValues"]
    assert named == [{"Value": ACCOUNT, "Attributes": {"description": "acme-main"}}]
    for key, value, want in [("PAYER_ACCOUNT", ACCOUNT, "2"), ("PAYER_ACCOUNT", "999999999999", "0"),
                             ("INSTANCE_TYPE", "", "2")]:  # a dimension items have no value for: ""
        r = client.get_cost_and_usage(TimePeriod=window(0), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                                      Filter={"Dimensions": {"Key": key, "Values": [value]}})
        assert r["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"] == want, key


def test_dimension_values_and_tags_page_at_1000(emu):
    t = today()
    lines(emu, [{"date": iso(t), "service": "Amazon Bedrock", "cost": "1", "usage_type": f"U{n:04d}",
                 "tags": {"Department": f"d{n:04d}"}} for n in range(1001)])
    activate(emu, "Department", t)
    client = ce(emu)
    first = client.get_dimension_values(TimePeriod=window(0), Dimension="USAGE_TYPE")
    assert first["ReturnSize"] == 1000 and first["TotalSize"] == 1001
    rest = client.get_dimension_values(TimePeriod=window(0), Dimension="USAGE_TYPE",
                                       NextPageToken=first["NextPageToken"])
    assert [v["Value"] for v in rest["DimensionValues"]] == ["U1000"] and "NextPageToken" not in rest
    tags = client.get_tags(TimePeriod=window(0), TagKey="Department")
    assert len(tags["Tags"]) == 1000 and "NextPageToken" in tags


def test_usage_quantity_of_mixed_units_is_n_a(emu):
    t = today()
    lines(emu, [{"date": iso(t), "service": "Amazon Bedrock", "cost": "1", "usage_quantity": "2", "unit": "Units"},
                {"date": iso(t), "service": "Amazon Bedrock", "cost": "1", "usage_quantity": "3", "unit": "Hrs"}])
    r = ce(emu).get_cost_and_usage(TimePeriod=window(0), Granularity="MONTHLY", Metrics=["UsageQuantity"])
    assert r["ResultsByTime"][0]["Total"]["UsageQuantity"] == {"Amount": "5", "Unit": "N/A"}


@pytest.mark.parametrize(
    "route,body",
    [
        ("/_emu/cost-line-items", {"line_items": "x"}),
        ("/_emu/cost-line-items", {"line_items": ["x"]}),
        ("/_emu/cost-line-items", {"line_items": [{"date": "yesterday", "service": "S", "cost": "1"}]}),
        ("/_emu/cost-line-items", {"line_items": [{"date": "2026-01-01", "cost": "1"}]}),
        ("/_emu/cost-line-items", {"line_items": [{"date": "2026-01-01", "service": "S", "cost": "1",
                                                   "metrics": {"UsageQuantity": "1"}}]}),
        ("/_emu/cost-line-items", {"line_items": [{"date": "2026-01-01", "service": "S", "cost": "1", "tags": ["a"]}]}),
        ("/_emu/cost-line-items", {"line_items": [{"date": "2026-01-01", "service": "S", "cost": "one"}]}),
        ("/_emu/cost-allocation-tags", {"tags": "Department"}),
        ("/_emu/cost-allocation-tags", {"tags": [{"key": "D", "status": "On"}]}),
    ],
)
def test_control_routes_refuse_malformed_bodies(emu, route, body):
    with pytest.raises(urllib.error.HTTPError) as info:
        emu.control("POST", route, body)
    assert info.value.code == 400


def _token(offset: int, request: dict) -> str:
    """A token as the emulator makes them, for an offset it would never hand out."""
    import base64
    import hashlib

    fingerprint = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()[:16]
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "h": fingerprint}).encode()).decode()


def test_tokens_past_the_end_or_negative_are_invalid(emu):
    t = today()
    lines(emu, [{"date": iso(t), "service": "Amazon Bedrock", "cost": "1", "usage_type": "U"}])
    client = ce(emu)
    cau = {"TimePeriod": window(0), "Granularity": "DAILY", "Metrics": ["UnblendedCost"]}
    grouped = {**cau, "GroupBy": [{"Type": "DIMENSION", "Key": "USAGE_TYPE"}]}
    dims = {"TimePeriod": window(0), "Dimension": "USAGE_TYPE"}
    for call, request, offset in [
        (client.get_cost_and_usage, cau, 5),  # no GroupBy: one page only
        (client.get_cost_and_usage, grouped, 5),
        (client.get_cost_and_usage, grouped, -1),
        (client.get_dimension_values, dims, 5),
        (client.list_cost_allocation_tags, {}, 5),
    ]:
        code, _, _ = error_of(lambda: call(**request, **{
            "NextToken" if call == client.list_cost_allocation_tags else "NextPageToken": _token(offset, request)}))
        assert code == "InvalidNextTokenException", (call, offset)


def test_an_empty_period_is_shown_on_the_last_page_only(emu):
    t = today()
    lines(emu, [{"date": iso(t - timedelta(days=1)), "service": "Amazon Bedrock", "cost": "1",
                 "usage_type": f"U{n:03d}"} for n in range(150)])
    client = ce(emu)
    kwargs = dict(TimePeriod=window(1), Granularity="DAILY", Metrics=["UnblendedCost"],
                  GroupBy=[{"Type": "DIMENSION", "Key": "USAGE_TYPE"}])
    first = client.get_cost_and_usage(**kwargs)
    second = client.get_cost_and_usage(**kwargs, NextPageToken=first["NextPageToken"])
    assert [r["TimePeriod"]["Start"] for r in first["ResultsByTime"]] == [iso(t - timedelta(days=1))]
    assert [(r["TimePeriod"]["Start"], len(r["Groups"])) for r in second["ResultsByTime"]] == [
        (iso(t - timedelta(days=1)), 50), (iso(t), 0)]


def test_hourly_periods_leave_out_the_hours_before_the_start(emu):
    t = today()
    lines(emu, [{"date": iso(t - timedelta(days=1)), "service": "Amazon Bedrock", "cost": "3"}])
    emu.control("POST", "/_emu/ce-settings", {"hourly": True})
    day = iso(t - timedelta(days=1))
    r = ce(emu).get_cost_and_usage(TimePeriod={"Start": f"{day}T13:00:00Z", "End": f"{day}T15:00:00Z"},
                                   Granularity="HOURLY", Metrics=["UnblendedCost"])
    assert [x["Total"]["UnblendedCost"]["Amount"] for x in r["ResultsByTime"]] == ["0", "0"]  # usage counts at 12:00


def test_dimension_values_after_a_filter(emu):
    t = today()
    lines(emu, [{"date": iso(t), "service": "Amazon Bedrock", "cost": "1", "region": "us-east-1"},
                {"date": iso(t), "service": "Amazon S3", "cost": "1", "region": "eu-west-1"}])
    r = ce(emu).get_dimension_values(TimePeriod=window(0), Dimension="REGION",
                                     Filter={"Dimensions": {"Key": "SERVICE", "Values": ["Amazon Bedrock"]}})
    assert [v["Value"] for v in r["DimensionValues"]] == ["us-east-1"]
