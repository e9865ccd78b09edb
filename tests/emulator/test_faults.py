"""Fault injection (awsemu/faults.py): rules, counters, determinism, protocols.

The errors must parse as each client protocol expects: botocore must report
the injected code and status for Bedrock (restJson), Cost Explorer (awsJson)
and CloudWatch (JSON with x-amzn-query-error).
"""

from __future__ import annotations

import time
import urllib.error

import pytest
from botocore.exceptions import ClientError

# conftest's ``retries`` counts retries (botocore's max_attempts); 0 = one attempt.
NOVA = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"


@pytest.fixture
def faults(emu):
    yield lambda body: emu.control("POST", "/_emu/faults", body)
    emu.control("DELETE", "/_emu/faults")


def outcome(call) -> str:
    """'.' for success, else the error code."""
    try:
        call()
        return "."
    except ClientError as exc:
        return exc.response["Error"]["Code"]


def test_count_limits_firing_and_counters_are_reported(emu, faults):
    faults({"rules": [{"service": "bedrock", "operation": "ListInferenceProfiles",
                       "error": "ThrottlingException", "count": 2}]})
    client = emu.client("bedrock", retries=0)
    statuses = []
    for _ in range(3):
        try:
            client.list_inference_profiles()
            statuses.append(200)
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == "ThrottlingException"
            statuses.append(exc.response["ResponseMetadata"]["HTTPStatusCode"])
    assert statuses == [429, 429, 200]  # status from the model when not given
    client.get_inference_profile(inferenceProfileIdentifier="us.amazon.nova-pro-v1:0")  # not matched
    rule = emu.control("GET", "/_emu/faults")["rules"][0]
    assert (rule["seen"], rule["fired"]) == (3, 2)


def test_skip_lets_first_matches_through(emu, faults):
    faults({"rules": [{"service": "bedrock", "operation": "*", "error": "InternalServerException",
                       "skip": 2, "count": 1, "message": "boom"}]})
    client = emu.client("bedrock", retries=0)
    results = [outcome(client.list_inference_profiles) for _ in range(4)]
    assert results == [".", ".", "InternalServerException", "."]
    faults({"rules": [{"service": "bedrock", "error": "InternalServerException"}]})
    with pytest.raises(ClientError) as excinfo:
        client.list_foundation_models()
    err = excinfo.value.response
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert err["Error"]["Message"].startswith("InternalServerException")
    assert err["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "InternalServerException"


def test_probability_is_deterministic_for_a_seed(emu, faults):
    client = emu.client("bedrock", retries=0)

    def run(seed: int) -> str:
        faults({"seed": seed, "rules": [{"service": "bedrock", "operation": "ListFoundationModels",
                                         "error": "ThrottlingException", "status": 429,
                                         "probability": 0.5}]})
        return "".join("T" if outcome(client.list_foundation_models) != "." else "." for _ in range(20))

    first = run(7)
    assert run(7) == first
    assert "T" in first and "." in first
    counters = emu.control("GET", "/_emu/faults")["rules"][0]
    assert counters["seen"] == 20 and counters["fired"] == first.count("T")


def test_after_action_commits_and_idempotent_retry_gives_one_profile(emu, faults):
    faults({"rules": [{"service": "bedrock", "operation": "CreateInferenceProfile",
                       "error": "InternalServerException", "status": 500, "count": 1,
                       "after_action": True}]})
    emu.control("DELETE", "/_emu/requests")
    client = emu.client("bedrock", retries=3)  # standard retry reuses the clientRequestToken
    out = client.create_inference_profile(inferenceProfileName="retried", modelSource={"copyFrom": NOVA})
    assert out["ResponseMetadata"]["RetryAttempts"] == 1
    listed = client.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
    assert [p["inferenceProfileArn"] for p in listed] == [out["inferenceProfileArn"]]
    creates = [r["status"] for r in emu.requests() if r["operation"] == "CreateInferenceProfile"]
    assert creates == [500, 201]


def test_after_action_without_token_reuse_shows_the_duplicate(emu, faults):
    """What a client that retries with a fresh token would hit: the name conflicts."""
    faults({"rules": [{"service": "bedrock", "operation": "CreateInferenceProfile",
                       "error": "InternalServerException", "count": 1, "after_action": True}]})
    client = emu.client("bedrock", retries=0)
    assert outcome(lambda: client.create_inference_profile(
        inferenceProfileName="dup", modelSource={"copyFrom": NOVA})) == "InternalServerException"
    assert outcome(lambda: client.create_inference_profile(
        inferenceProfileName="dup", modelSource={"copyFrom": NOVA})) == "ConflictException"


def test_delay_rules_add_up_and_do_not_hide_errors(emu, faults):
    client = emu.client("bedrock", retries=0)
    client.list_foundation_models()  # warm up
    faults({"rules": [
        {"service": "*", "operation": "*", "delay_ms": 150},
        {"service": "bedrock", "operation": "ListFoundationModels", "delay_ms": 100},
        {"service": "bedrock", "operation": "ListFoundationModels", "error": "ThrottlingException",
         "count": 1},
    ]})
    start = time.monotonic()
    assert outcome(client.list_foundation_models) == "ThrottlingException"
    assert time.monotonic() - start >= 0.25
    start = time.monotonic()
    assert outcome(client.list_foundation_models) == "."
    assert time.monotonic() - start >= 0.25
    start = time.monotonic()
    client.list_inference_profiles()
    elapsed = time.monotonic() - start
    assert 0.15 <= elapsed < 0.25 + 0.5


def test_first_firing_error_rule_wins(emu, faults):
    faults({"rules": [
        {"service": "bedrock", "operation": "ListFoundationModels", "error": "ThrottlingException", "count": 1},
        {"service": "bedrock", "operation": "*", "error": "AccessDeniedException"},
    ]})
    client = emu.client("bedrock", retries=0)
    assert outcome(client.list_foundation_models) == "ThrottlingException"
    assert outcome(client.list_foundation_models) == "AccessDeniedException"
    rules = emu.control("GET", "/_emu/faults")["rules"]
    assert [(r["seen"], r["fired"]) for r in rules] == [(2, 1), (1, 1)]


def test_latency_ms_per_service(emu, faults):
    ce = emu.client("ce", retries=0)
    bedrock = emu.client("bedrock", retries=0)
    bedrock.list_foundation_models()
    faults({"latency_ms": {"bedrock": 200}})
    start = time.monotonic()
    bedrock.list_foundation_models()
    assert time.monotonic() - start >= 0.2
    start = time.monotonic()
    ce.get_cost_and_usage(TimePeriod={"Start": "2025-01-01", "End": "2025-02-01"},
                          Granularity="MONTHLY", Metrics=["UnblendedCost"])
    assert time.monotonic() - start < 0.2
    assert emu.control("GET", "/_emu/faults")["latency_ms"] == {"bedrock": 200}


def test_operation_lists(emu, faults):
    faults({"rules": [{"service": "bedrock", "operation": ["GetInferenceProfile", "ListFoundationModels"],
                       "error": "ThrottlingException"}]})
    client = emu.client("bedrock", retries=0)
    assert outcome(client.list_foundation_models) == "ThrottlingException"
    assert outcome(client.list_inference_profiles) == "."


def test_region_rules_fire_only_for_requests_signed_for_that_region(emu, faults):
    # How a test makes a region "not enabled for the account": AWS answers
    # there with UnrecognizedClientException (403) to every call.
    faults({"rules": [{"service": "*", "region": ["ap-south-2", "eu-south-2"],
                       "error": "UnrecognizedClientException", "status": 403,
                       "message": "The security token included in the request is invalid."}]})
    try:
        emu.client("bedrock", "ap-south-2", retries=0).list_inference_profiles(typeEquals="APPLICATION")
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "UnrecognizedClientException"
        assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    else:
        raise AssertionError("a disabled region must refuse")
    assert outcome(lambda: emu.client("bedrock", "us-east-1", retries=0).list_inference_profiles()) == "."
    with pytest.raises(urllib.error.HTTPError):
        faults({"rules": [{"service": "*", "region": 7, "error": "X"}]})


def test_cost_explorer_error_protocol(emu, faults):
    faults({"rules": [{"service": "ce", "operation": "GetCostAndUsage", "error": "LimitExceededException",
                       "message": "Rate exceeded"}]})
    ce = emu.client("ce", retries=0)
    with pytest.raises(ClientError) as excinfo:
        ce.get_cost_and_usage(TimePeriod={"Start": "2025-01-01", "End": "2025-02-01"},
                              Granularity="MONTHLY", Metrics=["UnblendedCost"])
    err = excinfo.value.response
    assert err["Error"] == {"Code": "LimitExceededException", "Message": "Rate exceeded"}
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert err["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/x-amz-json-1.1"


def test_cloudwatch_error_protocol(emu, faults):
    faults({"rules": [
        {"service": "cloudwatch", "operation": "ListDashboards", "error": "Throttling", "status": 400,
         "count": 1},
        {"service": "monitoring", "operation": "ListDashboards", "error": "ServiceUnavailable", "count": 1},
    ]})
    cw = emu.client("cloudwatch", retries=0)
    with pytest.raises(ClientError) as excinfo:
        cw.list_dashboards()
    err = excinfo.value.response
    assert err["Error"]["Code"] == "Throttling"
    assert err["Error"].get("Type") == "Sender"
    assert err["ResponseMetadata"]["HTTPHeaders"]["x-amzn-query-error"] == "Throttling;Sender"
    with pytest.raises(ClientError) as excinfo:
        cw.list_dashboards()
    err = excinfo.value.response
    assert err["Error"]["Code"] == "ServiceUnavailable"
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert err["ResponseMetadata"]["HTTPHeaders"]["x-amzn-query-error"] == "ServiceUnavailable;Receiver"
    cw.list_dashboards()


def test_rule_validation_and_clearing(emu, faults):
    for bad in (
        {"rules": [{"service": "bedrock"}]},  # neither delay nor error
        {"rules": [{"service": "bedrock", "error": "X", "count": -1}]},
        {"rules": [{"service": "bedrock", "error": "X", "probability": 2}]},
        {"rules": [{"service": "bedrock", "error": "X", "colour": "red"}]},
        {"rules": [{"service": "bedrock", "delay_ms": "slow"}]},
        {"rules": [{"service": "bedrock", "delay_ms": 5, "status": 500}]},
        {"rules": "all"},
        {"seed": "x"},
        {"latency_ms": -1},
    ):
        with pytest.raises(urllib.error.HTTPError) as excinfo:
            faults(bad)
        assert excinfo.value.code == 400, bad
    faults({"rules": [{"service": "*", "error": "ThrottlingException"}]})
    client = emu.client("bedrock", retries=0)
    assert outcome(client.list_foundation_models) == "ThrottlingException"
    emu.control("DELETE", "/_emu/faults")
    assert emu.control("GET", "/_emu/faults")["rules"] == []
    assert outcome(client.list_foundation_models) == "."
    faults({"rules": [{"service": "*", "error": "ThrottlingException"}]})
    emu.control("POST", "/_emu/reset")
    assert outcome(client.list_foundation_models) == "."


def test_set_replaces_rules_and_resets_counters(emu, faults):
    rule = {"service": "bedrock", "error": "ThrottlingException", "count": 1}
    faults({"rules": [rule]})
    client = emu.client("bedrock", retries=0)
    assert outcome(client.list_foundation_models) == "ThrottlingException"
    assert outcome(client.list_foundation_models) == "."
    answer = faults({"rules": [rule]})
    assert answer["rules"][0]["fired"] == 0
    assert outcome(client.list_foundation_models) == "ThrottlingException"


def test_query_protocol_services_get_xml_errors_their_clients_parse(emu):
    # STS speaks awsQuery: a JSON error body would be unreadable to its clients,
    # so an injected throttle would not even be recognised as one.
    emu.control("POST", "/_emu/faults", {"rules": [
        {"service": "sts", "operation": "GetCallerIdentity", "error": "Throttling", "status": 400, "count": 1},
    ]})
    sts = emu.client("sts", retries=0)
    with pytest.raises(ClientError) as caught:
        sts.get_caller_identity()
    err = caught.value.response
    assert err["Error"]["Code"] == "Throttling"
    assert err["Error"]["Type"] == "Sender"
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert sts.get_caller_identity()["Account"] == "123456789012"


@pytest.mark.parametrize("body", [
    [],
    {"rules": [], "colour": "red"},
    {"rules": ["x"]},
    {"rules": [{"service": "bedrock", "operation": "*", "error": "X", "count": "1"}]},
    {"rules": [{"service": "bedrock", "operation": "*", "error": "X", "count": True}]},
    {"rules": [{"service": "bedrock", "operation": "*", "error": "X", "status": 200}]},
])
def test_fault_rules_refuse_malformed_sets(emu, body):
    with pytest.raises(urllib.error.HTTPError) as info:
        emu.control("POST", "/_emu/faults", body)
    assert info.value.code == 400


def test_a_rule_for_another_region_does_not_fire(emu):
    emu.control("POST", "/_emu/faults", {"rules": [
        {"service": "bedrock", "operation": "*", "error": "UnrecognizedClientException", "status": 403,
         "region": ["eu-west-1"]}]})
    assert emu.client("bedrock", retries=0).list_foundation_models()["modelSummaries"]
    assert emu.client("sts", retries=0).get_caller_identity()["Account"]  # a rule for another service
    with pytest.raises(ClientError):
        emu.client("bedrock", region="eu-west-1", retries=0).list_foundation_models()


def test_after_action_answers_the_fault_even_when_the_action_failed(emu):
    emu.control("POST", "/_emu/faults", {"rules": [
        {"service": "bedrock", "operation": "GetInferenceProfile", "error": "InternalServerException",
         "status": 500, "after_action": True}]})
    with pytest.raises(ClientError) as info:
        emu.client("bedrock", retries=0).get_inference_profile(inferenceProfileIdentifier="nosuchprofile")
    assert info.value.response["Error"]["Code"] == "InternalServerException"


def test_after_action_answers_the_fault_when_the_action_crashes(emu):
    # moto's STS reads RoleArn before anything else and raises without it: the fault still answers.
    import boto3
    from botocore.config import Config

    emu.control("POST", "/_emu/faults", {"rules": [
        {"service": "sts", "operation": "AssumeRole", "error": "Throttling", "status": 400, "after_action": True}]})
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=emu.url, aws_access_key_id="AKIDTEST",
                       aws_secret_access_key="secret",
                       config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as info:
        sts.assume_role(RoleSessionName="s")
    assert info.value.response["Error"]["Code"] == "Throttling"
