"""CloudWatch in the emulator: GetMetricData fidelity, limits, dashboards, CBOR.

Clients: boto3 (awsJson1.0, as the AWS CLI), a botocore client forced onto the
Smithy RPC v2 CBOR protocol (what aws-sdk-cloudwatch 1.x speaks), and raw CBOR
requests built byte for byte. Datapoints are seeded through
``POST /_emu/cloudwatch/datapoints`` (``awsemu.cloudwatch.put_datapoints``) or
PutMetricData.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import math
import struct
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.serialize import RpcV2CBORSerializer

sys.path.insert(0, str(Path(__file__).resolve().parent))

from awsemu import cloudwatch as cwmod  # noqa: E402
from awsemu import cloudwatch_cbor  # noqa: E402

NS = "AWS/Bedrock"
UTC = dt.UTC
AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/monitoring/aws4_request, "
    "SignedHeaders=host, Signature=0"
)
CBOR_PATH = "/service/GraniteServiceVersion20100801/operation/"


# ---------------------------------------------------------------- helpers


def now_ts() -> float:
    return time.time()


def hour_floor(t: float) -> float:
    return math.floor(t / 3600) * 3600


def utc(t: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, tz=UTC)


def epoch(d: dt.datetime) -> float:
    return d.timestamp()


def seed(emu, metric, dims, points, namespace=NS, unit="Count", region="us-east-1"):
    body = {
        "namespace": namespace,
        "metric_name": metric,
        "dimensions": dims,
        "points": [[t, v] for t, v in points],
        "unit": unit,
        "region": region,
    }
    return emu.control("POST", "/_emu/cloudwatch/datapoints", body)["stored"]


def mq(qid, metric, dims, period=3600, stat="Sum", namespace=NS, **extra):
    q = {
        "Id": qid,
        "MetricStat": {
            "Metric": {
                "Namespace": namespace,
                "MetricName": metric,
                "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
            },
            "Period": period,
            "Stat": stat,
        },
    }
    q.update(extra)
    return q


def by_id(resp):
    return {r["Id"]: r for r in resp["MetricDataResults"]}


def series(result):
    """{epoch: value} of one MetricDataResult."""
    return {epoch(t): v for t, v in zip(result["Timestamps"], result["Values"], strict=True)}


def err(exc_info):
    e = exc_info.value.response
    return e["Error"]["Code"], e["Error"]["Message"], e["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def cw(emu):
    return emu.client("cloudwatch")


@pytest.fixture
def cw_raw(emu):
    """A client that sends what botocore would refuse (the server's own checks)."""
    return boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=emu.url, aws_access_key_id="AKIDTEST",
                        aws_secret_access_key="secret",
                        config=Config(parameter_validation=False, retries={"max_attempts": 1}))


_CBOR_MODEL_DIR: dict[str, str] = {}


def cbor_model_dir(tmp_root: Path) -> str:
    """A copy of botocore's CloudWatch model that lists only rpc-v2-cbor."""
    if "dir" not in _CBOR_MODEL_DIR:
        src = Path(botocore.__file__).parent / "data/cloudwatch/2010-08-01/service-2.json.gz"
        model = json.loads(gzip.decompress(src.read_bytes()))
        model["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
        model["metadata"]["protocol"] = "smithy-rpc-v2-cbor"
        target = tmp_root / "cloudwatch/2010-08-01"
        target.mkdir(parents=True, exist_ok=True)
        (target / "service-2.json").write_text(json.dumps(model))
        _CBOR_MODEL_DIR["dir"] = str(tmp_root)
    return _CBOR_MODEL_DIR["dir"]


@pytest.fixture
def cbor_cw(emu, tmp_path_factory):
    """A botocore client that really speaks Smithy RPC v2 CBOR (gzip included)."""
    path = cbor_model_dir(tmp_path_factory.mktemp("cbor-model"))
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, path)
    client = boto3.Session(botocore_session=session).client(
        "cloudwatch",
        region_name="us-east-1",
        endpoint_url=emu.url,
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    assert client.meta.service_model.resolved_protocol == "smithy-rpc-v2-cbor"
    sent: list = []
    client.meta.events.register(
        "before-send.cloudwatch.*",
        lambda request, **kw: sent.append((request.url, dict(request.headers), request.body)),
    )
    client.sent = sent  # type: ignore[attr-defined]
    return client


def cbor_request(params, op):
    model = cloudwatch_cbor.service_model().operation_model(op)
    return RpcV2CBORSerializer().serialize_to_request(params, model)["body"]


def raw_post(emu, path, body, headers):
    req = urllib.request.Request(emu.url + path, data=body, method="POST")
    for k, v in headers.items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def raw_cbor(emu, op, params=None, body=None, headers=None, compress=False):
    data = cbor_request(params or {}, op) if body is None else body
    hdrs = {
        "smithy-protocol": "rpc-v2-cbor",
        "Content-Type": "application/cbor",
        "Accept": "application/cbor",
        "Authorization": AUTH,
    }
    if compress:
        data = gzip.compress(data)
        hdrs["Content-Encoding"] = "gzip"
    hdrs.update(headers or {})
    return raw_post(emu, CBOR_PATH + op, data, hdrs)


class F64(float):
    """A CBOR float64 (0xfb) as decoded by the strict test decoder."""


class Narrow(float):
    """A CBOR float16/float32: smithy-rs decodes doubles only from float64-compatible items."""


class Tag1:
    def __init__(self, value):
        self.value = value


def strict_cbor(data: bytes):
    """Independent minimal CBOR decoder that keeps float widths and tags."""
    pos = 0

    def arg(info):
        nonlocal pos
        if info < 24:
            return info
        n = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        v = int.from_bytes(data[pos:pos + n], "big")
        pos += n
        return v

    def item():
        nonlocal pos
        ib = data[pos]
        pos += 1
        major, info = ib >> 5, ib & 31
        if major == 0:
            return arg(info)
        if major == 1:
            return -1 - arg(info)
        if major in (2, 3):
            n = arg(info)
            raw = data[pos:pos + n]
            pos += n
            return raw if major == 2 else raw.decode()
        if major == 4:
            return [item() for _ in range(arg(info))]
        if major == 5:
            out = {}
            for _ in range(arg(info)):
                k = item()
                out[k] = item()
            return out
        if major == 6:
            tag = arg(info)
            inner = item()
            return Tag1(inner) if tag == 1 else ("tag", tag, inner)
        if info == 20:
            return False
        if info == 21:
            return True
        if info == 22:
            return None
        if info == 27:
            v = struct.unpack(">d", data[pos:pos + 8])[0]
            pos += 8
            return F64(v)
        if info == 26:
            v = struct.unpack(">f", data[pos:pos + 4])[0]
            pos += 4
            return Narrow(v)
        if info == 25:
            v = struct.unpack(">e", data[pos:pos + 2])[0]
            pos += 2
            return Narrow(v)
        raise AssertionError(f"unexpected CBOR initial byte {ib:#x}")

    value = item()
    assert pos == len(data), "trailing bytes after the CBOR item"
    return value


# ------------------------------------------------- GetMetricData: identity


def test_namespace_filters_even_with_dimensions(emu, cw):
    base = hour_floor(now_ts()) - 3 * 3600
    dims = {"ModelId": "prof1"}
    seed(emu, "Invocations", dims, [(base + 60, 10), (base + 120, 45)])
    seed(emu, "Invocations", dims, [(base + 60, 99999)], namespace="Decoy")
    # and the same over the API
    cw.put_metric_data(
        Namespace="Decoy2",
        MetricData=[{"MetricName": "Invocations", "Dimensions": [{"Name": "ModelId", "Value": "prof1"}],
                     "Value": 77777, "Timestamp": utc(base + 180)}],
    )
    resp = cw.get_metric_data(
        MetricDataQueries=[mq("m1", "Invocations", dims), mq("d1", "Invocations", dims, namespace="Decoy")],
        StartTime=utc(base),
        EndTime=utc(base + 3600),
    )
    res = by_id(resp)
    assert res["m1"]["Values"] == [55.0]
    assert res["d1"]["Values"] == [99999.0]


def test_exact_dimension_set_identifies_a_metric(emu, cw):
    base = hour_floor(now_ts()) - 3 * 3600
    seed(emu, "InputTokenCount", {"ModelId": "a"}, [(base + 60, 1)])
    seed(emu, "InputTokenCount", {"ModelId": "a", "ServiceTier": "standard"}, [(base + 60, 20)])
    seed(emu, "InputTokenCount", {"ModelId": "b"}, [(base + 60, 300)])
    seed(emu, "InputTokenCount", {}, [(base + 60, 4000)])
    resp = cw.get_metric_data(
        MetricDataQueries=[
            mq("a", "InputTokenCount", {"ModelId": "a"}),
            mq("tier", "InputTokenCount", {"ServiceTier": "standard", "ModelId": "a"}),
            mq("nodims", "InputTokenCount", {}),
            mq("partial", "InputTokenCount", {"ServiceTier": "standard"}),
        ],
        StartTime=utc(base),
        EndTime=utc(base + 3600),
    )
    res = by_id(resp)
    assert res["a"]["Values"] == [1.0]
    assert res["tier"]["Values"] == [20.0]  # dimension order does not matter
    assert res["nodims"]["Values"] == [4000.0]  # no aggregation over dimension sets
    assert res["partial"]["Values"] == []


def test_start_time_rounding_and_period_alignment(emu, cw):
    base = hour_floor(now_ts()) - 5 * 3600
    dims = {"ModelId": "align"}
    # one point every 10 minutes for 3 hours, value = minute offset
    seed(emu, "Invocations", dims, [(base + k * 600, k * 10) for k in range(18)])
    start = base + 32 * 60 + 34  # 12:32:34 -> 12:32:00
    resp = cw.get_metric_data(
        MetricDataQueries=[mq("m", "Invocations", dims, period=600, stat="Sum")],
        StartTime=utc(start),
        EndTime=utc(base + 2 * 3600),
        ScanBy="TimestampAscending",
    )
    got = series(by_id(resp)["m"])
    first = base + 32 * 60
    assert min(got) == first
    assert all((t - first) % 600 == 0 for t in got)
    # bucket [xx:32, xx:42) holds the point at xx:40 (offset 40), and so on
    assert got[first] == 40.0
    assert got[first + 600] == 50.0
    # EndTime is exclusive: the point at base+2h (offset 120) is not in any bucket
    assert sum(got.values()) == sum(k * 10 for k in range(4, 12))


def test_start_time_rounding_for_old_data(emu, cw):
    now = now_ts()
    dims = {"ModelId": "old"}
    mid = hour_floor(now - 30 * 86400) + 1234  # 30 days ago: 5-minute rounding
    old = hour_floor(now - 80 * 86400) + 1234  # 80 days ago: 1-hour rounding
    seed(emu, "Invocations", dims, [(mid - 1234 + 1200, 1), (old - 1234 + 60, 2)])
    r1 = cw.get_metric_data(
        MetricDataQueries=[mq("m", "Invocations", dims, period=300)],
        StartTime=utc(mid), EndTime=utc(mid + 3600),
    )
    assert [epoch(t) for t in by_id(r1)["m"]["Timestamps"]] == [mid - 1234 + 1200]
    r2 = cw.get_metric_data(
        MetricDataQueries=[mq("m", "Invocations", dims, period=3600)],
        StartTime=utc(old), EndTime=utc(old + 7200),
    )
    assert [epoch(t) for t in by_id(r2)["m"]["Timestamps"]] == [old - 1234]
    # 30 days ago a 60 s period is not served (must be a multiple of 300)
    r3 = cw.get_metric_data(
        MetricDataQueries=[mq("m", "Invocations", dims, period=60)],
        StartTime=utc(mid), EndTime=utc(mid + 3600),
    )
    assert by_id(r3)["m"]["Values"] == []


def test_period_must_be_valid(emu, cw):
    base = hour_floor(now_ts())
    for bad in (90, 7, 61):
        with pytest.raises(ClientError) as exc:
            cw.get_metric_data(
                MetricDataQueries=[mq("m", "Invocations", {}, period=bad)],
                StartTime=utc(base - 3600), EndTime=utc(base),
            )
        code, msg, status = err(exc)
        assert (code, status) == ("ValidationError", 400)
        assert "MetricDataQueries.member.1.MetricStat.Period" in msg


def test_statistics_and_percentiles(emu, cw):
    base = hour_floor(now_ts()) - 2 * 3600
    dims = {"ModelId": "lat"}
    # 100 raw samples 1..100 in one minute, plus 2 more samples later in the hour
    seed(emu, "InvocationLatency", dims, [(base + 60, [float(v) for v in range(1, 101)]), (base + 600, [500.0, 1.0])],
         unit="Milliseconds")
    stats = ["Sum", "SampleCount", "Average", "Minimum", "Maximum", "p50", "p90", "p99", "p99.5", "p100", "p0"]
    resp = cw.get_metric_data(
        MetricDataQueries=[mq(f"s{i}", "InvocationLatency", dims, stat=s) for i, s in enumerate(stats)],
        StartTime=utc(base), EndTime=utc(base + 3600),
    )
    res = by_id(resp)
    got = {s: res[f"s{i}"]["Values"] for i, s in enumerate(stats)}
    assert got["Sum"] == [5050.0 + 501.0]
    assert got["SampleCount"] == [102.0]
    assert got["Average"] == [pytest.approx(5551.0 / 102)]
    assert got["Minimum"] == [1.0]
    assert got["Maximum"] == [500.0]
    # nearest rank over 102 samples: 1,1,2,3,...,100,500
    assert got["p50"] == [50.0]
    assert got["p90"] == [91.0]
    assert got["p99"] == [100.0]
    assert got["p99.5"] == [500.0]
    assert got["p100"] == [500.0]
    assert got["p0"] == [1.0]
    # Unit filter: data was stored as Milliseconds
    r2 = cw.get_metric_data(
        MetricDataQueries=[
            {**mq("ms", "InvocationLatency", dims),
             "MetricStat": {**mq("ms", "InvocationLatency", dims)["MetricStat"], "Unit": "Milliseconds"}},
            {**mq("sec", "InvocationLatency", dims),
             "MetricStat": {**mq("sec", "InvocationLatency", dims)["MetricStat"], "Unit": "Seconds"}},
        ],
        StartTime=utc(base), EndTime=utc(base + 3600),
    )
    assert by_id(r2)["ms"]["Values"] == [5551.0]
    assert by_id(r2)["sec"]["Values"] == []


def test_percentiles_from_put_metric_data_values_and_counts(emu, cw):
    t = now_ts() - 3600
    cw.put_metric_data(
        Namespace=NS,
        MetricData=[{
            "MetricName": "TimeToFirstToken", "Dimensions": [{"Name": "ModelId", "Value": "vc"}],
            "Values": [10.0, 20.0, 1000.0], "Counts": [50.0, 45.0, 5.0], "Timestamp": utc(t), "Unit": "Milliseconds",
        }, {
            "MetricName": "TimeToFirstToken", "Dimensions": [{"Name": "ModelId", "Value": "vc"}],
            "StatisticValues": {"SampleCount": 10, "Sum": 300, "Minimum": 5, "Maximum": 60}, "Timestamp": utc(t),
            "Unit": "Milliseconds",
        }],
    )
    start = hour_floor(t) - 3600
    resp = cw.get_metric_data(
        MetricDataQueries=[mq("s_" + s.lower(), "TimeToFirstToken", {"ModelId": "vc"}, period=7200, stat=s)
                           for s in ("p50", "p95", "p96", "SampleCount", "Sum", "Maximum")],
        StartTime=utc(start), EndTime=utc(start + 7200),
    )
    res = by_id(resp)
    # percentiles ignore the non-raw statistic set; counts weight the values
    assert res["s_p50"]["Values"] == [10.0]
    assert res["s_p95"]["Values"] == [20.0]
    assert res["s_p96"]["Values"] == [1000.0]
    assert res["s_samplecount"]["Values"] == [110.0]
    assert res["s_sum"]["Values"] == [500 + 900 + 5000 + 300.0]
    assert res["s_maximum"]["Values"] == [1000.0]


def test_invalid_and_unsupported_statistics(emu, cw):
    base = hour_floor(now_ts())
    with pytest.raises(ClientError) as exc:
        cw.get_metric_data(
            MetricDataQueries=[mq("a", "X", {}, stat="Total"), mq("b", "X", {}, stat="p101"),
                               mq("c", "X", {}, stat="tm99")],
            StartTime=utc(base - 3600), EndTime=utc(base),
        )
    code, msg, status = err(exc)
    assert (code, status) == ("ValidationError", 400)
    assert "MetricDataQueries.member.1.MetricStat.Stat is not a valid statistic" in msg
    assert "MetricDataQueries.member.2.MetricStat.Stat is not a valid statistic" in msg
    assert "tm99" in msg and "not supported" in msg


# --------------------------------------------------- limits and validation


def test_more_than_500_queries_is_rejected(emu, cw):
    base = hour_floor(now_ts())
    queries = [mq(f"m{i}", "Invocations", {"ModelId": f"p{i}"}) for i in range(501)]
    with pytest.raises(ClientError) as exc:
        cw.get_metric_data(MetricDataQueries=queries, StartTime=utc(base - 3600), EndTime=utc(base))
    code, msg, status = err(exc)
    assert (code, status) == ("ValidationError", 400)
    assert msg == "The collection MetricDataQueries must not have a size greater than 500."
    ok = cw.get_metric_data(MetricDataQueries=queries[:500], StartTime=utc(base - 3600), EndTime=utc(base))
    assert len(ok["MetricDataResults"]) == 500


@pytest.mark.parametrize("bad_id", ["M1", "1m", "_m", "m-1", "m 1"])
def test_bad_query_id_is_rejected(emu, cw, bad_id):
    base = hour_floor(now_ts())
    with pytest.raises(ClientError) as exc:
        cw.get_metric_data(
            MetricDataQueries=[mq("ok", "Invocations", {}), mq(bad_id, "Invocations", {})],
            StartTime=utc(base - 3600), EndTime=utc(base),
        )
    code, msg, status = err(exc)
    assert (code, status) == ("ValidationError", 400)
    assert msg == (
        f"The value {bad_id} for parameter MetricDataQueries.member.2.Id is not matching "
        "the expected pattern ^[a-z][a-zA-Z0-9_]*$."
    )


def test_duplicate_ids_and_malformed_queries(emu, cw):
    base = hour_floor(now_ts())
    window = {"StartTime": utc(base - 3600), "EndTime": utc(base)}
    with pytest.raises(ClientError) as exc:
        cw.get_metric_data(MetricDataQueries=[mq("m", "A", {}), mq("m", "B", {})], **window)
    assert err(exc)[0] == "ValidationError" and "not unique" in err(exc)[1]
    with pytest.raises(ClientError) as exc:
        cw.get_metric_data(MetricDataQueries=[{"Id": "m"}], **window)
    assert err(exc)[:2] == ("ValidationError", "The parameter MetricDataQueries.member.1.MetricStat is required.")
    with pytest.raises(ClientError) as exc:
        cw.get_metric_data(MetricDataQueries=[{**mq("m", "A", {}), "Expression": "1"}], **window)
    assert "mutually exclusive" in err(exc)[1]
    with pytest.raises(ClientError) as exc:
        cw.get_metric_data(MetricDataQueries=[mq("m", "A", {})], StartTime=utc(base), EndTime=utc(base))
    assert err(exc)[:2] == ("ValidationError", "The parameter StartTime must not equal parameter EndTime.")


# ----------------------------------------------- MaxDatapoints / NextToken


_T0 = dt.datetime(2026, 1, 1, tzinfo=UTC)
_T1 = dt.datetime(2026, 1, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    "params, code, fragment",
    [
        ({"StartTime": _T0, "EndTime": _T1}, "MissingParameter", "MetricDataQueries is required"),
        ({"MetricDataQueries": [mq("m", "X", {})], "EndTime": _T1}, "MissingParameter", "StartTime is required"),
        ({"MetricDataQueries": [mq("m", "X", {})], "StartTime": _T0}, "MissingParameter", "EndTime is required"),
        ({"MetricDataQueries": [], "StartTime": _T0, "EndTime": _T1}, "ValidationError", "must not be empty"),
        ({"MetricDataQueries": [mq("m", "X", {})], "StartTime": _T1, "EndTime": _T0}, "ValidationError",
         "EndTime must be greater than StartTime"),
        ({"MetricDataQueries": [mq("m", "X", {})], "StartTime": _T0, "EndTime": _T1, "MaxDatapoints": 0},
         "ValidationError", "MaxDatapoints is invalid"),
        ({"MetricDataQueries": [mq("m", "X", {})], "StartTime": _T0, "EndTime": _T1, "ScanBy": "Sideways"},
         "ValidationError", "Member must satisfy enum value set: [TimestampDescending, TimestampAscending]"),
        ({"MetricDataQueries": [{"MetricStat": mq("m", "X", {})["MetricStat"]}], "StartTime": _T0, "EndTime": _T1},
         "ValidationError", "member.1.Id is required"),
        ({"MetricDataQueries": [{"Id": "m", "MetricStat": {"Metric": {}, "Period": 60, "Stat": "Sum"}}],
          "StartTime": _T0, "EndTime": _T1}, "ValidationError", "Metric.Namespace is required"),
        ({"MetricDataQueries": [{"Id": "m", "MetricStat": {"Metric": {"Namespace": NS}, "Period": 60, "Stat": "Sum"}}],
          "StartTime": _T0, "EndTime": _T1}, "ValidationError", "Metric.MetricName is required"),
        ({"MetricDataQueries": [mq("m", "X", {f"d{i}": "v" for i in range(31)})], "StartTime": _T0, "EndTime": _T1},
         "ValidationError", "Dimensions must not have a size greater than 30"),
        ({"MetricDataQueries": [{"Id": "m", "MetricStat": {
            "Metric": {"Namespace": NS, "MetricName": "X",
                       "Dimensions": [{"Name": "a", "Value": "1"}, {"Name": "a", "Value": "2"}]},
            "Period": 60, "Stat": "Sum"}}], "StartTime": _T0, "EndTime": _T1},
         "ValidationError", "must not contain duplicate names"),
        ({"MetricDataQueries": [{"Id": "m", "MetricStat": {
            "Metric": {"Namespace": NS, "MetricName": "X", "Dimensions": [{"Name": "a"}]}, "Period": 60,
            "Stat": "Sum"}}],
          "StartTime": _T0, "EndTime": _T1}, "ValidationError", "needs a Name and a Value"),
        ({"MetricDataQueries": [{"Id": "m",
                                 "MetricStat": {"Metric": {"Namespace": NS, "MetricName": "X"}, "Stat": "Sum"}}],
          "StartTime": _T0, "EndTime": _T1}, "ValidationError", "MetricStat.Period is required"),
        ({"MetricDataQueries": [{"Id": "m",
                                 "MetricStat": {"Metric": {"Namespace": NS, "MetricName": "X"}, "Period": 60}}],
          "StartTime": _T0, "EndTime": _T1}, "ValidationError", "MetricStat.Stat is required"),
        ({"MetricDataQueries": [mq("m", "X", {})
                                | {"MetricStat": mq("m", "X", {})["MetricStat"] | {"Unit": "Parsecs"}}],
          "StartTime": _T0, "EndTime": _T1}, "ValidationError", "The value Parsecs for parameter"),
        ({"MetricDataQueries": [{"Id": "e", "Expression": "1" + " + 1" * 700}], "StartTime": _T0, "EndTime": _T1},
         "ValidationError", "at most 2048 characters"),
        ({"MetricDataQueries": [{"Id": "e", "Expression": "1", "Period": 90}], "StartTime": _T0, "EndTime": _T1},
         "ValidationError", "member.1.Period must be 1, 5, 10, 20, 30"),
    ],
)
def test_get_metric_data_checks_what_the_sdk_does_not(emu, cw_raw, params, code, fragment):
    with pytest.raises(ClientError) as exc:
        cw_raw.get_metric_data(**params)
    got_code, msg, status = err(exc)
    assert (got_code, status) == (code, 400) and fragment in msg, msg


def test_max_datapoints_and_next_token(emu, cw):
    base = hour_floor(now_ts()) - 4 * 3600
    seed(emu, "InputTokenCount", {"ModelId": "pg"}, [(base + k * 60, k) for k in range(10)])
    seed(emu, "OutputTokenCount", {"ModelId": "pg"}, [(base + k * 60, 100 + k) for k in range(6)])
    queries = [mq("a", "InputTokenCount", {"ModelId": "pg"}, period=60),
               mq("b", "OutputTokenCount", {"ModelId": "pg"}, period=60)]
    window = {"StartTime": utc(base), "EndTime": utc(base + 3600)}
    full = by_id(cw.get_metric_data(MetricDataQueries=queries, **window))
    assert full["a"]["StatusCode"] == "Complete" and len(full["a"]["Values"]) == 10
    # default ScanBy is TimestampDescending
    assert full["a"]["Values"] == [float(k) for k in range(9, -1, -1)]

    pages = []
    token = None
    while True:
        kwargs = {"MaxDatapoints": 7, **window}
        if token:
            kwargs["NextToken"] = token
        page = cw.get_metric_data(MetricDataQueries=queries, **kwargs)
        pages.append(page)
        token = page.get("NextToken")
        if not token:
            break
    assert len(pages) == 3
    counts = [sum(len(r["Values"]) for r in p["MetricDataResults"]) for p in pages]
    assert counts == [7, 7, 2]
    assert by_id(pages[0])["a"]["StatusCode"] == "PartialData"
    assert by_id(pages[1])["a"]["StatusCode"] == "Complete"
    assert by_id(pages[1])["b"]["StatusCode"] == "PartialData"
    assert by_id(pages[2])["b"]["StatusCode"] == "Complete"
    for qid in ("a", "b"):
        joined = [v for p in pages for v in by_id(p)[qid]["Values"]]
        assert joined == full[qid]["Values"]

    with pytest.raises(ClientError) as exc:
        cw.get_metric_data(MetricDataQueries=queries, NextToken="not-a-token", **window)
    assert err(exc)[0] == "InvalidNextToken" and err(exc)[2] == 400
    # a token is only good for the query that produced it
    first = cw.get_metric_data(MetricDataQueries=queries, MaxDatapoints=3, **window)["NextToken"]
    with pytest.raises(ClientError) as exc:
        cw.get_metric_data(MetricDataQueries=queries[:1], NextToken=first, **window)
    assert err(exc)[0] == "InvalidNextToken"


def test_scan_by_ascending(emu, cw):
    base = hour_floor(now_ts()) - 4 * 3600
    seed(emu, "InputTokenCount", {"ModelId": "asc"}, [(base + k * 3600, k + 1) for k in range(3)])
    resp = cw.get_metric_data(
        MetricDataQueries=[mq("a", "InputTokenCount", {"ModelId": "asc"})],
        StartTime=utc(base), EndTime=utc(base + 3 * 3600), ScanBy="TimestampAscending",
    )
    r = by_id(resp)["a"]
    assert r["Values"] == [1.0, 2.0, 3.0]
    assert [epoch(t) for t in r["Timestamps"]] == [base, base + 3600, base + 7200]


def test_labels_default_explicit_and_dynamic(emu, cw):
    base = hour_floor(now_ts()) - 3 * 3600
    seed(emu, "InputTokenCount", {"ModelId": "lbl"}, [(base + 60, 5), (base + 3660, 7)])
    resp = cw.get_metric_data(
        MetricDataQueries=[
            mq("m1", "InputTokenCount", {"ModelId": "lbl"}),
            mq("m2", "InputTokenCount", {"ModelId": "lbl"}, Label="${PROP('Dim.ModelId')} total ${SUM}"),
            {"Id": "e1", "Expression": "m1 * 2"},
            {"Id": "e2", "Expression": "m1 * 3", "Label": "tripled"},
            {"Id": "e3", "Expression": "m1 / 8", "Label": "${SUM} ${LAST}"},
            mq("m3", "InputTokenCount", {"ModelId": "none"}, Label="[${SUM}]"),
        ],
        StartTime=utc(base), EndTime=utc(base + 2 * 3600),
    )
    res = by_id(resp)
    assert res["m1"]["Label"] == "InputTokenCount"
    assert res["m2"]["Label"] == "lbl total 12"
    assert res["e1"]["Label"] == "e1"
    assert res["e2"]["Label"] == "tripled"
    assert res["e3"]["Label"] == "1.5 ${LAST}"  # what the emulator does not render stays as written
    assert res["m3"]["Label"] == "[]"


def test_other_account_metrics_are_forbidden(emu, cw):
    base = hour_floor(now_ts()) - 3600
    seed(emu, "Invocations", {"ModelId": "acct"}, [(base + 60, 1)])
    resp = cw.get_metric_data(
        MetricDataQueries=[mq("mine", "Invocations", {"ModelId": "acct"}, AccountId="123456789012"),
                           mq("theirs", "Invocations", {"ModelId": "acct"}, AccountId="999999999999")],
        StartTime=utc(base), EndTime=utc(base + 3600),
    )
    res = by_id(resp)
    assert (res["mine"]["StatusCode"], res["mine"]["Values"]) == ("Complete", [1.0])
    assert (res["theirs"]["StatusCode"], res["theirs"]["Values"]) == ("Forbidden", [])


# ------------------------------------------------------------- metric math


def _cache_world(emu):
    base = hour_floor(now_ts()) - 6 * 3600
    d = {"ModelId": "cache"}
    # hour 0: in=60 read=30 write=10; hour 1: only read=50; hour 2: nothing; hour 3: in=0 read=0 write=0
    seed(emu, "InputTokenCount", d, [(base + 60, 60), (base + 3 * 3600 + 60, 0)])
    seed(emu, "CacheReadInputTokenCount", d, [(base + 60, 30), (base + 3600 + 60, 50), (base + 3 * 3600 + 60, 0)])
    seed(emu, "CacheWriteInputTokenCount", d, [(base + 60, 10), (base + 3 * 3600 + 60, 0)])
    queries = [
        mq("m1", "InputTokenCount", d, ReturnData=False),
        mq("m2", "CacheReadInputTokenCount", d, ReturnData=False),
        mq("m3", "CacheWriteInputTokenCount", d, ReturnData=False),
    ]
    return base, queries


def test_cache_hit_ratio_expressions(emu, cw):
    base, queries = _cache_world(emu)
    exprs = [
        {"Id": "fill", "Expression": "100 * FILL(m2,0) / (FILL(m1,0) + FILL(m2,0) + FILL(m3,0))", "Label": "hit %"},
        {"Id": "guard", "Expression": "IF((m1 + m2 + m3) > 0, m2 / (m1 + m2 + m3), 0)"},
        {"Id": "total", "Expression": "SUM([m1, m2, m3])"},
        {"Id": "filled", "Expression": "FILL(m1, 0)"},
    ]
    resp = cw.get_metric_data(
        MetricDataQueries=queries + exprs,
        StartTime=utc(base), EndTime=utc(base + 4 * 3600), ScanBy="TimestampAscending",
    )
    res = by_id(resp)
    assert set(res) == {"fill", "guard", "total", "filled"}  # ReturnData=False hides inputs
    h = [base + k * 3600 for k in range(4)]
    assert series(res["fill"]) == {h[0]: 30.0, h[1]: 100.0}  # 0/0 in hour 3 gives no point; hour 2 0/0 too
    assert res["fill"]["Label"] == "hit %"
    # plain arithmetic needs all of m1, m2, m3: only hours 0 and 3 exist, hour 3 -> guard picks 0
    assert series(res["guard"]) == {h[0]: 0.3, h[3]: 0.0}
    assert series(res["total"]) == {h[0]: 100.0, h[1]: 50.0, h[3]: 0.0}
    assert series(res["filled"]) == {h[0]: 60.0, h[1]: 0.0, h[2]: 0.0, h[3]: 0.0}


def test_expression_arithmetic_and_functions(emu, cw):
    base = hour_floor(now_ts()) - 5 * 3600
    seed(emu, "A", {"k": "v"}, [(base + 60, 10), (base + 3660, 20), (base + 7260, 30)], namespace="Math")
    seed(emu, "B", {"k": "v"}, [(base + 60, 4), (base + 3660, 0)], namespace="Math")
    q = [mq("a", "A", {"k": "v"}, namespace="Math", ReturnData=False),
         mq("b", "B", {"k": "v"}, namespace="Math", ReturnData=False),
         mq("c", "C", {"k": "v"}, namespace="Math", ReturnData=False),
         {"Id": "e", "Expression": "a * 1", "ReturnData": False},
         {"Id": "twoh", "Expression": "SUM(a)", "Period": 7200}]
    exprs = {
        "add": "a + b", "sub": "a - b", "mul": "a * b", "div": "a / b", "scal": "2 * a + 1",
        "neg": "-a", "pw": "b ^ 2", "nest": "add * 10", "fsum": "SUM(METRICS())", "avgs": "AVG(a)",
        "mx": "MAX([a, b])", "ab": "ABS(b - a)", "cmp": "a >= 20", "lg": "a > 15 AND b == 0",
        "rep": "FILL(b, REPEAT)", "ifs": "IF(b, a)", "orn": "a < 15 || NOT b", "upl": "+a",
        "absn": "ABS(-2)", "sumts": "SUM(a)", "minb": "MIN(b)", "maxa": "MAX(a)", "mina": "MIN([a, b])",
        "avga": "AVG([a, b])", "suma": "SUM([a, b])", "ifsc": "IF(1 > 2, 5)", "ifts": "IF(a > 15, a, 0)",
        "big": "a ^ 1000", "nest2": "SUM([METRICS('a'), b])", "sum2": "SUM(2)", "sumc": "SUM(c)",
        "per": "SUM(a) + SUM(e)",
    }
    resp = cw.get_metric_data(
        MetricDataQueries=q + [{"Id": k, "Expression": v} for k, v in exprs.items()],
        StartTime=utc(base), EndTime=utc(base + 4 * 3600),
    )
    res = {k: series(v) for k, v in by_id(resp).items()}
    h0, h1, h2, h3 = (base + k * 3600 for k in range(4))
    assert res["add"] == {h0: 14.0, h1: 20.0}
    assert res["sub"] == {h0: 6.0, h1: 20.0}
    assert res["mul"] == {h0: 40.0, h1: 0.0}
    assert res["div"] == {h0: 2.5}  # 20/0 has no datapoint
    assert res["scal"] == {h0: 21.0, h1: 41.0, h2: 61.0}
    assert res["neg"] == {h0: -10.0, h1: -20.0, h2: -30.0}
    assert res["pw"] == {h0: 16.0, h1: 0.0}
    assert res["nest"] == {h0: 140.0, h1: 200.0}
    assert res["fsum"] == {h0: 14.0, h1: 20.0, h2: 30.0}
    assert res["avgs"] == {h0: 20.0, h1: 20.0, h2: 20.0, h3: 20.0}  # scalar drawn over the grid
    assert res["mx"] == {h0: 10.0, h1: 20.0, h2: 30.0}
    assert res["ab"] == {h0: 6.0, h1: 20.0}
    assert res["cmp"] == {h0: 0.0, h1: 1.0, h2: 1.0}
    assert res["lg"] == {h0: 0.0, h1: 1.0}
    assert res["rep"] == {h0: 4.0, h1: 0.0, h2: 0.0, h3: 0.0}
    assert res["ifs"] == {h0: 10.0}
    assert res["orn"] == {h0: 1.0, h1: 1.0}
    assert res["upl"] == {h0: 10.0, h1: 20.0, h2: 30.0}
    grid = {h0: 0.0, h1: 0.0, h2: 0.0, h3: 0.0}
    assert res["absn"] == dict.fromkeys(grid, 2.0)
    assert res["sumts"] == dict.fromkeys(grid, 60.0)
    assert res["minb"] == grid and res["maxa"] == dict.fromkeys(grid, 30.0)
    assert res["mina"] == {h0: 4.0, h1: 0.0, h2: 30.0}
    assert res["avga"] == {h0: 7.0, h1: 10.0, h2: 30.0}
    assert res["suma"] == {h0: 14.0, h1: 20.0, h2: 30.0}
    assert res["ifsc"] == {}  # IF(false, x) without an else has no value: nothing drawn
    assert res["ifts"] == {h0: 0.0, h1: 20.0, h2: 30.0}
    assert res["big"] == {}  # overflow is not a finite value
    assert res["nest2"] == res["suma"]  # an array inside an array is flattened
    assert res["sum2"] == dict.fromkeys(grid, 2.0)
    assert res["sumc"] == {}  # SUM of a series without data has no value
    assert res["per"] == dict.fromkeys(grid, 120.0)  # period found through the expression e
    assert res["twoh"] == {h0: 60.0, h2: 60.0}  # a scalar drawn over its own Period


def test_expression_array_results(emu, cw):
    base = hour_floor(now_ts()) - 5 * 3600
    seed(emu, "A", {"k": "v"}, [(base + 60, 10), (base + 7260, 30)], namespace="Math")
    seed(emu, "B", {"k": "v"}, [(base + 60, 4)], namespace="Math")
    q = [mq("a", "A", {"k": "v"}, namespace="Math", ReturnData=False),
         mq("b", "B", {"k": "v"}, namespace="Math", ReturnData=False)]
    resp = cw.get_metric_data(
        MetricDataQueries=q + [{"Id": "arr", "Expression": "FILL(-[a, b] * 2, 0)"},
                               {"Id": "arr2", "Expression": "1 + ABS([b])"}],
        StartTime=utc(base), EndTime=utc(base + 3 * 3600),
    )
    h0, h1, h2 = (base + k * 3600 for k in range(3))
    got = [(r["Id"], r["Label"], series(r)) for r in resp["MetricDataResults"]]
    assert got == [
        ("arr", "A", {h0: -20.0, h1: 0.0, h2: -60.0}),
        ("arr", "B", {h0: -8.0, h1: 0.0, h2: 0.0}),
        ("arr2", "B", {h0: 5.0}),
    ]


@pytest.mark.parametrize(
    "expression, fragment",
    [
        ("SEARCH('{AWS/Bedrock,ModelId} MetricName=\"Invocations\"', 'Sum', 300)", "SEARCH is not supported"),
        ("ANOMALY_DETECTION_BAND(m1, 2)", "ANOMALY_DETECTION_BAND is not supported"),
        ("SELECT SUM(Invocations) FROM \"AWS/Bedrock\"", "Metrics Insights"),
        ("m1 + m9", "unknown metric id m9"),
        ("m1 +", "unexpected end of expression"),
        ("FOO(m1)", "unknown function FOO"),
        ("e1 * 2", "reference itself"),
        ("m1 $ 2", "unexpected character '$' at position 4"),
        ("(m1", "expected ')' but found 'end of expression'"),
        ("m1 m1", "unexpected 'm1'"),
        ("Foo", "unrecognized identifier 'Foo'"),
        (")", "unexpected ')'"),
        ("'x'", "a string is only allowed as an argument of METRICS()"),
        ("REPEAT", "REPEAT is only allowed where the function expects it"),
        ("[m1, 1]", "an array may only contain time series"),
        ("METRICS(1)", "METRICS() takes no argument or one string"),
        ("FILL(m1)", "FILL takes 2 arguments"),
        ("FILL(m1, [m1])", "the FILL value must be a number or REPEAT"),
        ("FILL(m1, LINEAR)", "the FILL value must be a number or REPEAT"),
        ("FILL(1, 0)", "FILL takes a time series or an array of time series"),
        ("SUM(m1, m1)", "SUM takes 1 argument"),
        ("SUM(METRICS('zzz'))", "SUM of an empty array"),
        ("IF(m1)", "IF takes 2 or 3 arguments"),
        ("IF([m1], 1)", "IF does not take arrays of time series"),
        ("ABS()", "ABS takes 1 argument"),
        ("PERIOD(m1)", "the function PERIOD is not supported"),
    ],
)
def test_unsupported_or_wrong_expressions_are_errors(emu, cw, expression, fragment):
    base = hour_floor(now_ts())
    with pytest.raises(ClientError) as exc:
        cw.get_metric_data(
            MetricDataQueries=[mq("m1", "Invocations", {}), {"Id": "e1", "Expression": expression}],
            StartTime=utc(base - 3600), EndTime=utc(base),
        )
    code, msg, status = err(exc)
    assert (code, status) == ("ValidationError", 400)
    assert fragment in msg


def test_expression_cycle_is_an_error(emu, cw):
    base = hour_floor(now_ts())
    with pytest.raises(ClientError) as exc:
        cw.get_metric_data(
            MetricDataQueries=[{"Id": "e1", "Expression": "e2 + 1"}, {"Id": "e2", "Expression": "e1 + 1"}],
            StartTime=utc(base - 3600), EndTime=utc(base),
        )
    assert err(exc)[0] == "ValidationError" and "Circular" in err(exc)[1]


# ----------------------------------------------------- seeding round trip


def test_put_datapoints_round_trip(emu, cw):
    now = now_ts()
    day0 = math.floor(now / 86400) * 86400 - 30 * 86400  # 30 daily buckets, older than two weeks
    dims = {"ModelId": "seeded"}
    points = [(day0 + d * 86400 + 3600, [100.0, 200.0]) for d in range(30)]
    points.append((day0 + 86400 + 7200, 700.0))
    assert seed(emu, "InputTokenCount", dims, points) == 31
    assert seed(emu, "InputTokenCount", dims, [(day0, [])]) == 0
    resp = cw.get_metric_data(
        MetricDataQueries=[mq("s", "InputTokenCount", dims, period=86400),
                           mq("n", "InputTokenCount", dims, period=86400, stat="SampleCount"),
                           mq("p", "InputTokenCount", dims, period=86400, stat="p50")],
        StartTime=utc(day0), EndTime=utc(day0 + 30 * 86400), ScanBy="TimestampAscending",
    )
    res = by_id(resp)
    assert len(res["s"]["Values"]) == 30
    assert [epoch(t) for t in res["s"]["Timestamps"]] == [day0 + d * 86400 for d in range(30)]
    assert res["s"]["Values"][0] == 300.0 and res["s"]["Values"][1] == 1000.0
    assert res["n"]["Values"][1] == 3.0
    assert res["p"]["Values"][1] == 200.0
    metrics = cw.list_metrics(Namespace=NS, MetricName="InputTokenCount")["Metrics"]
    assert metrics == [{"Namespace": NS, "MetricName": "InputTokenCount",
                        "Dimensions": [{"Name": "ModelId", "Value": "seeded"}]}]


def test_put_datapoints_route_takes_iso_timestamps_and_refuses_bad_series(emu, cw):
    t = hour_floor(now_ts()) - 3600
    assert seed(emu, "Iso", {}, [(utc(t + 60).isoformat().replace("+00:00", "Z"), 4.0)]) == 1
    resp = cw.get_metric_data(MetricDataQueries=[mq("m", "Iso", {})], StartTime=utc(t), EndTime=utc(t + 3600))
    assert by_id(resp)["m"]["Values"] == [4.0]
    good = {"namespace": NS, "metric_name": "X", "points": [[t, 1.0]]}
    for bad in [dict(good, namespace=""), dict(good, dimensions={f"d{i}": "v" for i in range(31)}),
                dict(good, unit="Parsecs"), dict(good, points=[[True, 1.0]]), dict(good, points=[[None, 1.0]])]:
        with pytest.raises(urllib.error.HTTPError) as exc:
            emu.control("POST", "/_emu/cloudwatch/datapoints", bad)
        assert exc.value.code == 400, bad


def test_put_datapoints_helper_in_process():
    """The Python entry point the usage seeder calls (no HTTP involved)."""
    from moto.cloudwatch.models import cloudwatch_backends

    cwmod.install()
    acct = "210987654321"
    t = dt.datetime(2026, 1, 1, 12, 0, 30)  # naive = UTC; seconds are floored to the minute
    n = cwmod.put_datapoints(acct, "eu-west-1", NS, "OutputTokenCount", {"ModelId": "x"},
                             [(t, 5.0), (t + dt.timedelta(minutes=1), [1.0, 2.0, 3.0])], unit="Count")
    assert n == 2
    store = cwmod._store(cloudwatch_backends[acct]["eu-west-1"])
    s = store.get(NS, "OutputTokenCount", [("ModelId", "x")])
    assert s.ts == [epoch(t.replace(second=0, tzinfo=UTC)), epoch(t.replace(second=0, tzinfo=UTC)) + 60]
    out = cwmod.get_metric_data(
        lambda a: store,
        {"MetricDataQueries": [mq("m", "OutputTokenCount", {"ModelId": "x"}, period=3600)],
         "StartTime": t.replace(minute=0, second=0), "EndTime": t.replace(minute=0, second=0) + dt.timedelta(hours=1)},
        now=epoch(t.replace(tzinfo=UTC)) + 3600,
    )
    assert out["MetricDataResults"][0]["Values"] == [11.0]
    with pytest.raises(ValueError):
        cwmod.put_datapoints(acct, "eu-west-1", NS, "X", {}, [(t, float("nan"))])


def test_1200_queries_over_150k_datapoints_answer_every_series(emu):
    # Speed is measured by scripts/bench, not asserted here.
    now = now_ts()
    day0 = math.floor(now / 86400) * 86400 - 30 * 86400
    names = ["InputTokenCount", "OutputTokenCount", "CacheReadInputTokenCount", "CacheWriteInputTokenCount"]
    batch = [
        {"namespace": NS, "metric_name": m, "dimensions": {"ModelId": f"perf{p:03d}"},
         "points": [[day0 + k * 6900 + 60, float(k % 17)] for k in range(375)]}
        for p in range(100) for m in names
    ]
    assert emu.control("POST", "/_emu/cloudwatch/datapoints", {"series": batch})["stored"] == 150_000
    queries = [mq(f"q{i}", m, {"ModelId": f"perf{p:03d}"}, period=86400, stat=s)
               for i, (p, m, s) in enumerate((p, m, s) for p in range(100) for m in names
                                             for s in ("Sum", "SampleCount", "Average"))]
    assert len(queries) == 1200
    bodies = [cbor_request({"MetricDataQueries": queries[i:i + 500], "StartTime": utc(day0),
                            "EndTime": utc(day0 + 30 * 86400)}, "GetMetricData") for i in range(0, 1200, 500)]
    values = 0
    for body in bodies:
        status, _, data = raw_cbor(emu, "GetMetricData", body=body)
        assert status == 200
        doc = cloudwatch_cbor.decode_cbor(data)
        values += sum(len(r["Values"]) for r in doc["MetricDataResults"])
    assert values == 1200 * 30


# ------------------------------------------------------------ ListMetrics


def test_list_metrics_filters_and_pagination(emu, cw):
    t = utc(now_ts() - 600)
    for chunk in range(2):
        cw.put_metric_data(Namespace=NS, MetricData=[
            {"MetricName": "Invocations", "Dimensions": [{"Name": "ModelId", "Value": f"m{chunk * 1000 + i:04d}"}],
             "Value": 1.0, "Timestamp": t} for i in range(550)])
    cw.put_metric_data(Namespace=NS, MetricData=[
        {"MetricName": "InputTokenCount",
         "Dimensions": [{"Name": "ModelId", "Value": "m0000"}, {"Name": "Tier", "Value": "x"}], "Value": 1.0},
        {"MetricName": "InputTokenCount", "Value": 1.0},
    ])
    cw.put_metric_data(Namespace="Other", MetricData=[
        {"MetricName": "Invocations", "Dimensions": [{"Name": "ModelId", "Value": "m0000"}], "Value": 1.0}])

    pages = list(cw.get_paginator("list_metrics").paginate(Namespace=NS, MetricName="Invocations"))
    assert [len(p["Metrics"]) for p in pages] == [500, 500, 100]
    names = {m["Dimensions"][0]["Value"] for p in pages for m in p["Metrics"]}
    assert len(names) == 1100
    only = cw.list_metrics(Namespace=NS, Dimensions=[{"Name": "ModelId", "Value": "m0000"}])["Metrics"]
    assert sorted((m["MetricName"], len(m["Dimensions"])) for m in only) == [("InputTokenCount", 2), ("Invocations", 1)]
    tier = cw.list_metrics(Dimensions=[{"Name": "Tier"}])["Metrics"]
    assert [m["MetricName"] for m in tier] == ["InputTokenCount"]
    other = cw.list_metrics(Namespace="Other")["Metrics"]
    assert len(other) == 1 and other[0]["Namespace"] == "Other"
    with pytest.raises(ClientError) as exc:
        cw.list_metrics(Namespace=NS, NextToken="garbage")
    assert err(exc)[0] == "InvalidParameterValue"


# ----------------------------------------------------------- PutMetricData


def _datum(**kw):
    d = {"MetricName": "Invocations", "Dimensions": [{"Name": "ModelId", "Value": "lim"}], "Value": 1.0}
    d.update(kw)
    return d


@pytest.mark.parametrize(
    "data, code, fragment",
    [
        ([_datum() for _ in range(1001)], "InvalidParameterValue", "must not have a size greater than 1000"),
        ([_datum(Value=2.0**361)], "InvalidParameterValue", "MetricData.member.1.Value is invalid"),
        ([_datum(Value=None, Values=[1.0] * 151)], "InvalidParameterValue",
         "Values must not have a size greater than 150"),
        ([_datum(Value=None, Values=[1.0, 2.0], Counts=[1.0])], "InvalidParameterValue", "must be of the same size"),
        ([_datum(Values=[1.0])], "InvalidParameterValue", "mutually exclusive"),
        ([_datum(StatisticValues={"SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1})],
         "InvalidParameterCombination", "mutually exclusive"),
        ([_datum(Timestamp=dt.datetime.now(UTC) - dt.timedelta(days=15))], "InvalidParameterValue",
         "within the past two weeks"),
        ([_datum(Timestamp=dt.datetime.now(UTC) + dt.timedelta(hours=3))], "InvalidParameterValue",
         "two hours in the future"),
        ([_datum(Dimensions=[{"Name": f"d{i}", "Value": "v"} for i in range(31)])], "InvalidParameterValue",
         "greater than 30"),
        ([_datum(StorageResolution=5)], "InvalidParameterValue", "StorageResolution"),
        ([_datum(Value=None)], "MissingParameter", "At least one of the parameters"),
        ([_datum(MetricName="m" * 256)], "ValidationError", "length less than or equal to 255"),
        ([_datum(Dimensions=[{"Name": "a"}])], "MissingParameter", "Dimensions.member.1.Value is required"),
        ([_datum(Unit="Parsecs")], "ValidationError", "Member must satisfy enum value set"),
        ([_datum(Value=None, Counts=[1.0])], "InvalidParameterCombination", "Counts requires"),
        ([_datum(Value=None, Values=[1.0], Counts=[-1.0])], "InvalidParameterValue", "Counts is invalid"),
        ([_datum(Value=None, StatisticValues={"SampleCount": 1, "Sum": 1, "Minimum": 1})], "MissingParameter",
         "StatisticValues.Maximum is required"),
        ([_datum(Value=None, StatisticValues={"SampleCount": 0, "Sum": 1, "Minimum": 1, "Maximum": 1})],
         "InvalidParameterValue", "SampleCount is invalid"),
        ([_datum(Value=None, StatisticValues={"SampleCount": 1, "Sum": 1, "Minimum": 2, "Maximum": 1})],
         "InvalidParameterValue", "must be greater than or equal to"),
        ([], "MissingParameter", "The parameter MetricData is required."),
        (":bad", "InvalidParameterValue", "for parameter Namespace is invalid"),
    ],
)
def test_put_metric_data_limits(emu, cw_raw, data, code, fragment):
    namespace = NS
    if isinstance(data, str):
        namespace, data = data, [_datum()]
    data = [{k: v for k, v in d.items() if v is not None} for d in data]
    with pytest.raises(ClientError) as exc:
        cw_raw.put_metric_data(Namespace=namespace, MetricData=data)
    got_code, msg, status = err(exc)
    assert (got_code, status) == (code, 400)
    assert fragment in msg
    # nothing was stored by the rejected call
    assert cw_raw.list_metrics()["Metrics"] == []


def test_unit_filter_applies_to_every_statistic(emu, cw):
    base = hour_floor(now_ts()) - 2 * 3600
    seed(emu, "Lat", {"k": "u"}, [(base + 60, [1.0, 3.0])], unit="Milliseconds")
    seed(emu, "Lat", {"k": "u"}, [(base + 120, 100.0)], unit="Seconds")
    queries = [mq(stat.lower().replace(".", ""), "Lat", {"k": "u"}, stat=stat, ReturnData=True)
               for stat in ("Sum", "SampleCount", "Average", "Minimum", "Maximum", "p50")]
    for q in queries:
        q["MetricStat"]["Unit"] = "Milliseconds"
    resp = cw.get_metric_data(MetricDataQueries=queries, StartTime=utc(base), EndTime=utc(base + 3600))
    assert {r["Id"]: r["Values"] for r in resp["MetricDataResults"]} == {
        "sum": [4.0], "samplecount": [2.0], "average": [2.0], "minimum": [1.0], "maximum": [3.0], "p50": [1.0]}


def test_high_resolution_data_and_short_periods(emu, cw):
    now = now_ts()
    t = math.floor(now / 60) * 60 - 120  # on a minute boundary: both queries see one bucket of data
    cw.put_metric_data(Namespace=NS, MetricData=[
        _datum(Value=1.0, Timestamp=utc(t), StorageResolution=1),
        _datum(Value=2.0, Timestamp=utc(t + 1.5), StorageResolution=1),
        # a statistic set of one repeated value is raw data: percentiles see it
        {k: v for k, v in _datum(StatisticValues={"SampleCount": 2, "Sum": 10, "Minimum": 5, "Maximum": 5},
                                 Timestamp=utc(t), StorageResolution=1).items() if k != "Value"}])
    resp = cw.get_metric_data(MetricDataQueries=[mq("s", "Invocations", {"ModelId": "lim"}, period=1, stat="Sum"),
                                                 mq("p", "Invocations", {"ModelId": "lim"}, period=60, stat="p99")],
                              StartTime=utc(t - 1), EndTime=utc(t + 10), ScanBy="TimestampAscending")
    res = by_id(resp)
    assert res["s"]["Values"] == [11.0, 2.0]  # per second, not per minute
    assert res["p"]["Values"] == [5.0]
    old = now - 4 * 3600  # periods under a minute serve the last 3 hours only
    seed(emu, "Invocations", {"ModelId": "old"}, [(old, 1.0)])
    resp = cw.get_metric_data(MetricDataQueries=[mq("s", "Invocations", {"ModelId": "old"}, period=10)],
                              StartTime=utc(old - 60), EndTime=utc(old + 60))
    assert by_id(resp)["s"]["Values"] == []
    older = now - 20 * 86400  # past 15 days a period must be a multiple of 5 minutes
    seed(emu, "Invocations", {"ModelId": "older"}, [(older, 1.0)])
    resp = cw.get_metric_data(MetricDataQueries=[mq("s", "Invocations", {"ModelId": "older"}, period=60)],
                              StartTime=utc(older - 600), EndTime=utc(older + 600))
    assert by_id(resp)["s"]["Values"] == []


def test_a_next_token_past_the_end_is_invalid(emu, cw):
    base = hour_floor(now_ts()) - 3 * 3600
    seed(emu, "Invocations", {"ModelId": "tok"}, [(base + 60, 1), (base + 3660, 2)])
    kwargs = dict(MetricDataQueries=[mq("m", "Invocations", {"ModelId": "tok"})], StartTime=utc(base),
                  EndTime=utc(base + 3 * 3600))
    token = cw.get_metric_data(MaxDatapoints=1, **kwargs)["NextToken"]
    doc = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    doc["o"] = 99
    past = base64.urlsafe_b64encode(json.dumps(doc).encode()).decode()
    with pytest.raises(ClientError) as exc:
        cw.get_metric_data(NextToken=past, **kwargs)
    assert err(exc)[0] == "InvalidNextToken"


def test_query_protocol_get_metric_data(emu):
    """boto3 and the CLI v1 speak awsJson1.0 and the SDK CBOR; the query protocol still answers."""
    base = hour_floor(now_ts()) - 2 * 3600
    seed(emu, "Invocations", {"ModelId": "q"}, [(base + 60, 3)])
    form = {
        "Action": "GetMetricData", "Version": "2010-08-01",
        "MetricDataQueries.member.1.Id": "m",
        "MetricDataQueries.member.1.MetricStat.Metric.Namespace": NS,
        "MetricDataQueries.member.1.MetricStat.Metric.MetricName": "Invocations",
        "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name": "ModelId",
        "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value": "q",
        "MetricDataQueries.member.1.MetricStat.Period": "3600",
        "MetricDataQueries.member.1.MetricStat.Stat": "Sum",
        "StartTime": utc(base).isoformat(), "EndTime": utc(base + 3600).isoformat(),
    }
    from urllib.parse import urlencode

    status, _, body = raw_post(emu, "/", urlencode(form).encode(),
                               {"Content-Type": "application/x-www-form-urlencoded", "Authorization": AUTH})
    assert status == 200
    text = body.decode()
    assert "<GetMetricDataResponse" in text and "<member>3.0</member>" in text
    assert utc(base).strftime("%Y-%m-%dT%H:%M:%S") in text


def test_put_metric_data_values_with_zero_counts_store_nothing(emu, cw):
    datum = {k: v for k, v in _datum(Values=[5.0], Counts=[0.0]).items() if k != "Value"}
    cw.put_metric_data(Namespace=NS, MetricData=[datum])
    assert cw.list_metrics(Namespace=NS)["Metrics"] == []


def test_put_metric_data_1000_datums_accepted(emu, cw):
    cw.put_metric_data(Namespace=NS, MetricData=[_datum(Value=float(i)) for i in range(1000)])
    base = hour_floor(now_ts())
    resp = cw.get_metric_data(MetricDataQueries=[mq("m", "Invocations", {"ModelId": "lim"}, period=7200,
                                                    stat="SampleCount")],
                              StartTime=utc(base - 3600), EndTime=utc(base + 3600))
    assert by_id(resp)["m"]["Values"] == [1000.0]


def test_get_metric_statistics_is_refused_not_answered_empty(emu, cw):
    # aipctl reads metrics with GetMetricData only; moto's own handler would
    # answer from a list the emulator no longer writes.
    base = hour_floor(now_ts()) - 3 * 3600
    seed(emu, "InvocationLatency", {"ModelId": "gms"}, [(base + 60, 1.0)])
    with pytest.raises(ClientError) as exc:
        cw.get_metric_statistics(Namespace=NS, MetricName="InvocationLatency", StartTime=utc(base),
                                 EndTime=utc(base + 3600), Period=3600, Statistics=["Sum"])
    assert err(exc)[0] == "InvalidAction" and "use GetMetricData" in err(exc)[1]


# --------------------------------------------------------------- dashboards


def metric_widget(metrics, **props):
    p = {"region": "us-east-1", "metrics": metrics}
    p.update(props)
    return {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6, "properties": p}


GOOD_BODY = {
    "widgets": [
        {"type": "text", "x": 0, "y": 0, "width": 24, "height": 2, "properties": {"markdown": "Generated by aipctl"}},
        metric_widget([
            [{"expression": "100 * FILL(m2,0) / (FILL(m1,0) + FILL(m2,0) + FILL(m3,0))", "label": "hit %", "id": "e1"}],
            [NS, "InputTokenCount", "ModelId", "p24qm5pye2qr", {"id": "m1", "visible": False}],
            [".", "CacheReadInputTokenCount", ".", ".", {"id": "m2", "visible": False}],
            [".", "CacheWriteInputTokenCount", ".", ".", {"id": "m3", "visible": False, "color": "#1f77b4"}],
            ["...", "other-profile", {"stat": "p99"}],
            ["...", {"yAxis": "right"}],
        ], period=300, stat="Sum", view="timeSeries", stacked=True, title="Cache"),
    ]
}


def test_dashboard_crud_is_global_and_validated_ok(emu, cw):
    out = cw.put_dashboard(DashboardName="aip-Marketing_1", DashboardBody=json.dumps(GOOD_BODY))
    assert out["DashboardValidationMessages"] == []
    other_region = emu.client("cloudwatch", region="eu-west-1")
    got = other_region.get_dashboard(DashboardName="aip-Marketing_1")
    assert json.loads(got["DashboardBody"]) == GOOD_BODY
    assert got["DashboardArn"] == "arn:aws:cloudwatch::123456789012:dashboard/aip-Marketing_1"
    cw.put_dashboard(DashboardName="other", DashboardBody=json.dumps({"widgets": []}))
    entries = cw.list_dashboards(DashboardNamePrefix="aip-")["DashboardEntries"]
    assert [e["DashboardName"] for e in entries] == ["aip-Marketing_1"]
    assert entries[0]["Size"] == len(json.dumps(GOOD_BODY))
    assert len(cw.list_dashboards()["DashboardEntries"]) == 2
    other_region.delete_dashboards(DashboardNames=["aip-Marketing_1"])
    with pytest.raises(ClientError) as exc:
        cw.get_dashboard(DashboardName="aip-Marketing_1")
    assert err(exc)[0] == "ResourceNotFound" and err(exc)[2] == 404
    with pytest.raises(ClientError) as exc:
        cw.delete_dashboards(DashboardNames=["other", "missing-one"])
    assert err(exc)[0] == "ResourceNotFound" and err(exc)[2] == 404 and "missing-one" in err(exc)[1]
    assert cw.list_dashboards()["DashboardEntries"] == []  # the existing one was still deleted


def test_list_dashboards_paginates_at_1000():
    """In-process (moto's mock with our handlers): 1001 PutDashboard calls are
    cheaper here than over HTTP."""
    from moto import mock_aws

    cwmod.install()
    body = json.dumps({"widgets": []})
    with mock_aws():
        cw = boto3.client("cloudwatch", region_name="us-east-1")
        for i in range(1001):
            cw.put_dashboard(DashboardName=f"d{i:04d}", DashboardBody=body)
        first = cw.list_dashboards()
        assert len(first["DashboardEntries"]) == 1000 and "NextToken" in first
        second = cw.list_dashboards(NextToken=first["NextToken"])
        assert [e["DashboardName"] for e in second["DashboardEntries"]] == ["d1000"]
        assert "NextToken" not in second
        with pytest.raises(ClientError) as exc:
            cw.list_dashboards(NextToken=first["NextToken"], DashboardNamePrefix="d1")
        assert err(exc)[0] == "InvalidParameterValue"


def _bad(body):
    return json.dumps(body) if not isinstance(body, str) else body


@pytest.mark.parametrize(
    "body, expected",
    [
        ("{not json", [("", "Should be valid JSON")]),
        ([1, 2], [("", "Should be object")]),
        ({"start": "-PT6H"}, [("", "Should have required property 'widgets'")]),
        ({"widgets": 5}, [("/widgets", "Should be array")]),
        ({"widgets": [{"type": "text", "properties": {"markdown": "x"}}] * 501},
         [("/widgets", "Should NOT have more than 500 items")]),
        ({"widgets": [{"type": "graph", "properties": {}}]},
         [("/widgets/0/type", "Should be equal to one of the allowed values")]),
        ({"widgets": [{"properties": {}}]}, [("/widgets/0", "Should have required property 'type'")]),
        ({"widgets": [{"type": "text", "x": 24, "width": 0, "height": 1001, "properties": {"markdown": "x"}}]},
         [("/widgets/0/x", "Should be <= 23"), ("/widgets/0/width", "Should be >= 1"),
          ("/widgets/0/height", "Should be <= 1000")]),
        ({"widgets": [{"type": "text", "x": 1.5, "properties": {"markdown": "x"}}]},
         [("/widgets/0/x", "Should be integer")]),
        ({"widgets": [{"type": "text", "properties": {}}]},
         [("/widgets/0/properties", "Should have required property 'markdown'")]),
        ({"widgets": [{"type": "metric", "properties": {"metrics": [[NS, "Invocations"]]}}]},
         [("/widgets/0/properties", "Should have required property 'region'")]),
        ({"widgets": [{"type": "metric", "properties": {"region": "us-east-1"}}]},
         [("/widgets/0/properties", "Should have required property 'metrics'")]),
        ({"widgets": [metric_widget([NS])]},
         [("/widgets/0/properties/metrics/0", "Should be array"),
          ("/widgets/0/properties/metrics/0",
           'Field "metrics" has to be an array of array of strings, with an optional metricRenderer object as last '
           'element')]),
        ({"widgets": [metric_widget([[NS, "Invocations", "ModelId"]])]},
         [("/widgets/0/properties/metrics/0", "Dimensions must be given as name/value pairs")]),
        ({"widgets": [metric_widget([[".", "Invocations"]])]},
         [("/widgets/0/properties/metrics/0/0", "'.' has no value at this position in the previous metric row")]),
        ({"widgets": [metric_widget([["...", "x"]])]},
         [("/widgets/0/properties/metrics/0/0", "'...' needs a previous metric row to repeat")]),
        ({"widgets": [metric_widget([[NS, "Invocations", {"color": "red"}]])]},
         [("/widgets/0/properties/metrics/0/2/color", 'Should match pattern "^#[0-9a-fA-F]{6}$"')]),
        ({"widgets": [metric_widget([[NS, 5]])]},
         [("/widgets/0/properties/metrics/0/1", "Should be string"),
          ("/widgets/0/properties/metrics/0",
           'Field "metrics" has to be an array of array of strings, with an optional metricRenderer object as last '
           'element')]),
        ({"widgets": [metric_widget([[{"expression": "m1 / m2", "id": "e1"}], [NS, "Invocations", {"id": "m1"}]])]},
         [("/widgets/0/properties/metrics/0/0/expression", "Unrecognized metric id 'm2' in expression")]),
        ({"widgets": [metric_widget([[NS, "A", {"id": "m1"}], [NS, "B", {"id": "m1"}]])]},
         [("/widgets/0/properties/metrics/1/2/id",
           "Duplicate id 'm1' in metrics (first defined at /widgets/0/properties/metrics/0/2)")]),
        ({"widgets": [metric_widget([[NS, "A", {"id": "M1"}]])]},
         [("/widgets/0/properties/metrics/0/2/id", 'Should match pattern "^[a-z][a-zA-Z0-9_]*$"')]),
        ({"widgets": [metric_widget([[NS, "A"]] * 501)]},
         [("/widgets/0/properties/metrics", "Should NOT have more than 500 items")]),
        ({"widgets": [], "variables": [{}] * 26}, [("/variables", "Should NOT have more than 25 items")]),
        ({"widgets": [5]}, [("/widgets/0", "Should be object")]),
        ({"widgets": [{"type": "metric"}]}, [("/widgets/0", "Should have required property 'properties'")]),
        ({"widgets": [{"type": "text", "properties": []}]}, [("/widgets/0/properties", "Should be object")]),
        ({"widgets": [metric_widget([[NS, "A"]], title=5, period="300", legend={"position": "top"})]},
         [("/widgets/0/properties/title", "Should be string"), ("/widgets/0/properties/period", "Should be integer"),
          ("/widgets/0/properties/legend/position", "Should be equal to one of the allowed values")]),
        ({"widgets": [metric_widget("x")]}, [("/widgets/0/properties/metrics", "Should be array")]),
        ({"widgets": [metric_widget([[]])]},
         [("/widgets/0/properties/metrics/0", "Should NOT have fewer than 1 items")]),
        ({"widgets": [metric_widget([[{"id": "m1"}]])]},
         [("/widgets/0/properties/metrics/0", "A metric row with only an options object needs an 'expression'")]),
        ({"widgets": [metric_widget([[{"expression": " "}]])]},
         [("/widgets/0/properties/metrics/0/0/expression", "Should NOT be shorter than 1 characters"),
          ("/widgets/0/properties/metrics/0/0/expression", "Invalid expression: empty expression")]),
        ({"widgets": [metric_widget([[NS, "A", {"expression": "m1"}]])]},
         [("/widgets/0/properties/metrics/0", "An expression row must not contain metric strings")]),
        ({"widgets": [metric_widget([[NS, "A"], ["...", "x", "y", "z"]])]},
         [("/widgets/0/properties/metrics/1", "'...' row is longer than the previous metric row")]),
        ({"widgets": [metric_widget([[NS, "..."]])]},
         [("/widgets/0/properties/metrics/0/1", "'...' is only allowed as the first element")]),
        ({"widgets": [metric_widget([[NS]])]},
         [("/widgets/0/properties/metrics/0", "Should have at least a namespace and a metric name"),
          ("/widgets/0/properties/metrics/0", 'Field "metrics" has to be an array of array of strings')]),
        ({"widgets": [metric_widget([[NS, "A"] + ["d", "v"] * 31])]},
         [("/widgets/0/properties/metrics/0", "Should NOT have more than 30 dimensions")]),
        ({"widgets": [metric_widget([[NS, ""]])]},
         [("/widgets/0/properties/metrics/0", "Should NOT be shorter than 1 characters")]),
        ({"widgets": [metric_widget([[{"expression": "m1 +", "id": "e1"}], [{"expression": "e2 * 2", "id": "e2"}]])]},
         [("/widgets/0/properties/metrics/0/0/expression", "Invalid expression: unexpected end of expression"),
          ("/widgets/0/properties/metrics/1/0/expression", "Expression 'e2' must not reference itself")]),
        ({"widgets": [metric_widget([[NS, "A"]], period=90, stat="Total", view="graph")]},
         [("/widgets/0/properties/view", "Should be equal to one of the allowed values"),
          ("/widgets/0/properties/period", "Should be 1, 5, 10, 20, 30 or a multiple of 60"),
          ("/widgets/0/properties/stat", "Should be a valid statistic")]),
    ],
)
def test_put_dashboard_validation_errors(emu, cw, body, expected):
    with pytest.raises(ClientError) as exc:
        cw.put_dashboard(DashboardName="bad", DashboardBody=_bad(body))
    code, msg, status = err(exc)
    assert (code, status) == ("InvalidParameterInput", 400)
    got = [(m["DataPath"], m["Message"]) for m in exc.value.response["dashboardValidationMessages"]]
    assert len(got) == len(expected)
    for (gp, gm), (ep, em) in zip(got, expected, strict=True):
        assert gp == ep
        assert gm.startswith(em)
    assert msg.startswith(f"The dashboard body is invalid, there are {len(expected)} validation errors:")
    listing = json.loads(msg.split("\n", 1)[1])
    assert [(d["dataPath"], d["message"]) for d in listing] == got
    with pytest.raises(ClientError):
        cw.get_dashboard(DashboardName="bad")  # nothing was stored


def test_dashboard_calls_check_what_the_sdk_does_not(emu, cw, cw_raw):
    def refused(call, **params):
        with pytest.raises(ClientError) as exc:
            call(**params)
        return err(exc)

    assert refused(cw_raw.put_dashboard, DashboardName="d")[:2] == (
        "MissingParameter", "The parameter DashboardBody is required.")
    code, _, _ = refused(cw_raw.put_dashboard, DashboardName="d", DashboardBody=5)
    assert code == "InvalidParameterInput"  # "Should be string"
    tags = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    assert refused(cw.put_dashboard, DashboardName="d", DashboardBody='{"widgets": []}', Tags=tags)[0] == (
        "InvalidParameterValue")
    assert refused(cw_raw.get_dashboard)[0] == "InvalidParameterValue"
    assert refused(cw_raw.put_dashboard, DashboardBody='{"widgets": []}')[0] == "InvalidParameterValue"
    assert refused(cw_raw.delete_dashboards, DashboardNames=[])[0] == "InvalidParameterValue"
    assert "greater than 100" in refused(cw.delete_dashboards, DashboardNames=[f"d{i}" for i in range(101)])[1]
    assert "invalid characters" in refused(cw.list_dashboards, DashboardNamePrefix="a b")[1]
    # Tags are kept on creation.
    out = cw.put_dashboard(DashboardName="tagged", DashboardBody='{"widgets": []}',
                           Tags=[{"Key": "Team", "Value": "x"}])
    assert out["DashboardValidationMessages"] == []
    arn = cw.get_dashboard(DashboardName="tagged")["DashboardArn"]
    assert cw.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "Team", "Value": "x"}]


def test_list_metrics_checks_what_the_sdk_does_not(emu, cw, cw_raw):
    with pytest.raises(ClientError) as exc:
        cw.list_metrics(Dimensions=[{"Name": f"d{i}"} for i in range(11)])
    assert err(exc)[0] == "InvalidParameterValue" and "greater than 10" in err(exc)[1]
    with pytest.raises(ClientError) as exc:
        cw_raw.list_metrics(RecentlyActive="PT1H")
    assert err(exc)[0] == "InvalidParameterValue" and "The only valid value is PT3H" in err(exc)[1]


@pytest.mark.parametrize("name", ["bad name!", "dots.not.allowed", "x" * 256])
def test_put_dashboard_name_rules(emu, cw, name):
    with pytest.raises(ClientError) as exc:
        cw.put_dashboard(DashboardName=name, DashboardBody=json.dumps({"widgets": []}))
    code, msg, status = err(exc)
    assert (code, status) == ("InvalidParameterValue", 400)
    assert "DashboardName" in msg
    cw.put_dashboard(DashboardName="x" * 255, DashboardBody=json.dumps({"widgets": []}))


def test_reset_clears_metrics_and_dashboards(emu, cw):
    base = hour_floor(now_ts()) - 3600
    seed(emu, "Invocations", {"ModelId": "r"}, [(base + 60, 1)])
    cw.put_dashboard(DashboardName="r", DashboardBody=json.dumps({"widgets": []}))
    emu.control("POST", "/_emu/reset")
    assert cw.list_metrics()["Metrics"] == []
    assert cw.list_dashboards()["DashboardEntries"] == []
    resp = cw.get_metric_data(MetricDataQueries=[mq("m", "Invocations", {"ModelId": "r"})],
                              StartTime=utc(base), EndTime=utc(base + 3600))
    assert by_id(resp)["m"]["Values"] == []


def test_json_responses_are_labelled_as_aws_json(emu):
    op = cloudwatch_cbor.service_model().operation_model("ListDashboards")
    from botocore.serialize import JSONSerializer

    req = JSONSerializer().serialize_to_request({}, op)
    status, headers, body = raw_post(emu, "/", req["body"], {**req["headers"], "Authorization": AUTH})
    assert status == 200
    assert headers["content-type"] == "application/x-amz-json-1.0"
    assert json.loads(body) == {"DashboardEntries": []}


# ---------------------------------------------------------------- CBOR


def test_cbor_client_round_trip_every_operation(emu, cbor_cw):
    t0 = now_ts() - 1800
    data = [{"MetricName": "InputTokenCount" if i % 2 else "CacheReadInputTokenCount",
             "Dimensions": [{"Name": "ModelId", "Value": "cbor"}],
             "Value": float(i % 10), "Timestamp": utc(t0 + 60 * (i % 20))} for i in range(650)]
    cbor_cw.put_metric_data(Namespace=NS, MetricData=data)
    url, headers, body = cbor_cw.sent[-1]
    assert url.endswith(CBOR_PATH + "PutMetricData")
    assert headers["smithy-protocol"] == b"rpc-v2-cbor" or headers["smithy-protocol"] == "rpc-v2-cbor"
    enc = headers.get("Content-Encoding")
    assert enc in (b"gzip", "gzip"), "600+ datums must be sent gzip-compressed"
    assert body[:2] == b"\x1f\x8b"

    start = hour_floor(t0)
    resp = cbor_cw.get_metric_data(
        MetricDataQueries=[mq("m1", "InputTokenCount", {"ModelId": "cbor"}, period=7200, ReturnData=False),
                           mq("m2", "CacheReadInputTokenCount", {"ModelId": "cbor"}, period=7200, ReturnData=False),
                           {"Id": "hit", "Expression": "IF((m1+m2) > 0, m2/(m1+m2), 0)", "Label": "hit"}],
        StartTime=utc(start), EndTime=utc(start + 7200),
    )
    hit = by_id(resp)["hit"]
    expect_m1 = sum(float(i % 10) for i in range(650) if i % 2)
    expect_m2 = sum(float(i % 10) for i in range(650) if not i % 2)
    assert hit["Values"] == [pytest.approx(expect_m2 / (expect_m1 + expect_m2))]
    assert hit["Timestamps"][0] == utc(start)
    assert resp["ResponseMetadata"]["HTTPHeaders"]["smithy-protocol"] == "rpc-v2-cbor"
    assert resp["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/cbor"

    with pytest.raises(ClientError) as exc:
        cbor_cw.get_metric_statistics(Namespace=NS, MetricName="InputTokenCount", StartTime=utc(start),
                                      EndTime=utc(start + 7200), Period=7200, Statistics=["Sum"])
    assert err(exc)[:1] == ("InvalidAction",)
    lm = cbor_cw.list_metrics(Namespace=NS)
    assert sorted(m["MetricName"] for m in lm["Metrics"]) == ["CacheReadInputTokenCount", "InputTokenCount"]

    assert cbor_cw.put_dashboard(DashboardName="cbor-dash",
                                 DashboardBody=json.dumps(GOOD_BODY))["DashboardValidationMessages"] == []
    assert json.loads(cbor_cw.get_dashboard(DashboardName="cbor-dash")["DashboardBody"]) == GOOD_BODY
    entries = cbor_cw.list_dashboards(DashboardNamePrefix="cbor")["DashboardEntries"]
    assert [e["DashboardName"] for e in entries] == ["cbor-dash"]
    assert isinstance(entries[0]["LastModified"], dt.datetime)
    cbor_cw.delete_dashboards(DashboardNames=["cbor-dash"])
    assert cbor_cw.list_dashboards()["DashboardEntries"] == []

    # moto-native operations go through the same shim
    cbor_cw.put_metric_alarm(AlarmName="a1", MetricName="Invocations", Namespace=NS, Statistic="Sum", Period=300,
                             EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanThreshold")
    alarms = cbor_cw.describe_alarms(AlarmNames=["a1"])["MetricAlarms"]
    assert alarms[0]["AlarmName"] == "a1" and alarms[0]["Threshold"] == 1.0


def test_cbor_client_sees_query_compatible_error_codes(emu, cbor_cw):
    with pytest.raises(ClientError) as exc:
        cbor_cw.get_dashboard(DashboardName="nope")
    assert err(exc) == ("ResourceNotFound", "Dashboard does not exist", 404)
    with pytest.raises(ClientError) as exc:
        cbor_cw.put_dashboard(DashboardName="x", DashboardBody=json.dumps({"widgets": 5}))
    assert err(exc)[0] == "InvalidParameterInput"
    assert exc.value.response["dashboardValidationMessages"] == [{"DataPath": "/widgets", "Message": "Should be array"}]
    base = hour_floor(now_ts())
    with pytest.raises(ClientError) as exc:
        cbor_cw.get_metric_data(MetricDataQueries=[mq("Bad", "A", {})], StartTime=utc(base - 60), EndTime=utc(base))
    assert err(exc)[0] == "ValidationError" and err(exc)[2] == 400


def test_raw_cbor_wire_format(emu):
    base = hour_floor(now_ts()) - 2 * 3600
    seed(emu, "OutputTokenCount", {"ModelId": "wire"}, [(base + 60, 3), (base + 3660, 4.5)])
    status, headers, body = raw_cbor(emu, "GetMetricData", {
        "MetricDataQueries": [mq("m", "OutputTokenCount", {"ModelId": "wire"})],
        "StartTime": utc(base), "EndTime": utc(base + 7200),
    })
    assert status == 200
    assert headers["smithy-protocol"] == "rpc-v2-cbor"
    assert headers["content-type"] == "application/cbor"
    doc = strict_cbor(body)
    r = doc["MetricDataResults"][0]
    assert r["Id"] == "m" and r["StatusCode"] == "Complete"
    assert all(type(v) is F64 for v in r["Values"]), "doubles must be float64"
    assert r["Values"] == [4.5, 3.0]
    assert all(isinstance(t, Tag1) and type(t.value) is F64 for t in r["Timestamps"]), "timestamps must be tag 1"
    assert [t.value for t in r["Timestamps"]] == [base + 3600, base]

    # empty-output operation: empty body, still the protocol header
    status, headers, body = raw_cbor(emu, "PutMetricData", {"Namespace": NS, "MetricData": [_datum()]})
    assert status == 200 and body == b"" and headers["smithy-protocol"] == "rpc-v2-cbor"
    status, headers, body = raw_cbor(emu, "ListDashboards", {})
    assert status == 200 and strict_cbor(body) == {"DashboardEntries": []}


def test_raw_cbor_gzip_put_metric_data(emu):
    t = now_ts() - 600
    data = [{"MetricName": "Invocations", "Dimensions": [{"Name": "ModelId", "Value": f"gz{i % 3}"}],
             "Value": 1.0, "Timestamp": utc(t)} for i in range(640)]
    raw = cbor_request({"Namespace": NS, "MetricData": data}, "PutMetricData")
    assert len(raw) > 10 * 1024
    status, headers, body = raw_cbor(emu, "PutMetricData", body=gzip.compress(raw),
                                     headers={"Content-Encoding": "gzip"})
    assert status == 200, body
    status, _, body = raw_cbor(emu, "ListMetrics", {"Namespace": NS})
    assert sorted(m["Dimensions"][0]["Value"] for m in strict_cbor(body)["Metrics"]) == ["gz0", "gz1", "gz2"]
    start = hour_floor(t)
    status, _, body = raw_cbor(emu, "GetMetricData", {
        "MetricDataQueries": [mq("m", "Invocations", {"ModelId": "gz0"}, stat="SampleCount")],
        "StartTime": utc(start), "EndTime": utc(start + 3600)})
    assert strict_cbor(body)["MetricDataResults"][0]["Values"] == [214.0]
    # a body that claims gzip but is not
    status, headers, body = raw_cbor(emu, "PutMetricData", body=raw, headers={"Content-Encoding": "gzip"})
    assert status == 400 and strict_cbor(body)["__type"] == "SerializationException"


def test_raw_cbor_error_encoding(emu):
    status, headers, body = raw_cbor(emu, "GetDashboard", {"DashboardName": "missing"})
    assert status == 404
    assert headers["x-amzn-query-error"] == "ResourceNotFound;Sender"
    assert headers["smithy-protocol"] == "rpc-v2-cbor" and headers["content-type"] == "application/cbor"
    doc = strict_cbor(body)
    assert doc["__type"].startswith("com.amazonaws.cloudwatch#")
    assert doc["__type"].rsplit("#", 1)[1] in ("DashboardNotFoundError", "ResourceNotFound")
    assert doc["message"] == "Dashboard does not exist"

    status, headers, body = raw_cbor(emu, "PutDashboard",
                                     {"DashboardName": "d", "DashboardBody": '{"widgets":[{"type":"nope"}]}'})
    assert status == 400 and headers["x-amzn-query-error"] == "InvalidParameterInput;Sender"
    doc = strict_cbor(body)
    assert doc["__type"] == "com.amazonaws.cloudwatch#DashboardInvalidInputError"
    assert doc["dashboardValidationMessages"] == [{"DataPath": "/widgets/0/type",
                                                   "Message": "Should be equal to one of the allowed values"}]

    status, headers, body = raw_cbor(emu, "GetMetricData", {
        "MetricDataQueries": [mq("m", "A", {})], "StartTime": utc(1000), "EndTime": utc(1000),
    })
    assert status == 400 and headers["x-amzn-query-error"] == "ValidationError;Sender"
    assert strict_cbor(body)["message"] == "The parameter StartTime must not equal parameter EndTime."

    status, headers, body = raw_cbor(emu, "GetMetricData", {
        "MetricDataQueries": [mq("m", "A", {})], "StartTime": utc(0), "EndTime": utc(60), "NextToken": "zzz"})
    assert status == 400 and headers["x-amzn-query-error"].startswith("InvalidNextToken;")
    assert strict_cbor(body)["__type"] == "com.amazonaws.cloudwatch#InvalidNextToken"


def test_raw_cbor_protocol_errors(emu):
    status, headers, body = raw_cbor(emu, "NoSuchOperation", body=b"\xa0")
    assert status == 404 and strict_cbor(body)["__type"] == "UnknownOperationException"
    status, headers, body = raw_cbor(emu, "ListDashboards", body=b"\xa0", headers={"smithy-protocol": "rpc-v2-json"})
    assert status == 400 and headers["smithy-protocol"] == "rpc-v2-cbor"
    status, headers, body = raw_cbor(emu, "ListDashboards", body=b"\xff\x00garbage")
    assert status == 400 and strict_cbor(body)["__type"] == "SerializationException"


def test_raw_cbor_body_forms(emu):
    # no body at all: an operation without parameters
    status, _, body = raw_cbor(emu, "ListDashboards", body=b"")
    assert status == 200 and strict_cbor(body) == {"DashboardEntries": []}
    # codings applied in order; identity is no coding
    data = gzip.compress(cbor_request({}, "ListDashboards"))
    status, _, body = raw_cbor(emu, "ListDashboards", body=data, headers={"Content-Encoding": "gzip, identity"})
    assert status == 200
    status, _, body = raw_cbor(emu, "ListDashboards", body=b"\xa0", headers={"Content-Encoding": "br"})
    assert status == 415 and strict_cbor(body)["__type"] == "UnsupportedMediaType"
    # a gzip bomb is refused before it is decoded in full
    bomb = gzip.compress(b"\0" * (cloudwatch_cbor._MAX_BODY + 1))
    status, _, body = raw_cbor(emu, "PutMetricData", body=bomb, headers={"Content-Encoding": "gzip"})
    assert status == 413 and strict_cbor(body)["__type"] == "RequestEntityTooLarge"
    # a chunked body (no Content-Length) is read to its end
    import http.client
    from urllib.parse import urlsplit

    conn = http.client.HTTPConnection(urlsplit(emu.url).netloc, timeout=30)
    payload = cbor_request({"DashboardNamePrefix": "x"}, "ListDashboards")
    conn.request("POST", CBOR_PATH + "ListDashboards", body=iter([payload[:3], payload[3:]]), encode_chunked=True,
                 headers={"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor", "Authorization": AUTH})
    resp = conn.getresponse()
    assert resp.status == 200 and strict_cbor(resp.read()) == {"DashboardEntries": []}
    # a declared length over the limit is refused unread
    conn.request("POST", CBOR_PATH + "PutMetricData", body=b"\xa0",
                 headers={"smithy-protocol": "rpc-v2-cbor", "Content-Length": str(cloudwatch_cbor._MAX_BODY + 1)})
    resp = conn.getresponse()
    assert resp.status == 413 and strict_cbor(resp.read())["__type"] == "RequestEntityTooLarge"
    conn.close()
    # operations are POSTs
    req = urllib.request.Request(emu.url + CBOR_PATH + "ListDashboards", method="GET",
                                 headers={"smithy-protocol": "rpc-v2-cbor"})
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(req, timeout=30)
    assert exc.value.code == 405 and strict_cbor(exc.value.read())["__type"] == "MethodNotAllowed"


def test_json_to_cbor_encodes_every_cloudwatch_shape_type():
    model = cloudwatch_cbor.service_model()

    def enc(value, shape_name):
        out = bytearray()
        cloudwatch_cbor._json_to_cbor(out, value, model.shape_for(shape_name))
        return bytes(out)

    assert strict_cbor(enc({"k": "v"}, "EntityKeyAttributesMap")) == {"k": "v"}
    assert strict_cbor(enc(base64.b64encode(b"png").decode(), "MetricWidgetImage")) == b"png"
    assert strict_cbor(enc(-5, "Size")) == -5
    ts = strict_cbor(enc("2026-01-01T00:00:00Z", "Timestamp"))
    assert isinstance(ts, Tag1) and ts.value == 1767225600.0
    assert strict_cbor(enc("2026-01-01T00:00:00", "Timestamp")).value == 1767225600.0  # naive = UTC
    for n in (2**16, 2**32):  # long heads
        head = bytearray()
        cloudwatch_cbor._head(head, 0, n)
        assert strict_cbor(bytes(head)) == n
    with pytest.raises(TypeError):
        cloudwatch_cbor._json_to_cbor(bytearray(), 1.0, type("S", (), {"type_name": "float"})())


def _fake_inner(status, headers, body):
    def app(environ, start_response):
        start_response(f"{status} X", headers)
        return [body]

    return app


@pytest.mark.parametrize(
    "status, headers, body, want_type, want_query",
    [
        # the fault injector's JSON error, with and without the query-compatible header
        (429, [("Content-Type", "application/json"), ("x-amzn-ErrorType", "ThrottlingException")],
         b'{"__type": "ThrottlingException", "message": "Rate exceeded"}', "ThrottlingException",
         "ThrottlingException;Sender"),
        (503, [("Content-Type", "application/json"), ("x-amzn-ErrorType", "ServiceUnavailable"),
               ("x-amzn-query-error", "ServiceUnavailable;Receiver")],
         b'{"__type": "ServiceUnavailable", "message": "try later"}', "ServiceUnavailable",
         "ServiceUnavailable;Receiver"),
        (500, [("Content-Type", "application/json"), ("x-amzn-ErrorType", "InternalServiceError")],
         b'{"__type": "InternalServiceError", "message": "boom"}', "com.amazonaws.cloudwatch#InternalServiceFault",
         "InternalServiceError;Receiver"),
        (500, [("Content-Type", "text/html")], b"<html>NotImplementedError</html>", "InternalFailure",
         "InternalFailure;Receiver"),
        # an error without a type or a query-error header
        (400, [("Content-Type", "application/json")], b'{"message": "no type"}', "BadRequest", "BadRequest;Sender"),
        # a success the shim cannot re-encode (not JSON) is the emulator's failure
        (200, [("Content-Type", "text/plain")], b"not json", "InternalFailure", "InternalFailure;Receiver"),
    ],
)
def test_shim_reencodes_errors_from_inner_layers(status, headers, body, want_type, want_query):
    app = cloudwatch_cbor.wsgi(_fake_inner(status, headers, body))
    captured = {}

    def start_response(s, h, exc_info=None):
        captured["status"] = s
        captured["headers"] = {k.lower(): v for k, v in h}

    import io

    payload = cbor_request({}, "ListDashboards")
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": CBOR_PATH + "ListDashboards", "CONTENT_LENGTH": str(len(payload)),
        "wsgi.input": io.BytesIO(payload), "HTTP_SMITHY_PROTOCOL": "rpc-v2-cbor", "CONTENT_TYPE": "application/cbor",
    }
    out = b"".join(app(environ, start_response))
    assert captured["status"].startswith(str(500 if status == 200 else status))
    assert captured["headers"]["x-amzn-query-error"] == want_query
    assert captured["headers"]["content-type"] == "application/cbor"
    doc = strict_cbor(out)
    assert doc["__type"] == want_type
    assert doc["message"]
    if want_type.endswith("InternalServiceFault"):
        assert doc["Message"] == "boom"  # the modeled member of that shape


def test_injected_faults_reach_cbor_callers_as_cbor(emu):
    """End to end with awsemu.faults: its JSON error is re-encoded by the shim."""
    emu.control("POST", "/_emu/faults", {"rules": [
        {"service": "cloudwatch", "operation": "ListDashboards", "error": "ServiceUnavailable", "status": 503,
         "message": "try later", "count": 1},
        {"service": "cloudwatch", "operation": "GetDashboard", "error": "Throttling", "status": 400,
         "message": "Rate exceeded", "count": 1},
    ]})
    status, headers, body = raw_cbor(emu, "ListDashboards", {})
    assert status == 503
    assert headers["x-amzn-query-error"] == "ServiceUnavailable;Receiver"
    assert headers["content-type"] == "application/cbor" and headers["smithy-protocol"] == "rpc-v2-cbor"
    assert strict_cbor(body) == {"__type": "ServiceUnavailable", "message": "try later"}
    status, headers, body = raw_cbor(emu, "GetDashboard", {"DashboardName": "x"})
    assert status == 400 and headers["x-amzn-query-error"] == "Throttling;Sender"
    assert strict_cbor(body)["message"] == "Rate exceeded"
    # count exhausted: the real answers come back
    status, _, body = raw_cbor(emu, "ListDashboards", {})
    assert status == 200 and strict_cbor(body) == {"DashboardEntries": []}


def test_hourly_periods_only_past_63_days_and_stale_metrics_are_not_listed(emu, cw):
    now = now_ts()
    old = now - 70 * 86400
    seed(emu, "Invocations", {"ModelId": "ancient"}, [(old, 1.0)])
    resp = cw.get_metric_data(MetricDataQueries=[mq("s", "Invocations", {"ModelId": "ancient"}, period=300)],
                              StartTime=utc(old - 3600), EndTime=utc(old + 3600))
    assert by_id(resp)["s"]["Values"] == []  # 300 s is not a multiple of an hour
    assert cw.list_metrics(Namespace=NS, MetricName="Invocations")["Metrics"]
    emu.control("POST", "/_emu/clock", {"now": utc(now + 15 * 86400).isoformat()})
    assert cw.list_metrics(Namespace=NS, MetricName="Invocations")["Metrics"] == []  # not published for 2 weeks


def test_put_metric_data_refuses_duplicate_dimensions(emu, cw):
    with pytest.raises(ClientError) as exc:
        cw.put_metric_data(Namespace=NS, MetricData=[_datum(Dimensions=[{"Name": "a", "Value": "1"},
                                                                        {"Name": "a", "Value": "2"}])])
    assert err(exc)[0] == "InvalidParameterValue" and "is a duplicate" in err(exc)[1]



def test_cbor_members_of_the_wrong_type_are_serialization_errors(emu):
    def text(t: str) -> bytes:
        return bytes([0x60 | len(t)]) + t.encode()

    # {"Namespace": "N", "MetricData": [{"MetricName": "X", "Value": "many"}]}: a text string for a double
    body = (bytes([0xA2]) + text("Namespace") + text("N") + text("MetricData") + bytes([0x81, 0xA2])
            + text("MetricName") + text("X") + text("Value") + text("many"))
    status, _, data = raw_cbor(emu, "PutMetricData", body=body)
    assert status == 400 and strict_cbor(data)["__type"] == "SerializationException"
