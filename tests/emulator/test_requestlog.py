"""Request log (awsemu/requestlog.py): one entry per AWS request, as the client saw it."""

from __future__ import annotations

import json
import os
import re
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError

RFC3339_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
NOVA = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"


@pytest.fixture
def log(emu):
    emu.control("DELETE", "/_emu/requests")
    yield emu
    emu.control("DELETE", "/_emu/faults")


def test_entries_for_bedrock_calls(log):
    client = log.client("bedrock", retries=0)
    before = datetime.now(UTC)
    client.list_inference_profiles(typeEquals="APPLICATION")
    arn = client.create_inference_profile(
        inferenceProfileName="logged", modelSource={"copyFrom": NOVA}
    )["inferenceProfileArn"]
    client.get_inference_profile(inferenceProfileIdentifier=arn)
    client.list_tags_for_resource(resourceARN=arn)
    entries = log.requests()
    assert [(e["seq"], e["service"], e["operation"], e["status"]) for e in entries] == [
        (1, "bedrock", "ListInferenceProfiles", 200),
        (2, "bedrock", "CreateInferenceProfile", 201),
        (3, "bedrock", "GetInferenceProfile", 200),
        (4, "bedrock", "ListTagsForResource", 200),
    ]
    for e in entries:
        assert e["region"] == "us-east-1"
        assert RFC3339_MS.match(e["time"])
        when = datetime.fromisoformat(e["time"].replace("Z", "+00:00"))
        assert (when - before).total_seconds() > -1
        assert isinstance(e["duration_ms"], (int, float)) and e["duration_ms"] >= 0
    assert entries[0]["method"] == "GET" and entries[0]["path"] == "/inference-profiles"


def test_region_comes_from_the_credential_scope(log):
    log.client("bedrock", "eu-west-1", retries=0).list_foundation_models()
    log.client("bedrock", "ap-northeast-1", retries=0).list_foundation_models()
    assert [e["region"] for e in log.requests()] == ["eu-west-1", "ap-northeast-1"]


def test_rejected_requests_are_logged_with_their_status(log):
    client = log.client("bedrock", retries=0)
    with pytest.raises(ClientError):
        client.create_inference_profile(inferenceProfileName="bad name!", modelSource={"copyFrom": NOVA})
    with pytest.raises(ClientError):
        client.get_inference_profile(inferenceProfileIdentifier="abcdefghijkl")
    log.control("POST", "/_emu/faults", {"rules": [
        {"service": "bedrock", "operation": "ListFoundationModels", "error": "ThrottlingException",
         "delay_ms": 50, "count": 1}]})
    with pytest.raises(ClientError):
        client.list_foundation_models()
    entries = log.requests()
    assert [(e["operation"], e["status"]) for e in entries] == [
        ("CreateInferenceProfile", 400),
        ("GetInferenceProfile", 404),
        ("ListFoundationModels", 429),
    ]
    assert entries[-1]["duration_ms"] >= 50


def test_sdk_retries_show_up_as_separate_entries(log):
    log.control("POST", "/_emu/faults", {"rules": [
        {"service": "bedrock", "operation": "ListInferenceProfiles", "error": "ThrottlingException",
         "count": 2}]})
    log.client("bedrock", retries=3).list_inference_profiles(typeEquals="APPLICATION")
    assert [e["status"] for e in log.requests()] == [429, 429, 200]


def test_other_protocols(log):
    ce = log.client("ce", retries=0)
    ce.get_cost_and_usage(TimePeriod={"Start": "2025-01-01", "End": "2025-02-01"},
                          Granularity="MONTHLY", Metrics=["UnblendedCost"])
    cw = log.client("cloudwatch", "us-west-2", retries=0)
    cw.list_dashboards()
    entries = log.requests()
    assert [(e["service"], e["operation"], e["region"], e["status"]) for e in entries] == [
        ("ce", "GetCostAndUsage", "us-east-1", 200),
        ("cloudwatch", "ListDashboards", "us-west-2", 200),
    ]
    assert log.control("GET", "/_emu/requests?service=ce")["requests"] == [entries[0]]
    assert log.control("GET", "/_emu/requests?operation=ListDashboards")["requests"] == [entries[1]]


def test_cbor_path_names_the_cloudwatch_operation(log):
    """Whatever answers the Rust SDK's rpcv2Cbor call, the log names it."""
    req = urllib.request.Request(
        log.url + "/service/GraniteServiceVersion20100801/operation/ListDashboards",
        data=b"\xa0",  # CBOR empty map
        method="POST",
    )
    req.add_header("Content-Type", "application/cbor")
    req.add_header("Accept", "application/cbor")
    req.add_header("smithy-protocol", "rpc-v2-cbor")
    req.add_header(
        "Authorization",
        "AWS4-HMAC-SHA256 Credential=AKIDTEST/20250101/eu-central-1/monitoring/aws4_request, "
        "SignedHeaders=host, Signature=0",
    )
    try:
        status = urllib.request.urlopen(req, timeout=30).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    (entry,) = log.requests()
    assert (entry["service"], entry["operation"], entry["region"]) == (
        "cloudwatch", "ListDashboards", "eu-central-1")
    assert entry["status"] == status
    assert entry["account"] == "123456789012"


def test_account_is_the_one_moto_maps_the_credentials_to(log):
    log.client("bedrock", retries=0).list_foundation_models()
    client = log.client("sts", retries=0)
    client.meta.events.register("before-sign.sts.*", lambda request, **_: request.headers.__setitem__(
        "x-moto-account-id", "111111111111"))
    assert client.get_caller_identity()["Account"] == "111111111111"
    entries = log.requests()
    assert [(e["service"], e["account"]) for e in entries] == [
        ("bedrock", "123456789012"), ("sts", "111111111111")]
    assert log.control("GET", "/_emu/requests?account=111111111111")["requests"] == [entries[1]]


def test_control_and_moto_api_requests_are_not_logged(log):
    urllib.request.urlopen(urllib.request.Request(log.url + "/moto-api/reset", method="POST")).read()
    log.control("GET", "/_emu/faults")
    assert log.requests() == []


def test_clear_and_reset_restart_the_sequence(log):
    client = log.client("bedrock", retries=0)
    client.list_foundation_models()
    client.list_foundation_models()
    log.control("DELETE", "/_emu/requests")
    assert log.requests() == []
    client.list_foundation_models()
    assert [e["seq"] for e in log.requests()] == [1]
    log.control("POST", "/_emu/reset")
    assert log.requests() == []


def test_a_request_that_started_before_a_clear_is_not_logged_after_it(log):
    # A client that gave up on a slow call (a test's `--timeout`) must not leave an entry in
    # the log of whatever runs next on this emulator.
    log.control("POST", "/_emu/faults", {"rules": [{"service": "bedrock", "delay_ms": 600}]})
    slow = threading.Thread(target=lambda: log.client("bedrock", retries=0).list_foundation_models())
    slow.start()
    threading.Event().wait(0.2)
    log.control("DELETE", "/_emu/requests")
    slow.join(timeout=30)
    assert log.requests() == []
    log.control("DELETE", "/_emu/faults")
    log.client("bedrock", retries=0).list_foundation_models()
    assert [(e["operation"], e["seq"]) for e in log.requests()] == [("ListFoundationModels", 1)]


def test_concurrent_requests_are_each_logged_once(log):
    errors = []

    def worker(n: int) -> None:
        try:
            client = log.client("bedrock", retries=0)
            for _ in range(8):
                client.get_inference_profile(inferenceProfileIdentifier="us.amazon.nova-pro-v1:0")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    entries = log.requests()
    assert len(entries) == 48
    assert sorted(e["seq"] for e in entries) == list(range(1, 49))
    assert {(e["operation"], e["status"]) for e in entries} == {("GetInferenceProfile", 200)}


AUTH_STS = ("AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/sts/aws4_request, "
            "SignedHeaders=host, Signature=0")


def raw(url: str, path: str, method: str = "GET", headers: dict | None = None) -> int:
    req = urllib.request.Request(url + path, method=method, headers={"Authorization": AUTH_STS, **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code


def test_requests_moto_never_dispatches_are_logged_too(log):
    # No moto handler runs: the operation comes from ?Action=, the account from the header.
    assert raw(log.url, "/no-such-path?Action=Peek", headers={"x-moto-account-id": "111122223333"}) == 404
    assert raw(log.url, "/no-such-path") == 404
    entries = log.requests()
    assert [(e["service"], e["operation"], e["status"], e["account"]) for e in entries] == [
        ("sts", "Peek", 404, "111122223333"), ("sts", None, 404, "123456789012")]


def test_moto_account_id_in_the_environment_wins():
    from awsemu import server

    spawned = server.spawn(env={**os.environ, "MOTO_ACCOUNT_ID": "444455556666"}, timeout=60)
    try:
        raw(spawned.url, "/no-such-path", headers={"x-moto-account-id": "111122223333"})
        with urllib.request.urlopen(spawned.url + "/_emu/requests", timeout=10) as resp:
            entries = json.loads(resp.read())["requests"]
        assert [e["account"] for e in entries] == ["444455556666"]
    finally:
        spawned.stop()


def test_an_app_that_raises_is_logged_as_500_and_the_error_goes_on():
    from awsemu import requestlog

    def broken(environ, start_response):
        raise RuntimeError("boom")

    app = requestlog.RequestLog(broken)
    before = requestlog._seq
    environ = {"PATH_INFO": "/", "REQUEST_METHOD": "POST", "HTTP_AUTHORIZATION": AUTH_STS,
               "HTTP_X_AMZ_TARGET": "GraniteServiceVersion20100801.ListMetrics"}
    with pytest.raises(RuntimeError, match="boom"):
        app(environ, lambda status, headers: None)
    entry = requestlog._entries[-1]
    assert entry["seq"] == before + 1
    assert (entry["operation"], entry["status"]) == ("ListMetrics", 500)
