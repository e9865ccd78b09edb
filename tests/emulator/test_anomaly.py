"""Cost Anomaly Detection monitors and subscriptions (awsemu/anomaly.py) through a real boto3 client."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
MONITOR_ARN = re.compile(rf"^arn:aws:ce::{ACCOUNT}:anomalymonitor/[0-9a-f-]{{36}}$")
SUBSCRIPTION_ARN = re.compile(rf"^arn:aws:ce::{ACCOUNT}:anomalysubscription/[0-9a-f-]{{36}}$")
SNS = f"arn:aws:sns:us-east-1:{ACCOUNT}:cost-anomalies"


@pytest.fixture
def ce(emu):
    emu.control("POST", "/_emu/clock", {"now": "2026-11-20T12:00:00Z"})
    return emu.client("ce", retries=0)


def code_of(exc_info) -> tuple[str, int]:
    err = exc_info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]


def tag_monitor(name: str = "aipctl-prod-Search", key: str = "Department", values: list[str] | None = None) -> dict:
    return {"MonitorName": name, "MonitorType": "CUSTOM",
            "MonitorSpecification": {"Tags": {"Key": key, "Values": values or ["Search"]}}}


def impact(key: str, value: str) -> dict:
    return {"Dimensions": {"Key": key, "MatchOptions": ["GREATER_THAN_OR_EQUAL"], "Values": [value]}}


def subscription(monitors: list[str], **extra) -> dict:
    return {"SubscriptionName": "aipctl-prod-Search", "MonitorArnList": monitors, "Frequency": "DAILY",
            "Subscribers": [{"Type": "EMAIL", "Address": "finops@example.com"}],
            "ThresholdExpression": impact("ANOMALY_TOTAL_IMPACT_ABSOLUTE", "100"), **extra}


# --------------------------------------------------------------------------- monitors


def test_custom_tag_monitor_lifecycle(ce):
    arn = ce.create_anomaly_monitor(AnomalyMonitor=tag_monitor(),
                                    ResourceTags=[{"Key": "aipctl:spec", "Value": "prod"}])["MonitorArn"]
    assert MONITOR_ARN.match(arn)
    [got] = ce.get_anomaly_monitors(MonitorArnList=[arn])["AnomalyMonitors"]
    assert got == {
        "MonitorArn": arn, "MonitorName": "aipctl-prod-Search", "CreationDate": "2026-11-20",
        "LastUpdatedDate": "2026-11-20", "MonitorType": "CUSTOM",
        "MonitorSpecification": {"Tags": {"Key": "Department", "Values": ["Search"]}},
    }
    assert ce.update_anomaly_monitor(MonitorArn=arn, MonitorName="renamed")["MonitorArn"] == arn
    assert ce.get_anomaly_monitors()["AnomalyMonitors"][0]["MonitorName"] == "renamed"
    ce.delete_anomaly_monitor(MonitorArn=arn)
    assert ce.get_anomaly_monitors()["AnomalyMonitors"] == []
    for call in (lambda: ce.get_anomaly_monitors(MonitorArnList=[arn]),
                 lambda: ce.update_anomaly_monitor(MonitorArn=arn, MonitorName="x"),
                 lambda: ce.delete_anomaly_monitor(MonitorArn=arn)):
        with pytest.raises(ClientError) as e:
            call()
        assert code_of(e) == ("UnknownMonitorException", 400)


def test_dimensional_monitors(ce):
    service = ce.create_anomaly_monitor(AnomalyMonitor={
        "MonitorName": "services", "MonitorType": "DIMENSIONAL", "MonitorDimension": "SERVICE"})["MonitorArn"]
    tag = ce.create_anomaly_monitor(AnomalyMonitor={
        "MonitorName": "by-department", "MonitorType": "DIMENSIONAL", "MonitorDimension": "TAG",
        "MonitorSpecification": {"Tags": {"Key": "Department"}}})["MonitorArn"]
    monitors = {m["MonitorArn"]: m for m in ce.get_anomaly_monitors()["AnomalyMonitors"]}
    assert monitors[service]["MonitorDimension"] == "SERVICE" and "MonitorSpecification" not in monitors[service]
    assert monitors[tag]["MonitorSpecification"] == {"Tags": {"Key": "Department"}}
    assert monitors[service]["DimensionalValueCount"] == 0


@pytest.mark.parametrize("monitor", [
    {**tag_monitor(), "MonitorDimension": "TAG"},
    {"MonitorName": "m", "MonitorType": "CUSTOM"},
    tag_monitor(values=[f"Dept{i}" for i in range(11)]),
    {"MonitorName": "m", "MonitorType": "CUSTOM",
     "MonitorSpecification": {"Dimensions": {"Key": "SERVICE", "Values": ["Amazon Bedrock"]}}},
    {"MonitorName": "m", "MonitorType": "CUSTOM", "MonitorSpecification": {"Tags": {"Key": "Department"}}},
    {"MonitorName": "m", "MonitorType": "CUSTOM", "MonitorSpecification": {
        "Tags": {"Key": "Department", "Values": ["Search"]},
        "Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [ACCOUNT]}}},
    {"MonitorName": "m", "MonitorType": "DIMENSIONAL"},
    {"MonitorName": "m", "MonitorType": "DIMENSIONAL", "MonitorDimension": "SERVICE",
     "MonitorSpecification": {"Dimensions": {"Key": "SERVICE", "Values": ["Amazon Bedrock"]}}},
    {"MonitorName": "m", "MonitorType": "DIMENSIONAL", "MonitorDimension": "TAG",
     "MonitorSpecification": {"Tags": {"Key": "Department", "Values": ["Search"]}}},
    {"MonitorName": "m", "MonitorType": "DIMENSIONAL", "MonitorDimension": "REGION"},
    {"MonitorName": "m", "MonitorType": "STATIC", "MonitorDimension": "SERVICE"},
    {**tag_monitor(), "MonitorName": ""},
    {"MonitorName": "m", "MonitorType": "DIMENSIONAL", "MonitorDimension": "TAG"},
    {"MonitorName": "m", "MonitorType": "CUSTOM", "MonitorSpecification": {
        "And": [{"Tags": {"Key": "D", "Values": ["x"]}}, {"Tags": {"Key": "E", "Values": ["y"]}}]}},
    {"MonitorName": "m", "MonitorType": "CUSTOM",
     "MonitorSpecification": {"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": ["1234"]}}},
    {"MonitorName": "m", "MonitorType": "CUSTOM",
     "MonitorSpecification": {"Tags": {"Key": "D", "Values": ["x"], "MatchOptions": ["ABSENT"]}}},
], ids=["custom-with-dimension", "custom-without-spec", "eleven-tag-values", "custom-service",
        "custom-tag-without-values", "two-roots", "dimensional-without-dimension", "service-with-spec",
        "dimensional-tag-with-values", "bad-dimension", "bad-type", "empty-name", "dimensional-tag-without-spec",
        "custom-and", "linked-account-pattern", "match-option"])
def test_monitor_rules(ce, monitor):
    with pytest.raises(ClientError) as e:
        ce.create_anomaly_monitor(AnomalyMonitor=monitor)
    assert code_of(e) == ("ValidationException", 400)


def test_one_aws_services_monitor_per_account(ce):
    m = {"MonitorName": "services", "MonitorType": "DIMENSIONAL", "MonitorDimension": "SERVICE"}
    ce.create_anomaly_monitor(AnomalyMonitor=m)
    with pytest.raises(ClientError) as e:
        ce.create_anomaly_monitor(AnomalyMonitor=m)
    assert code_of(e) == ("ValidationException", 400)


def test_monitor_pagination(ce):
    arns = [ce.create_anomaly_monitor(AnomalyMonitor=tag_monitor(f"m{i}", values=[f"D{i}"]))["MonitorArn"]
            for i in range(5)]
    first = ce.get_anomaly_monitors(MaxResults=2)
    assert [m["MonitorArn"] for m in first["AnomalyMonitors"]] == arns[:2]
    pages = list(ce.get_paginator("get_anomaly_monitors").paginate(PaginationConfig={"PageSize": 2}))
    assert [m["MonitorArn"] for p in pages for m in p["AnomalyMonitors"]] == arns
    with pytest.raises(ClientError) as e:
        ce.get_anomaly_monitors(NextPageToken="garbage")
    assert code_of(e) == ("InvalidNextTokenException", 400)


# --------------------------------------------------------------------------- subscriptions


def test_subscription_lifecycle(ce):
    monitor = ce.create_anomaly_monitor(AnomalyMonitor=tag_monitor())["MonitorArn"]
    other = ce.create_anomaly_monitor(AnomalyMonitor=tag_monitor("other", values=["Support"]))["MonitorArn"]
    threshold = {"And": [impact("ANOMALY_TOTAL_IMPACT_ABSOLUTE", "100"),
                         impact("ANOMALY_TOTAL_IMPACT_PERCENTAGE", "20")]}
    created = ce.create_anomaly_subscription(AnomalySubscription=subscription([monitor], ThresholdExpression=threshold))
    arn = created["SubscriptionArn"]
    assert SUBSCRIPTION_ARN.match(arn)
    [got] = ce.get_anomaly_subscriptions(SubscriptionArnList=[arn])["AnomalySubscriptions"]
    assert got == {
        "SubscriptionArn": arn, "AccountId": ACCOUNT, "MonitorArnList": [monitor],
        "Subscribers": [{"Address": "finops@example.com", "Type": "EMAIL", "Status": "CONFIRMED"}],
        "Frequency": "DAILY", "SubscriptionName": "aipctl-prod-Search", "ThresholdExpression": threshold,
    }
    subs = ce.get_anomaly_subscriptions(MonitorArn=monitor)["AnomalySubscriptions"]
    assert [s["SubscriptionArn"] for s in subs] == [arn]
    assert ce.get_anomaly_subscriptions(MonitorArn=other)["AnomalySubscriptions"] == []

    # Only the given fields change; the deprecated Threshold becomes an absolute-impact expression.
    ce.update_anomaly_subscription(SubscriptionArn=arn, Frequency="WEEKLY", Threshold=250,
                                   MonitorArnList=[monitor, other])
    [got] = ce.get_anomaly_subscriptions()["AnomalySubscriptions"]
    assert got["Frequency"] == "WEEKLY" and got["Threshold"] == 250.0
    assert got["ThresholdExpression"] == impact("ANOMALY_TOTAL_IMPACT_ABSOLUTE", "250.0")
    assert got["MonitorArnList"] == [monitor, other] and got["SubscriptionName"] == "aipctl-prod-Search"
    ce.update_anomaly_subscription(SubscriptionArn=arn,
                                   ThresholdExpression=impact("ANOMALY_TOTAL_IMPACT_PERCENTAGE", "50"))
    [got] = ce.get_anomaly_subscriptions()["AnomalySubscriptions"]
    assert "Threshold" not in got and got["ThresholdExpression"] == impact("ANOMALY_TOTAL_IMPACT_PERCENTAGE", "50")

    # Deleting a monitor takes it out of the subscription; the last one takes the subscription with it.
    ce.delete_anomaly_monitor(MonitorArn=other)
    assert ce.get_anomaly_subscriptions()["AnomalySubscriptions"][0]["MonitorArnList"] == [monitor]
    ce.delete_anomaly_subscription(SubscriptionArn=arn)
    assert ce.get_anomaly_subscriptions()["AnomalySubscriptions"] == []
    for call in (lambda: ce.get_anomaly_subscriptions(SubscriptionArnList=[arn]),
                 lambda: ce.update_anomaly_subscription(SubscriptionArn=arn, Frequency="DAILY"),
                 lambda: ce.delete_anomaly_subscription(SubscriptionArn=arn)):
        with pytest.raises(ClientError) as e:
            call()
        assert code_of(e) == ("UnknownSubscriptionException", 400)


def test_immediate_alerts_go_to_sns_and_summaries_to_email(ce):
    monitor = ce.create_anomaly_monitor(AnomalyMonitor=tag_monitor())["MonitorArn"]
    sns = [{"Type": "SNS", "Address": SNS}]
    arn = ce.create_anomaly_subscription(AnomalySubscription=subscription(
        [monitor], Frequency="IMMEDIATE", Subscribers=sns))["SubscriptionArn"]
    for bad in (subscription([monitor], Frequency="IMMEDIATE"), subscription([monitor], Subscribers=sns),
                subscription([monitor], Frequency="WEEKLY", Subscribers=sns)):
        with pytest.raises(ClientError) as e:
            ce.create_anomaly_subscription(AnomalySubscription=bad)
        assert code_of(e) == ("ValidationException", 400)
    with pytest.raises(ClientError) as e:  # the update is checked against the merged subscription
        ce.update_anomaly_subscription(SubscriptionArn=arn, Frequency="DAILY")
    assert code_of(e) == ("ValidationException", 400)


@pytest.mark.parametrize("change", [
    {"Threshold": 100},
    {"ThresholdExpression": None},
    {"ThresholdExpression": {"Dimensions": {"Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE", "Values": ["100"]}}},
    {"ThresholdExpression": {"Dimensions": {"Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE", "MatchOptions": ["EQUALS"],
                                            "Values": ["100"]}}},
    {"ThresholdExpression": impact("SERVICE", "100")},
    {"ThresholdExpression": impact("ANOMALY_TOTAL_IMPACT_ABSOLUTE", "ten")},
    {"ThresholdExpression": impact("ANOMALY_TOTAL_IMPACT_ABSOLUTE", "10000000001")},
    {"ThresholdExpression": {"Not": impact("ANOMALY_TOTAL_IMPACT_ABSOLUTE", "100")}},
    {"ThresholdExpression": {"Or": [impact("ANOMALY_TOTAL_IMPACT_ABSOLUTE", "100")]}},
    {"Subscribers": [{"Type": "EMAIL", "Address": "not-an-address"}]},
    {"Subscribers": []},
    {"Subscribers": [{"Type": "EMAIL", "Address": f"u{i}@example.com"} for i in range(11)]},
    {"MonitorArnList": []},
    {"MonitorArnList": ["not-an-arn-but-long-enough"]},
    {"Frequency": "HOURLY"},
], ids=["threshold-and-expression", "neither", "no-matchoptions", "equals", "wrong-dimension", "not-a-number",
        "too-large", "not", "or-one-operand", "bad-email", "no-subscribers", "eleven-subscribers", "no-monitors",
        "bad-arn", "bad-frequency"])
def test_subscription_rules(ce, change):
    monitor = ce.create_anomaly_monitor(AnomalyMonitor=tag_monitor())["MonitorArn"]
    sub = subscription([monitor])
    sub.update(change)
    sub = {k: v for k, v in sub.items() if v is not None}
    with pytest.raises(ClientError) as e:
        ce.create_anomaly_subscription(AnomalySubscription=sub)
    assert code_of(e) == ("ValidationException", 400)


def test_subscription_to_an_unknown_monitor(ce):
    ghost = f"arn:aws:ce::{ACCOUNT}:anomalymonitor/00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as e:
        ce.create_anomaly_subscription(AnomalySubscription=subscription([ghost]))
    assert code_of(e) == ("UnknownMonitorException", 400)


def test_request_log_and_faults_see_anomaly_operations(ce, emu):
    emu.control("DELETE", "/_emu/requests")
    emu.control("POST", "/_emu/faults", {"rules": [
        {"service": "ce", "operation": "CreateAnomalySubscription", "error": "LimitExceededException", "count": 1}]})
    monitor = ce.create_anomaly_monitor(AnomalyMonitor=tag_monitor())["MonitorArn"]
    with pytest.raises(ClientError) as e:
        ce.create_anomaly_subscription(AnomalySubscription=subscription([monitor]))
    assert code_of(e) == ("LimitExceededException", 400)
    ce.create_anomaly_subscription(AnomalySubscription=subscription([monitor]))
    log = [(r["service"], r["operation"], r["status"]) for r in emu.requests()]
    assert log == [("ce", "CreateAnomalyMonitor", 200), ("ce", "CreateAnomalySubscription", 400),
                   ("ce", "CreateAnomalySubscription", 200)]


def test_deprecated_threshold_updates_and_paging(ce):
    monitor = ce.create_anomaly_monitor(AnomalyMonitor=tag_monitor())["MonitorArn"]
    spec = subscription([monitor])
    del spec["ThresholdExpression"]
    arn = ce.create_anomaly_subscription(AnomalySubscription={**spec, "Threshold": 100.0})["SubscriptionArn"]
    [got] = ce.get_anomaly_subscriptions(SubscriptionArnList=[arn])["AnomalySubscriptions"]
    assert got["Threshold"] == 100.0
    assert got["ThresholdExpression"]["Dimensions"]["Values"] == ["100.0"]
    second = ce.create_anomaly_subscription(AnomalySubscription=subscription([monitor]))["SubscriptionArn"]
    page = ce.get_anomaly_subscriptions(MaxResults=1)
    assert len(page["AnomalySubscriptions"]) == 1 and page["NextPageToken"]
    ce.update_anomaly_subscription(SubscriptionArn=arn, SubscriptionName="renamed",
                                   Subscribers=[{"Type": "EMAIL", "Address": "lead@example.com"}])
    [got] = ce.get_anomaly_subscriptions(SubscriptionArnList=[arn])["AnomalySubscriptions"]
    assert got["SubscriptionName"] == "renamed" and got["Subscribers"][0]["Address"] == "lead@example.com"
    with pytest.raises(ClientError) as e:
        ce.update_anomaly_subscription(SubscriptionArn=arn, Threshold=5.0,
                                       ThresholdExpression=impact("ANOMALY_TOTAL_IMPACT_ABSOLUTE", "5"))
    assert code_of(e) == ("ValidationException", 400)
    # A subscription left without monitors goes with its last monitor.
    ce.delete_anomaly_monitor(MonitorArn=monitor)
    assert ce.get_anomaly_subscriptions()["AnomalySubscriptions"] == []
    assert second


@pytest.mark.parametrize("change", [
    {"Threshold": 10.0},  # with the ThresholdExpression
    {"ThresholdExpression": {"Dimensions": {"Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
                                            "MatchOptions": ["GREATER_THAN_OR_EQUAL"], "Values": ["1", "2"]}}},
    {"Subscribers": [{"Type": "SNS", "Address": "finops@example.com"}]},
    {"Subscribers": [{"Type": "EMAIL", "Address": "finops@example.com", "Status": "HAPPY"}]},
    {"Subscribers": [{"Type": "EMAIL", "Address": "finops@example.com"}] * 2},
], ids=["threshold-and-expression", "two-values", "type-mismatch", "status", "duplicate"])
def test_more_subscription_rules(ce, change):
    monitor = ce.create_anomaly_monitor(AnomalyMonitor=tag_monitor())["MonitorArn"]
    with pytest.raises(ClientError) as e:
        ce.create_anomaly_subscription(AnomalySubscription=subscription([monitor], **change))
    assert code_of(e) == ("ValidationException", 400)


def raw_ce(emu, op: str, body) -> tuple[int, dict]:
    """An awsJson 1.1 request as no SDK would send it (wrong types and sizes included)."""
    import json
    import urllib.error
    import urllib.request

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


_TAGS = {"Tags": {"Key": "Department", "Values": ["Search"]}}
_MON = {"MonitorName": "m", "MonitorType": "CUSTOM", "MonitorSpecification": _TAGS}
_SUB = {"SubscriptionName": "s", "Frequency": "DAILY", "Threshold": 1.0,
        "Subscribers": [{"Type": "EMAIL", "Address": "finops@example.com"}]}


@pytest.mark.parametrize("op,body", [
    ("CreateAnomalyMonitor", {}),
    ("CreateAnomalyMonitor", {"AnomalyMonitor": "m"}),
    ("CreateAnomalyMonitor", {"AnomalyMonitor": {**_MON, "MonitorName": 5}}),
    ("CreateAnomalyMonitor", {"AnomalyMonitor": {**_MON, "MonitorName": "m" * 1025}}),
    ("CreateAnomalyMonitor", {"AnomalyMonitor": {**_MON, "MonitorSpecification": ["Tags"]}}),
    ("CreateAnomalyMonitor", {"AnomalyMonitor": {**_MON, "MonitorSpecification": {
        "Tags": {"Key": "D", "Values": "x"}}}}),
    ("CreateAnomalyMonitor", {"AnomalyMonitor": {**_MON, "MonitorSpecification": {
        "Tags": {"Key": "D", "Values": ["x"], "MatchOptions": "EQUALS"}}}}),
    ("CreateAnomalyMonitor", {"AnomalyMonitor": _MON, "ResourceTags": {"Key": "k"}}),
    ("CreateAnomalyMonitor", {"AnomalyMonitor": _MON, "ResourceTags": [{"Key": "k", "Value": "v"}] * 201}),
    ("CreateAnomalyMonitor", {"AnomalyMonitor": _MON, "ResourceTags": ["k"]}),
    ("CreateAnomalyMonitor", {"AnomalyMonitor": _MON, "ResourceTags": [{"Key": "a*b", "Value": "v"}]}),
    ("CreateAnomalyMonitor", {"AnomalyMonitor": _MON, "ResourceTags": [{"Key": "aws:x", "Value": "v"}]}),
    ("CreateAnomalyMonitor", {"AnomalyMonitor": _MON,
                              "ResourceTags": [{"Key": f"k{i}", "Value": "v"} for i in range(51)]}),
    ("CreateAnomalyMonitor", {"AnomalyMonitor": {**_MON, "MonitorSpecification": {
        "Tags": {"Key": "", "Values": ["x"]}}}}),
    ("GetAnomalyMonitors", {"MaxResults": "5"}),
    ("GetAnomalyMonitors", {"MaxResults": 0}),
    ("CreateAnomalySubscription", {"AnomalySubscription": "s"}),
    ("CreateAnomalySubscription", {"AnomalySubscription": {**_SUB, "Threshold": "1"}}),
    ("CreateAnomalySubscription", {"AnomalySubscription": {**_SUB, "Threshold": -1}}),
    ("CreateAnomalySubscription", {"AnomalySubscription": {**_SUB, "MonitorArnList": "arn"}}),
    ("CreateAnomalySubscription", {"AnomalySubscription": {**_SUB, "Subscribers": {"Type": "EMAIL"}}}),
    ("CreateAnomalySubscription", {"AnomalySubscription": {**_SUB, "Subscribers": ["finops@example.com"]}}),
    ("CreateAnomalySubscription", {"AnomalySubscription": {
        **{k: v for k, v in _SUB.items() if k != "Threshold"},
        "ThresholdExpression": {"Dimensions": "ANOMALY_TOTAL_IMPACT_ABSOLUTE"}}}),
], ids=lambda v: v if isinstance(v, str) else None)
def test_wrongly_typed_requests_are_validation_errors(emu, op, body):
    status, doc = raw_ce(emu, op, body)
    assert (status, doc["__type"]) == (400, "ValidationException"), doc


def test_a_token_with_a_negative_offset_is_invalid(emu):
    import base64
    import json

    token = base64.urlsafe_b64encode(json.dumps({"o": -1, "h": "x"}).encode()).decode()
    status, doc = raw_ce(emu, "GetAnomalyMonitors", {"NextPageToken": token})
    assert (status, doc["__type"]) == (400, "InvalidNextTokenException")
